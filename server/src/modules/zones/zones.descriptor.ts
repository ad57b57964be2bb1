import { CreateZoneInput, UpdateZoneInput, Zone, ZoneResponse } from '@registry/shared/schemas/zones';
import type { ResourceDescriptor } from '../registry/resource';

/** Planning zones: public planning information, maintained by planners. */
export const zonesResource: ResourceDescriptor = {
  name: 'zones',
  objectType: 'zone',
  table: 'zones',
  label: 'Zone',
  idType: 'integer',
  views: { full: Zone, others: Zone, public: Zone },
  response: ZoneResponse,
  createInput: CreateZoneInput,
  updateInput: UpdateZoneInput,
  fields: { validFrom: { type: 'date' }, validTo: { type: 'date' } },
  geometry: { column: 'geom', store: 'Geometry' },
  write: 'planner',
  publicRead: { where: 'true' },
  lifecycle: false,
  filters: { kind: (p, v) => `t.kind = ${p(v)}` },
  sorts: { name: { expr: 't.name', cast: 'text' }, kind: { expr: 't.kind', cast: 'text' } },
};
