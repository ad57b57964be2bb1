import { Carrier, CarrierForCarrier, CarrierPublic, CarrierResponse, CreateCarrierInput, UpdateCarrierInput } from '@registry/shared/schemas/carriers';
import type { ResourceDescriptor } from '../registry/resource';

/**
 * Carriers: a public register (code, names, licences); contacts are seen by
 * the carrier itself and staff. Admins maintain the register; a carrier that
 * owns anything or has users cannot be hard-deleted (set active = false).
 */
export const carriersResource: ResourceDescriptor = {
  name: 'carriers',
  objectType: 'carrier',
  table: 'carriers',
  label: 'Carrier',
  idType: 'integer',
  views: { full: Carrier, others: CarrierForCarrier, public: CarrierPublic },
  response: CarrierResponse,
  createInput: CreateCarrierInput,
  updateInput: UpdateCarrierInput,
  owner: { column: 'id', field: 'id' },
  write: 'admin',
  publicRead: { where: 'true' },
  lifecycle: false,
  sorts: { name: { expr: 't.name', cast: 'text' } },
  references: ['sites', 'fibre_routes', 'access_points', 'poles', 'manholes', 'conduits', 'trenches'].map((table) => ({
    what: table,
    sql: `SELECT 1 FROM ${table} WHERE owner_carrier_id = $1 LIMIT 1`,
  })).concat([
    { what: 'users', sql: 'SELECT 1 FROM users WHERE carrier_id = $1 LIMIT 1' },
    { what: 'site_tenancies', sql: 'SELECT 1 FROM site_tenancies WHERE carrier_id = $1 LIMIT 1' },
    { what: 'sectors', sql: 'SELECT 1 FROM sectors WHERE carrier_id = $1 LIMIT 1' },
    { what: 'occupancies', sql: 'SELECT 1 FROM occupancies WHERE carrier_id = $1 LIMIT 1' },
  ]),
};
