import { randomUUID } from 'node:crypto';
import {
  KPI_TARGET_YEAR,
  checkObservationValue,
  periodRange,
  type BulkKpiObservationsInput,
  type BulkKpiObservationsResult,
  type CreateKpiObservationInput,
  type KpiDashboard,
  type KpiDashboardIndicator,
  type KpiIndicator,
  type KpiObservation,
  type KpiObservationFilters,
  type KpiObservationPage,
  type KpiPoint,
  type KpiRowError,
  type KpiUnitValue,
  type UpdateKpiObservationInput,
} from '@registry/shared/schemas/kpi';
import { reasonMessage, type Localized } from '@registry/shared/messages';
import type { ErrorDetail } from '@registry/shared/errors';
import { COVERAGE_INDICATORS, type CoverageSummary, type CoverageSummaryQuery } from '@registry/shared/schemas/coverage';
import type { Db, DbOrTx } from '../../db/client';
import type { RequestContext } from '../../context';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors';
import { decodeCursor, toPage } from '../../lib/pagination';
import { assertVersion, type ExpectedVersion } from '../../lib/versioning';
import { recordChange, recordChanges, type ChangeRecord } from '../history/change-log';
import * as q from './kpi.queries';

export const KPI_OBJECT_TYPE = 'kpi_observation';

/**
 * Which computation a computed indicator's code stands for. Indicators are
 * data, so the codes are matched here (the migrations define the four
 * computed ones). A computed indicator with another code simply has no value.
 */
export const COMPUTED_INDICATOR_CODES: Record<string, keyof typeof COMPUTATIONS> = {
  villages_mobile_broadband_pct: 'villagesMobileBroadband',
  villages_ftth_pct: 'villagesFtth',
  households_fibre_ready_pct: 'householdsFibreReady',
  bts_site_sharing_pct: 'siteSharing',
};

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);
const COMPUTATIONS = {
  villagesMobileBroadband: (c: q.ComputedCounts) => percent(c.villagesMobileBroadband, c.villages),
  villagesFtth: (c: q.ComputedCounts) => percent(c.villagesFtth, c.villages),
  householdsFibreReady: (c: q.ComputedCounts) => percent(c.householdsFibreReady, c.households),
  siteSharing: (c: q.ComputedCounts) => percent(c.sharedSites, c.activeSites),
};

/** A 400 whose message (both languages) and details name the field. */
function fieldError(path: string, reason: string, message: Localized): AppError {
  const detail: ErrorDetail = { path, message: message.en, reason };
  return new AppError('VALIDATION_FAILED', 400, message.en, [detail], {}, message);
}

function toIndicator(row: q.IndicatorRow): KpiIndicator {
  return {
    code: row.code,
    nameVi: row.nameVi,
    nameEn: row.nameEn,
    kind: row.kind,
    unit: row.unit,
    maxValue: row.maxValue,
    source: row.source,
    sortOrder: row.sortOrder,
    target:
      row.targetYear === null || row.targetValue === null
        ? null
        : { year: row.targetYear, targetValue: row.targetValue, thresholdShare: row.thresholdShare, source: row.targetSource ?? '' },
  };
}

function requireWriter(ctx: RequestContext): Extract<RequestContext['actor'], { kind: 'user' }> {
  const actor = ctx.actor;
  if (actor.kind !== 'user') throw new UnauthenticatedError();
  if (actor.role !== 'planner' && actor.role !== 'admin') throw new ForbiddenError();
  return actor;
}

/** Why a row may not be written, or null: the indicator, the unit and the value, each error naming its field. */
interface RowProblem {
  path: string;
  reason: string;
  message: Localized;
}

