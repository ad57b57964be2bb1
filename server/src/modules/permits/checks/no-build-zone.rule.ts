import { sql } from 'drizzle-orm';
import { expandByMeters, geomFromGeoJson, rows } from '../sql';
import { feature, numberParam, roundM, type RuleCheck } from './rule';

interface ZoneHit {
  id: number;
  code: string;
  name: string;
  legal_basis: string | null;
  inside: boolean;
  distance_m: number;
  geojson: string;
}

/** The SQL condition "zone z is in force today". */
export const zoneInForce = sql`(z.valid_from IS NULL OR z.valid_from <= CURRENT_DATE) AND (z.valid_to IS NULL OR z.valid_to >= CURRENT_DATE)`;

/**
 * No-build zones: a site inside one, or a route crossing one, fails with the
 * zone named; a proposal within params.nearM of one is a warning.
 */
export const noBuildZoneRule: RuleCheck = async (db, input, params) => {
  const nearM = numberParam(params, 'nearM', 50);
  const p = geomFromGeoJson(input.proposal.geometry);
  const hits = await rows<ZoneHit>(
    db,
    sql`WITH p AS (SELECT ${p} AS g)
        SELECT z.id, z.code, z.name, z.legal_basis, ST_Intersects(z.geom, p.g) AS inside,
               ST_Distance(z.geom::geography, p.g::geography) AS distance_m, ST_AsGeoJSON(z.geom, 7) AS geojson
          FROM p, zones z
         WHERE z.kind = 'no_build' AND ${zoneInForce}
           AND z.geom && ${expandByMeters(sql`p.g`, nearM)}
           AND (ST_Intersects(z.geom, p.g) OR ST_DWithin(z.geom::geography, p.g::geography, ${nearM}))
         ORDER BY inside DESC, distance_m, z.id`,
  );
  const zones = hits.map((z) => ({ id: z.id, code: z.code, name: z.name, legalBasis: z.legal_basis, inside: z.inside, distanceM: roundM(z.distance_m) }));
  const features = hits.map((z) => feature(z.geojson, { role: 'zone', kind: 'no_build', id: z.id, name: z.name, inside: z.inside }));
  const inside = zones.filter((z) => z.inside);
  if (inside.length > 0) {
    const names = inside.map((z) => z.name).join(', ');
    return {
      verdict: 'fail',
      message: { vi: `Nằm trong vùng cấm xây dựng: ${names}`, en: `Inside a no-build zone: ${names}` },
      evidence: { nearM, zones },
      features,
    };
  }
  if (zones.length > 0) {
    const z = zones[0]!;
    return {
      verdict: 'warn',
      message: { vi: `Cách vùng cấm xây dựng ${z.name} ${z.distanceM} m`, en: `${z.distanceM} m from the no-build zone ${z.name}` },
      evidence: { nearM, zones },
      features,
    };
  }
  return { verdict: 'pass', message: { vi: 'Không thuộc vùng cấm xây dựng', en: 'Outside every no-build zone' }, evidence: { nearM, zones: [] }, features: [] };
};
