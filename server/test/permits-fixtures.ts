import type pg from 'pg';
import type { Position } from '@registry/shared/geo/geometry';

// Hand-built geometry for the permit-desk tests: positions given in metres
// east/north of a base point at sea (Gulf of Tonkin), far from any loaded
// dataset's features, shifted per run.
// Tests that commit their fixtures (the lifecycle) and tests that roll them
// back (the rules) draw their base points from two latitude bands about
// 27 km apart: the rules look for any owner's structures, zones and
// footprints within kilometres, and a rule test whose random base fell near
// the lifecycle's committed towers got their co-location verdict (seen as a
// rare failure in a fresh-clone run).
// 1° latitude ≈ 110 574 m; 1° longitude ≈ 111 320 m × cos(latitude).

const BANDS = { rolledBack: { lat: 19.55, span: 0.15 }, committed: { lat: 19.95, span: 0.1 } } as const;

export function makeFrame(seed = Math.random(), band: keyof typeof BANDS = 'rolledBack') {
  const base = { lon: 107.45 + seed * 0.4, lat: BANDS[band].lat + ((seed * 7919) % 1) * BANDS[band].span };
  const at = (eastM: number, northM: number): [number, number] => [
    base.lon + eastM / (111_320 * Math.cos((base.lat * Math.PI) / 180)),
    base.lat + northM / 110_574,
  ];
  const point = (eastM: number, northM: number) => ({ type: 'Point' as const, coordinates: at(eastM, northM) });
  const line = (...metres: [number, number][]) => ({ type: 'LineString' as const, coordinates: metres.map(([e, n]) => at(e, n)) as Position[] });
  /** Axis-aligned square (metres), as a polygon. */
  const square = (e0: number, n0: number, e1: number, n1: number) => ({
    type: 'Polygon' as const,
    coordinates: [[at(e0, n0), at(e1, n0), at(e1, n1), at(e0, n1), at(e0, n0)]],
  });
  return { base, at, point, line, square };
}
export type Frame = ReturnType<typeof makeFrame>;

type Runner = Pick<pg.PoolClient, 'query'>;
let n = 0;
const code = (p: string) => `${p}${process.pid}${Date.now().toString(36)}${++n}`;

export async function insertCarrier(db: Runner, prefix = 'C'): Promise<number> {
  const c = code(prefix);
  const r = await db.query<{ id: number }>(
    `INSERT INTO carriers (code, name, legal_name, licence_kinds, contact_name, contact_phone) VALUES ($1, $1, 'Công ty ' || $1, '{mobile,fixed,infrastructure}', 'Contact ' || $1, '0900000000') RETURNING id`,
    [c],
  );
  return r.rows[0]!.id;
}

const gj = (g: unknown) => JSON.stringify(g);

/** A site with the owner's tenancy row, plus `extraTenants` other tenancies. */
export async function insertSite(
  db: Runner,
  ownerId: number,
  geometry: unknown,
  options: { capacity?: number; tenants?: number[]; status?: string; heightM?: number } = {},
): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m, tenant_capacity, status)
     VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), 'greenfield_tower', $4, $5, $6) RETURNING id`,
    [code('S'), ownerId, gj(geometry), options.heightM ?? 40, options.capacity ?? 3, options.status ?? 'active'],
  );
  const id = r.rows[0]!.id;
  for (const carrier of [ownerId, ...(options.tenants ?? [])]) {
    await db.query(`INSERT INTO site_tenancies (site_id, carrier_id) VALUES ($1, $2)`, [id, carrier]);
  }
  return id;
}

export async function insertZone(db: Runner, kind: string, name: string, geometry: unknown, extra: { maxHeightM?: number; bufferM?: number } = {}): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO zones (code, name, kind, geom, max_height_m, buffer_m) VALUES ($1, $2, $3, ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), $5, $6) RETURNING id`,
    [code('Z'), name, kind, gj(geometry), extra.maxHeightM ?? null, extra.bufferM ?? null],
  );
  return r.rows[0]!.id;
}

export async function insertConduit(db: Runner, ownerId: number, geometry: unknown, ductsTotal: number, ductsUsed: number): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO conduits (code, owner_carrier_id, geom, ducts_total, ducts_used) VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), $4, $5) RETURNING id`,
    [code('D'), ownerId, gj(geometry), ductsTotal, ductsUsed],
  );
  return r.rows[0]!.id;
}

/** A village of an area class covering a polygon (with its commune and a level row). */
export async function insertVillage(db: Runner, areaClass: string, boundary: { type: 'Polygon'; coordinates: unknown }): Promise<number> {
  const level = code('lvl');
  await db.query(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ($1, 'Xã', 'Commune', 99)`, [level]);
  const multi = { type: 'MultiPolygon', coordinates: [boundary.coordinates] };
  const u = await db.query<{ id: number }>(
    `INSERT INTO admin_units (code, name, unit_type, level, boundary, valid_from, source) VALUES ($1, 'Xã Thử', 'Xã', $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), '2020-01-01', 'test') RETURNING id`,
    [code('U'), level, gj(multi)],
  );
  const v = await db.query<{ id: number }>(
    `INSERT INTO villages (code, name, commune_id, boundary, area_class) VALUES ($1, 'Thôn Thử', $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), $4) RETURNING id`,
    [code('V'), u.rows[0]!.id, gj(multi), areaClass],
  );
  return v.rows[0]!.id;
}
