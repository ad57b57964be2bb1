// Roll-up in either administrative scheme (coverage.summary.ts) on a
// hand-built pair of schemes, real PostGIS, rolled back.
//
// Plan scheme (valid 2020-01-01 … 2025-06-30): province Pold → district D1
// (communes A, B) and district D2 (commune C). Current scheme (from
// 2025-07-01): province Pnew → communes X, Y, Z. Mapping: A → X and B → X
// (merged), C → Y (share 0.6) and C → Z (0.4) (split).
//
// Layout in UTM 48N metres from (X0, Y0); every village is the fixtures'
// 1000 m square holding 100 one-unit locations:
//   VA1 (commune A) at x +0; VB1 (B) at +3000; VC1 (C) at +6000, inside Y;
//   VC2 (C) at +9000, inside Z; VC3 (C) at +12 000, inside neither Y nor Z,
//   so it falls back to the larger share: Y.
// Boundaries: A = [-500, 1500], B = [2500, 4500], X = A ∪ B = [-500, 4500],
// C = [5500, 13 500], Y = [5500, 7500], Z = [8500, 10 500] (all y ∈ [-500, 1500]).
//
// Coverage (threshold 0.8, the default):
//   VA1: an 800 m omni 4G sector at its centre reaches every location (the
//        farthest, a corner one, is 636 m away) → 4G 100/100, meets; one access
//        point at its centre, 300 m drop: the locations within 300 m are
//        (±50|±150|±250, ±50), (±50|±150, ±150), (±50, ±250) → 32 FTTH units,
//        below target.
//   VB1: nothing. VC1: four access points at its quadrants' centres (every
//        location within 283 m of one) → FTTH 100/100, meets; no 4G.
//   VC2: an 800 m 4G sector → 4G meets; no FTTH. VC3: nothing.
// Sites (active; carriers = owner + running tenancies):
//   S1 at VA1's centre, owner A + tenant B, village VA1 → commune A; counterpart X. Shared.
//   S2 at VC2's centre, owner A, admin unit Z (current scheme) → counterpart C (Z maps back to C only). Not shared.
//   S3 at VC1's centre, owner B + tenant A, village VC1 → C; C splits, the point is in Y → Y. Shared.
//   S4 at VB1's centre, owner A, admin unit X → X maps back to A and B, the point is in B → B. Not shared.
//   S5 decommissioned at VB1: counts nowhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { pgRunner, selectVillageCoveragePage, type SummaryRow } from './coverage.queries';
import { recomputeFullWith } from './coverage.recompute';
import { selectSummaryRowsEitherScheme, selectUnitPeriods } from './coverage.summary';
import { SRID, X0, Y0, accessPoint, baseFixture, inRollback, sector, site, squareVillage, type Fixture } from './coverage.fixtures';
import { buildTestApp } from '../../../test/helpers';
import type { CoverageSummary } from '@registry/shared/schemas/coverage';

let pool: pg.Pool;
let app: FastifyInstance;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
  await pool.end();
});

const PLAN = { from: '2020-01-01', to: '2025-06-30' };
const CURRENT = { from: '2025-07-01', to: null };

interface Schemes {
  f: Fixture;
  ids: Record<'Pold' | 'D1' | 'D2' | 'A' | 'B' | 'C' | 'Pnew' | 'X' | 'Y' | 'Z', number>;
}

