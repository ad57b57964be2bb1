// Correctness of stored coverage against hand-built fixtures on real PostGIS.
// Each test runs inside a transaction that is rolled back.
//
// Hand derivation used throughout: a 1000 m square village, 100 one-unit
// locations at (50 + 100i, 50 + 100j) m, an omni footprint of radius 300 m at
// the centre (500, 500). Offsets from the centre are ±50, ±150, ±250, ±350,
// ±450 m; a point is inside when dx² + dy² ≤ 300² = 90 000:
//   |dx| = 50  → |dy| ≤ 295.8 → dy ∈ {±50, ±150, ±250}: 6 per column, 2 columns → 12
//   |dx| = 150 → |dy| ≤ 259.8 → 6 per column → 12
//   |dx| = 250 → |dy| ≤ 165.8 → dy ∈ {±50, ±150}: 4 per column → 8
//   |dx| ≥ 350 → none.                                              total 32
// The nearest point inside is 291.5 m from the centre and the nearest outside
// 353.6 m, so the 5°-step polygon (edges at most 0.29 m inside the circle)
// cannot change the count. Its area is 36·r²·sin 5° = 282 384.6 m², so the
// gap is 1 000 000 − 282 384.6 = 717 615.4 m².
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import fc from 'fast-check';
import { inject } from 'vitest';
import { pgRunner } from './coverage.queries';
import { recomputeFullCoverage, recomputeFullWith, recomputeSources, type SourceChange } from './coverage.recompute';
import { X0, Y0, accessPoint, baseFixture, coverageRows, covered, inRollback, pointSql, sector, site, squareVillage } from './coverage.fixtures';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
});
afterAll(() => pool.end());

const GAP_M2 = 1_000_000 - 36 * 300 ** 2 * Math.sin((5 * Math.PI) / 180);

