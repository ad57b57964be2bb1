import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SearchQuery, SearchResult } from '@registry/shared/schemas/search';
import type { SearchService } from './search.service';

export default async function searchRoutes(app: FastifyInstance, { service }: { service: SearchService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Villages, administrative units, sites and carriers by name or code, ignoring Vietnamese diacritics and case (roles: public; the public finds only open-data sites)',
        querystring: SearchQuery,
        response: { 200: SearchResult },
      },
    },
    async (request) => service.search(request.ctx(), request.query),
  );
}
