import { AdminUnit, AdminUnitResponse, CreateAdminUnitInput, UpdateAdminUnitInput } from '@registry/shared/schemas/admin-units';
import type { ResourceDescriptor } from '../registry/resource';

/**
 * Administrative units (province → district → commune, both schemes): public
 * reference data maintained by planners. Their boundaries define the
 * province, so they are not checked against it.
 */
export const adminUnitsResource: ResourceDescriptor = {
  name: 'admin-units',
  objectType: 'admin_unit',
  table: 'admin_units',
  label: 'Administrative unit',
  idType: 'integer',
  views: { full: AdminUnit, others: AdminUnit, public: AdminUnit },
  response: AdminUnitResponse,
  createInput: CreateAdminUnitInput,
  updateInput: UpdateAdminUnitInput,
  fields: { validFrom: { type: 'date' }, validTo: { type: 'date' } },
  geometry: { column: 'boundary', store: 'MultiPolygon', skipProvinceCheck: true },
  write: 'planner',
  publicRead: { where: 'true' },
  lifecycle: false,
  filters: {
    level: (p, v) => `t.level = ${p(v)}`,
    parentId: (p, v) => `t.parent_id = ${p(v)}`,
    // A unit's own sub-units, not every unit its boundary touches.
    adminUnitId: (p, v) => `t.id IN (WITH RECURSIVE d AS (SELECT id FROM admin_units WHERE id = ${p(v)} UNION ALL SELECT a.id FROM admin_units a JOIN d ON a.parent_id = d.id) SELECT id FROM d)`,
  },
  sorts: { name: { expr: 't.name', cast: 'text' }, level: { expr: 't.level', cast: 'text' } },
  references: [
    { what: 'admin_units (sub-units)', sql: 'SELECT 1 FROM admin_units WHERE parent_id = $1 LIMIT 1' },
    { what: 'villages', sql: 'SELECT 1 FROM villages WHERE commune_id = $1 LIMIT 1' },
  ],
};
