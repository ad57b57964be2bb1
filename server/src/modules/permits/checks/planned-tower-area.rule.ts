import { sql } from 'drizzle-orm';
import { geomFromGeoJson, rows } from '../sql';
import { zoneInForce } from './no-build-zone.rule';
import { feature, roundM, verdictParam, type RuleCheck } from './rule';

interface PlannedArea {
  id: number;
  code: string;
  name: string;
  inside: boolean;
  distance_m: number;
  geojson: string;
}

/**
 * Planned tower areas from the provincial plan: inside one passes; outside
 * all of them gets params.outsideVerdict (warn by default). Where the plan
 * defines no areas at all, the rule has nothing to judge and passes.
 */
export const plannedTowerAreaRule: RuleCheck = async (db, input, params) => {
  const { proposal } = input;
  const p = geomFromGeoJson(proposal.geometry);
  const count = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM zones z WHERE z.kind = 'planned_tower_area' AND ${zoneInForce}`);
  const areasInForce = count[0]?.n ?? 0;
  if (areasInForce === 0) {
    return {
      verdict: 'pass',
      message: { vi: 'Chưa có khu vực quy hoạch trạm BTS nào được nạp', en: 'No planned tower areas are loaded' },
      evidence: { areasInForce: 0 },
      features: [],
    };
  }
  // The containing area, else the nearest (KNN on the index, then the exact distance).
  const found = await rows<PlannedArea>(
    db,
    sql`WITH p AS (SELECT ${p} AS g)
        SELECT z.id, z.code, z.name, ST_Intersects(z.geom, p.g) AS inside,
               ST_Distance(z.geom::geography, p.g::geography) AS distance_m, ST_AsGeoJSON(z.geom, 7) AS geojson
          FROM p, zones z
         WHERE z.kind = 'planned_tower_area' AND ${zoneInForce}
         ORDER BY z.geom <-> p.g
         LIMIT 3`,
  );
  found.sort((a, b) => Number(b.inside) - Number(a.inside) || a.distance_m - b.distance_m);
  const best = found[0]!;
  const area = { id: best.id, code: best.code, name: best.name, distanceM: roundM(best.distance_m) };
  const features = [feature(best.geojson, { role: 'zone', kind: 'planned_tower_area', id: best.id, name: best.name, inside: best.inside })];
  if (best.inside) {
    return {
      verdict: 'pass',
      message: { vi: `Nằm trong khu vực quy hoạch ${best.name}`, en: `Inside the planned tower area ${best.name}` },
      evidence: { areasInForce, inside: area },
      features,
    };
  }
  return {
    verdict: verdictParam(params, 'outsideVerdict', 'warn'),
    message: {
      vi: `Nằm ngoài mọi khu vực quy hoạch trạm BTS; gần nhất ${best.name} cách ${area.distanceM} m`,
      en: `Outside every planned tower area; nearest ${best.name} at ${area.distanceM} m`,
    },
    evidence: { areasInForce, nearest: area },
    features,
  };
};
