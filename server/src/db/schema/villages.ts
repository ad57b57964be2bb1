import { bigint, boolean, check, index, integer, pgTable, point, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { AREA_CLASSES } from '@registry/shared/enums';
import { geometry } from '../columns/geometry';
import { adminUnits } from './admin-units';
import { createdAt, inList, syntheticColumns, updatedAt, validGeometry, version } from './common';

/** Thôn / bản / tổ dân phố: the unit the plan's coverage targets count. */
export const villages = pgTable(
  'villages',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Stable public code: commune code + sequence, e.g. 07210-003. */
    code: text().notNull().unique(),
    name: text().notNull(),
    communeId: integer()
      .notNull()
      .references(() => adminUnits.id, { onDelete: 'restrict' }),
    boundary: geometry('MultiPolygon').notNull(),
    /** The same boundary in Web Mercator, kept by the database, for vector tiles (tiles.queries.ts): one ST_Transform less per village per tile. Written by no one. */
    boundary3857: geometry('MultiPolygon', 3857)
      .notNull()
      .generatedAlwaysAs(sql`ST_Transform(boundary, 3857)`),
    population: integer().notNull().default(0),
    households: integer().notNull().default(0),
    areaClass: text().notNull(),
    /** Mountainous / ethnic-minority area (xã miền núi, vùng đồng bào dân tộc thiểu số). */
    mountainous: boolean().notNull().default(false),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('villages_commune_idx').on(t.communeId),
    index('villages_boundary_gix').using('gist', t.boundary),
    check('villages_boundary_valid_chk', validGeometry('boundary')),
    check('villages_area_class_chk', inList('area_class', AREA_CLASSES)),
    check('villages_counts_chk', sql`population >= 0 AND households >= 0`),
  ],
);

/** One serviceable place (household or building); coverage is counted over these. */
export const locations = pgTable(
  'locations',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** Stable public id, e.g. L-07210-003-00042. */
    code: text().notNull().unique(),
    villageId: integer()
      .notNull()
      .references(() => villages.id, { onDelete: 'cascade' }),
    geom: geometry('Point').notNull(),
    /**
     * The same point as a plain PostgreSQL point (longitude, latitude; the
     * float8 coordinates of geom), kept by the database. Its GiST index
     * carries id, village and units (migration 0012), so a coverage edit reads
     * the locations near it from the index alone (index-only scan), not from
     * the wide heap rows.
     */
    xy: point({ mode: 'tuple' })
      .notNull()
      .generatedAlwaysAs(sql`point(ST_X(geom), ST_Y(geom))`),
    /** Households or business units at this place. */
    units: integer().notNull().default(1),
    kind: text().notNull().default('household'),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('locations_village_idx').on(t.villageId),
    index('locations_geom_gix').using('gist', t.geom),
    // INCLUDE (id, village_id, units) is added by hand in migration 0012 (drizzle-kit has no INCLUDE).
    index('locations_xy_gix').using('gist', t.xy),
    check('locations_units_chk', sql`units > 0`),
    check('locations_kind_chk', sql`kind IN ('household', 'business', 'public', 'other')`),
  ],
);
