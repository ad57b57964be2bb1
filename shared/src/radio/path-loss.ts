// Median path-loss formulas of the coverage model. Pure functions, SI-ish
// units named in every argument (MHz, GHz, metres, kilometres, dB).
//
// Sources:
// - Okumura–Hata: M. Hata, "Empirical formula for propagation loss in land
//   mobile radio services", IEEE Trans. Veh. Technol. VT-29(3), 1980, pp. 317–325;
//   as restated in COST Action 231 final report (1999), §4.4.1, eq. (4.4.1).
// - COST-231 Hata: COST Action 231, "Digital mobile radio towards future
//   generation systems", final report (EUR 18957, 1999), §4.4.1, eq. (4.4.3).
// - 3GPP TR 38.901 V17.0.0 (2022-03), "Study on channel model for frequencies
//   from 0.5 to 100 GHz", §7.4.1, Table 7.4.1-1 (RMa and UMa, LOS and NLOS).

/** Where a formula was fitted or specified; outside it the formula is not used as is. */
export interface ValidityRange {
  frequencyMHz: readonly [number, number];
  baseStationHeightM: readonly [number, number];
  handsetHeightM: readonly [number, number];
  distanceM: readonly [number, number];
}

/** Hata (1980): 150–1500 MHz, hb 30–200 m, hm 1–10 m, d 1–20 km. */
export const OKUMURA_HATA_VALIDITY: ValidityRange = {
  frequencyMHz: [150, 1500],
  baseStationHeightM: [30, 200],
  handsetHeightM: [1, 10],
  distanceM: [1_000, 20_000],
};

/** COST 231 (1999) §4.4.1: 1500–2000 MHz, hb 30–200 m, hm 1–10 m, d 1–20 km. */
export const COST231_HATA_VALIDITY: ValidityRange = {
  frequencyMHz: [1500, 2000],
  baseStationHeightM: [30, 200],
  handsetHeightM: [1, 10],
  distanceM: [1_000, 20_000],
};

/**
 * TR 38.901 §7.4.1 / Table 7.4.1-1, RMa: 0.5–30 GHz (the RMa model's stated
 * frequency range; above 7 GHz validated by one 24 GHz campaign, note 4),
 * 10 m ≤ hBS ≤ 150 m, 1 m ≤ hUT ≤ 10 m, NLOS 10 m ≤ d2D ≤ 5 km.
 */
export const TR38901_RMA_VALIDITY: ValidityRange = {
  frequencyMHz: [500, 30_000],
  baseStationHeightM: [10, 150],
  handsetHeightM: [1, 10],
  distanceM: [10, 5_000],
};

/**
 * TR 38.901 Table 7.4.1-1, UMa: 0.5–100 GHz, 1.5 m ≤ hUT ≤ 22.5 m,
 * 10 m ≤ d2D ≤ 5 km. The table's hBS is the nominal 25 m; hBS enters the
 * formula only through d3D and the break-point distance, so we accept the
 * RMa height range (10–150 m) — an engineering extension, stated here.
 */
export const TR38901_UMA_VALIDITY: ValidityRange = {
  frequencyMHz: [500, 100_000],
  baseStationHeightM: [10, 150],
  handsetHeightM: [1.5, 22.5],
  distanceM: [10, 5_000],
};

const log10 = Math.log10;
const SPEED_OF_LIGHT_M_PER_S = 299_792_458;

/**
 * Hata's mobile-antenna correction a(hm) in dB. `large` = large city
 * (Hata eq. for f ≥ 300 MHz: 3.2·(log 11.75·hm)² − 4.97); otherwise the
 * small/medium city form (1.1·log f − 0.7)·hm − (1.56·log f − 0.8).
 */
export function hataMobileCorrectionDb(frequencyMHz: number, handsetHeightM: number, large: boolean): number {
  if (large) {
    return frequencyMHz < 300
      ? 8.29 * log10(1.54 * handsetHeightM) ** 2 - 1.1
      : 3.2 * log10(11.75 * handsetHeightM) ** 2 - 4.97;
  }
  const lf = log10(frequencyMHz);
  return (1.1 * lf - 0.7) * handsetHeightM - (1.56 * lf - 0.8);
}

/** Hata's environments: open area, suburban area, medium-sized city, large city. */
export type HataEnvironment = 'urban_large' | 'urban_medium' | 'suburban' | 'open';
export const HATA_ENVIRONMENTS: readonly HataEnvironment[] = ['open', 'suburban', 'urban_medium', 'urban_large'];

