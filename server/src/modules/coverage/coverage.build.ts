// SQL of the full recompute, which builds its results beside the live ones
// (coverage.recompute.ts: recomputeFullCoverage). Footprints, contributor
// rows and village results are staged in the unlogged coverage_build_* tables
// (migration 0008), then swapped into the live tables in a short final step
// that writes only the rows that differ.
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { contributorsSql, FOOTPRINT_CHANGED_SQL, gapDrawnWhen, gapSql, thresholdSql, type DerivedFootprint, type Runner } from './coverage.queries';

/**
 * Stages the derived footprints. Sectors share few distinct rings (same
 * range, azimuth and beamwidth): each distinct ring is parsed once and only
 * its index travels per sector.
 */
export async function buildFootprints(db: Runner, srid: number, rows: DerivedFootprint[]): Promise<void> {
  await db.query('TRUNCATE coverage_build_footprints');
  if (rows.length === 0) return;
  const ringIndex = new Map<string, number>();
  const rings: string[] = [];
  const idx = rows.map((r) => {
    if (r.ringWkt === null) return null;
    let i = ringIndex.get(r.ringWkt);
    if (i === undefined) {
      i = rings.length + 1;
      ringIndex.set(r.ringWkt, i);
      rings.push(r.ringWkt);
    }
    return i;
  });
  // A keyed table, not an array of geometries: subscripting a geometry[]
  // walks its elements (quadratic), a join against a CTE may nest-loop.
  await db.query('CREATE TEMP TABLE IF NOT EXISTS coverage_build_rings (i integer PRIMARY KEY, g geometry) ON COMMIT DROP');
  await db.query('TRUNCATE coverage_build_rings');
  await db.query('INSERT INTO coverage_build_rings (i, g) SELECT i, ST_GeomFromText(wkt) FROM unnest($1::text[]) WITH ORDINALITY AS u(wkt, i)', [rings]);
  await db.query('ANALYZE coverage_build_rings');
  await db.query(
    `INSERT INTO coverage_build_footprints (id, range_m, model, footprint)
     SELECT d.id, d.range_m, d.model,
            CASE WHEN d.ring IS NULL THEN NULL ELSE ST_Transform(ST_SetSRID(ST_Translate(ring.g, ST_X(p.m), ST_Y(p.m)), $5::int), 4326) END
       FROM unnest($1::int[], $2::float8[], $3::text[], $4::int[]) AS d(id, range_m, model, ring)
       JOIN sectors s ON s.id = d.id JOIN sites st ON st.id = s.site_id
       LEFT JOIN coverage_build_rings ring ON ring.i = d.ring
       CROSS JOIN LATERAL (SELECT ST_Transform(st.geom, $5::int) AS m) p`,
    [rows.map((r) => r.id), rows.map((r) => r.rangeM), rows.map((r) => r.model), idx, srid],
  );
}

/** Stages every contributor row the inventory implies (sectors' reach from the staged footprints), then indexes them. */
export async function buildContributors(db: Runner, discWkt: string, srid: number): Promise<void> {
  await db.query('DROP INDEX IF EXISTS coverage_build_contributors_reach_gix');
  await db.query('DROP INDEX IF EXISTS coverage_build_contributors_key');
  await db.query('TRUNCATE coverage_build_contributors');
  await db.query(
    `INSERT INTO coverage_build_contributors (kind, source_id, site_id, technology, carrier_id, reach)
     SELECT kind, source_id, site_id, technology, carrier_id, reach FROM (${contributorsSql('build')}) c
      WHERE $1::int[] IS NULL AND $2::int[] IS NULL`,
    [null, null, discWkt, srid],
  );
  // Built after the load (a sorted build), not row by row.
  await db.query('CREATE INDEX coverage_build_contributors_reach_gix ON coverage_build_contributors USING gist (reach)');
  await db.query('CREATE INDEX coverage_build_contributors_key ON coverage_build_contributors (kind, source_id, technology)');
  await db.query('ANALYZE coverage_build_contributors');
}

/**
 * Streams a query's rows as COPY ... TO STDOUT (FORMAT binary) and hands
 * each row to onRow as the buffer and the offsets/lengths of its fields
 * (fields[2i] = start, fields[2i + 1] = length, -1 for null). No row objects:
 * the national dataset's 12.7 million locations are read as a byte stream.
 */