async function buildSchemes(client: pg.PoolClient): Promise<Schemes> {
  const f = await baseFixture(client);
  await client.query(
    `INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ('province', 'Tỉnh', 'Province', 1), ('district', 'Huyện', 'District', 2), ('commune', 'Xã', 'Commune', 3)
     ON CONFLICT DO NOTHING`,
  );
  const tag = `sum${process.pid}x${Date.now().toString(36)}`;
  const unit = async (code: string, level: string, parentId: number | null, period: { from: string; to: string | null }, box: [number, number] | null) =>
    (
      await client.query<{ id: number }>(
        `INSERT INTO admin_units (code, name, unit_type, level, parent_id, boundary, valid_from, valid_to, source)
         VALUES ($1, $1, $2, $2, $3,
                 CASE WHEN $6::float8 IS NULL THEN NULL
                      ELSE ST_Multi(ST_Transform(ST_MakeEnvelope($6::float8, $8::float8, $7::float8, $9::float8, ${SRID}), 4326)) END,
                 $4, $5, 'test') RETURNING id`,
        [`${tag}${code}`, level, parentId, period.from, period.to, box ? X0 + box[0] : null, box ? X0 + box[1] : null, Y0 - 500, Y0 + 1500],
      )
    ).rows[0]!.id;
  const Pold = await unit('Pold', 'province', null, PLAN, null);
  const D1 = await unit('D1', 'district', Pold, PLAN, null);
  const D2 = await unit('D2', 'district', Pold, PLAN, null);
  const A = await unit('A', 'commune', D1, PLAN, [-500, 1500]);
  const B = await unit('B', 'commune', D1, PLAN, [2500, 4500]);
  const C = await unit('C', 'commune', D2, PLAN, [5500, 13_500]);
  const Pnew = await unit('Pnew', 'province', null, CURRENT, null);
  const X = await unit('X', 'commune', Pnew, CURRENT, [-500, 4500]);
  const Y = await unit('Y', 'commune', Pnew, CURRENT, [5500, 7500]);
  const Z = await unit('Z', 'commune', Pnew, CURRENT, [8500, 10_500]);
  await client.query(
    `INSERT INTO admin_unit_mappings (from_unit_id, to_unit_id, share, method, source)
     SELECT f, t, s, 'official', 'test' FROM unnest($1::int[], $2::int[], $3::real[]) AS m(f, t, s)`,
    [
      [A, B, C, C],
      [X, X, Y, Z],
      [1, 1, 0.6, 0.4],
    ],
  );

  const village = (communeId: number, dx: number) => squareVillage(client, { ...f, communeId }, X0 + dx, Y0);
  const VA1 = await village(A, 0);
  const VB1 = await village(B, 3000);
  const VC1 = await village(C, 6000);
  await village(C, 9000);
  await village(C, 12_000);

  const placeSite = async (owner: number, dx: number, at: { villageId?: number; adminUnitId?: number }, tenant: number | null = null, status = 'active') => {
    const id = await site(client, owner, X0 + dx + 500, Y0 + 500, status);
    await client.query('UPDATE sites SET village_id = $2, admin_unit_id = $3 WHERE id = $1', [id, at.villageId ?? null, at.adminUnitId ?? null]);
    if (tenant !== null) await client.query('INSERT INTO site_tenancies (site_id, carrier_id) VALUES ($1, $2)', [id, tenant]);
    return id;
  };
  const s1 = await placeSite(f.carrierA, 0, { villageId: VA1 }, f.carrierB);
  await sector(client, s1, f.carrierA, { rangeM: 800 });
  const s2 = await placeSite(f.carrierA, 9000, { adminUnitId: Z });
  await sector(client, s2, f.carrierA, { rangeM: 800 });
  await placeSite(f.carrierB, 6000, { villageId: VC1 }, f.carrierA);
  await placeSite(f.carrierA, 3000, { adminUnitId: X });
  await placeSite(f.carrierA, 3000, { villageId: VB1 }, f.carrierB, 'decommissioned');
  await accessPoint(client, f.carrierA, X0 + 500, Y0 + 500, 8, 0);
  for (const [dx, dy] of [
    [250, 250],
    [750, 250],
    [250, 750],
    [750, 750],
  ] as const) {
    await accessPoint(client, f.carrierB, X0 + 6000 + dx, Y0 + dy, 8, 0);
  }
  await recomputeFullWith(client);
  return { f, ids: { Pold, D1, D2, A, B, C, Pnew, X, Y, Z } };
}

type Figures = Pick<SummaryRow, 'villages' | 'villagesMbb' | 'villagesFtth' | 'units' | 'unitsFtth' | 'sites' | 'sharedSites'>;
const figures = (r: SummaryRow | undefined): Figures | undefined =>
  r && { villages: r.villages, villagesMbb: r.villagesMbb, villagesFtth: r.villagesFtth, units: r.units, unitsFtth: r.unitsFtth, sites: r.sites, sharedSites: r.sharedSites };
const fig = (villages: number, villagesMbb: number, villagesFtth: number, units: number, unitsFtth: number, sites: number, sharedSites: number): Figures => ({
  villages,
  villagesMbb,
  villagesFtth,
  units,
  unitsFtth,
  sites,
  sharedSites,
});

