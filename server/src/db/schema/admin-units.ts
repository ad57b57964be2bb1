import { type AnyPgColumn, boolean, check, date, index, integer, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { AREA_CLASSES } from '@registry/shared/enums';
import { geometry } from '../columns/geometry';
import { createdAt, nullOrInList, syntheticColumns, updatedAt, validGeometry, version } from './common';

/**
 * Levels are data, not code: a three-tier scheme (province → district →
 * commune) and the two-tier scheme of July 2025 (province → commune) live side
 * by side, each unit with its validity period.
 */
export const adminLevels = pgTable('admin_levels', {
  code: text().primaryKey(),
  nameVi: text().notNull(),
  nameEn: text().notNull(),
  /** 1 = province; larger numbers are finer. */
  rank: integer().notNull(),
});

export const adminUnits = pgTable(
  'admin_units',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Official GSO code (2 digits province, 3 district, 5 commune). */
    code: text().notNull(),
    name: text().notNull(),
    /** Unit type as officially named: Tỉnh, Huyện, Thành phố, Xã, Phường, Thị trấn… */
    unitType: text().notNull(),
    level: text()
      .notNull()
      .references(() => adminLevels.code, { onDelete: 'restrict' }),
    parentId: integer().references((): AnyPgColumn => adminUnits.id, { onDelete: 'restrict' }),
    boundary: geometry('MultiPolygon'),
    population: integer(),
    populationYear: integer(),
    households: integer(),
    /** Area class used by the radio model where no village class applies. */
    areaClass: text(),
    validFrom: date().notNull(),
    /** Inclusive last day; null = still valid. */
    validTo: date(),
    source: text().notNull(),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('admin_units_code_valid_from_uq').on(t.code, t.validFrom),
    index('admin_units_parent_idx').on(t.parentId),
    index('admin_units_level_idx').on(t.level),
    index('admin_units_boundary_gix').using('gist', t.boundary),
    check('admin_units_boundary_valid_chk', validGeometry('boundary')),
    check('admin_units_validity_chk', sql`valid_to IS NULL OR valid_to >= valid_from`),
    check('admin_units_population_chk', sql`population IS NULL OR population >= 0`),
    check('admin_units_households_chk', sql`households IS NULL OR households >= 0`),
    check('admin_units_area_class_chk', nullOrInList('area_class', AREA_CLASSES)),
  ],
);

/** Old unit → new unit, e.g. a plan-era commune → its July-2025 commune. */
export const adminUnitMappings = pgTable(
  'admin_unit_mappings',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    fromUnitId: integer()
      .notNull()
      .references(() => adminUnits.id, { onDelete: 'cascade' }),
    toUnitId: integer()
      .notNull()
      .references(() => adminUnits.id, { onDelete: 'cascade' }),
    /** Share of the old unit's population carried into the new one (1 = whole). */
    share: real().notNull().default(1),
    /** How the row was established: 'official', 'spatial', 'official+spatial'. */
    method: text().notNull(),
    /** The published mapping disagreed with the spatial check for this row. */
    suspect: boolean().notNull().default(false),
    note: text(),
    source: text().notNull(),
  },
  (t) => [
    uniqueIndex('admin_unit_mappings_uq').on(t.fromUnitId, t.toUnitId),
    check('admin_unit_mappings_share_chk', sql`share > 0 AND share <= 1`),
  ],
);
