import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, createTestCarrier, createTestUser, loginHeaders } from '../../test/helpers';
import { sha256 } from './auth';

// The auth plugin remembers who a session or token is for a few seconds
// (AUTH_CACHE_MS). These tests show that nothing this server does to an
// account is missed meanwhile: logout, revocation, disabling, a role change
// and expiry each take effect on the very next request.

let app: FastifyInstance;
let admin: Record<string, string>;

beforeAll(async () => {
  app = await buildTestApp();
  const a = await createTestUser(app.database.pool, 'admin');
  admin = await loginHeaders(app, a.username);
});

afterAll(async () => {
  await app.close();
});

const me = async (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/auth/me', headers });

async function newToken(headers: Record<string, string>): Promise<{ id: number; token: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/tokens', headers, payload: { name: 'cache test', expiresInDays: 1 } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; token: string };
}

describe('remembered sessions and tokens', () => {
  it('logout ends the session on the next request', async () => {
    const u = await createTestUser(app.database.pool, 'planner');
    const headers = await loginHeaders(app, u.username);
    expect((await me(headers)).json().user.username).toBe(u.username);
    expect((await me(headers)).json().user.username).toBe(u.username); // now remembered
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect(out.statusCode).toBe(200);
    expect((await me(headers)).json()).toEqual({ user: null, csrfToken: null });
  });

  it('a remembered session still needs its CSRF token on writes', async () => {
    const u = await createTestUser(app.database.pool, 'planner');
    const headers = await loginHeaders(app, u.username);
    await me(headers);
    const res = await app.inject({ method: 'DELETE', url: '/api/auth/tokens/2147483647', headers: { cookie: headers.cookie! } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/CSRF/);
  });

  it('a revoked token is refused on the next request', async () => {
    const u = await createTestUser(app.database.pool, 'planner');
    const headers = await loginHeaders(app, u.username);
    const { id, token } = await newToken(headers);
    const bearer = { authorization: `Bearer ${token}` };
    const first = await me(bearer);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().user.username).toBe(u.username);
    expect((await me(bearer)).statusCode).toBe(200);
    const revoked = await app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers });
    expect(revoked.statusCode).toBe(200);
    expect((await me(bearer)).statusCode).toBe(401);
  });

  it('a token stamps last_used_at when it is looked up', async () => {
    const u = await createTestUser(app.database.pool, 'planner');
    const { token } = await newToken(await loginHeaders(app, u.username));
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(200);
    const r = await app.database.pool.query('SELECT last_used_at FROM api_tokens WHERE token_hash = $1', [sha256(token)]);
    expect(r.rows[0].last_used_at).toBeInstanceOf(Date);
  });

  it("disabling a user ends its sessions and tokens, and a role change applies, on the next request", async () => {
    const carrier = await createTestCarrier(app.database.pool);
    const u = await createTestUser(app.database.pool, 'admin');
    const headers = await loginHeaders(app, u.username);
    const { token } = await newToken(headers);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: bearer })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/users', headers })).statusCode).toBe(200);

    const demoted = await app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: admin, payload: { role: 'carrier', carrierId: carrier.id, version: 1 } });
    expect(demoted.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: bearer })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/users', headers })).statusCode).toBe(403);
    expect((await me(headers)).json().user).toMatchObject({ role: 'carrier', carrierId: carrier.id });

    const disabled = await app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: admin, payload: { disabled: true, version: 2 } });
    expect(disabled.statusCode).toBe(200);
    expect((await me(bearer)).statusCode).toBe(401);
    expect((await me(headers)).json().user).toBeNull();
  });

  it('an entry does not outlive its session', async () => {
    const u = await createTestUser(app.database.pool, 'planner');
    const headers = await loginHeaders(app, u.username);
    const sessionId = headers.cookie!.replace('registry_session=', '');
    await app.database.pool.query(`UPDATE sessions SET expires_at = now() + interval '300 milliseconds' WHERE id_hash = $1`, [sha256(sessionId)]);
    expect((await me(headers)).json().user.username).toBe(u.username); // remembered until the session's expiry
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await me(headers)).json().user).toBeNull();
  });
});
