import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildTestApp, createTestUser, testDatabase, unique } from '../../../test/helpers';
import { createOpenDataFixture, createTestToken, DENSE_POINT, FAR_POINT, SECRET_CONTACT, SECRET_CONTRACT, SECRET_RENT, tileOf, type OpenDataFixture } from '../layers/test-fixtures';
import { findLayer, LAYERS } from '../layers/catalogue';
import { layerTileTemplate, runTileQuery, tileStatement } from './tiles.queries';
import { bboxesIntersect, TileCache, tileBBox } from './tile-cache';
import { createTileService, tileTurns } from './tiles.service';

const db = testDatabase();
let app: FastifyInstance;
let fx: OpenDataFixture;
let tokens: { carrierA: string; carrierB: string; planner: string };

beforeAll(async () => {
  fx = await createOpenDataFixture(db.pool, unique('td'));
  const a = await createTestUser(db.pool, 'carrier', fx.carrierA.id);
  const b = await createTestUser(db.pool, 'carrier', fx.carrierB.id);
  const p = await createTestUser(db.pool, 'planner');
  tokens = { carrierA: await createTestToken(db.pool, a.id), carrierB: await createTestToken(db.pool, b.id), planner: await createTestToken(db.pool, p.id) };
  app = await buildTestApp();
});
afterAll(async () => {
  await app?.close();
  await fx?.remove();
  await db.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function getTile(url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip', ...headers } });
  const raw = res.statusCode === 200 ? gunzipSync(res.rawPayload) : Buffer.alloc(0);
  return { res, tile: new VectorTile(new PbfReader(raw)) };
}

function features(tile: VectorTile, layer: string) {
  const l = tile.layers[layer];
  return l ? Array.from({ length: l.length }, (_, i) => l.feature(i)) : [];
}

/** Rows of a table in a tile's buffered envelope, as the tile query counts them. */
async function countInTile(geomSql: string, from: string, where: string, t: { z: number; x: number; y: number }) {
  const r = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${from} WHERE ${where} AND ST_Intersects(ST_Transform(${geomSql}, 3857), ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096))`,
    [t.z, t.x, t.y],
  );
  return r.rows[0]!.n;
}

const PUBLIC_SITES = "t.is_public AND t.status <> 'decommissioned'";

describe('vector tiles', () => {
  it('a dense z14 site tile has exactly the public sites in it, with public fields only', async () => {
    const t = tileOf(DENSE_POINT[0], DENSE_POINT[1], 14);
    const { res, tile } = await getTile(`/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.etag).toMatch(/^W\/".+"$/);
    expect(res.headers['cache-control']).toContain('public');
    const sites = features(tile, 'sites');
    expect(sites.length).toBe(await countInTile('t.geom', 'sites t', PUBLIC_SITES, t));
    expect(sites.length).toBeGreaterThanOrEqual(30);
    const ids = sites.map((f) => f.id);
    expect(ids).not.toContain(fx.hiddenSiteId);
    expect(ids).not.toContain(fx.decommissionedSiteId);
    const shared = sites.find((f) => f.id === fx.denseSiteIds[1])!;
    const row = (await db.pool.query(`SELECT code, height_m, structure_type, status FROM sites WHERE id = $1`, [fx.denseSiteIds[1]])).rows[0];
    expect(shared.properties).toMatchObject({ code: row.code, height_m: row.height_m, structure_type: row.structure_type, status: row.status, owner: fx.carrierA.code, tenants: 2 });
    for (const f of sites) {
      for (const secret of ['contract_ref', 'monthly_rent_vnd', 'private_contact', 'tenant_codes', 'is_public', 'free_capacity', 'address']) expect(f.properties, secret).not.toHaveProperty(secret);
    }
  });

  it('a carrier sees its own confidential fields on its own sites only; a planner sees all; contact and tenancy secrets never travel', async () => {
    const t = tileOf(DENSE_POINT[0], DENSE_POINT[1], 14);
    const url = `/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`;
    const { res, tile } = await getTile(url, bearer(tokens.carrierA));
    expect(res.headers['cache-control']).toContain('private');
    const sites = features(tile, 'sites');
    expect(sites.length).toBe(await countInTile('t.geom', 'sites t', 'true', t));
    const own = sites.filter((f) => f.properties.owner === fx.carrierA.code);
    const other = sites.filter((f) => f.properties.owner === fx.carrierB.code);
    expect(own.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    for (const f of own) expect(f.properties).toMatchObject({ monthly_rent_vnd: SECRET_RENT, private_contact: SECRET_CONTACT });
    for (const f of other) {
      expect(f.properties).not.toHaveProperty('contract_ref');
      expect(f.properties).not.toHaveProperty('monthly_rent_vnd');
      expect(f.properties).toHaveProperty('free_capacity');
    }
    const planner = features((await getTile(url, bearer(tokens.planner))).tile, 'sites');
    expect(planner.every((f) => String(f.properties.contract_ref).startsWith(SECRET_CONTRACT))).toBe(true);
    const bytes = JSON.stringify(planner.map((f) => f.properties));
    expect(bytes).not.toContain('TEN-SECRET');
    expect(bytes).not.toContain('secret@example.invalid');
  });

  it('a dense z12 village tile carries coverage shares and target flags matching village_coverage', async () => {
    const t = tileOf(106.1, 21.15, 12);
    const { tile } = await getTile(`/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`);
    const villages = features(tile, 'villages');
    expect(villages.length).toBe(await countInTile('t.boundary', 'villages t', 'true', t));
    const ours = villages.filter((f) => fx.villageIds.includes(f.id!));
    expect(ours.length).toBeGreaterThan(3);
    const cov = await db.pool.query<{ village_id: number; technology: string; share: number; meets_target: boolean }>(
      `SELECT village_id, technology, share, meets_target FROM village_coverage WHERE carrier_id IS NULL AND village_id = ANY($1)`,
      [ours.map((f) => f.id)],
    );
    for (const row of cov.rows) {
      const f = ours.find((v) => v.id === row.village_id)!;
      const key = row.technology.toLowerCase();
      expect(f.properties[`share_${key}`]).toBeCloseTo(row.share, 4);
      expect(f.properties[`meets_${key}`]).toBe(row.meets_target);
    }
    expect(ours[0]!.properties).toMatchObject({ commune: 'Xã Thử', households: 100 });
  });

  it('per-carrier shares come with ?carrier=CODE, for that carrier or staff only', async () => {
    const t = tileOf(106.1, 21.15, 12);
    const url = `/tiles/villages/${t.z}/${t.x}/${t.y}.mvt?carrier=${fx.carrierA.code}`;
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url, headers: bearer(tokens.carrierB) })).statusCode).toBe(403);
    const { tile } = await getTile(url, bearer(tokens.carrierA));
    const ours = features(tile, 'villages').filter((f) => fx.villageIds.includes(f.id!));
    const withShare = ours.filter((f) => f.properties.share_4g !== undefined);
    expect(withShare.length).toBeGreaterThan(0);
    expect(withShare.every((f) => f.properties.share_4g === 0.5)).toBe(true);
    expect((await getTile(url, bearer(tokens.planner))).res.statusCode).toBe(200);
  });

  it('an overview z8 tile and the basemap at z8 match the database', async () => {
    const t = tileOf(106.4, 21.3, 8);
    const sites = features((await getTile(`/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`)).tile, 'sites');
    expect(sites.length).toBe(await countInTile('t.geom', 'sites t', PUBLIC_SITES, t));
    const villages = features((await getTile(`/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`)).tile, 'villages');
    expect(villages.length).toBe(await countInTile('t.boundary', 'villages t', 'true', t));
    const { tile } = await getTile(`/tiles/basemap/${t.z}/${t.x}/${t.y}.mvt`);
    const plan = "t.valid_from <= DATE '2025-06-30' AND (t.valid_to IS NULL OR t.valid_to >= DATE '2025-06-30')";
    expect(features(tile, 'province').length).toBe(await countInTile('t.boundary', 'admin_units t', `t.level = 'province' AND ${plan}`, t));
    expect(features(tile, 'districts').length).toBe(await countInTile('t.boundary', 'admin_units t', `t.level = 'district' AND ${plan}`, t));
    expect(features(tile, 'communes').length).toBe(await countInTile('t.boundary', 'admin_units t', `t.level NOT IN ('province', 'district') AND ${plan}`, t));
    expect(features(tile, 'villages')).toHaveLength(0); // villages from z11
    const ids = features(tile, 'province').map((f) => f.id);
    expect(ids).toContain(fx.provinceId);
    expect(ids).not.toContain(fx.newProvinceId);
    const later = features((await getTile(`/tiles/basemap/${t.z}/${t.x}/${t.y}.mvt?date=2025-08-01`)).tile, 'province').map((f) => f.id);
    expect(later).toContain(fx.newProvinceId);
    expect(later).not.toContain(fx.provinceId);
  });

  it('overview village tiles (z8–z10) keep every village, even one smaller than a tile unit, on a 1024 grid with only the fields the choropleth reads', async () => {
    // A 10 m square village: far under a z8 tile unit (~150 m on a 1024 grid), so it collapses on the grid and must come back as a unit square.
    const [lon, lat] = [106.15, 21.29];
    const d = 0.00005;
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO villages (code, name, commune_id, boundary, population, households, area_class, mountainous)
       SELECT $1, 'Thôn Nhỏ', commune_id, ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)), 10, 3, 'rural', false FROM villages WHERE id = $6 RETURNING id`,
      [`${fx.tag}V-tiny`, lon - d, lat - d, lon + d, lat + d, fx.villageIds[0]],
    );
    const tiny = rows[0]!.id;
    app.events.emit('assets-changed', { layers: ['villages'], bboxes: [[lon - d, lat - d, lon + d, lat + d]] }); // as the registry does on a village edit
    const cov = await db.pool.query<{ village_id: number; technology: string; share: number; meets_target: boolean }>(
      `SELECT village_id, technology, share, meets_target FROM village_coverage WHERE carrier_id IS NULL AND village_id = ANY($1)`,
      [fx.villageIds],
    );
    for (const z of [8, 9, 10]) {
      const t = tileOf(lon, lat, z);
      const { res, tile } = await getTile(`/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`);
      expect(res.statusCode).toBe(200);
      expect(tile.layers.villages!.extent).toBe(1024);
      const villages = features(tile, 'villages');
      expect(villages.length, `z${z}`).toBe(await countInTile('t.boundary', 'villages t', 'true', t));
      const small = villages.find((f) => f.id === tiny)!;
      expect(small.type).toBe(3);
      const ring = small.loadGeometry()[0]!;
      const xs = ring.map((p) => p.x);
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThanOrEqual(1); // one unit wide: drawn, so coloured
      expect(small.properties).toEqual({ name: 'Thôn Nhỏ' }); // no coverage row yet: only its name
      const ours = villages.filter((f) => fx.villageIds.includes(f.id!));
      expect(ours.length).toBeGreaterThan(3);
      for (const f of ours) expect(Object.keys(f.properties).sort()).toEqual(['meets_4g', 'meets_5g', 'meets_ftth', 'name', 'share_4g', 'share_5g', 'share_ftth']);
      for (const row of cov.rows) {
        const f = ours.find((v) => v.id === row.village_id);
        if (!f) continue;
        const key = row.technology.toLowerCase();
        expect(f.properties[`share_${key}`]).toBeCloseTo(row.share, 4);
        expect(f.properties[`meets_${key}`]).toBe(row.meets_target);
      }
      if (z > 8) continue;
      // Light: against the same tile made the detail way (4096 units, every public field), from the same SQL.
      const asDetail = await runTileQuery(db.pool, tileStatement(undefined, layerTileTemplate({ ...findLayer('villages')!, overview: undefined }, { kind: 'public' })), t);
      const raw = gunzipSync(res.rawPayload).length;
      expect(raw / asDetail.length, `z${z}: ${raw} bytes, ${asDetail.length} the detail way`).toBeLessThan(0.7);
    }
    // From z11 on, the detail tile: 4096 units and every public field.
    const t11 = tileOf(lon, lat, 11);
    const detail = await getTile(`/tiles/villages/${t11.z}/${t11.x}/${t11.y}.mvt`);
    expect(detail.tile.layers.villages!.extent).toBe(4096);
    expect(features(detail.tile, 'villages').find((f) => f.id === tiny)!.properties).toMatchObject({ code: `${fx.tag}V-tiny`, households: 3, commune: 'Xã Thử' });
    await db.pool.query('DELETE FROM villages WHERE id = $1', [tiny]);
  });

  it('overview site tiles (z7–z8) keep every site on a 1024 grid with only what the map draws from (owner, status, tenants); z9 has every public field', async () => {
    for (const z of [7, 8]) {
      const t = tileOf(DENSE_POINT[0], DENSE_POINT[1], z);
      const { tile } = await getTile(`/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`);
      expect(tile.layers.sites!.extent).toBe(1024);
      const sites = features(tile, 'sites');
      expect(sites.length, `z${z}`).toBe(await countInTile('t.geom', 'sites t', PUBLIC_SITES, t));
      const shared = sites.find((f) => f.id === fx.denseSiteIds[1])!;
      expect(shared.properties).toEqual({ owner: fx.carrierA.code, status: 'active', tenants: 2 });
      // The point where the database has it, to within the 1024 grid's unit.
      const { lon, lat } = (await db.pool.query<{ lon: number; lat: number }>('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM sites WHERE id = $1', [shared.id])).rows[0]!;
      const n = 2 ** z;
      const px = ((lon + 180) / 360) * n - t.x;
      const py = (1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2 * n - t.y;
      const p = shared.loadGeometry()[0]![0]!;
      expect(Math.abs(p.x - px * 1024)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(p.y - py * 1024)).toBeLessThanOrEqual(0.5);
    }
    const t9 = tileOf(DENSE_POINT[0], DENSE_POINT[1], 9);
    const { tile } = await getTile(`/tiles/sites/${t9.z}/${t9.x}/${t9.y}.mvt`);
    expect(tile.layers.sites!.extent).toBe(4096);
    const row = (await db.pool.query(`SELECT code, name, height_m, structure_type FROM sites WHERE id = $1`, [fx.denseSiteIds[1]])).rows[0];
    expect(features(tile, 'sites').find((f) => f.id === fx.denseSiteIds[1])!.properties).toMatchObject({ code: row.code, name: row.name, height_m: row.height_m, structure_type: row.structure_type, commune: 'Xã Thử', tenants: 2 });
  });

  it('the basemap at z12 has villages and label points', async () => {
    const t = tileOf(106.1, 21.15, 12);
    const { tile } = await getTile(`/tiles/basemap/${t.z}/${t.x}/${t.y}.mvt`);
    expect(features(tile, 'villages').length).toBe(await countInTile('t.boundary', 'villages t', 'true', t));
    const labels = features(tile, 'labels');
    expect(labels.some((f) => f.properties.level === 'village')).toBe(true);
    expect(labels.every((f) => f.type === 1)).toBe(true);
  });

  it('answers an empty tile with 204, and out-of-range addresses with 400', async () => {
    const t = tileOf(-150, -40, 14);
    const res = await app.inject({ method: 'GET', url: `/tiles/sites/${t.z}/${t.x}/${t.y}.mvt` });
    expect(res.statusCode).toBe(204);
    expect(res.rawPayload.length).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/tiles/sites/3/9/1.mvt' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/tiles/nothing/3/1/1.mvt' })).statusCode).toBe(404);
  });

  it('keeps non-public layers from the public and gives them to carriers', async () => {
    const t = tileOf(DENSE_POINT[0], DENSE_POINT[1], 14);
    for (const layer of ['sectors', 'fibre-routes', 'access-points', 'poles', 'manholes', 'conduits', 'trenches', 'zones']) {
      expect((await app.inject({ method: 'GET', url: `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt` })).statusCode, layer).toBe(401);
      expect((await app.inject({ method: 'GET', url: `/tiles/${layer}.json` })).statusCode, layer).toBe(401);
    }
    const poles = features((await getTile(`/tiles/poles/${t.z}/${t.x}/${t.y}.mvt`, bearer(tokens.carrierB))).tile, 'poles');
    const pole = poles.find((f) => f.properties.code === `${fx.tag}PL`)!;
    expect(pole.properties).toMatchObject({ positions_used: 2, owner: fx.carrierA.code });
    expect(JSON.stringify(pole.properties)).not.toContain('OCC-SECRET');
    const sectors = features((await getTile(`/tiles/sectors/${t.z}/${t.x}/${t.y}.mvt`, bearer(tokens.carrierB))).tile, 'sectors');
    expect(sectors.length).toBe(await countInTile('t.footprint', 'sectors t', 't.footprint IS NOT NULL', t));
    expect(sectors.filter((f) => f.properties.carrier === fx.carrierA.code).every((f) => f.properties.mapl_db === undefined)).toBe(true);
    expect(sectors.filter((f) => f.properties.carrier === fx.carrierB.code).every((f) => f.properties.mapl_db === 140)).toBe(true);
  });

  it('serves 304 on a matching If-None-Match, and plain bytes without gzip', async () => {
    const t = tileOf(DENSE_POINT[0], DENSE_POINT[1], 13);
    const first = await app.inject({ method: 'GET', url: `/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`, headers: { 'accept-encoding': 'gzip' } });
    const again = await app.inject({ method: 'GET', url: `/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`, headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    const plain = await app.inject({ method: 'GET', url: `/tiles/sites/${t.z}/${t.x}/${t.y}.mvt` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(gunzipSync(first.rawPayload))).toBe(true);
  });

  it('a cached tile holds its own gzip bytes, not the larger buffer gzip wrote them into (the cache counts only the bytes)', async () => {
    const service = createTileService({ pool: db.pool, cacheBytes: 1024 * 1024 });
    for (const z of [12, 13, 14]) {
      const t = tileOf(DENSE_POINT[0], DENSE_POINT[1], z);
      const tile = await service.getTile({ source: 'sites', ...t, actor: { kind: 'public' } });
      expect(tile.empty).toBe(false);
      expect(gunzipSync(tile.gzip).length).toBeGreaterThan(tile.gzip.length);
      // At most Node's shared 8 kB slab for small buffers, or about the bytes themselves (zlib's default 16 kB chunk held 16 kB per small tile).
      expect(tile.gzip.buffer.byteLength, `z${z}: ${tile.gzip.length} bytes`).toBeLessThanOrEqual(Math.max(8192, Math.ceil(tile.gzip.length * 1.25)));
      const again = await service.getTile({ source: 'sites', ...t, actor: { kind: 'public' } });
      expect(again.cacheHit).toBe(true);
      expect(again.gzip.equals(tile.gzip)).toBe(true);
    }
  });

  it('an edit changes the affected tiles at every zoom and leaves a far tile cached', async () => {
    const siteId = fx.denseSiteIds[2]!;
    const near = [10, 12, 14].map((z) => tileOf(DENSE_POINT[0], DENSE_POINT[1], z));
    const far = tileOf(FAR_POINT[0], FAR_POINT[1], 14);
    const url = (t: { z: number; x: number; y: number }) => `/tiles/sites/${t.z}/${t.x}/${t.y}.mvt`;
    const before = await Promise.all(near.map((t) => getTile(url(t))));
    const farBefore = await getTile(url(far));
    expect(features(farBefore.tile, 'sites').map((f) => f.id)).toContain(fx.farSiteId);
    expect((await getTile(url(near[2]!))).res.headers['x-tile-cache']).toBe('hit');
    expect((await getTile(url(far))).res.headers['x-tile-cache']).toBe('hit');

    const r = await db.pool.query<{ lon: number; lat: number }>(`UPDATE sites SET height_m = 77 WHERE id = $1 RETURNING ST_X(geom) AS lon, ST_Y(geom) AS lat`, [siteId]);
    const { lon, lat } = r.rows[0]!;
    app.events.emit('assets-changed', { layers: ['sites'], bboxes: [[lon, lat, lon, lat]] });

    for (const [i, t] of near.entries()) {
      const after = await getTile(url(t));
      expect(after.res.headers['x-tile-cache'], `z${t.z}`).toBe('miss');
      expect(after.res.headers.etag, `z${t.z}`).not.toBe(before[i]!.res.headers.etag);
      expect(features(after.tile, 'sites').find((f) => f.id === siteId)!.properties.height_m).toBe(77);
    }
    const farAfter = await getTile(url(far));
    expect(farAfter.res.headers['x-tile-cache']).toBe('hit');
    expect(farAfter.res.headers.etag).toBe(farBefore.res.headers.etag);
  });

  it('a site edit drops the village tiles under its sectors\' footprints, not those further off (a point-only event: footprints looked up)', async () => {
    // Site 0 carries a 1500 m disc sector: villages meeting the disc are recomputed, so every tile showing them is dropped.
    const { lon, lat } = (await db.pool.query<{ lon: number; lat: number }>(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM sites WHERE id = $1`, [fx.denseSiteIds[0]])).rows[0]!;
    const under = tileOf(lon, lat, 14);
    const sameVillage = tileOf(106.02, 21.02, 13); // in the village west of the site, which the disc reaches
    const farther = tileOf(106.17, 21.17, 14); // ~18 km off: inside the old constant 20 km reach, outside the footprints' villages
    for (const t of [under, sameVillage, farther]) await getTile(`/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`);
    app.events.emit('assets-changed', { layers: ['sites'], bboxes: [[lon, lat, lon, lat]] });
    for (const t of [under, sameVillage]) expect((await getTile(`/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`)).res.headers['x-tile-cache'], `${t.z}/${t.x}/${t.y}`).toBe('miss');
    expect((await getTile(`/tiles/villages/${farther.z}/${farther.x}/${farther.y}.mvt`)).res.headers['x-tile-cache']).toBe('hit');
  });

  it('a sector edit changes the ETag of a tile its new footprint\'s village reaches, and leaves a far tile\'s ETag and cache entry alone', async () => {
    const sector = (await db.pool.query<{ id: number; footprint: string }>(`SELECT id, footprint::text FROM sectors WHERE site_id = $1`, [fx.denseSiteIds[0]])).rows[0]!;
    // The village east of the site, [106.04, 106.08] × [21.00, 21.06]; a tile in its south-east corner, clear of the footprints.
    const village = fx.villageIds[5]!;
    const corner = tileOf(106.078, 21.003, 15);
    const far = tileOf(106.17, 21.17, 14);
    const villageUrl = (t: { z: number; x: number; y: number }) => `/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`;
    const before = await getTile(villageUrl(corner));
    const farBefore = await getTile(villageUrl(far));
    expect(features(before.tile, 'villages').map((f) => f.id)).toContain(village);
    expect((await getTile(villageUrl(far))).res.headers['x-tile-cache']).toBe('hit');
    try {
      // What the registry does: the new footprint (2500 m) committed with the recomputed shares, then the event with the old and new footprints' extents.
      const extents = (
        await db.pool.query<{ x0: number; y0: number; x1: number; y1: number }>(
          `WITH old AS (SELECT footprint AS g FROM sectors WHERE id = $1),
                upd AS (UPDATE sectors t SET footprint = ST_Buffer(s.geom::geography, 2500)::geometry FROM sites s WHERE t.id = $1 AND s.id = t.site_id RETURNING t.footprint AS g)
           SELECT ST_XMin(g) AS x0, ST_YMin(g) AS y0, ST_XMax(g) AS x1, ST_YMax(g) AS y1 FROM (SELECT g FROM old UNION ALL SELECT g FROM upd) x`,
          [sector.id],
        )
      ).rows.map((r): [number, number, number, number] => [r.x0, r.y0, r.x1, r.y1]);
      await db.pool.query(`UPDATE village_coverage SET share = 0.9, covered_units = 90 WHERE village_id = $1 AND technology = '4G' AND carrier_id IS NULL`, [village]);
      // The corner tile (with its buffer) is outside both footprints' boxes: only the village's own extent brings it in.
      const cornerBox = tileBBox(corner.z, corner.x, corner.y, 64 / 4096);
      for (const e of extents) expect(bboxesIntersect(cornerBox, e)).toBe(false);
      app.events.emit('assets-changed', { layers: ['sectors'], bboxes: extents });

      const after = await getTile(villageUrl(corner));
      expect(after.res.headers['x-tile-cache']).toBe('miss');
      expect(after.res.headers.etag).not.toBe(before.res.headers.etag);
      expect(features(after.tile, 'villages').find((f) => f.id === village)!.properties.share_4g).toBeCloseTo(0.9, 4);
      const farAfter = await getTile(villageUrl(far));
      expect(farAfter.res.headers['x-tile-cache']).toBe('hit');
      expect(farAfter.res.headers.etag).toBe(farBefore.res.headers.etag);
    } finally {
      await db.pool.query(`UPDATE sectors SET footprint = $2::geometry WHERE id = $1`, [sector.id, sector.footprint]);
      await db.pool.query(`UPDATE village_coverage SET share = 5 / 24.0, covered_units = 21 WHERE village_id = $1 AND technology = '4G' AND carrier_id IS NULL`, [village]);
    }
  });

  it('describes every layer with TileJSON 3.0 listing only the fields the caller gets', async () => {
    const pub = (await app.inject({ method: 'GET', url: '/tiles/sites.json', headers: { host: 'example.test' } })).json();
    expect(pub).toMatchObject({ tilejson: '3.0.0', minzoom: 7, maxzoom: 16 });
    expect(pub.tiles[0]).toBe('http://example.test/tiles/sites/{z}/{x}/{y}.mvt');
    expect(Object.keys(pub.vector_layers[0].fields)).not.toContain('contract_ref');
    const own = (await app.inject({ method: 'GET', url: '/tiles/sites.json', headers: bearer(tokens.carrierA) })).json();
    expect(Object.keys(own.vector_layers[0].fields)).toContain('contract_ref');
    const villages = (await app.inject({ method: 'GET', url: '/tiles/villages.json' })).json();
    expect(Object.keys(villages.vector_layers[0].fields)).toEqual(expect.arrayContaining(['share_4g', 'share_5g', 'share_ftth', 'meets_4g', 'meets_5g', 'meets_ftth', 'households', 'name', 'code', 'commune', 'synthetic']));
    const basemap = (await app.inject({ method: 'GET', url: '/tiles/basemap.json' })).json();
    expect(basemap.vector_layers.map((l: { id: string }) => l.id)).toEqual(['province', 'districts', 'communes', 'villages', 'labels']);
    for (const layer of LAYERS) expect((await app.inject({ method: 'GET', url: `/tiles/${layer.id}.json`, headers: bearer(tokens.planner) })).statusCode, layer.id).toBe(200);
  });
});

