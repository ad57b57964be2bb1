import type pg from 'pg';
import type { HistoryQuery } from '@registry/shared/schemas/history';
import type { RequestContext } from '../../context';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors';
import { findById } from '../registry/registry.queries';
import { isVisible } from '../registry/registry.access';
import { scopeOf, type ResourceDescriptor } from '../registry/resource';
import { changesOf, listChanges } from './history.queries';

// Who reads the change log: staff (admin, planner, officer) all of it; a
// carrier the history of objects its carrier owns (the before/after images
// hold that object's confidential fields, which are its own); the public none.
// Nothing here writes: the log is append-only and has no write route.

export function createHistoryService({ pool }: { pool: pg.Pool }) {
  return {
    async list(ctx: RequestContext, query: HistoryQuery) {
      const scope = scopeOf(ctx.actor);
      if (scope.kind === 'public') throw new UnauthenticatedError();
      if (scope.kind !== 'staff') throw new ForbiddenError('Only staff read the whole change log; carriers read the history of their own objects');
      return listChanges(pool, query);
    },

    async forObject(d: ResourceDescriptor, ctx: RequestContext, id: number) {
      const scope = scopeOf(ctx.actor);
      if (scope.kind === 'public') throw new UnauthenticatedError();
      if (scope.kind === 'carrier') {
        const row = await findById(pool, d, id);
        if (!row || !isVisible(d, scope, row)) throw new NotFoundError(d.label, id);
        if (!d.owner || row[d.owner.field] !== scope.carrierId) throw new ForbiddenError("Only the owner reads an object's history");
      }
      return changesOf(pool, d.objectType, id);
    },
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