/**
 * Okumura–Hata median path loss, dB (Hata 1980; COST 231 eq. 4.4.1):
 *   L_u = 69.55 + 26.16·log f − 13.82·log hb − a(hm) + (44.9 − 6.55·log hb)·log d
 *   suburban: L_u − 2·(log(f/28))² − 5.4
 *   open:     L_u − 4.78·(log f)² + 18.33·log f − 40.94
 * with f in MHz, hb and hm in metres, d in km. The suburban and open forms
 * are applied to the medium-city L_u, as in Hata's paper.
 */
export function okumuraHataLossDb(frequencyMHz: number, baseStationHeightM: number, handsetHeightM: number, distanceM: number, environment: HataEnvironment): number {
  return hataFamilyLossDb(OKUMURA_HATA_TERMS, frequencyMHz, baseStationHeightM, handsetHeightM, distanceM, environment);
}

/** The constant terms that tell Okumura–Hata (eq. 4.4.1) and COST-231 Hata (eq. 4.4.3) apart. */
interface HataTerms {
  /** Intercept, dB. */
  a: number;
  /** Frequency slope, dB per decade. */
  b: number;
  /** Cm for a large city (metropolitan centre), dB. */
  cmLarge: number;
}

const OKUMURA_HATA_TERMS: HataTerms = { a: 69.55, b: 26.16, cmLarge: 0 };
const COST231_HATA_TERMS: HataTerms = { a: 46.3, b: 33.9, cmLarge: 3 };

/**
 * The Hata family's common body: L = A + B·log f − 13.82·log hb − a(hm) +
 * (44.9 − 6.55·log hb)·log d + Cm, then Hata's suburban or open-area
 * correction applied to the medium-city loss.
 */
function hataFamilyLossDb(terms: HataTerms, frequencyMHz: number, baseStationHeightM: number, handsetHeightM: number, distanceM: number, environment: HataEnvironment): number {
  const lf = log10(frequencyMHz);
  const lhb = log10(baseStationHeightM);
  const dKm = distanceM / 1000;
  const large = environment === 'urban_large';
  const aHm = hataMobileCorrectionDb(frequencyMHz, handsetHeightM, large);
  const cm = large ? terms.cmLarge : 0;
  const urban = terms.a + terms.b * lf - 13.82 * lhb - aHm + (44.9 - 6.55 * lhb) * log10(dKm) + cm;
  switch (environment) {
    case 'urban_large':
    case 'urban_medium':
      return urban;
    case 'suburban':
      return urban - 2 * log10(frequencyMHz / 28) ** 2 - 5.4;
    case 'open':
      return urban - 4.78 * lf ** 2 + 18.33 * lf - 40.94;
  }
}

/**
 * COST-231 Hata median path loss, dB (COST 231 eq. 4.4.3):
 *   L = 46.3 + 33.9·log f − 13.82·log hb − a(hm) + (44.9 − 6.55·log hb)·log d + Cm
 * Cm = 3 dB for metropolitan centres, 0 dB for medium cities and suburbs.
 * COST 231 defines no suburban or open-area form; for those environments we
 * apply Hata's suburban and open-area corrections to the medium-city loss,
 * the usual planning-tool practice (stated, not standardised).
 */
export function cost231HataLossDb(frequencyMHz: number, baseStationHeightM: number, handsetHeightM: number, distanceM: number, environment: HataEnvironment): number {
  return hataFamilyLossDb(COST231_HATA_TERMS, frequencyMHz, baseStationHeightM, handsetHeightM, distanceM, environment);
}

/** RMa's environment parameters (Table 7.4.1-1 defaults: W = 20 m, h = 5 m). */
export interface RmaEnvironment {
  streetWidthM: number;
  buildingHeightM: number;
}
export const RMA_DEFAULT_ENVIRONMENT: RmaEnvironment = { streetWidthM: 20, buildingHeightM: 5 };

function distance3dM(distance2dM: number, baseStationHeightM: number, handsetHeightM: number): number {
  return Math.hypot(distance2dM, baseStationHeightM - handsetHeightM);
}

/**
 * TR 38.901 RMa LOS, dB. fc in GHz in the formulas, in Hz for the break point
 * dBP = 2π·hBS·hUT·fc/c (note 5):
 *   PL1 = 20·log(40π·d3D·fc/3) + min(0.03h^1.72, 10)·log d3D − min(0.044h^1.72, 14.77) + 0.002·log(h)·d3D
 *   PL2 = PL1(dBP) + 40·log(d3D/dBP)
 */
