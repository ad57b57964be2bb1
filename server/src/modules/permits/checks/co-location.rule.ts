import { sql } from 'drizzle-orm';
import { AREA_CLASSES, type AreaClass } from '@registry/shared/enums';
import { arrayParam, expandByMeters, geomFromGeoJson, rows } from '../sql';
import { feature, roundM, stringListParam, verdictParam, type RuleCheck } from './rule';

/** Sharing radius for an area class from params.radiusMByAreaClass, else the migration's defaults. */
export function sharingRadiusMeters(params: Record<string, unknown>, areaClass: AreaClass | null): { radiusM: number; areaClass: AreaClass } {
  const byClass = (params.radiusMByAreaClass ?? {}) as Record<string, unknown>;
  const fallbackClass = AREA_CLASSES.includes(params.defaultAreaClass as AreaClass) ? (params.defaultAreaClass as AreaClass) : 'rural';
  const cls = areaClass ?? fallbackClass;
  const defaults: Record<AreaClass, number> = { urban: 300, suburban: 500, rural: 1000 };
  const r = byClass[cls];
  return { radiusM: typeof r === 'number' && r > 0 ? r : defaults[cls], areaClass: cls };
}

interface Candidate {
  id: number;
  code: string;
  owner_carrier_id: number;
  owner_code: string;
  structure_type: string;
  height_m: number;
  status: string;
  tenant_capacity: number;
  tenants: number;
  distance_m: number;
  geojson: string;
}

/**
 * Co-location: existing structures of any owner within the sharing radius
 * (per area class) that still have room for another tenant. The applicant
 * must share one or justify why not (facts.sharingJustification).
 */
export const coLocationRule: RuleCheck = async (db, input, params) => {
  const { proposal } = input;
  if (proposal.kind !== 'site') throw new Error('co_location applies to sites');
  const { radiusM, areaClass } = sharingRadiusMeters(params, input.areaClass);
  const statuses = stringListParam(params, 'structureStatuses', ['active', 'permitted']);
  const p = geomFromGeoJson(proposal.geometry);
  // Free room = capacity − running tenancies (the owner has a tenancy row too).
  const found = await rows<Candidate>(
    db,
    sql`WITH p AS (SELECT ${p} AS g)
        SELECT s.id, s.code, s.owner_carrier_id, c.code AS owner_code, s.structure_type, s.height_m, s.status, s.tenant_capacity,
               t.tenants, ST_Distance(s.geom::geography, p.g::geography) AS distance_m, ST_AsGeoJSON(s.geom, 7) AS geojson
          FROM p, sites s
          JOIN carriers c ON c.id = s.owner_carrier_id
          CROSS JOIN LATERAL (SELECT count(*)::int AS tenants FROM site_tenancies st WHERE st.site_id = s.id AND st.until IS NULL) t
         WHERE s.geom && ${expandByMeters(sql`p.g`, radiusM)}
           AND ST_DWithin(s.geom::geography, p.g::geography, ${radiusM})
           AND s.status = ANY(${arrayParam(statuses)}::text[])
           AND s.tenant_capacity > t.tenants
         ORDER BY distance_m, s.id
         LIMIT 50`,
  );
  const structures = found.map((s) => ({
    id: s.id,
    code: s.code,
    ownerCarrierId: s.owner_carrier_id,
    ownerCarrierCode: s.owner_code,
    structureType: s.structure_type,
    heightM: s.height_m,
    status: s.status,
    tenantCapacity: s.tenant_capacity,
    tenants: s.tenants,
    freeCapacity: s.tenant_capacity - s.tenants,
    distanceM: roundM(s.distance_m),
  }));
  const circle = await rows<{ geojson: string }>(db, sql`SELECT ST_AsGeoJSON(ST_Buffer(${p}::geography, ${radiusM}, 16)::geometry, 7) AS geojson`);
  const features = [
    feature(circle[0]!.geojson, { role: 'buffer', radiusM, areaClass }),
    ...found.map((s, i) => feature(s.geojson, { role: 'structure', kind: 'site', id: s.id, code: s.code, distanceM: structures[i]!.distanceM, freeCapacity: structures[i]!.freeCapacity })),
  ];
  const evidence = { radiusM, areaClass, structures };
  if (structures.length === 0) {
    return {
      verdict: 'pass',
      message: {
        vi: `Không có cột/trạm còn chỗ dùng chung trong bán kính ${radiusM} m (khu vực ${areaClass})`,
        en: `No structure with spare capacity within ${radiusM} m (${areaClass} area)`,
      },
      evidence,
      features,
    };
  }
  const nearest = structures[0]!;
  const justification = proposal.facts.sharingJustification?.trim();
  const verdict = justification ? verdictParam(params, 'verdictWhenJustified', 'warn') : verdictParam(params, 'verdictWhenFound', 'fail');
  return {
    verdict,
    message: {
      vi: `Có ${structures.length} cột/trạm còn chỗ dùng chung trong bán kính ${radiusM} m; gần nhất ${nearest.code} (${nearest.ownerCarrierCode}) cách ${nearest.distanceM} m${justification ? '; doanh nghiệp đã giải trình' : '; phải dùng chung hoặc giải trình'}`,
      en: `${structures.length} structure(s) with spare capacity within ${radiusM} m; nearest ${nearest.code} (${nearest.ownerCarrierCode}) at ${nearest.distanceM} m${justification ? '; the applicant has justified building' : '; share it or justify'}`,
    },
    evidence: { ...evidence, justification: justification ?? null },
    features,
  };
};
