import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, inRollback, testDatabase, testDatabaseUrl } from './helpers';
import { runMigrations } from '../../scripts/lib/migrations';
import { explainConnectionError } from '../../scripts/lib/database';
import { checkHealth } from '../src/modules/health/health.routes';
import { ConfigError, loadConfig } from '../src/config';

const db = testDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
  await db.close();
});

describe('migrations', () => {
  it('applying the migrations again changes nothing', async () => {
    const before = await db.pool.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public'`);
    expect(await runMigrations(testDatabaseUrl())).toBe(0);
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public'`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('creates every domain table with a version column where editable', async () => {
    const r = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const tables = r.rows.map((x) => x.table_name);
    for (const t of ['admin_units', 'villages', 'locations', 'carriers', 'sites', 'site_tenancies', 'sectors', 'fibre_routes', 'access_points', 'poles', 'manholes', 'conduits', 'trenches', 'occupancies', 'zones', 'permit_applications', 'permit_revisions', 'permit_check_results', 'coverage_parameters', 'village_coverage', 'kpi_indicators', 'kpi_targets', 'kpi_observations', 'users', 'api_tokens', 'change_log']) {
      expect(tables, t).toContain(t);
    }
    const versioned = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'version'`,
    );
    const v = versioned.rows.map((x) => x.table_name);
    for (const t of ['sites', 'sectors', 'fibre_routes', 'access_points', 'poles', 'manholes', 'conduits', 'trenches', 'zones', 'carriers', 'villages', 'admin_units', 'users']) expect(v, t).toContain(t);
  });

  it('types geometry columns by kind in SRID 4326 with GiST indexes', async () => {
    const r = await db.pool.query<{ f_table_name: string; f_geometry_column: string; type: string; srid: number }>(
      `SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns WHERE f_table_schema = 'public'`,
    );
    const byColumn = Object.fromEntries(r.rows.map((x) => [`${x.f_table_name}.${x.f_geometry_column}`, x]));
    expect(byColumn['sites.geom']).toMatchObject({ type: 'POINT', srid: 4326 });
    expect(byColumn['fibre_routes.geom']).toMatchObject({ type: 'LINESTRING', srid: 4326 });
    expect(byColumn['villages.boundary']).toMatchObject({ type: 'MULTIPOLYGON', srid: 4326 });
    // The Web Mercator copies the vector tiles read (migration 0015), typed as their sources.
    expect(byColumn['sites.geom3857']).toMatchObject({ type: 'POINT', srid: 3857 });
    expect(byColumn['villages.boundary3857']).toMatchObject({ type: 'MULTIPOLYGON', srid: 3857 });
    const gist = await db.pool.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'public' AND indexdef ILIKE '%USING gist%'`);
    expect(gist.rows[0].n).toBeGreaterThanOrEqual(14);
  });
});

