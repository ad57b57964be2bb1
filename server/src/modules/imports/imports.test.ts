import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BBox } from '@registry/shared/geo/geometry';
import { IMPORT_ASSET_SPECS, type CreateImportFields } from '@registry/shared/schemas/imports';
import { buildTestApp, createTestCarrier, createTestUser, loginHeaders, testDatabase, unique } from '../../../test/helpers';
import { ensureProvince } from '../../../test/registry-fixtures';
import type { RequestContext } from '../../context';
import { createRegistryEvents } from '../../lib/events';
import type { ProvinceGuard } from '../geo/province-guard';
import { ImportTooLargeError } from './import-errors';
import { importLimits } from './imports.routes';
import { createImportsService } from './imports.service';
import { touchesCoverage } from './imports.queries';
import { createHistoryService } from '../history/history.service';
import { sitesResource } from '../sites/sites.descriptor';
import { toEwkbHex, toEwkt } from './row-normalizer';

const fixtures = new URL('../../../test/fixtures/import/', import.meta.url).pathname;
const db = testDatabase();
const BAC_GIANG: BBox = [105.85, 21.05, 107.05, 21.65];
const guard = { extent: async () => BAC_GIANG, refresh() {}, check: async () => [] } as unknown as ProvinceGuard;
const events = createRegistryEvents();
const service = createImportsService({ pool: db.pool, events, provinceGuard: guard, limits: { maxBytes: 5_000_000, maxRows: 10_000 } });

let carrierA: { id: number; code: string };
let carrierB: { id: number; code: string };
let planner: RequestContext;
let carrierUserA: RequestContext;

function ctxOf(userId: number, username: string, role: 'planner' | 'carrier' | 'admin', carrierId: number | null): RequestContext {
  return { actor: { kind: 'user', userId, username, displayName: username, role, carrierId, via: 'token' }, requestId: unique('req'), locale: 'en' };
}

async function* bytes(content: string | Buffer) {
  yield Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
}

async function dryRun(ctx: RequestContext, fields: Partial<CreateImportFields>, filename: string, content: string | Buffer) {
  const job = await service.start(ctx, { crs: 'EPSG:4326', assetType: 'sites', ...fields } as CreateImportFields, { filename, stream: bytes(content) });
  return service.settled(job.id);
}

async function commitAndWait(ctx: RequestContext, id: string) {
  await service.commit(ctx, id);
  return service.settled(id);
}

beforeAll(async () => {
  carrierA = await createTestCarrier(db.pool);
  carrierB = await createTestCarrier(db.pool);
  const p = await createTestUser(db.pool, 'planner');
  const a = await createTestUser(db.pool, 'carrier', carrierA.id);
  planner = ctxOf(p.id, p.username, 'planner', null);
  carrierUserA = ctxOf(a.id, a.username, 'carrier', carrierA.id);
});
afterAll(async () => {
  await db.close();
});

