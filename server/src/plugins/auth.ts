import { hash as digest, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { Role } from '@registry/shared/enums';
import { pickLocale } from '@registry/shared/messages';
import type { Actor, RequestContext } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors';

export const SESSION_COOKIE = 'registry_session';
export const CSRF_HEADER = 'x-csrf-token';
export const TOKEN_PREFIX = 'trk_';

// One-shot hash: createHash().update().digest() cost several times more per request (profiles).
export const sha256 = (value: string) => digest('sha256', value, 'hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** The CSRF token of the cookie session, when the caller came by cookie. */
    sessionCsrf: string | null;
    ctx(): RequestContext;
  }
  interface FastifyInstance {
    /** preHandler: only these roles may pass (admins always may). */
    requireRole(...roles: Role[]): (request: FastifyRequest) => Promise<void>;
    /** preHandler: any logged-in user. */
    requireUser(request: FastifyRequest): Promise<void>;
  }
}

interface ActorRow {
  user_id: number;
  username: string;
  display_name: string;
  role: Role;
  carrier_id: number | null;
  disabled: boolean;
  csrf_token?: string;
  expires_at: Date;
}

/** The statement that resolves a session cookie's hash ($1) to its user (bench:api runs it too). */
export const SESSION_LOOKUP_SQL = `SELECT u.id AS user_id, u.username, u.display_name, u.role, u.carrier_id, u.disabled, s.csrf_token, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.expires_at > now()`;

// Who a session or API token is, remembered for a few seconds, so that a
// client's burst of requests costs one lookup instead of one round trip to
// PostgreSQL each. Keyed by the token as the client sends it (hashing it
// again on every request showed in profiles); the entry keeps the SHA-256
// the database holds, by which a revoked token is forgotten.
// This process forgets an entry at once when it ends it itself: logout, token
// revocation, and any change to or removal of a user (forgetAuth, called after
// the change commits). A change made elsewhere (another server process, SQL by
// hand) is seen within AUTH_CACHE_MS; an entry never outlives its session's
// or token's expiry. Unknown tokens are not remembered.
export const AUTH_CACHE_MS = 5_000;
const AUTH_CACHE_MAX = 10_000;
const SESSION_KEY = 's:';
const TOKEN_KEY = 't:';

interface CachedAuth {
  actor: Actor;
  /** SHA-256 of the session id or token (its key in the database). */
  hash: string;
  csrf: string | null;
  /** Date.now() after which the entry is dropped. */
  until: number;
}

class AuthCache {
  private readonly entries = new Map<string, CachedAuth>();
  get(key: string): CachedAuth | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.until <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
  set(key: string, entry: CachedAuth) {
    if (this.entries.size >= AUTH_CACHE_MAX) {
      // Oldest first (Map keeps insertion order): drop the expired, else the oldest tenth.
      const now = Date.now();
      let drop = Math.ceil(AUTH_CACHE_MAX / 10);
      for (const [k, v] of this.entries) {
        if (v.until <= now) this.entries.delete(k);
        else if (drop-- > 0) this.entries.delete(k);
        else break;
      }
    }
    this.entries.set(key, entry);
  }
  forget(match: (key: string, entry: CachedAuth) => boolean) {
    for (const [k, v] of this.entries) if (match(k, v)) this.entries.delete(k);
  }
}

const authCache = new AuthCache();
/**
 * Bumped by every forgetAuth: a lookup that was in flight while something was
 * forgotten may have read the old row, so it is not remembered.
 */
let authEpoch = 0;

function remember(key: string, value: Omit<CachedAuth, 'until'>, row: ActorRow, epoch: number) {
  if (epoch !== authEpoch) return;
  authCache.set(key, { ...value, until: Math.min(Date.now() + AUTH_CACHE_MS, row.expires_at.getTime()) });
}

/**
 * Forgets remembered sessions and API tokens: by the session id or token as
 * the client sends it, or every one of a user. Call after the change commits.
 */
