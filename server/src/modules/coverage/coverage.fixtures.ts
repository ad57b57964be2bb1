// Hand-built geometry for the coverage tests, laid out in metres in UTM 48N
// (EPSG:32648) around (600 000 E, 2 355 000 N) — about 106.0° E, 21.3° N —
// and stored in 4326 like real data. Used only by *.test.ts.
import type pg from 'pg';
import { tr38901RmaNlosLossDb } from '@registry/shared/radio/path-loss';

export const SRID = 32648;
export const X0 = 600_000;
export const Y0 = 2_355_000;

/** UTM point → 4326 SQL expression. */
export function pointSql(x: number, y: number): string {
  return `ST_Transform(ST_SetSRID(ST_MakePoint(${x}, ${y}), ${SRID}), 4326)`;
}

/**
 * MAPL at which a 3500 MHz sector 30 m high in a rural village reaches
 * exactly `rangeM` (above 2 GHz the solver uses TR 38.901, RMa NLOS for
 * rural; see shared/src/radio/range.ts). Fixture villages are rural except
 * where a test says otherwise; an urban village's sectors use UMa instead.
 */
export function maplForRangeM(rangeM: number): number {
  return tr38901RmaNlosLossDb(3.5, 30, 1.5, rangeM);
}

export interface Fixture {
  communeId: number;
  carrierA: number;
  carrierB: number;
}

let seq = 0;
const tag = () => `cov${process.pid}x${Date.now().toString(36)}x${++seq}`;

/** Level, commune, two carriers and the metric CRS setting, inside the caller's transaction. */
export async function baseFixture(client: pg.PoolClient): Promise<Fixture> {
  await client.query(`INSERT INTO settings (key, value) VALUES ('metric_srid', '${SRID}'::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  await client.query(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ('commune', 'Xã', 'Commune', 3) ON CONFLICT DO NOTHING`);
  const t = tag();
  const c = await client.query<{ id: number }>(
    `INSERT INTO admin_units (code, name, unit_type, level, valid_from, source) VALUES ($1, 'Xã Thử', 'Xã', 'commune', '2020-01-01', 'test') RETURNING id`,
    [t],
  );
  const carrier = async (code: string) =>
    (await client.query<{ id: number }>(`INSERT INTO carriers (code, name, legal_name, licence_kinds) VALUES ($1, $1, $1, '{mobile,fixed}') RETURNING id`, [code])).rows[0]!.id;
  return { communeId: c.rows[0]!.id, carrierA: await carrier(`${t}A`), carrierB: await carrier(`${t}B`) };
}

/**
 * A 1000 m square village with its south-west corner at (x, y) and a 10 × 10
 * grid of one-unit locations at 100 m spacing, 50 m in from the edges.
 */
export async function squareVillage(client: pg.PoolClient, f: Fixture, x: number, y: number, areaClass = 'rural', grid = 10): Promise<number> {
  const t = tag();
  const v = await client.query<{ id: number }>(
    `INSERT INTO villages (code, name, commune_id, boundary, households, area_class)
     VALUES ($1, 'Thôn thử', $2, ST_Multi(ST_Transform(ST_MakeEnvelope($3::float8, $4::float8, $3::float8 + 1000, $4::float8 + 1000, ${SRID}), 4326)), $5, $6) RETURNING id`,
    [t, f.communeId, x, y, grid * grid, areaClass],
  );
  const id = v.rows[0]!.id;
  const step = 1000 / grid;
  await client.query(
    `INSERT INTO locations (code, village_id, geom, units)
     SELECT $1 || '-' || i || '-' || j, $2, ST_Transform(ST_SetSRID(ST_MakePoint($3::float8 + $5::float8 / 2 + $5::float8 * i, $4::float8 + $5::float8 / 2 + $5::float8 * j), ${SRID}), 4326), 1
       FROM generate_series(0, $6::int - 1) i, generate_series(0, $6::int - 1) j`,
    [t, id, x, y, step, grid],
  );
  return id;
}

export async function site(client: pg.PoolClient, carrierId: number, x: number, y: number, status = 'active'): Promise<number> {
  const r = await client.query<{ id: number }>(
    `INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m, status, tenant_capacity)
     VALUES ($1, $2, ${pointSql(x, y)}, 'greenfield_tower', 30, $3, 3) RETURNING id`,
    [tag(), carrierId, status],
  );
  return r.rows[0]!.id;
}

export async function sector(
  client: pg.PoolClient,
  siteId: number,
  carrierId: number,
  o: { rangeM: number; azimuthDeg?: number; beamwidthDeg?: number; technology?: string; status?: string },
): Promise<number> {
  const r = await client.query<{ id: number }>(
    `INSERT INTO sectors (site_id, carrier_id, code, technology, band_mhz, azimuth_deg, beamwidth_deg, antenna_height_m, mapl_db, status)
     VALUES ($1, $2, $3, $4, 3500, $5, $6, 30, $7, $8) RETURNING id`,
    [siteId, carrierId, tag(), o.technology ?? '4G', o.azimuthDeg ?? 0, o.beamwidthDeg ?? 360, maplForRangeM(o.rangeM), o.status ?? 'active'],
  );
  return r.rows[0]!.id;
}

export async function accessPoint(client: pg.PoolClient, carrierId: number, x: number, y: number, portsTotal: number, portsUsed: number): Promise<number> {
  const r = await client.query<{ id: number }>(
    `INSERT INTO access_points (code, owner_carrier_id, geom, kind, ports_total, ports_used) VALUES ($1, $2, ${pointSql(x, y)}, 'odp', $3, $4) RETURNING id`,
    [tag(), carrierId, portsTotal, portsUsed],
  );
  return r.rows[0]!.id;
}

export interface CoverageRow {
  villageId: number;
  technology: string;
  carrierId: number | null;
  coveredUnits: number;
  totalUnits: number;
  share: number;
  meetsTarget: boolean;
  gapAreaM2: number | null;
}

export async function coverageRows(client: pg.PoolClient, villageIds: number[]): Promise<CoverageRow[]> {
  const r = await client.query<CoverageRow>(
    `SELECT village_id AS "villageId", technology, carrier_id AS "carrierId", covered_units AS "coveredUnits", total_units AS "totalUnits",
            share, meets_target AS "meetsTarget", ST_Area(ST_Transform(gap, ${SRID})) AS "gapAreaM2"
       FROM village_coverage WHERE village_id = ANY($1::int[]) ORDER BY village_id, technology, coalesce(carrier_id, 0)`,
    [villageIds],
  );
  return r.rows;
}

export function covered(rows: CoverageRow[], villageId: number, technology: string, carrierId: number | null = null): number {
  return rows.find((r) => r.villageId === villageId && r.technology === technology && r.carrierId === carrierId)?.coveredUnits ?? 0;
}

/** Runs fn inside a transaction on one of the pool's connections and rolls it back, whatever happens. */
export async function inRollback(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await fn(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
