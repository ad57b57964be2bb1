import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { unzipSync, strFromU8 } from 'fflate';
import { buildTestApp, createTestCarrier, createTestUser, loginHeaders, testDatabase, unique } from '../../../test/helpers';
import type { KpiDashboard, KpiObservation } from '@registry/shared/schemas/kpi';
import { COMPUTED_INDICATOR_CODES } from './kpi.service';

// Integration tests against the real PostGIS. The fixture is a province of its
// own (two districts, three communes, villages with stored coverage, sites with
// tenancies, two reported indicators), committed with unique codes so it lives
// beside whatever dataset the test database holds.

const db = testDatabase();
let app: FastifyInstance;
let planner: Record<string, string>;
let carrier: Record<string, string>;
let officer: Record<string, string>;

const f = {
  provinceId: 0,
  districtA: 0,
  districtB: 0,
  communeA1: 0,
  communeA2: 0,
  communeB1: 0,
  pct: unique('kpi_pct_'),
  speed: unique('kpi_mbps_'),
  computedMb: 'villages_mobile_broadband_pct',
  computedSharing: 'bts_site_sharing_pct',
};

async function q<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(text, params)).rows as T[];
}

async function unit(level: string, name: string, parentId: number | null, population: number | null): Promise<number> {
  const r = await q<{ id: number }>(
    `INSERT INTO admin_units (code, name, unit_type, level, parent_id, population, valid_from, source) VALUES ($1, $2, 'Test', $3, $4, $5, '2019-01-01', 'kpi test') RETURNING id`,
    [unique('U'), name, level, parentId, population],
  );
  return r[0]!.id;
}

/** A small square village with stored any-carrier coverage rows. */
async function village(communeId: number, households: number, mb: { covered: number; meets: boolean } | null, ftth: { covered: number; meets: boolean } | null) {
  const [v] = await q<{ id: number }>(
    `INSERT INTO villages (code, name, commune_id, boundary, households, area_class)
     VALUES ($1, 'Thôn thử', $2, ST_Multi(ST_MakeEnvelope(106.0, 21.0, 106.01, 21.01, 4326)), $3, 'rural') RETURNING id`,
    [unique('V'), communeId, households],
  );
  for (const [tech, c] of [['4G', mb], ['FTTH', ftth]] as const) {
    if (!c) continue;
    await q(
      `INSERT INTO village_coverage (village_id, technology, carrier_id, covered_units, total_units, share, meets_target) VALUES ($1, $2, NULL, $3, $4, $5, $6)`,
      [v!.id, tech, c.covered, households, c.covered / households, c.meets],
    );
  }
}

async function site(communeId: number, ownerId: number, tenants: number[], status = 'active') {
  const [s] = await q<{ id: number }>(
    `INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m, status, admin_unit_id, tenant_capacity)
     VALUES ($1, $2, ST_SetSRID(ST_Point(106.005, 21.005), 4326), 'greenfield_tower', 30, $3, $4, 3) RETURNING id`,
    [unique('S'), ownerId, status, communeId],
  );
  for (const c of [ownerId, ...tenants]) await q(`INSERT INTO site_tenancies (site_id, carrier_id, since) VALUES ($1, $2, '2020-01-01')`, [s!.id, c]);
}