export function tr38901RmaLosLossDb(frequencyGHz: number, baseStationHeightM: number, handsetHeightM: number, distance2dM: number, env: RmaEnvironment = RMA_DEFAULT_ENVIRONMENT): number {
  const h = env.buildingHeightM;
  const pl1 = (d3: number) =>
    20 * log10((40 * Math.PI * d3 * frequencyGHz) / 3) +
    Math.min(0.03 * h ** 1.72, 10) * log10(d3) -
    Math.min(0.044 * h ** 1.72, 14.77) +
    0.002 * log10(h) * d3;
  const breakPointM = (2 * Math.PI * baseStationHeightM * handsetHeightM * frequencyGHz * 1e9) / SPEED_OF_LIGHT_M_PER_S;
  const d3 = distance3dM(distance2dM, baseStationHeightM, handsetHeightM);
  if (distance2dM <= breakPointM) return pl1(d3);
  return pl1(distance3dM(breakPointM, baseStationHeightM, handsetHeightM)) + 40 * log10(d3 / breakPointM);
}

/**
 * TR 38.901 RMa NLOS, dB: PL = max(PL_RMa-LOS, PL'_RMa-NLOS) with
 *   PL' = 161.04 − 7.1·log W + 7.5·log h − (24.37 − 3.7·(h/hBS)²)·log hBS
 *         + (43.42 − 3.1·log hBS)·(log d3D − 3) + 20·log fc − (3.2·(log 11.75·hUT)² − 4.97)
 */
export function tr38901RmaNlosLossDb(frequencyGHz: number, baseStationHeightM: number, handsetHeightM: number, distance2dM: number, env: RmaEnvironment = RMA_DEFAULT_ENVIRONMENT): number {
  const w = env.streetWidthM;
  const h = env.buildingHeightM;
  const hbs = baseStationHeightM;
  const d3 = distance3dM(distance2dM, hbs, handsetHeightM);
  const nlos =
    161.04 -
    7.1 * log10(w) +
    7.5 * log10(h) -
    (24.37 - 3.7 * (h / hbs) ** 2) * log10(hbs) +
    (43.42 - 3.1 * log10(hbs)) * (log10(d3) - 3) +
    20 * log10(frequencyGHz) -
    (3.2 * log10(11.75 * handsetHeightM) ** 2 - 4.97);
  return Math.max(tr38901RmaLosLossDb(frequencyGHz, hbs, handsetHeightM, distance2dM, env), nlos);
}

/**
 * TR 38.901 UMa LOS, dB, with hE = 1 m (the hUT < 13 m case of note 1),
 * d'BP = 4·h'BS·h'UT·fc/c:
 *   PL1 = 28.0 + 22·log d3D + 20·log fc
 *   PL2 = 28.0 + 40·log d3D + 20·log fc − 9·log(d'BP² + (hBS − hUT)²)
 */
export function tr38901UmaLosLossDb(frequencyGHz: number, baseStationHeightM: number, handsetHeightM: number, distance2dM: number): number {
  const effectiveEnvironmentHeightM = 1;
  const breakPointM = (4 * (baseStationHeightM - effectiveEnvironmentHeightM) * (handsetHeightM - effectiveEnvironmentHeightM) * frequencyGHz * 1e9) / SPEED_OF_LIGHT_M_PER_S;
  const d3 = distance3dM(distance2dM, baseStationHeightM, handsetHeightM);
  if (distance2dM <= breakPointM) return 28.0 + 22 * log10(d3) + 20 * log10(frequencyGHz);
  return 28.0 + 40 * log10(d3) + 20 * log10(frequencyGHz) - 9 * log10(breakPointM ** 2 + (baseStationHeightM - handsetHeightM) ** 2);
}

/**
 * TR 38.901 UMa NLOS, dB: PL = max(PL_UMa-LOS, PL'_UMa-NLOS),
 *   PL' = 13.54 + 39.08·log d3D + 20·log fc − 0.6·(hUT − 1.5)
 */
export function tr38901UmaNlosLossDb(frequencyGHz: number, baseStationHeightM: number, handsetHeightM: number, distance2dM: number): number {
  const d3 = distance3dM(distance2dM, baseStationHeightM, handsetHeightM);
  const nlos = 13.54 + 39.08 * log10(d3) + 20 * log10(frequencyGHz) - 0.6 * (handsetHeightM - 1.5);
  return Math.max(tr38901UmaLosLossDb(frequencyGHz, baseStationHeightM, handsetHeightM, distance2dM), nlos);
}