describe('CSV import, dry run then commit', () => {
  it('reads Vietnamese headers, semicolons, decimal commas and a BOM, then writes every row in one operation', async () => {
    const suffix = unique('x');
    const csv = readFileSync(join(fixtures, 'sites-vi-semicolon.csv'), 'utf8').replaceAll('S-VI-', `S-VI-${suffix}-`);
    const job = await dryRun(carrierUserA, {}, 'sites.csv', csv);
    expect(job.status).toBe('validated');
    expect(job.errorCount).toBe(0);
    expect(job.actions).toMatchObject({ create: 2, update: 0 });
    const page = await service.get(carrierUserA, job.id, { errorsOnly: false, after: 0, limit: 100 });
    expect(page.rows.items.map((r) => r.action)).toEqual(['create', 'create']);

    const done = await commitAndWait(carrierUserA, job.id);
    expect(done.status).toBe('committed');
    expect(done.rowsWritten).toBe(2);
    const site = await db.pool.query(`SELECT name, height_m, ST_X(geom) AS x, ST_Y(geom) AS y, owner_carrier_id FROM sites WHERE code = $1`, [`S-VI-${suffix}-1`]);
    expect(site.rows[0]).toMatchObject({ name: 'Trạm Thôn Đông', height_m: 42.5, owner_carrier_id: carrierA.id });
    expect(site.rows[0].x).toBeCloseTo(106.2001, 9);
    // One change-log row for the operation, one item per object written under it.
    const log = await db.pool.query(`SELECT id, object_type, object_id, action, after FROM change_log WHERE operation_id = $1`, [done.operationId]);
    expect(log.rows).toHaveLength(1);
    expect(log.rows[0]).toMatchObject({ object_type: 'import', object_id: job.id, action: 'import', after: { assetType: 'sites', rowsWritten: 2, actions: { create: 2 } } });
    const items = await db.pool.query(`SELECT object_type, object_id FROM change_log_items WHERE change_id = $1 ORDER BY id`, [log.rows[0].id]);
    const ids = await db.pool.query(`SELECT id::text FROM sites WHERE code LIKE $1 ORDER BY code`, [`S-VI-${suffix}-%`]);
    expect(items.rows).toEqual(ids.rows.map((r) => ({ object_type: 'site', object_id: r.id })));

    // The same file again changes nothing; a changed height is an update.
    const again = await dryRun(carrierUserA, {}, 'sites.csv', csv);
    expect(again.actions).toMatchObject({ create: 0, update: 0, unchanged: 2 });
    const changed = await dryRun(carrierUserA, {}, 'sites.csv', csv.replace('42,5', '45'));
    expect(changed.actions).toMatchObject({ update: 1, unchanged: 1 });
    const applied = await commitAndWait(carrierUserA, changed.id);
    expect(applied.status).toBe('committed');
    const after = await db.pool.query(`SELECT height_m, version FROM sites WHERE code = $1`, [`S-VI-${suffix}-1`]);
    expect(after.rows[0]).toMatchObject({ height_m: 45, version: 2 });
  });

  it('classifies again at commit when an object with one of the file\'s keys appeared after the dry run: the row updates it', async () => {
    const s = unique('late');
    const csv = ['code,name,structure_type,height_m,lon,lat', `${s}-1,Tram A,rooftop,12,106.2,21.3`, `${s}-2,Tram B,monopole,30,106.21,21.31`].join('\n');
    const job = await dryRun(carrierUserA, {}, 'sites.csv', csv);
    expect(job.actions).toMatchObject({ create: 2, update: 0 });
    // Someone registers the first site between the dry run and the commit.
    await db.pool.query(
      `INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m) VALUES ($1, $2, ST_SetSRID(ST_MakePoint(106.2, 21.3), 4326), 'rooftop', 10)`,
      [`${s}-1`, carrierA.id],
    );
    const done = await commitAndWait(carrierUserA, job.id);
    expect(done.status).toBe('committed');
    expect(done.actions).toMatchObject({ create: 1, update: 1 });
    const rows = await db.pool.query(`SELECT code, height_m, version FROM sites WHERE code LIKE $1 ORDER BY code`, [`${s}-%`]);
    expect(rows.rows).toEqual([
      { code: `${s}-1`, height_m: 12, version: 2 },
      { code: `${s}-2`, height_m: 30, version: 1 },
    ]);
  });

  it("shows each imported object's change in its history and in the change log, from the operation's compact record", async () => {
    const s = unique('hist');
    const csv = (height: string) => ['code,name,structure_type,height_m,lon,lat', `${s}-1,Tram A,rooftop,${height},106.2,21.3`, `${s}-2,Tram B,monopole,30,106.21,21.31`].join('\n');
    const created = await commitAndWait(carrierUserA, (await dryRun(carrierUserA, {}, 'sites.csv', csv('12'))).id);
    expect(created.status).toBe('committed');
    const updated = await commitAndWait(carrierUserA, (await dryRun(carrierUserA, {}, 'sites.csv', csv('14.5'))).id);
    expect(updated.status).toBe('committed');
    expect(updated.actions).toMatchObject({ update: 1, unchanged: 1 });
    const id = (await db.pool.query<{ id: number }>('SELECT id FROM sites WHERE code = $1', [`${s}-1`])).rows[0]!.id;

    const history = createHistoryService({ pool: db.pool });
    // The owner reads its object's history: the create, then the update, each with its operation and who.
    const own = await history.forObject(sitesResource, carrierUserA, id);
    expect(own.map((e) => [e.action, e.operationId, e.username])).toEqual([
      ['import', created.operationId, (carrierUserA.actor as { username: string }).username],
      ['import', updated.operationId, (carrierUserA.actor as { username: string }).username],
    ]);
    expect(own[0]!.before).toBeNull();
    expect(own[0]!.after).toEqual({
      code: `${s}-1`,
      name: 'Tram A',
      structure_type: 'rooftop',
      height_m: 12,
      owner_carrier_id: carrierA.id,
      geom: { type: 'Point', coordinates: [106.2, 21.3] },
    });
    // The update's before holds the stored values of the same columns, so a diff shows only what changed.
    expect(own[1]!.before).toEqual({ code: `${s}-1`, name: 'Tram A', structure_type: 'rooftop', height_m: 12, geom: { type: 'Point', coordinates: [106.2, 21.3] } });
    expect(own[1]!.after).toMatchObject({ height_m: 14.5 });
    expect(Object.keys(own[1]!.after as object).sort()).toEqual(Object.keys(own[1]!.before as object).sort());

    // The same entries through /api/history's query, object by object, and page by page without repeats.
    const listed = await history.list(planner, { objectType: 'site', objectId: String(id), limit: 1 });
    expect(listed.total).toBe(2);
    expect(listed.items.map((e) => e.id)).toEqual([own[1]!.id]);
    const next = await history.list(planner, { objectType: 'site', objectId: String(id), limit: 1, cursor: listed.nextCursor! });
    expect(next.items.map((e) => e.id)).toEqual([own[0]!.id]);
    expect(next.nextCursor).toBeNull();
    // The operation itself is one entry of its own, naming the job and its counts.
    const operation = await history.list(planner, { objectType: 'import', objectId: created.id, limit: 10 });
    expect(operation.items).toHaveLength(1);
    expect(operation.items[0]).toMatchObject({ action: 'import', operationId: created.operationId, after: { assetType: 'sites', rowsWritten: 2, actions: { create: 2 } } });
    // Items and rows keep their place in one order: the operation row is drawn before its items.
    expect(operation.items[0]!.id).toBeLessThan(own[0]!.id);
    // Another carrier's user does not read it.
    const b = await createTestUser(db.pool, 'carrier', carrierB.id);
    await expect(history.forObject(sitesResource, ctxOf(b.id, b.username, 'carrier', carrierB.id), id)).rejects.toThrow();
  });

  it('recomputes coverage only when the import changes what coverage is computed from', async () => {
    const s = unique('cov');
    const sites = ['code,structure_type,height_m,lon,lat', `${s}-1,rooftop,12,106.2,21.3`, `${s}-2,monopole,30,106.21,21.31`].join('\n');
    const affects = async (csv: string, assetType: CreateImportFields['assetType'] = 'sites') => {
      const job = await dryRun(carrierUserA, { assetType }, assetType === 'sites' ? 'sites.csv' : 'routes.csv', csv);
      expect(job.errorCount).toBe(0);
      const client = await db.pool.connect();
      try {
        return await touchesCoverage(client, job.id, IMPORT_ASSET_SPECS[assetType as 'sites']);
      } finally {
        client.release();
        await service.cancel(carrierUserA, job.id);
      }
    };
    // New sites carry no sectors: nothing to recompute.
    expect(await affects(sites)).toBe(false);
    const created = await commitAndWait(carrierUserA, (await dryRun(carrierUserA, {}, 'sites.csv', sites)).id);
    expect(created.status).toBe('committed');
    // Moving a site without sectors changes no coverage either; moving one that carries a sector does.
    const moved = sites.replace('106.2,21.3', '106.205,21.3').replace('106.21,21.31', '106.215,21.31');
    expect(await affects(moved)).toBe(false);
    const siteId = (await db.pool.query<{ id: number }>('SELECT id FROM sites WHERE code = $1', [`${s}-2`])).rows[0]!.id;
    await db.pool.query(
      `INSERT INTO sectors (site_id, carrier_id, code, technology, band_mhz, azimuth_deg, beamwidth_deg, antenna_height_m, status)
       VALUES ($1, $2, $3, '4G', 1800, 0, 360, 30, 'active')`,
      [siteId, carrierA.id, `${s}-sec`],
    );
    expect(await affects(moved)).toBe(true);
    // Only the updated rows count: the same file without the site that carries the sector changes nothing.
    expect(await affects(moved.split('\n').slice(0, 2).join('\n'))).toBe(false);
    // Routes: a new one has no access points.
    expect(await affects(`code,kind,placement,fibre_count,wkt\n${s}-r,access,aerial,24,"LINESTRING(106.2 21.3,106.21 21.31)"`, 'fibre-routes')).toBe(false);
  });

  it('commits nothing when one row among good ones is bad, and says which field', async () => {
    const s = unique('bad');
    const csv = [
      'code,structure_type,height_m,lon,lat',
      `${s}-1,greenfield_tower,30,106.2,21.3`,
      `${s}-2,greenfield_tower,-4,106.21,21.31`,
      `${s}-3,rooftop,12,106.22,21.32`,
    ].join('\n');
    const job = await dryRun(carrierUserA, {}, 'sites.csv', csv);
    expect(job.status).toBe('validated');
    expect(job.errorCount).toBe(1);
    const bad = await service.get(carrierUserA, job.id, { errorsOnly: true, after: 0, limit: 10 });
    expect(bad.rows.items).toHaveLength(1);
    expect(bad.rows.items[0]).toMatchObject({ row: 2, action: 'skip' });
    expect(bad.rows.items[0]!.errors[0]).toMatchObject({ path: 'height_m', reason: 'too_small' });
    await expect(service.commit(carrierUserA, job.id)).rejects.toThrow(/1 rows have errors/);
    const n = await db.pool.query(`SELECT count(*)::int AS n FROM sites WHERE code LIKE $1`, [`${s}-%`]);
    expect(n.rows[0].n).toBe(0);
  });

  it('flags a code given twice in the file on every row after its first, codes compared exactly', async () => {
    const s = unique('dup');
    const csv = [
      'code,structure_type,height_m,lon,lat',
      `${s}-a,rooftop,12,106.2,21.3`,
      `${s}-A,rooftop,12,106.21,21.3`,
      `${s}-a,rooftop,14,106.22,21.3`,
      `${s}-b,rooftop,12,106.23,21.3`,
      `${s}-a,rooftop,16,106.24,21.3`,
    ].join('\n');
    const job = await dryRun(carrierUserA, {}, 'sites.csv', csv);
    const rows = await service.get(carrierUserA, job.id, { errorsOnly: true, after: 0, limit: 10 });
    expect(rows.rows.items.map((r) => [r.row, r.errors.map((e) => `${e.path}:${e.reason}`)])).toEqual([
      [3, ['code:duplicate']],
      [5, ['code:duplicate']],
    ]);
    await service.cancel(carrierUserA, job.id);
  });

  it("refuses a carrier's rows that name another carrier, as row errors", async () => {
    const s = unique('oth');
    const csv = ['code,carrier,structure_type,height_m,lon,lat', `${s}-1,${carrierA.code},monopole,20,106.2,21.3`, `${s}-2,${carrierB.code},monopole,20,106.25,21.3`].join('\n');
    const job = await dryRun(carrierUserA, {}, 'sites.csv', csv);
    const rows = await service.get(carrierUserA, job.id, { errorsOnly: true, after: 0, limit: 10 });
    expect(rows.rows.items.map((r) => [r.row, r.errors[0]?.reason])).toEqual([[2, 'other_carrier']]);
    await expect(service.commit(carrierUserA, job.id)).rejects.toThrow();
  });

  it('refuses Windows-1258 and TCVN3 files with a message saying how to convert', async () => {
    for (const [file, hint] of [
      ['sites-cp1258.csv', /Windows-1258.*iconv -f CP1258/],
      ['sites-tcvn3.csv', /TCVN3.*(iconv -f TCVN5712-1|UniKey)/],
    ] as const) {
      await expect(dryRun(carrierUserA, {}, file, readFileSync(join(fixtures, file)))).rejects.toThrow(hint);
    }
  });

  it('converts VN-2000 TM-3 coordinates (EPSG:9214) as cs2cs does, and warns when another CRS fits better', async () => {
    const s = unique('vn');
    const points = [
      [106.2, 21.3],
      [106.9, 21.5],
    ];
    const tm3 = execFileSync('cs2cs', ['-d', '4', 'EPSG:4326', 'EPSG:9214'], { input: points.map(([lon, lat]) => `${lat} ${lon}`).join('\n') + '\n', encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number));
    const csv = ['code,structure_type,height_m,x,y', ...tm3.map(([e, n], i) => `${s}-${i},greenfield_tower,30,${e},${n}`)].join('\n');
    const job = await dryRun(carrierUserA, { crs: 'EPSG:9214' }, 'sites.csv', csv);
    expect(job.errorCount).toBe(0);
    await commitAndWait(carrierUserA, job.id);
    const r = await db.pool.query(`SELECT code, ST_X(geom) AS x, ST_Y(geom) AS y FROM sites WHERE code LIKE $1 ORDER BY code`, [`${s}-%`]);
    r.rows.forEach((row, i) => {
      expect(Math.abs(row.x - points[i]![0]!) * 104_000).toBeLessThan(0.1);
      expect(Math.abs(row.y - points[i]![1]!) * 110_700).toBeLessThan(0.1);
    });

    const wrong = await dryRun(carrierUserA, { crs: 'EPSG:3405' }, 'sites.csv', csv.replaceAll(`${s}-`, `${s}w-`));
    expect(wrong.errorCount).toBe(2);
    expect(wrong.warnings.map((w) => w.reason)).toContain('likely_wrong_crs');
    expect(wrong.warnings.find((w) => w.reason === 'likely_wrong_crs')!.message).toMatch(/EPSG:9214/);
  });

  it('refuses past the row limit with 413, before reading on', async () => {
    const small = createImportsService({ pool: db.pool, events, provinceGuard: guard, limits: { maxBytes: 5_000_000, maxRows: 3 } });
    let produced = 0;
    async function* endless() {
      yield Buffer.from('code,structure_type,height_m,lon,lat\n');
      for (;;) {
        produced += 1;
        yield Buffer.from(`X${produced},rooftop,10,106.2,21.3\n`);
        if (produced > 100_000) return;
      }
    }
    await expect(small.start(carrierUserA, { assetType: 'sites', crs: 'EPSG:4326' }, { filename: 'a.csv', stream: endless() })).rejects.toBeInstanceOf(ImportTooLargeError);
    expect(produced).toBeLessThan(10_000);
  });
});

