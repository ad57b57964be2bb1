import type { DbOrTx } from '../../db/client';
import { whatIf } from '../coverage/coverage.service';
import type { CoverageGain, CoverageWhatIf } from './checks/coverage-gain.rule';

/**
 * The coverage_gain rule's what-if, from the coverage engine: the candidate
 * site's 4G/5G sectors (omni at the structure's height when none are given),
 * households (location units) newly covered by any carrier, and the villages
 * below their target that it helps.
 */
export const coverageWhatIfFromEngine: CoverageWhatIf = async (db: DbOrTx, candidate): Promise<CoverageGain> => {
  const technology = candidate.technology === '5G' ? '5G' : '4G';
  const radio = candidate.sectors.filter((s) => s.technology === '4G' || s.technology === '5G');
  const result = await whatIf(db, {
    geometry: { type: 'Point', coordinates: [candidate.lon, candidate.lat] },
    heightM: Math.min(candidate.heightM, 300),
    technology,
    bandMhz: radio[0]?.bandMhz ?? 1800,
    carrierId: candidate.carrierId,
    sectors: radio.map((s) => ({ azimuthDeg: s.azimuthDeg, beamwidthDeg: s.beamwidthDeg, antennaHeightM: s.antennaHeightM, technology: s.technology as '4G' | '5G', bandMhz: s.bandMhz })),
  });
  const anyCarrier = result.villages.filter((v) => v.carrierId === null && v.technology === technology);
  return {
    technology,
    householdsNewlyCovered: result.newlyCoveredUnits[technology] ?? 0,
    flaggedVillagesHelped: anyCarrier
      .filter((v) => !v.meetsTargetBefore && v.newlyCoveredUnits > 0)
      .map((v) => ({ id: v.villageId, code: v.code, name: v.name, householdsNewlyCovered: v.newlyCoveredUnits, reachesTarget: v.reachesTarget })),
    parameters: { parametersHash: result.model.parametersHash, metricSrid: result.model.metricSrid, method: result.model.method, ranges: result.footprints.map((f) => ({ technology: f.technology, bandMhz: f.bandMhz, rangeM: f.rangeM, model: f.model })) },
  };
};
