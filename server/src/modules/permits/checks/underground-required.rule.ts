import { sql } from 'drizzle-orm';
import { expandByMeters, geomFromGeoJson, rows } from '../sql';
import { zoneInForce } from './no-build-zone.rule';
import { feature, numberParam, roundM, type RuleCheck } from './rule';
import { segmentsWhere } from './segments';

interface StreetHit {
  id: number;
  code: string;
  name: string;
  aerial_m: number;
  street_geojson: string;
  overlap_geojson: string;
}

/**
 * Underground-required streets: the aerial segments of a route that run in
 * such a street (a line zone widened by its buffer_m, or a polygon zone).
 * A short aerial stretch — a crossing, up to params.crossingToleranceM in any
 * one street — warns; more fails.
 */
export const undergroundRequiredRule: RuleCheck = async (db, input, params) => {
  const { proposal } = input;
  if (proposal.kind !== 'route') throw new Error('underground_required applies to routes');
  const defaultBufferM = numberParam(params, 'defaultStreetBufferM', 10);
  const toleranceM = numberParam(params, 'crossingToleranceM', 30);
  const aerial = segmentsWhere(proposal.geometry.coordinates, proposal.facts.segments, (s) => s.placement === 'aerial');
  if (!aerial) {
    return {
      verdict: 'pass',
      message: { vi: 'Tuyến không có đoạn treo nổi', en: 'The route has no aerial segment' },
      evidence: { aerialLengthM: 0, streets: [] },
      features: [],
    };
  }
  const srid = input.metricSrid;
  const a = geomFromGeoJson(aerial);
  // Street area in metres: polygon zones as they are, line zones buffered by their half-width.
  const hits = await rows<StreetHit>(
    db,
    sql`WITH a AS (SELECT ${a} AS g),
             s AS (
               SELECT z.id, z.code, z.name,
                      CASE WHEN GeometryType(z.geom) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_Transform(z.geom, ${srid}::int)
                           ELSE ST_Buffer(ST_Transform(z.geom, ${srid}::int), coalesce(z.buffer_m, ${defaultBufferM}::float8)) END AS area_m
                 FROM a, zones z
                WHERE z.kind = 'underground_required' AND ${zoneInForce}
                  AND z.geom && ${expandByMeters(sql`a.g`, 200)}
             ),
             o AS (SELECT s.*, ST_Intersection(ST_Transform(a.g, ${srid}::int), s.area_m) AS overlap_m FROM s, a WHERE ST_Intersects(ST_Transform(a.g, ${srid}::int), s.area_m))
        SELECT id, code, name, ST_Length(overlap_m) AS aerial_m,
               ST_AsGeoJSON(ST_Transform(area_m, 4326), 7) AS street_geojson,
               ST_AsGeoJSON(ST_Transform(overlap_m, 4326), 7) AS overlap_geojson
          FROM o WHERE ST_Length(overlap_m) > 0
         ORDER BY aerial_m DESC, id`,
  );
  const streets = hits.map((h) => ({ id: h.id, code: h.code, name: h.name, aerialLengthM: roundM(h.aerial_m) }));
  const features = hits.flatMap((h) => [
    feature(h.street_geojson, { role: 'zone', kind: 'underground_required', id: h.id, name: h.name }),
    feature(h.overlap_geojson, { role: 'overlap', zoneId: h.id, aerialLengthM: roundM(h.aerial_m) }),
  ]);
  const evidence = { crossingToleranceM: toleranceM, streets };
  if (streets.length === 0) {
    return { verdict: 'pass', message: { vi: 'Không có đoạn treo nổi trên tuyến phố bắt buộc hạ ngầm', en: 'No aerial segment in an underground-required street' }, evidence, features };
  }
  const worst = streets[0]!;
  const names = streets.map((s) => s.name).join(', ');
  if (worst.aerialLengthM > toleranceM) {
    return {
      verdict: 'fail',
      message: {
        vi: `Đoạn treo nổi ${worst.aerialLengthM} m trên tuyến phố bắt buộc hạ ngầm: ${names}`,
        en: `${worst.aerialLengthM} m aerial in underground-required street(s): ${names}`,
      },
      evidence,
      features,
    };
  }
  return {
    verdict: 'warn',
    message: {
      vi: `Tuyến treo nổi cắt ngang tuyến phố bắt buộc hạ ngầm (${worst.aerialLengthM} m ≤ ${toleranceM} m): ${names}`,
      en: `Aerial crossing of underground-required street(s) (${worst.aerialLengthM} m ≤ ${toleranceM} m): ${names}`,
    },
    evidence,
    features,
  };
};
