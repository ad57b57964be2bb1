import { sql } from 'drizzle-orm';
import { expandByMeters, geomFromGeoJson, rows } from '../sql';
import { feature, numberParam, roundM, type RuleCheck } from './rule';

interface Near {
  kind: 'site' | 'tenancy' | 'application';
  id: number;
  code: string;
  status: string;
  distance_m: number;
  geojson: string;
}

/**
 * Duplicates: the applicant already has a site — its own, or one it rents
 * space on — within params.duplicateRadiusM (fail) or params.warnRadiusM
 * (warn); another open application of its own within the duplicate radius
 * also warns (filed twice?).
 */
export const duplicateSiteRule: RuleCheck = async (db, input, params) => {
  const { proposal, applicantCarrierId } = input;
  const duplicateM = numberParam(params, 'duplicateRadiusM', 20);
  const warnM = Math.max(duplicateM, numberParam(params, 'warnRadiusM', 100));
  const p = geomFromGeoJson(proposal.geometry);
  const found = await rows<Near>(
    db,
    sql`WITH p AS (SELECT ${p} AS g)
        SELECT CASE WHEN s.owner_carrier_id = ${applicantCarrierId} THEN 'site' ELSE 'tenancy' END AS kind,
               s.id, s.code, s.status, ST_Distance(s.geom::geography, p.g::geography) AS distance_m, ST_AsGeoJSON(s.geom, 7) AS geojson
          FROM p, sites s
         WHERE s.geom && ${expandByMeters(sql`p.g`, warnM)}
           AND ST_DWithin(s.geom::geography, p.g::geography, ${warnM})
           AND s.status <> 'decommissioned'
           AND (s.owner_carrier_id = ${applicantCarrierId}
                OR EXISTS (SELECT 1 FROM site_tenancies t WHERE t.site_id = s.id AND t.carrier_id = ${applicantCarrierId} AND t.until IS NULL))
        UNION ALL
        SELECT 'application', a.id, a.reference, a.status, ST_Distance(r.geom::geography, p.g::geography), ST_AsGeoJSON(r.geom, 7)
          FROM p, permit_applications a
          JOIN permit_revisions r ON r.application_id = a.id AND r.revision = a.current_revision
         WHERE a.applicant_carrier_id = ${applicantCarrierId} AND a.kind = 'site'
           AND a.status IN ('submitted', 'under_review') AND a.id <> ${input.applicationId ?? 0}
           AND r.geom && ${expandByMeters(sql`p.g`, duplicateM)}
           AND ST_DWithin(r.geom::geography, p.g::geography, ${duplicateM})
        ORDER BY 5, 2`,
  );
  const nearby = found.map((f) => ({ kind: f.kind, id: f.id, code: f.code, status: f.status, distanceM: roundM(f.distance_m) }));
  const features = found.map((f, i) => feature(f.geojson, { role: 'structure', kind: f.kind, id: f.id, code: f.code, distanceM: nearby[i]!.distanceM }));
  const evidence = { duplicateRadiusM: duplicateM, warnRadiusM: warnM, nearby };
  const sitesNear = nearby.filter((n) => n.kind !== 'application');
  const duplicate = sitesNear.find((n) => n.distanceM <= duplicateM);
  if (duplicate) {
    return {
      verdict: 'fail',
      message: {
        vi: `Doanh nghiệp đã có trạm ${duplicate.code} cách ${duplicate.distanceM} m (≤ ${duplicateM} m)`,
        en: `The applicant already has site ${duplicate.code} ${duplicate.distanceM} m away (≤ ${duplicateM} m)`,
      },
      evidence,
      features,
    };
  }
  const first = nearby[0];
  if (first) {
    const what = first.kind === 'application' ? { vi: `hồ sơ ${first.code}`, en: `application ${first.code}` } : { vi: `trạm ${first.code}`, en: `site ${first.code}` };
    return {
      verdict: 'warn',
      message: { vi: `Doanh nghiệp đã có ${what.vi} cách ${first.distanceM} m`, en: `The applicant already has ${what.en} ${first.distanceM} m away` },
      evidence,
      features,
    };
  }
  return {
    verdict: 'pass',
    message: { vi: `Doanh nghiệp không có trạm nào trong bán kính ${warnM} m`, en: `The applicant has no site within ${warnM} m` },
    evidence,
    features,
  };
};