describe('tile cache', () => {
  it('drops only tiles meeting the edited extent and respects its byte budget', () => {
    const cache = new TileCache(10_000, 0);
    const put = (z: number, x: number, y: number, bytes = 100) => cache.set(`s|${z}/${x}/${y}`, { source: 's', z, x, y, gzip: Buffer.alloc(bytes), etag: 'e', empty: false }, cache.epoch('s'));
    put(10, 500, 400);
    put(10, 900, 100);
    const [x0, y0, x1, y1] = tileBBox(10, 500, 400);
    expect(cache.invalidate('s', [[(x0 + x1) / 2, (y0 + y1) / 2, (x0 + x1) / 2, (y0 + y1) / 2]])).toBe(1);
    expect(cache.has('s|10/900/100')).toBe(true);
    for (let i = 0; i < 100; i += 1) put(12, i, 0, 500);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
  });

  it('does not store a tile made before an invalidation of its source', () => {
    const cache = new TileCache(10_000, 0);
    const epoch = cache.epoch('s');
    cache.invalidate('s', []);
    cache.set('k', { source: 's', z: 1, x: 0, y: 0, gzip: Buffer.alloc(10), etag: 'e', empty: false }, epoch);
    expect(cache.has('k')).toBe(false);
  });
});

describe('tile turns', () => {
  /** Tasks that run until released, recording the order they start in and how many run at once. */
  function harness(slots: number, wideSlots: number) {
    const turn = tileTurns(slots, wideSlots);
    const state = { running: 0, most: 0, wideRunning: 0, mostWide: 0, started: [] as string[] };
    const releases = new Map<string, () => void>();
    const run = (name: string, wide: boolean, fail = false) =>
      turn(wide, async () => {
        state.started.push(name);
        state.running++;
        state.most = Math.max(state.most, state.running);
        if (wide) state.mostWide = Math.max(state.mostWide, ++state.wideRunning);
        await new Promise<void>((resolve) => releases.set(name, resolve));
        state.running--;
        if (wide) state.wideRunning--;
        if (fail) throw new Error(name);
        return name;
      }).then((v) => v, (e: Error) => `failed ${e.message}`);
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const release = async (name: string) => {
      releases.get(name)?.();
      releases.delete(name);
      await tick();
    };
    return { run, state, release, tick };
  }

  it('run at most `slots` at once, at most `wideSlots` of them wide, narrow tiles before waiting wide ones', async () => {
    const { run, state, release, tick } = harness(2, 1);
    const results = [run('w1', true), run('w2', true), run('n1', false), run('n2', false), run('w3', true), run('n3', false)];
    await tick();
    // w1 takes the one wide slot; w2 waits for it; n1 takes the second slot.
    expect(state.started).toEqual(['w1', 'n1']);
    await release('w1'); // a slot frees: the waiting narrow tiles go first
    expect(state.started).toEqual(['w1', 'n1', 'n2']);
    await release('n1');
    expect(state.started).toEqual(['w1', 'n1', 'n2', 'n3']);
    await release('n2'); // no narrow tile waits: the wide ones, in arrival order
    expect(state.started).toEqual(['w1', 'n1', 'n2', 'n3', 'w2']);
    await release('n3');
    expect(state.started).toHaveLength(5); // w3 waits: the one wide slot is w2's
    await release('w2');
    await release('w3');
    expect(await Promise.all(results)).toEqual(['w1', 'w2', 'n1', 'n2', 'w3', 'n3']);
    expect(state.most).toBe(2);
    expect(state.mostWide).toBe(1);
  });

  it('free a turn when a task fails', async () => {
    const { run, state, release, tick } = harness(1, 1);
    const results = [run('a', false, true), run('b', true), run('c', false)];
    await tick();
    expect(state.started).toEqual(['a']);
    await release('a');
    expect(state.started).toEqual(['a', 'c']);
    await release('c');
    await release('b');
    expect(await Promise.all(results)).toEqual(['failed a', 'b', 'c']);
    expect(state.most).toBe(1);
  });
});
