import { CreateLocationInput, Location, LocationResponse, UpdateLocationInput } from '@registry/shared/schemas/villages';
import type { ResourceDescriptor } from '../registry/resource';

/** Serviceable places (households, buildings): logged-in users read them, planners maintain them. */
export const locationsResource: ResourceDescriptor = {
  name: 'locations',
  objectType: 'location',
  table: 'locations',
  label: 'Location',
  idType: 'bigint',
  views: { full: Location, others: Location, public: null },
  response: LocationResponse,
  createInput: CreateLocationInput,
  updateInput: UpdateLocationInput,
  geometry: { column: 'geom', store: 'Point' },
  write: 'planner',
  lifecycle: false,
  filters: { villageId: (p, v) => `t.village_id = ${p(v)}`, kind: (p, v) => `t.kind = ${p(v)}` },
  sorts: { units: { expr: 't.units', cast: 'bigint' } },
};