beforeAll(async () => {
  app = await buildTestApp();
  for (const [code, rank] of [['province', 1], ['district', 2], ['commune', 3]] as const) {
    await q(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ($1, $1, $1, $2) ON CONFLICT DO NOTHING`, [code, rank]);
  }
  f.provinceId = await unit('province', 'Tỉnh Thử', null, null);
  f.districtA = await unit('district', 'Huyện A', f.provinceId, 300_000);
  // A name that a spreadsheet would run as a formula: the exports must neutralise it.
  f.districtB = await unit('district', '=HYPERLINK("http://x","B")', f.provinceId, 100_000);
  f.communeA1 = await unit('commune', 'Xã A1', f.districtA, null);
  f.communeA2 = await unit('commune', 'Xã A2', f.districtA, null);
  f.communeB1 = await unit('commune', 'Xã B1', f.districtB, null);

  await q(
    `INSERT INTO kpi_indicators (code, name_vi, name_en, kind, unit, max_value, source, sort_order) VALUES
       ($1, 'Tỷ lệ thử', 'Test share', 'reported', '%', 100, 'test', 900),
       ($2, 'Tốc độ thử', 'Test speed', 'reported', 'Mb/s', NULL, 'test', 901),
       ('villages_mobile_broadband_pct', 'Thôn có băng rộng di động', 'Villages with mobile broadband', 'computed', '%', 100, 'test', 10),
       ('bts_site_sharing_pct', 'Dùng chung BTS', 'BTS site sharing', 'computed', '%', 100, 'test', 40)
     ON CONFLICT (code) DO NOTHING`,
    [f.pct, f.speed],
  );
  await q(`INSERT INTO kpi_targets (indicator_code, admin_unit_id, year, target_value, source) VALUES ($1, NULL, 2025, 85, 'test'), ($2, NULL, 2025, 45, 'test')`, [f.pct, f.speed]);

  // District A: 3 villages, 2 meet 4G; households 100+100+200, FTTH covers 50+100+0.
  await village(f.communeA1, 100, { covered: 95, meets: true }, { covered: 50, meets: false });
  await village(f.communeA1, 100, { covered: 100, meets: true }, { covered: 100, meets: true });
  await village(f.communeA2, 200, { covered: 10, meets: false }, null);
  // District B: 1 village without any coverage row.
  await village(f.communeB1, 50, null, null);

  const c1 = await createTestCarrier(db.pool);
  const c2 = await createTestCarrier(db.pool);
  const c3 = await createTestCarrier(db.pool);
  // District A: 4 active sites, one shared by two carriers, one by three; a decommissioned shared site does not count.
  await site(f.communeA1, c1.id, [c2.id]);
  await site(f.communeA1, c1.id, []);
  await site(f.communeA2, c2.id, [c1.id, c3.id]);
  await site(f.communeA2, c3.id, []);
  await site(f.communeA2, c3.id, [c1.id], 'decommissioned');
  // District B: one active site, not shared.
  await site(f.communeB1, c2.id, []);

  planner = await loginHeaders(app, (await createTestUser(db.pool, 'planner')).username);
  officer = await loginHeaders(app, (await createTestUser(db.pool, 'officer')).username);
  carrier = await loginHeaders(app, (await createTestUser(db.pool, 'carrier', c1.id)).username);
});

afterAll(async () => {
  await app.close();
  await db.close();
});

function post(payload: unknown, headers = planner, locale = 'en') {
  return app.inject({ method: 'POST', url: '/api/kpi/observations', payload: payload as object, headers: { ...headers, 'accept-language': locale } });
}

describe('GET /api/kpi/indicators', () => {
  it('lists every indicator with its 2025 target, to the public', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/kpi/indicators' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.targetYear).toBe(2025);
    const pct = body.items.find((i: { code: string }) => i.code === f.pct);
    expect(pct).toMatchObject({ kind: 'reported', unit: '%', target: { year: 2025, targetValue: 85 } });
  });
});

describe('POST /api/kpi/observations', () => {
  it('creates a value with an ETag and a change-log row', async () => {
    const res = await post({ indicatorCode: f.pct, adminUnitId: f.districtA, period: '2024', value: 80.5, source: 'Báo cáo nhà mạng' });
    expect(res.statusCode).toBe(201);
    const o = res.json() as KpiObservation;
    expect(o).toMatchObject({ indicatorCode: f.pct, adminUnitId: f.districtA, period: '2024', periodStart: '2024-01-01', periodEnd: '2024-12-31', value: 80.5, version: 1, synthetic: false });
    expect(res.headers.etag).toBe('"1"');
    const log = await q<{ action: string; after: { value: number } }>(`SELECT action, after FROM change_log WHERE object_type = 'kpi_observation' AND object_id = $1`, [String(o.id)]);
    expect(log).toEqual([expect.objectContaining({ action: 'create', after: expect.objectContaining({ value: 80.5 }) })]);
  });

  it('derives quarter, half and month periods', async () => {
    const q3 = await post({ indicatorCode: f.speed, adminUnitId: f.districtA, period: '2024-Q3', value: 40 });
    expect(q3.json()).toMatchObject({ periodStart: '2024-07-01', periodEnd: '2024-09-30' });
    const feb = await post({ indicatorCode: f.speed, adminUnitId: f.districtA, period: '2024-02', value: 39 });
    expect(feb.json()).toMatchObject({ periodStart: '2024-02-01', periodEnd: '2024-02-29' });
    const bad = await post({ indicatorCode: f.speed, adminUnitId: f.districtA, period: '2024-Q5', value: 39 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('period');
  });

  it('refuses a percentage over 100, naming the field, in Vietnamese and English', async () => {
    const en = await post({ indicatorCode: f.pct, adminUnitId: f.districtB, period: '2024', value: 100.1 });
    expect(en.statusCode).toBe(400);
    expect(en.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'value', reason: 'too_big' }] });
    expect(en.json().error.message).toBe('Field "value" is a percentage and may not exceed 100');
    const vi = await post({ indicatorCode: f.pct, adminUnitId: f.districtB, period: '2024', value: 120 }, planner, 'vi');
    expect(vi.json().error.message).toBe('Trường "giá trị" (value) là tỷ lệ phần trăm, không được vượt quá 100');
    // A speed has no upper bound.
    expect((await post({ indicatorCode: f.speed, adminUnitId: f.districtB, period: '2023', value: 150 })).statusCode).toBe(201);
  });

  it('refuses a negative value naming the field', async () => {
    const res = await post({ indicatorCode: f.speed, adminUnitId: f.districtB, period: '2022', value: -1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'value', reason: 'too_small' });
  });

  it('refuses an unknown indicator, a computed indicator, an unknown district and a commune, naming the field', async () => {
    const unknownIndicator = await post({ indicatorCode: 'no_such_indicator', adminUnitId: f.districtA, period: '2024', value: 1 });
    expect(unknownIndicator.statusCode).toBe(400);
    expect(unknownIndicator.json().error.details[0]).toMatchObject({ path: 'indicatorCode', reason: 'unknown_reference' });
    expect(unknownIndicator.json().error.message).toContain('indicatorCode');
    const computed = await post({ indicatorCode: f.computedMb, adminUnitId: f.districtA, period: '2024', value: 1 });
    expect(computed.statusCode).toBe(400);
    expect(computed.json().error.details[0]).toMatchObject({ path: 'indicatorCode', reason: 'invalid_value' });
    const unknownUnit = await post({ indicatorCode: f.pct, adminUnitId: 2_000_000_000, period: '2024', value: 1 });
    expect(unknownUnit.statusCode).toBe(400);
    expect(unknownUnit.json().error.details[0]).toMatchObject({ path: 'adminUnitId', reason: 'unknown_reference' });
    const commune = await post({ indicatorCode: f.pct, adminUnitId: f.communeA1, period: '2024', value: 1 });
    expect(commune.json().error.details[0]).toMatchObject({ path: 'adminUnitId' });
  });

  it('refuses a second value for the same indicator, unit and period', async () => {
    const res = await post({ indicatorCode: f.pct, adminUnitId: f.districtA, period: '2024', value: 70 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details[0]).toMatchObject({ path: 'period', reason: 'duplicate' });
  });

  it('rejects read-only actors: the public, a carrier, an officer', async () => {
    const body = { indicatorCode: f.pct, adminUnitId: f.districtB, period: '2021', value: 10 };
    expect((await app.inject({ method: 'POST', url: '/api/kpi/observations', payload: body })).statusCode).toBe(401);
    expect((await post(body, carrier)).statusCode).toBe(403);
    expect((await post(body, officer)).statusCode).toBe(403);
    expect(await q(`SELECT 1 FROM kpi_observations WHERE indicator_code = $1 AND period = '2021'`, [f.pct])).toHaveLength(0);
  });
});

describe('PUT and DELETE /api/kpi/observations/:id', () => {
  it('updates with If-Match, refuses a stale one (412) or a stale body version (409), and logs before and after', async () => {
    const created = (await post({ indicatorCode: f.pct, adminUnitId: f.districtB, period: '2023', value: 60 })).json() as KpiObservation;
    const url = `/api/kpi/observations/${created.id}`;
    const ok = await app.inject({ method: 'PUT', url, payload: { value: 65 }, headers: { ...planner, 'if-match': '"1"' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ value: 65, version: 2 });
    expect(ok.headers.etag).toBe('"2"');
    const stale = await app.inject({ method: 'PUT', url, payload: { value: 66 }, headers: { ...planner, 'if-match': '"1"' } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.currentVersion).toBe(2);
    const staleBody = await app.inject({ method: 'PUT', url, payload: { value: 66, version: 1 }, headers: planner });
    expect(staleBody.statusCode).toBe(409);
    const none = await app.inject({ method: 'PUT', url, payload: { value: 66 }, headers: planner });
    expect(none.statusCode).toBe(400);
    const tooBig = await app.inject({ method: 'PUT', url, payload: { value: 101, version: 2 }, headers: { ...planner, 'accept-language': 'en' } });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error.details[0].path).toBe('value');
    const carrierPut = await app.inject({ method: 'PUT', url, payload: { value: 1, version: 2 }, headers: carrier });
    expect(carrierPut.statusCode).toBe(403);
    const log = await q<{ action: string; before: { value: number }; after: { value: number } }>(
      `SELECT action, before, after FROM change_log WHERE object_type = 'kpi_observation' AND object_id = $1 ORDER BY id`,
      [String(created.id)],
    );
    expect(log.map((l) => l.action)).toEqual(['create', 'update']);
    expect(log[1]!.before.value).toBe(60);
    expect(log[1]!.after.value).toBe(65);
  });

  it('deletes, honouring If-Match, and logs it', async () => {
    const created = (await post({ indicatorCode: f.speed, adminUnitId: f.districtB, period: '2020', value: 12 })).json() as KpiObservation;
    const url = `/api/kpi/observations/${created.id}`;
    expect((await app.inject({ method: 'DELETE', url, headers: carrier })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url, headers: { ...planner, 'if-match': '"7"' } })).statusCode).toBe(412);
    expect((await app.inject({ method: 'DELETE', url, headers: { ...planner, 'if-match': '"1"' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
    const log = await q<{ action: string }>(`SELECT action FROM change_log WHERE object_type = 'kpi_observation' AND object_id = $1 ORDER BY id`, [String(created.id)]);
    expect(log.map((l) => l.action)).toEqual(['create', 'delete']);
  });
});

describe('GET /api/kpi/observations', () => {
  it('filters by indicator, unit and period, and pages with a cursor', async () => {
    const all = await app.inject({ method: 'GET', url: `/api/kpi/observations?indicator=${f.speed}&adminUnitId=${f.districtA}` });
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBe(2);
    const first = await app.inject({ method: 'GET', url: `/api/kpi/observations?indicator=${f.speed}&adminUnitId=${f.districtA}&limit=1` });
    expect(first.json().items).toHaveLength(1);
    const next = await app.inject({ method: 'GET', url: `/api/kpi/observations?indicator=${f.speed}&adminUnitId=${f.districtA}&limit=1&cursor=${first.json().nextCursor}` });
    expect(next.json().items).toHaveLength(1);
    expect(next.json().items[0].id).not.toBe(first.json().items[0].id);
    expect(next.json().nextCursor).toBeNull();
    const byPeriod = await app.inject({ method: 'GET', url: `/api/kpi/observations?indicator=${f.speed}&period=2024-Q3` });
    expect(byPeriod.json().items.map((o: KpiObservation) => o.period)).toEqual(['2024-Q3']);
  });
});

describe('POST /api/kpi/observations/bulk', () => {
  it('dry-runs, names each bad row and field, writes nothing; then commits all rows and updates existing ones', async () => {
    const rows = [
      { indicatorCode: f.speed, adminUnitId: f.districtA, period: '2023', value: 30 },
      { indicatorCode: f.pct, adminUnitId: f.districtB, period: '2022', value: 140 },
      { indicatorCode: f.speed, adminUnitId: f.districtB, period: '2023', value: 25 },
    ];
    const dry = await app.inject({ method: 'POST', url: '/api/kpi/observations/bulk', payload: { rows, dryRun: true }, headers: { ...planner, 'accept-language': 'en' } });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, created: 0, updated: 0, errors: [{ row: 1, path: 'value', reason: 'too_big' }] });
    const refused = await app.inject({ method: 'POST', url: '/api/kpi/observations/bulk', payload: { rows }, headers: planner });
    expect(refused.json().errors).toHaveLength(1);
    expect(await q(`SELECT 1 FROM kpi_observations WHERE indicator_code = $1 AND period = '2023' AND admin_unit_id = $2`, [f.speed, f.districtA])).toHaveLength(0);

    rows[1]!.value = 40;
    const check = await app.inject({ method: 'POST', url: '/api/kpi/observations/bulk', payload: { rows, dryRun: true }, headers: planner });
    // districtB 2023 speed exists already (150): one update, two creates.
    expect(check.json()).toMatchObject({ errors: [], created: 2, updated: 1 });
    const done = await app.inject({ method: 'POST', url: '/api/kpi/observations/bulk', payload: { rows }, headers: planner });
    expect(done.json()).toMatchObject({ dryRun: false, created: 2, updated: 1, errors: [] });
    const log = await q<{ n: number; ops: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT operation_id)::int AS ops FROM change_log WHERE object_type = 'kpi_observation' AND after->>'indicatorCode' IN ($1, $2) AND request_id = (SELECT request_id FROM change_log ORDER BY id DESC LIMIT 1)`,
      [f.pct, f.speed],
    );
    expect(log[0]).toEqual({ n: 3, ops: 1 });
    expect((await app.inject({ method: 'POST', url: '/api/kpi/observations/bulk', payload: { rows }, headers: carrier })).statusCode).toBe(403);
  });
});

