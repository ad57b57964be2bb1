// Range solver: the distance at which a sector's median path loss reaches
// its maximum allowable path loss (MAPL), with the model chosen by frequency
// and used only inside its validity range.
//
// Model choice (documented in the API's parameters response too):
//   150–1500 MHz   Okumura–Hata        (Hata 1980)
//   1500–2000 MHz  COST-231 Hata       (COST 231 final report §4.4.1)
//   above          3GPP TR 38.901      (RMa NLOS for rural and suburban, UMa NLOS for urban)
// Area class → environment: see DEFAULT_ENVIRONMENTS (configurable).
// TR 38.901 is valid from 0.5 GHz, so it is also the fallback below 2 GHz when
// Hata's own limits are not met (antenna under 30 m, or a range under 1 km).
//
// Outside validity:
//   - the solved range is longer than the model's maximum distance → the
//     range is capped at that distance ("capped"): we never claim coverage
//     further than the model was fitted;
//   - no candidate model is valid for the heights or the distance → the first
//     candidate is used with heights clamped into its range and the distance
//     solved from 10 m ("extrapolated"); the flag is stored with the footprint
//     (sectors.footprint_model) and returned with every result.
import type { AreaClass } from '../enums';
import {
  COST231_HATA_VALIDITY,
  OKUMURA_HATA_VALIDITY,
  RMA_DEFAULT_ENVIRONMENT,
  TR38901_RMA_VALIDITY,
  TR38901_UMA_VALIDITY,
  cost231HataLossDb,
  okumuraHataLossDb,
  tr38901RmaNlosLossDb,
  tr38901UmaNlosLossDb,
  type HataEnvironment,
  type RmaEnvironment,
  type ValidityRange,
} from './path-loss';

export type Tr38901Scenario = 'rma' | 'uma';

/**
 * Default environment of each area class, chosen so that the two model
 * families agree at their 2 GHz seam (hb 30 m, hm 1.5 m, 0.5–4 km):
 * COST-231 suburban is within 1–4 dB of TR 38.901 RMa NLOS and COST-231
 * medium city within 2.5 dB of UMa NLOS, whereas Hata's open-area correction
 * is 20–24 dB more optimistic than RMa NLOS. Okumura's own definitions agree:
 * "open area" is cleared farmland around the mobile, "suburban" a village
 * scattered with trees and houses — and the locations counted here are
 * households, inside villages. Planners can change the mapping (parameters
 * hata.environment.<class>: 0 open, 1 suburban, 2 medium city, 3 large city;
 * tr38901.scenario.<class>: 0 RMa, 1 UMa).
 */
export const DEFAULT_ENVIRONMENTS: Record<AreaClass, { hata: HataEnvironment; tr38901: Tr38901Scenario }> = {
  urban: { hata: 'urban_medium', tr38901: 'uma' },
  suburban: { hata: 'suburban', tr38901: 'rma' },
  rural: { hata: 'suburban', tr38901: 'rma' },
};

export type PropagationModelId = 'okumura-hata' | 'cost231-hata' | 'tr38901-rma-nlos' | 'tr38901-uma-nlos';
export type RangeStatus = 'valid' | 'capped' | 'extrapolated';

export interface RangeInput {
  frequencyMHz: number;
  antennaHeightM: number;
  handsetHeightM: number;
  areaClass: AreaClass;
  maplDb: number;
  rmaEnvironment?: RmaEnvironment;
  /** Overrides DEFAULT_ENVIRONMENTS[areaClass].hata. */
  hataEnvironment?: HataEnvironment;
  /** Overrides DEFAULT_ENVIRONMENTS[areaClass].tr38901. */
  tr38901Scenario?: Tr38901Scenario;
}

export interface RangeResult {
  rangeM: number;
  model: PropagationModelId;
  status: RangeStatus;
  /** `model/environment[:status]`, stored in sectors.footprint_model. */
  label: string;
}

interface Candidate {
  model: PropagationModelId;
  validity: ValidityRange;
  environment: string;
  lossDb: (distanceM: number, antennaHeightM: number, handsetHeightM: number) => number;
}

function within(value: number, [lo, hi]: readonly [number, number]): boolean {
  return value >= lo && value <= hi;
}

function clamp(value: number, [lo, hi]: readonly [number, number]): number {
  return Math.min(hi, Math.max(lo, value));
}

