import { z } from 'zod';
import { LIMITS } from '@registry/shared/limits';
import { BadRequestError } from '../errors';

// Stable keyset pagination: the cursor encodes the sort key and id of the
// last row returned, so pages neither skip nor repeat rows when others are
// inserted meanwhile. Responses carry { items, total, nextCursor }.

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});

export interface Cursor {
  /** Value of the sort column in the last row (null sorts last). */
  k: string | number | null;
  id: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.id !== 'number' || !('k' in parsed)) throw new Error('shape');
    return parsed;
  } catch {
    throw new BadRequestError('Invalid cursor', [{ path: 'cursor', message: 'Invalid cursor', reason: 'invalid_format' }]);
  }
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), nextCursor: z.string().nullable() });
}

/** Given limit+1 rows fetched, returns the page and the next cursor. */
export function toPage<T extends { id: number }>(rows: T[], limit: number, sortKey: (row: T) => string | number | null, total: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ k: sortKey(last), id: last.id }) : null;
  return { items, total, nextCursor };
}