describe('GeoJSON and KML', () => {
  it('imports a KML written by GDAL ogr2ogr', async () => {
    const s = unique('kml');
    const dir = mkdtempSync(join(tmpdir(), 'imp-kml-'));
    const geojson = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: `${s}-1`, carrier: carrierA.code, kind: 'cabinet', ports_total: 48, ports_used: 3 }, geometry: { type: 'Point', coordinates: [106.21, 21.31] } },
        { type: 'Feature', properties: { code: `${s}-2`, carrier: carrierA.code, kind: 'odp', ports_total: 16, ports_used: 0 }, geometry: { type: 'Point', coordinates: [106.22, 21.32] } },
      ],
    };
    writeFileSync(join(dir, 'in.geojson'), JSON.stringify(geojson));
    execFileSync('ogr2ogr', ['-f', 'KML', join(dir, 'out.kml'), join(dir, 'in.geojson')]);
    const kml = readFileSync(join(dir, 'out.kml'));
    const job = await dryRun(planner, { assetType: 'access-points' }, 'out.kml', kml);
    expect(job.errorCount).toBe(0);
    expect(job.actions.create).toBe(2);
    const done = await commitAndWait(planner, job.id);
    expect(done.status).toBe('committed');
    const r = await db.pool.query(`SELECT ports_total, ST_X(geom) AS x FROM access_points WHERE code = $1`, [`${s}-1`]);
    expect(r.rows[0].ports_total).toBe(48);
    expect(r.rows[0].x).toBeCloseTo(106.21, 9);
  });

  it('imports fibre routes from GeoJSON and can be cancelled before commit', async () => {
    const s = unique('fr');
    const fc = {
      type: 'FeatureCollection',
      features: [1, 2, 3].map((i) => ({
        type: 'Feature',
        properties: { code: `${s}-${i}`, kind: 'distribution', placement: 'aerial', fibre_count: 24 },
        geometry: { type: 'LineString', coordinates: [[106.2, 21.3 + i / 100], [106.25, 21.31 + i / 100]] },
      })),
    };
    const job = await dryRun(carrierUserA, { assetType: 'fibre-routes' }, 'routes.geojson', JSON.stringify(fc));
    expect(job.actions.create).toBe(3);
    const cancelled = await service.cancel(carrierUserA, job.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(service.commit(carrierUserA, job.id)).rejects.toThrow(/cancelled/);
  });
});