/** The models that may serve a frequency and area class, in order of preference. */
export function candidateModels(input: Pick<RangeInput, 'frequencyMHz' | 'areaClass' | 'rmaEnvironment' | 'hataEnvironment' | 'tr38901Scenario'>): Candidate[] {
  const f = input.frequencyMHz;
  const fGHz = f / 1000;
  const hataEnv = input.hataEnvironment ?? DEFAULT_ENVIRONMENTS[input.areaClass].hata;
  const scenario = input.tr38901Scenario ?? DEFAULT_ENVIRONMENTS[input.areaClass].tr38901;
  const rmaEnv = input.rmaEnvironment ?? RMA_DEFAULT_ENVIRONMENT;
  const out: Candidate[] = [];
  if (within(f, OKUMURA_HATA_VALIDITY.frequencyMHz)) {
    out.push({ model: 'okumura-hata', validity: OKUMURA_HATA_VALIDITY, environment: hataEnv, lossDb: (d, hb, hm) => okumuraHataLossDb(f, hb, hm, d, hataEnv) });
  } else if (within(f, COST231_HATA_VALIDITY.frequencyMHz)) {
    out.push({ model: 'cost231-hata', validity: COST231_HATA_VALIDITY, environment: hataEnv, lossDb: (d, hb, hm) => cost231HataLossDb(f, hb, hm, d, hataEnv) });
  }
  if (scenario === 'rma' && within(f, TR38901_RMA_VALIDITY.frequencyMHz)) {
    out.push({ model: 'tr38901-rma-nlos', validity: TR38901_RMA_VALIDITY, environment: input.areaClass, lossDb: (d, hb, hm) => tr38901RmaNlosLossDb(fGHz, hb, hm, d, rmaEnv) });
  } else if (within(f, TR38901_UMA_VALIDITY.frequencyMHz)) {
    // UMa, also for an RMa class above RMa's 30 GHz limit.
    out.push({ model: 'tr38901-uma-nlos', validity: TR38901_UMA_VALIDITY, environment: input.areaClass, lossDb: (d, hb, hm) => tr38901UmaNlosLossDb(fGHz, hb, hm, d) });
  }
  return out;
}

/**
 * Smallest d in [lo, hi] with loss(d) ≥ target, by bisection in log-distance
 * (every model here is non-decreasing in distance). Returns null when
 * loss(lo) > target (the range is shorter than lo) and hi when loss(hi) < target.
 */
export function solveDistanceM(loss: (distanceM: number) => number, targetDb: number, lo: number, hi: number): number | null {
  if (loss(lo) > targetDb) return null;
  if (loss(hi) <= targetDb) return hi;
  let a = Math.log(lo);
  let b = Math.log(hi);
  for (let i = 0; i < 60; i++) {
    const m = (a + b) / 2;
    if (loss(Math.exp(m)) <= targetDb) a = m;
    else b = m;
  }
  return Math.exp(a);
}

/** The range of a sector: distance where path loss reaches the MAPL. */
export function solveRange(input: RangeInput): RangeResult {
  const candidates = candidateModels(input);
  for (const c of candidates) {
    if (!within(input.antennaHeightM, c.validity.baseStationHeightM) || !within(input.handsetHeightM, c.validity.handsetHeightM)) continue;
    const [dMin, dMax] = c.validity.distanceM;
    const d = solveDistanceM((x) => c.lossDb(x, input.antennaHeightM, input.handsetHeightM), input.maplDb, dMin, dMax);
    if (d === null) continue;
    const status: RangeStatus = d >= dMax ? 'capped' : 'valid';
    return { rangeM: d, model: c.model, status, label: `${c.model}/${c.environment}${status === 'valid' ? '' : `:${status}`}` };
  }
  const first = candidates[0];
  if (!first) throw new RangeError(`no propagation model for ${input.frequencyMHz} MHz`);
  const hb = clamp(input.antennaHeightM, first.validity.baseStationHeightM);
  const hm = clamp(input.handsetHeightM, first.validity.handsetHeightM);
  const dMax = first.validity.distanceM[1];
  const d = solveDistanceM((x) => first.lossDb(x, hb, hm), input.maplDb, 10, dMax) ?? 0;
  return { rangeM: d, model: first.model, status: 'extrapolated', label: `${first.model}/${first.environment}:extrapolated` };
}