function checkRow(input: CreateKpiObservationInput, indicator: q.IndicatorRow | undefined, unitRank: number | undefined): RowProblem | null {
  if (!indicator) {
    return {
      path: 'indicatorCode',
      reason: 'unknown_reference',
      message: { vi: `Trường "chỉ tiêu" (indicatorCode): không có chỉ tiêu "${input.indicatorCode}"`, en: `Field "indicatorCode": there is no indicator "${input.indicatorCode}"` },
    };
  }
  if (indicator.kind !== 'reported') {
    return {
      path: 'indicatorCode',
      reason: 'invalid_value',
      message: {
        vi: `Trường "chỉ tiêu" (indicatorCode): "${input.indicatorCode}" do hệ thống tính từ dữ liệu, không nhập tay`,
        en: `Field "indicatorCode": "${input.indicatorCode}" is computed by the registry and cannot be entered`,
      },
    };
  }
  if (unitRank === undefined || unitRank > 2) {
    return {
      path: 'adminUnitId',
      reason: 'unknown_reference',
      message: {
        vi: `Trường "đơn vị hành chính" (adminUnitId): ${input.adminUnitId} không phải một huyện hay tỉnh đã biết`,
        en: `Field "adminUnitId": ${input.adminUnitId} is not a known district or province`,
      },
    };
  }
  const value = checkObservationValue(indicator, input.value);
  if (!value.valid) return { path: value.path, reason: value.reason, message: value.message };
  return null;
}

function snapshot(o: KpiObservation) {
  return { indicatorCode: o.indicatorCode, adminUnitId: o.adminUnitId, period: o.period, value: o.value, source: o.source, version: o.version };
}

/** The coverage module's roll-up of the computed indicators (GET /api/coverage/summary). */
export type CoverageSummaryFn = (query: CoverageSummaryQuery) => Promise<CoverageSummary>;

/**
 * Computed counts taken from the coverage summary, so the dashboard and the
 * coverage screens agree to the household: one summary call per level and
 * parent among the units asked for.
 */
export function countsFromCoverageSummary(summary: CoverageSummaryFn) {
  return async (_db: DbOrTx, units: q.UnitRow[]): Promise<q.ComputedCounts[]> => {
    const groups = new Map<string, { level: string; parentId: number | undefined }>();
    for (const u of units) groups.set(`${u.level}|${u.parentId ?? ''}`, { level: u.level, parentId: u.parentId ?? undefined });
    const wanted = new Set(units.map((u) => u.id));
    const out: q.ComputedCounts[] = [];
    for (const g of groups.values()) {
      const result = await summary({ level: g.level, parentId: g.parentId });
      for (const unit of result.units) {
        if (!wanted.has(unit.adminUnitId)) continue;
        const by = (code: string) => unit.indicators.find((i) => i.code === code) ?? { numerator: 0, denominator: 0 };
        const mbb = by(COVERAGE_INDICATORS.villagesMobileBroadband);
        const ftth = by(COVERAGE_INDICATORS.villagesFtth);
        const hh = by(COVERAGE_INDICATORS.householdsFibreReady);
        const sharing = by(COVERAGE_INDICATORS.btsSiteSharing);
        out.push({
          adminUnitId: unit.adminUnitId,
          villages: mbb.denominator,
          villagesMobileBroadband: mbb.numerator,
          villagesFtth: ftth.numerator,
          householdsFibreReady: hh.numerator,
          households: hh.denominator,
          activeSites: sharing.denominator,
          sharedSites: sharing.numerator,
        });
        wanted.delete(unit.adminUnitId);
      }
    }
    return out;
  };
}

export interface KpiServiceDeps {
  db: Db;
  /** The coverage module's service: when given, the computed indicators come from its summary. */
  coverage?: { summary: CoverageSummaryFn };
  /** Computed counts for these units; defaults to the coverage summary, else the SQL over village coverage and tenancies. */
  computedCounts?: (db: DbOrTx, units: q.UnitRow[]) => Promise<q.ComputedCounts[]>;
  now?: () => Date;
}

