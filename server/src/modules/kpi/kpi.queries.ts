// KPI SQL: indicators with their targets, observations, and the four
// indicators the registry computes from its own inventory. Every function
// takes a drizzle database or transaction handle and returns plain objects.
import { sql, type SQL } from 'drizzle-orm';
import type { KpiObservation } from '@registry/shared/schemas/kpi';
import type { DbOrTx } from '../../db/client';

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const r = await db.execute(query);
  return r.rows as T[];
}

// ---------------------------------------------------------------- indicators

export interface IndicatorRow {
  code: string;
  nameVi: string;
  nameEn: string;
  kind: 'computed' | 'reported';
  unit: string;
  maxValue: number | null;
  source: string;
  sortOrder: number;
  targetYear: number | null;
  targetValue: number | null;
  thresholdShare: number | null;
  targetSource: string | null;
}

/** Every indicator with its province-wide target (admin_unit_id NULL) for the year. */
export function selectIndicators(db: DbOrTx, targetYear: number, code?: string): Promise<IndicatorRow[]> {
  return rows<IndicatorRow>(
    db,
    sql`SELECT i.code, i.name_vi AS "nameVi", i.name_en AS "nameEn", i.kind, i.unit, i.max_value AS "maxValue", i.source,
               i.sort_order AS "sortOrder", t.year AS "targetYear", t.target_value AS "targetValue",
               t.threshold_share AS "thresholdShare", t.source AS "targetSource"
          FROM kpi_indicators i
          LEFT JOIN kpi_targets t ON t.indicator_code = i.code AND t.admin_unit_id IS NULL AND t.year = ${targetYear}
         WHERE ${code === undefined ? sql`true` : sql`i.code = ${code}`}
         ORDER BY i.sort_order, i.code`,
  );
}

// ---------------------------------------------------------------- admin units

export interface UnitRow {
  id: number;
  code: string;
  name: string;
  level: string;
  rank: number;
  parentId: number | null;
  population: number | null;
}

export async function selectUnit(db: DbOrTx, id: number): Promise<UnitRow | null> {
  const r = await rows<UnitRow>(
    db,
    sql`SELECT a.id, a.code, a.name, a.level, l.rank, a.parent_id AS "parentId", a.population
          FROM admin_units a JOIN admin_levels l ON l.code = a.level WHERE a.id = ${id}`,
  );
  return r[0] ?? null;
}

/**
 * The province the plan's KPIs are defined on: the top-level unit with the
 * most children one rank below it (the districts), the most recent first.
 */
export async function selectDefaultProvinceId(db: DbOrTx): Promise<number | null> {
  const r = await rows<{ id: number }>(
    db,
    sql`SELECT p.id
          FROM admin_units p
          JOIN admin_levels pl ON pl.code = p.level AND pl.rank = 1
          LEFT JOIN admin_units d ON d.parent_id = p.id
          LEFT JOIN admin_levels dl ON dl.code = d.level AND dl.rank = 2
         GROUP BY p.id, p.valid_from
         ORDER BY count(dl.code) DESC, p.valid_from DESC, p.id
         LIMIT 1`,
  );
  return r[0]?.id ?? null;
}

/** The province and its children of rank 2 (its districts), province first, districts by code. */
export function selectProvinceAndDistricts(db: DbOrTx, provinceId: number): Promise<UnitRow[]> {
  return rows<UnitRow>(
    db,
    sql`SELECT a.id, a.code, a.name, a.level, l.rank, a.parent_id AS "parentId", a.population
          FROM admin_units a JOIN admin_levels l ON l.code = a.level
         WHERE a.id = ${provinceId} OR (a.parent_id = ${provinceId} AND l.rank = 2)
         ORDER BY (a.id = ${provinceId}) DESC, a.code, a.id`,
  );
}

// ---------------------------------------------------------------- observations

