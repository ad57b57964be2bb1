import type { ProposedSector } from '@registry/shared/schemas/permits';
import type { DbOrTx } from '../../../db/client';
import { numberParam, type RuleCheck } from './rule';

/** What the coverage engine's what-if answers for a candidate site. */
export interface CoverageGain {
  technology: string;
  householdsNewlyCovered: number;
  flaggedVillagesHelped: { id: number; code: string; name: string; householdsNewlyCovered: number; reachesTarget: boolean }[];
  /** The model parameters the engine used, shown next to the result. */
  parameters?: Record<string, unknown>;
}

/** The coverage engine's what-if for a candidate site, when the engine provides one. */
export type CoverageWhatIf = (
  db: DbOrTx,
  candidate: { lon: number; lat: number; heightM: number; carrierId: number; sectors: ProposedSector[]; technology: string },
) => Promise<CoverageGain>;

/**
 * Coverage gain, shown to the officer as context (non-blocking by default):
 * households newly covered and flagged villages helped, from the coverage
 * engine. Without the engine it says so and passes; it never invents numbers.
 */
export function coverageGainRule(whatIf: CoverageWhatIf | null): RuleCheck {
  return async (db, input, params) => {
    const { proposal } = input;
    if (proposal.kind !== 'site') throw new Error('coverage_gain applies to sites');
    const technology = typeof params.technology === 'string' ? params.technology : '4G';
    if (!whatIf) {
      return {
        verdict: 'pass',
        message: {
          vi: 'Chưa tính được mức tăng vùng phủ: bộ tính vùng phủ chưa cung cấp chức năng giả định trạm mới',
          en: 'Coverage gain not available: the coverage engine offers no what-if for a candidate site yet',
        },
        evidence: { available: false },
        features: [],
      };
    }
    const [lon, lat] = proposal.geometry.coordinates;
    let gain: CoverageGain;
    try {
      // In a savepoint (or its own transaction on a pool): an engine error must not abort the caller's transaction.
      gain = await db.transaction((sp) => whatIf(sp, { lon: lon!, lat: lat!, heightM: proposal.facts.heightM, carrierId: input.applicantCarrierId, sectors: proposal.facts.sectors, technology }));
    } catch (error) {
      return {
        verdict: 'pass',
        message: { vi: 'Chưa tính được mức tăng vùng phủ (bộ tính vùng phủ báo lỗi)', en: 'Coverage gain not available: the coverage engine failed' },
        evidence: { available: false, reason: error instanceof Error ? error.message : String(error) },
        features: [],
      };
    }
    const warnBelow = numberParam(params, 'warnBelowHouseholds', 1);
    const evidence = { available: true, ...gain };
    const helped = gain.flaggedVillagesHelped.length;
    if (gain.householdsNewlyCovered < warnBelow) {
      return {
        verdict: 'warn',
        message: { vi: `Trạm mới không phủ thêm hộ nào (${technology})`, en: `The new site covers no additional household (${technology})` },
        evidence,
        features: [],
      };
    }
    return {
      verdict: 'pass',
      message: {
        vi: `Phủ thêm ${gain.householdsNewlyCovered} hộ (${technology}); hỗ trợ ${helped} thôn thuộc diện ưu tiên`,
        en: `Newly covers ${gain.householdsNewlyCovered} households (${technology}); helps ${helped} flagged village(s)`,
      },
      evidence,
      features: [],
    };
  };
}