export function createKpiService({ db, coverage, computedCounts, now = () => new Date() }: KpiServiceDeps) {
  const counts$ = computedCounts ?? (coverage ? countsFromCoverageSummary((query) => coverage.summary(query)) : (tx: DbOrTx, units: q.UnitRow[]) => q.selectComputedCounts(tx, units.map((u) => u.id)));
  async function indicatorMap(tx: DbOrTx): Promise<Map<string, q.IndicatorRow>> {
    return new Map((await q.selectIndicators(tx, KPI_TARGET_YEAR)).map((r) => [r.code, r]));
  }

  async function mustGet(tx: DbOrTx, id: number, forUpdate = false): Promise<KpiObservation> {
    const row = await q.selectObservation(tx, id, forUpdate);
    if (!row) throw new NotFoundError('KPI observation', id);
    return row;
  }

  return {
    async listIndicators(): Promise<{ targetYear: number; items: KpiIndicator[] }> {
      return { targetYear: KPI_TARGET_YEAR, items: (await q.selectIndicators(db, KPI_TARGET_YEAR)).map(toIndicator) };
    },

    async listObservations(filters: KpiObservationFilters): Promise<KpiObservationPage> {
      const cursor = decodeCursor(filters.cursor);
      const { rows, total } = await q.selectObservations(db, {
        indicator: filters.indicator,
        adminUnitId: filters.adminUnitId,
        period: filters.period,
        afterId: cursor?.id,
        limit: filters.limit,
      });
      return toPage(rows, filters.limit, (r) => r.id, total);
    },

    getObservation: (id: number) => mustGet(db, id),

    async createObservation(ctx: RequestContext, input: CreateKpiObservationInput): Promise<KpiObservation> {
      const actor = requireWriter(ctx);
      return db.transaction(async (tx) => {
        const indicator = (await q.selectIndicators(tx, KPI_TARGET_YEAR, input.indicatorCode))[0];
        const ranks = await q.selectUnitRanks(tx, [input.adminUnitId]);
        const problem = checkRow(input, indicator, ranks.get(input.adminUnitId));
        if (problem) throw fieldError(problem.path, problem.reason, problem.message);
        const existing = await q.selectObservationIdByKey(tx, input.indicatorCode, input.adminUnitId, input.period);
        if (existing) {
          const message = { vi: `Đã có số liệu của chỉ tiêu này cho đơn vị và kỳ ${input.period} (id ${existing.id}); hãy sửa số liệu đó`, en: `A value for this indicator, unit and period ${input.period} already exists (id ${existing.id}); edit it instead` };
          throw new ConflictError(message.en, { existingId: existing.id, currentVersion: existing.version }, [{ path: 'period', message: message.en, reason: 'duplicate' }], message);
        }
        const range = periodRange(input.period)!;
        const id = await q.insertObservation(tx, {
          indicatorCode: input.indicatorCode,
          adminUnitId: input.adminUnitId,
          period: input.period,
          periodStart: range.start,
          periodEnd: range.end,
          value: input.value,
          source: input.source ?? `Entered by ${actor.username}`,
        });
        const created = await mustGet(tx, id);
        await recordChange(tx, ctx, { objectType: KPI_OBJECT_TYPE, objectId: id, action: 'create', after: snapshot(created) });
        return created;
      });
    },

    async updateObservation(ctx: RequestContext, id: number, input: UpdateKpiObservationInput, expected: ExpectedVersion): Promise<KpiObservation> {
      requireWriter(ctx);
      return db.transaction(async (tx) => {
        const before = await mustGet(tx, id, true);
        assertVersion(expected, before.version, `KPI observation ${id}`);
        const indicator = (await q.selectIndicators(tx, KPI_TARGET_YEAR, before.indicatorCode))[0]!;
        const value = checkObservationValue(indicator, input.value);
        if (!value.valid) throw fieldError(value.path, value.reason, value.message);
        await q.updateObservationValue(tx, id, input.value, input.source ?? before.source);
        const after = await mustGet(tx, id);
        await recordChange(tx, ctx, { objectType: KPI_OBJECT_TYPE, objectId: id, action: 'update', before: snapshot(before), after: snapshot(after) });
        return after;
      });
    },

    async deleteObservation(ctx: RequestContext, id: number, expected: ExpectedVersion | null): Promise<KpiObservation> {
      requireWriter(ctx);
      return db.transaction(async (tx) => {
        const before = await mustGet(tx, id, true);
        if (expected) assertVersion(expected, before.version, `KPI observation ${id}`);
        await q.deleteObservationRow(tx, id);
        await recordChange(tx, ctx, { objectType: KPI_OBJECT_TYPE, objectId: id, action: 'delete', before: snapshot(before) });
        return before;
      });
    },

    /**
     * Writes many rows at once, all or nothing: every row is checked first and
     * a single bad row (named by its index and field) writes nothing. A row
     * whose indicator, unit and period exist updates that value.
     */
    async bulkUpsert(ctx: RequestContext, input: BulkKpiObservationsInput): Promise<BulkKpiObservationsResult> {
      const actor = requireWriter(ctx);
      return db.transaction(async (tx) => {
        const indicators = await indicatorMap(tx);
        const ranks = await q.selectUnitRanks(tx, [...new Set(input.rows.map((r) => r.adminUnitId))]);
        const errors: KpiRowError[] = [];
        const seen = new Map<string, number>();
        input.rows.forEach((row, i) => {
          const problem = checkRow(row, indicators.get(row.indicatorCode), ranks.get(row.adminUnitId));
          if (problem) {
            errors.push({ row: i, path: problem.path, reason: problem.reason, message: problem.message[ctx.locale] });
            return;
          }
          const key = `${row.indicatorCode}|${row.adminUnitId}|${row.period}`;
          const first = seen.get(key);
          if (first !== undefined) {
            const message = { vi: `Trùng với dòng ${first + 1} (cùng chỉ tiêu, đơn vị và kỳ)`, en: `Duplicates row ${first + 1} (same indicator, unit and period)` };
            errors.push({ row: i, path: 'period', reason: 'duplicate', message: message[ctx.locale] ?? reasonMessage('duplicate', ctx.locale) });
          } else seen.set(key, i);
        });
        if (errors.length > 0 || input.dryRun) {
          let created = 0;
          let updated = 0;
          if (errors.length === 0) {
            for (const row of input.rows) {
              if (await q.selectObservationIdByKey(tx, row.indicatorCode, row.adminUnitId, row.period)) updated += 1;
              else created += 1;
            }
          }
          return { dryRun: input.dryRun, created: errors.length ? 0 : created, updated: errors.length ? 0 : updated, errors };
        }
        const operationId = randomUUID();
        const changes: ChangeRecord[] = [];
        let created = 0;
        let updated = 0;
        for (const row of input.rows) {
          const source = row.source ?? `Imported by ${actor.username}`;
          const existing = await q.selectObservationIdByKey(tx, row.indicatorCode, row.adminUnitId, row.period);
          if (existing) {
            const before = await mustGet(tx, existing.id);
            await q.updateObservationValue(tx, existing.id, row.value, source);
            const after = await mustGet(tx, existing.id);
            changes.push({ objectType: KPI_OBJECT_TYPE, objectId: existing.id, action: 'update', before: snapshot(before), after: snapshot(after), operationId });
            updated += 1;
          } else {
            const range = periodRange(row.period)!;
            const id = await q.insertObservation(tx, { ...row, source, periodStart: range.start, periodEnd: range.end });
            const after = await mustGet(tx, id);
            changes.push({ objectType: KPI_OBJECT_TYPE, objectId: id, action: 'create', after: snapshot(after), operationId });
            created += 1;
          }
        }
        await recordChanges(tx, ctx, changes);
        return { dryRun: false, created, updated, errors: [] };
      });
    },

    /**
     * Every indicator for the province and each district against its target:
     * computed indicators from the registry now (one point, the current year),
     * reported ones per period, the province's value rolled up from its
     * districts (weighted by population) for periods it has none of its own.
     */
    async dashboard(provinceId?: number): Promise<KpiDashboard> {
      const pid = provinceId ?? (await q.selectDefaultProvinceId(db));
      const units = pid === null ? [] : await q.selectProvinceAndDistricts(db, pid);
      if (pid !== null && units.length === 0) throw new NotFoundError('Province', pid);
      const province = units[0];
      const districts = units.slice(1);
      const unitIds = units.map((u) => u.id);
      // The migration's and the dataset's codes may both be present for one computation: show it once,
      // under the indicator that has a target (then the first by sort order).
      const all = await q.selectIndicators(db, KPI_TARGET_YEAR);
      const keep = new Map<string, q.IndicatorRow>();
      for (const row of all) {
        const key = COMPUTED_INDICATOR_CODES[row.code];
        if (row.kind !== 'computed' || !key) continue;
        const held = keep.get(key);
        if (!held || (held.targetValue === null && row.targetValue !== null)) keep.set(key, row);
      }
      const indicators = all.filter((row) => row.kind !== 'computed' || !COMPUTED_INDICATOR_CODES[row.code] || keep.get(COMPUTED_INDICATOR_CODES[row.code]!) === row);
      const counts = new Map((units.length ? await counts$(db, units) : []).map((c) => [c.adminUnitId, c]));
      const observations = unitIds.length ? await q.selectObservationsOfUnits(db, unitIds) : [];
      const currentPeriod = String(now().getUTCFullYear());

      const result: KpiDashboardIndicator[] = indicators.map((row) => {
        const indicator = toIndicator(row);
        const target = indicator.target?.targetValue ?? null;
        const meets = (v: number | null) => (v === null || target === null ? null : v >= target);
        const unitValue = (adminUnitId: number, trend: KpiPoint[], aggregated: boolean): KpiUnitValue => {
          const last = trend.at(-1) ?? null;
          return { adminUnitId, value: last?.value ?? null, period: last?.period ?? null, meetsTarget: meets(last?.value ?? null), aggregated, trend };
        };
        if (row.kind === 'computed') {
          const key = COMPUTED_INDICATOR_CODES[row.code];
          const compute = key ? COMPUTATIONS[key] : null;
          return {
            ...indicator,
            units: units.map((u) => {
              const c = counts.get(u.id);
              const v = compute && c ? compute(c) : null;
              return unitValue(u.id, v === null ? [] : [{ period: currentPeriod, value: v }], false);
            }),
          };
        }
        const own = observations.filter((o) => o.indicatorCode === row.code);
        const trendOf = (unitId: number) => own.filter((o) => o.adminUnitId === unitId).map((o) => ({ period: o.period, value: o.value }));
        const districtValues = districts.map((d) => unitValue(d.id, trendOf(d.id), false));
        if (!province) return { ...indicator, units: [] };
        // The province: its own reports where it has them, else the population-weighted mean of its districts' reports.
        const ownProvince = new Map(trendOf(province.id).map((p) => [p.period, p.value]));
        const periods = [...new Map(own.filter((o) => unitIds.includes(o.adminUnitId)).map((o) => [o.period, o.periodStart])).entries()].sort((a, b) =>
          a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1].localeCompare(b[1]),
        );
        let aggregated = false;
        const provinceTrend: KpiPoint[] = [];
        for (const [period] of periods) {
          const given = ownProvince.get(period);
          if (given !== undefined) {
            provinceTrend.push({ period, value: given });
            continue;
          }
          const reported = districts
            .map((d) => ({ d, o: own.find((o) => o.adminUnitId === d.id && o.period === period) }))
            .filter((x): x is { d: q.UnitRow; o: (typeof own)[number] } => x.o !== undefined);
          if (reported.length === 0) continue;
          const weight = (d: q.UnitRow) => (d.population && d.population > 0 ? d.population : 1);
          const total = reported.reduce((s, x) => s + weight(x.d), 0);
          const mean = reported.reduce((s, x) => s + x.o.value * weight(x.d), 0) / total;
          provinceTrend.push({ period, value: Math.round(mean * 100) / 100 });
          aggregated = true;
        }
        return { ...indicator, units: [unitValue(province.id, provinceTrend, aggregated), ...districtValues] };
      });

      return {
        targetYear: KPI_TARGET_YEAR,
        generatedAt: now().toISOString(),
        currentPeriod,
        units: units.map((u) => ({ id: u.id, code: u.code, name: u.name, level: u.level, population: u.population })),
        indicators: result,
      };
    },
  };
}

export type KpiService = ReturnType<typeof createKpiService>;
