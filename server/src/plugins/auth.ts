import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
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
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller from a Bearer API token or the session cookie. Cookie
 * sessions must echo their CSRF token on state-changing requests; API tokens
 * are not sent by browsers automatically and need none.
 */
export default fp(async function authPlugin(app: FastifyInstance, options: { cookieSecure: boolean }) {
  await app.register(cookie);
  app.decorateRequest('actor');
  app.decorateRequest('sessionCsrf');
  app.decorateRequest('ctx', function (this: FastifyRequest): RequestContext {
    return { actor: this.actor, requestId: String(this.id), locale: pickLocale(this.headers['accept-language']) };
  });

  app.addHook('onRequest', async (request) => {
    request.actor = { kind: 'public' };
    const pool = app.database.pool;
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token>"');
      const result = await pool.query<ActorRow>(
        `UPDATE api_tokens t SET last_used_at = now()
           FROM users u
          WHERE t.token_hash = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now()
          RETURNING u.id AS user_id, u.username, u.display_name, u.role, u.carrier_id, u.disabled`,
        [sha256(match[1]!)],
      );
      const row = result.rows[0];
      if (!row || row.disabled) throw new UnauthenticatedError('The API token is unknown, revoked or expired');
      request.actor = toActor(row, 'token');
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (!sessionId) return;
    const result = await pool.query<ActorRow>(
      `SELECT u.id AS user_id, u.username, u.display_name, u.role, u.carrier_id, u.disabled, s.csrf_token
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.expires_at > now()`,
      [sha256(sessionId)],
    );
    const row = result.rows[0];
    if (!row || row.disabled) return; // an expired cookie is simply the public
    request.actor = toActor(row, 'session');
    request.sessionCsrf = row.csrf_token ?? null;
  });

  // CSRF: a cookie-authenticated state change must carry the session's token.
  app.addHook('preHandler', async (request) => {
    if (request.actor.kind !== 'user' || request.actor.via !== 'session' || !UNSAFE.has(request.method)) return;
    if (request.routeOptions.config?.skipCsrf) return;
    const sent = request.headers[CSRF_HEADER];
    const expected = request.sessionCsrf ?? '';
    if (typeof sent !== 'string' || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
      throw new ForbiddenError('Missing or wrong X-CSRF-Token header', {
        vi: 'Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token)',
        en: 'Missing or wrong X-CSRF-Token header',
      });
    }
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
  return { kind: 'user', userId: row.user_id, username: row.username, displayName: row.display_name, role: row.role, carrierId: row.carrier_id, via };
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
