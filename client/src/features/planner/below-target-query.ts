import type { CoverageTechnology } from '@registry/shared/enums';
import { withQuery } from '../../api/client';
import type { CoverageMode } from '../../map/overlays';

// The below-target list's request, in a module of its own so main.tsx can
// start the first page for a link that opens the panel (?panel=below) without
// loading the panel's code: the prefetched answer is matched by its path.

/**
 * Rows per page of the flagged list. The first page is what the planner waits
 * for (the panel is interactive when it is drawn); more come on request. A
 * thousand rows at once was a 270 kB answer and ~6,000 DOM nodes to build
 * while the map was starting up on the same thread.
 */
export const BELOW_TARGET_PAGE = 100;

export function technologyOfMode(mode: CoverageMode): CoverageTechnology {
  return mode === 'HH_FIBRE' ? 'FTTH' : mode;
}

export interface BelowTargetQuery {
  technology: CoverageTechnology;
  adminUnitId: number | null;
  carrierId: number | null;
  cursor?: string | null;
  limit?: number;
}

/** GET path of one page of flagged villages, most uncovered households first. */
export function belowTargetPath({ technology, adminUnitId, carrierId, cursor, limit = BELOW_TARGET_PAGE }: BelowTargetQuery): string {
  return withQuery('/api/coverage/villages', { belowTarget: true, technology, adminUnitId, carrierId, sort: 'uncovered_desc', limit, cursor });
}