describe('full recompute on hand-built fixtures', () => {
  it('an omni site of 300 m at the centre covers 32 of 100 households; the gap is the square less the disc', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      const s = await site(client, f.carrierA, X0 + 500, Y0 + 500);
      await sector(client, s, f.carrierA, { rangeM: 300 });
      await recomputeFullWith(client);
      const rows = await coverageRows(client, [v]);
      expect(covered(rows, v, '4G')).toBe(32);
      expect(covered(rows, v, '4G', f.carrierA)).toBe(32);
      expect(covered(rows, v, '5G')).toBe(0);
      const any4g = rows.find((r) => r.technology === '4G' && r.carrierId === null)!;
      expect(any4g.totalUnits).toBe(100);
      expect(any4g.share).toBeCloseTo(0.32, 6);
      expect(any4g.meetsTarget).toBe(false); // default threshold 0.8
      expect(any4g.gapAreaM2!).toBeCloseTo(GAP_M2, -1);
      const r = await client.query<{ range_m: number; footprint_model: string }>('SELECT range_m, footprint_model FROM sectors WHERE site_id = $1', [s]);
      expect(r.rows[0]!.range_m).toBeCloseTo(300, 1);
      expect(r.rows[0]!.footprint_model).toBe('tr38901-rma-nlos/rural');
    }));

  it('no gap is drawn where every unit is covered, though fields are left (650 m disc: farthest unit 636 m, corners 707 m)', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      const s = await site(client, f.carrierA, X0 + 500, Y0 + 500);
      const sec = await sector(client, s, f.carrierA, { rangeM: 300 });
      await recomputeFullWith(client);
      const gapOf = async () => (await coverageRows(client, [v])).find((r) => r.technology === '4G' && r.carrierId === null)!;
      expect((await gapOf()).gapAreaM2!).toBeCloseTo(GAP_M2, -1);
      // The edit raises the range to 650 m: 100 of 100 units, gap null (incremental, then full).
      await client.query('UPDATE sectors SET mapl_db = $2 WHERE id = $1', [sec, (await import('./coverage.fixtures')).maplForRangeM(650)]);
      await recomputeSources(pgRunner(client), { sectorIds: [sec] });
      expect(await gapOf()).toMatchObject({ coveredUnits: 100, gapAreaM2: null });
      await recomputeFullWith(client);
      expect(await gapOf()).toMatchObject({ coveredUnits: 100, gapAreaM2: null });
      // Back to 300 m: the gap is drawn again.
      await client.query('UPDATE sectors SET mapl_db = $2 WHERE id = $1', [sec, (await import('./coverage.fixtures')).maplForRangeM(300)]);
      await recomputeSources(pgRunner(client), { sectorIds: [sec] });
      expect((await gapOf()).gapAreaM2!).toBeCloseTo(GAP_M2, -1);
    }));

  it('a sector pointing away from the village covers nothing', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      // 10 m east of the east edge, pointing east (90°), 65° wide.
      const s = await site(client, f.carrierA, X0 + 1010, Y0 + 500);
      await sector(client, s, f.carrierA, { rangeM: 300, azimuthDeg: 90, beamwidthDeg: 65 });
      await recomputeFullWith(client);
      const rows = await coverageRows(client, [v]);
      expect(covered(rows, v, '4G')).toBe(0);
      expect(rows.find((r) => r.technology === '4G' && r.carrierId === null)!.gapAreaM2!).toBeCloseTo(1_000_000, -1);
    }));

  it('two carriers overlapping count once for "any carrier"', () =>
    inRollback(pool, async (client) => {
      // A at (500, 500) covers 32; B at (600, 500) covers 32 too (the grid is
      // symmetric about x = 600). Union by columns x = 250…850: 4+6+6+6+6+6+4 = 38.
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      await sector(client, await site(client, f.carrierA, X0 + 500, Y0 + 500), f.carrierA, { rangeM: 300 });
      await sector(client, await site(client, f.carrierB, X0 + 600, Y0 + 500), f.carrierB, { rangeM: 300 });
      await recomputeFullWith(client);
      const rows = await coverageRows(client, [v]);
      expect(covered(rows, v, '4G', f.carrierA)).toBe(32);
      expect(covered(rows, v, '4G', f.carrierB)).toBe(32);
      expect(covered(rows, v, '4G')).toBe(38);
    }));

  it('a 5G sector counts for 5G and for "4G or better"', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      await sector(client, await site(client, f.carrierA, X0 + 500, Y0 + 500), f.carrierA, { rangeM: 300, technology: '5G' });
      await recomputeFullWith(client);
      const rows = await coverageRows(client, [v]);
      expect(covered(rows, v, '5G')).toBe(32);
      expect(covered(rows, v, '4G')).toBe(32);
    }));

  it('an access point with no free port makes nothing FTTH-ready; one with a free port reaches the 300 m drop disc', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      const full = await accessPoint(client, f.carrierA, X0 + 500, Y0 + 500, 8, 8);
      await recomputeFullWith(client);
      expect(covered(await coverageRows(client, [v]), v, 'FTTH')).toBe(0);
      await client.query('UPDATE access_points SET ports_used = 7 WHERE id = $1', [full]);
      await recomputeSources(pgRunner(client), { accessPointIds: [full] });
      // Default drop distance 300 m: the same disc as the omni site → 32.
      expect(covered(await coverageRows(client, [v]), v, 'FTTH')).toBe(32);
    }));

  it('a decommissioned site covers nothing', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      const s = await site(client, f.carrierA, X0 + 500, Y0 + 500);
      await sector(client, s, f.carrierA, { rangeM: 300 });
      await recomputeFullWith(client);
      expect(covered(await coverageRows(client, [v]), v, '4G')).toBe(32);
      await client.query(`UPDATE sites SET status = 'decommissioned' WHERE id = $1`, [s]);
      await recomputeSources(pgRunner(client), { siteIds: [s] });
      const rows = await coverageRows(client, [v]);
      expect(covered(rows, v, '4G')).toBe(0);
      expect(rows.filter((r) => r.carrierId !== null)).toHaveLength(0);
    }));
});

