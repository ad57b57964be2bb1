// Coverage engine SQL. Every statement is plain SQL text with $n parameters,
// run through a Runner so that the same text serves a pg Pool/client (full
// recompute, scripts, benchmark) and a drizzle handle or transaction (the
// registry's write transactions). Heavy spatial work is set-based here; the
// radio model (range, wedge) is computed in TypeScript (shared/src/radio).
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import { utmEpsgForLonLat } from '@registry/shared/radio/wedge';
import type { DbOrTx } from '../../db/client';
import { accessPointReachSql } from './coverage.roads';
import { villagesViaCounterpartSql } from './coverage.summary';

export interface Runner {
  /**
   * `name` makes it a prepared statement of the connection (parsed and
   * planned once per connection): only for constant text.
   */
  query<T extends object>(text: string, params?: unknown[], name?: string): Promise<T[]>;
}

/** A pg Pool or PoolClient as a Runner. */
export function pgRunner(client: pg.Pool | pg.PoolClient | pg.Client): Runner {
  return {
    async query<T extends object>(text: string, params: unknown[] = [], name?: string) {
      const r = name ? await client.query({ name, text, values: params }) : await client.query(text, params);
      return r.rows as T[];
    },
  };
}

/** Builds a drizzle SQL object from text with $1…$n placeholders. */
export function textToSql(text: string, params: unknown[]): SQL {
  const chunks: SQL[] = [];
  const re = /\$(\d+)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    chunks.push(sql.raw(text.slice(last, m.index)));
    chunks.push(sql`${sql.param(params[Number(m[1]) - 1])}`);
    last = m.index + m[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks, sql.raw(''));
}

/** The pg connection under a drizzle handle or transaction bound to one (node-postgres driver), else null. */
function pgClientOf(db: DbOrTx): pg.PoolClient | pg.Client | null {
  const client = (db._.session as unknown as { client?: unknown }).client;
  if (!client || typeof client !== 'object' || !('query' in client) || typeof client.query !== 'function') return null;
  // A Pool would run each statement on any connection: never for named statements.
  if ('totalCount' in client) return null;
  return client as pg.PoolClient;
}

/** A drizzle database or transaction handle as a Runner (named statements go straight to its connection). */
export function drizzleRunner(db: DbOrTx): Runner {
  const client = pgClientOf(db);
  return {
    async query<T extends object>(text: string, params: unknown[] = [], name?: string) {
      if (name && client) return (await client.query({ name, text, values: params })).rows as T[];
      const r = await db.execute(textToSql(text, params));
      return r.rows as T[];
    },
  };
}

// ---------------------------------------------------------------- parameters

export interface ParameterRow {
  key: string;
  value: number;
  unit: string;
  descriptionVi: string;
  descriptionEn: string;
  minValue: number | null;
  maxValue: number | null;
  updatedAt: string;
}

export async function selectParameterRows(db: Runner): Promise<ParameterRow[]> {
  return db.query<ParameterRow>(
    `SELECT key, value, unit, description_vi AS "descriptionVi", description_en AS "descriptionEn",
            min_value AS "minValue", max_value AS "maxValue", updated_at::text AS "updatedAt"
       FROM coverage_parameters ORDER BY key`,
  );
}

