import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, pageOf } from '@registry/shared/schemas/registry-common';
import { CreateUserInput, UpdateUserInput, User, UserListQuery } from '@registry/shared/schemas/users';
import { versionFrom, withEtag } from '../registry/registry.routes';
import type { UsersService } from './users.service';

export default async function usersRoutes(app: FastifyInstance, { service }: { service: UsersService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  const admin = { preHandler: app.requireRole() };
  r.get('/api/users', { ...admin, schema: { tags, summary: 'List user accounts (roles: admin)', querystring: UserListQuery, response: { 200: pageOf(User) } } }, async (request) =>
    service.list(request.ctx(), request.query),
  );
  r.get('/api/users/:id', { ...admin, schema: { tags, summary: 'One user account (roles: admin)', params: IdParams, response: { 200: User } } }, async (request, reply) =>
    withEtag(reply, await service.get(request.ctx(), request.params.id)),
  );
  r.post(
    '/api/users',
    { ...admin, schema: { tags, summary: 'Create a user; the password must pass the strength rule; never a demo account (roles: admin)', body: CreateUserInput, response: { 201: User } } },
    async (request, reply) => {
      reply.status(201);
      return withEtag(reply, await service.create(request.ctx(), request.body));
    },
  );
  r.patch(
    '/api/users/:id',
    { ...admin, schema: { tags, summary: 'Change a user: role, carrier, password, disable, unlock; send its version (roles: admin)', params: IdParams, body: UpdateUserInput, response: { 200: User } } },
    async (request, reply) => {
      const expected = versionFrom(request, request.body);
      return withEtag(reply, await service.update(request.ctx(), request.params.id, request.body, expected));
    },
  );
  r.delete(
    '/api/users/:id',
    { ...admin, schema: { tags, summary: 'Delete a user account (roles: admin)', params: IdParams, response: { 204: z.null().describe('Removed') } } },
    async (request, reply) => {
      await service.remove(request.ctx(), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
