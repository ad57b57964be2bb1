import type { ApplicationKind, AreaClass, Verdict } from '@registry/shared/enums';
import type { Localized } from '@registry/shared/messages';
import type { EvidenceFeature, Proposal } from '@registry/shared/schemas/permits';
import type { DbOrTx } from '../../../db/client';

/** What every rule is given: the proposal, who proposes it, and where distances are measured. */
export interface CheckInput {
  proposal: Proposal;
  applicantCarrierId: number;
  /** Projected CRS for lengths and buffers in metres (settings.metric_srid or the UTM zone). */
  metricSrid: number;
  /** Area class at the proposal (village, else admin unit, else the rule's default). */
  areaClass: AreaClass | null;
  /** The application being checked, left out of "the applicant's other applications". */
  applicationId?: number;
}

/** A rule row: its params are data, edited by the department. */
export interface RuleRow {
  id: string;
  nameVi: string;
  nameEn: string;
  appliesTo: ApplicationKind[];
  params: Record<string, unknown>;
  blocking: boolean;
  enabled: boolean;
}

export interface RuleOutcome {
  verdict: Verdict;
  message: Localized;
  /** Object ids, distances in metres, zone names, capacities. */
  evidence: Record<string, unknown>;
  /** Geometries to draw for the officer. */
  features: EvidenceFeature[];
}

export type RuleCheck = (db: DbOrTx, input: CheckInput, params: Record<string, unknown>) => Promise<RuleOutcome>;

// Param readers: rule params are edited as JSON, so read them defensively
// with the migration's defaults as fallbacks.
export function numberParam(params: Record<string, unknown>, key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function verdictParam(params: Record<string, unknown>, key: string, fallback: Verdict): Verdict {
  const v = params[key];
  return v === 'pass' || v === 'warn' || v === 'fail' ? v : fallback;
}

export function stringListParam(params: Record<string, unknown>, key: string, fallback: string[]): string[] {
  const v = params[key];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fallback;
}

export function feature(geometryJson: string, properties: Record<string, unknown>): EvidenceFeature {
  return { type: 'Feature', geometry: JSON.parse(geometryJson) as EvidenceFeature['geometry'], properties };
}

/** Metres rounded to decimetres for evidence. */
export const roundM = (m: number) => Math.round(m * 10) / 10;

export const VERDICT_RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

export function worstOf(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (VERDICT_RANK[v] > VERDICT_RANK[worst] ? v : worst), 'pass');
}