export function parameterMap(rows: readonly Pick<ParameterRow, 'key' | 'value'>[]): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Stable hash of a parameter set: sha256 over the sorted key=value list. */
export function parametersHash(params: Record<string, number>): string {
  const text = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export async function updateParameterValue(db: Runner, key: string, value: number, userId: number | null): Promise<ParameterRow | null> {
  const rows = await db.query<ParameterRow>(
    `UPDATE coverage_parameters SET value = $2, updated_by = $3, version = version + 1, updated_at = now()
      WHERE key = $1
      RETURNING key, value, unit, description_vi AS "descriptionVi", description_en AS "descriptionEn",
                min_value AS "minValue", max_value AS "maxValue", updated_at::text AS "updatedAt"`,
    [key, value, userId],
  );
  return rows[0] ?? null;
}

/**
 * The metric CRS for footprints: settings.metric_srid when set (a number,
 * "EPSG:n" or {"srid": n}), else the UTM zone of the villages' centre, else
 * of the sites' centre. Chosen from the data, never hard-coded.
 */
export async function selectMetricSrid(db: Runner): Promise<number> {
  const srid = await selectMetricSridOrNull(db);
  if (srid === null) throw new Error('no metric CRS: settings.metric_srid is not set and there are no villages or sites to choose a UTM zone from');
  return srid;
}

/** As selectMetricSrid, null when the database holds nothing to choose from. */
export async function selectMetricSridOrNull(db: Runner): Promise<number | null> {
  const setting = await db.query<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'metric_srid'`);
  const fromSetting = parseSrid(setting[0]?.value);
  if (fromSetting) return fromSetting;
  // Only without the setting: the centre of the villages' (else the sites') extent.
  const rows = await db.query<{ vx: number | null; vy: number | null; sx: number | null; sy: number | null }>(
    `SELECT ST_X(v.c) AS vx, ST_Y(v.c) AS vy, ST_X(s.c) AS sx, ST_Y(s.c) AS sy
       FROM (SELECT ST_Centroid(ST_Extent(boundary)::geometry) AS c FROM villages) v,
            (SELECT ST_Centroid(ST_Extent(geom)::geometry) AS c FROM sites) s`,
  );
  const row = rows[0];
  if (row?.vx != null && row.vy != null) return utmEpsgForLonLat(row.vx, row.vy);
  if (row?.sx != null && row.sy != null) return utmEpsgForLonLat(row.sx, row.sy);
  return null;
}

/** The metric SRID a settings.metric_srid value names (a number, "EPSG:n" or {"srid": n}), else null. */
export function parseSrid(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string') {
    const m = /^(?:EPSG:)?(\d{4,6})$/i.exec(value.trim());
    return m ? Number(m[1]) : null;
  }
  if (value && typeof value === 'object' && 'srid' in value) return parseSrid((value as { srid: unknown }).srid);
  return null;
}

// ------------------------------------------------------------------ sectors

export interface SectorRadioRow {
  id: number;
  technology: '2G' | '3G' | '4G' | '5G';
  bandMhz: number;
  azimuthDeg: number;
  beamwidthDeg: number;
  antennaHeightM: number;
  maplDb: number | null;
  areaClass: 'urban' | 'suburban' | 'rural';
  rangeM: number | null;
  footprintModel: string | null;
}

const RADIO_INPUTS_SQL = (where: string) => `
  SELECT s.id, s.technology, s.band_mhz AS "bandMhz", s.azimuth_deg AS "azimuthDeg", s.beamwidth_deg AS "beamwidthDeg",
         s.antenna_height_m AS "antennaHeightM", s.mapl_db AS "maplDb", s.range_m AS "rangeM", s.footprint_model AS "footprintModel",
         coalesce(v.area_class, vp.area_class, au.area_class, 'rural') AS "areaClass"
    FROM sectors s
    JOIN sites st ON st.id = s.site_id
    LEFT JOIN villages v ON v.id = st.village_id
    LEFT JOIN LATERAL (SELECT area_class FROM villages x WHERE st.village_id IS NULL AND ST_Covers(x.boundary, st.geom) LIMIT 1) vp ON true
    LEFT JOIN admin_units au ON au.id = st.admin_unit_id
   WHERE ${where}`;

/**
 * Radio inputs of sectors (all when ids is null). The area class is the
 * site's village's; a site with no village takes the village containing it,
 * then its commune's class, then rural.
 */
export async function selectSectorRadioInputs(db: Runner, sectorIds: number[] | null): Promise<SectorRadioRow[]> {
  return db.query<SectorRadioRow>(RADIO_INPUTS_SQL('$1::int[] IS NULL OR s.id = ANY($1::int[])'), [sectorIds]);
}

export interface DerivedFootprint {
  id: number;
  rangeM: number;
  model: string;
  /** Ring in local metres around the antenna, WKT; null when the range is 0. */
  ringWkt: string | null;
}

/** A derived footprint (alias f) differs from the sector's stored one (alias s). */
export const FOOTPRINT_CHANGED_SQL = `s.range_m IS DISTINCT FROM f.range_m::real OR s.footprint_model IS DISTINCT FROM f.model
  OR (s.footprint IS NULL) <> (f.footprint IS NULL) OR NOT ST_OrderingEquals(s.footprint, f.footprint)`;

// ------------------------------------------------------------- contributors

/**
 * The contributors the inventory implies:
 *  - an active 4G or 5G sector on an active site, with a footprint, gives a
 *    '4G' row ("4G or better"); a 5G sector also gives a '5G' row;
 *  - an active access point with a free port (ports_used < ports_total), not
 *    fed by a decommissioned route, gives an 'FTTH' row whose reach is the
 *    drop-distance disc ($3: ring in local metres) around it ($4: metric SRID),
 *    or, with ftth.road_network = 1, its road footprint staged beforehand in
 *    coverage_{build,edit}_road_reaches (coverage.roads.ts).
 * source 'build': every source, the sectors' footprints taken from
 * coverage_build_footprints (the full recompute); 'edit': the sectors $1 and
 * access points $2, the sectors' footprints from the CTE f (derived in the
 * same statement; a sector not in f keeps its stored one).
 */
export function contributorsSql(source: 'build' | 'edit'): string {
  const sectorJoin = source === 'build' ? 'JOIN coverage_build_footprints f ON f.id = s.id' : 'LEFT JOIN f ON f.id = s.id';
  const footprint = source === 'build' ? 'f.footprint' : 'CASE WHEN f.id IS NOT NULL THEN f.footprint ELSE s.footprint END';
  return `
  SELECT 'sector'::text AS kind, s.id AS source_id, s.site_id, t.technology, s.carrier_id, x.reach
    FROM sectors s
    JOIN sites st ON st.id = s.site_id
    ${sectorJoin}
    CROSS JOIN LATERAL (SELECT ${footprint} AS reach) x
    CROSS JOIN LATERAL (VALUES ('4G'), ('5G')) AS t(technology)
   WHERE s.status = 'active' AND st.status = 'active' AND x.reach IS NOT NULL
     AND s.technology IN ('4G', '5G') AND (t.technology = '4G' OR s.technology = '5G')
     ${source === 'edit' ? 'AND s.id = ANY($1::int[])' : ''}
  UNION ALL
  SELECT 'access_point', a.id, NULL::int, 'FTTH', a.owner_carrier_id,
         ${accessPointReachSql(source, 'a', 'ST_Transform(ST_SetSRID(ST_Translate(ST_GeomFromText($3::text), ST_X(m.g), ST_Y(m.g)), $4::int), 4326)')}
    FROM access_points a
    CROSS JOIN LATERAL (SELECT ST_Transform(a.geom, $4::int) AS g) m
    LEFT JOIN fibre_routes r ON r.id = a.fibre_route_id
   WHERE a.status = 'active' AND a.ports_used < a.ports_total AND (r.id IS NULL OR r.status <> 'decommissioned')
     ${source === 'edit' ? 'AND a.id = ANY($2::int[])' : ''}`;
}

// --------------------------------------------------------------- one edit
//
// An edit's recompute is four statements (coverage.recompute.ts:
// recomputeSources): the lock; the model context with the sources and their
// radio inputs; the footprints written, the contributor rows swapped and the
// data near the change read; the counts, shares and gaps applied. Each
// statement used to be several round trips (about twenty per edit).

/** Advisory lock keys: the coverage lock (every writer of stored coverage) and the marker a full recompute holds while it builds. */
export const COVERAGE_LOCK = 7007001;
export const BUILD_MARKER = 7007002;

/**
 * Takes the coverage lock (own statement: what follows must read after it),
 * turns JIT off for the rest of the transaction and tells whether a full
 * recompute is building (its marker is held): the edit must then log what it
 * touched for the build's final step. When no build is running the marker is
 * held shared until commit, so a build starting now waits for this edit.
 */
export async function lockForEdit(db: Runner): Promise<{ settingsBefore: EditSettings; fullBuilding: boolean }> {
  const r = await db.query<{ jit: string; planCacheMode: string; fullBuilding: boolean }>(
    `SELECT pg_advisory_xact_lock(${COVERAGE_LOCK}) IS NULL AS locked,
            NOT pg_try_advisory_xact_lock_shared(${BUILD_MARKER}) AS "fullBuilding",
            current_setting('jit') AS jit, current_setting('plan_cache_mode') AS "planCacheMode",
            set_config('jit', 'off', true) IS NULL AS off, set_config('plan_cache_mode', 'force_generic_plan', true) IS NULL AS generic`,
    [],
    'coverage_edit_lock',
  );
  return { settingsBefore: { jit: r[0]?.jit ?? 'on', planCacheMode: r[0]?.planCacheMode ?? 'auto' }, fullBuilding: r[0]?.fullBuilding ?? false };
}

/**
 * Settings an edit changes for its own statements and restores at its end:
 * JIT off (compiling cost more than running), and generic plans for its named
 * statements (planned once per connection: planning them cost more than
 * running them, ~15 ms each under load).
 */
export interface EditSettings {
  jit: string;
  planCacheMode: string;
}

export async function restoreEditSettings(db: Runner, s: EditSettings): Promise<void> {
  await db.query(`SELECT set_config('jit', $1, true), set_config('plan_cache_mode', $2, true)`, [s.jit, s.planCacheMode]);
}

export interface EditContext {
  params: Record<string, number>;
  sridSetting: unknown;
  sectorIds: number[];
  accessPointIds: number[];
  radio: SectorRadioRow[];
}

/**
 * In one statement: the parameters, the metric CRS setting, the sources an
 * edit touches (the given ones, those of the given sites and routes, and the
 * engine's old rows of the sites) and the radio inputs of those sectors.
 * Empty id lists skip their look-ups (a one-time filter), so a site edit
 * never scans access points.
 */
export async function selectEditContext(
  db: Runner,
  change: { sectorIds: number[]; siteIds: number[]; accessPointIds: number[]; routeIds: number[] },
): Promise<EditContext> {
  const rows = await db.query<{ params: Record<string, number> | null; sridSetting: unknown; sectorIds: number[] | null; accessPointIds: number[] | null; radio: SectorRadioRow[] | null }>(
    `WITH src AS (
       SELECT ARRAY(
                SELECT unnest($1::int[])
                UNION SELECT id FROM sectors WHERE cardinality($2::int[]) > 0 AND site_id = ANY($2::int[])
                UNION SELECT source_id FROM coverage_contributors WHERE cardinality($2::int[]) > 0 AND kind = 'sector' AND site_id = ANY($2::int[])
              ) AS sector_ids,
              ARRAY(
                SELECT unnest($3::int[])
                UNION SELECT id FROM access_points WHERE cardinality($4::int[]) > 0 AND fibre_route_id = ANY($4::int[])
              ) AS ap_ids)
     SELECT (SELECT json_object_agg(key, value) FROM coverage_parameters) AS params,
            (SELECT value FROM settings WHERE key = 'metric_srid') AS "sridSetting",
            src.sector_ids AS "sectorIds", src.ap_ids AS "accessPointIds",
            (SELECT json_agg(r) FROM (${RADIO_INPUTS_SQL('s.id = ANY(src.sector_ids)')}) r) AS radio
       FROM src`,
    [change.sectorIds, change.siteIds, change.accessPointIds, change.routeIds],
    'coverage_edit_context',
  );
  const r = rows[0];
  return { params: r?.params ?? {}, sridSetting: r?.sridSetting ?? null, sectorIds: r?.sectorIds ?? [], accessPointIds: r?.accessPointIds ?? [], radio: r?.radio ?? [] };
}

export interface CoverageDelta {
  kind: 'delta' | 'gap';
  villageId: number;
  technology: string;
  /** 0 = any carrier. */
  carrierId: number;
  deltaUnits: number;
}

export interface ContributorWkb {
  side: 'old' | 'new' | 'now';
  /** The stored row's id ('old' and 'now'). */
  id: string | null;
  kind: 'sector' | 'access_point';
  sourceId: number;
  technology: string;
  carrierId: number;
  /** The reach as ISO WKB (EPSG:4326). */
  wkb: Buffer;
}

export interface EditSwap {
  contributors: ContributorWkb[];
  locations: { v: number; u: number; x: number; y: number }[];
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * One statement: writes the derived footprints of the edited sectors, swaps
 * the engine's rows of the edited sources (old rows deleted, the rows the
 * inventory implies now inserted, the sectors' reach taken from the footprints
 * just derived), logs the edit when a full recompute is building, and reads
 * what the count needs near the change: the stored rows ('now': the state
 * before this statement, old rows included) and the locations within the
 * reaches' boxes, or within their common extent when it is not much larger
 * than their sum (a site's sectors before and after a move overlap: one index
 * scan, no location read several times). The locations come from the covering
 * index locations_xy_gix alone (an index-only scan: migration 0012); xy holds
 * geom's own float8 coordinates.
 * $1 sector ids, $2 access point ids, $3 drop-disc WKT, $4 metric SRID,
 * $5…$8 derived footprints (ids, ranges, models, ring WKT or null),
 * $9 whether to log, $10 site ids, $11 route ids (for the log).
 */
export async function swapEditRows(
  db: Runner,
  e: { sectorIds: number[]; accessPointIds: number[]; discWkt: string; srid: number; derived: DerivedFootprint[]; log: boolean; siteIds: number[]; routeIds: number[] },
): Promise<EditSwap> {
  const rows = await db.query<ContributorWkb>(
    `WITH
     f AS MATERIALIZED (
       SELECT d.id, d.range_m, d.model,
              CASE WHEN d.wkt IS NULL THEN NULL ELSE
                ST_Transform(ST_SetSRID(ST_Translate(ST_GeomFromText(d.wkt), ST_X(p.m), ST_Y(p.m)), $4::int), 4326) END AS footprint
         FROM unnest($5::int[], $6::float8[], $7::text[], $8::text[]) AS d(id, range_m, model, wkt)
         JOIN sectors s ON s.id = d.id JOIN sites st ON st.id = s.site_id
         CROSS JOIN LATERAL (SELECT ST_Transform(st.geom, $4::int) AS m) p),
     u AS (
       UPDATE sectors s SET range_m = f.range_m, footprint_model = f.model, footprint = f.footprint
         FROM f
        WHERE s.id = f.id AND (${FOOTPRINT_CHANGED_SQL})
       RETURNING 1),
     old AS (
       DELETE FROM coverage_contributors
        WHERE (kind = 'sector' AND source_id = ANY($1::int[])) OR (kind = 'access_point' AND source_id = ANY($2::int[]))
       RETURNING id, kind, source_id, technology, carrier_id, reach),
     new AS (
       INSERT INTO coverage_contributors (kind, source_id, site_id, technology, carrier_id, reach)
       SELECT kind, source_id, site_id, technology, carrier_id, reach FROM (${contributorsSql('edit')}) c
       RETURNING kind, source_id, technology, carrier_id, reach),
     logged AS (
       INSERT INTO coverage_pending_edits (sector_ids, site_ids, access_point_ids, route_ids)
       SELECT $1::int[], $10::int[], $2::int[], $11::int[] WHERE $9::boolean
       RETURNING 1),
     r AS (SELECT reach FROM old UNION ALL SELECT reach FROM new),
     ext AS (SELECT ST_Extent(reach)::geometry AS e, sum(ST_Area(box2d(reach)::geometry)) AS boxes FROM r),
     boxes AS (
       SELECT e AS b FROM ext WHERE ST_Area(e) <= 2 * boxes
       UNION ALL SELECT box2d(r.reach)::geometry FROM r, ext WHERE NOT (ST_Area(ext.e) <= 2 * ext.boxes)),
     tech AS (SELECT technology FROM old UNION SELECT technology FROM new),
     near AS (
       SELECT DISTINCT ON (c.id) c.id, c.kind, c.source_id, c.technology, c.carrier_id, c.reach
         FROM (SELECT c.* FROM boxes JOIN coverage_contributors c ON c.reach && boxes.b
                WHERE c.technology = 'FTTH' AND EXISTS (SELECT 1 FROM tech WHERE technology = 'FTTH')
               UNION ALL
               SELECT c.* FROM boxes JOIN coverage_contributors c ON c.reach && boxes.b
                WHERE c.technology IN ('4G', '5G') AND c.technology IN (SELECT technology FROM tech WHERE technology <> 'FTTH')) c
        ORDER BY c.id),
     loc AS (
       SELECT DISTINCT ON (l.id) l.village_id AS v, l.units AS u, l.xy[0] AS x, l.xy[1] AS y
         FROM boxes JOIN locations l ON l.xy <@ box(boxes.b)
        ORDER BY l.id)
     SELECT 'old' AS side, id::text AS id, kind, source_id AS "sourceId", technology, carrier_id AS "carrierId", ST_AsBinary(reach) AS wkb FROM old
     UNION ALL
     SELECT 'new', NULL, kind, source_id, technology, carrier_id, ST_AsBinary(reach) FROM new
     UNION ALL
     SELECT 'now', id::text, kind, source_id, technology, carrier_id, ST_AsBinary(reach) FROM near
     UNION ALL
     -- The locations packed into one value (24 bytes each, big-endian: village,
     -- units, x, y as float8 bits): one row to parse instead of ~1,000.
     SELECT 'loc', NULL, NULL, NULL, NULL, NULL, string_agg(int4send(v) || int4send(u) || float8send(x) || float8send(y), ''::bytea) FROM loc`,
    [
      e.sectorIds,
      e.accessPointIds,
      e.discWkt,
      e.srid,
      e.derived.map((x) => x.id),
      e.derived.map((x) => x.rangeM),
      e.derived.map((x) => x.model),
      e.derived.map((x) => x.ringWkt),
      e.log,
      e.siteIds,
      e.routeIds,
    ],
    'coverage_edit_swap',
  );
  const contributors: ContributorWkb[] = [];
  const locations: EditSwap['locations'] = [];
  for (const row of rows) {
    if ((row.side as string) === 'loc') {
      const b = row.wkb as Buffer | null;
      for (let o = 0; b && o + 24 <= b.length; o += 24) locations.push({ v: b.readInt32BE(o), u: b.readInt32BE(o + 4), x: b.readDoubleBE(o + 8), y: b.readDoubleBE(o + 16) });
    } else contributors.push({ side: row.side, id: row.id, kind: row.kind, sourceId: row.sourceId, technology: row.technology, carrierId: row.carrierId, wkb: row.wkb });
  }
  return { contributors, locations };
}

export interface GapRegion {
  old: Buffer | null;
  new: Buffer | null;
  sameCarrier: boolean;
  technology: string;
}

/**
 * One statement applying an edit's result: the run row; covered units, share
 * and meets-target of the touched rows (per-carrier rows created, or dropped
 * when back at zero); and the gap of the any-carrier rows whose count changed
 * or whose village meets the region where a source's reach changed (same
 * carrier: the symmetric difference of old and new reach; else both; a source
 * that came or went: its reach). Villages never computed (fewer than three
 * any-carrier rows) are left alone and returned as fresh, for a full
 * computation of their own. Restores jit ($13) and plan_cache_mode ($14) at the end.
 */
export async function applyEdit(
  db: Runner,
  e: { deltas: CoverageDelta[]; regions: GapRegion[]; params: Record<string, number>; triggeredBy: number | null; thresholdDefault: number; settingsBefore: EditSettings },
): Promise<{ runId: number | null; villageIds: number[]; fresh: number[] }> {
  const d = e.deltas;
  const threshold = (alias: string) => thresholdSql('v', `${alias}.technology`, '$12::real');
  const share = (covered: string, total: string) => `CASE WHEN ${total} > 0 THEN (${covered})::real / ${total} ELSE 0 END`;
  const meets = (covered: string, total: string, alias: string) => `${total} > 0 AND (${covered})::real / ${total} >= ${threshold(alias)}`;
  const rows = await db.query<{ runId: number | null; villageIds: number[] | null; fresh: number[] | null }>(
    `WITH
     d AS (SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[]) AS d(village_id, technology, carrier_id, delta)),
     g AS (
       SELECT technology, CASE WHEN o IS NULL THEN n WHEN n IS NULL THEN o WHEN same THEN ST_SymDifference(o, n) ELSE ST_Union(o, n) END AS region
         FROM (SELECT ST_GeomFromWKB(o, 4326) AS o, ST_GeomFromWKB(n, 4326) AS n, same, technology
                 FROM unnest($5::bytea[], $6::bytea[], $7::boolean[], $8::text[]) AS u(o, n, same, technology)) x),
     gp AS (
       SELECT DISTINCT v.id AS village_id, g.technology
         FROM g JOIN villages v ON ST_Intersects(v.boundary, g.region)
        WHERE NOT ST_IsEmpty(g.region)),
     touched AS (SELECT village_id FROM d UNION SELECT village_id FROM gp),
     fresh AS (
       SELECT t.village_id FROM touched t
        WHERE (SELECT count(*) FROM village_coverage vc WHERE vc.village_id = t.village_id AND vc.carrier_id IS NULL) < 3),
     run AS (
       INSERT INTO coverage_runs (kind, parameters, parameters_hash, triggered_by, finished_at, villages_computed)
       SELECT 'incremental', $9::jsonb, $10, $11, clock_timestamp(), (SELECT count(*) FROM touched)
        WHERE EXISTS (SELECT 1 FROM touched)
       RETURNING id),
     anyp AS (
       SELECT village_id, technology, sum(delta)::int AS delta FROM (
         SELECT village_id, technology, delta FROM d WHERE carrier_id = 0
         UNION ALL SELECT village_id, technology, 0 FROM gp) x
        WHERE village_id NOT IN (SELECT village_id FROM fresh)
        GROUP BY village_id, technology),
     upd_any AS (
       UPDATE village_coverage vc SET
              covered_units = vc.covered_units + p.delta,
              share = ${share('vc.covered_units + p.delta', 'vc.total_units')},
              meets_target = ${meets('vc.covered_units + p.delta', 'vc.total_units', 'vc')},
              gap = CASE WHEN NOT (vc.total_units > 0 AND vc.covered_units + p.delta >= vc.total_units) THEN ${gapSql('v', 'vc.technology')} END,
              run_id = (SELECT id FROM run), computed_at = now()
         FROM anyp p JOIN villages v ON v.id = p.village_id
        WHERE vc.village_id = p.village_id AND vc.technology = p.technology AND vc.carrier_id IS NULL
       RETURNING 1),
     cd AS (SELECT * FROM d WHERE carrier_id <> 0 AND village_id NOT IN (SELECT village_id FROM fresh)),
     upd_c AS (
       UPDATE village_coverage vc SET
              covered_units = vc.covered_units + c.delta,
              share = ${share('vc.covered_units + c.delta', 'vc.total_units')},
              meets_target = ${meets('vc.covered_units + c.delta', 'vc.total_units', 'vc')},
              run_id = (SELECT id FROM run), computed_at = now()
         FROM cd c JOIN villages v ON v.id = c.village_id
        WHERE vc.village_id = c.village_id AND vc.technology = c.technology AND vc.carrier_id = c.carrier_id AND vc.covered_units + c.delta > 0
       RETURNING 1),
     del_c AS (
       DELETE FROM village_coverage vc USING cd c
        WHERE vc.village_id = c.village_id AND vc.technology = c.technology AND vc.carrier_id = c.carrier_id AND vc.covered_units + c.delta <= 0
       RETURNING 1),
     ins_c AS (
       INSERT INTO village_coverage (village_id, technology, carrier_id, covered_units, total_units, share, meets_target, run_id, computed_at)
       SELECT cx.village_id, cx.technology, cx.carrier_id, cx.delta, a.total_units,
              ${share('cx.delta', 'a.total_units')}, ${meets('cx.delta', 'a.total_units', 'cx')}, (SELECT id FROM run), now()
         FROM cd cx
         JOIN village_coverage a ON a.village_id = cx.village_id AND a.technology = cx.technology AND a.carrier_id IS NULL
         JOIN villages v ON v.id = cx.village_id
        WHERE cx.delta > 0
          AND NOT EXISTS (SELECT 1 FROM village_coverage x WHERE x.village_id = cx.village_id AND x.technology = cx.technology AND x.carrier_id = cx.carrier_id)
       RETURNING 1)
     SELECT (SELECT id FROM run) AS "runId", ARRAY(SELECT village_id FROM touched) AS "villageIds", ARRAY(SELECT village_id FROM fresh) AS fresh,
            set_config('jit', $13, true) IS NULL AS jit, set_config('plan_cache_mode', $14, true) IS NULL AS plans`,
    [
      d.map((x) => x.villageId),
      d.map((x) => x.technology),
      d.map((x) => x.carrierId),
      d.map((x) => x.deltaUnits),
      e.regions.map((x) => x.old),
      e.regions.map((x) => x.new),
      e.regions.map((x) => x.sameCarrier),
      e.regions.map((x) => x.technology),
      JSON.stringify(e.params),
      parametersHash(e.params),
      e.triggeredBy,
      e.thresholdDefault,
      e.settingsBefore.jit,
      e.settingsBefore.planCacheMode,
    ],
    'coverage_edit_apply',
  );
  const r = rows[0];
  return { runId: r?.runId ?? null, villageIds: r?.villageIds ?? [], fresh: r?.fresh ?? [] };
}

// ---------------------------------------------------------- village results

/**
 * The threshold share a village must reach for a technology: the most
 * specific kpi_targets row (commune, then district, then province, then the
 * whole dataset; latest year first) of the technology's indicator, else the
 * coverage parameter target.threshold_share. 4G → villages_mobile_broadband_pct,
 * FTTH → villages_ftth_pct; 5G has no plan indicator and uses the parameter.
 * Expects v (villages) and a technology expression; $T is the parameter's value.
 */
export function thresholdSql(villageAlias: string, technologyExpr: string, defaultParam: string): string {
  return `coalesce((
      SELECT k.threshold_share FROM kpi_targets k
        JOIN admin_units c ON c.id = ${villageAlias}.commune_id
        LEFT JOIN admin_units d ON d.id = c.parent_id
       WHERE k.threshold_share IS NOT NULL
         AND k.indicator_code = CASE ${technologyExpr} WHEN '4G' THEN 'villages_mobile_broadband_pct' WHEN 'FTTH' THEN 'villages_ftth_pct' END
         AND (k.admin_unit_id IS NULL OR k.admin_unit_id IN (c.id, c.parent_id, d.parent_id))
       ORDER BY CASE WHEN k.admin_unit_id = c.id THEN 0 WHEN k.admin_unit_id = c.parent_id THEN 1 WHEN k.admin_unit_id = d.parent_id THEN 2 ELSE 3 END, k.year DESC
       LIMIT 1), ${defaultParam})`;
}

/**
 * The uncovered part of a village: its boundary less the union of the
 * reaches of a technology (null when nothing is left). Only reaches that meet
 * the village take part (the bounding-box match alone let in about a third
 * more, each costing overlay work); each is first clipped to the village's
 * box (ST_ClipByBox2D: cheap, no overlay; wedges and discs are convex so the
 * pieces stay valid), which keeps the union small. An empty difference is
 * null (no separate ST_Covers test: it cost a predicate per village and
 * decided nothing the difference does not).
 * Callers skip it (gap null) where every unit of the village is covered: see
 * gapDrawnWhen. `table` is coverage_contributors, or the full recompute's
 * coverage_build_contributors.
 */
export function gapSql(villageAlias: string, technologyExpr: string, table = 'coverage_contributors'): string {
  const v = villageAlias;
  return `
  (SELECT CASE WHEN u.reach IS NULL THEN ST_Multi(${v}.boundary)
               ELSE (SELECT CASE WHEN ST_IsEmpty(x.g) THEN NULL ELSE x.g END
                       FROM (SELECT ST_Multi(ST_CollectionExtract(ST_Difference(${v}.boundary, u.reach), 3)) AS g) x) END
     FROM (SELECT ST_Union(ST_ClipByBox2D(c.reach, ST_Expand(box2d(${v}.boundary), 0.0001))) AS reach
             FROM (${byTechnologySql(table, 'c', technologyExpr, `c.reach && ${v}.boundary AND ST_Intersects(c.reach, ${v}.boundary)`)}) c) u)`;
}

/**
 * The reaches (alias `alias`, with every column) of the technology
 * `technologyExpr` matching `where`, split by kind of reach so that each
 * branch matches a partial index of coverage_contributors (migration 0009):
 * FTTH drop discs (about three quarters of the rows nationally) and mobile
 * footprints. The branch not asked for is a one-time filter, so a mobile
 * lookup never fetches FTTH discs from the heap only to discard them, and the
 * reverse, even under a generic plan where the technology is a parameter.
 */
export function byTechnologySql(table: string, alias: string, technologyExpr: string, where: string): string {
  return `SELECT ${alias}.* FROM ${table} ${alias}
           WHERE ${technologyExpr} = 'FTTH' AND ${alias}.technology = 'FTTH' AND ${where}
          UNION ALL
          SELECT ${alias}.* FROM ${table} ${alias}
           WHERE ${technologyExpr} <> 'FTTH' AND ${alias}.technology IN ('4G', '5G') AND ${alias}.technology = ${technologyExpr} AND ${where}`;
}

/**
 * A gap is drawn only for a village some of whose units are uncovered (or
 * that has none): where every unit is covered there is no household left to
 * reach and the gap is null, which spares the overlay work for most villages
 * (at provincial scale 58 % of 4G and 88 % of FTTH rows). Expects a row alias
 * with covered_units and total_units.
 */
export function gapDrawnWhen(rowAlias: string): string {
  return `NOT (${rowAlias}.total_units > 0 AND ${rowAlias}.covered_units >= ${rowAlias}.total_units)`;
}

/**
 * Full computation of the results of a set of villages (all when null) from
 * the contributors, into the staging table coverage_stage (created by the
 * caller): counts per technology and carrier (0 = any) and the gap of the
 * any-carrier rows. This is the reference the incremental path must agree with.
 */
export async function stageVillageResults(db: Runner, villageIds: number[] | null, withGaps: boolean): Promise<void> {
  await db.query(
    `WITH vs AS (SELECT id FROM villages WHERE $1::int[] IS NULL OR id = ANY($1::int[])),
     totals AS (
       SELECT vs.id AS village_id, coalesce(sum(l.units), 0)::int AS total_units
         FROM vs LEFT JOIN locations l ON l.village_id = vs.id GROUP BY vs.id),
     hits AS (
       SELECT DISTINCT l.id, l.village_id, l.units, c.technology, c.carrier_id
         FROM coverage_contributors c JOIN locations l ON ST_Intersects(c.reach, l.geom)
        WHERE $1::int[] IS NULL OR l.village_id = ANY($1::int[])),
     per_any AS (
       SELECT village_id, technology, sum(units)::int AS covered
         FROM (SELECT DISTINCT id, village_id, units, technology FROM hits) h GROUP BY village_id, technology),
     per_carrier AS (
       SELECT village_id, technology, carrier_id, sum(units)::int AS covered FROM hits GROUP BY village_id, technology, carrier_id)
     INSERT INTO coverage_stage (village_id, technology, carrier_id, covered_units, total_units)
     SELECT t.village_id, tech.technology, 0, coalesce(a.covered, 0), t.total_units
       FROM totals t CROSS JOIN (VALUES ('4G'), ('5G'), ('FTTH')) AS tech(technology)
       LEFT JOIN per_any a ON a.village_id = t.village_id AND a.technology = tech.technology
     UNION ALL
     SELECT p.village_id, p.technology, p.carrier_id, p.covered, t.total_units
       FROM per_carrier p JOIN totals t ON t.village_id = p.village_id`,
    [villageIds],
  );
  if (withGaps) await stageGaps(db, villageIds);
}

export async function stageGaps(db: Runner, villageIds: number[] | null): Promise<void> {
  await db.query(
    `UPDATE coverage_stage s SET gap = ${gapSql('v', 's.technology')}
       FROM villages v
      WHERE v.id = s.village_id AND s.carrier_id = 0 AND ${gapDrawnWhen('s')}
        AND ($1::int[] IS NULL OR s.village_id = ANY($1::int[]))`,
    [villageIds],
  );
}

export const CREATE_STAGE_SQL = `
  CREATE TEMP TABLE IF NOT EXISTS coverage_stage (
    village_id integer NOT NULL, technology text NOT NULL, carrier_id integer NOT NULL,
    covered_units integer NOT NULL, total_units integer NOT NULL, gap geometry(MultiPolygon, 4326)
  ) ON COMMIT DROP`;

/** Replaces the results of the staged villages (all when null) by the staged rows, with thresholds and the run stamp. */
export async function swapInStagedResults(db: Runner, villageIds: number[] | null, runId: number, thresholdDefault: number): Promise<number> {
  await db.query(`DELETE FROM village_coverage WHERE $1::int[] IS NULL OR village_id = ANY($1::int[])`, [villageIds]);
  const r = await db.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO village_coverage (village_id, technology, carrier_id, covered_units, total_units, share, meets_target, gap, run_id, computed_at)
       SELECT s.village_id, s.technology, nullif(s.carrier_id, 0), s.covered_units, s.total_units, x.share,
              s.total_units > 0 AND x.share >= ${thresholdSql('v', 's.technology', '$2::real')},
              s.gap, $1, now()
         FROM coverage_stage s JOIN villages v ON v.id = s.village_id
         CROSS JOIN LATERAL (SELECT CASE WHEN s.total_units > 0 THEN s.covered_units::real / s.total_units ELSE 0 END AS share) x
        WHERE s.carrier_id = 0 OR s.covered_units > 0
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [runId, thresholdDefault],
  );
  return r[0]?.n ?? 0;
}

export async function insertRun(db: Runner, kind: 'full' | 'incremental', params: Record<string, number>, triggeredBy: number | null, startedAt: Date | null = null): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO coverage_runs (kind, parameters, parameters_hash, triggered_by, started_at) VALUES ($1, $2::jsonb, $3, $4, coalesce($5::timestamptz, now())) RETURNING id`,
    [kind, JSON.stringify(params), parametersHash(params), triggeredBy, startedAt],
  );
  return r[0]!.id;
}

