// Any province loads: a tiny made-up two-commune province (data/test-province)
// in the documented format, with a 2025 scheme merging both communes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bringUpDatabase } from '../database';
import { runMigrations } from '../migrations';
import { loadDataset, utmEpsg, type LoadSummary } from './load';
import { apportion, Rng } from './prng';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let client: pg.Client;
let summary: LoadSummary;

beforeAll(async () => {
  const url = await bringUpDatabase({ database: 'registry_data_test_tiny', projectRoot: root, fresh: true });
  await runMigrations(url);
  summary = await loadDataset(url, { provinceDir: join(root, 'data', 'test-province'), skipCoverage: true });
  client = new pg.Client({ connectionString: url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

const count = async (sql: string) => (await client.query<{ n: number }>(sql)).rows[0]!.n;

describe('a made-up two-commune province', () => {
  it('loads its units, villages and households', async () => {
    expect(summary.loaded).toBe(true);
    expect(await count(`SELECT count(*)::int AS n FROM admin_units`)).toBe(6);
    expect(await count(`SELECT count(*)::int AS n FROM admin_units WHERE level = 'commune' AND valid_to IS NOT NULL`)).toBe(2);
    // 8,000 and 12,000 people: 13 and 20 villages (÷ 600, clamped to 8–20).
    expect(await count(`SELECT count(*)::int AS n FROM villages v JOIN admin_units c ON c.id = v.commune_id WHERE c.code = '99901'`)).toBe(13);
    expect(await count(`SELECT count(*)::int AS n FROM villages v JOIN admin_units c ON c.id = v.commune_id WHERE c.code = '99902'`)).toBe(20);
    expect(await count(`SELECT count(*)::int AS n FROM villages WHERE name LIKE 'Tổ dân phố %'`)).toBe(13);
    expect(await count(`SELECT count(*)::int AS n FROM villages WHERE mountainous`)).toBe(20);
    // round(8000 / 3.6) + round(12000 / 3.6)
    expect(await count(`SELECT sum(units)::int AS n FROM locations`)).toBe(2222 + 3333);
    expect(await count(`SELECT count(*)::int AS n FROM locations l JOIN villages v ON v.id = l.village_id WHERE NOT ST_Covers(v.boundary, l.geom)`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM sites`)).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM users WHERE demo`)).toBe(6);
  });

  it('rolls population up through the mapping to the new commune', async () => {
    const r = await client.query<{ code: string; total: number }>(
      `SELECT t.code, sum(f.population * m.share)::int AS total FROM admin_unit_mappings m JOIN admin_units f ON f.id = m.from_unit_id JOIN admin_units t ON t.id = m.to_unit_id GROUP BY t.code`,
    );
    expect(r.rows).toEqual([{ code: '99950', total: 20000 }]);
  });

  it('chooses the metric CRS from the province centroid', async () => {
    const srid = (await client.query<{ value: number }>(`SELECT value FROM settings WHERE key = 'metric_srid'`)).rows[0]!.value;
    expect(srid).toBe(32648);
  });
});

describe('helpers', () => {
  it('picks UTM zones by longitude and hemisphere', () => {
    expect(utmEpsg(106.2, 21.3)).toBe(32648);
    expect(utmEpsg(105.9, 10.0)).toBe(32648);
    expect(utmEpsg(101.5, 14.0)).toBe(32647);
    expect(utmEpsg(109.5, 12.2)).toBe(32649);
    expect(utmEpsg(-70.6, -33.4)).toBe(32719);
  });

  it('apportions totals exactly, by largest remainder', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0, 0, 1])).toEqual([0, 0, 7]);
    expect(apportion(5, [1, 1, 1, 1], 1)).toEqual([2, 1, 1, 1]);
    const w = Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
    expect(apportion(12345, w).reduce((a, b) => a + b, 0)).toBe(12345);
  });

  it('draws the same numbers for the same seed and stream', () => {
    const a = new Rng(42, 3);
    const b = new Rng(42, 3);
    const c = new Rng(42, 4);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