describe('staged geometry', () => {
  it('writes hex EWKB byte for byte as PostGIS does, for every geometry type an import stages', async () => {
    const ring = [[106.2, 21.3], [106.21, 21.3], [106.21, 21.31], [106.2, 21.3]];
    const hole = [[106.202, 21.302], [106.205, 21.302], [106.205, 21.305], [106.202, 21.302]];
    const geometries = [
      { type: 'Point', coordinates: [106.123456789012, 21.987654321098] },
      { type: 'LineString', coordinates: [[106.2, 21.3], [106.25, 21.31], [106.3, 21.3000000001]] },
      { type: 'Polygon', coordinates: [ring, hole] },
      { type: 'MultiPoint', coordinates: [[106.2, 21.3], [106.3, 21.4]] },
      { type: 'MultiLineString', coordinates: [[[106.2, 21.3], [106.25, 21.31]], [[106.4, 21.4], [106.5, 21.5]]] },
      { type: 'MultiPolygon', coordinates: [[ring, hole], [ring]] },
    ];
    for (const g of geometries) {
      const r = await db.pool.query<{ hex: string }>(`SELECT encode(ST_AsEWKB(ST_GeomFromEWKT($1), 'NDR'), 'hex') AS hex`, [g.type === 'MultiPoint' ? `SRID=4326;MULTIPOINT(106.2 21.3,106.3 21.4)` : toEwkt(g)]);
      expect(toEwkbHex(g), g.type).toBe(r.rows[0]!.hex);
    }
  });
});

