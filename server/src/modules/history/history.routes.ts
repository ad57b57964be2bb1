import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ChangeLogEntry, HistoryQuery } from '@registry/shared/schemas/history';
import { pageOf } from '@registry/shared/schemas/registry-common';
import type { HistoryService } from './history.service';

export default async function historyRoutes(app: FastifyInstance, { service }: { service: HistoryService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/history',
    {
      schema: {
        tags: ['history'],
        summary: 'The change log, newest first, filtered by object, user, action and time range (roles: officer, planner, admin)',
        description: 'Read-only: the log cannot be edited through the API. Per-object history is at /api/<resource>/:id/history.',
        querystring: HistoryQuery,
        response: { 200: pageOf(ChangeLogEntry) },
      },
    },
    async (request) => service.list(request.ctx(), request.query),
  );
}
