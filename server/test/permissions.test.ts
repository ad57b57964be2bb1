import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDatabase, unique } from './helpers';
import { EVERYONE, siteBody, square, useRegistryWorld, type Who, type World } from './registry-fixtures';
import { SPECS, type ResourceSpec, type SpecContext } from './registry-specs';

// The permission matrix: every role × every action × every resource,
// including another carrier's object, its confidential fields and
// existence-private (planned) objects. Each forbidden attempt is made and
// must answer 401 (the public), 403 or 404.

const db = testDatabase();
let app: FastifyInstance;
let world: World;
let ctx: SpecContext;
let provinceId: number;

useRegistryWorld(db, (o) => ({ app, world, provinceId } = o));
beforeAll(async () => {
  const commune = await db.pool.query<{ id: number }>(
    `INSERT INTO admin_units (code, name, unit_type, level, parent_id, boundary, valid_from, source)
     VALUES ($1, 'Xã A', 'Xã', 'commune', $2, ST_Multi(ST_MakeEnvelope(106.05, 21.1, 106.5, 21.45, 4326)), '2024-01-01', 'test') RETURNING id`,
    [unique('C'), provinceId],
  );
  const village = await db.pool.query<{ id: number }>(
    `INSERT INTO villages (code, name, commune_id, boundary, area_class) VALUES ($1, 'Thôn A', $2, ST_Multi(ST_MakeEnvelope(106.1, 21.15, 106.2, 21.2, 4326)), 'rural') RETURNING id`,
    [unique('V'), commune.rows[0]!.id],
  );
  const site = await post('carrierA', '/api/sites', siteBody());
  ctx = { siteId: site.id, provinceId, communeId: commune.rows[0]!.id, villageId: village.rows[0]!.id };
});