describe('commit progress', () => {
  it('advances rowsWritten batch by batch while the commit transaction runs', async () => {
    const batched = createImportsService({ pool: db.pool, events, provinceGuard: guard, limits: { maxBytes: 5_000_000, maxRows: 10_000 }, commitBatchRows: 5 });
    const s = unique('prog');
    const row = (i: number, height: number) => `${s}-${i},rooftop,${height},106.2,21.3`;
    // Row 8 of the file updates a site that exists; the other 11 rows create sites.
    const existing = await batched.start(carrierUserA, { assetType: 'sites', crs: 'EPSG:4326' }, { filename: 'a.csv', stream: bytes(`code,structure_type,height_m,lon,lat\n${row(8, 10)}\n`) });
    expect((await batched.settled(existing.id)).actions.create).toBe(1);
    await batched.commit(carrierUserA, existing.id);
    expect((await batched.settled(existing.id)).status).toBe('committed');
    const csv = ['code,structure_type,height_m,lon,lat', ...Array.from({ length: 12 }, (_, i) => row(i + 1, i + 1 === 8 ? 20 : 10))].join('\n');
    const started = await batched.start(carrierUserA, { assetType: 'sites', crs: 'EPSG:4326' }, { filename: 'b.csv', stream: bytes(csv) });
    const job = await batched.settled(started.id);
    expect(job.actions).toMatchObject({ create: 11, update: 1 });

    // Hold the existing site's row: the commit writes rows 1–5, reports them, and waits in its second batch (rows 6–10).
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sites WHERE code = $1 FOR UPDATE', [`${s}-8`]);
      await batched.commit(carrierUserA, job.id);
      let seen = (await batched.get(carrierUserA, job.id, { errorsOnly: false, after: 0, limit: 1 })).rowsWritten;
      for (let i = 0; i < 200 && seen < 5; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = (await batched.get(carrierUserA, job.id, { errorsOnly: false, after: 0, limit: 1 })).rowsWritten;
      }
      const midway = await batched.get(carrierUserA, job.id, { errorsOnly: false, after: 0, limit: 1 });
      expect(midway.status).toBe('committing');
      expect(midway.rowsWritten).toBe(5);
      // Nothing of it is visible outside the transaction yet.
      expect((await db.pool.query('SELECT count(*)::int AS n FROM sites WHERE code LIKE $1', [`${s}-%`])).rows[0].n).toBe(1);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const done = await batched.settled(job.id);
    expect(done.status).toBe('committed');
    expect(done.rowsWritten).toBe(12);
    const sites = await db.pool.query<{ n: number; h: number }>('SELECT count(*)::int AS n, max(height_m) AS h FROM sites WHERE code LIKE $1', [`${s}-%`]);
    expect(sites.rows[0]).toEqual({ n: 12, h: 20 });
    const log = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM change_log c JOIN change_log_items i ON i.change_id = c.id WHERE c.operation_id = $1',
      [done.operationId],
    );
    expect(log.rows[0]!.n).toBe(12);
  });
});

