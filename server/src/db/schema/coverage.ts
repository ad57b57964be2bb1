import { bigint, boolean, check, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { COVERAGE_TECHNOLOGIES } from '@registry/shared/enums';
import { geometry } from '../columns/geometry';
import { users } from './accounts';
import { carriers } from './carriers';
import { createdAt, inList, updatedAt, version } from './common';
import { villages } from './villages';

/**
 * The coverage model's defaults as rows a planner can edit (MAPL per
 * technology and band, beamwidth, handset height, drop distance…), returned
 * with every result like the propagation parameters the FCC makes filers
 * disclose. `key` is dotted, e.g. `mapl.4G`, `handset_height_m`, `ftth.drop_distance_m`.
 */
export const coverageParameters = pgTable('coverage_parameters', {
  key: text().primaryKey(),
  value: real().notNull(),
  unit: text().notNull(),
  descriptionVi: text().notNull(),
  descriptionEn: text().notNull(),
  minValue: real(),
  maxValue: real(),
  updatedBy: integer().references(() => users.id, { onDelete: 'set null' }),
  version: version(),
  updatedAt: updatedAt(),
});

/** One computation pass: full or incremental, with the parameters it used. */
export const coverageRuns = pgTable(
  'coverage_runs',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    kind: text().notNull(),
    /** Snapshot of coverage_parameters used, and its hash. */
    parameters: jsonb().notNull(),
    parametersHash: text().notNull(),
    villagesComputed: integer().notNull().default(0),
    startedAt: createdAt(),
    finishedAt: timestamp({ withTimezone: true }),
    triggeredBy: integer().references(() => users.id, { onDelete: 'set null' }),
  },
  () => [check('coverage_runs_kind_chk', sql`kind IN ('full', 'incremental')`)],
);

/**
 * Stored village coverage per technology, for any carrier (carrier_id null)
 * and per carrier. Results are stored, never recomputed per request.
 */
export const villageCoverage = pgTable(
  'village_coverage',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    villageId: integer()
      .notNull()
      .references(() => villages.id, { onDelete: 'cascade' }),
    technology: text().notNull(),
    /** Null = any carrier. */
    carrierId: integer().references(() => carriers.id, { onDelete: 'cascade' }),
    coveredUnits: integer().notNull(),
    totalUnits: integer().notNull(),
    share: real().notNull(),
    meetsTarget: boolean().notNull(),
    /** The uncovered part of the village (any-carrier rows only). */
    gap: geometry('MultiPolygon'),
    runId: integer().references(() => coverageRuns.id, { onDelete: 'set null' }),
    computedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('village_coverage_uq').on(t.villageId, t.technology, sql`coalesce(carrier_id, 0)`),
    index('village_coverage_tech_idx').on(t.technology, t.meetsTarget),
    // Any-carrier shares, for tiles and OGC: an index-only read of a village's three rows instead of heap pages (the table is ~2x shared_buffers at national scale). INCLUDE added by hand in migration 0015 (drizzle-kit has no INCLUDE).
    index('village_coverage_any_idx').on(t.villageId).where(sql`carrier_id IS NULL`),
    index('village_coverage_gap_gix').using('gist', t.gap),
    check('village_coverage_technology_chk', inList('technology', COVERAGE_TECHNOLOGIES)),
    check('village_coverage_counts_chk', sql`covered_units >= 0 AND covered_units <= total_units`),
    check('village_coverage_share_chk', sql`share >= 0 AND share <= 1`),
  ],
);
