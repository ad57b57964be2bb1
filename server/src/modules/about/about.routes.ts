import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { About } from '@registry/shared/schemas/about';
import type { AboutService } from './about.service';

export default async function aboutRoutes(app: FastifyInstance, { service }: { service: AboutService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/about',
    { schema: { tags: ['system'], summary: 'The loaded dataset (synthetic or not), its sources and licences, and client settings (roles: public)', response: { 200: About } } },
    async () => service.about(),
  );
}
