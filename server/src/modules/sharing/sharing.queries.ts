import { sql, type SQL } from 'drizzle-orm';
import type { SharedStructureKind } from '@registry/shared/schemas/permits';
import type { DbOrTx } from '../../db/client';
import { expandByMeters, geomFromGeoJson, rows } from '../permits/sql';

export interface SharedCapacityRow {
  kind: SharedStructureKind;
  id: number;
  code: string;
  type: string | null;
  height_m: number | null;
  status: string;
  owner_id: number;
  owner_code: string;
  owner_name: string;
  owner_website: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  unit: 'tenants' | 'positions' | 'ducts';
  total: number;
  used: number;
  distance_m: number;
  geojson: string;
}

/** Structures that still take tenants, by kind: id, code, type, height, status, owner, geometry, total and used capacity. */
const STRUCTURES: Record<SharedStructureKind, SQL> = {
  site: sql`SELECT 'site'::text AS kind, s.id, s.code, s.structure_type AS type, s.height_m, s.status, s.owner_carrier_id, s.geom,
                   'tenants'::text AS unit, s.tenant_capacity AS total,
                   (SELECT count(*)::int FROM site_tenancies t WHERE t.site_id = s.id AND t.until IS NULL) AS used
              FROM sites s, q WHERE s.geom && q.box AND s.status IN ('active', 'permitted')`,
  pole: sql`SELECT 'pole'::text AS kind, p.id, p.code, p.material AS type, p.height_m, p.status, p.owner_carrier_id, p.geom, 'positions'::text AS unit, p.positions_total AS total,
                   (SELECT coalesce(sum(o.count), 0)::int FROM occupancies o WHERE o.pole_id = p.id AND o.until IS NULL) AS used
              FROM poles p, q WHERE p.geom && q.box AND p.status IN ('active', 'permitted')`,
  conduit: sql`SELECT 'conduit'::text AS kind, d.id, d.code, NULL::text AS type, NULL::real AS height_m, d.status, d.owner_carrier_id, d.geom, 'ducts'::text AS unit, d.ducts_total AS total, d.ducts_used AS used
                 FROM conduits d, q WHERE d.geom && q.box AND d.status IN ('active', 'permitted')`,
  trench: sql`SELECT 'trench'::text AS kind, t.id, t.code, t.kind AS type, NULL::real AS height_m, t.status, t.owner_carrier_id, t.geom, 'ducts'::text AS unit, t.capacity_total AS total, t.capacity_used AS used
                FROM trenches t, q WHERE t.geom && q.box AND t.status IN ('active', 'permitted')`,
};

/**
 * Structures, conduits and tunnels within `radiusM` (geodesic) of a point or
 * line that have free capacity, nearest first, with owner and contact.
 */
export async function selectSharedCapacity(
  db: DbOrTx,
  geometry: unknown,
  radiusM: number,
  kinds: SharedStructureKind[],
  limit: number,
): Promise<SharedCapacityRow[]> {
  const g = geomFromGeoJson(geometry);
  const parts = sql.join(
    kinds.map((k) => STRUCTURES[k]),
    sql` UNION ALL `,
  );
  return rows<SharedCapacityRow>(
    db,
    sql`WITH q AS (SELECT ${g} AS g, ${expandByMeters(g, radiusM)} AS box),
             x AS (${parts})
        SELECT x.kind, x.id, x.code, x.type, x.height_m, x.status, c.id AS owner_id, c.code AS owner_code, c.name AS owner_name, c.website AS owner_website,
               c.contact_name, c.contact_phone, c.contact_email, x.unit, x.total, x.used,
               ST_Distance(x.geom::geography, q.g::geography) AS distance_m, ST_AsGeoJSON(x.geom, 7) AS geojson
          FROM x CROSS JOIN q JOIN carriers c ON c.id = x.owner_carrier_id
         WHERE x.total > x.used AND ST_DWithin(x.geom::geography, q.g::geography, ${radiusM})
         ORDER BY distance_m, x.kind, x.id
         LIMIT ${limit}`,
  );
}

/** One structure with its owner and free capacity, locked when asked (co-use answers). */
export async function selectStructure(db: DbOrTx, kind: SharedStructureKind, id: number, forUpdate = false) {
  const table = { site: sql`sites`, pole: sql`poles`, conduit: sql`conduits`, trench: sql`trenches` }[kind];
  const lock = forUpdate ? sql`FOR UPDATE` : sql``;
  const base = await rows<{ id: number; code: string; owner_carrier_id: number; status: string; geojson: string }>(
    db,
    sql`SELECT id, code, owner_carrier_id, status, ST_AsGeoJSON(geom) AS geojson FROM ${table} WHERE id = ${id} ${lock}`,
  );
  const row = base[0];
  if (!row) return null;
  const capacity = (
    await rows<{ total: number; used: number }>(
      db,
      {
        site: sql`SELECT tenant_capacity AS total, (SELECT count(*)::int FROM site_tenancies WHERE site_id = ${id} AND until IS NULL) AS used FROM sites WHERE id = ${id}`,
        pole: sql`SELECT positions_total AS total, (SELECT coalesce(sum(count), 0)::int FROM occupancies WHERE pole_id = ${id} AND until IS NULL) AS used FROM poles WHERE id = ${id}`,
        conduit: sql`SELECT ducts_total AS total, ducts_used AS used FROM conduits WHERE id = ${id}`,
        trench: sql`SELECT capacity_total AS total, capacity_used AS used FROM trenches WHERE id = ${id}`,
      }[kind],
    )
  )[0]!;
  return { ...row, total: capacity.total, used: capacity.used, free: capacity.total - capacity.used };
}

