import { sql } from 'drizzle-orm';
import { geomFromGeoJson, rows } from '../sql';
import { zoneInForce } from './no-build-zone.rule';
import { feature, numberParam, type RuleCheck } from './rule';

interface LimitZone {
  id: number;
  code: string;
  name: string;
  max_height_m: number;
  legal_basis: string | null;
  geojson: string;
}

/**
 * Height-limit zones containing the site: above the lowest limit fails; within
 * params.warnWithinM below it warns (little room for a later extension).
 */
export const heightLimitRule: RuleCheck = async (db, input, params) => {
  const { proposal } = input;
  if (proposal.kind !== 'site') throw new Error('height_limit applies to sites');
  const warnWithinM = numberParam(params, 'warnWithinM', 5);
  const heightM = proposal.facts.heightM;
  const zones = await rows<LimitZone>(
    db,
    sql`SELECT z.id, z.code, z.name, z.max_height_m, z.legal_basis, ST_AsGeoJSON(z.geom, 7) AS geojson
          FROM zones z
         WHERE z.kind = 'height_limit' AND ${zoneInForce} AND ST_Intersects(z.geom, ${geomFromGeoJson(proposal.geometry)})
         ORDER BY z.max_height_m, z.id`,
  );
  const list = zones.map((z) => ({ id: z.id, code: z.code, name: z.name, maxHeightM: z.max_height_m, legalBasis: z.legal_basis }));
  const features = zones.map((z) => feature(z.geojson, { role: 'zone', kind: 'height_limit', id: z.id, name: z.name, maxHeightM: z.max_height_m }));
  const strictest = list[0];
  if (!strictest) {
    return { verdict: 'pass', message: { vi: 'Không thuộc vùng hạn chế chiều cao', en: 'Outside every height-limit zone' }, evidence: { heightM, zones: [] }, features };
  }
  const evidence = { heightM, limitM: strictest.maxHeightM, warnWithinM, zones: list };
  if (heightM > strictest.maxHeightM) {
    return {
      verdict: 'fail',
      message: {
        vi: `Chiều cao ${heightM} m vượt giới hạn ${strictest.maxHeightM} m của vùng ${strictest.name}`,
        en: `Height ${heightM} m exceeds the ${strictest.maxHeightM} m limit of ${strictest.name}`,
      },
      evidence,
      features,
    };
  }
  if (heightM > strictest.maxHeightM - warnWithinM) {
    return {
      verdict: 'warn',
      message: {
        vi: `Chiều cao ${heightM} m sát giới hạn ${strictest.maxHeightM} m của vùng ${strictest.name}`,
        en: `Height ${heightM} m is within ${warnWithinM} m of the ${strictest.maxHeightM} m limit of ${strictest.name}`,
      },
      evidence,
      features,
    };
  }
  return {
    verdict: 'pass',
    message: { vi: `Chiều cao ${heightM} m trong giới hạn ${strictest.maxHeightM} m`, en: `Height ${heightM} m within the ${strictest.maxHeightM} m limit` },
    evidence,
    features,
  };
};