export async function finishRun(db: Runner, runId: number, villagesComputed: number): Promise<void> {
  await db.query(`UPDATE coverage_runs SET finished_at = clock_timestamp(), villages_computed = $2 WHERE id = $1`, [runId, villagesComputed]);
}

/** Sets jit for the rest of the transaction and returns the value it had. */
export async function setLocalJit(db: Runner, value: string): Promise<string> {
  const r = await db.query<{ before: string }>(`SELECT current_setting('jit') AS before, set_config('jit', $1, true)`, [value]);
  return r[0]?.before ?? 'on';
}

// ------------------------------------------------------------------- reads

export interface VillageCoverageListRow {
  id: number;
  villageId: number;
  code: string;
  name: string;
  communeId: number;
  technology: '4G' | '5G' | 'FTTH';
  carrierId: number | null;
  coveredUnits: number;
  totalUnits: number;
  uncoveredUnits: number;
  share: number;
  meetsTarget: boolean;
  computedAt: string;
  runId: number | null;
  sortKey: string | number;
}

export const VILLAGE_SORTS = {
  uncovered_desc: { expr: '(x.total_units - x.covered_units)', desc: true },
  uncovered_asc: { expr: '(x.total_units - x.covered_units)', desc: false },
  share_asc: { expr: 'x.share::float8', desc: false },
  share_desc: { expr: 'x.share::float8', desc: true },
  code: { expr: 'x.code', desc: false },
} as const;

