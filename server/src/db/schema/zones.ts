import { check, date, index, integer, pgTable, real, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { ZONE_KINDS } from '@registry/shared/enums';
import { geometry } from '../columns/geometry';
import { createdAt, inList, syntheticColumns, updatedAt, validGeometry, version } from './common';

/** Planning zones: no-build areas, height limits, underground-required streets, planned tower areas. */
export const zones = pgTable(
  'zones',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    code: text().notNull().unique(),
    name: text().notNull(),
    kind: text().notNull(),
    /** Polygon for areas; LineString/MultiLineString for underground-required streets. */
    geom: geometry('Geometry').notNull(),
    /** Height limit in metres (height_limit zones). */
    maxHeightM: real(),
    /** Streets: half-width in metres within which a route counts as "in" the street. */
    bufferM: real(),
    legalBasis: text(),
    validFrom: date(),
    validTo: date(),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('zones_geom_gix').using('gist', t.geom),
    index('zones_kind_idx').on(t.kind),
    check('zones_kind_chk', inList('kind', ZONE_KINDS)),
    check('zones_geom_valid_chk', validGeometry('geom')),
    check('zones_geom_type_chk', sql`GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON', 'LINESTRING', 'MULTILINESTRING')`),
    check('zones_height_chk', sql`(kind = 'height_limit') = (max_height_m IS NOT NULL) AND (max_height_m IS NULL OR max_height_m > 0)`),
    check('zones_buffer_chk', sql`buffer_m IS NULL OR buffer_m >= 0`),
  ],
);
