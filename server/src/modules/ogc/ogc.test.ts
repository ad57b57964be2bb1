import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, createTestUser, testDatabase, unique } from '../../../test/helpers';
import { createOpenDataFixture, createTestToken, SECRET_CONTACT, SECRET_CONTRACT, type OpenDataFixture } from '../layers/test-fixtures';
import { LAYERS } from '../layers/catalogue';

const run = promisify(execFile);
const db = testDatabase();
let app: FastifyInstance;
let fx: OpenDataFixture;
let tokens: { carrierA: string; planner: string };

beforeAll(async () => {
  fx = await createOpenDataFixture(db.pool, unique('od'));
  const a = await createTestUser(db.pool, 'carrier', fx.carrierA.id);
  const p = await createTestUser(db.pool, 'planner');
  tokens = { carrierA: await createTestToken(db.pool, a.id), planner: await createTestToken(db.pool, p.id) };
  app = await buildTestApp();
});
afterAll(async () => {
  await app?.close();
  await fx?.remove();
  await db.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const count = async (sql: string, values: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, values)).rows[0]!.n;
const PUBLIC_SITES = `SELECT count(*)::int AS n FROM sites WHERE is_public AND status <> 'decommissioned'`;

describe('OGC API – Features', () => {
  it('has a landing page, conformance and an OpenAPI 3.0 definition', async () => {
    const landing = await get('/ogc');
    expect(landing.statusCode).toBe(200);
    const rels = landing.json().links.map((l: { rel: string }) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'service-doc', 'conformance', 'data']));
    const conformance = (await get('/ogc/conformance')).json().conformsTo;
    expect(conformance).toEqual(expect.arrayContaining([
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
      'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
    ]));
    const api = await get('/ogc/api');
    expect(api.headers['content-type']).toContain('application/vnd.oai.openapi+json');
    expect(api.json().openapi).toMatch(/^3\.0\./);
    expect(Object.keys(api.json().paths)).toContain('/collections/sites/items');
    expect(Object.keys(api.json().paths)).not.toContain('/collections/poles/items');
    const html = await get('/ogc', { accept: 'text/html,application/xhtml+xml' });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<a href=');
  });

  it('lists the public collections to the public and every collection to a carrier', async () => {
    const pub = (await get('/ogc/collections')).json().collections.map((c: { id: string }) => c.id);
    expect(pub).toEqual(['admin-units', 'villages', 'sites']);
    const all = (await get('/ogc/collections', bearer(tokens.carrierA))).json().collections;
    expect(all.map((c: { id: string }) => c.id)).toEqual(LAYERS.map((l) => l.id));
    const sites = all.find((c: { id: string }) => c.id === 'sites');
    expect(sites.extent.spatial.bbox[0]).toHaveLength(4);
    expect(sites.crs).toContain('http://www.opengis.net/def/crs/EPSG/0/4756');
    expect((await get('/ogc/collections/poles')).statusCode).toBe(401);
    expect((await get('/ogc/collections/nothing')).statusCode).toBe(404);
  });

  it('pages items with numberMatched, numberReturned and next links', async () => {
    const first = await get('/ogc/collections/sites/items?limit=10');
    expect(first.headers['content-type']).toContain('application/geo+json');
    const body = first.json();
    expect(body.type).toBe('FeatureCollection');
    expect(body.numberMatched).toBe(await count(PUBLIC_SITES));
    expect(body.numberReturned).toBe(10);
    const next = body.links.find((l: { rel: string }) => l.rel === 'next');
    const url = new URL(next.href);
    expect(url.searchParams.get('offset')).toBe('10');
    const second = (await get(`${url.pathname}${url.search}`)).json();
    expect(second.features[0].id).toBeGreaterThan(body.features[9].id);
    expect(second.links.some((l: { rel: string }) => l.rel === 'prev')).toBe(true);
  });

  it('filters by bbox, by simple properties and, for admin units, by datetime', async () => {
    const bbox = [106.04, 21.04, 106.06, 21.06];
    const inBox = (await get(`/ogc/collections/sites/items?bbox=${bbox.join(',')}&limit=1000`)).json();
    expect(inBox.numberMatched).toBe(await count(`${PUBLIC_SITES} AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, bbox));
    const byOwner = (await get(`/ogc/collections/sites/items?owner=${fx.carrierB.code}&limit=1000`)).json();
    expect(byOwner.numberMatched).toBe(await count(`${PUBLIC_SITES} AND owner_carrier_id = $1`, [fx.carrierB.id]));
    expect(byOwner.features.every((f: { properties: { owner: string } }) => f.properties.owner === fx.carrierB.code)).toBe(true);
    const code = `${fx.tag}P`;
    const plan = (await get(`/ogc/collections/admin-units/items?code=${code}&datetime=2024-01-01`)).json();
    expect(plan.numberMatched).toBe(1);
    const after = (await get(`/ogc/collections/admin-units/items?level=province&datetime=2025-08-01/..&limit=1000`)).json();
    const ids = after.features.map((f: { id: number }) => f.id);
    expect(ids).toContain(fx.newProvinceId);
    expect(ids).not.toContain(fx.provinceId);
    expect((await get('/ogc/collections/admin-units/items?datetime=yesterday')).statusCode).toBe(400);
    // A filter on a field the caller may not read is ignored, not answered.
    const secret = (await get(`/ogc/collections/sites/items?contract_ref=${SECRET_CONTRACT}x&limit=1`)).json();
    expect(secret.numberMatched).toBe(await count(PUBLIC_SITES));
  });

  it('outputs VN-2000 coordinates by reference (Part 2)', async () => {
    const id = fx.denseSiteIds[0];
    const wgs = (await get(`/ogc/collections/sites/items/${id}`)).json();
    const utm = await get(`/ogc/collections/sites/items/${id}?crs=http://www.opengis.net/def/crs/EPSG/0/3405`);
    expect(utm.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/EPSG/0/3405>');
    const expected = (await db.pool.query(`SELECT ST_X(g) AS x, ST_Y(g) AS y FROM (SELECT ST_Transform(geom, 3405) AS g FROM sites WHERE id = $1) s`, [id])).rows[0];
    expect(utm.json().geometry.coordinates[0]).toBeCloseTo(expected.x, 1);
    expect(utm.json().geometry.coordinates[1]).toBeCloseTo(expected.y, 1);
    const latLon = (await get(`/ogc/collections/sites/items/${id}?crs=EPSG:4756`)).json();
    expect(latLon.geometry.coordinates[0]).toBeCloseTo(wgs.geometry.coordinates[1], 2); // latitude first
    expect((await get(`/ogc/collections/sites/items/${id}?crs=EPSG:9999`)).statusCode).toBe(400);
  });

  it('serves single items and HTML pages', async () => {
    const one = await get(`/ogc/collections/villages/items/${fx.villageIds[3]}`);
    expect(one.json()).toMatchObject({ type: 'Feature', id: fx.villageIds[3], properties: { commune: 'Xã Thử' } });
    expect(one.json().properties).toHaveProperty('share_4g');
    const html = await get(`/ogc/collections/villages/items?f=html&limit=5`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('share_4g');
    expect((await get(`/ogc/collections/sites/items/${fx.hiddenSiteId}`)).statusCode).toBe(404);
    expect((await get(`/ogc/collections/sites/items/${fx.hiddenSiteId}`, bearer(tokens.planner))).statusCode).toBe(200);
  });

  it('never gives the public a confidential field; a carrier gets its own only', async () => {
    const everything = [];
    for (const id of ['admin-units', 'villages', 'sites']) {
      const res = await get(`/ogc/collections/${id}/items?limit=10000`);
      everything.push(res.body, (await get(`/ogc/collections/${id}/items?limit=10000&f=html`)).body);
    }
    for (const id of fx.denseSiteIds) everything.push((await get(`/ogc/collections/sites/items/${id}`)).body);
    const text = everything.join('\n');
    for (const secret of [SECRET_CONTRACT, SECRET_CONTACT, '987654321', 'contract_ref', 'monthly_rent_vnd', 'TEN-SECRET', 'secret@example.invalid']) expect(text, secret).not.toContain(secret);
    const own = (await get(`/ogc/collections/sites/items?limit=10000&owner=${fx.carrierA.code}`, bearer(tokens.carrierA))).json();
    expect(own.features.every((f: { properties: { contract_ref: string } }) => f.properties.contract_ref.startsWith(SECRET_CONTRACT))).toBe(true);
    const other = (await get(`/ogc/collections/sites/items?limit=10000&owner=${fx.carrierB.code}`, bearer(tokens.carrierA))).json();
    expect(other.features.length).toBeGreaterThan(0);
    expect(other.features.every((f: { properties: { contract_ref: unknown; monthly_rent_vnd: unknown } }) => f.properties.contract_ref === null && f.properties.monthly_rent_vnd === null)).toBe(true);
  });
});

describe('GDAL OAPIF driver (ogrinfo) against the running server', () => {
  let base: string;
  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/ogc`;
  });
  const ogrinfo = async (args: string[], token?: string) => {
    const config = token ? ['--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${token}`] : [];
    const { stdout } = await run('ogrinfo', ['-ro', ...config, `OAPIF:${base}`, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  };

  it('lists the layers the caller may read', async () => {
    const pub = await ogrinfo(['-q']);
    for (const id of ['admin-units', 'villages', 'sites']) expect(pub).toContain(id);
    expect(pub).not.toContain('poles');
    const carrier = await ogrinfo(['-q'], tokens.carrierA);
    for (const layer of LAYERS) expect(carrier).toContain(layer.id);
  });

  it('counts features as the database does and reads one feature\'s attributes', async () => {
    const summary = await ogrinfo(['-so', 'sites']);
    expect(summary).toMatch(new RegExp(`Feature Count: ${await count(PUBLIC_SITES)}\\b`));
    const villages = await ogrinfo(['-so', 'villages']);
    expect(villages).toMatch(new RegExp(`Feature Count: ${await count('SELECT count(*)::int AS n FROM villages')}\\b`));
    const id = fx.denseSiteIds[1]!;
    const row = (await db.pool.query(`SELECT code, height_m FROM sites WHERE id = $1`, [id])).rows[0];
    const feature = await ogrinfo(['-q', 'sites', '-fid', String(id)]);
    expect(feature).toContain(`code (String) = ${row.code}`);
    // Field types come from the collection's describedby schema, not from the first page's values.
    expect(feature).toMatch(new RegExp(`height_m \\(Real\\) = ${row.height_m}\\b`));
    expect(feature).toContain('tenants (Integer) = 2');
    expect(feature).toContain('POINT (');
    expect(feature).not.toContain('contract_ref');
    const planner = await ogrinfo(['-q', 'sites', '-fid', String(id)], tokens.planner);
    expect(planner).toContain(`contract_ref (String) = ${SECRET_CONTRACT}`);
  });
});