/**
 * One page of village results for a technology, any carrier or one carrier
 * (a carrier with no row for a village covers none of it), inside an
 * administrative unit (any level: its descendants are walked), optionally
 * only those below target, in keyset order.
 */
export async function selectVillageCoveragePage(
  db: Runner,
  q: { adminUnitId: number | null; technology: string; carrierId: number | null; belowTarget: boolean | null; sort: keyof typeof VILLAGE_SORTS; limit: number; cursor: { k: string | number | null; id: number } | null },
): Promise<{ rows: VillageCoverageListRow[]; total: number }> {
  const sort = VILLAGE_SORTS[q.sort];
  const base = `
    WITH RECURSIVE units AS (
      SELECT id FROM admin_units WHERE id = $1
      UNION ALL SELECT a.id FROM admin_units a JOIN units u ON a.parent_id = u.id),
    x AS (
      SELECT a.id, v.id AS village_id, v.code, v.name, v.commune_id, a.technology, $3::int AS carrier_id,
             coalesce(c.covered_units, CASE WHEN $3::int IS NULL THEN a.covered_units ELSE 0 END) AS covered_units,
             a.total_units,
             coalesce(c.share, CASE WHEN $3::int IS NULL THEN a.share ELSE 0 END) AS share,
             coalesce(c.meets_target, CASE WHEN $3::int IS NULL THEN a.meets_target ELSE false END) AS meets_target,
             coalesce(c.computed_at, a.computed_at) AS computed_at, coalesce(c.run_id, a.run_id) AS run_id
        FROM village_coverage a
        JOIN villages v ON v.id = a.village_id
        LEFT JOIN village_coverage c ON $3::int IS NOT NULL AND c.village_id = a.village_id AND c.technology = a.technology AND c.carrier_id = $3::int
       WHERE a.carrier_id IS NULL AND a.technology = $2
         AND ($1::int IS NULL OR v.commune_id IN (SELECT id FROM units) OR v.id IN (${villagesViaCounterpartSql('SELECT id FROM units')})))
    `;
  const filter = `($4::boolean IS NULL OR x.meets_target = NOT $4::boolean)`;
  const totalRows = await db.query<{ n: number }>(`${base} SELECT count(*)::int AS n FROM x WHERE ${filter}`, [q.adminUnitId, q.technology, q.carrierId, q.belowTarget]);
  const params: unknown[] = [q.adminUnitId, q.technology, q.carrierId, q.belowTarget, q.limit + 1];
  let cursorSql = 'true';
  if (q.cursor) {
    params.push(q.cursor.k, q.cursor.id);
    const k = q.sort === 'code' ? '$6::text' : '$6::float8';
    cursorSql = sort.desc ? `(${sort.expr} < ${k} OR (${sort.expr} = ${k} AND x.id > $7::bigint))` : `(${sort.expr} > ${k} OR (${sort.expr} = ${k} AND x.id > $7::bigint))`;
  }
  const rows = await db.query<VillageCoverageListRow>(
    `${base}
     SELECT x.id, x.village_id AS "villageId", x.code, x.name, x.commune_id AS "communeId", x.technology, x.carrier_id AS "carrierId",
            x.covered_units AS "coveredUnits", x.total_units AS "totalUnits", (x.total_units - x.covered_units) AS "uncoveredUnits",
            x.share::float8 AS share, x.meets_target AS "meetsTarget", x.computed_at::text AS "computedAt", x.run_id AS "runId",
            ${sort.expr} AS "sortKey"
       FROM x WHERE ${filter} AND ${cursorSql}
      ORDER BY ${sort.expr} ${sort.desc ? 'DESC' : 'ASC'}, x.id ASC
      LIMIT $5`,
    params,
  );
  return { rows, total: totalRows[0]?.n ?? 0 };
}

