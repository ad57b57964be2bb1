import { CreateFibreRouteInput, FibreRoute, FibreRouteForCarrier, FibreRouteResponse, UpdateFibreRouteInput } from '@registry/shared/schemas/fibre';
import type { ResourceDescriptor } from '../registry/resource';
import { assetSorts, carrierOwned, lengthDerived, ownerCode } from '../registry/owned';

/** Fibre routes: not on the public map; others' routes visible to carriers except planned ones. */
export const fibreRoutesResource: ResourceDescriptor = {
  ...carrierOwned,
  name: 'fibre-routes',
  objectType: 'fibre_route',
  table: 'fibre_routes',
  label: 'Fibre route',
  idType: 'integer',
  views: { full: FibreRoute, others: FibreRouteForCarrier, public: null },
  response: FibreRouteResponse,
  createInput: CreateFibreRouteInput,
  updateInput: UpdateFibreRouteInput,
  fields: { ownerCarrierCode: { read: ownerCode, column: null }, lengthM: { column: null } },
  geometry: { column: 'geom', store: 'LineString' },
  derived: lengthDerived,
  filters: { kind: (p, v) => `t.kind = ${p(v)}` },
  sorts: { ...assetSorts, lengthM: { expr: 'coalesce(t.length_m, 0)', cast: 'real' }, fibreCount: { expr: 't.fibre_count', cast: 'bigint' } },
  coverage: 'fibreRouteIds',
  references: [
    { what: 'access_points', sql: 'SELECT 1 FROM access_points WHERE fibre_route_id = $1 LIMIT 1' },
    { what: 'permit_applications', sql: 'SELECT 1 FROM permit_applications WHERE fibre_route_id = $1 LIMIT 1' },
  ],
};
