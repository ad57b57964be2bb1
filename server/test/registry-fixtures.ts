import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Role } from '@registry/shared/enums';
import type { Database } from '../src/db/client';
import { buildTestApp, createTestCarrier, createTestUser, loginHeaders, unique } from './helpers';

// Fixtures for the registry API tests: a small province polygon (the province
// guard needs one), two carriers, and a logged-in user of every role.

/** The test province: lon 106.0–106.6, lat 21.1–21.5. */
export const PROVINCE = { minLon: 106.0, minLat: 21.1, maxLon: 106.6, maxLat: 21.5 };
export const INSIDE: [number, number] = [106.3, 21.3];

export async function ensureProvince(pool: pg.Pool): Promise<number> {
  await pool.query(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ('province', 'Tỉnh', 'Province', 1), ('commune', 'Xã', 'Commune', 3) ON CONFLICT DO NOTHING`);
  const existing = await pool.query<{ id: number }>(`SELECT id FROM admin_units WHERE code = 'T99' AND parent_id IS NULL`);
  if (existing.rows[0]) return existing.rows[0].id;
  const { minLon, minLat, maxLon, maxLat } = PROVINCE;
  const r = await pool.query<{ id: number }>(
    `INSERT INTO admin_units (code, name, unit_type, level, boundary, valid_from, source)
     VALUES ('T99', 'Tỉnh Thử', 'Tỉnh', 'province', ST_Multi(ST_MakeEnvelope($1, $2, $3, $4, 4326)), '2020-01-01', 'test') RETURNING id`,
    [minLon, minLat, maxLon, maxLat],
  );
  return r.rows[0]!.id;
}

export type Who = 'admin' | 'planner' | 'officer' | 'carrierA' | 'carrierB' | 'public';
export const EVERYONE: Who[] = ['admin', 'planner', 'officer', 'carrierA', 'carrierB', 'public'];

export interface World {
  carrierA: { id: number; code: string };
  carrierB: { id: number; code: string };
  headers: Record<Who, Record<string, string>>;
  userIds: Record<Exclude<Who, 'public'>, number>;
}

/** Two carriers and one logged-in user per role (carrier users for A and B). */
export async function buildWorld(app: FastifyInstance, pool: pg.Pool): Promise<World> {
  const carrierA = await createTestCarrier(pool);
  const carrierB = await createTestCarrier(pool);
  const make = async (role: Role, carrierId: number | null = null) => {
    const user = await createTestUser(pool, role, carrierId);
    return { id: user.id, headers: { ...(await loginHeaders(app, user.username)), 'accept-language': 'en' } };
  };
  const admin = await make('admin');
  const planner = await make('planner');
  const officer = await make('officer');
  const a = await make('carrier', carrierA.id);
  const b = await make('carrier', carrierB.id);
  return {
    carrierA,
    carrierB,
    headers: { admin: admin.headers, planner: planner.headers, officer: officer.headers, carrierA: a.headers, carrierB: b.headers, public: { 'accept-language': 'en' } },
    userIds: { admin: admin.id, planner: planner.id, officer: officer.id, carrierA: a.id, carrierB: b.id },
  };
}

export interface OpenedWorld {
  app: FastifyInstance;
  world: World;
  /** The test province's admin unit id. */
  provinceId: number;
}

/**
 * The set-up every registry API test file shares, registered as its hooks: before all its tests,
 * the test province, an app (with `config` overrides) and a World; after all, the app and `db`
 * closed. `opened` is handed them once they exist, to keep in the file's own variables. The app
 * opens its own pool unless `shareDatabase`, when it runs on `db`. Hooks the file registers
 * after this call run after this set-up and before this tear-down.
 */
export function useRegistryWorld(
  db: Database,
  opened: (o: OpenedWorld) => void,
  options: { config?: Parameters<typeof buildTestApp>[0]; shareDatabase?: boolean } = {},
): void {
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    const provinceId = await ensureProvince(db.pool);
    app = await buildTestApp(options.config, options.shareDatabase ? db : undefined);
    opened({ app, world: await buildWorld(app, db.pool), provinceId });
  });
  afterAll(async () => {
    await app?.close();
    await db.close();
  });
}

export const point = (lon = INSIDE[0], lat = INSIDE[1]) => ({ type: 'Point', coordinates: [lon, lat] });
export const line = (lon = INSIDE[0], lat = INSIDE[1]) => ({ type: 'LineString', coordinates: [[lon, lat], [lon + 0.01, lat + 0.005]] });
export const square = (lon = INSIDE[0], lat = INSIDE[1], d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});

export const siteBody = (extra: Record<string, unknown> = {}) => ({
  code: unique('S'),
  geometry: point(),
  structureType: 'greenfield_tower',
  heightM: 40,
  tenantCapacity: 3,
  contractRef: 'HD-SECRET-1',
  monthlyRentVnd: 5_000_000,
  privateContact: 'Mr. Private 0900000000',
  ...extra,
});
