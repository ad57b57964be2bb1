import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDatabase, unique } from './helpers';
import { line, point, siteBody, useRegistryWorld, type World } from './registry-fixtures';
import type { AssetsChanged } from '../src/lib/events';

const db = testDatabase();
let app: FastifyInstance;
let world: World;
const events: AssetsChanged[] = [];

useRegistryWorld(
  db,
  (o) => {
    ({ app, world } = o);
    app.events.on('assets-changed', (e) => events.push(e));
  },
  { config: { BODY_LIMIT_BYTES: String(64 * 1024) } },
);

const A = () => world.headers.carrierA;

/** An admin's nested site write: carrier A's site `code` with these tenancies and sectors. */
const postNestedSite = (code: string, tenancies: Record<string, unknown>[], sectors: Record<string, unknown>[]) =>
  app.inject({ method: 'POST', url: '/api/sites', headers: world.headers.admin, payload: siteBody({ code, ownerCarrierId: world.carrierA.id, tenancies, sectors }) });

async function changeRows(objectType: string, objectId: number | string) {
  const r = await db.pool.query(`SELECT action, before, after, request_id, username, operation_id FROM change_log WHERE object_type = $1 AND object_id = $2 ORDER BY id`, [objectType, String(objectId)]);
  return r.rows;
}

describe('CRUD with versions and history', () => {
  it('creates, reads, updates, decommissions a fibre route; each step is in the change log with before/after', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/fibre-routes', headers: { ...A(), 'x-request-id': 'req-create-1' }, payload: { code: unique('F'), geometry: line(), kind: 'backbone', placement: 'conduit', fibreCount: 96 } });
    expect(created.statusCode, created.body).toBe(201);
    const route = created.json();
    expect(created.headers.etag).toBe('"1"');
    expect(route.lengthM).toBeGreaterThan(1000);
    expect(route.ownerCarrierId).toBe(world.carrierA.id);

    const got = await app.inject({ method: 'GET', url: `/api/fibre-routes/${route.id}`, headers: A() });
    expect(got.headers.etag).toBe('"1"');

    const updated = await app.inject({ method: 'PATCH', url: `/api/fibre-routes/${route.id}`, headers: { ...A(), 'if-match': '"1"' }, payload: { fibreCount: 144, geometry: line(106.35, 21.35) } });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ version: 2, fibreCount: 144 });
    expect(updated.headers.etag).toBe('"2"');

    const gone = await app.inject({ method: 'DELETE', url: `/api/fibre-routes/${route.id}`, headers: A() });
    expect(gone.json()).toMatchObject({ status: 'decommissioned', version: 3 });

    const rows = await changeRows('fibre_route', route.id);
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'decommission']);
    expect(rows[0].request_id).toBe('req-create-1');
    expect(rows[1].before.fibreCount).toBe(96);
    expect(rows[1].after.fibreCount).toBe(144);
    const history = await app.inject({ method: 'GET', url: `/api/fibre-routes/${route.id}/history`, headers: A() });
    expect(history.json().items.map((i: { action: string }) => i.action)).toEqual(['create', 'update', 'decommission']);
    const all = await app.inject({ method: 'GET', url: `/api/history?objectType=fibre_route&objectId=${route.id}&userId=${world.userIds.carrierA}`, headers: world.headers.planner });
    expect(all.json().total).toBe(3);
  });

  it('a nested site write is one transaction: a bad sector rolls back the site, its tenancies and their change-log rows', async () => {
    const code = unique('S');
    const before = await db.pool.query('SELECT count(*)::int AS n FROM change_log');
    // The second sector's code repeats the first: the unique index refuses it, after the site and tenancies were written.
    const res = await postNestedSite(code, [{ carrierId: world.carrierB.id }], [
      { code: `${code}-1`, technology: '4G', bandMhz: 1800, antennaHeightM: 30 },
      { code: `${code}-1`, technology: '4G', bandMhz: 1800, antennaHeightM: 30 },
    ]);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.details[0]).toMatchObject({ path: 'sectors.1.code', reason: 'duplicate' });
    const site = await db.pool.query('SELECT id FROM sites WHERE code = $1', [code]);
    expect(site.rows).toHaveLength(0);
    const after = await db.pool.query('SELECT count(*)::int AS n FROM change_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('a nested site write commits the site, tenancies and sectors with one operation id', async () => {
    const code = unique('S');
    const res = await postNestedSite(code, [{ carrierId: world.carrierB.id, position: '25 m' }], [
      { code: `${code}-1`, technology: '4G', bandMhz: 1800, antennaHeightM: 30, azimuthDeg: 0 },
      { code: `${code}-2`, technology: '5G', bandMhz: 3500, antennaHeightM: 30, azimuthDeg: 120, carrierId: world.carrierB.id },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const site = res.json();
    expect(site.tenantCount).toBe(2);
    expect(site.sectors.map((s: { carrierId: number }) => s.carrierId).sort()).toEqual([world.carrierA.id, world.carrierB.id].sort());
    const ops = await db.pool.query(`SELECT DISTINCT operation_id FROM change_log WHERE request_id = $1`, [res.headers['x-request-id']]);
    expect(ops.rows).toHaveLength(1);
    const types = await db.pool.query(`SELECT object_type, count(*)::int AS n FROM change_log WHERE request_id = $1 GROUP BY 1 ORDER BY 1`, [res.headers['x-request-id']]);
    expect(types.rows).toEqual([
      { object_type: 'sector', n: 2 },
      { object_type: 'site', n: 1 },
      { object_type: 'site_tenancy', n: 2 },
    ]);
    // Filters: tenant, technology, free capacity.
    const byTech = await app.inject({ method: 'GET', url: `/api/sites?technology=5G&tenant=${world.carrierB.id}&minFreeCapacity=1&limit=1000`, headers: world.headers.planner });
    expect(byTech.json().items.map((s: { id: number }) => s.id)).toContain(site.id);
    const full = await app.inject({ method: 'GET', url: `/api/sites?minFreeCapacity=2&owner=${world.carrierA.id}&limit=1000`, headers: world.headers.planner });
    expect(full.json().items.map((s: { id: number }) => s.id)).not.toContain(site.id);
  });

  it('emits assets-changed after commit with old and new extents, and not for a rolled-back write', async () => {
    events.length = 0;
    const created = await app.inject({ method: 'POST', url: '/api/poles', headers: A(), payload: { code: unique('P'), geometry: point(106.2, 21.2) } });
    const pole = created.json();
    await app.inject({ method: 'PATCH', url: `/api/poles/${pole.id}`, headers: A(), payload: { geometry: point(106.25, 21.25), version: 1 } });
    expect(events).toHaveLength(2);
    expect(events[1]!.layers).toEqual(['poles']);
    expect(events[1]!.bboxes).toEqual([
      [106.2, 21.2, 106.2, 21.2],
      [106.25, 21.25, 106.25, 21.25],
    ]);
    // A stale write rolls back: no event.
    await app.inject({ method: 'PATCH', url: `/api/poles/${pole.id}`, headers: A(), payload: { heightM: 9, version: 1 } });
    expect(events).toHaveLength(2);
  });

  it("moving a site tells the tiles about the site and its sectors' old and new footprints", async () => {
    const site = (await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody({ sectors: [{ code: unique('X'), technology: '4G', bandMhz: 1800, antennaHeightM: 30 }] }) })).json();
    const footprint = await db.pool.query('SELECT ST_Extent(footprint)::text AS e FROM sectors WHERE site_id = $1', [site.id]);
    events.length = 0;
    const moved = await app.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, headers: A(), payload: { geometry: point(106.31, 21.31), version: site.version } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]!.layers).toContain('sites');
    // With footprints derived by the coverage engine, their extents come too (site point before, after, footprints before, after).
    if (footprint.rows[0].e) {
      expect(events[0]!.layers).toContain('sectors');
      expect(events[0]!.bboxes.length).toBe(4);
    }
  });

  it('hard-deletes an unreferenced object (admins), and refuses while referenced', async () => {
    const site = (await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody({ sectors: [{ code: unique('X'), technology: '4G', bandMhz: 900, antennaHeightM: 20 }] }) })).json();
    const refused = await app.inject({ method: 'DELETE', url: `/api/sites/${site.id}?hard=true`, headers: world.headers.admin });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details[0]).toMatchObject({ reason: 'referenced' });
    const sectorId = site.sectors[0].id;
    expect((await app.inject({ method: 'DELETE', url: `/api/sectors/${sectorId}?hard=true`, headers: world.headers.admin })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `/api/sites/${site.id}?hard=true`, headers: world.headers.admin })).statusCode).toBe(204);
    const rows = await changeRows('site', site.id);
    expect(rows.at(-1)).toMatchObject({ action: 'delete', after: null });
  });
});

