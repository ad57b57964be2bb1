import { check, date, index, integer, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { INDICATOR_KINDS } from '@registry/shared/enums';
import { adminUnits } from './admin-units';
import { createdAt, inList, syntheticColumns, updatedAt, version } from './common';

/** The plan's indicators, computed by the registry or reported by carriers. */
export const kpiIndicators = pgTable(
  'kpi_indicators',
  {
    code: text().primaryKey(),
    nameVi: text().notNull(),
    nameEn: text().notNull(),
    kind: text().notNull(),
    unit: text().notNull(),
    /** Upper bound a value may take (100 for percentages), or null. */
    maxValue: real(),
    /** Where the definition comes from (plan section). */
    source: text().notNull(),
    sortOrder: integer().notNull().default(0),
  },
  () => [check('kpi_indicators_kind_chk', inList('kind', INDICATOR_KINDS))],
);

/** Targets are data: per indicator, optionally per unit, for a year. */
export const kpiTargets = pgTable(
  'kpi_targets',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    indicatorCode: text()
      .notNull()
      .references(() => kpiIndicators.code, { onDelete: 'cascade' }),
    /** Null = the whole province. */
    adminUnitId: integer().references(() => adminUnits.id, { onDelete: 'cascade' }),
    year: integer().notNull(),
    targetValue: real().notNull(),
    /** For coverage indicators: a village meets it when its share reaches this (0–1). */
    thresholdShare: real(),
    source: text().notNull(),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('kpi_targets_uq').on(t.indicatorCode, sql`coalesce(admin_unit_id, 0)`, t.year),
    check('kpi_targets_threshold_chk', sql`threshold_share IS NULL OR (threshold_share >= 0 AND threshold_share <= 1)`),
  ],
);

export const kpiObservations = pgTable(
  'kpi_observations',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    indicatorCode: text()
      .notNull()
      .references(() => kpiIndicators.code, { onDelete: 'restrict' }),
    adminUnitId: integer()
      .notNull()
      .references(() => adminUnits.id, { onDelete: 'restrict' }),
    /** Period label (e.g. 2024, 2024-Q3) and its first and last day. */
    period: text().notNull(),
    periodStart: date().notNull(),
    periodEnd: date().notNull(),
    value: real().notNull(),
    source: text().notNull(),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('kpi_observations_uq').on(t.indicatorCode, t.adminUnitId, t.period),
    index('kpi_observations_unit_idx').on(t.adminUnitId),
    check('kpi_observations_period_chk', sql`period_end >= period_start`),
    check('kpi_observations_value_chk', sql`value >= 0`),
  ],
);