async function call(who: Who, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method, url, headers: { ...world.headers[who], ...headers }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

async function post(who: Who, url: string, payload: unknown) {
  const res = await call(who, 'POST', url, payload);
  if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A fresh object owned by carrier A (created by A, or by the allowed staff role). */
async function fixture(spec: ResourceSpec, extra: Record<string, unknown> = {}) {
  const creator: Who = spec.writer === 'owner' ? 'carrierA' : 'admin';
  return post(creator, `/api/${spec.name}`, { ...spec.body(ctx), ...extra });
}

function writeStatus(spec: ResourceSpec, who: Who, ok: number): number {
  if (who === 'public') return 401;
  if (who === 'admin') return ok;
  if (spec.writer === 'owner') return who === 'carrierA' ? ok : 403;
  if (spec.writer === 'planner') return who === 'planner' ? ok : 403;
  return 403;
}

describe.each(SPECS)('$name', (spec) => {
  it.each(EVERYONE)('create as %s', async (who) => {
    // Everyone tries to create an object owned by carrier A.
    const body = spec.body(spec.writer === 'owner' && who !== 'carrierA' ? { ...ctx, ownerCarrierId: world.carrierA.id } : ctx);
    const res = await call(who, 'POST', `/api/${spec.name}`, body);
    expect(res.statusCode, res.body).toBe(writeStatus(spec, who, 201));
  });

  it.each(EVERYONE)('read as %s', async (who) => {
    const object = await fixture(spec);
    const res = await call(who, 'GET', `/api/${spec.name}/${object.id}`);
    expect(res.statusCode, res.body).toBe(who === 'public' && !spec.publicRead ? 401 : 200);
    const list = await call(who, 'GET', `/api/${spec.name}?limit=5`);
    expect(list.statusCode, list.body).toBe(who === 'public' && !spec.publicRead ? 401 : 200);
  });

  it.each(EVERYONE)('update as %s', async (who) => {
    const object = await fixture(spec);
    const res = await call(who, 'PATCH', `/api/${spec.name}/${object.id}`, { ...spec.patch, version: object.version });
    expect(res.statusCode, res.body).toBe(writeStatus(spec, who, 200));
    const after = await call('admin', 'GET', `/api/${spec.name}/${object.id}`);
    expect(after.json().version).toBe(res.statusCode === 200 ? object.version + 1 : object.version);
  });

  it.each(EVERYONE)('delete as %s', async (who) => {
    const object = await fixture(spec);
    const res = await call(who, 'DELETE', `/api/${spec.name}/${object.id}`);
    if (spec.lifecycle) {
      expect(res.statusCode, res.body).toBe(writeStatus(spec, who, 200));
      if (res.statusCode === 200) expect(res.json().status).toBe('decommissioned');
    } else {
      expect(res.statusCode, res.body).toBe(who === 'admin' ? 204 : who === 'public' ? 401 : 403);
    }
  });

  if (spec.lifecycle) {
    it.each(EVERYONE)('hard delete as %s (admins only)', async (who) => {
      const object = await fixture(spec);
      const res = await call(who, 'DELETE', `/api/${spec.name}/${object.id}?hard=true`);
      expect(res.statusCode, res.body).toBe(who === 'admin' ? 204 : who === 'public' ? 401 : 403);
      const gone = await call('admin', 'GET', `/api/${spec.name}/${object.id}`);
      expect(gone.statusCode).toBe(who === 'admin' ? 404 : 200);
    });
  }

  if (spec.writer === 'owner') {
    it.each(EVERYONE)("another carrier's planned object is private: %s", async (who) => {
      const object = await fixture(spec, { status: 'planned' });
      const get = await call(who, 'GET', `/api/${spec.name}/${object.id}`);
      const expected = who === 'carrierB' ? 404 : who === 'public' ? (spec.publicRead ? 404 : 401) : 200;
      expect(get.statusCode, get.body).toBe(expected);
      if (who === 'carrierB') {
        const patch = await call(who, 'PATCH', `/api/${spec.name}/${object.id}`, { ...spec.patch, version: object.version });
        expect(patch.statusCode).toBe(404);
        expect((await call(who, 'DELETE', `/api/${spec.name}/${object.id}`)).statusCode).toBe(404);
        expect((await call(who, 'GET', `/api/${spec.name}/${object.id}/history`)).statusCode).toBe(404);
        const list = await call(who, 'GET', `/api/${spec.name}?owner=${world.carrierA.id}&status=planned`);
        expect(list.json().items.map((i: { id: number }) => i.id)).not.toContain(object.id);
      }
    });

    it('a carrier cannot give its object to another carrier, nor take one', async () => {
      const object = await fixture(spec);
      const field = spec.name === 'sectors' ? 'carrierId' : 'ownerCarrierId';
      if (spec.name !== 'sectors') {
        const res = await call('carrierA', 'PATCH', `/api/${spec.name}/${object.id}`, { [field]: world.carrierB.id, version: object.version });
        expect(res.statusCode, res.body).toBe(403);
      }
      const create = await call('carrierB', 'POST', `/api/${spec.name}`, spec.body({ ...ctx, ownerCarrierId: world.carrierA.id }));
      expect(create.statusCode).toBe(403);
    });
  }

  it.each(EVERYONE)('per-object history as %s', async (who) => {
    const object = await fixture(spec);
    const res = await call(who, 'GET', `/api/${spec.name}/${object.id}/history`);
    // Staff read every history; a carrier only the history of what its carrier owns.
    const expected = who === 'public' ? 401 : who === 'carrierA' ? (spec.writer === 'owner' ? 200 : 403) : who === 'carrierB' ? 403 : 200;
    expect(res.statusCode, res.body).toBe(expected);
  });
});

describe('confidential fields', () => {
  const confidential = ['contractRef', 'monthlyRentVnd', 'privateContact'];

  it('sites: the owner and staff see them; another carrier and the public do not', async () => {
    const site = await post('carrierA', '/api/sites', siteBody());
    for (const who of EVERYONE) {
      const res = await call(who, 'GET', `/api/sites/${site.id}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const sees = who === 'carrierA' || who === 'admin' || who === 'planner' || who === 'officer';
      for (const field of confidential) expect(field in body, `${who} ${field}`).toBe(sees);
      // Location, type, height and free capacity are what a carrier needs to ask for sharing.
      expect(body.geometry.type).toBe('Point');
      expect(body.heightM).toBe(40);
      if (who !== 'public') expect(body.freeCapacity).toBe(2);
      else expect(body.freeCapacity).toBeUndefined();
    }
    const list = await call('carrierB', 'GET', `/api/sites?owner=${world.carrierA.id}&limit=1000`);
    const mine = list.json().items.find((s: { id: number }) => s.id === site.id);
    expect(mine).toBeDefined();
    for (const field of confidential) expect(mine[field]).toBeUndefined();
    expect(list.body).not.toContain('HD-SECRET-1');
  });

  it('the public sees only public sites', async () => {
    const hidden = await post('carrierA', '/api/sites', siteBody({ isPublic: false }));
    expect((await call('public', 'GET', `/api/sites/${hidden.id}`)).statusCode).toBe(404);
    const list = await call('public', 'GET', '/api/sites?limit=1000');
    expect(list.json().items.map((s: { id: number }) => s.id)).not.toContain(hidden.id);
    expect((await call('carrierB', 'GET', `/api/sites/${hidden.id}`)).statusCode).toBe(200);
  });

  it('carriers: contacts only for the carrier itself and staff', async () => {
    for (const who of EVERYONE) {
      const res = await call(who, 'GET', `/api/carriers/${world.carrierA.id}`);
      expect(res.statusCode).toBe(200);
      expect('contactPhone' in res.json(), who).toBe(['carrierA', 'admin', 'planner', 'officer'].includes(who));
    }
  });

  it('tenancies: the two parties and staff see the rent; a third carrier does not', async () => {
    const site = await post('carrierA', '/api/sites', siteBody());
    const tenancy = await post('carrierB', `/api/sites/${site.id}/tenancies`, { contractRef: 'HD-B', monthlyRentVnd: 1000 });
    expect(tenancy.carrierId).toBe(world.carrierB.id);
    const third = await db.pool.query<{ id: number }>(`INSERT INTO carriers (code, name, legal_name, licence_kinds) VALUES ($1, 'c', 'c', '{mobile}') RETURNING id`, [unique('K')]);
    const { createTestUser, loginHeaders } = await import('./helpers');
    const user = await createTestUser(db.pool, 'carrier', third.rows[0]!.id);
    const headers = await loginHeaders(app, user.username);
    const res = await app.inject({ method: 'GET', url: `/api/sites/${site.id}`, headers });
    const seen = res.json().tenancies.find((t: { id: number }) => t.id === tenancy.id);
    expect(seen.monthlyRentVnd).toBeUndefined();
    for (const who of ['carrierA', 'carrierB', 'admin'] as Who[]) {
      const r = await call(who, 'GET', `/api/sites/${site.id}/tenancies`);
      expect(r.json().items.find((t: { id: number }) => t.id === tenancy.id).monthlyRentVnd, who).toBe(1000);
    }
  });
});

describe('tenancies and occupancies: own rows on others\' structures', () => {
  it('a carrier adds and edits only its own tenancy on another carrier\'s site; the owner manages all on its site', async () => {
    const site = await post('carrierA', '/api/sites', siteBody());
    const ownerRow = (await call('carrierA', 'GET', `/api/sites/${site.id}/tenancies`)).json().items[0];
    expect(ownerRow.carrierId).toBe(world.carrierA.id);
    // B cannot write a row for A, nor touch A's row.
    expect((await call('carrierB', 'POST', `/api/sites/${site.id}/tenancies`, { carrierId: world.carrierA.id })).statusCode).toBe(403);
    expect((await call('carrierB', 'PATCH', `/api/sites/${site.id}/tenancies/${ownerRow.id}`, { position: 'x', version: ownerRow.version })).statusCode).toBe(403);
    expect((await call('carrierB', 'DELETE', `/api/sites/${site.id}/tenancies/${ownerRow.id}`)).statusCode).toBe(403);
    for (const who of ['planner', 'officer'] as Who[]) expect((await call(who, 'POST', `/api/sites/${site.id}/tenancies`, { carrierId: world.carrierB.id })).statusCode).toBe(403);
    expect((await call('public', 'POST', `/api/sites/${site.id}/tenancies`, { carrierId: world.carrierB.id })).statusCode).toBe(401);
    const mine = await post('carrierB', `/api/sites/${site.id}/tenancies`, { position: '30 m' });
    const edited = await call('carrierB', 'PATCH', `/api/sites/${site.id}/tenancies/${mine.id}`, { position: '32 m', version: mine.version });
    expect(edited.statusCode, edited.body).toBe(200);
    // The owner may edit the tenant's row on its own structure.
    const byOwner = await call('carrierA', 'PATCH', `/api/sites/${site.id}/tenancies/${mine.id}`, { position: '33 m', version: edited.json().version });
    expect(byOwner.statusCode, byOwner.body).toBe(200);
    // B may now put its own sector on A's site, but not a sector of A's.
    const sector = await call('carrierB', 'POST', '/api/sectors', { siteId: site.id, code: unique('X'), technology: '5G', bandMhz: 3500, antennaHeightM: 28 });
    expect(sector.statusCode, sector.body).toBe(201);
    expect(sector.json().carrierId).toBe(world.carrierB.id);
    expect((await call('carrierB', 'POST', '/api/sectors', { siteId: site.id, carrierId: world.carrierA.id, code: unique('X'), technology: '4G', bandMhz: 1800, antennaHeightM: 28 })).statusCode).toBe(403);
    // A (the site owner) cannot edit B's sector.
    expect((await call('carrierA', 'PATCH', `/api/sectors/${sector.json().id}`, { azimuthDeg: 10, version: 1 })).statusCode).toBe(403);
    // Ending the tenancy keeps the row, with an end date.
    const ended = await call('carrierB', 'DELETE', `/api/sites/${site.id}/tenancies/${mine.id}`);
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json().until).not.toBeNull();
  });

  it('a carrier cannot put a sector on a site where it has no tenancy', async () => {
    const site = await post('carrierA', '/api/sites', siteBody());
    const res = await call('carrierB', 'POST', '/api/sectors', { siteId: site.id, code: unique('X'), technology: '4G', bandMhz: 1800, antennaHeightM: 28 });
    expect(res.statusCode).toBe(403);
  });

  it('occupancy: B holds ducts in A\'s conduit, within capacity; the contract is private to the parties', async () => {
    const conduit = await post('carrierA', '/api/conduits', { code: unique('CD'), geometry: { type: 'LineString', coordinates: [[106.3, 21.3], [106.31, 21.31]] }, ductsTotal: 4, ductsUsed: 1 });
    expect(conduit.freeCapacity).toBe(3);
    const occ = await post('carrierB', `/api/conduits/${conduit.id}/occupancies`, { slot: 'D2', count: 2, contractRef: 'HD-OCC' });
    expect(occ.carrierId).toBe(world.carrierB.id);
    const after = (await call('carrierB', 'GET', `/api/conduits/${conduit.id}`)).json();
    expect(after.freeCapacity).toBe(2);
    const free = await call('carrierB', 'GET', `/api/conduits?minFreeCapacity=3&owner=${world.carrierA.id}&limit=1000`);
    expect(free.json().items.map((c: { id: number }) => c.id)).not.toContain(conduit.id);
    const tenant = await call('carrierB', 'GET', `/api/conduits?tenant=${world.carrierB.id}&limit=1000`);
    expect(tenant.json().items.map((c: { id: number }) => c.id)).toContain(conduit.id);
    // Over capacity: 409, nothing written.
    const over = await call('carrierB', 'POST', `/api/conduits/${conduit.id}/occupancies`, { count: 5 });
    expect(over.statusCode, over.body).toBe(409);
    expect((await call('carrierA', 'POST', `/api/conduits/${conduit.id}/occupancies`, { carrierId: world.carrierB.id, count: 1 })).statusCode).toBe(201);
    expect((await call('carrierB', 'PATCH', `/api/conduits/${conduit.id}/occupancies/${occ.id}`, { count: 1, version: occ.version })).statusCode).toBe(200);
    expect((await call('planner', 'PATCH', `/api/conduits/${conduit.id}/occupancies/${occ.id}`, { count: 1, version: 2 })).statusCode).toBe(403);
    // A hard delete is refused while the structure is occupied.
    const hard = await call('admin', 'DELETE', `/api/conduits/${conduit.id}?hard=true`);
    expect(hard.statusCode).toBe(409);
    expect(hard.json().error.details[0].reason).toBe('referenced');
  });
});

describe('users and the change log', () => {
  it.each(EVERYONE)('/api/users as %s', async (who) => {
    const res = await call(who, 'GET', '/api/users');
    expect(res.statusCode).toBe(who === 'admin' ? 200 : who === 'public' ? 401 : 403);
    const create = await call(who, 'POST', '/api/users', { username: unique('u'), displayName: 'U', password: 'Str0ng-Passw0rd!', role: 'planner' });
    expect(create.statusCode).toBe(who === 'admin' ? 201 : who === 'public' ? 401 : 403);
    if (create.statusCode === 201) expect(create.body).not.toMatch(/password|hash/i);
  });

  it.each(EVERYONE)('/api/history as %s', async (who) => {
    const res = await call(who, 'GET', '/api/history?limit=5');
    expect(res.statusCode).toBe(['admin', 'planner', 'officer'].includes(who) ? 200 : who === 'public' ? 401 : 403);
  });

  it('the change log has no write route', async () => {
    for (const method of ['POST', 'PATCH', 'DELETE'] as const) {
      const res = await call('admin', method, '/api/history', method === 'DELETE' ? undefined : {});
      expect(res.statusCode).toBe(404);
    }
  });

  it('zones are public planning data; carriers cannot draw them', async () => {
    const res = await call('carrierA', 'POST', '/api/zones', { code: unique('Z'), name: 'z', kind: 'no_build', geometry: square() });
    expect(res.statusCode).toBe(403);
  });
});