describe('incremental recompute', () => {
  it('moving a site updates exactly the villages it left and entered', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v1 = await squareVillage(client, f, X0, Y0);
      const v2 = await squareVillage(client, f, X0 + 1000, Y0);
      const v3 = await squareVillage(client, f, X0 + 2000, Y0);
      const s = await site(client, f.carrierA, X0 + 500, Y0 + 500);
      await sector(client, s, f.carrierA, { rangeM: 300 });
      await recomputeFullWith(client);
      const before = await coverageRows(client, [v1, v2, v3]);
      await client.query(`UPDATE sites SET geom = ${pointSql(X0 + 2500, Y0 + 500)} WHERE id = $1`, [s]);
      const result = await recomputeSources(pgRunner(client), { siteIds: [s] });
      expect(new Set(result.villageIds)).toEqual(new Set([v1, v3]));
      const after = await coverageRows(client, [v1, v2, v3]);
      expect(covered(after, v1, '4G')).toBe(0);
      expect(covered(after, v3, '4G')).toBe(32);
      expect(after.filter((r) => r.villageId === v2)).toEqual(before.filter((r) => r.villageId === v2));
      expect(after.find((r) => r.villageId === v1 && r.technology === '4G' && r.carrierId === null)!.gapAreaM2!).toBeCloseTo(1_000_000, -1);
      expect(after.find((r) => r.villageId === v3 && r.technology === '4G' && r.carrierId === null)!.gapAreaM2!).toBeCloseTo(GAP_M2, -1);
    }));

  it('a deleted sector is removed using the engine’s own record of its old footprint', () =>
    inRollback(pool, async (client) => {
      const f = await baseFixture(client);
      const v = await squareVillage(client, f, X0, Y0);
      const s = await site(client, f.carrierA, X0 + 500, Y0 + 500);
      const sec = await sector(client, s, f.carrierA, { rangeM: 300 });
      await recomputeFullWith(client);
      await client.query('DELETE FROM sectors WHERE id = $1', [sec]);
      await recomputeSources(pgRunner(client), { sectorIds: [sec] });
      expect(covered(await coverageRows(client, [v]), v, '4G')).toBe(0);
    }));

  it('equals a full recompute after a random sequence of 200 edits (property)', () =>
    inRollback(pool, async (client) => {
      // 3 × 2 villages of 1 km (5 × 5 grids), 2 carriers, edits of sites,
      // sectors and access points drawn at random; after the sequence, the
      // incrementally maintained rows must equal a full recompute's.
      const f = await baseFixture(client);
      const villages: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) villages.push(await squareVillage(client, f, X0 + 1000 * i, Y0 + 1000 * j, i === 1 ? 'urban' : 'rural', 5));
      await recomputeFullWith(client);
      const sites: number[] = [];
      const sectors: number[] = [];
      const aps: number[] = [];
      const coord = fc.record({ x: fc.integer({ min: -200, max: 3200 }), y: fc.integer({ min: -200, max: 2200 }) });
      const edit = fc.oneof(
        fc.record({ op: fc.constant('addSite' as const), at: coord, carrier: fc.boolean(), rangeM: fc.integer({ min: 100, max: 900 }), az: fc.integer({ min: 0, max: 359 }), bw: fc.constantFrom(65, 120, 360), tech: fc.constantFrom('4G', '5G', '3G') }),
        fc.record({ op: fc.constant('moveSite' as const), pick: fc.nat(), at: coord }),
        fc.record({ op: fc.constant('statusSite' as const), pick: fc.nat(), status: fc.constantFrom('active', 'decommissioned', 'planned') }),
        fc.record({ op: fc.constant('deleteSite' as const), pick: fc.nat() }),
        fc.record({ op: fc.constant('editSector' as const), pick: fc.nat(), az: fc.integer({ min: 0, max: 359 }), rangeM: fc.integer({ min: 100, max: 900 }), carrier: fc.boolean(), tech: fc.constantFrom('4G', '5G') }),
        fc.record({ op: fc.constant('deleteSector' as const), pick: fc.nat() }),
        fc.record({ op: fc.constant('addAp' as const), at: coord, carrier: fc.boolean(), used: fc.integer({ min: 0, max: 2 }) }),
        fc.record({ op: fc.constant('editAp' as const), pick: fc.nat(), at: coord, used: fc.integer({ min: 0, max: 2 }) }),
        fc.record({ op: fc.constant('deleteAp' as const), pick: fc.nat() }),
      );
      const edits = fc.sample(edit, { numRuns: 200, seed: 20261125 });
      const db = pgRunner(client);
      const pick = <T,>(xs: T[], n: number) => (xs.length ? xs[n % xs.length]! : undefined);
      // Each kind of source: its table, the ids made so far, the change that names one.
      const kinds = {
        site: { table: 'sites', ids: sites, change: (id: number): SourceChange => ({ siteIds: [id] }) },
        sector: { table: 'sectors', ids: sectors, change: (id: number): SourceChange => ({ sectorIds: [id] }) },
        ap: { table: 'access_points', ids: aps, change: (id: number): SourceChange => ({ accessPointIds: [id] }) },
      };
      /** Edits the picked source of a kind (none made yet: nothing), then recomputes what it contributes. */
      const editPicked = async (kind: keyof typeof kinds, n: number, edit: (id: number) => Promise<unknown>) => {
        const id = pick(kinds[kind].ids, n);
        if (id === undefined) return;
        await edit(id);
        await recomputeSources(db, kinds[kind].change(id));
      };
      const deletePicked = (kind: keyof typeof kinds, n: number) =>
        editPicked(kind, n, async (id) => {
          const { table, ids } = kinds[kind];
          await client.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
          ids.splice(ids.indexOf(id), 1);
        });
      for (const e of edits) {
        const carrier = (b: boolean) => (b ? f.carrierA : f.carrierB);
        switch (e.op) {
          case 'addSite': {
            const s = await site(client, carrier(e.carrier), X0 + e.at.x, Y0 + e.at.y);
            sites.push(s);
            const sec = await sector(client, s, carrier(e.carrier), { rangeM: e.rangeM, azimuthDeg: e.az, beamwidthDeg: e.bw, technology: e.tech });
            sectors.push(sec);
            await recomputeSources(db, { siteIds: [s], sectorIds: [sec] });
            break;
          }
          case 'moveSite':
            await editPicked('site', e.pick, (s) => client.query(`UPDATE sites SET geom = ${pointSql(X0 + e.at.x, Y0 + e.at.y)} WHERE id = $1`, [s]));
            break;
          case 'statusSite':
            await editPicked('site', e.pick, (s) => client.query('UPDATE sites SET status = $2 WHERE id = $1', [s, e.status]));
            break;
          case 'deleteSite':
            await deletePicked('site', e.pick);
            break;
          case 'editSector':
            await editPicked('sector', e.pick, async (sec) =>
              client.query(`UPDATE sectors SET azimuth_deg = $2, mapl_db = $3, carrier_id = $4, technology = $5 WHERE id = $1`, [
                sec,
                e.az,
                (await import('./coverage.fixtures')).maplForRangeM(e.rangeM),
                carrier(e.carrier),
                e.tech,
              ]),
            );
            break;
          case 'deleteSector':
            await deletePicked('sector', e.pick);
            break;
          case 'addAp':
            aps.push(await accessPoint(client, carrier(e.carrier), X0 + e.at.x, Y0 + e.at.y, 2, e.used));
            await recomputeSources(db, { accessPointIds: [aps.at(-1)!] });
            break;
          case 'editAp':
            await editPicked('ap', e.pick, (a) => client.query(`UPDATE access_points SET geom = ${pointSql(X0 + e.at.x, Y0 + e.at.y)}, ports_used = $2 WHERE id = $1`, [a, e.used]));
            break;
          case 'deleteAp':
            await deletePicked('ap', e.pick);
            break;
        }
      }
      // Sectors whose site was deleted went with it (cascade).
      const incremental = await coverageRows(client, villages);
      await recomputeFullWith(client);
      const full = await coverageRows(client, villages);
      const strip = (rows: typeof full) => rows.map(({ gapAreaM2, ...r }) => ({ ...r, gap: gapAreaM2 === null ? null : Math.round(gapAreaM2 / 10) }));
      expect(strip(incremental)).toEqual(strip(full));
      expect(full.some((r) => r.coveredUnits > 0)).toBe(true);
    }));
});