describe('Shapefile in a zip and KMZ, written by GDAL', () => {
  /** A GeoJSON of two sites in WGS84, written by the test, and ogr2ogr's rendering of it in another format. */
  function viaOgr(s: string, output: string, args: string[]): Buffer {
    const dir = mkdtempSync(join(tmpdir(), 'imp-ogr-'));
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: `${s}-1`, carrier: carrierA.code, structure_type: 'rooftop', height_m: 12.5 }, geometry: { type: 'Point', coordinates: [106.2, 21.3] } },
        { type: 'Feature', properties: { code: `${s}-2`, carrier: carrierA.code, structure_type: 'greenfield_tower', height_m: 40 }, geometry: { type: 'Point', coordinates: [106.9, 21.5] } },
      ],
    };
    writeFileSync(join(dir, 'in.geojson'), JSON.stringify(fc));
    execFileSync('ogr2ogr', [...args, join(dir, output), join(dir, 'in.geojson')]);
    return readFileSync(join(dir, output));
  }
  const sitesOf = (s: string) =>
    db.pool.query<{ code: string; structure_type: string; height_m: number; x: number; y: number }>(
      `SELECT code, structure_type, height_m, ST_X(geom) AS x, ST_Y(geom) AS y FROM sites WHERE code LIKE $1 ORDER BY code`,
      [`${s}-%`],
    );

  it('reads the .prj of a zipped Shapefile (VN-2000 / TM-3 107-00 from ogr2ogr) and converts its coordinates whatever CRS was chosen', async () => {
    const s = unique('shp');
    // ogr2ogr reprojects with PROJ (as cs2cs does) and writes ESRI WKT naming "VN-2000_TM-3_107-00" in the .prj; DBF truncates structure_type to structure_.
    const zip = viaOgr(s, 'sites.shp.zip', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:9214']);
    const job = await dryRun(planner, { crs: 'EPSG:4326' }, 'sites.zip', zip);
    expect(job.format).toBe('shapefile');
    expect(job.errorCount).toBe(0);
    expect(job.actions.create).toBe(2);
    expect(job.warnings).toContainEqual(expect.objectContaining({ reason: 'crs_ignored', message: expect.stringMatching(/EPSG:9214.*EPSG:4326 was not applied/) }));
    expect((await commitAndWait(planner, job.id)).status).toBe('committed');
    const r = await sitesOf(s);
    expect(r.rows.map((x) => [x.code, x.structure_type, x.height_m])).toEqual([
      [`${s}-1`, 'rooftop', 12.5],
      [`${s}-2`, 'greenfield_tower', 40],
    ]);
    // Back to where the GeoJSON put them, to well under 0.1 m (a degree is about 104 km of longitude and 110.7 km of latitude here).
    const expected = [
      [106.2, 21.3],
      [106.9, 21.5],
    ];
    r.rows.forEach((row, i) => {
      expect(Math.abs(row.x - expected[i]![0]!) * 104_000).toBeLessThan(0.1);
      expect(Math.abs(row.y - expected[i]![1]!) * 110_700).toBeLessThan(0.1);
    });
  });

  it('imports a WGS84 Shapefile and refuses one whose .prj is in a CRS it does not convert, naming it', async () => {
    const s = unique('shp');
    const wgs = await dryRun(planner, { crs: 'EPSG:4326' }, 'sites.zip', viaOgr(s, 'sites.shp.zip', ['-f', 'ESRI Shapefile']));
    expect(wgs.errorCount).toBe(0);
    expect(wgs.warnings.map((w) => w.reason)).not.toContain('crs_ignored');
    expect((await commitAndWait(planner, wgs.id)).status).toBe('committed');
    const r = await sitesOf(s);
    expect(r.rows[1]!.x).toBeCloseTo(106.9, 9);

    const mercator = viaOgr(unique('shp'), 'sites.shp.zip', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:3857']);
    const refused = service.start(planner, { assetType: 'sites', crs: 'EPSG:4326' }, { filename: 'm.zip', stream: bytes(mercator) });
    await expect(refused).rejects.toMatchObject({ statusCode: 422, details: [expect.objectContaining({ path: 'file', reason: 'unsupported_crs' })] });
    await expect(refused).rejects.toThrow(/WGS_1984_Web_Mercator_Auxiliary_Sphere.*does not convert/);
  });

  it('imports a KMZ written by ogr2ogr (LIBKML)', async () => {
    const s = unique('kmz');
    const kmz = viaOgr(s, 'sites.kmz', ['-f', 'LIBKML']);
    expect(kmz.subarray(0, 2).toString('latin1')).toBe('PK');
    const job = await dryRun(planner, {}, 'sites.kmz', kmz);
    expect(job.format).toBe('kmz');
    expect(job.errorCount).toBe(0);
    expect(job.actions.create).toBe(2);
    expect((await commitAndWait(planner, job.id)).status).toBe('committed');
    const r = await sitesOf(s);
    expect(r.rows.map((x) => [x.code, x.structure_type, x.height_m])).toEqual([
      [`${s}-1`, 'rooftop', 12.5],
      [`${s}-2`, 'greenfield_tower', 40],
    ]);
    expect(r.rows[0]!.x).toBeCloseTo(106.2, 9);
    expect(r.rows[0]!.y).toBeCloseTo(21.3, 9);
  });
});

describe('OpenCelliD', () => {
  it("groups cells into sites per carrier by position, maps MCC 452 + MNC to the carrier, and refuses another carrier's cells for a carrier user", async () => {
    const carrierC = await createTestCarrier(db.pool);
    const carrierD = await createTestCarrier(db.pool);
    // Two MNCs no carrier has yet, so the lookup is unambiguous in a shared test database.
    const used = new Set((await db.pool.query<{ m: string }>('SELECT unnest(mobile_network_codes) AS m FROM carriers')).rows.map((r) => r.m));
    const free: string[] = [];
    while (free.length < 2) {
      const m = String(100 + Math.floor(Math.random() * 900));
      if (!used.has(m) && !free.includes(m)) free.push(m);
    }
    const [mncC, mncD] = free as [string, string];
    await db.pool.query('UPDATE carriers SET mobile_network_codes = $2 WHERE id = $1', [carrierC.id, [mncC]]);
    await db.pool.query('UPDATE carriers SET mobile_network_codes = $2 WHERE id = $1', [carrierD.id, [mncD]]);
    const csv = readFileSync(join(fixtures, 'opencellid-452.csv'), 'utf8').replaceAll('MNC_A', mncC).replaceAll('MNC_B', mncD);

    const job = await dryRun(planner, { assetType: 'opencellid' }, 'cells.csv', csv);
    expect(job.status).toBe('validated');
    expect(job.errorCount).toBe(0);
    expect(job.actions).toMatchObject({ create: 6, siteCreate: 3 });
    const done = await commitAndWait(planner, job.id);
    expect(done.status).toBe('committed');

    // Carrier C: the three cells a few metres apart make one site, the cell 2 km away another; carrier D's
    // two cells at the first position make a site of D's own (no sharing is inferred from estimated positions).
    const sites = await db.pool.query<{ owner_carrier_id: number; code: string; n: number; synthetic: boolean; synthetic_method: string }>(
      `SELECT t.owner_carrier_id, t.code, t.synthetic, t.synthetic_method, count(x.id)::int AS n
         FROM sites t JOIN sectors x ON x.site_id = t.id WHERE t.owner_carrier_id = ANY($1) GROUP BY t.id ORDER BY t.owner_carrier_id, n DESC`,
      [[carrierC.id, carrierD.id]],
    );
    expect(sites.rows.map((r) => [r.owner_carrier_id, r.n])).toEqual([
      [carrierC.id, 3],
      [carrierC.id, 1],
      [carrierD.id, 2],
    ]);
    expect(sites.rows[0]).toMatchObject({ code: `OCID-${mncC}-21.30000-106.20000`, synthetic: true, synthetic_method: 'opencellid' });
    const sectors = await db.pool.query(
      `SELECT carrier_id, code, technology, band_mhz, beamwidth_deg, azimuth_deg, cell_identity FROM sectors WHERE carrier_id = ANY($1) ORDER BY carrier_id, code`,
      [[carrierC.id, carrierD.id]],
    );
    expect(sectors.rows.map((r) => [r.carrier_id, r.technology, r.band_mhz, r.beamwidth_deg])).toEqual([
      [carrierC.id, '4G', 1800, 360],
      [carrierC.id, '4G', 1800, 360],
      [carrierC.id, '2G', 900, 360],
      [carrierC.id, '4G', 1800, 360],
      [carrierD.id, '3G', 2100, 360],
      [carrierD.id, '5G', 3500, 360],
    ]);
    expect(sectors.rows[2]).toMatchObject({ code: `452-${mncC}-10101-2001`, cell_identity: `452-${mncC}-10101-2001`, azimuth_deg: 0 });
    const tenancies = await db.pool.query(`SELECT count(*)::int AS n FROM site_tenancies WHERE carrier_id = ANY($1)`, [[carrierC.id, carrierD.id]]);
    expect(tenancies.rows[0].n).toBe(3);

    // The per-country download has no header line; the same cells again change nothing.
    const again = await dryRun(planner, { assetType: 'opencellid' }, 'cells.csv', csv.slice(csv.indexOf('\n') + 1));
    expect(again.actions).toMatchObject({ create: 0, update: 0, unchanged: 6, siteCreate: 0 });

    // A carrier user imports only its own cells: carrier D's rows are row errors.
    const userC = await createTestUser(db.pool, 'carrier', carrierC.id);
    const own = await dryRun(ctxOf(userC.id, userC.username, 'carrier', carrierC.id), { assetType: 'opencellid' }, 'cells.csv', csv);
    expect(own.errorCount).toBe(2);
    const bad = await service.get(planner, own.id, { errorsOnly: true, after: 0, limit: 10 });
    expect(bad.rows.items.map((r) => [r.row, r.errors[0]?.reason])).toEqual([
      [4, 'other_carrier'],
      [5, 'other_carrier'],
    ]);
  });
});

