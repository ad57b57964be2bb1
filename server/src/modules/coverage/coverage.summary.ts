// Roll-up of stored village results and site tenancies to the units of one
// level, in either administrative scheme: the plan's 2023–2025 units
// (province → district → commune) or the two-tier units of 1 July 2025
// (province → commune), linked commune to commune by admin_unit_mappings.
//
// A village counts toward:
//   - its own commune (villages.commune_id) and every ancestor of it, and
//   - its counterpart commune in the other scheme and every ancestor of that.
// The counterpart follows admin_unit_mappings in either direction (old → new
// or new → old). Where the commune has exactly one counterpart, that one.
// Where it has several (an old commune split between new ones, or a new
// commune asked for its old ones), the counterpart whose boundary covers the
// village's ST_PointOnSurface; when none covers it, the one with the largest
// mapping share, then the smallest id. A village is thus counted once in each
// scheme, and a province's totals are the same in both. A commune without a
// mapping row counts only in its own scheme.
//
// An active site's commune is sites.admin_unit_id, else its village's commune;
// its counterpart follows the same rule with the site's own point in place of
// the point on surface.
//
// Units are those of the level, optionally valid on `asOf` (valid_from ≤ asOf
// ≤ valid_to, an open valid_to meaning still valid) and under `parentId`
// (descendants through parent_id: a new-scheme province gives its communes).
// Without asOf every unit of the level is listed whatever its period, as
// before the date filter existed.
import type { UnitPeriod } from '@registry/shared/schemas/coverage';
import type { Runner, SummaryRow } from './coverage.queries';

export interface SummaryFilter {
  level: string;
  parentId: number | null;
  /** YYYY-MM-DD; null = units of every period. */
  asOf: string | null;
}

/**
 * SQL for the ids of the villages whose counterpart commune (the rule above)
 * is one of `unitIdsSql`'s ids: the village list's filter by a unit of the
 * other scheme. Only villages whose commune maps into those units are looked at.
 */
export function villagesViaCounterpartSql(unitIdsSql: string): string {
  const links = `(SELECT from_unit_id AS unit_id, to_unit_id AS other_id, share FROM admin_unit_mappings
                  UNION ALL SELECT to_unit_id, from_unit_id, share FROM admin_unit_mappings)`;
  // The point-on-surface test only where the commune has several counterparts (it is the costly part).
  return `SELECT pick.id FROM (
            SELECT DISTINCT ON (cv.id) cv.id, pl.other_id
              FROM villages cv
              JOIN ${links} pl ON pl.unit_id = cv.commune_id
              JOIN (SELECT unit_id, count(*) AS n FROM ${links} n GROUP BY unit_id) pn ON pn.unit_id = cv.commune_id
              JOIN admin_units po ON po.id = pl.other_id
             WHERE cv.commune_id IN (SELECT cl.unit_id FROM ${links} cl WHERE cl.other_id IN (${unitIdsSql}))
             ORDER BY cv.id, CASE WHEN pn.n > 1 THEN ST_Covers(po.boundary, ST_PointOnSurface(cv.boundary)) END DESC NULLS LAST,
                      pl.share DESC, pl.other_id) pick
           WHERE pick.other_id IN (${unitIdsSql})`;
}

/** The distinct validity periods of these units, earliest first: the scheme a summary's units are of. */
export async function selectUnitPeriods(db: Runner, unitIds: number[]): Promise<UnitPeriod[]> {
  return db.query<UnitPeriod>(
    `SELECT DISTINCT to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"
       FROM admin_units WHERE id = ANY($1::int[])
      ORDER BY 1, 2 NULLS LAST`,
    [unitIds],
  );
}

