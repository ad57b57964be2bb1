import type { FastifyInstance } from 'fastify';
import type { HistoryService } from '../history/history.service';
import { registerResourceRoutes } from './registry.routes';
import type { RegistryService } from './registry.service';
import type { ResourceDescriptor } from './resource';

/** Routes of resources with nothing special beyond their descriptor. */
export default async function resourceRoutes(
  app: FastifyInstance,
  { registry, history, resources }: { registry: RegistryService; history: HistoryService; resources: { resource: ResourceDescriptor; tag: string }[] },
) {
  for (const { resource, tag } of resources) registerResourceRoutes(app, resource, registry, history, { tag });
}