describe('job lifecycle and limits', () => {
  const csv = (s: string) => `code,structure_type,height_m,lon,lat\n${s}-1,rooftop,12,106.2,21.3\n${s}-2,rooftop,14,106.21,21.31\n`;
  const staged = async (id: string) => (await db.pool.query(`SELECT count(*)::int AS n FROM import_rows WHERE job_id = $1`, [id])).rows[0].n as number;

  it('drops the staging rows once a job is committed or cancelled', async () => {
    const committed = await dryRun(carrierUserA, {}, 'sites.csv', csv(unique('pc')));
    expect(await staged(committed.id)).toBe(2);
    expect((await commitAndWait(carrierUserA, committed.id)).status).toBe('committed');
    expect(await staged(committed.id)).toBe(0);
    const cancelled = await dryRun(carrierUserA, {}, 'sites.csv', csv(unique('pk')));
    await service.cancel(carrierUserA, cancelled.id);
    expect(await staged(cancelled.id)).toBe(0);
  });

  it('fails jobs that a stopped process left validating or committing, and keeps those still beating', async () => {
    const insertJob = async (status: string, heartbeatAgoS: number) => {
      const r = await db.pool.query<{ id: string }>(
        `INSERT INTO import_jobs (asset_type, format, crs, status, summary) VALUES ('sites', 'csv', 'EPSG:4326', $1,
           jsonb_build_object('heartbeat', now() - make_interval(secs => $2))) RETURNING id`,
        [status, heartbeatAgoS],
      );
      await db.pool.query(`INSERT INTO import_rows (job_id, row_no, data) VALUES ($1, 1, '{}')`, [r.rows[0]!.id]);
      return r.rows[0]!.id;
    };
    const stale = [await insertJob('validating', 3600), await insertJob('committing', 3600)];
    const alive = await insertJob('validating', 1);
    await service.recoverInterrupted();
    const jobs = await db.pool.query<{ id: string; status: string; message: string | null }>(`SELECT id, status, message FROM import_jobs WHERE id = ANY($1)`, [[...stale, alive]]);
    const byId = new Map(jobs.rows.map((j) => [j.id, j]));
    for (const id of stale) {
      expect(byId.get(id)).toMatchObject({ status: 'failed', message: expect.stringMatching(/Interrupted/) });
      expect(await staged(id)).toBe(0);
    }
    expect(byId.get(alive)!.status).toBe('validating');
    expect(await staged(alive)).toBe(1);
    await db.pool.query(`UPDATE import_jobs SET status = 'cancelled' WHERE id = $1`, [alive]);
    await db.pool.query(`DELETE FROM import_rows WHERE job_id = $1`, [alive]);
  });

  it('drops the staging rows of deleted jobs (a trigger on import_jobs, not a foreign key checked per staged row), and those of jobs already gone', async () => {
    const job = async () => {
      const r = await db.pool.query<{ id: string }>(`INSERT INTO import_jobs (asset_type, format, crs, status) VALUES ('sites', 'csv', 'EPSG:4326', 'validated') RETURNING id`);
      await db.pool.query(`INSERT INTO import_rows (job_id, row_no, data) SELECT $1, n, '{}' FROM generate_series(1, 3) n`, [r.rows[0]!.id]);
      return r.rows[0]!.id;
    };
    const [a, b, kept] = [await job(), await job(), await job()];
    await db.pool.query(`DELETE FROM import_jobs WHERE id = ANY($1::uuid[])`, [[a, b]]);
    expect([await staged(a), await staged(b), await staged(kept)]).toEqual([0, 0, 3]);
    // Rows whose job no longer exists (its row deleted while the COPY ran) go with the next sweep.
    const orphan = '00000000-0000-4000-8000-000000000abc';
    await db.pool.query(`INSERT INTO import_rows (job_id, row_no, data) VALUES ($1, 1, '{}')`, [orphan]);
    await service.recoverInterrupted();
    expect([await staged(orphan), await staged(kept)]).toEqual([0, 3]);
    // TRUNCATE import_jobs (the dataset reset) empties them too; tried in a transaction rolled back, as other files' jobs share the table.
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('TRUNCATE import_jobs');
      expect((await client.query(`SELECT count(*)::int AS n FROM import_rows`)).rows[0].n).toBe(0);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await staged(kept)).toBe(3);
    await db.pool.query(`DELETE FROM import_jobs WHERE id = $1`, [kept]);
  });

  it('takes IMPORT_MAX_ROWS and IMPORT_MAX_BYTES from the server config', () => {
    expect(importLimits({ UPLOAD_LIMIT_BYTES: 100, IMPORT_MAX_ROWS: 5, IMPORT_MAX_BYTES: undefined })).toEqual({ maxBytes: 100, maxRows: 5 });
    expect(importLimits(100, { IMPORT_MAX_ROWS: '7', IMPORT_MAX_BYTES: '50' })).toEqual({ maxBytes: 50, maxRows: 7 });
    expect(importLimits(100, {})).toEqual({ maxBytes: 100, maxRows: 1_000_000 });
    expect(() => importLimits(100, { IMPORT_MAX_ROWS: '-1' })).toThrow(/IMPORT_MAX_ROWS/);
  });
});

