// The province format: what `npm run data:load` reads from a province folder
// (data/province/ by default; any other province supplies the same three
// files). Documented for humans in data/PROVINCE-FORMAT.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';

/** One administrative unit: a feature of units.geojson. */
export interface UnitProperties {
  /** Official code, unique together with validFrom. */
  code: string;
  name: string;
  /** Official type word: Tỉnh, Huyện, Thành phố, Xã, Phường, Thị trấn… */
  unitType: string;
  /** An admin level code listed in province.json `levels`. */
  level: string;
  /** Code of the parent unit of the same scheme (same validFrom), null for the top. */
  parentCode: string | null;
  population: number | null;
  populationYear: number | null;
  /** ISO dates; validTo inclusive, null = still valid. */
  validFrom: string;
  validTo: string | null;
  source: string;
}

export type UnitFeatureCollection = FeatureCollection<Polygon | MultiPolygon, UnitProperties>;

/** Old unit → new unit (e.g. plan-era commune → July-2025 commune). */
export interface UnitMapping {
  fromCode: string;
  fromValidFrom: string;
  toCode: string;
  toValidFrom: string;
  share: number;
  method: string;
  suspect: boolean;
  note: string | null;
  source: string;
}

export interface KpiIndicatorSpec {
  code: string;
  nameVi: string;
  nameEn: string;
  kind: 'computed' | 'reported';
  unit: string;
  maxValue: number | null;
  source: string;
  /** Reported indicators only: plausible 2023 and 2024 province-wide level, for synthetic observations. */
  synthetic?: { level2023: number; level2024: number; spread: number };
}

export interface KpiTargetSpec {
  indicatorCode: string;
  year: number;
  targetValue: number;
  thresholdShare: number | null;
  source: string;
}

export interface ProvinceConfig {
  /** Dataset name shown to users, e.g. "Bắc Giang (plan 2023–2025) — synthetic demo data". */
  name: string;
  provinceName: string;
  /** The scheme the villages and the synthetic inventory are generated for. */
  planScheme: { validFrom: string; provinceLevel: string; districtLevel: string | null; communeLevel: string };
  levels: { code: string; nameVi: string; nameEn: string; rank: number }[];
  seed: number;
  householdSize: number;
  /** Optional: scale every commune's population to a newer province total (with its source). */
  populationScale: { total: number; year: number; source: string } | null;
  /** Districts (codes) that are mountainous / ethnic-minority areas: a table, not code. */
  mountainousDistricts: { code: string; name: string }[];
  /** Communes with industrial parks: 5G is deployed there as in wards and towns. */
  industrialCommunes: { code: string; name: string; park: string }[];
  /** Area class rules for villages, from commune type and density. */
  areaClass: { urbanTypes: string[]; suburbanTypes: string[]; urbanDensityPerKm2: number; suburbanDensityPerKm2: number };
  /** Villages per commune: population ÷ personsPerVillage, clamped. */
  villages: { min: number; max: number; personsPerVillage: number; urbanName: string; ruralName: string; urbanTypes: string[] };
  kpi: { indicators: KpiIndicatorSpec[]; targets: KpiTargetSpec[] };
  attribution: string[];
}

export interface Province {
  dir: string;
  config: ProvinceConfig;
  units: UnitFeatureCollection;
  mappings: UnitMapping[];
}

export class ProvinceFormatError extends Error {}

export function readProvince(dir: string): Province {
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    } catch (error) {
      throw new ProvinceFormatError(`${join(dir, file)}: ${(error as Error).message}`);
    }
  };
  const config = read('province.json') as ProvinceConfig;
  const units = read('units.geojson') as UnitFeatureCollection;
  const mappings = read('mappings.json') as UnitMapping[];
  validateProvince({ dir, config, units, mappings });
  return { dir, config, units, mappings };
}

/** Checks the references inside a province folder; throws with every problem found. */
export function validateProvince(p: Province): void {
  const problems: string[] = [];
  const levels = new Set(p.config.levels.map((l) => l.code));
  const key = (code: string, validFrom: string) => `${code}@${validFrom}`;
  const seen = new Set<string>();
  for (const f of p.units.features) {
    const u = f.properties;
    if (!u?.code || !u.name || !u.level || !u.validFrom) {
      problems.push(`unit without code/name/level/validFrom: ${JSON.stringify(u)}`);
      continue;
    }
    if (!levels.has(u.level)) problems.push(`${u.code}: unknown level ${u.level}`);
    if (seen.has(key(u.code, u.validFrom))) problems.push(`${u.code}: duplicate for validFrom ${u.validFrom}`);
    seen.add(key(u.code, u.validFrom));
    if (!f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) problems.push(`${u.code}: geometry must be a Polygon or MultiPolygon`);
  }
  for (const f of p.units.features) {
    const u = f.properties;
    if (u?.parentCode && !seen.has(key(u.parentCode, u.validFrom))) problems.push(`${u.code}: parent ${u.parentCode} not found in the same scheme`);
  }
  for (const m of p.mappings) {
    if (!seen.has(key(m.fromCode, m.fromValidFrom))) problems.push(`mapping: unknown from unit ${m.fromCode}`);
    if (!seen.has(key(m.toCode, m.toValidFrom))) problems.push(`mapping: unknown to unit ${m.toCode}`);
  }
  const plan = p.units.features.filter((f) => f.properties.validFrom === p.config.planScheme.validFrom && f.properties.level === p.config.planScheme.communeLevel);
  if (plan.length === 0) problems.push('no commune of the plan scheme');
  if (!(p.config.householdSize > 0)) problems.push('householdSize must be > 0');
  if (problems.length) throw new ProvinceFormatError(`${p.dir}: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? ` (+${problems.length - 20} more)` : ''}`);
}
