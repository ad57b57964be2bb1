// The default dataset against real PostGIS: loads the province into a fresh
// database (coverage skipped) and checks the invariants from the
// database itself, never from the loader's own counts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bringUpDatabase } from '../database';
import { runMigrations } from '../migrations';
import { parseCsv } from './csv';
import { isDatasetLoaded, loadDataset, type LoadSummary } from './load';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const GSO_LIST = join(root, '..', 'shared', 'data', 'bg_units_2019-09.csv');

let url: string;
let client: pg.Client;
let first: LoadSummary;

/** 5G goes to wards, towns and the communes with industrial parks (province.json). */
const industrialCodes = () =>
  (JSON.parse(readFileSync(join(root, 'data', 'province', 'province.json'), 'utf8')) as { industrialCommunes: { code: string }[] }).industrialCommunes.map((c) => c.code);

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await client.query(sql, params)).rows[0] as T;

beforeAll(async () => {
  url = await bringUpDatabase({ database: 'registry_data_test_load', projectRoot: root, fresh: true, url: process.env.DATASET_TEST_URL });
  await runMigrations(url);
  first = await loadDataset(url, { skipCoverage: true });
  client = new pg.Client({ connectionString: url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

describe('the default province', () => {
  it('has 10 districts and 230 plan-era communes with their GSO codes and names', async () => {
    const plan = await client.query<{ code: string; name: string; level: string; parent: string | null }>(
      `SELECT a.code, a.name, a.level, p.code AS parent FROM admin_units a LEFT JOIN admin_units p ON p.id = a.parent_id WHERE a.valid_to = '2025-06-30'`,
    );
    expect(plan.rows.filter((r) => r.level === 'district')).toHaveLength(10);
    const communes = plan.rows.filter((r) => r.level === 'commune');
    expect(communes).toHaveLength(230);
    expect(new Set(communes.map((c) => c.code)).size).toBe(230);
    const spot = new Map(communes.map((c) => [c.code, c]));
    expect(spot.get('07432')).toMatchObject({ name: 'Xã Tân Dĩnh', parent: '217' });
    expect(spot.get('07210')).toMatchObject({ name: 'Phường Hoàng Văn Thụ', parent: '213' });
    expect(spot.get('07543')).toMatchObject({ name: 'Xã Hộ Đáp', parent: '219' });
    if (existsSync(GSO_LIST)) {
      const gso = parseCsv(readFileSync(GSO_LIST, 'utf8'));
      expect(new Map(communes.map((c) => [c.code, `${c.name}|${c.parent}`]))).toEqual(new Map(gso.map((g) => [g.commune_code!, `${g.commune_name}|${g.district_code}`])));
    }
  });

  it('carries validity periods: plan-era units to 2025-06-30, the new scheme from 2025-07-01', async () => {
    const r = await client.query<{ valid_from: string; valid_to: string | null; level: string; n: number }>(
      `SELECT valid_from::text, valid_to::text, level, count(*)::int AS n FROM admin_units GROUP BY 1, 2, 3 ORDER BY 1, 3`,
    );
    expect(r.rows).toEqual([
      { valid_from: '2019-09-11', valid_to: '2025-06-30', level: 'commune', n: 230 },
      { valid_from: '2019-09-11', valid_to: '2025-06-30', level: 'district', n: 10 },
      { valid_from: '2019-09-11', valid_to: '2025-06-30', level: 'province', n: 1 },
      { valid_from: '2025-07-01', valid_to: null, level: 'commune', n: 99 },
      { valid_from: '2025-07-01', valid_to: null, level: 'province', n: 1 },
    ]);
  });

  it('has communes that do not overlap and cover the province to within 0.1 %', async () => {
    const overlap = await one<{ m2: number }>(
      `SELECT coalesce(sum(ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)), 0) AS m2
         FROM admin_units a JOIN admin_units b ON a.id < b.id AND ST_Intersects(a.boundary, b.boundary)
        WHERE a.level = 'commune' AND b.level = 'commune' AND a.valid_to = '2025-06-30' AND b.valid_to = '2025-06-30'`,
    );
    const cover = await one<{ province: number; communes: number; symdiff: number }>(
      `WITH p AS (SELECT boundary FROM admin_units WHERE level = 'province' AND valid_to = '2025-06-30'),
            c AS (SELECT ST_Union(boundary) AS u, sum(ST_Area(boundary::geography)) AS a FROM admin_units WHERE level = 'commune' AND valid_to = '2025-06-30')
       SELECT ST_Area(p.boundary::geography) AS province, c.a AS communes, ST_Area(ST_SymDifference(p.boundary, c.u)::geography) AS symdiff FROM p, c`,
    );
    expect(overlap.m2).toBeLessThan(1000); // rounding to 1e-7° only: well under 0.000001 % of 3,900 km²
    expect(Math.abs(cover.communes - cover.province) / cover.province).toBeLessThan(0.001);
    expect(cover.symdiff / cover.province).toBeLessThan(0.001);
  });

  it('has villages that partition their commune (area within 0.1 %) without overlapping', async () => {
    const r = await client.query<{ code: string; ratio: number; outside: number; n: number }>(
      `SELECT c.code, sum(ST_Area(v.boundary::geography)) / ST_Area(c.boundary::geography) AS ratio,
              sum(ST_Area(ST_Difference(v.boundary, c.boundary)::geography)) AS outside, count(*)::int AS n
         FROM villages v JOIN admin_units c ON c.id = v.commune_id GROUP BY c.id`,
    );
    expect(r.rows).toHaveLength(230);
    for (const row of r.rows) {
      expect(Math.abs(row.ratio - 1), row.code).toBeLessThan(0.001);
      expect(row.outside, row.code).toBeLessThan(1);
      expect(row.n, row.code).toBeGreaterThanOrEqual(8);
      expect(row.n, row.code).toBeLessThanOrEqual(20);
    }
    const total = r.rows.reduce((s, x) => s + x.n, 0);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(total).toBeLessThanOrEqual(3000);
    const overlap = await one<{ m2: number }>(
      `SELECT coalesce(sum(ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)), 0) AS m2
         FROM villages a JOIN villages b ON a.commune_id = b.commune_id AND a.id < b.id AND ST_Intersects(a.boundary, b.boundary)`,
    );
    expect(overlap.m2).toBeLessThan(10);
  });

  it('puts every location in its village and gives every village locations', async () => {
    const outside = await one<{ n: number }>(`SELECT count(*)::int AS n FROM locations l JOIN villages v ON v.id = l.village_id WHERE NOT ST_Covers(v.boundary, l.geom)`);
    expect(outside.n).toBe(0);
    const empty = await one<{ n: number }>(`SELECT count(*)::int AS n FROM villages v WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.village_id = v.id)`);
    expect(empty.n).toBe(0);
    const total = await one<{ n: number }>(`SELECT sum(units)::int AS n FROM locations`);
    expect(total.n).toBeGreaterThan(400_000);
    expect(total.n).toBeLessThan(550_000);
  });

  it('has household totals of population ÷ household size per commune (within 1 %)', async () => {
    const settings = await one<{ value: { householdSize: number; populationScale: null | { total: number } } }>(`SELECT value FROM settings WHERE key = 'dataset'`);
    expect(settings.value.populationScale).toBeNull();
    const r = await client.query<{ code: string; population: number; units: number }>(
      `SELECT c.code, c.population, sum(l.units)::int AS units
         FROM admin_units c JOIN villages v ON v.commune_id = c.id JOIN locations l ON l.village_id = v.id GROUP BY c.id`,
    );
    expect(r.rows).toHaveLength(230);
    for (const row of r.rows) {
      const expected = row.population / settings.value.householdSize;
      expect(Math.abs(row.units - expected) / expected, row.code).toBeLessThan(0.01);
    }
  });

  it('rolls population up by old district and by new commune to the same province total', async () => {
    const byDistrict = await one<{ total: number }>(
      `SELECT sum(d.population)::int AS total FROM admin_units d WHERE d.level = 'district' AND d.valid_to = '2025-06-30'`,
    );
    const fromCommunesByDistrict = await one<{ total: number; districts: number }>(
      `SELECT sum(t)::int AS total, count(*)::int AS districts FROM (SELECT c.parent_id, sum(c.population) AS t FROM admin_units c WHERE c.level = 'commune' AND c.valid_to = '2025-06-30' GROUP BY c.parent_id) s`,
    );
    const byNewCommune = await one<{ total: number; communes: number }>(
      `SELECT sum(t)::int AS total, count(*)::int AS communes FROM (
         SELECT m.to_unit_id, sum(c.population * m.share) AS t FROM admin_unit_mappings m JOIN admin_units c ON c.id = m.from_unit_id GROUP BY m.to_unit_id) s`,
    );
    const province = await one<{ population: number }>(`SELECT population FROM admin_units WHERE level = 'province' AND valid_to = '2025-06-30'`);
    expect(province.population).toBe(1_522_360); // 2009 census, 10 districts (reference README)
    expect(fromCommunesByDistrict.districts).toBe(10);
    expect(fromCommunesByDistrict.total).toBe(province.population);
    expect(byDistrict.total).toBe(province.population);
    expect(byNewCommune.total).toBe(province.population);
    expect(byNewCommune.communes).toBe(58);
    const unmapped = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_units c WHERE c.level = 'commune' AND c.valid_to = '2025-06-30' AND NOT EXISTS (SELECT 1 FROM admin_unit_mappings m WHERE m.from_unit_id = c.id)`,
    );
    expect(unmapped.n).toBe(0);
  });

  it('flags the suspect mapping rows and resolves them by the spatial check', async () => {
    const r = await client.query<{ code: string; to_code: string; method: string }>(
      `SELECT f.code, t.code AS to_code, m.method FROM admin_unit_mappings m JOIN admin_units f ON f.id = m.from_unit_id JOIN admin_units t ON t.id = m.to_unit_id WHERE m.suspect ORDER BY f.code`,
    );
    const byCode = new Map(r.rows.map((x) => [x.code, x]));
    for (const code of ['07732', '07744', '07792']) expect(byCode.has(code), code).toBe(true);
    expect(byCode.get('07732')!.to_code).toBe('07681');
    expect(byCode.get('07744')!.to_code).toBe('07681');
    // Every mapping target contains most of its old commune.
    const worst = await one<{ share: number }>(
      `SELECT min(ST_Area(ST_Intersection(f.boundary, t.boundary)::geography) / ST_Area(f.boundary::geography)) AS share
         FROM admin_unit_mappings m JOIN admin_units f ON f.id = m.from_unit_id JOIN admin_units t ON t.id = m.to_unit_id`,
    );
    expect(worst.share).toBeGreaterThan(0.5);
  });

  it('labels every generated row synthetic and stores the dataset facts', async () => {
    for (const table of ['villages', 'locations', 'sites', 'sectors', 'fibre_routes', 'access_points', 'poles', 'conduits', 'trenches', 'zones', 'kpi_observations']) {
      const r = await one<{ bad: number; n: number }>(`SELECT count(*) FILTER (WHERE NOT synthetic OR synthetic_method !~ 'seed=20231')::int AS bad, count(*)::int AS n FROM ${table}`);
      expect(r.n, table).toBeGreaterThan(0);
      expect(r.bad, table).toBe(0);
    }
    const srid = await one<{ value: number }>(`SELECT value FROM settings WHERE key = 'metric_srid'`);
    expect(srid.value).toBe(32648);
    const dataset = await one<{ value: { synthetic: boolean; seed: number; attribution: string[] } }>(`SELECT value FROM settings WHERE key = 'dataset'`);
    expect(dataset.value).toMatchObject({ synthetic: true, seed: 20231 });
    expect(dataset.value.attribution.some((a) => a.includes('MIT'))).toBe(true);
    const demo = await client.query<{ username: string }>(`SELECT username FROM users WHERE demo ORDER BY username`);
    expect(demo.rows.map((u) => u.username)).toEqual(['admin', 'mobifone', 'officer', 'planner', 'viettel', 'vnpt']);
  });

  it('has a realistic network: sites, three sectors each, sharing near 12 %, FTTH access points', async () => {
    const sites = await one<{ n: number; shared: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE k >= 2)::int AS shared FROM (SELECT s.id, count(DISTINCT t.carrier_id) AS k FROM sites s JOIN site_tenancies t ON t.site_id = s.id AND t.until IS NULL GROUP BY s.id) x`,
    );
    expect(sites.n).toBeGreaterThanOrEqual(2500);
    expect(sites.n).toBeLessThanOrEqual(3500);
    expect(sites.shared / sites.n).toBeGreaterThan(0.08);
    expect(sites.shared / sites.n).toBeLessThan(0.16);
    const sectors = await one<{ macro: number; bad: number; fiveg_rural: number }>(
      `SELECT count(*) FILTER (WHERE s.structure_type <> 'small_cell')::int AS macro,
              count(*) FILTER (WHERE s.structure_type = 'small_cell' AND x.beamwidth_deg <> 360)::int AS bad,
              count(*) FILTER (WHERE x.technology = '5G' AND v.area_class = 'rural' AND NOT c.code = ANY($1))::int AS fiveg_rural
         FROM sectors x JOIN sites s ON s.id = x.site_id JOIN villages v ON v.id = s.village_id JOIN admin_units c ON c.id = v.commune_id`,
      [industrialCodes()],
    );
    expect(sectors.bad).toBe(0);
    expect(sectors.fiveg_rural).toBe(0);
    const perCarrierSite = await one<{ odd: number }>(
      `SELECT count(*)::int AS odd FROM (SELECT x.site_id, x.carrier_id, count(*) FILTER (WHERE technology = '4G') AS n FROM sectors x JOIN sites s ON s.id = x.site_id WHERE s.structure_type <> 'small_cell' GROUP BY 1, 2) y WHERE n <> 3`,
    );
    expect(perCarrierSite.odd).toBe(0);
    const ports = await one<{ free: number; full: number }>(`SELECT count(*) FILTER (WHERE ports_used < ports_total)::int AS free, count(*) FILTER (WHERE ports_used = ports_total)::int AS full FROM access_points`);
    expect(ports.free).toBeGreaterThan(ports.full * 10);
    expect(ports.full).toBeGreaterThan(0);
  });

  it('never loads twice, and reloading with the same seed gives byte-identical synthetic rows', async () => {
    expect(await isDatasetLoaded(url)).toBe(true);
    const again = await loadDataset(url, { skipCoverage: true });
    expect(again.loaded).toBe(false);
    const reloaded = await loadDataset(url, { reset: true, skipCoverage: true });
    expect(reloaded.loaded).toBe(true);
    expect(reloaded.checksum).toBe(first.checksum);
    expect(reloaded.rows).toEqual(first.rows);
  }, 600_000); // a second full load: ~25 s on an idle 2-core machine, minutes when it is shared

  it('leaves the database as it was when a load fails', async () => {
    // The loader drops the inventory tables' secondary indexes and keys while
    // it writes (bulk.ts): a failure must bring them back with the rows.
    const schema = async () =>
      (
        await client.query<{ d: string }>(
          `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE connamespace = 'public'::regnamespace
           UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace
           ORDER BY 1`,
        )
      ).rows.map((r) => r.d);
    const definitions = await schema();
    expect(definitions).toContain('CREATE INDEX locations_geom_gix ON public.locations USING gist (geom)');
    expect(definitions).toContain('locations locations_village_id_villages_id_fk FOREIGN KEY (village_id) REFERENCES villages(id) ON DELETE CASCADE');
    const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM locations`);
    // A province whose commune polygon is invalid (a bow-tie) fails inside the
    // transaction, after the reset has emptied the tables.
    const bad = join(root, 'data', 'test-province');
    await expect(loadDataset(url, { reset: true, provinceDir: bad, skipCoverage: true, householdSize: -1 })).rejects.toThrow();
    const after = await one<{ n: number }>(`SELECT count(*)::int AS n FROM locations`);
    expect(after.n).toBe(before.n);
    expect(await schema()).toEqual(definitions);
  });
});