export function forgetAuth(which: { sessionId?: string; token?: string; tokenHash?: string; userId?: number }) {
  authEpoch += 1;
  if (which.sessionId !== undefined) authCache.forget((k) => k === SESSION_KEY + which.sessionId);
  if (which.token !== undefined) authCache.forget((k) => k === TOKEN_KEY + which.token);
  if (which.tokenHash !== undefined) authCache.forget((k, v) => k.startsWith(TOKEN_KEY) && v.hash === which.tokenHash);
  if (which.userId !== undefined) authCache.forget((_, v) => v.actor.kind === 'user' && v.actor.userId === which.userId);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC: Actor = Object.freeze({ kind: 'public' } as const);

/**
 * Resolves the caller from a Bearer API token or the session cookie. Cookie
 * sessions must echo their CSRF token on state-changing requests; API tokens
 * are not sent by browsers automatically and need none.
 */
export default fp(async function authPlugin(app: FastifyInstance, options: { cookieSecure: boolean }) {
  // Cookies are parsed by this plugin's onRequest hook below, not by a hook of their own (hook: false).
  await app.register(cookie, { hook: false });
  app.decorateRequest('actor');
  app.decorateRequest('sessionCsrf');
  app.decorateRequest('ctx', function (this: FastifyRequest): RequestContext {
    return { actor: this.actor, requestId: String(this.id), locale: pickLocale(this.headers['accept-language']) };
  });

  /** A token's actor from the database (a miss in the cache); throws when it is unknown. */
  async function lookupToken(request: FastifyRequest, token: string) {
    const hash = sha256(token);
    const epoch = authEpoch;
    // A miss also stamps last_used_at: at most once per AUTH_CACHE_MS per token.
    const result = await app.database.pool.query<ActorRow>({
      name: 'auth_token',
      text: `UPDATE api_tokens t SET last_used_at = now()
         FROM users u
        WHERE t.token_hash = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now()
        RETURNING u.id AS user_id, u.username, u.display_name, u.role, u.carrier_id, u.disabled, t.expires_at`,
      values: [hash],
    });
    const row = result.rows[0];
    if (!row || row.disabled) throw new UnauthenticatedError('The API token is unknown, revoked or expired');
    request.actor = toActor(row, 'token');
    remember(TOKEN_KEY + token, { actor: request.actor, hash, csrf: null }, row, epoch);
  }

  /** A session's actor from the database (a miss in the cache); an unknown or expired session is the public. */
  async function lookupSession(request: FastifyRequest, sessionId: string) {
    const hash = sha256(sessionId);
    const epoch = authEpoch;
    const result = await app.database.pool.query<ActorRow>({ name: 'auth_session', text: SESSION_LOOKUP_SQL, values: [hash] });
    const row = result.rows[0];
    if (!row || row.disabled) return; // an expired cookie is simply the public
    request.actor = toActor(row, 'session');
    request.sessionCsrf = row.csrf_token ?? null;
    remember(SESSION_KEY + sessionId, { actor: request.actor, hash, csrf: request.sessionCsrf }, row, epoch);
  }

  // A callback hook, not an async one: the public and remembered callers (nearly every request)
  // are answered without a promise; only a cache miss waits for PostgreSQL.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    request.actor = PUBLIC;
    request.sessionCsrf = null; // also for API tokens: /api/auth/me answered them with a 500 (undefined is not null)
    // What @fastify/cookie's own hook did: a new container per request.
    const header = request.headers.cookie;
    request.cookies = header ? app.parseCookie(header) : {};
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) return done(new UnauthenticatedError('Authorization header must be "Bearer <token>"'));
      const token = match[1]!;
      const cached = authCache.get(TOKEN_KEY + token);
      if (cached) {
        request.actor = cached.actor;
        return done();
      }
      lookupToken(request, token).then(() => done(), done);
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (!sessionId) return done();
    const cached = authCache.get(SESSION_KEY + sessionId);
    if (cached) {
      request.actor = cached.actor;
      request.sessionCsrf = cached.csrf;
      return done();
    }
    lookupSession(request, sessionId).then(() => done(), done);
  });

  // CSRF: a cookie-authenticated state change must carry the session's token.
  app.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    if (request.actor.kind !== 'user' || request.actor.via !== 'session' || !UNSAFE.has(request.method)) return done();
    if (request.routeOptions.config?.skipCsrf) return done();
    const sent = request.headers[CSRF_HEADER];
    const expected = request.sessionCsrf ?? '';
    if (typeof sent !== 'string' || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
      return done(
        new ForbiddenError('Missing or wrong X-CSRF-Token header', {
          vi: 'Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token)',
          en: 'Missing or wrong X-CSRF-Token header',
        }),
      );
    }
    done();
  });

  app.decorate('requireUser', async function requireUser(request: FastifyRequest) {
    if (request.actor.kind !== 'user') throw new UnauthenticatedError();
  });

  app.decorate('requireRole', function requireRole(...roles: Role[]) {
    return async (request: FastifyRequest) => {
      const actor = request.actor;
      if (actor.kind !== 'user') throw new UnauthenticatedError();
      if (actor.role !== 'admin' && !roles.includes(actor.role)) throw new ForbiddenError();
    };
  });

  app.decorate('sessionCookieOptions', { cookieSecure: options.cookieSecure });
});

function toActor(row: ActorRow, via: 'session' | 'token'): Actor {
  // Frozen: one remembered actor serves many requests.
  return Object.freeze({ kind: 'user', userId: row.user_id, username: row.username, displayName: row.display_name, role: row.role, carrierId: row.carrier_id, via } as const);
}

export function setSessionCookie(reply: FastifyReply, sessionId: string, maxAgeSeconds: number, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSeconds });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route handles CSRF itself (login) or changes nothing. */
    skipCsrf?: boolean;
  }
  interface FastifyInstance {
    sessionCookieOptions: { cookieSecure: boolean };
  }
}
