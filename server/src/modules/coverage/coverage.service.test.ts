// What-if and suggestions on hand-built fixtures (see coverage.recompute.test.ts
// for the derivation of the 32-of-100 count of a 300 m disc at the centre).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import { pgRunner } from './coverage.queries';
import { recomputeFullWith } from './coverage.recompute';
import { createCoverageService, suggestions, whatIf } from './coverage.service';
import { X0, Y0, baseFixture, inRollback, maplForRangeM, sector, site, squareVillage } from './coverage.fixtures';
import { ValidationError } from '../../errors';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
});
afterAll(() => pool.end());

async function lonLat(client: pg.PoolClient, x: number, y: number): Promise<[number, number]> {
  const r = await client.query<{ lon: number; lat: number }>(
    `SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 32648), 4326) AS g) p`,
    [x, y],
  );
  return [r.rows[0]!.lon, r.rows[0]!.lat];
}

describe('whatIf', () => {
  it('previews a 300 m omni candidate: 32 households newly covered, nothing saved', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      await recomputeFullWith(client);
      const runner = pgRunner(client);
      const input = {
        geometry: { type: 'Point' as const, coordinates: await lonLat(client, X0 + 500, Y0 + 500) },
        heightM: 30,
        technology: '5G' as const,
        bandMhz: 3500,
        carrierId: f.carrierA,
        sectors: [{ azimuthDeg: 0, beamwidthDeg: 360, maplDb: maplForRangeM(300) }],
      };
      const r = await whatIf(runner, input);
      expect(r.footprints[0]!.rangeM).toBeCloseTo(300, 0);
      const any5g = r.villages.find((x) => x.villageId === v && x.technology === '5G' && x.carrierId === null)!;
      expect(any5g.coveredBefore).toBe(0);
      expect(any5g.newlyCoveredUnits).toBe(32);
      expect(any5g.shareAfter).toBeCloseTo(0.32, 6);
      expect(any5g.reachesTarget).toBe(false);
      expect(r.villages.find((x) => x.villageId === v && x.technology === '4G' && x.carrierId === f.carrierA)!.newlyCoveredUnits).toBe(32);
      expect(r.newlyCoveredUnits['4G']).toBe(32);
      const stored = await client.query('SELECT count(*)::int AS n FROM coverage_contributors c JOIN villages v ON v.id = $1 AND c.reach && v.boundary', [v]);
      expect(stored.rows[0].n).toBe(0);
      // With the 0.3 threshold the same candidate brings the village to target.
      await client.query(`UPDATE coverage_parameters SET value = 0.3 WHERE key = 'target.threshold_share'`);
      await recomputeFullWith(client);
      const r2 = await whatIf(runner, input);
      expect(r2.villagesReachingTarget).toContain(v);
    }));

  it('counts nothing new where a site already covers', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      await sector(client, await site(client, f.carrierA, X0 + 500, Y0 + 500), f.carrierA, { rangeM: 300 });
      await recomputeFullWith(client);
      const r = await whatIf(pgRunner(client), {
        geometry: { type: 'Point', coordinates: await lonLat(client, X0 + 500, Y0 + 500) },
        heightM: 30,
        technology: '4G',
        bandMhz: 3500,
        sectors: [{ azimuthDeg: 0, beamwidthDeg: 360, maplDb: maplForRangeM(300) }],
      });
      expect(r.villages.filter((x) => x.villageId === v && x.technology === '4G' && x.carrierId === null).every((x) => x.newlyCoveredUnits === 0)).toBe(true);
    }));

  it('refuses a point outside the province with a 400 naming the field', async () => {
    const service = createCoverageService({
      pool,
      provinceGuard: { check: async (_g, path) => [{ path, message: 'Outside the loaded province', reason: 'outside_province' }], extent: async () => null, refresh: () => undefined },
    });
    await expect(service.whatIf({ geometry: { type: 'Point', coordinates: [0, 0] }, heightM: 30, technology: '4G', bandMhz: 1800, sectors: [] })).rejects.toMatchObject({
      constructor: ValidationError,
      details: [{ path: 'geometry' }],
    });
  });
});

describe('suggestions', () => {
  it('proposes a structure with spare capacity first, then new points, and states the guarantee', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      // An existing tower of carrier B at the centre with room for 3 tenants, no sectors.
      await site(client, f.carrierB, X0 + 500, Y0 + 500);
      await recomputeFullWith(client);
      const r = await suggestions(pgRunner(client), { villageIds: [v], technology: '4G', bandMhz: 3500, carrierId: f.carrierA, maxPicks: 3 });
      expect(r.method.guarantee).toMatch(/1 − 1\/e/);
      expect(r.method.uncoveredUnits).toBe(100);
      expect(r.picks.length).toBeGreaterThan(0);
      expect(r.picks[0]!.kind).toBe('sharing');
      expect(r.picks[0]!.newlyCoveredUnits).toBeGreaterThan(0);
      const cumulative = r.picks.at(-1)!.cumulativeUnits;
      expect(r.villages[0]!.shareAfter).toBeCloseTo(cumulative / 100, 6);
    }));
});