export interface VillageHeader {
  id: number;
  code: string;
  name: string;
  communeId: number;
  areaClass: string;
}

export async function selectVillageHeader(db: Runner, villageId: number): Promise<VillageHeader | null> {
  const r = await db.query<VillageHeader>(
    `SELECT id, code, name, commune_id AS "communeId", area_class AS "areaClass" FROM villages WHERE id = $1`,
    [villageId],
  );
  return r[0] ?? null;
}

export interface VillageShareRow {
  technology: '4G' | '5G' | 'FTTH';
  carrierId: number | null;
  carrierCode: string | null;
  coveredUnits: number;
  totalUnits: number;
  share: number;
  meetsTarget: boolean;
  thresholdShare: number;
  computedAt: string;
  gap: unknown;
}

export async function selectVillageShares(db: Runner, villageId: number, thresholdDefault: number): Promise<VillageShareRow[]> {
  return db.query<VillageShareRow>(
    `SELECT vc.technology, vc.carrier_id AS "carrierId", ca.code AS "carrierCode", vc.covered_units AS "coveredUnits",
            vc.total_units AS "totalUnits", vc.share::float8 AS share, vc.meets_target AS "meetsTarget",
            ${thresholdSql('v', 'vc.technology', '$2::real')}::float8 AS "thresholdShare",
            vc.computed_at::text AS "computedAt",
            CASE WHEN vc.gap IS NULL THEN NULL ELSE ST_AsGeoJSON(vc.gap, 6)::json END AS gap
       FROM village_coverage vc JOIN villages v ON v.id = vc.village_id
       LEFT JOIN carriers ca ON ca.id = vc.carrier_id
      WHERE vc.village_id = $1
      ORDER BY vc.technology, vc.carrier_id NULLS FIRST`,
    [villageId, thresholdDefault],
  );
}

