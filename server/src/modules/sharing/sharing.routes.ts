import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SharedCapacityInput, SharedCapacityResult } from '@registry/shared/schemas/permits';
import type { SharingService } from './sharing.service';

export default async function sharingRoutes(app: FastifyInstance, { service }: { service: SharingService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/sharing/capacity',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['sharing'],
        summary: 'Structures, poles, conduits and tunnels with free capacity within a radius of a point or line, nearest first, with owner (and contact for department staff and the owner) (roles: any user)',
        body: SharedCapacityInput,
        response: { 200: SharedCapacityResult },
      },
    },
    async (request) => service.findSharedCapacity(request.ctx(), request.body),
  );
}
