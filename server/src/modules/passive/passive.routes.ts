import type { FastifyInstance } from 'fastify';
import type { HistoryService } from '../history/history.service';
import { createAttachmentService, registerAttachmentRoutes } from '../registry/attachments';
import { registerResourceRoutes } from '../registry/registry.routes';
import type { RegistryService } from '../registry/registry.service';
import { occupancyKinds } from './occupancies';

/** Poles, manholes, conduits, trenches/tunnels, and the occupancy rows on each. */
export default async function passiveRoutes(app: FastifyInstance, { registry, history }: { registry: RegistryService; history: HistoryService }) {
  for (const kind of occupancyKinds) {
    registerResourceRoutes(app, kind.parent, registry, history, { tag: 'passive' });
    registerAttachmentRoutes(app, kind, createAttachmentService(kind, registry), 'passive');
  }
}
