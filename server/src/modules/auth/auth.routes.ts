import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiToken, CreatedApiToken, CreateTokenInput, LoginInput, Session } from '@registry/shared/schemas/auth';
import { SESSION_COOKIE, setSessionCookie } from '../../plugins/auth';
import type { AuthService } from './auth.service';
import type { Actor } from '../../context';
import { UnauthenticatedError } from '../../errors';

export default async function authRoutes(app: FastifyInstance, { service }: { service: AuthService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/auth/login',
    {
      config: { skipCsrf: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: 'Log in with a password; sets an HTTP-only session cookie', body: LoginInput, response: { 200: Session } },
    },
    async (request, reply) => {
      const { user, sessionId, csrfToken, maxAgeSeconds } = await service.login(request.body.username, request.body.password);
      setSessionCookie(reply, sessionId, maxAgeSeconds, app.sessionCookieOptions.cookieSecure);
      return { user, csrfToken };
    },
  );

  r.post(
    '/api/auth/logout',
    { config: { skipCsrf: true }, schema: { tags: ['auth'], summary: 'End the session', response: { 200: Session } } },
    async (request, reply) => {
      await service.logout(request.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { user: null, csrfToken: null };
    },
  );

  r.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The current user (null for the public) and CSRF token', response: { 200: Session } } }, async (request) => {
    if (request.actor.kind !== 'user') return { user: null, csrfToken: null };
    return { user: await service.currentUser(request.actor.userId), csrfToken: request.sessionCsrf };
  });

  r.get(
    '/api/auth/tokens',
    { preHandler: app.requireUser, schema: { tags: ['auth'], summary: 'My API tokens (roles: any user)', response: { 200: z.object({ items: z.array(ApiToken) }) } } },
    async (request) => ({ items: await service.listTokens(userId(request.actor)) }),
  );

  r.post(
    '/api/auth/tokens',
    {
      preHandler: app.requireUser,
      schema: { tags: ['auth'], summary: 'Create a personal API token, shown once (roles: any user)', body: CreateTokenInput, response: { 201: CreatedApiToken } },
    },
    async (request, reply) => {
      reply.status(201);
      return service.createToken(userId(request.actor), request.body.name, request.body.expiresInDays);
    },
  );

  r.delete(
    '/api/auth/tokens/:id',
    {
      preHandler: app.requireUser,
      schema: { tags: ['auth'], summary: 'Revoke one of my API tokens (roles: any user)', params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: ApiToken } },
    },
    async (request) => service.revokeToken(userId(request.actor), request.params.id),
  );
}

function userId(actor: Actor): number {
  if (actor.kind !== 'user') throw new UnauthenticatedError();
  return actor.userId;
}