describe('no lost updates', () => {
  it('a stale body version gets 409 with the current version, and nothing is written', async () => {
    const site = (await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody() })).json();
    const first = await app.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, headers: A(), payload: { heightM: 50, version: 1 } });
    expect(first.statusCode).toBe(200);
    const second = await app.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, headers: A(), payload: { heightM: 60, version: 1 } });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const now = (await app.inject({ method: 'GET', url: `/api/sites/${site.id}`, headers: A() })).json();
    expect(now).toMatchObject({ heightM: 50, version: 2 });
    expect((await changeRows('site', site.id)).map((r) => r.action)).toEqual(['create', 'update']);
  });

  it('a stale If-Match gets 412; a missing version 400', async () => {
    const pole = (await app.inject({ method: 'POST', url: '/api/poles', headers: A(), payload: { code: unique('P'), geometry: point() } })).json();
    await app.inject({ method: 'PATCH', url: `/api/poles/${pole.id}`, headers: { ...A(), 'if-match': '"1"' }, payload: { heightM: 9 } });
    const stale = await app.inject({ method: 'PATCH', url: `/api/poles/${pole.id}`, headers: { ...A(), 'if-match': '"1"' }, payload: { heightM: 11 } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.currentVersion).toBe(2);
    const none = await app.inject({ method: 'PATCH', url: `/api/poles/${pole.id}`, headers: A(), payload: { heightM: 11 } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0].path).toBe('version');
  });

  it('two concurrent updates with the same version: exactly one wins', async () => {
    const ap = (await app.inject({ method: 'POST', url: '/api/access-points', headers: A(), payload: { code: unique('AP'), geometry: point(), kind: 'splitter', portsTotal: 8 } })).json();
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => app.inject({ method: 'PATCH', url: `/api/access-points/${ap.id}`, headers: A(), payload: { portsUsed: n, version: 1 } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409]);
  });
});

