import { z } from 'zod';

export const SEARCH_KINDS = ['village', 'admin_unit', 'site', 'carrier'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SearchQuery = z.object({
  /** Matched ignoring Vietnamese diacritics and case ("bac giang" finds "Bắc Giang"). */
  q: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z.object({
  kind: z.enum(SEARCH_KINDS),
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  /** Where it is (commune, district) or what it is (unit type, owner). */
  context: z.string().nullable(),
  /** [minLon, minLat, maxLon, maxLat] to zoom to; null for carriers. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResult = z.object({ items: z.array(SearchHit) });
export type SearchResult = z.infer<typeof SearchResult>;