const observationColumns = sql`o.id, o.indicator_code AS "indicatorCode", o.admin_unit_id AS "adminUnitId",
  a.code AS "adminUnitCode", a.name AS "adminUnitName", o.period, o.period_start::text AS "periodStart",
  o.period_end::text AS "periodEnd", o.value, o.source, o.synthetic, o.version,
  to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

export interface ObservationFilter {
  indicator?: string;
  adminUnitId?: number;
  period?: string;
  /** Only ids greater than this (keyset). */
  afterId?: number;
  limit: number;
}

function observationWhere(f: ObservationFilter, withCursor: boolean): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.indicator !== undefined) parts.push(sql`o.indicator_code = ${f.indicator}`);
  if (f.adminUnitId !== undefined) parts.push(sql`o.admin_unit_id = ${f.adminUnitId}`);
  if (f.period !== undefined) parts.push(sql`o.period = ${f.period}`);
  if (withCursor && f.afterId !== undefined) parts.push(sql`o.id > ${f.afterId}`);
  return sql.join(parts, sql` AND `);
}

/** A page of observations in id order (limit + 1 rows, for the next cursor) and the filter's total. */
export async function selectObservations(db: DbOrTx, f: ObservationFilter): Promise<{ rows: KpiObservation[]; total: number }> {
  const page = await rows<KpiObservation>(
    db,
    sql`SELECT ${observationColumns} FROM kpi_observations o JOIN admin_units a ON a.id = o.admin_unit_id
         WHERE ${observationWhere(f, true)} ORDER BY o.id LIMIT ${f.limit + 1}`,
  );
  const count = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM kpi_observations o WHERE ${observationWhere(f, false)}`);
  return { rows: page, total: count[0]?.n ?? 0 };
}

export async function selectObservation(db: DbOrTx, id: number, forUpdate = false): Promise<KpiObservation | null> {
  const r = await rows<KpiObservation>(
    db,
    sql`SELECT ${observationColumns} FROM kpi_observations o JOIN admin_units a ON a.id = o.admin_unit_id
         WHERE o.id = ${id} ${forUpdate ? sql`FOR UPDATE OF o` : sql``}`,
  );
  return r[0] ?? null;
}

export async function selectObservationIdByKey(db: DbOrTx, indicatorCode: string, adminUnitId: number, period: string): Promise<{ id: number; version: number } | null> {
  const r = await rows<{ id: number; version: number }>(
    db,
    sql`SELECT id, version FROM kpi_observations WHERE indicator_code = ${indicatorCode} AND admin_unit_id = ${adminUnitId} AND period = ${period} FOR UPDATE`,
  );
  return r[0] ?? null;
}

export interface ObservationValues {
  indicatorCode: string;
  adminUnitId: number;
  period: string;
  periodStart: string;
  periodEnd: string;
  value: number;
  source: string;
}

export async function insertObservation(db: DbOrTx, v: ObservationValues): Promise<number> {
  const r = await rows<{ id: number }>(
    db,
    sql`INSERT INTO kpi_observations (indicator_code, admin_unit_id, period, period_start, period_end, value, source)
        VALUES (${v.indicatorCode}, ${v.adminUnitId}, ${v.period}, ${v.periodStart}::date, ${v.periodEnd}::date, ${v.value}, ${v.source})
        RETURNING id`,
  );
  return r[0]!.id;
}

/** Sets value and source, bumps the version; an edited row is no longer synthetic. */
export async function updateObservationValue(db: DbOrTx, id: number, value: number, source: string): Promise<void> {
  await db.execute(
    sql`UPDATE kpi_observations SET value = ${value}, source = ${source}, synthetic = false, synthetic_method = NULL,
               version = version + 1, updated_at = now()
         WHERE id = ${id}`,
  );
}

export async function deleteObservationRow(db: DbOrTx, id: number): Promise<void> {
  await db.execute(sql`DELETE FROM kpi_observations WHERE id = ${id}`);
}

/** Which of these admin unit ids exist, with their level rank. */
export async function selectUnitRanks(db: DbOrTx, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const r = await rows<{ id: number; rank: number }>(
    db,
    sql`SELECT a.id, l.rank FROM admin_units a JOIN admin_levels l ON l.code = a.level WHERE a.id = ANY(${sql.param(ids)}::int[])`,
  );
  return new Map(r.map((x) => [x.id, x.rank]));
}