export async function copyBinaryRows(client: pg.PoolClient | pg.Client, query: string, onRow: (buf: Buffer, fields: Int32Array) => void): Promise<void> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT binary)`));
  const fields = new Int32Array(64);
  let rest: Buffer = Buffer.alloc(0);
  let headerDone = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let o = 0;
    if (!headerDone) {
      if (buf.length < 19) {
        rest = buf;
        continue;
      }
      const extension = buf.readInt32BE(15);
      if (buf.length < 19 + extension) {
        rest = buf;
        continue;
      }
      o = 19 + extension;
      headerDone = true;
    }
    for (;;) {
      if (buf.length - o < 2) break;
      const n = buf.readInt16BE(o);
      if (n === -1) {
        o = buf.length;
        break;
      }
      let p = o + 2;
      let complete = true;
      for (let i = 0; i < n; i++) {
        if (buf.length - p < 4) {
          complete = false;
          break;
        }
        const len = buf.readInt32BE(p);
        p += 4;
        if (len > 0 && buf.length - p < len) {
          complete = false;
          break;
        }
        fields[2 * i] = p;
        fields[2 * i + 1] = len;
        if (len > 0) p += len;
      }
      if (!complete) break;
      onRow(buf, fields);
      o = p;
    }
    rest = o < buf.length ? Buffer.from(buf.subarray(o)) : Buffer.alloc(0);
    buf = rest;
  }
}

/**
 * Stages counts computed outside SQL — all-carriers rows for every village and
 * technology, per-carrier rows where covered. The villages' total units come
 * from the same pass over the locations (totals: village ids and sums), not
 * from another scan of them.
 */
export async function buildCounts(
  db: Runner,
  counts: { villageId: number; technology: string; carrierId: number; coveredUnits: number }[],
  totals: { villageIds: number[]; units: number[] },
): Promise<void> {
  await db.query('TRUNCATE coverage_build_results');
  await db.query(
    `WITH totals AS (
       SELECT v.id AS village_id, coalesce(t.total, 0)::int AS total_units
         FROM villages v LEFT JOIN unnest($5::int[], $6::int[]) AS t(village_id, total) ON t.village_id = v.id),
     c AS (SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[]) AS c(village_id, technology, carrier_id, covered))
     INSERT INTO coverage_build_results (village_id, technology, carrier_id, covered_units, total_units)
     SELECT t.village_id, tech.technology, 0, coalesce(c.covered, 0), t.total_units
       FROM totals t CROSS JOIN (VALUES ('4G'), ('5G'), ('FTTH')) AS tech(technology)
       LEFT JOIN c ON c.village_id = t.village_id AND c.technology = tech.technology AND c.carrier_id = 0
     UNION ALL
     SELECT c.village_id, c.technology, c.carrier_id, c.covered, t.total_units
       FROM c JOIN totals t ON t.village_id = c.village_id WHERE c.carrier_id <> 0`,
    [counts.map((c) => c.villageId), counts.map((c) => c.technology), counts.map((c) => c.carrierId), counts.map((c) => c.coveredUnits), totals.villageIds, totals.units],
  );
  await db.query('CREATE INDEX IF NOT EXISTS coverage_build_results_village ON coverage_build_results (village_id)');
  await db.query('ANALYZE coverage_build_results');
}

/** Villages whose any-carrier rows need a gap drawn (some unit uncovered, or no unit at all), in id order. */
export async function selectBuildGapVillages(db: Runner): Promise<number[]> {
  const r = await db.query<{ id: number }>(`SELECT DISTINCT village_id AS id FROM coverage_build_results s WHERE s.carrier_id = 0 AND ${gapDrawnWhen('s')} ORDER BY 1`);
  return r.map((x) => x.id);
}

/** Draws the gaps of the given villages' staged any-carrier rows from the staged contributors. */
export async function buildGaps(db: Runner, villageIds: number[]): Promise<void> {
  await db.query(
    `UPDATE coverage_build_results s SET gap = ${gapSql('v', 's.technology', 'coverage_build_contributors')}
       FROM villages v
      WHERE v.id = s.village_id AND s.carrier_id = 0 AND ${gapDrawnWhen('s')} AND s.village_id = ANY($1::int[])`,
    [villageIds],
  );
}

/**
 * Locks the sectors whose stored footprint the swap will change, without
 * waiting: false when an edit in flight holds one (it will take the coverage
 * lock next, so waiting here while holding it would deadlock).
 */
export async function lockChangedSectorsNoWait(db: Runner): Promise<boolean> {
  try {
    await db.query(
      `SELECT s.id FROM sectors s JOIN coverage_build_footprints f ON f.id = s.id
        WHERE ${FOOTPRINT_CHANGED_SQL}
        ORDER BY s.id FOR NO KEY UPDATE OF s NOWAIT`,
    );
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return false;
    throw error;
  }
}

export interface SwapCounts {
  sectors: number;
  contributorsDeleted: number;
  contributorsInserted: number;
  resultsDeleted: number;
  resultsUpdated: number;
  resultsInserted: number;
}

/**
 * Swaps the staged results in, writing only what differs: sector footprints,
 * contributor rows (same source, carrier, site and reach are kept), village
 * rows (kept when their counts, share, flag and gap are the same and their
 * run used the same parameters; otherwise stamped with this run).
 * $threshold: the default threshold share; $hash: this run's parameters hash.
 */
export async function swapBuild(db: Runner, runId: number, thresholdDefault: number, hash: string): Promise<SwapCounts> {
  const one = async (text: string, params: unknown[] = []) => (await db.query<{ n: number }>(text, params))[0]?.n ?? 0;
  const sectors = await one(
    `WITH u AS (UPDATE sectors s SET range_m = f.range_m, footprint_model = f.model, footprint = f.footprint
                  FROM coverage_build_footprints f WHERE s.id = f.id AND (${FOOTPRINT_CHANGED_SQL}) RETURNING 1)
     SELECT count(*)::int AS n FROM u`,
  );
  const contributorsDeleted = await one(
    `WITH d AS (
       DELETE FROM coverage_contributors c
        WHERE NOT EXISTS (
          SELECT 1 FROM coverage_build_contributors b
           WHERE b.kind = c.kind AND b.source_id = c.source_id AND b.technology = c.technology
             AND b.carrier_id = c.carrier_id AND b.site_id IS NOT DISTINCT FROM c.site_id AND ST_OrderingEquals(b.reach, c.reach))
       RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
  );
  // Each insert's anti-join is settled into a temporary table before the
  // insert starts. As one statement, a live table that is empty (a fresh
  // database's first run) is planned as a nested loop whose inner scan also
  // reads every page the INSERT itself appends: quadratic, 53 s instead of
  // 0.3 s for the province.
  await db.query(`DROP TABLE IF EXISTS coverage_swap_contributors`);
  await db.query(
    `CREATE TEMP TABLE coverage_swap_contributors ON COMMIT DROP AS
     SELECT b.kind, b.source_id, b.site_id, b.technology, b.carrier_id, b.reach FROM coverage_build_contributors b
      WHERE NOT EXISTS (SELECT 1 FROM coverage_contributors c WHERE c.kind = b.kind AND c.source_id = b.source_id AND c.technology = b.technology)`,
  );
  const contributorsInserted = await one(
    `WITH i AS (
       INSERT INTO coverage_contributors (kind, source_id, site_id, technology, carrier_id, reach)
       SELECT kind, source_id, site_id, technology, carrier_id, reach FROM coverage_swap_contributors
        -- Mobile footprints first, then FTTH reaches, each in geohash (Z-curve)
        -- order, so the footprints near a point share pages: an edit's lookup
        -- of the ~50 mobile footprints around it read ~18 pages in source order
        -- (national, cold cache), a few in this one.
        ORDER BY technology = 'FTTH', ST_GeoHash(ST_Centroid(reach), 10)
       RETURNING 1)
     SELECT count(*)::int AS n FROM i`,
  );
  await db.query(`DROP TABLE IF EXISTS coverage_swap`);
  await db.query(
    `CREATE TEMP TABLE coverage_swap ON COMMIT DROP AS
     SELECT s.village_id, s.technology, s.carrier_id, s.covered_units, s.total_units, x.share,
            s.total_units > 0 AND x.share >= ${thresholdSql('v', 's.technology', '$1::real')} AS meets_target, s.gap
       FROM coverage_build_results s JOIN villages v ON v.id = s.village_id
       CROSS JOIN LATERAL (SELECT CASE WHEN s.total_units > 0 THEN s.covered_units::real / s.total_units ELSE 0 END AS share) x
      WHERE s.carrier_id = 0 OR s.covered_units > 0`,
    [thresholdDefault],
  );
  await db.query('CREATE INDEX ON coverage_swap (village_id, technology, carrier_id)');
  await db.query('ANALYZE coverage_swap');
  const resultsDeleted = await one(
    `WITH d AS (
       DELETE FROM village_coverage vc
        WHERE NOT EXISTS (SELECT 1 FROM coverage_swap b WHERE b.village_id = vc.village_id AND b.technology = vc.technology AND b.carrier_id = coalesce(vc.carrier_id, 0))
       RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
  );
  const resultsUpdated = await one(
    `WITH u AS (
       UPDATE village_coverage vc SET covered_units = b.covered_units, total_units = b.total_units, share = b.share,
              meets_target = b.meets_target, gap = b.gap, run_id = $1, computed_at = now()
         FROM coverage_swap b
        WHERE b.village_id = vc.village_id AND b.technology = vc.technology AND b.carrier_id = coalesce(vc.carrier_id, 0)
          AND NOT (vc.covered_units = b.covered_units AND vc.total_units = b.total_units AND vc.share = b.share
                   AND vc.meets_target = b.meets_target
                   AND (vc.gap IS NULL AND b.gap IS NULL OR vc.gap IS NOT NULL AND b.gap IS NOT NULL AND ST_OrderingEquals(vc.gap, b.gap))
                   AND EXISTS (SELECT 1 FROM coverage_runs r WHERE r.id = vc.run_id AND r.parameters_hash = $2))
       RETURNING 1)
     SELECT count(*)::int AS n FROM u`,
    [runId, hash],
  );
  await db.query(`DROP TABLE IF EXISTS coverage_swap_new`);
  await db.query(
    `CREATE TEMP TABLE coverage_swap_new ON COMMIT DROP AS
     SELECT b.* FROM coverage_swap b
      WHERE NOT EXISTS (SELECT 1 FROM village_coverage vc WHERE vc.village_id = b.village_id AND vc.technology = b.technology AND coalesce(vc.carrier_id, 0) = b.carrier_id)`,
  );
  const resultsInserted = await one(
    `WITH i AS (
       INSERT INTO village_coverage (village_id, technology, carrier_id, covered_units, total_units, share, meets_target, gap, run_id, computed_at)
       SELECT b.village_id, b.technology, nullif(b.carrier_id, 0), b.covered_units, b.total_units, b.share, b.meets_target, b.gap, $1, now()
         FROM coverage_swap_new b
        -- In the order of village_coverage_uq, so a village's rows share a page (migration 0011).
        ORDER BY b.village_id, b.technology, b.carrier_id
       RETURNING 1)
     SELECT count(*)::int AS n FROM i`,
    [runId],
  );
  return { sectors, contributorsDeleted, contributorsInserted, resultsDeleted, resultsUpdated, resultsInserted };
}

export interface PendingEdits {
  maxId: number | null;
  sectorIds: number[];
  siteIds: number[];
  accessPointIds: number[];
  routeIds: number[];
}

/** The sources edits logged while a full recompute was building, merged. */
export async function selectPendingEdits(db: Runner): Promise<PendingEdits> {
  const r = await db.query<PendingEdits>(
    `SELECT max(id)::int AS "maxId",
            ARRAY(SELECT DISTINCT unnest(sector_ids) FROM coverage_pending_edits) AS "sectorIds",
            ARRAY(SELECT DISTINCT unnest(site_ids) FROM coverage_pending_edits) AS "siteIds",
            ARRAY(SELECT DISTINCT unnest(access_point_ids) FROM coverage_pending_edits) AS "accessPointIds",
            ARRAY(SELECT DISTINCT unnest(route_ids) FROM coverage_pending_edits) AS "routeIds"
       FROM coverage_pending_edits`,
  );
  return r[0] ?? { maxId: null, sectorIds: [], siteIds: [], accessPointIds: [], routeIds: [] };
}

export async function deletePendingEdits(db: Runner, maxId: number): Promise<void> {
  await db.query('DELETE FROM coverage_pending_edits WHERE id <= $1', [maxId]);
}