describe('over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    // The app's province guard reads the top-level units of the shared test
    // database; which ones other files left there depends on file order, so
    // make sure the test province (it holds the rows' 106.2, 21.3) is one.
    await ensureProvince(db.pool);
    app = await buildTestApp({ UPLOAD_LIMIT_BYTES: '2000' });
  });
  afterAll(async () => {
    await app.close();
  });

  function multipart(fields: Record<string, string>, filename: string, content: string) {
    const boundary = '----imp' + unique();
    const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`);
    return { payload: parts.join(''), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }

  it('lists OpenCelliD among the asset types, with its columns and the MNC → carrier table', async () => {
    const carrier = await createTestCarrier(db.pool);
    const used = new Set((await db.pool.query<{ m: string }>('SELECT unnest(mobile_network_codes) AS m FROM carriers')).rows.map((r) => r.m));
    let mnc = '';
    while (!mnc || used.has(mnc)) mnc = String(100 + Math.floor(Math.random() * 900));
    await db.pool.query('UPDATE carriers SET mobile_network_codes = $2 WHERE id = $1', [carrier.id, [mnc]]);
    const res = await app.inject({ method: 'GET', url: '/api/imports/asset-types' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { type: string; formats: string[]; fields: { name: string }[]; mcc?: string; mobileNetworkCodes?: { mnc: string; carrier: string }[] }[];
    expect(items.map((i) => i.type)).toContain('sites');
    const ocid = items.find((i) => i.type === 'opencellid');
    expect(ocid?.formats).toEqual(['csv']);
    expect(ocid?.mcc).toBe('452');
    expect(ocid?.fields.map((f) => f.name)).toEqual(['radio', 'mcc', 'net', 'area', 'cell', 'unit', 'lon', 'lat', 'range', 'samples', 'changeable', 'created', 'updated', 'averageSignal']);
    expect(ocid?.mobileNetworkCodes).toContainEqual({ mnc, carrier: carrier.code });
  });

  it('refuses an upload over the size limit with 413, and runs a small one as a job', async () => {
    const user = await createTestUser(db.pool, 'carrier', carrierA.id);
    const headers = await loginHeaders(app, user.username);
    const big = multipart({ assetType: 'sites', crs: 'EPSG:4326' }, 'big.csv', 'code,structure_type,height_m,lon,lat\n' + 'X,rooftop,10,106.2,21.3\n'.repeat(500));
    const refused = await app.inject({ method: 'POST', url: '/api/imports', payload: big.payload, headers: { ...headers, ...big.headers } });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const s = unique('h');
    const ok = multipart({ assetType: 'sites', crs: 'EPSG:4326' }, 'ok.csv', `code,structure_type,height_m,lon,lat\n${s},rooftop,10,106.2,21.3\n`);
    const accepted = await app.inject({ method: 'POST', url: '/api/imports', payload: ok.payload, headers: { ...headers, ...ok.headers } });
    expect(accepted.statusCode).toBe(202);
    const id = accepted.json().id as string;
    let job = (await app.inject({ method: 'GET', url: `/api/imports/${id}`, headers })).json();
    for (let i = 0; i < 50 && job.status === 'validating'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await app.inject({ method: 'GET', url: `/api/imports/${id}`, headers })).json();
    }
    expect(job.status).toBe('validated');
    expect(job.rows.items[0]).toMatchObject({ row: 1, action: 'create', errors: [] });
    const committed = await app.inject({ method: 'POST', url: `/api/imports/${id}/commit`, headers });
    expect(committed.statusCode).toBe(202);
    for (let i = 0; i < 100 && job.status !== 'committed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await app.inject({ method: 'GET', url: `/api/imports/${id}`, headers })).json();
    }
    expect(job.status).toBe('committed');
    // The coverage recompute runs after the commit; let it finish before the app closes.
    for (let i = 0; i < 300 && !job.message && !['done', 'unaffected'].includes((await db.pool.query(`SELECT summary->'coverage'->>'status' AS s FROM import_jobs WHERE id = $1`, [id])).rows[0].s); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