export interface ContributorRow {
  kind: 'sector' | 'access_point';
  sourceId: number;
  code: string;
  siteId: number | null;
  siteCode: string | null;
  technology: '4G' | '5G' | 'FTTH';
  carrierId: number;
  carrierCode: string;
  rangeM: number | null;
  footprintModel: string | null;
  unitsReached: number;
}

/** Sectors and access points whose stored reach meets the village, with the units of the village each reaches. */
export async function selectVillageContributors(db: Runner, villageId: number): Promise<ContributorRow[]> {
  return db.query<ContributorRow>(
    `SELECT c.kind, c.source_id AS "sourceId", coalesce(s.code, a.code, '') AS code, c.site_id AS "siteId", st.code AS "siteCode",
            c.technology, c.carrier_id AS "carrierId", ca.code AS "carrierCode", s.range_m::float8 AS "rangeM", s.footprint_model AS "footprintModel",
            (SELECT coalesce(sum(l.units), 0)::int FROM locations l WHERE l.village_id = v.id AND ST_Intersects(c.reach, l.geom)) AS "unitsReached"
       FROM villages v
       JOIN coverage_contributors c ON ST_Intersects(c.reach, v.boundary)
       JOIN carriers ca ON ca.id = c.carrier_id
       LEFT JOIN sectors s ON c.kind = 'sector' AND s.id = c.source_id
       LEFT JOIN sites st ON st.id = c.site_id
       LEFT JOIN access_points a ON c.kind = 'access_point' AND a.id = c.source_id
      WHERE v.id = $1
      ORDER BY c.technology, "unitsReached" DESC, c.kind, c.source_id`,
    [villageId],
  );
}

