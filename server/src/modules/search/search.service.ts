import type pg from 'pg';
import { foldVietnamese } from '@registry/shared/text';
import type { SearchQuery, SearchResult } from '@registry/shared/schemas/search';
import type { RequestContext } from '../../context';
import { searchAll } from './search.queries';

export interface SearchService {
  search(ctx: RequestContext, query: SearchQuery): Promise<SearchResult>;
}

export function createSearchService({ pool }: { pool: pg.Pool }): SearchService {
  return {
    async search(ctx, { q, limit }) {
      const folded = foldVietnamese(q);
      if (!folded) return { items: [] };
      // The public sees only open-data sites; any logged-in role sees every site's name and place.
      return { items: await searchAll(pool, folded, limit, ctx.actor.kind !== 'user') };
    },
  };
}
