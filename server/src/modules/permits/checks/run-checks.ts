import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { AREA_CLASSES, type AreaClass } from '@registry/shared/enums';
import type { Locale } from '@registry/shared/messages';
import type { CheckReport, CheckResult, Proposal } from '@registry/shared/schemas/permits';
import type { DbOrTx } from '../../../db/client';
import { geomFromGeoJson, parseSrid, readSetting, rows, utmEpsgForLonLat } from '../sql';
import { coLocationRule } from './co-location.rule';
import { coverageGainRule, type CoverageWhatIf } from './coverage-gain.rule';
import { duplicateSiteRule } from './duplicate-site.rule';
import { heightLimitRule } from './height-limit.rule';
import { mustUseConduitRule } from './must-use-conduit.rule';
import { noBuildZoneRule } from './no-build-zone.rule';
import { plannedTowerAreaRule } from './planned-tower-area.rule';
import { worstOf, type CheckInput, type RuleCheck, type RuleOutcome, type RuleRow } from './rule';
import { undergroundRequiredRule } from './underground-required.rule';

/** The implementation of each rule id; the rule rows (params, blocking, enabled) are data. */
export function ruleImplementations(coverageWhatIf: CoverageWhatIf | null): Record<string, RuleCheck> {
  return {
    co_location: coLocationRule,
    no_build_zone: noBuildZoneRule,
    height_limit: heightLimitRule,
    planned_tower_area: plannedTowerAreaRule,
    underground_required: undergroundRequiredRule,
    must_use_conduit: mustUseConduitRule,
    duplicate_site: duplicateSiteRule,
    coverage_gain: coverageGainRule(coverageWhatIf),
  };
}

export async function selectRules(db: DbOrTx): Promise<RuleRow[]> {
  return rows<RuleRow>(
    db,
    sql`SELECT id, name_vi AS "nameVi", name_en AS "nameEn", applies_to AS "appliesTo", params, blocking, enabled
          FROM permit_rules ORDER BY id`,
  );
}

/** A representative position of the proposal: the point, or the line's middle vertex. */
export function anchorOf(proposal: Proposal): [number, number] {
  if (proposal.kind === 'site') return [proposal.geometry.coordinates[0], proposal.geometry.coordinates[1]];
  const c = proposal.geometry.coordinates;
  const mid = c[Math.floor(c.length / 2)]!;
  return [mid[0], mid[1]];
}

/**
 * Where distances are measured: settings.metric_srid (set by the dataset
 * loader), else the UTM zone of the proposal itself.
 */
export async function metricSridFor(db: DbOrTx, proposal: Proposal): Promise<number> {
  const fromSetting = parseSrid(await readSetting(db, 'metric_srid'));
  if (fromSetting) return fromSetting;
  const [lon, lat] = anchorOf(proposal);
  return utmEpsgForLonLat(lon, lat);
}

/** The area class at a position: its village's, else the finest admin unit's that has one; null when neither. */
export async function areaClassAt(db: DbOrTx, proposal: Proposal): Promise<AreaClass | null> {
  const [lon, lat] = anchorOf(proposal);
  const point = geomFromGeoJson({ type: 'Point', coordinates: [lon, lat] });
  const found = await rows<{ area_class: string | null }>(
    db,
    sql`SELECT coalesce(
              (SELECT v.area_class FROM villages v WHERE ST_Intersects(v.boundary, ${point}) ORDER BY v.id LIMIT 1),
              (SELECT u.area_class FROM admin_units u JOIN admin_levels l ON l.code = u.level
                WHERE u.area_class IS NOT NULL AND u.boundary IS NOT NULL AND ST_Intersects(u.boundary, ${point})
                  AND (u.valid_to IS NULL OR u.valid_to >= CURRENT_DATE)
                ORDER BY l.rank DESC LIMIT 1)) AS area_class`,
  );
  const value = found[0]?.area_class;
  return AREA_CLASSES.includes(value as AreaClass) ? (value as AreaClass) : null;
}

export interface RanCheck extends RuleOutcome {
  rule: RuleRow;
}

export interface RunChecksOptions {
  implementations: Record<string, RuleCheck>;
  /** Run the rules concurrently on a pool (pre-check), or one after another (inside a transaction). */
  concurrent: boolean;
}

/** Runs every enabled rule that applies to the proposal's kind. */
export async function runChecks(
  db: DbOrTx,
  base: Omit<CheckInput, 'metricSrid' | 'areaClass'>,
  options: RunChecksOptions,
): Promise<{ ran: RanCheck[]; areaClass: AreaClass; metricSrid: number; durationMs: number }> {
  const started = performance.now();
  const [rules, metricSrid, areaClass] = options.concurrent
    ? await Promise.all([selectRules(db), metricSridFor(db, base.proposal), areaClassAt(db, base.proposal)])
    : [await selectRules(db), await metricSridFor(db, base.proposal), await areaClassAt(db, base.proposal)];
  const input: CheckInput = { ...base, metricSrid, areaClass };
  const applicable = rules.filter((r) => r.enabled && r.appliesTo.includes(base.proposal.kind) && options.implementations[r.id]);
  const runOne = async (rule: RuleRow): Promise<RanCheck> => ({ rule, ...(await options.implementations[rule.id]!(db, input, rule.params)) });
  let ran: RanCheck[];
  if (options.concurrent) ran = await Promise.all(applicable.map(runOne));
  else {
    ran = [];
    for (const rule of applicable) ran.push(await runOne(rule));
  }
  const defaultClass = typeof rules.find((r) => r.id === 'co_location')?.params.defaultAreaClass === 'string' ? (rules.find((r) => r.id === 'co_location')!.params.defaultAreaClass as AreaClass) : 'rural';
  return { ran, areaClass: areaClass ?? (AREA_CLASSES.includes(defaultClass) ? defaultClass : 'rural'), metricSrid, durationMs: performance.now() - started };
}

export function toCheckResult(check: RanCheck, locale: Locale): CheckResult {
  return {
    ruleId: check.rule.id,
    nameVi: check.rule.nameVi,
    nameEn: check.rule.nameEn,
    verdict: check.verdict,
    blocking: check.rule.blocking,
    message: check.message[locale],
    evidence: check.evidence,
    features: check.features,
  };
}

export function toReport(result: Awaited<ReturnType<typeof runChecks>>, locale: Locale): CheckReport {
  const checks = result.ran.map((c) => toCheckResult(c, locale));
  return {
    checks,
    worstVerdict: worstOf(checks.map((c) => c.verdict)),
    blockingFailures: checks.filter((c) => c.blocking && c.verdict === 'fail').map((c) => c.ruleId),
    areaClass: result.areaClass,
    metricSrid: result.metricSrid,
    durationMs: Math.round(result.durationMs * 10) / 10,
  };
}
