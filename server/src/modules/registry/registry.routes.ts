import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeleteQuery, IdParams, ListFilters, pageOf } from '@registry/shared/schemas/registry-common';
import { ChangeLogEntry } from '@registry/shared/schemas/history';
import { expectedVersion, setEtag, type ExpectedVersion } from '../../lib/versioning';
import { ValidationError } from '../../errors';
import { filtersOf, sortsOf } from './registry.queries';
import type { RegistryService } from './registry.service';
import type { ResourceDescriptor } from './resource';
import type { HistoryService } from '../history/history.service';
import { idParamsCheck, listQueryCheck, withFastCheck } from '../../plugins/fast-validation';

// `:id` is validated by a hand-written check before zod on every route that takes IdParams (plugins/fast-validation.ts).
withFastCheck(IdParams, idParamsCheck);

// The REST routes of a registry resource, generated from its descriptor:
// GET /api/<name> (filters, sort, cursor), GET/PATCH/DELETE /api/<name>/:id,
// POST /api/<name>, GET /api/<name>/:id/history. Each route's summary names
// the roles that may call it, and /docs shows them.

/** A body already written as JSON: Fastify sends a string of this type as it is, without the route's serializer. */
export const JSON_UTF8 = 'application/json; charset=utf-8';

/** Sends a body PostgreSQL already wrote as JSON for the caller's views. */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type(JSON_UTF8).send(text);
}

/** Who may call each verb, for the OpenAPI text. */
export function rolesText(d: ResourceDescriptor) {
  const read = d.publicRead
    ? 'public (public rows and fields only), carrier, officer, planner, admin'
    : 'carrier, officer, planner, admin (not the public)';
  const write = { owner: 'admin; carrier (own carrier only)', planner: 'admin, planner', admin: 'admin' }[d.write];
  const del = d.lifecycle ? `${write} (decommission); admin (?hard=true, only when unreferenced)` : 'admin (only when unreferenced)';
  return { read, write, del };
}

/** The list query a resource accepts: its filters, sort, limit, cursor. */
export function listQueryOf(d: ResourceDescriptor) {
  const keys = Object.keys(filtersOf(d)) as (keyof typeof ListFilters.shape)[];
  const mask = Object.fromEntries([...keys, 'sort', 'limit', 'cursor'].map((k) => [k, true])) as { [K in keyof typeof ListFilters.shape]?: true };
  const sorts = Object.keys(sortsOf(d));
  return ListFilters.pick(mask).extend({
    sort: z
      .string()
      .max(40)
      .optional()
      .describe(`One of ${sorts.join(', ')}; prefix - for descending`),
  });
}

export function versionFrom(request: FastifyRequest, body: unknown): ExpectedVersion {
  const v = (body as { version?: unknown } | undefined)?.version;
  return expectedVersion(request, typeof v === 'number' ? v : undefined);
}

/** If-Match on a DELETE is optional; when sent it must match. */
export function optionalVersion(request: FastifyRequest): ExpectedVersion | null {
  return typeof request.headers['if-match'] === 'string' ? expectedVersion(request, undefined) : null;
}

export function withEtag<T extends Record<string, unknown>>(reply: FastifyReply, row: T): T {
  if (typeof row.version === 'number') setEtag(reply, row.version);
  return row;
}

export interface ResourceRouteOptions {
  /** Replace the generic POST / GET-by-id (sites with sectors and tenancies). */
  skip?: ('create' | 'get')[];
  tag: string;
}

export function registerResourceRoutes(app: FastifyInstance, d: ResourceDescriptor, service: RegistryService, history: HistoryService, options: ResourceRouteOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const roles = rolesText(d);
  const base = `/api/${d.name}`;
  const tags = [options.tag];
  const item = d.response;
  // `?bbox=…&limit=…` and the like are read by a hand-written check before zod (plugins/fast-validation.ts).
  const listQuery = listQueryOf(d);
  withFastCheck(listQuery, listQueryCheck(Object.keys(listQuery.shape)));
  // List and get bodies are written by PostgreSQL from the views' keys, not through `item`'s serializer:
  // every key a view lists must be one the response schema (and so /docs) lists.
  for (const view of [d.views.full, d.views.others, d.views.public]) {
    for (const key of view ? Object.keys(view.shape) : []) {
      if (!(key in item.shape)) throw new Error(`${d.name}: a view lists ${key}, which the response schema does not`);
    }
  }

  r.get(
    base,
    {
      schema: {
        tags,
        summary: `List ${d.name} (roles: ${roles.read})`,
        description: 'Filter, sort and page with a stable cursor; `total` counts every match. Fields are those the caller\'s role may see.',
        querystring: listQuery,
        response: { 200: pageOf(item) },
      },
    },
    // The body is written by PostgreSQL through the caller's views (registry.queries.ts, bodyText): sent as it is.
    async (request, reply) => sendJsonText(reply, await service.listBody(d, request.ctx(), request.query as ListFilters)),
  );

  if (!options.skip?.includes('get')) {
    r.get(
      `${base}/:id`,
      { schema: { tags, summary: `One of ${d.name} by id (roles: ${roles.read})`, params: IdParams, response: { 200: item } } },
      async (request, reply) => withEtag(reply, await service.get(d, request.ctx(), request.params.id)),
    );
  }

  if (!options.skip?.includes('create')) {
    r.post(
      base,
      { schema: { tags, summary: `Create one of ${d.name} (roles: ${roles.write})`, body: d.createInput, response: { 201: item } } },
      async (request, reply) => {
        const row = await service.create(d, request.ctx(), request.body as Record<string, unknown>);
        reply.status(201);
        return withEtag(reply, row);
      },
    );
  }

  r.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: `Update one of ${d.name} (roles: ${roles.write})`,
        description: 'Send the version you read, as If-Match (stale: 412) or body `version` (stale: 409); nothing is written on a conflict.',
        params: IdParams,
        body: d.updateInput,
        response: { 200: item },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      const expected = versionFrom(request, body);
      const { version: _version, ...input } = body;
      if (Object.keys(input).length === 0) throw new ValidationError([{ path: '', message: 'Nothing to change', reason: 'too_small' }]);
      return withEtag(reply, await service.update(d, request.ctx(), request.params.id, input, expected));
    },
  );

  r.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: `Decommission or delete one of ${d.name} (roles: ${roles.del})`,
        params: IdParams,
        querystring: DeleteQuery,
        response: { 200: item, 204: z.null().describe('Removed for good') },
      },
    },
    async (request, reply) => {
      const row = await service.remove(d, request.ctx(), request.params.id, request.query.hard, optionalVersion(request));
      if (!row) return reply.status(204).send(null);
      return withEtag(reply, row);
    },
  );

  r.get(
    `${base}/:id/history`,
    {
      schema: {
        tags,
        summary: `Change history of one of ${d.name} (roles: officer, planner, admin; carrier for its own objects)`,
        params: IdParams,
        response: { 200: z.object({ items: z.array(ChangeLogEntry) }) },
      },
    },
    async (request) => ({ items: await history.forObject(d, request.ctx(), request.params.id) }),
  );
}