export interface SummaryRow {
  adminUnitId: number;
  code: string;
  name: string;
  level: string;
  villages: number;
  villagesMbb: number;
  villagesFtth: number;
  units: number;
  unitsFtth: number;
  sites: number;
  sharedSites: number;
}

export interface TargetRow {
  indicatorCode: string;
  adminUnitId: number | null;
  year: number;
  targetValue: number;
}

export async function selectTargets(db: Runner, codes: string[], year: number | null): Promise<TargetRow[]> {
  return db.query<TargetRow>(
    `SELECT indicator_code AS "indicatorCode", admin_unit_id AS "adminUnitId", year, target_value::float8 AS "targetValue"
       FROM kpi_targets
      WHERE indicator_code = ANY($1::text[]) AND ($2::int IS NULL OR year = $2::int)
      ORDER BY year DESC`,
    [codes, year],
  );
}

export async function selectAncestors(db: Runner, unitIds: number[]): Promise<{ unitId: number; ancestorId: number; depth: number }[]> {
  return db.query(
    `WITH RECURSIVE up AS (
       SELECT id AS unit_id, id AS ancestor_id, parent_id, 0 AS depth FROM admin_units WHERE id = ANY($1::int[])
       UNION ALL SELECT up.unit_id, p.id, p.parent_id, up.depth + 1 FROM up JOIN admin_units p ON p.id = up.parent_id)
     SELECT unit_id AS "unitId", ancestor_id AS "ancestorId", depth FROM up`,
    [unitIds],
  );
}

export async function selectTopLevel(db: Runner): Promise<string | null> {
  const r = await db.query<{ code: string }>(
    `SELECT l.code FROM admin_levels l WHERE EXISTS (SELECT 1 FROM admin_units u WHERE u.level = l.code) ORDER BY l.rank LIMIT 1`,
  );
  return r[0]?.code ?? null;
}

