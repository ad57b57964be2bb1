import { z } from 'zod';
import { INDICATOR_KINDS } from '../enums';
import { LIMITS } from '../limits';
import type { Localized } from '../messages';

// The plan's indicators (KPIs), their targets, the reported observations and
// the dashboard that sets every indicator against its target. The API
// validates with these schemas and the planner's forms use the same ones, so
// a refused value reads the same in the browser and in the API.

/** The plan's horizon: the dashboard compares against this year's targets. */
export const KPI_TARGET_YEAR = 2025;

// ---------------------------------------------------------------- periods

/** A reporting period: a year, a half, a quarter or a month (2024, 2024-H2, 2024-Q3, 2024-07). */
export const KPI_PERIOD_PATTERN = /^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/;

/** First and last day (YYYY-MM-DD) of a period label, or null when it is not one. */
export function periodRange(period: string): { start: string; end: string } | null {
  const m = KPI_PERIOD_PATTERN.exec(period);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return null;
  const part = m[2];
  let firstMonth = 1;
  let months = 12;
  if (part?.startsWith('H')) [firstMonth, months] = [part === 'H1' ? 1 : 7, 6];
  else if (part?.startsWith('Q')) [firstMonth, months] = [(Number(part[1]) - 1) * 3 + 1, 3];
  else if (part) [firstMonth, months] = [Number(part), 1];
  const lastMonth = firstMonth + months - 1;
  // Day 0 of the next month is the last day of this one (UTC, no DST).
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { start: `${year}-${pad(firstMonth)}-01`, end: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

export const KpiPeriod = z
  .string()
  .trim()
  .refine((p) => periodRange(p) !== null, { message: 'invalid_format: a period as YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM (2000–2100)' });

// ---------------------------------------------------------------- value rules

/** What the value check needs to know about an indicator. */
export interface IndicatorBounds {
  unit: string;
  maxValue: number | null;
}

/** Reason codes of the value check (the shared messages translate them). */
export const KPI_VALUE_REASONS = { tooBig: 'too_big', negative: 'too_small', notFinite: 'invalid_type' } as const;

/** The largest value an indicator may take: 100 for a percentage, else its maxValue (or none). */
export function indicatorMaxValue(indicator: IndicatorBounds): number | null {
  const percent = indicator.unit.trim() === '%' ? 100 : null;
  if (percent !== null && indicator.maxValue !== null) return Math.min(percent, indicator.maxValue);
  return percent ?? indicator.maxValue;
}

export type ValueCheck = { valid: true } | { valid: false; path: 'value'; reason: string; max?: number; message: Localized };

/**
 * The rule a reported value must meet, shared by the API and the form: finite,
 * not negative, and at most 100 for a percentage (or the indicator's maxValue).
 * The message names the field, in both languages.
 */
export function checkObservationValue(indicator: IndicatorBounds, value: number): ValueCheck {
  if (!Number.isFinite(value)) {
    return { valid: false, path: 'value', reason: KPI_VALUE_REASONS.notFinite, message: { vi: 'Trường "giá trị" (value) phải là một số', en: 'Field "value" must be a number' } };
  }
  if (value < 0) {
    return { valid: false, path: 'value', reason: KPI_VALUE_REASONS.negative, message: { vi: 'Trường "giá trị" (value) không được âm', en: 'Field "value" may not be negative' } };
  }
  const max = indicatorMaxValue(indicator);
  if (max !== null && value > max) {
    const percent = indicator.unit.trim() === '%';
    return {
      valid: false,
      path: 'value',
      reason: KPI_VALUE_REASONS.tooBig,
      max,
      message: percent
        ? { vi: `Trường "giá trị" (value) là tỷ lệ phần trăm, không được vượt quá ${max}`, en: `Field "value" is a percentage and may not exceed ${max}` }
        : { vi: `Trường "giá trị" (value) không được vượt quá ${max} ${indicator.unit}`, en: `Field "value" may not exceed ${max} ${indicator.unit}` },
    };
  }
  return { valid: true };
}

// ---------------------------------------------------------------- indicators and targets

export const IndicatorKind = z.enum(INDICATOR_KINDS);
export const IndicatorCode = z.string().trim().min(1).max(LIMITS.codeMaxLength);

export const KpiTarget = z.object({
  year: z.number().int(),
  targetValue: z.number(),
  /** Coverage indicators: a village meets it when this share of its households is covered (0–1). */
  thresholdShare: z.number().nullable(),
  source: z.string(),
});
export type KpiTarget = z.infer<typeof KpiTarget>;

export const KpiIndicator = z.object({
  code: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  kind: IndicatorKind,
  unit: z.string(),
  maxValue: z.number().nullable(),
  source: z.string(),
  sortOrder: z.number().int(),
  /** The province-wide target for KPI_TARGET_YEAR, when the targets table has one. */
  target: KpiTarget.nullable(),
});
export type KpiIndicator = z.infer<typeof KpiIndicator>;
export const KpiIndicatorList = z.object({ targetYear: z.number().int(), items: z.array(KpiIndicator) });
export type KpiIndicatorList = z.infer<typeof KpiIndicatorList>;

// ---------------------------------------------------------------- observations

export const KpiObservation = z.object({
  id: z.number().int(),
  indicatorCode: z.string(),
  adminUnitId: z.number().int(),
  adminUnitCode: z.string(),
  adminUnitName: z.string(),
  period: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  value: z.number(),
  source: z.string(),
  synthetic: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type KpiObservation = z.infer<typeof KpiObservation>;
export const KpiObservationPage = z.object({ items: z.array(KpiObservation), total: z.number().int(), nextCursor: z.string().nullable() });
export type KpiObservationPage = z.infer<typeof KpiObservationPage>;

const intParam = z.coerce.number().int().positive().max(2_147_483_647);

export const KpiObservationFilters = z.object({
  indicator: IndicatorCode.optional(),
  adminUnitId: intParam.optional(),
  period: z.string().trim().max(10).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
export type KpiObservationFilters = z.infer<typeof KpiObservationFilters>;

/** A value as typed into a form or sent by a client: a finite number, not negative. */
export const KpiValue = z.number().finite().min(0);
export const KpiSource = z.string().trim().min(1).max(LIMITS.nameMaxLength);

export const CreateKpiObservationInput = z.strictObject({
  indicatorCode: IndicatorCode,
  /** The district (or province) the value is for. */
  adminUnitId: z.number().int().positive().max(2_147_483_647),
  period: KpiPeriod,
  value: KpiValue,
  /** Who reported it (carrier report, i-Speed, statistics office); defaults to the person entering it. */
  source: KpiSource.optional(),
});
export type CreateKpiObservationInput = z.infer<typeof CreateKpiObservationInput>;

export const UpdateKpiObservationInput = z.strictObject({
  value: KpiValue,
  source: KpiSource.optional(),
  /** The version read; or send If-Match. */
  version: z.number().int().min(1).optional(),
});
export type UpdateKpiObservationInput = z.infer<typeof UpdateKpiObservationInput>;

export const KPI_BULK_MAX_ROWS = 5000;

/** Many observations at once (a planner's CSV import): all or nothing, existing (indicator, unit, period) rows are updated. */
export const BulkKpiObservationsInput = z.strictObject({
  rows: z.array(CreateKpiObservationInput).min(1).max(KPI_BULK_MAX_ROWS),
  /** Check every row and report, write nothing. */
  dryRun: z.boolean().default(false),
});
export type BulkKpiObservationsInput = z.infer<typeof BulkKpiObservationsInput>;

export const KpiRowError = z.object({ row: z.number().int(), path: z.string(), reason: z.string(), message: z.string() });
export type KpiRowError = z.infer<typeof KpiRowError>;
export const BulkKpiObservationsResult = z.object({
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(KpiRowError),
});
export type BulkKpiObservationsResult = z.infer<typeof BulkKpiObservationsResult>;

// ---------------------------------------------------------------- dashboard

export const KpiDashboardQuery = z.object({
  /** The province; defaults to the province whose districts the plan's KPIs are defined on. */
  provinceId: intParam.optional(),
  lang: z.enum(['vi', 'en']).optional(),
});
export type KpiDashboardQuery = z.infer<typeof KpiDashboardQuery>;

export const KpiPoint = z.object({ period: z.string(), value: z.number() });
export type KpiPoint = z.infer<typeof KpiPoint>;

export const KpiUnitValue = z.object({
  adminUnitId: z.number().int(),
  /** The latest period's value, or null when nothing was reported or computed. */
  value: z.number().nullable(),
  period: z.string().nullable(),
  meetsTarget: z.boolean().nullable(),
  /** The province's value was rolled up from its districts (population-weighted). */
  aggregated: z.boolean(),
  /** Every period, oldest first. */
  trend: z.array(KpiPoint),
});
export type KpiUnitValue = z.infer<typeof KpiUnitValue>;

export const KpiDashboardIndicator = KpiIndicator.extend({ units: z.array(KpiUnitValue) });
export type KpiDashboardIndicator = z.infer<typeof KpiDashboardIndicator>;

export const KpiDashboardUnit = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  level: z.string(),
  population: z.number().int().nullable(),
});
export type KpiDashboardUnit = z.infer<typeof KpiDashboardUnit>;

export const KpiDashboard = z.object({
  targetYear: z.number().int(),
  generatedAt: z.string(),
  /** The label computed indicators carry as their period (the registry's state now). */
  currentPeriod: z.string(),
  /** The province first, then its districts by code. */
  units: z.array(KpiDashboardUnit),
  indicators: z.array(KpiDashboardIndicator),
});
export type KpiDashboard = z.infer<typeof KpiDashboard>;