describe('constraints reject what they should', () => {
  async function carrier(client: pg.PoolClient) {
    const r = await client.query(`INSERT INTO carriers (code, name, legal_name, licence_kinds) VALUES ('CHK', 'Chk', 'Chk JSC', '{mobile}') RETURNING id`);
    return r.rows[0].id as number;
  }
  async function expectViolation(sql: string, params: unknown[], code: string, constraint?: string) {
    await inRollback(db.pool, async (client) => {
      const carrierId = await carrier(client);
      await client.query('SAVEPOINT s');
      const error = await client.query(sql.replaceAll('$carrier', String(carrierId)), params).then(
        () => null,
        (e: { code: string; constraint?: string }) => e,
      );
      expect(error, sql).not.toBeNull();
      expect(error!.code).toBe(code);
      if (constraint) expect(error!.constraint).toBe(constraint);
    });
  }

  it('refuses an invalid (self-intersecting) polygon', async () => {
    await expectViolation(
      `INSERT INTO zones (code, name, kind, geom) VALUES ('z', 'bow tie', 'no_build', ST_GeomFromText('POLYGON((106 21, 106.1 21.1, 106.1 21, 106 21.1, 106 21))', 4326))`,
      [],
      '23514',
      'zones_geom_valid_chk',
    );
  });

  it('refuses an azimuth of 400°', async () => {
    await expectViolation(
      `WITH s AS (INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m) VALUES ('S1', $carrier, ST_SetSRID(ST_Point(106.2, 21.3), 4326), 'greenfield_tower', 30) RETURNING id)
       INSERT INTO sectors (site_id, carrier_id, code, technology, band_mhz, azimuth_deg, antenna_height_m) SELECT id, $carrier, 'X1', '4G', 1800, 400, 28 FROM s`,
      [],
      '23514',
      'sectors_azimuth_chk',
    );
  });

  it('refuses more used ducts than a conduit has', async () => {
    await expectViolation(
      `INSERT INTO conduits (code, owner_carrier_id, geom, ducts_total, ducts_used) VALUES ('C1', $carrier, ST_GeomFromText('LINESTRING(106.2 21.3, 106.21 21.31)', 4326), 4, 5)`,
      [],
      '23514',
      'conduits_ducts_chk',
    );
  });

  it('refuses a height of zero and an unknown status', async () => {
    await expectViolation(`INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m) VALUES ('S0', $carrier, ST_SetSRID(ST_Point(106.2, 21.3), 4326), 'rooftop', 0)`, [], '23514', 'sites_height_chk');
    await expectViolation(`INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m, status) VALUES ('S0', $carrier, ST_SetSRID(ST_Point(106.2, 21.3), 4326), 'rooftop', 10, 'demolished')`, [], '23514', 'sites_status_chk');
  });

  it('refuses a geometry of the wrong kind', async () => {
    await expectViolation(`INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m) VALUES ('S0', $carrier, ST_GeomFromText('LINESTRING(106.2 21.3, 106.3 21.3)', 4326), 'rooftop', 10)`, [], '22023');
  });

  it('refuses a site of a carrier that does not exist, and deleting a carrier that owns sites', async () => {
    await expectViolation(`INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m) VALUES ('S0', -5, ST_SetSRID(ST_Point(106.2, 21.3), 4326), 'rooftop', 10)`, [], '23503');
    await expectViolation(
      `WITH s AS (INSERT INTO sites (code, owner_carrier_id, geom, structure_type, height_m) VALUES ('S2', $carrier, ST_SetSRID(ST_Point(106.2, 21.3), 4326), 'rooftop', 10) RETURNING owner_carrier_id)
       DELETE FROM carriers WHERE id IN (SELECT owner_carrier_id FROM s)`,
      [],
      '23503',
    );
  });

  it('refuses a carrier user without a carrier, and an occupancy naming two structures', async () => {
    await expectViolation(`INSERT INTO users (username, display_name, password_hash, role) VALUES ('x', 'x', 'h', 'carrier')`, [], '23514', 'users_carrier_role_chk');
    await expectViolation(`INSERT INTO occupancies (carrier_id) VALUES ($carrier)`, [], '23514', 'occupancies_one_structure_chk');
  });

  it('keeps the change log append-only', async () => {
    await inRollback(db.pool, async (client) => {
      const r = await client.query(`INSERT INTO change_log (object_type, object_id, action) VALUES ('site', '1', 'create') RETURNING id`);
      await client.query('SAVEPOINT s');
      await expect(client.query('UPDATE change_log SET action = $1 WHERE id = $2', ['delete', r.rows[0].id])).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK TO SAVEPOINT s');
      await expect(client.query('DELETE FROM change_log WHERE id = $1', [r.rows[0].id])).rejects.toThrow(/append-only/);
    });
  });
});

describe('health', () => {
  it('reports ok with the PostGIS version', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', postgis: { ok: true } });
    expect(res.json().postgis.version).toMatch(/^3\./);
  });

  it('reports a stopped database as unhealthy with a clear message', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://registry:x@127.0.0.1:1/registry', connectionTimeoutMillis: 2000 });
    const health = await checkHealth(pool);
    await pool.end();
    expect(health.status).toBe('unhealthy');
    expect(health.database.message).toMatch(/unreachable.*DATABASE_URL/);
  });

  it('reports a database without PostGIS as unhealthy, naming the extension', async () => {
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    // A session whose search_path cannot see pg_extension rows is not possible, so
    // look at a database that truly lacks it: template1 never gets PostGIS.
    const url = new URL(testDatabaseUrl());
    url.pathname = '/template1';
    const bare = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const ok = await checkHealth(pool);
    const health = await checkHealth(bare);
    await pool.end();
    await bare.end();
    expect(ok.status).toBe('ok');
    expect(health.status).toBe('unhealthy');
    expect(health.postgis.message).toMatch(/PostGIS extension missing/);
  });
});

describe('uniform errors', () => {
  it('answers an unknown route with the error body', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', details: [] });
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON with 400 and the error body, in Vietnamese by default', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a",' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'BAD_REQUEST', message: 'JSON không hợp lệ' });
  });

  it('lists every invalid field, with its path', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en' }, payload: { username: '', password: 5 } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['password', 'username']);
  });

  it('never leaks a stack trace or message from a 5xx', async () => {
    const { buildApp } = await import('../src/app');
    const failing = await buildApp({ config: loadConfig({}, { DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' }), logger: false });
    failing.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.ts:42');
    });
    await failing.ready();
    const res = await failing.inject({ method: 'GET', url: '/boom' });
    await failing.close();
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret|app\.ts|at /);
    expect(res.json().error.code).toBe('INTERNAL');
  });

  it('sends security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('configuration and connection faults', () => {
  it('names the variable of a bad configuration', () => {
    expect(() => loadConfig({}, { DATABASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('turns connection failures into one line naming DATABASE_URL and the fix', async () => {
    const wrong = new URL(testDatabaseUrl());
    wrong.password = 'definitely-wrong';
    const client = new pg.Client({ connectionString: wrong.toString() });
    const error = await client.connect().then(() => null, (e: unknown) => e);
    await client.end().catch(() => undefined);
    const line = explainConnectionError(error, wrong.toString());
    expect(line).toMatch(/refused the login.*fix the user or password in DATABASE_URL/);
    expect(line).not.toMatch(/\n/);
    const refused = explainConnectionError({ code: 'ECONNREFUSED' }, 'postgres://a:b@127.0.0.1:1/x');
    expect(refused).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\)/);
  });
});