describe('GET /api/kpi/dashboard', () => {
  let dashboard: KpiDashboard;
  beforeAll(async () => {
    const res = await app.inject({ method: 'GET', url: `/api/kpi/dashboard?provinceId=${f.provinceId}` });
    expect(res.statusCode).toBe(200);
    dashboard = res.json();
  });
  // A computed indicator may be shown under the dataset's code instead of the migration's: find it by computation.
  const ind = (code: string) =>
    dashboard.indicators.find((i) => i.code === code) ??
    dashboard.indicators.find((i) => COMPUTED_INDICATOR_CODES[i.code] !== undefined && COMPUTED_INDICATOR_CODES[i.code] === COMPUTED_INDICATOR_CODES[code])!;
  const at = (code: string, unitId: number) => ind(code).units.find((u) => u.adminUnitId === unitId)!;

  it('lists the province first, then its districts', () => {
    expect(dashboard.units[0]!.id).toBe(f.provinceId);
    expect(new Set(dashboard.units.slice(1).map((u) => u.id))).toEqual(new Set([f.districtA, f.districtB]));
    expect(dashboard.targetYear).toBe(2025);
  });

  it('computes villages with mobile broadband and site sharing from the registry, per district and province', () => {
    // A: 2 of 3 villages meet 4G; B: 0 of 1 (a village without computed coverage counts as not covered); province: 2 of 4.
    expect(at(f.computedMb, f.districtA).value).toBeCloseTo(66.7, 1);
    expect(at(f.computedMb, f.districtB).value).toBe(0);
    expect(at(f.computedMb, f.provinceId).value).toBe(50);
    expect(at(f.computedMb, f.provinceId).trend).toEqual([{ period: dashboard.currentPeriod, value: 50 }]);
    // A: 2 of 4 active sites shared; B: 0 of 1; province 2 of 5.
    expect(at(f.computedSharing, f.districtA).value).toBe(50);
    expect(at(f.computedSharing, f.districtB).value).toBe(0);
    expect(at(f.computedSharing, f.provinceId).value).toBe(40);
  });

  it('shows reported values per district with their trend, and the province rolled up by population', () => {
    const a = at(f.speed, f.districtA);
    expect(a.trend.map((p) => p.period)).toEqual(['2023', '2024-02', '2024-Q3']);
    expect(a).toMatchObject({ value: 40, period: '2024-Q3', meetsTarget: false });
    const b = at(f.speed, f.districtB);
    expect(b.trend).toEqual([{ period: '2023', value: 25 }]);
    const p = at(f.speed, f.provinceId);
    expect(p.aggregated).toBe(true);
    // 2023: (30 × 300 000 + 25 × 100 000) / 400 000 = 28.75
    expect(p.trend.find((x) => x.period === '2023')!.value).toBe(28.75);
    const share = at(f.pct, f.districtA);
    expect(share).toMatchObject({ value: 80.5, meetsTarget: false });
    expect(ind(f.pct).target).toMatchObject({ targetValue: 85 });
  });

  it('exports CSV with a BOM, neutralising formula-like text', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/kpi/dashboard.csv?provinceId=${f.provinceId}&lang=en` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="kpi-dashboard-2025\.csv"/);
    const text = res.body;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('Indicator code,Indicator,Kind,Unit');
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""B"")"`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(text).toContain(`${f.speed},Test speed,reported,Mb/s`);
    const vi = await app.inject({ method: 'GET', url: `/api/kpi/dashboard.csv?provinceId=${f.provinceId}`, headers: { 'accept-language': 'vi' } });
    expect(vi.body).toContain('Mã chỉ tiêu,Chỉ tiêu');
  });

  it('exports an XLSX workbook with the targets sheet and the trend sheet', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/kpi/dashboard.xlsx?provinceId=${f.provinceId}&lang=vi` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/styles.xml']));
    expect(strFromU8(files['xl/workbook.xml']!)).toContain('name="Chỉ tiêu 2025"');
    const sheet1 = strFromU8(files['xl/worksheets/sheet1.xml']!);
    expect(sheet1).toContain('Tốc độ thử');
    expect(sheet1).toContain('&apos;=HYPERLINK(&quot;http://x&quot;,&quot;B&quot;)');
    expect(sheet1).toContain('<v>80.5</v>');
  });

  it('finds the default province when none is named, and 404s an unknown one', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/kpi/dashboard' });
    expect(res.statusCode).toBe(200);
    expect(res.json().units.length).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/kpi/dashboard?provinceId=2000000000' })).statusCode).toBe(404);
  });
});

describe('computed indicators from the coverage module', () => {
  it('can take the counts from the coverage summary, which leaves out villages without computed coverage', async () => {
    const { createKpiService } = await import('./kpi.service');
    const { createCoverageService } = await import('../coverage/coverage.service');
    const service = createKpiService({ db: db.db, coverage: createCoverageService({ pool: db.pool }) });
    const d = await service.dashboard(f.provinceId);
    const at = (code: string, unitId: number) => d.indicators.find((i) => COMPUTED_INDICATOR_CODES[i.code] === COMPUTED_INDICATOR_CODES[code])!.units.find((u) => u.adminUnitId === unitId)!;
    expect(at(f.computedMb, f.districtA).value).toBeCloseTo(66.7, 1);
    expect(at(f.computedMb, f.districtB).value).toBeNull();
    expect(at(f.computedSharing, f.provinceId).value).toBe(40);
  });
});
