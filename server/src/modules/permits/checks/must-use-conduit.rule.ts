import { sql } from 'drizzle-orm';
import { arrayParam, expandByMeters, geomFromGeoJson, rows } from '../sql';
import { feature, numberParam, roundM, stringListParam, type RuleCheck } from './rule';
import { segmentsWhere } from './segments';

interface Alongside {
  kind: 'conduit' | 'trench';
  id: number;
  code: string;
  owner_carrier_id: number;
  owner_code: string;
  free: number;
  total: number;
  alongside_m: number;
  claimed: boolean;
  geojson: string;
}

/**
 * Must use a conduit or utility tunnel with free ducts: the length of the
 * route that runs within params.alongsideBufferM of one. Segments that name
 * the conduit (facts.segments[i].conduitId / trenchId) already use it; the
 * rest, as a share of the route's length, fails at params.mustUseShare and
 * warns at params.warnShare.
 */
export const mustUseConduitRule: RuleCheck = async (db, input, params) => {
  const { proposal } = input;
  if (proposal.kind !== 'route') throw new Error('must_use_conduit applies to routes');
  const bufferM = numberParam(params, 'alongsideBufferM', 15);
  const mustUseShare = numberParam(params, 'mustUseShare', 0.5);
  const warnShare = numberParam(params, 'warnShare', 0.2);
  const minFree = numberParam(params, 'minFreeDucts', 1);
  const statuses = stringListParam(params, 'structureStatuses', ['active', 'permitted']);
  const srid = input.metricSrid;
  const { coordinates } = proposal.geometry;
  const segments = proposal.facts.segments;
  const claimedConduits = [...new Set(segments.flatMap((s) => (s.conduitId ? [s.conduitId] : [])))];
  const claimedTrenches = [...new Set(segments.flatMap((s) => (s.trenchId ? [s.trenchId] : [])))];
  const unclaimed = segmentsWhere(coordinates, segments, (s) => !s.conduitId && !s.trenchId);
  const route = geomFromGeoJson(proposal.geometry);
  const open = unclaimed ? geomFromGeoJson(unclaimed) : sql`NULL::geometry`;

  // Candidates: conduits and tunnels with free ducts near the route, each
  // with the route length inside its buffer; then the route length not yet
  // claimed that lies inside the union of all buffers (overlaps counted once).
  const found = await rows<Alongside & { route_m: number; open_alongside_m: number; open_geojson: string | null }>(
    db,
    sql`WITH r0 AS (SELECT ${route} AS g, ST_Transform(${route}, ${srid}::int) AS gm, ST_Transform(${open}, ${srid}::int) AS om),
             r AS (SELECT r0.*, ST_Buffer(r0.gm, ${bufferM * 2}::float8, 'quad_segs=2') AS corridor_m FROM r0),
             c AS (
               SELECT 'conduit'::text AS kind, x.id, x.code, x.owner_carrier_id, x.ducts_total - x.ducts_used AS free, x.ducts_total AS total, x.geom
                 FROM r, conduits x
                WHERE x.geom && ${expandByMeters(sql`r.g`, bufferM)} AND x.status = ANY(${arrayParam(statuses)}::text[])
                  AND x.ducts_total - x.ducts_used >= ${minFree}
               UNION ALL
               SELECT 'trench', x.id, x.code, x.owner_carrier_id, x.capacity_total - x.capacity_used, x.capacity_total, x.geom
                 FROM r, trenches x
                WHERE x.geom && ${expandByMeters(sql`r.g`, bufferM)} AND x.status = ANY(${arrayParam(statuses)}::text[])
                  AND x.capacity_total - x.capacity_used >= ${minFree}
             ),
             -- Only the part of each structure near the route matters: clip it to the route's
             -- corridor before buffering (long conduits would otherwise make huge buffers).
             b AS MATERIALIZED (
               SELECT c.kind, c.id, c.code, c.owner_carrier_id, c.free, c.total, c.geom,
                      ST_Buffer(ST_Intersection(ST_Transform(c.geom, ${srid}::int), r.corridor_m), ${bufferM}::float8, 'quad_segs=4') AS zone_m
                 FROM c, r WHERE ST_DWithin(ST_Transform(c.geom, ${srid}::int), r.gm, ${bufferM}::float8)
             ),
             u0 AS MATERIALIZED (SELECT ST_Intersection((SELECT om FROM r), (SELECT ST_Union(zone_m) FROM b)) AS open_m),
             u AS MATERIALIZED (
               SELECT coalesce(ST_Length(open_m), 0) AS open_alongside_m,
                      CASE WHEN open_m IS NOT NULL AND NOT ST_IsEmpty(open_m) THEN ST_AsGeoJSON(ST_Transform(open_m, 4326), 7) END AS open_geojson
                 FROM u0
             )
        SELECT b.kind, b.id, b.code, b.owner_carrier_id, k.code AS owner_code, b.free, b.total,
               ST_Length(ST_Intersection(r.gm, b.zone_m)) AS alongside_m,
               ST_Length(r.gm) AS route_m,
               u.open_alongside_m, u.open_geojson,
               (b.kind = 'conduit' AND b.id = ANY(${arrayParam(claimedConduits)}::int[])) OR (b.kind = 'trench' AND b.id = ANY(${arrayParam(claimedTrenches)}::int[])) AS claimed,
               ST_AsGeoJSON(b.geom, 7) AS geojson
          FROM b CROSS JOIN r LEFT JOIN u ON true
          JOIN carriers k ON k.id = b.owner_carrier_id
         ORDER BY alongside_m DESC, b.kind, b.id`,
  );
  const lengthRows = found.length > 0 ? found : await rows<{ route_m: number }>(db, sql`SELECT ST_Length(ST_Transform(${route}, ${srid}::int)) AS route_m`);
  const routeLengthM = lengthRows[0]?.route_m ?? 0;
  const structures = found
    .filter((f) => f.alongside_m > 0)
    .map((f) => ({
      kind: f.kind,
      id: f.id,
      code: f.code,
      ownerCarrierId: f.owner_carrier_id,
      ownerCarrierCode: f.owner_code,
      freeDucts: f.free,
      totalDucts: f.total,
      alongsideM: roundM(f.alongside_m),
      usedByRoute: f.claimed,
    }));
  const sharedLengthM = roundM(found[0]?.open_alongside_m ?? 0);
  const share = routeLengthM > 0 ? sharedLengthM / routeLengthM : 0;
  const features = found.filter((f) => f.alongside_m > 0).map((f) => feature(f.geojson, { role: 'structure', kind: f.kind, id: f.id, code: f.code, freeDucts: f.free, alongsideM: roundM(f.alongside_m) }));
  const openGeojson = found[0]?.open_geojson;
  if (openGeojson) features.push(feature(openGeojson, { role: 'overlap', sharedLengthM }));
  const evidence = {
    routeLengthM: roundM(routeLengthM),
    sharedLengthM,
    share: Math.round(share * 1000) / 1000,
    mustUseShare,
    warnShare,
    alongsideBufferM: bufferM,
    structures,
  };
  const top = structures.find((s) => !s.usedByRoute);
  const pct = Math.round(share * 100);
  if (share >= mustUseShare && top) {
    return {
      verdict: 'fail',
      message: {
        vi: `${sharedLengthM} m (${pct}%) tuyến chạy dọc cống bể/tuy-nen còn ống trống (${top.code}, ${top.ownerCarrierCode}, còn ${top.freeDucts} ống): bắt buộc sử dụng`,
        en: `${sharedLengthM} m (${pct}%) of the route runs alongside conduit/tunnel with free ducts (${top.code}, ${top.ownerCarrierCode}, ${top.freeDucts} free): must use it`,
      },
      evidence,
      features,
    };
  }
  if (share >= warnShare && top) {
    return {
      verdict: 'warn',
      message: {
        vi: `${sharedLengthM} m (${pct}%) tuyến chạy dọc cống bể/tuy-nen còn ống trống (${top.code}); nên sử dụng`,
        en: `${sharedLengthM} m (${pct}%) of the route runs alongside conduit/tunnel with free ducts (${top.code}); consider using it`,
      },
      evidence,
      features,
    };
  }
  return {
    verdict: 'pass',
    message: {
      vi: sharedLengthM > 0 ? `Chỉ ${sharedLengthM} m (${pct}%) tuyến chạy dọc cống bể còn ống trống chưa dùng` : 'Không có cống bể/tuy-nen còn ống trống dọc tuyến chưa được sử dụng',
      en: sharedLengthM > 0 ? `Only ${sharedLengthM} m (${pct}%) runs alongside unused conduit with free ducts` : 'No unused conduit or tunnel with free ducts alongside the route',
    },
    evidence,
    features,
  };
};