describe('coverage summary in either administrative scheme', () => {
  it('counts each village and site in its own commune and in its counterpart, for old and new communes', () =>
    inRollback(pool, async (client) => {
      const { ids } = await buildSchemes(client);
      const db = pgRunner(client);
      const communes = await selectSummaryRowsEitherScheme(db, { level: 'commune', parentId: null, asOf: null });
      const byId = (id: number) => figures(communes.find((r) => r.adminUnitId === id));
      // Plan-era communes: their own villages (as before the change) and the sites that reach them through the mapping.
      expect(byId(ids.A)).toEqual(fig(1, 1, 0, 100, 32, 1, 1));
      expect(byId(ids.B)).toEqual(fig(1, 0, 0, 100, 0, 1, 0)); // S4 (admin unit X) located in B
      expect(byId(ids.C)).toEqual(fig(3, 1, 1, 300, 100, 2, 1)); // S2 (admin unit Z) and S3
      // Current communes: merged X gets VA1 and VB1; split C goes to Y (VC1, and VC3 by the larger share) and Z (VC2).
      expect(byId(ids.X)).toEqual(fig(2, 1, 0, 200, 32, 2, 1));
      expect(byId(ids.Y)).toEqual(fig(2, 0, 1, 200, 100, 1, 1));
      expect(byId(ids.Z)).toEqual(fig(1, 1, 0, 100, 0, 1, 0));
      // Site-sharing rates: X 1 of 2, Y 1 of 1, Z 0 of 1; C 1 of 2.
      const rate = (id: number) => {
        const r = byId(id)!;
        return r.sharedSites / r.sites;
      };
      expect([rate(ids.X), rate(ids.Y), rate(ids.Z), rate(ids.C)]).toEqual([0.5, 1, 0, 0.5]);
    }));

  it('rolls up to districts and both provinces, with equal province totals', () =>
    inRollback(pool, async (client) => {
      const { ids } = await buildSchemes(client);
      const db = pgRunner(client);
      const districts = await selectSummaryRowsEitherScheme(db, { level: 'district', parentId: ids.Pold, asOf: null });
      expect(districts.map((r) => r.adminUnitId)).toEqual([ids.D1, ids.D2]);
      expect(figures(districts[0])).toEqual(fig(2, 1, 0, 200, 32, 2, 1));
      expect(figures(districts[1])).toEqual(fig(3, 1, 1, 300, 100, 2, 1));
      const provinces = await selectSummaryRowsEitherScheme(db, { level: 'province', parentId: null, asOf: null });
      const old = figures(provinces.find((r) => r.adminUnitId === ids.Pold));
      const current = figures(provinces.find((r) => r.adminUnitId === ids.Pnew));
      expect(old).toEqual(fig(5, 2, 1, 500, 132, 4, 2));
      expect(current).toEqual(old);
    }));

  it('lists a new-scheme parent’s communes, and asOf picks the scheme', () =>
    inRollback(pool, async (client) => {
      const { ids } = await buildSchemes(client);
      const db = pgRunner(client);
      const underNew = await selectSummaryRowsEitherScheme(db, { level: 'commune', parentId: ids.Pnew, asOf: '2026-01-01' });
      expect(underNew.map((r) => r.adminUnitId).sort((a, b) => a - b)).toEqual([ids.X, ids.Y, ids.Z].sort((a, b) => a - b));
      expect(underNew.reduce((s, r) => s + r.units, 0)).toBe(500);
      // The plan's district has no units valid today, the new province none on the plan's last day.
      expect(await selectSummaryRowsEitherScheme(db, { level: 'commune', parentId: ids.D1, asOf: '2026-01-01' })).toEqual([]);
      expect(await selectSummaryRowsEitherScheme(db, { level: 'commune', parentId: ids.Pnew, asOf: '2025-06-30' })).toEqual([]);
      const provincesOn = async (asOf: string | null) =>
        (await selectSummaryRowsEitherScheme(db, { level: 'province', parentId: null, asOf })).map((r) => r.adminUnitId).filter((id) => id === ids.Pold || id === ids.Pnew);
      expect(await provincesOn('2025-06-30')).toEqual([ids.Pold]);
      expect(await provincesOn('2025-07-01')).toEqual([ids.Pnew]);
      expect(await provincesOn('2020-01-01')).toEqual([ids.Pold]);
      expect(await provincesOn('2019-12-31')).toEqual([]);
      expect((await provincesOn(null)).sort((a, b) => a - b)).toEqual([ids.Pold, ids.Pnew].sort((a, b) => a - b));
    }));

  it('names the scheme of the units listed by their validity periods', () =>
    inRollback(pool, async (client) => {
      const { ids } = await buildSchemes(client);
      const db = pgRunner(client);
      const periodsOf = async (level: string, parentId: number, asOf: string | null) =>
        selectUnitPeriods(db, (await selectSummaryRowsEitherScheme(db, { level, parentId, asOf })).map((r) => r.adminUnitId));
      expect(await periodsOf('commune', ids.Pnew, '2026-01-01')).toEqual([{ validFrom: '2025-07-01', validTo: null }]);
      expect(await periodsOf('district', ids.Pold, '2025-06-30')).toEqual([{ validFrom: '2020-01-01', validTo: '2025-06-30' }]);
      // Both schemes' provinces (no asOf): both periods, the earlier first.
      expect(await selectUnitPeriods(db, [ids.Pnew, ids.Pold, ids.D1])).toEqual([
        { validFrom: '2020-01-01', validTo: '2025-06-30' },
        { validFrom: '2025-07-01', validTo: null },
      ]);
      expect(await selectUnitPeriods(db, [])).toEqual([]);
    }));
});