describe('validation', () => {
  it('lists every problem with its field path, in English or Vietnamese', async () => {
    const payload = { code: '', geometry: { type: 'Point', coordinates: [106.3] }, structureType: 'castle', heightM: -3, tenantCapacity: 99, surprise: true };
    const en = await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload });
    expect(en.statusCode).toBe(400);
    const paths = en.json().error.details.map((d: { path: string }) => d.path);
    for (const p of ['code', 'geometry.coordinates', 'structureType', 'heightM', 'tenantCapacity', '']) expect(paths).toContain(p);
    const vi = await app.inject({ method: 'POST', url: '/api/sites', headers: { ...A(), 'accept-language': 'vi' }, payload });
    expect(vi.json().error.message).toBe('Dữ liệu gửi lên không hợp lệ');
    expect(vi.json().error.details.find((d: { path: string }) => d.path === 'heightM').message).toMatch(/Giá trị quá nhỏ/);
  });

  it('names swapped coordinates as such', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody({ geometry: { type: 'Point', coordinates: [21.3, 106.3] } }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'geometry.coordinates', reason: 'swapped_coordinates' });
    const line = await app.inject({ method: 'POST', url: '/api/fibre-routes', headers: { ...A(), 'accept-language': 'vi' }, payload: { code: unique('F'), kind: 'access', placement: 'aerial', fibreCount: 12, geometry: { type: 'LineString', coordinates: [[21.3, 106.3], [21.31, 106.31]] } } });
    expect(line.json().error.details[0].message).toMatch(/đảo ngược/);
  });

  it('refuses geometries outside the province, of the wrong type, or invalid', async () => {
    const outside = await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody({ geometry: point(105.0, 10.0) }) });
    expect(outside.json().error.details[0].reason).toBe('outside_province');
    const wrongType = await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody({ geometry: line() }) });
    expect(wrongType.statusCode).toBe(400);
    const bowTie = { type: 'Polygon', coordinates: [[[106.3, 21.3], [106.31, 21.31], [106.31, 21.3], [106.3, 21.31], [106.3, 21.3]]] };
    const invalid = await app.inject({ method: 'POST', url: '/api/zones', headers: world.headers.planner, payload: { code: unique('Z'), name: 'z', kind: 'no_build', geometry: bowTie } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details[0]).toMatchObject({ path: 'geometry', reason: 'invalid_geometry' });
    const range = await app.inject({ method: 'POST', url: '/api/poles', headers: A(), payload: { code: unique('P'), geometry: point(200, 100) } });
    expect(range.json().error.details[0].reason).toBe('coordinates_out_of_range');
  });

  it('refuses a body over the configured size with 413', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/sites', headers: A(), payload: siteBody({ address: 'x'.repeat(70 * 1024) }) });
    expect(res.statusCode).toBe(413);
  });

  it('refuses weak passwords and demo accounts on /api/users', async () => {
    const weak = await app.inject({ method: 'POST', url: '/api/users', headers: world.headers.admin, payload: { username: unique('u'), displayName: 'U', password: 'password', role: 'planner' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details[0].path).toBe('password');
    const demo = await app.inject({ method: 'POST', url: '/api/users', headers: world.headers.admin, payload: { username: unique('u'), displayName: 'U', password: 'Str0ng-Passw0rd!', role: 'planner', demo: true } });
    expect(demo.statusCode).toBe(400);
    const carrierless = await app.inject({ method: 'POST', url: '/api/users', headers: world.headers.admin, payload: { username: unique('u'), displayName: 'U', password: 'Str0ng-Passw0rd!', role: 'carrier' } });
    expect(carrierless.json().error.details[0].path).toBe('carrierId');
    const ok = await app.inject({ method: 'POST', url: '/api/users', headers: world.headers.admin, payload: { username: unique('u'), displayName: 'U', password: 'Str0ng-Passw0rd!', role: 'carrier', carrierId: world.carrierB.id } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().demo).toBe(false);
    const disabled = await app.inject({ method: 'PATCH', url: `/api/users/${ok.json().id}`, headers: world.headers.admin, payload: { disabled: true, version: 1 } });
    expect(disabled.json()).toMatchObject({ disabled: true, version: 2 });
    const self = await app.inject({ method: 'PATCH', url: `/api/users/${world.userIds.admin}`, headers: world.headers.admin, payload: { role: 'planner', version: 1 } });
    expect(self.statusCode).toBe(409);
  });
});

describe('lists', () => {
  it('pages with a stable cursor: no row repeated or skipped while rows are inserted', async () => {
    const owner = world.carrierB.id;
    for (let i = 0; i < 7; i += 1) await app.inject({ method: 'POST', url: '/api/manholes', headers: world.headers.carrierB, payload: { code: unique('M'), geometry: point(106.4, 21.4) } });
    const seen: number[] = [];
    let cursor: string | null = null;
    let total = 0;
    do {
      const url: string = `/api/manholes?owner=${owner}&sort=-code&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await app.inject({ method: 'GET', url, headers: world.headers.planner })).json();
      total = page.total;
      seen.push(...page.items.map((m: { id: number }) => m.id));
      cursor = page.nextCursor;
      // Someone else inserts meanwhile; it sorts before or after, never into a page twice.
      await app.inject({ method: 'POST', url: '/api/manholes', headers: world.headers.carrierA, payload: { code: unique('M'), geometry: point(106.4, 21.4) } });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
  });

  it('filters by bbox and administrative unit, and refuses unknown sort keys', async () => {
    const far = (await app.inject({ method: 'POST', url: '/api/poles', headers: A(), payload: { code: unique('P'), geometry: point(106.55, 21.45) } })).json();
    const near = (await app.inject({ method: 'POST', url: '/api/poles', headers: A(), payload: { code: unique('P'), geometry: point(106.05, 21.15) } })).json();
    const box = (await app.inject({ method: 'GET', url: '/api/poles?bbox=106.5,21.4,106.6,21.5&limit=1000', headers: A() })).json();
    const ids = box.items.map((p: { id: number }) => p.id);
    expect(ids).toContain(far.id);
    expect(ids).not.toContain(near.id);
    const bad = await app.inject({ method: 'GET', url: '/api/poles?sort=password', headers: A() });
    expect(bad.statusCode).toBe(400);
    const badBox = await app.inject({ method: 'GET', url: '/api/poles?bbox=1,2,3', headers: A() });
    expect(badBox.statusCode).toBe(400);
  });
});
