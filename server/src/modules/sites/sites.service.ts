import type { CreateSiteInput } from '@registry/shared/schemas/sites';
import type { RequestContext } from '../../context';
import { ValidationError } from '../../errors';
import { nested, type AttachmentService } from '../registry/attachments';
import { assertCanRead, assertOwns, assertVisible, assertWritePolicy } from '../registry/registry.access';
import type { RegistryService } from '../registry/registry.service';
import { scopeOf } from '../registry/resource';
import { sectorsResource } from '../sectors/sectors.descriptor';
import { sitesResource } from './sites.descriptor';
import { findSiteDetailBody, type SiteDetailBody } from './sites.queries';

/**
 * What is special about sites: one POST writes the site, the owner's own
 * tenancy, other carriers' tenancies and the sectors in one transaction (all
 * or nothing, one operation id in the change log); GET by id returns the site
 * with its sectors and tenancies, each through the caller's view.
 */
export function createSitesService(registry: RegistryService, tenancies: AttachmentService) {
  /** GET /api/sites/:id: the response body as PostgreSQL wrote it for the caller's views, and the site's version. */
  async function detailBody(ctx: RequestContext, id: number): Promise<SiteDetailBody> {
    const scope = scopeOf(ctx.actor);
    assertCanRead(sitesResource, scope);
    const found = await findSiteDetailBody(registry.pool, id, scope);
    assertVisible(sitesResource, scope, found && { status: found.status, ownerCarrierId: found.ownerCarrierId }, id);
    return found!;
  }

  return {
    detailBody,

    async create(ctx: RequestContext, body: CreateSiteInput) {
      const scope = scopeOf(ctx.actor);
      assertWritePolicy(sitesResource, scope);
      const owner = body.ownerCarrierId ?? (scope.kind === 'carrier' ? scope.carrierId : undefined);
      if (owner !== undefined) assertOwns(sitesResource, scope, owner);
      const details = await registry.checkGeometry(sitesResource, body);
      if (details.length) throw new ValidationError(details);
      const id = await registry.transaction(ctx, async (w) => {
        const site = await registry.createWithin(w, sitesResource, body);
        await tenancies.createWithin(w, site, { carrierId: site.ownerCarrierId, ...(body.commissionedOn ? { since: body.commissionedOn } : {}) });
        for (const [i, tenancy] of (body.tenancies ?? []).entries()) await nested(`tenancies.${i}`, () => tenancies.createWithin(w, site, tenancy));
        for (const [i, sector] of (body.sectors ?? []).entries()) await nested(`sectors.${i}`, () => registry.createWithin(w, sectorsResource, { ...sector, siteId: site.id }));
        return Number(site.id);
      });
      // The created site as GET /api/sites/:id returns it.
      return detailBody(ctx, id);
    },
  };
}

export type SitesService = ReturnType<typeof createSitesService>;