export async function selectLastFullRun(db: Runner): Promise<{ id: number; startedAt: string; finishedAt: string | null; parametersHash: string } | null> {
  const r = await db.query<{ id: number; startedAt: string; finishedAt: string | null; parametersHash: string }>(
    `SELECT id, started_at::text AS "startedAt", finished_at::text AS "finishedAt", parameters_hash AS "parametersHash"
       FROM coverage_runs WHERE kind = 'full' AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
  );
  return r[0] ?? null;
}

// --------------------------------------------------------- what-if & suggest

/** Area class at a point: the village containing it, else the nearest within 2 km, else rural. */
export async function selectAreaClassesAt(db: Runner, points: { lon: number; lat: number }[]): Promise<string[]> {
  if (points.length === 0) return [];
  const r = await db.query<{ i: number; areaClass: string }>(
    `SELECT p.i, coalesce(
              (SELECT v.area_class FROM villages v WHERE ST_Covers(v.boundary, p.g) LIMIT 1),
              (SELECT v.area_class FROM villages v WHERE ST_DWithin(v.boundary::geography, p.g::geography, 2000) ORDER BY v.boundary <-> p.g LIMIT 1),
              'rural') AS "areaClass"
       FROM (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS g FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) p
      ORDER BY p.i`,
    [points.map((p) => p.lon), points.map((p) => p.lat)],
  );
  return r.map((x) => x.areaClass);
}

export interface WhatIfRow {
  villageId: number;
  code: string;
  name: string;
  technology: '4G' | '5G';
  carrierId: number | null;
  totalUnits: number;
  coveredBefore: number;
  newlyCoveredUnits: number;
  thresholdShare: number;
  meetsTargetBefore: boolean;
}

/**
 * What a candidate would add, read-only: $1 rings (local metres, WKT), $2 the
 * technologies each footprint serves ('4G' or '4G,5G'), $3/$4 the antenna
 * point, $5 metric SRID, $6 carrier (or null), $7 default threshold.
 * A location is newly covered for a technology when a candidate footprint
 * contains it and no stored contributor of that technology does (any carrier;
 * and, when a carrier is given, none of that carrier).
 */
export async function selectWhatIf(db: Runner, ringsWkt: string[], techs: string[], lon: number, lat: number, srid: number, carrierId: number | null, thresholdDefault: number): Promise<{ rows: WhatIfRow[]; footprints: unknown[] }> {
  const rows = await db.query<WhatIfRow & { footprint: unknown; kind: string }>(
    `WITH p AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326), $5::int) AS m),
     cand AS (
       SELECT u.i, string_to_array(u.techs, ',') AS techs,
              ST_Transform(ST_SetSRID(ST_Translate(ST_GeomFromText(u.wkt), ST_X(p.m), ST_Y(p.m)), $5::int), 4326) AS reach
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(wkt, techs, i), p),
     hit AS (
       SELECT DISTINCT ON (l.id, t.technology) l.id, l.village_id, l.units, l.geom, t.technology
         FROM cand c CROSS JOIN LATERAL unnest(c.techs) AS t(technology)
         JOIN locations l ON ST_Intersects(c.reach, l.geom)),
     -- Who already covers each hit location: the few contributors near the
     -- candidate joined to the hit locations once (was an index probe of
     -- coverage_contributors per location and per scope, detoasting reaches).
     covered AS MATERIALIZED (
       SELECT DISTINCT h.id, h.technology, x.carrier_id
         FROM coverage_contributors x JOIN hit h ON h.technology = x.technology AND ST_Intersects(x.reach, h.geom)
        WHERE x.reach && (SELECT ST_Collect(reach) FROM cand)),
     scoped AS (
       SELECT h.village_id, h.technology, NULL::int AS carrier_id, h.units
         FROM hit h
        WHERE NOT EXISTS (SELECT 1 FROM covered x WHERE x.id = h.id AND x.technology = h.technology)
       UNION ALL
       SELECT h.village_id, h.technology, $6::int, h.units
         FROM hit h
        WHERE $6::int IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM covered x WHERE x.id = h.id AND x.technology = h.technology AND x.carrier_id = $6::int)),
     agg AS (SELECT village_id, technology, carrier_id, sum(units)::int AS newly FROM scoped GROUP BY village_id, technology, carrier_id)
     SELECT 'village' AS kind, v.id AS "villageId", v.code, v.name, g.technology, g.carrier_id AS "carrierId",
            a.total_units AS "totalUnits", coalesce(c.covered_units, CASE WHEN g.carrier_id IS NULL THEN a.covered_units ELSE 0 END) AS "coveredBefore",
            g.newly AS "newlyCoveredUnits", ${thresholdSql('v', 'g.technology', '$7::real')}::float8 AS "thresholdShare",
            coalesce(c.meets_target, CASE WHEN g.carrier_id IS NULL THEN a.meets_target ELSE false END) AS "meetsTargetBefore",
            NULL::json AS footprint
       -- Looked up per village (LATERAL ... LIMIT 1): the estimate of the hit
       -- locations is far too high, and plain joins became hash or merge joins
       -- over all of villages and village_coverage (~1 s at national scale).
       FROM agg g
       CROSS JOIN LATERAL (SELECT v0.* FROM villages v0 WHERE v0.id = g.village_id LIMIT 1) v
       CROSS JOIN LATERAL (SELECT a0.* FROM village_coverage a0 WHERE a0.village_id = g.village_id AND a0.technology = g.technology AND a0.carrier_id IS NULL LIMIT 1) a
       LEFT JOIN LATERAL (SELECT c0.* FROM village_coverage c0
                           WHERE g.carrier_id IS NOT NULL AND c0.village_id = g.village_id AND c0.technology = g.technology AND c0.carrier_id = g.carrier_id LIMIT 1) c ON true
     UNION ALL
     SELECT 'footprint', i::int, '', '', NULL, NULL, 0, 0, 0, 0, false, ST_AsGeoJSON(reach, 6)::json FROM cand
     ORDER BY 1, 2`,
    [ringsWkt, techs, lon, lat, srid, carrierId, thresholdDefault],
  );
  return {
    rows: rows.filter((r) => r.kind === 'village'),
    footprints: rows.filter((r) => r.kind === 'footprint').map((r) => r.footprint),
  };
}

export interface FlaggedVillage {
  villageId: number;
  code: string;
  name: string;
  totalUnits: number;
  coveredUnits: number;
  thresholdShare: number;
}

/** Villages below target for a technology (any carrier, or one carrier), in a unit or a list. */
export async function selectFlaggedVillages(db: Runner, technology: string, adminUnitId: number | null, villageIds: number[] | null, carrierId: number | null, thresholdDefault: number): Promise<FlaggedVillage[]> {
  return db.query<FlaggedVillage>(
    `WITH RECURSIVE units AS (
       SELECT id FROM admin_units WHERE id = $2
       UNION ALL SELECT a.id FROM admin_units a JOIN units u ON a.parent_id = u.id)
     SELECT * FROM (
       SELECT v.id AS "villageId", v.code, v.name, a.total_units AS "totalUnits",
              coalesce(c.covered_units, CASE WHEN $4::int IS NULL THEN a.covered_units ELSE 0 END) AS "coveredUnits",
              ${thresholdSql('v', 'a.technology', '$5::real')}::float8 AS "thresholdShare"
         FROM village_coverage a JOIN villages v ON v.id = a.village_id
         LEFT JOIN village_coverage c ON $4::int IS NOT NULL AND c.village_id = a.village_id AND c.technology = a.technology AND c.carrier_id = $4::int
        WHERE a.carrier_id IS NULL AND a.technology = $1 AND a.total_units > 0
          AND ($2::int IS NULL OR v.commune_id IN (SELECT id FROM units))
          AND ($3::int[] IS NULL OR v.id = ANY($3::int[]))) f
      WHERE f."coveredUnits"::real / f."totalUnits" < f."thresholdShare"
      ORDER BY f."villageId"
      LIMIT 5000`,
    [technology, adminUnitId, villageIds, carrierId, thresholdDefault],
  );
}

/** Locations of the given villages not covered for the technology (by anyone, or by the carrier), in metric coordinates. */
export async function selectUncoveredLocations(db: Runner, villageIds: number[], technology: string, carrierId: number | null, srid: number): Promise<{ id: number; villageId: number; units: number; x: number; y: number }[]> {
  return db.query(
    `SELECT l.id, l.village_id AS "villageId", l.units, ST_X(m.g) AS x, ST_Y(m.g) AS y
       FROM locations l CROSS JOIN LATERAL (SELECT ST_Transform(l.geom, $4::int) AS g) m
      WHERE l.village_id = ANY($1::int[])
        AND NOT EXISTS (SELECT 1 FROM coverage_contributors c WHERE c.technology = $2 AND ($3::int IS NULL OR c.carrier_id = $3::int) AND ST_Intersects(c.reach, l.geom))`,
    [villageIds, technology, carrierId, srid],
  );
}

export interface SharingCandidate {
  siteId: number;
  code: string;
  heightM: number;
  spare: number;
  x: number;
  y: number;
  lon: number;
  lat: number;
}

/**
 * Active structures with spare tenant capacity (tenant_capacity above the
 * carriers on it: the owner and running tenancies) within a box in metric
 * coordinates; a given carrier's own or tenanted sites are left out.
 */
export async function selectSharingCandidates(db: Runner, box: { xmin: number; ymin: number; xmax: number; ymax: number }, srid: number, carrierId: number | null): Promise<SharingCandidate[]> {
  return db.query<SharingCandidate>(
    `SELECT * FROM (
       SELECT st.id AS "siteId", st.code, st.height_m::float8 AS "heightM",
              st.tenant_capacity - (SELECT count(DISTINCT c) FROM (SELECT st.owner_carrier_id AS c
                  UNION SELECT t.carrier_id FROM site_tenancies t WHERE t.site_id = st.id AND (t.until IS NULL OR t.until >= CURRENT_DATE)) cs)::int AS spare,
              ST_X(ST_Transform(st.geom, $5::int)) AS x, ST_Y(ST_Transform(st.geom, $5::int)) AS y, ST_X(st.geom) AS lon, ST_Y(st.geom) AS lat
         FROM sites st
        WHERE st.status = 'active'
          AND ST_Intersects(st.geom, ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, $5::int), 4326))
          AND ($6::int IS NULL OR (st.owner_carrier_id <> $6::int AND NOT EXISTS (
                SELECT 1 FROM site_tenancies t WHERE t.site_id = st.id AND t.carrier_id = $6::int AND (t.until IS NULL OR t.until >= CURRENT_DATE))))) s
      WHERE s.spare > 0
      LIMIT 5000`,
    [box.xmin, box.ymin, box.xmax, box.ymax, srid, carrierId],
  );
}

/** Metric → 4326 for a list of points. */
export async function selectToLonLat(db: Runner, points: { x: number; y: number }[], srid: number): Promise<{ lon: number; lat: number }[]> {
  if (points.length === 0) return [];
  return db.query(
    `SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM (
       SELECT i, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), $3::int), 4326) AS g
         FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) p ORDER BY i`,
    [points.map((p) => p.x), points.map((p) => p.y), srid],
  );
}