export async function selectSummaryRowsEitherScheme(db: Runner, filter: SummaryFilter): Promise<SummaryRow[]> {
  return db.query<SummaryRow>(
    `WITH RECURSIVE under_parent AS (
       SELECT id FROM admin_units WHERE id = $2::int
       UNION ALL SELECT c.id FROM admin_units c JOIN under_parent up ON c.parent_id = up.id),
     target_units AS (
       SELECT u.id, u.code, u.name, u.level FROM admin_units u
        WHERE u.level = $1
          AND ($3::date IS NULL OR (u.valid_from <= $3::date AND (u.valid_to IS NULL OR u.valid_to >= $3::date)))
          AND ($2::int IS NULL OR u.id IN (SELECT id FROM under_parent))),
     -- Which listed unit each unit rolls up into: the listed units and everything under them.
     into_target AS (
       SELECT id AS unit_id, id AS member_id FROM target_units
       UNION ALL SELECT it.unit_id, c.id FROM into_target it JOIN admin_units c ON c.parent_id = it.member_id),
     -- The mapping read both ways: unit → its counterparts in the other scheme.
     links AS (
       SELECT unit_id, other_id, max(share) AS share
         FROM (SELECT from_unit_id AS unit_id, to_unit_id AS other_id, share FROM admin_unit_mappings
               UNION ALL SELECT to_unit_id, from_unit_id, share FROM admin_unit_mappings) l
        GROUP BY unit_id, other_id),
     link_count AS (
       SELECT unit_id, count(*) AS n, min(other_id) AS only_id FROM links GROUP BY unit_id),
     vil AS (
       SELECT v.id, v.commune_id,
              max(vc.total_units) AS units,
              bool_or(vc.meets_target) FILTER (WHERE vc.technology = '4G') AS mbb,
              bool_or(vc.meets_target) FILTER (WHERE vc.technology = 'FTTH') AS ftth,
              max(vc.covered_units) FILTER (WHERE vc.technology = 'FTTH') AS units_ftth
         FROM villages v JOIN village_coverage vc ON vc.village_id = v.id AND vc.carrier_id IS NULL
        GROUP BY v.id, v.commune_id),
     -- Each village's commune in the other scheme: the only counterpart, else the
     -- one covering the village's point on surface, else the largest share.
     vil_other AS (
       SELECT vil.id, lc.only_id AS other_id
         FROM vil JOIN link_count lc ON lc.unit_id = vil.commune_id AND lc.n = 1
       UNION ALL
       (SELECT DISTINCT ON (vil.id) vil.id, l.other_id
          FROM vil JOIN link_count lc ON lc.unit_id = vil.commune_id AND lc.n > 1
          JOIN villages v ON v.id = vil.id
          JOIN links l ON l.unit_id = vil.commune_id
          JOIN admin_units o ON o.id = l.other_id
         ORDER BY vil.id, ST_Covers(o.boundary, ST_PointOnSurface(v.boundary)) DESC NULLS LAST, l.share DESC, l.other_id)),
     -- Each village with its (one or two) home communes; its figures ride along.
     vil_home AS (
       SELECT vil.*, vil.commune_id AS home_id FROM vil
       UNION ALL SELECT vil.*, vo.other_id FROM vil_other vo JOIN vil ON vil.id = vo.id),
     -- DISTINCT: a unit reached through both communes (a unit common to both schemes) counts the village once.
     vil_unit AS (
       SELECT DISTINCT vh.id, it.unit_id, vh.units, vh.mbb, vh.ftth, vh.units_ftth
         FROM vil_home vh JOIN into_target it ON it.member_id = vh.home_id),
     vil_agg AS (
       SELECT unit_id,
              count(*) FILTER (WHERE units > 0) AS villages,
              count(*) FILTER (WHERE units > 0 AND mbb) AS villages_mbb,
              count(*) FILTER (WHERE units > 0 AND ftth) AS villages_ftth,
              coalesce(sum(units), 0) AS units,
              coalesce(sum(units_ftth), 0) AS units_ftth
         FROM vil_unit
        GROUP BY unit_id),
     -- Carriers on each active site (the owner and running tenancies).
     carriers_on AS (
       SELECT id AS site_id, owner_carrier_id AS carrier_id FROM sites WHERE status = 'active'
       UNION SELECT t.site_id, t.carrier_id FROM site_tenancies t WHERE t.until IS NULL OR t.until >= CURRENT_DATE),
     site_carriers AS (
       SELECT st.id, coalesce(st.admin_unit_id, sv.commune_id) AS commune_id, count(co.carrier_id) AS carriers
         FROM sites st LEFT JOIN villages sv ON sv.id = st.village_id
         JOIN carriers_on co ON co.site_id = st.id
        WHERE st.status = 'active'
        GROUP BY st.id, coalesce(st.admin_unit_id, sv.commune_id)),
     -- A site's commune in the other scheme: as for villages, located by the site point.
     site_other AS (
       SELECT sc.id, lc.only_id AS other_id
         FROM site_carriers sc JOIN link_count lc ON lc.unit_id = sc.commune_id AND lc.n = 1
       UNION ALL
       (SELECT DISTINCT ON (sc.id) sc.id, l.other_id
          FROM site_carriers sc JOIN link_count lc ON lc.unit_id = sc.commune_id AND lc.n > 1
          JOIN sites s ON s.id = sc.id
          JOIN links l ON l.unit_id = sc.commune_id
          JOIN admin_units o ON o.id = l.other_id
         ORDER BY sc.id, ST_Covers(o.boundary, s.geom) DESC NULLS LAST, l.share DESC, l.other_id)),
     site_home AS (
       SELECT sc.id, sc.carriers, sc.commune_id AS home_id FROM site_carriers sc WHERE sc.commune_id IS NOT NULL
       UNION ALL SELECT sc.id, sc.carriers, so.other_id FROM site_other so JOIN site_carriers sc ON sc.id = so.id),
     site_unit AS (
       SELECT DISTINCT sh.id, it.unit_id, sh.carriers FROM site_home sh JOIN into_target it ON it.member_id = sh.home_id),
     site_agg AS (
       SELECT unit_id, count(*) AS sites, count(*) FILTER (WHERE carriers >= 2) AS shared_sites
         FROM site_unit
        GROUP BY unit_id)
     SELECT tu.id AS "adminUnitId", tu.code, tu.name, tu.level,
            coalesce(va.villages, 0)::int AS villages, coalesce(va.villages_mbb, 0)::int AS "villagesMbb",
            coalesce(va.villages_ftth, 0)::int AS "villagesFtth", coalesce(va.units, 0)::int AS units,
            coalesce(va.units_ftth, 0)::int AS "unitsFtth", coalesce(sa.sites, 0)::int AS sites,
            coalesce(sa.shared_sites, 0)::int AS "sharedSites"
       FROM target_units tu
       LEFT JOIN vil_agg va ON va.unit_id = tu.id
       LEFT JOIN site_agg sa ON sa.unit_id = tu.id
      ORDER BY tu.code, tu.id`,
    [filter.level, filter.parentId, filter.asOf],
  );
}
