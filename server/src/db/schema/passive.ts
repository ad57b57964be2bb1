import { check, date, index, integer, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { ASSET_STATUSES, TRENCH_KINDS } from '@registry/shared/enums';
import { LIMITS } from '@registry/shared/limits';
import { geometry } from '../columns/geometry';
import { carriers } from './carriers';
import { createdAt, inList, syntheticColumns, updatedAt, validGeometry, version } from './common';

// Shared passive infrastructure: what carriers must consult before they build.

const owned = () => ({
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  code: text().notNull(),
  ownerCarrierId: integer()
    .notNull()
    .references(() => carriers.id, { onDelete: 'restrict' }),
  status: text().notNull().default('active'),
  ...syntheticColumns(),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const poles = pgTable(
  'poles',
  {
    ...owned(),
    geom: geometry('Point').notNull(),
    heightM: real().notNull().default(8),
    material: text().notNull().default('concrete'),
    /** Cable positions (attachment points) on the pole. */
    positionsTotal: integer().notNull().default(4),
  },
  (t) => [
    uniqueIndex('poles_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('poles_geom_gix').using('gist', t.geom),
    check('poles_geom_valid_chk', validGeometry('geom')),
    check('poles_status_chk', inList('status', ASSET_STATUSES)),
    check('poles_height_chk', sql.raw(`height_m > 0 AND height_m <= ${LIMITS.heightMaxMeters}`)),
    check('poles_positions_chk', sql`positions_total > 0`),
    check('poles_material_chk', sql`material IN ('concrete', 'steel', 'wood', 'composite')`),
  ],
);

export const manholes = pgTable(
  'manholes',
  {
    ...owned(),
    geom: geometry('Point').notNull(),
    kind: text().notNull().default('manhole'),
    depthM: real(),
  },
  (t) => [
    uniqueIndex('manholes_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('manholes_geom_gix').using('gist', t.geom),
    check('manholes_geom_valid_chk', validGeometry('geom')),
    check('manholes_status_chk', inList('status', ASSET_STATUSES)),
    check('manholes_kind_chk', sql`kind IN ('manhole', 'handhole', 'chamber')`),
    check('manholes_depth_chk', sql`depth_m IS NULL OR depth_m > 0`),
  ],
);

export const conduits = pgTable(
  'conduits',
  {
    ...owned(),
    geom: geometry('LineString').notNull(),
    ductsTotal: integer().notNull(),
    ductsUsed: integer().notNull().default(0),
    diameterMm: integer(),
    lengthM: real(),
  },
  (t) => [
    uniqueIndex('conduits_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('conduits_geom_gix').using('gist', t.geom),
    check('conduits_geom_valid_chk', validGeometry('geom')),
    check('conduits_status_chk', inList('status', ASSET_STATUSES)),
    check('conduits_ducts_chk', sql.raw(`ducts_total > 0 AND ducts_total <= ${LIMITS.ductsMax} AND ducts_used >= 0 AND ducts_used <= ducts_total`)),
  ],
);

/** Trenches and utility tunnels (hào kỹ thuật, tuy-nen), told apart by kind. */
export const trenches = pgTable(
  'trenches',
  {
    ...owned(),
    geom: geometry('LineString').notNull(),
    kind: text().notNull(),
    /** Cable positions / ducts the structure offers to tenants. */
    capacityTotal: integer().notNull(),
    capacityUsed: integer().notNull().default(0),
    lengthM: real(),
  },
  (t) => [
    uniqueIndex('trenches_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('trenches_geom_gix').using('gist', t.geom),
    check('trenches_geom_valid_chk', validGeometry('geom')),
    check('trenches_status_chk', inList('status', ASSET_STATUSES)),
    check('trenches_kind_chk', inList('kind', TRENCH_KINDS)),
    check('trenches_capacity_chk', sql.raw(`capacity_total > 0 AND capacity_total <= ${LIMITS.ductsMax} AND capacity_used >= 0 AND capacity_used <= capacity_total`)),
  ],
);

/**
 * Per-tenant occupancy of a passive structure: which carrier holds which duct
 * or position. Exactly one structure reference is set; real foreign keys, so a
 * structure cannot be hard-deleted while it is occupied.
 */
export const occupancies = pgTable(
  'occupancies',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    poleId: integer().references(() => poles.id, { onDelete: 'restrict' }),
    conduitId: integer().references(() => conduits.id, { onDelete: 'restrict' }),
    trenchId: integer().references(() => trenches.id, { onDelete: 'restrict' }),
    manholeId: integer().references(() => manholes.id, { onDelete: 'restrict' }),
    carrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    /** Duct or position label, e.g. "D3" or "P2". */
    slot: text(),
    /** How many ducts / positions this row holds. */
    count: integer().notNull().default(1),
    since: date().notNull().default(sql`CURRENT_DATE`),
    until: date(),
    contractRef: text(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('occupancies_pole_idx').on(t.poleId),
    index('occupancies_conduit_idx').on(t.conduitId),
    index('occupancies_trench_idx').on(t.trenchId),
    index('occupancies_manhole_idx').on(t.manholeId),
    index('occupancies_carrier_idx').on(t.carrierId),
    check('occupancies_one_structure_chk', sql`num_nonnulls(pole_id, conduit_id, trench_id, manhole_id) = 1`),
    check('occupancies_count_chk', sql`count > 0`),
    check('occupancies_period_chk', sql`until IS NULL OR until >= since`),
  ],
);