describe('village list by a unit of either scheme', () => {
  it('lists a current commune\'s villages through the mapping, the same ones the summary counts', () =>
    inRollback(pool, async (client) => {
      const { ids } = await buildSchemes(client);
      const db = pgRunner(client);
      const villagesIn = async (adminUnitId: number) => {
        const page = await selectVillageCoveragePage(db, { adminUnitId, technology: '4G', carrierId: null, belowTarget: null, sort: 'code', limit: 50, cursor: null });
        expect(page.total).toBe(page.rows.length);
        return page.rows.map((r) => r.villageId);
      };
      const inA = await villagesIn(ids.A);
      const inB = await villagesIn(ids.B);
      const inC = await villagesIn(ids.C);
      const inX = await villagesIn(ids.X);
      const inY = await villagesIn(ids.Y);
      const inZ = await villagesIn(ids.Z);
      const inNew = await villagesIn(ids.Pnew);
      const inOld = await villagesIn(ids.Pold);
      expect([inA.length, inB.length, inC.length]).toEqual([1, 1, 3]);
      // X = A ∪ B; C splits into Y (VC1, and VC3 by the larger share) and Z (VC2).
      expect(inX).toEqual([...inA, ...inB]);
      expect([inY.length, inZ.length]).toEqual([2, 1]);
      expect([...inY, ...inZ].sort((a, b) => a - b)).toEqual(inC);
      expect(inNew).toEqual(inOld);
      expect(inOld).toHaveLength(5);
      // VC2 is the C village the summary puts in Z (its point is inside Z).
      const vc2 = await client.query<{ id: number }>('SELECT id FROM villages WHERE id = ANY($1::int[]) ORDER BY id OFFSET 1 LIMIT 1', [inC]);
      expect(inZ).toEqual([vc2.rows[0]!.id]);
    }));
});

describe('GET /api/coverage/summary?asOf', () => {
  it.each(['2025-02-30', '1/7/2025', 'today'])('answers 400 naming asOf for %s', async (asOf) => {
    const res = await app.inject({ method: 'GET', url: `/api/coverage/summary?level=province&asOf=${encodeURIComponent(asOf)}` });
    expect(res.statusCode).toBe(400);
    const details = (res.json() as { error: { details: { path: string; reason: string }[] } }).error.details;
    expect(details).toContainEqual(expect.objectContaining({ path: 'querystring.asOf', reason: 'invalid_format' }));
  });

  it('accepts a calendar date, and answers with the date and the periods of the units it lists', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/coverage/summary?level=province&asOf=2024-02-29' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as CoverageSummary;
    expect(body.level).toBe('province');
    expect(body.scheme.asOf).toBe('2024-02-29');
    // Whatever provinces the shared test database holds: each period listed holds the date, and they are its units' own.
    for (const p of body.scheme.periods) expect(p.validFrom <= '2024-02-29' && (p.validTo === null || p.validTo >= '2024-02-29')).toBe(true);
    expect(body.scheme.periods).toEqual(await selectUnitPeriods(pgRunner(pool), body.units.map((u) => u.adminUnitId)));
  });

  it('answers asOf null without the parameter (units of every period)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/coverage/summary?level=province' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as CoverageSummary;
    expect(body.scheme.asOf).toBeNull();
    expect(body.scheme.periods).toEqual(await selectUnitPeriods(pgRunner(pool), body.units.map((u) => u.adminUnitId)));
  });
});
