import { CreateVillageInput, UpdateVillageInput, Village, VillageResponse } from '@registry/shared/schemas/villages';
import type { ResourceDescriptor } from '../registry/resource';

/** Villages: public reference data (the plan's coverage targets count them), maintained by planners. */
export const villagesResource: ResourceDescriptor = {
  name: 'villages',
  objectType: 'village',
  table: 'villages',
  label: 'Village',
  idType: 'integer',
  views: { full: Village, others: Village, public: Village },
  response: VillageResponse,
  createInput: CreateVillageInput,
  updateInput: UpdateVillageInput,
  geometry: { column: 'boundary', store: 'MultiPolygon' },
  write: 'planner',
  publicRead: { where: 'true' },
  lifecycle: false,
  filters: { communeId: (p, v) => `t.commune_id = ${p(v)}` },
  sorts: { name: { expr: 't.name', cast: 'text' } },
  references: [{ what: 'locations', sql: 'SELECT 1 FROM locations WHERE village_id = $1 LIMIT 1' }],
};
