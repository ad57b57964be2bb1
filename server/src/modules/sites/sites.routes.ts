import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams } from '@registry/shared/schemas/registry-common';
import { CreateSiteInput, SiteDetail } from '@registry/shared/schemas/sites';
import type { HistoryService } from '../history/history.service';
import { registerAttachmentRoutes, type AttachmentService } from '../registry/attachments';
import { registerResourceRoutes, sendJsonText, rolesText } from '../registry/registry.routes';
import { setEtag } from '../../lib/versioning';
import type { RegistryService } from '../registry/registry.service';
import { sitesResource } from './sites.descriptor';
import type { SitesService } from './sites.service';
import { tenancyKind } from './tenancies';

export interface SitesRoutesOptions {
  registry: RegistryService;
  history: HistoryService;
  sites: SitesService;
  tenancies: AttachmentService;
}

export default async function sitesRoutes(app: FastifyInstance, { registry, history, sites, tenancies }: SitesRoutesOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const roles = rolesText(sitesResource);
  r.post(
    '/api/sites',
    {
      schema: {
        tags: ['sites'],
        summary: `Create a site with its sectors and tenancies in one transaction (roles: ${roles.write})`,
        body: CreateSiteInput,
        response: { 201: SiteDetail },
      },
    },
    async (request, reply) => {
      // The created site as GET /api/sites/:id writes it (PostgreSQL, through the caller's views).
      const { body, version } = await sites.create(request.ctx(), request.body);
      reply.status(201);
      setEtag(reply, version);
      return sendJsonText(reply, body);
    },
  );
  r.get(
    '/api/sites/:id',
    { schema: { tags: ['sites'], summary: `One site with its sectors and tenancies (roles: ${roles.read})`, params: IdParams, response: { 200: SiteDetail } } },
    async (request, reply) => {
      // Written by PostgreSQL through the caller's views (sites.queries.ts): sent as it is.
      const { body, version } = await sites.detailBody(request.ctx(), request.params.id);
      setEtag(reply, version);
      return sendJsonText(reply, body);
    },
  );
  registerResourceRoutes(app, sitesResource, registry, history, { tag: 'sites', skip: ['create', 'get'] });
  registerAttachmentRoutes(app, tenancyKind, tenancies, 'sites');
}
