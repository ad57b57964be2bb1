// The coverage model's configuration keys (rows of coverage_parameters) and
// the pure lookups over them. Values live in the database; the defaults below
// mirror the seed migration (coverage_defaults) and serve tests and what-if
// previews when a key is missing.
import type { AreaClass, Technology } from '../enums';
import { HATA_ENVIRONMENTS, type HataEnvironment } from './path-loss';
import { DEFAULT_ENVIRONMENTS, type Tr38901Scenario } from './range';

export const PARAMETER_KEYS = {
  handsetHeightM: 'handset_height_m',
  beamwidthDeg: 'sector.beamwidth_deg',
  arcStepDeg: 'footprint.arc_step_deg',
  dropDistanceM: 'ftth.drop_distance_m',
  thresholdShareDefault: 'target.threshold_share',
  rmaStreetWidthM: 'tr38901.street_width_m',
  rmaBuildingHeightM: 'tr38901.building_height_m',
  suggestionNewMastHeightM: 'suggest.new_mast_height_m',
  suggestionGridSpacingM: 'suggest.grid_spacing_m',
  suggestionMaxPicks: 'suggest.max_picks',
} as const;

/** Planning defaults; MAPL keys are `mapl.<technology>` or `mapl.<technology>.<loMHz>-<hiMHz>`. */
export const DEFAULT_PARAMETERS: Readonly<Record<string, number>> = {
  [PARAMETER_KEYS.handsetHeightM]: 1.5,
  [PARAMETER_KEYS.beamwidthDeg]: 65,
  [PARAMETER_KEYS.arcStepDeg]: 5,
  [PARAMETER_KEYS.dropDistanceM]: 300,
  [PARAMETER_KEYS.thresholdShareDefault]: 0.8,
  [PARAMETER_KEYS.rmaStreetWidthM]: 20,
  [PARAMETER_KEYS.rmaBuildingHeightM]: 5,
  [PARAMETER_KEYS.suggestionNewMastHeightM]: 30,
  [PARAMETER_KEYS.suggestionGridSpacingM]: 1000,
  [PARAMETER_KEYS.suggestionMaxPicks]: 10,
  'hata.environment.urban': 2,
  'hata.environment.suburban': 1,
  'hata.environment.rural': 1,
  'tr38901.scenario.urban': 1,
  'tr38901.scenario.suburban': 0,
  'tr38901.scenario.rural': 0,
  'mapl.2G': 135,
  'mapl.3G': 130,
  'mapl.4G': 126,
  'mapl.4G.450-1000': 128,
  'mapl.4G.1000-2700': 124,
  'mapl.5G': 118,
  'mapl.5G.450-1000': 126,
  'mapl.5G.2700-7125': 118,
  'mapl.5G.24250-52600': 110,
};

export function parameter(params: Readonly<Record<string, number>>, key: string): number {
  const v = params[key] ?? DEFAULT_PARAMETERS[key];
  if (v === undefined) throw new RangeError(`coverage parameter ${key} is not configured`);
  return v;
}

const BAND_KEY = /^mapl\.([^.]+)\.(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/;

/**
 * MAPL for a technology and band: the narrowest `mapl.<tech>.<lo>-<hi>` row
 * whose band contains the frequency, else `mapl.<tech>`. A sector's own
 * mapl_db, when set, overrides both (done by the caller).
 */
export function maplDbFor(params: Readonly<Record<string, number>>, technology: Technology, bandMHz: number): { maplDb: number; key: string } {
  let best: { maplDb: number; key: string; width: number } | null = null;
  const keys = new Set([...Object.keys(DEFAULT_PARAMETERS), ...Object.keys(params)]);
  for (const key of keys) {
    const m = BAND_KEY.exec(key);
    if (!m || m[1] !== technology) continue;
    const lo = Number(m[2]);
    const hi = Number(m[3]);
    if (bandMHz < lo || bandMHz > hi) continue;
    const width = hi - lo;
    if (!best || width < best.width) best = { maplDb: parameter(params, key), key, width };
  }
  if (best) return { maplDb: best.maplDb, key: best.key };
  const key = `mapl.${technology}`;
  return { maplDb: parameter(params, key), key };
}

/** The configured propagation environments of an area class (see DEFAULT_ENVIRONMENTS for the reasoning). */
export function environmentsFor(params: Readonly<Record<string, number>>, areaClass: AreaClass): { hataEnvironment: HataEnvironment; tr38901Scenario: Tr38901Scenario } {
  const hataCode = params[`hata.environment.${areaClass}`];
  const scenarioCode = params[`tr38901.scenario.${areaClass}`];
  return {
    hataEnvironment: hataCode !== undefined && HATA_ENVIRONMENTS[Math.round(hataCode)] ? HATA_ENVIRONMENTS[Math.round(hataCode)]! : DEFAULT_ENVIRONMENTS[areaClass].hata,
    tr38901Scenario: scenarioCode === undefined ? DEFAULT_ENVIRONMENTS[areaClass].tr38901 : Math.round(scenarioCode) === 1 ? 'uma' : 'rma',
  };
}
