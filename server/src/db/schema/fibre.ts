import { check, date, index, integer, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { ACCESS_POINT_KINDS, ASSET_STATUSES, FIBRE_ROUTE_KINDS, PLACEMENTS } from '@registry/shared/enums';
import { LIMITS } from '@registry/shared/limits';
import { geometry } from '../columns/geometry';
import { carriers } from './carriers';
import { createdAt, inList, syntheticColumns, updatedAt, validGeometry, version } from './common';

export const fibreRoutes = pgTable(
  'fibre_routes',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    code: text().notNull(),
    name: text(),
    ownerCarrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    geom: geometry('LineString').notNull(),
    kind: text().notNull(),
    placement: text().notNull(),
    fibreCount: integer().notNull(),
    status: text().notNull().default('active'),
    /** Geodesic length, maintained from geom. */
    lengthM: real(),
    /** A permitted route not reported built by then expires (permit desk). */
    permittedUntil: date(),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('fibre_routes_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('fibre_routes_geom_gix').using('gist', t.geom),
    // The permit expiry sweep looks for permitted routes past their date.
    index('fibre_routes_permitted_until_idx').on(t.permittedUntil).where(sql`status = 'permitted'`),
    check('fibre_routes_geom_valid_chk', validGeometry('geom')),
    check('fibre_routes_kind_chk', inList('kind', FIBRE_ROUTE_KINDS)),
    check('fibre_routes_placement_chk', inList('placement', PLACEMENTS)),
    check('fibre_routes_status_chk', inList('status', ASSET_STATUSES)),
    check('fibre_routes_fibre_count_chk', sql.raw(`fibre_count > 0 AND fibre_count <= ${LIMITS.fibreCountMax}`)),
  ],
);

/** Cabinet, splitter or optical distribution point: what FTTH reach is measured from. */
export const accessPoints = pgTable(
  'access_points',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    code: text().notNull(),
    ownerCarrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    geom: geometry('Point').notNull(),
    kind: text().notNull(),
    portsTotal: integer().notNull(),
    portsUsed: integer().notNull().default(0),
    status: text().notNull().default('active'),
    fibreRouteId: integer().references(() => fibreRoutes.id, { onDelete: 'set null' }),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('access_points_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('access_points_geom_gix').using('gist', t.geom),
    check('access_points_geom_valid_chk', validGeometry('geom')),
    check('access_points_kind_chk', inList('kind', ACCESS_POINT_KINDS)),
    check('access_points_status_chk', inList('status', ASSET_STATUSES)),
    check('access_points_ports_chk', sql.raw(`ports_total > 0 AND ports_total <= ${LIMITS.portsMax} AND ports_used >= 0 AND ports_used <= ports_total`)),
  ],
);