/** Every observation of these units, for the dashboard. */
export function selectObservationsOfUnits(db: DbOrTx, unitIds: number[]): Promise<{ indicatorCode: string; adminUnitId: number; period: string; periodStart: string; value: number }[]> {
  return rows(
    db,
    sql`SELECT indicator_code AS "indicatorCode", admin_unit_id AS "adminUnitId", period, period_start::text AS "periodStart", value
          FROM kpi_observations WHERE admin_unit_id = ANY(${sql.param(unitIds)}::int[])
         ORDER BY period_start, period`,
  );
}

// ---------------------------------------------------------------- computed indicators

export interface ComputedCounts {
  adminUnitId: number;
  villages: number;
  villagesMobileBroadband: number;
  villagesFtth: number;
  householdsFibreReady: number;
  households: number;
  activeSites: number;
  sharedSites: number;
}

/**
 * The four indicators the registry computes, per unit, from the stored
 * village coverage (any-carrier rows, as the coverage engine keeps them) and
 * the site tenancies:
 *  - villages with mobile broadband: villages whose 4G-or-better row meets its
 *    target ÷ all villages of the unit (a village without a row counts as not covered);
 *  - villages with FTTH: the same with the FTTH row;
 *  - households able to get fibre: FTTH-covered units ÷ all units (a village
 *    without a row contributes its households, uncovered);
 *  - BTS site sharing: active sites with two or more carriers holding a current
 *    tenancy ÷ all active sites.
 * A unit's villages and sites are those of the communes below it, at any depth.
 */
export function selectComputedCounts(db: DbOrTx, unitIds: number[]): Promise<ComputedCounts[]> {
  return rows<ComputedCounts>(
    db,
    sql`WITH RECURSIVE tree AS (
          SELECT id AS root_id, id FROM admin_units WHERE id = ANY(${sql.param(unitIds)}::int[])
          UNION ALL
          SELECT t.root_id, a.id FROM admin_units a JOIN tree t ON a.parent_id = t.id
        ),
        village_counts AS (
          SELECT t.root_id,
                 count(*)::int AS villages,
                 (count(*) FILTER (WHERE m.meets_target))::int AS villages_mb,
                 (count(*) FILTER (WHERE f.meets_target))::int AS villages_ftth,
                 coalesce(sum(coalesce(f.covered_units, 0)), 0)::int AS hh_ready,
                 coalesce(sum(coalesce(f.total_units, v.households)), 0)::int AS hh
            FROM tree t
            JOIN villages v ON v.commune_id = t.id
            LEFT JOIN village_coverage m ON m.village_id = v.id AND m.technology = '4G' AND m.carrier_id IS NULL
            LEFT JOIN village_coverage f ON f.village_id = v.id AND f.technology = 'FTTH' AND f.carrier_id IS NULL
           GROUP BY t.root_id
        ),
        -- Set-based (one pass over tenancies): a per-site subquery cannot use the
        -- partial (until IS NULL) index and took seconds on a province.
        shared_sites AS (
          SELECT st.site_id FROM site_tenancies st
           WHERE st.since <= CURRENT_DATE AND (st.until IS NULL OR st.until >= CURRENT_DATE)
           GROUP BY st.site_id HAVING count(DISTINCT st.carrier_id) >= 2
        ),
        site_counts AS (
          SELECT t.root_id, count(*)::int AS sites, count(ss.site_id)::int AS shared
            FROM tree t
            JOIN sites s ON s.admin_unit_id = t.id AND s.status = 'active'
            LEFT JOIN shared_sites ss ON ss.site_id = s.id
           GROUP BY t.root_id
        )
        SELECT u.id AS "adminUnitId",
               coalesce(vc.villages, 0) AS villages, coalesce(vc.villages_mb, 0) AS "villagesMobileBroadband",
               coalesce(vc.villages_ftth, 0) AS "villagesFtth", coalesce(vc.hh_ready, 0) AS "householdsFibreReady",
               coalesce(vc.hh, 0) AS households, coalesce(sc.sites, 0) AS "activeSites", coalesce(sc.shared, 0) AS "sharedSites"
          FROM unnest(${sql.param(unitIds)}::int[]) AS u(id)
          LEFT JOIN village_counts vc ON vc.root_id = u.id
          LEFT JOIN site_counts sc ON sc.root_id = u.id`,
  );
}