describe('full recompute through the pool, built beside the live results', () => {
  it('lets an edit made during the build through at once, and the results it swaps in include that edit', async () => {
    // Committed fixtures (the build and the edit are two sessions), removed at the end.
    const setup = await pool.connect();
    const before = await setup.query<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'metric_srid'`);
    let f: Awaited<ReturnType<typeof baseFixture>> | null = null;
    const villages: number[] = [];
    let s = 0;
    try {
      await setup.query('BEGIN');
      f = await baseFixture(setup);
      villages.push(await squareVillage(setup, f, X0, Y0), await squareVillage(setup, f, X0 + 1000, Y0));
      s = await site(setup, f.carrierA, X0 + 500, Y0 + 500);
      await sector(setup, s, f.carrierA, { rangeM: 300 });
      // As the registry does when it writes a site: the live results know it.
      await recomputeSources(pgRunner(setup), { siteIds: [s] });
      await setup.query('COMMIT');
      const [v1, v2] = villages as [number, number];
      let logged = 0;
      await recomputeFullCoverage(pool, {
        // After the build's snapshot and gaps, before its final step: the
        // site moves from v1 to v2 in its own committed transaction. Were the
        // edit blocked by the build, the lock timeout would fail it.
        duringBuild: async () => {
          // Its own connection: the pool's two are the fixtures' and the build's.
          const edit = new pg.Client({ connectionString: inject('databaseUrl') });
          await edit.connect();
          try {
            await edit.query('BEGIN');
            await edit.query(`SET LOCAL lock_timeout = '2s'`);
            await edit.query(`UPDATE sites SET geom = ${pointSql(X0 + 1500, Y0 + 500)} WHERE id = $1`, [s]);
            const r = await recomputeSources(pgRunner(edit), { siteIds: [s] });
            expect(new Set(r.villageIds)).toEqual(new Set([v1, v2]));
            await edit.query('COMMIT');
            const p = await edit.query<{ n: number }>('SELECT count(*)::int AS n FROM coverage_pending_edits WHERE $1 = ANY(site_ids)', [s]);
            logged = p.rows[0]!.n;
          } finally {
            await edit.end();
          }
        },
      });
      expect(logged).toBe(1);
      const after = await coverageRows(setup, villages);
      expect(covered(after, v1, '4G')).toBe(0);
      expect(covered(after, v2, '4G')).toBe(32);
      expect(covered(after, v2, '4G', f.carrierA)).toBe(32);
      const pending = await setup.query<{ n: number }>('SELECT count(*)::int AS n FROM coverage_pending_edits WHERE $1 = ANY(site_ids)', [s]);
      expect(pending.rows[0]!.n).toBe(0);
      // And they equal a full recompute of the state now.
      await setup.query('BEGIN');
      await recomputeFullWith(setup);
      const full = await coverageRows(setup, villages);
      await setup.query('ROLLBACK');
      const strip = (rows: typeof full) => rows.map(({ gapAreaM2, ...r }) => ({ ...r, gap: gapAreaM2 === null ? null : Math.round(gapAreaM2 / 10) }));
      expect(strip(after)).toEqual(strip(full));
    } finally {
      await setup.query('ROLLBACK').catch(() => undefined);
      if (s) await setup.query('DELETE FROM sites WHERE id = $1', [s]);
      if (villages.length) await setup.query('DELETE FROM villages WHERE id = ANY($1::int[])', [villages]);
      if (f) {
        await setup.query('DELETE FROM carriers WHERE id = ANY($1::int[])', [[f.carrierA, f.carrierB]]);
        await setup.query('DELETE FROM admin_units WHERE id = $1', [f.communeId]);
      }
      if (before.rows.length === 0) await setup.query(`DELETE FROM settings WHERE key = 'metric_srid'`);
      else await setup.query(`UPDATE settings SET value = $1::jsonb WHERE key = 'metric_srid'`, [JSON.stringify(before.rows[0]!.value)]);
      setup.release();
    }
  });
});

