import { bigint, boolean, check, date, index, integer, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { ASSET_STATUSES, STRUCTURE_TYPES, TECHNOLOGIES } from '@registry/shared/enums';
import { LIMITS } from '@registry/shared/limits';
import { geometry } from '../columns/geometry';
import { adminUnits } from './admin-units';
import { carriers } from './carriers';
import { createdAt, inList, syntheticColumns, updatedAt, validGeometry, version } from './common';
import { villages } from './villages';

/** A BTS site / tower / rooftop / small cell: the structure that carries antennas. */
export const sites = pgTable(
  'sites',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Public code, unique per owner carrier. */
    code: text().notNull(),
    name: text(),
    ownerCarrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    geom: geometry('Point').notNull(),
    /**
     * The same point in Web Mercator, kept by the database, for vector tiles
     * (tiles.queries.ts): ST_Transform costs ~5 µs a point, 120 ms of a
     * national z7 tile's 24,000 sites. Written by no one.
     */
    geom3857: geometry('Point', 3857)
      .notNull()
      .generatedAlwaysAs(sql`ST_Transform(geom, 3857)`),
    structureType: text().notNull(),
    heightM: real().notNull(),
    /** How many carriers' equipment the structure can carry, the owner included. */
    tenantCapacity: integer().notNull().default(1),
    status: text().notNull().default('active'),
    /** Village and commune the site stands in, maintained from geom. */
    villageId: integer().references(() => villages.id, { onDelete: 'set null' }),
    adminUnitId: integer().references(() => adminUnits.id, { onDelete: 'set null' }),
    address: text(),
    commissionedOn: date(),
    /** A permitted site not built by then expires (permit desk). */
    permittedUntil: date(),
    /** Confidential commercial fields: owner, planners, officers, admins only. */
    contractRef: text(),
    monthlyRentVnd: bigint({ mode: 'number' }),
    privateContact: text(),
    /** Shown on the public open-data map. */
    isPublic: boolean().notNull().default(true),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sites_owner_code_uq').on(t.ownerCarrierId, t.code),
    index('sites_geom_gix').using('gist', t.geom),
    index('sites_status_idx').on(t.status),
    index('sites_admin_unit_idx').on(t.adminUnitId),
    index('sites_village_idx').on(t.villageId),
    check('sites_geom_valid_chk', validGeometry('geom')),
    check('sites_structure_type_chk', inList('structure_type', STRUCTURE_TYPES)),
    check('sites_status_chk', inList('status', ASSET_STATUSES)),
    check('sites_height_chk', sql.raw(`height_m > 0 AND height_m <= ${LIMITS.heightMaxMeters}`)),
    check('sites_tenant_capacity_chk', sql.raw(`tenant_capacity >= 1 AND tenant_capacity <= ${LIMITS.tenantCapacityMax}`)),
    check('sites_rent_chk', sql`monthly_rent_vnd IS NULL OR monthly_rent_vnd >= 0`),
  ],
);

/** Which carriers have equipment on a site, since when. The owner has a row too. */
export const siteTenancies = pgTable(
  'site_tenancies',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer()
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    carrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    since: date().notNull().default(sql`CURRENT_DATE`),
    /** Null while the tenancy runs. */
    until: date(),
    /** Mounting position(s) on the structure, free text (e.g. "30 m, 3 panels"). */
    position: text(),
    /** Confidential: the two parties, planners, officers and admins. */
    contractRef: text(),
    monthlyRentVnd: bigint({ mode: 'number' }),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('site_tenancies_active_uq').on(t.siteId, t.carrierId).where(sql`until IS NULL`),
    index('site_tenancies_carrier_idx').on(t.carrierId),
    // The partial unique index covers only running tenancies; deletes of sites
    // and the sharing counts need every row of a site.
    index('site_tenancies_site_idx').on(t.siteId),
    check('site_tenancies_period_chk', sql`until IS NULL OR until >= since`),
  ],
);

/** A sector (cell) on a site: one carrier, one technology, one band, one direction. */
export const sectors = pgTable(
  'sectors',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer()
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    carrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    /** Public code, unique per carrier (the carrier's cell id). */
    code: text().notNull(),
    technology: text().notNull(),
    bandMhz: real().notNull(),
    azimuthDeg: real().notNull().default(0),
    /** 360 = omnidirectional. */
    beamwidthDeg: real().notNull().default(65),
    antennaHeightM: real().notNull(),
    tiltDeg: real().notNull().default(0),
    /** Overrides the configured maximum allowable path loss when set. */
    maplDb: real(),
    status: text().notNull().default('active'),
    /** Derived by the coverage engine: range and footprint (wedge or disc). */
    rangeM: real(),
    footprint: geometry('Polygon'),
    footprintModel: text(),
    /** OpenCelliD or carrier cell identity where known: mcc-mnc-area-cell. */
    cellIdentity: text(),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sectors_carrier_code_uq').on(t.carrierId, t.code),
    index('sectors_site_idx').on(t.siteId),
    index('sectors_footprint_gix').using('gist', t.footprint),
    index('sectors_technology_idx').on(t.technology),
    check('sectors_technology_chk', inList('technology', TECHNOLOGIES)),
    check('sectors_status_chk', inList('status', ASSET_STATUSES)),
    check('sectors_band_chk', sql.raw(`band_mhz >= ${LIMITS.bandMinMHz} AND band_mhz <= ${LIMITS.bandMaxMHz}`)),
    check('sectors_azimuth_chk', sql`azimuth_deg >= 0 AND azimuth_deg <= 360`),
    check('sectors_beamwidth_chk', sql`beamwidth_deg > 0 AND beamwidth_deg <= 360`),
    check('sectors_antenna_height_chk', sql.raw(`antenna_height_m > 0 AND antenna_height_m <= ${LIMITS.antennaHeightMaxMeters}`)),
    check('sectors_tilt_chk', sql`tilt_deg >= -90 AND tilt_deg <= 90`),
    check('sectors_mapl_chk', sql.raw(`mapl_db IS NULL OR (mapl_db >= ${LIMITS.maplMinDb} AND mapl_db <= ${LIMITS.maplMaxDb})`)),
    check('sectors_range_chk', sql`range_m IS NULL OR range_m >= 0`),
    check('sectors_footprint_valid_chk', validGeometry('footprint')),
  ],
);

export type SiteRow = typeof sites.$inferSelect;
export type SectorRow = typeof sectors.$inferSelect;
