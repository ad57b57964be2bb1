// Coverage service: stored village coverage, roll-ups against the plan's
// targets, what-if previews, gap-closing suggestions and the model's
// parameters. No Fastify here: routes, scripts, the benchmark and other
// modules' services call it directly.
//
// CONTRACT for writers (registry CRUD, imports, permit desk):
//
//   await coverage.recomputeAfterChange(tx, { siteIds, sectorIds, accessPointIds, fibreRouteIds })
//
// - Call it inside the write transaction, AFTER the inventory rows are
//   written (inserted, updated or deleted), with the ids of every site,
//   sector, access point and fibre route the write touched. A deleted row's
//   id is enough: the engine keeps its own record of what each sector and
//   access point contributed (coverage_contributors), so `before` geometries
//   are accepted but not needed.
// - It derives the range and footprint of the touched sectors (all sectors
//   of touched sites), swaps their contributions and recomputes only the
//   villages reached by the old or the new footprint / drop-distance disc.
//   Readers therefore never see coverage that disagrees with the inventory.
// - It takes a transaction-scoped advisory lock: coverage writers are
//   serialised. A full recompute holds it only for its final swap (it builds
//   beside the live results meanwhile; an edit made during the build logs its
//   sources and the swap replays them). Use READ COMMITTED (the default) so
//   that a waiting edit sees the one before it.
// - Stored per-carrier rows exist only where the carrier covers at least one
//   unit: a carrier without a row covers none of that village.
//
// `whatIf(db, input)` is pure with respect to the database: it reads and
// writes nothing; the permit desk may call it with any handle.
import type pg from 'pg';
import type { AreaClass, Technology } from '@registry/shared/enums';
import type { AnyGeometry } from '@registry/shared/geo/geometry';
import { DEFAULT_PARAMETERS, PARAMETER_KEYS, maplDbFor, parameter } from '@registry/shared/radio/parameters';
import { footprintRingMeters, ringToWkt } from '@registry/shared/radio/wedge';
import type {
  CoverageSummary,
  CoverageSummaryQuery,
  ModelDisclosure,
  SuggestionsInput,
  SuggestionsResult,
  UpdateCoverageParametersInput,
  VillageCoverageDetail,
  VillageCoverageQuery,
  WhatIfInput,
  WhatIfResult,
} from '@registry/shared/schemas/coverage';
import { COVERAGE_INDICATORS } from '@registry/shared/schemas/coverage';
import type { Actor } from '../../context';
import type { DbOrTx } from '../../db/client';
import { NotFoundError, ValidationError } from '../../errors';
import { decodeCursor, toPage } from '../../lib/pagination';
import type { ProvinceGuard } from '../geo/province-guard';
import { greedyMaxCoverage } from './coverage.greedy';
import { selectSummaryRowsEitherScheme, selectUnitPeriods } from './coverage.summary';
import {
  drizzleRunner,
  parameterMap,
  parametersHash,
  pgRunner,
  selectAreaClassesAt,
  selectFlaggedVillages,
  selectLastFullRun,
  selectMetricSrid,
  selectParameterRows,
  selectSharingCandidates,
  selectTargets,
  selectAncestors,
  selectToLonLat,
  selectTopLevel,
  selectUncoveredLocations,
  selectVillageContributors,
  selectVillageCoveragePage,
  selectVillageHeader,
  selectVillageShares,
  selectWhatIf,
  setLocalJit,
  updateParameterValue,
  type Runner,
} from './coverage.queries';
import { loadModelContext, rangeWith, recomputeFullCoverage, recomputeSources, type FullRecomputeOptions, type IncrementalResult } from './coverage.recompute';
import { ROAD_METHOD } from './coverage.roads';

/** What a write tells the engine; see the contract above. */
export interface CoverageChange {
  siteIds?: number[];
  sectorIds?: number[];
  accessPointIds?: number[];
  fibreRouteIds?: number[];
  /** Alias of fibreRouteIds. */
  routeIds?: number[];
  /** Old geometries; accepted for compatibility, not needed (the engine keeps the old state). */
  before?: unknown[];
}

/** Recomputes the coverage an edit can change, inside the caller's transaction. */
export async function recomputeAfterChange(tx: DbOrTx, change: CoverageChange, triggeredBy: number | null = null): Promise<IncrementalResult> {
  return recomputeSources(
    drizzleRunner(tx),
    {
      sectorIds: change.sectorIds,
      siteIds: change.siteIds,
      accessPointIds: change.accessPointIds,
      routeIds: [...(change.fibreRouteIds ?? []), ...(change.routeIds ?? [])],
    },
    triggeredBy,
  );
}

export const MODEL_METHOD =
  'Range = distance where median path loss reaches the MAPL (per technology and band, or the sector\'s own): ' +
  'Okumura–Hata 150–1500 MHz (Hata 1980) and COST-231 Hata 1500–2000 MHz (COST 231 final report §4.4.1) with the correction of the ' +
  'site village\'s area class (parameters hata.environment.*; default urban → medium city, suburban and rural → suburban, which ' +
  'matches TR 38.901 at 2 GHz within 4 dB), valid for hb 30–200 m, hm 1–10 m, 1–20 km; 3GPP TR 38.901 Table 7.4.1-1 RMa NLOS ' +
  '(0.5–30 GHz) or UMa NLOS (0.5–100 GHz) per tr38901.scenario.* above 2 GHz and wherever Hata\'s limits ' +
  'are not met (10–150 m, 10 m–5 km). Ranges beyond a model\'s distance limit are capped (":capped"); with no valid model the first ' +
  'is used with heights clamped (":extrapolated"). Footprint: a wedge across the beamwidth (omni: a disc), built in the metric CRS ' +
  '(UTM zone of the data) and stored in EPSG:4326. A location is covered by a technology when a footprint contains it (5G counts as ' +
  '"4G or better"); FTTH-ready when an active access point with a free port lies within the drop distance: in a straight line when ' +
  'ftth.road_network = 0, along the road network when 1 (see below). ' +
  'A village meets its target when covered units / units reaches the threshold share of the most specific kpi_targets row, else target.threshold_share. ' +
  ROAD_METHOD;

export interface CoverageServiceDeps {
  pool: pg.Pool;
  provinceGuard?: ProvinceGuard;
}

export type CoverageService = ReturnType<typeof createCoverageService>;

export function createCoverageService(deps: CoverageServiceDeps) {
  const db = pgRunner(deps.pool);

  async function disclosure(runner: Runner = db): Promise<{ model: ModelDisclosure; params: Record<string, number> }> {
    const ctx = await loadModelContext(runner);
    const params = { ...DEFAULT_PARAMETERS, ...ctx.params };
    return { params, model: { parametersHash: parametersHash(ctx.params), metricSrid: ctx.srid, parameters: ctx.params, method: MODEL_METHOD } };
  }

  /**
   * The roll-up (either administrative scheme, see coverage.summary.ts), read
   * with JIT off: its CTEs carry no statistics, so the planner's estimate
   * (~10^5 at provincial scale) crosses jit_above_cost and compiling took
   * 1–14 s for a statement that runs in ~100 ms. With the rows, the validity
   * periods of their units (in the same snapshot): the scheme they are of.
   */
  async function summaryRows(level: string, parentId: number | null, asOf: string | null) {
    return readOnly(async (tx) => {
      await setLocalJit(tx, 'off');
      const rows = await selectSummaryRowsEitherScheme(tx, { level, parentId, asOf });
      return { rows, periods: await selectUnitPeriods(tx, rows.map((r) => r.adminUnitId)) };
    });
  }

  /** `fn` on one connection in a read-only transaction, so its SET LOCALs hold for its statements and end with them. */
  async function readOnly<T>(fn: (tx: Runner) => Promise<T>): Promise<T> {
    const client = await deps.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      const result = await fn(pgRunner(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async function checkPoint(geometry: AnyGeometry, path: string) {
    if (!deps.provinceGuard) return;
    const details = await deps.provinceGuard.check(geometry, path);
    if (details.length) throw new ValidationError(details);
  }

  return {
    recomputeAfterChange,

    /** Full recompute through the pool (parameter changes, imports). */
    recomputeFull(options: FullRecomputeOptions = {}): Promise<void> {
      return recomputeFullCoverage(deps.pool, options);
    },

    async getParameters() {
      const [items, model, lastFullRun] = await Promise.all([selectParameterRows(db), disclosure(), selectLastFullRun(db)]);
      return { items, model: model.model, lastFullRun };
    },

    /**
     * Sets parameter values (each within its row's min/max), then, unless
     * told not to, recomputes every footprint and village with them.
     */
    async updateParameters(actor: Actor, input: UpdateCoverageParametersInput) {
      const rows = await selectParameterRows(db);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const problems = Object.entries(input.values).flatMap(([key, value]) => {
        const row = byKey.get(key);
        const path = `values.${key}`;
        if (!row) return [{ path, message: `Unknown coverage parameter ${key}`, reason: 'unknown_key' }];
        if (row.minValue !== null && value < row.minValue) return [{ path, message: `Must be at least ${row.minValue} ${row.unit}`, reason: 'too_small' }];
        if (row.maxValue !== null && value > row.maxValue) return [{ path, message: `Must be at most ${row.maxValue} ${row.unit}`, reason: 'too_big' }];
        return [];
      });
      if (problems.length) throw new ValidationError(problems);
      const client = await deps.pool.connect();
      try {
        await client.query('BEGIN');
        const tx = pgRunner(client);
        for (const [key, value] of Object.entries(input.values)) {
          await updateParameterValue(tx, key, value, actor.kind === 'user' && actor.userId > 0 ? actor.userId : null);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      if (input.recompute) await recomputeFullCoverage(deps.pool);
      return this.getParameters();
    },

    async listVillages(query: VillageCoverageQuery) {
      const cursor = decodeCursor(query.cursor);
      const { rows, total } = await selectVillageCoveragePage(db, {
        adminUnitId: query.adminUnitId ?? null,
        technology: query.technology,
        carrierId: query.carrierId ?? null,
        belowTarget: query.belowTarget ?? null,
        sort: query.sort,
        limit: query.limit,
        cursor,
      });
      const page = toPage(rows, query.limit, (r) => r.sortKey, total);
      return { ...page, items: page.items.map(({ sortKey: _sortKey, ...item }) => item), model: (await disclosure()).model };
    },

    /** Shares per technology and carrier, gaps, and (for logged-in users) the contributing sites, sectors and access points. */
    async getVillage(villageId: number, actor: Actor): Promise<VillageCoverageDetail> {
      const village = await selectVillageHeader(db, villageId);
      if (!village) throw new NotFoundError('Village', villageId);
      const { model, params } = await disclosure();
      const shares = await selectVillageShares(db, villageId, parameter(params, PARAMETER_KEYS.thresholdShareDefault));
      const gaps: Record<string, VillageCoverageDetail['gaps'][string]> = {};
      for (const s of shares) if (s.carrierId === null) gaps[s.technology] = s.gap as VillageCoverageDetail['gaps'][string];
      const contributors = actor.kind === 'user' ? await selectVillageContributors(db, villageId) : null;
      return {
        village: { ...village, totalUnits: shares.find((s) => s.carrierId === null)?.totalUnits ?? 0 },
        shares: shares.map(({ gap: _gap, ...s }) => s),
        gaps,
        contributors,
        model,
      };
    },

    /** The plan's computed indicators per unit of a level, each against its target. */
    async summary(query: CoverageSummaryQuery): Promise<CoverageSummary> {
      const level = query.level ?? (await selectTopLevel(db));
      const { model } = await disclosure();
      const lastRun = await selectLastFullRun(db);
      const asOf = query.asOf ?? null;
      if (!level) return { level: '', scheme: { asOf, periods: [] }, units: [], computedAt: lastRun?.finishedAt ?? null, model };
      const { rows, periods } = await summaryRows(level, query.parentId ?? null, asOf);
      const codes = Object.values(COVERAGE_INDICATORS);
      const targets = await selectTargets(db, codes, query.year ?? null);
      const ancestors = await selectAncestors(db, rows.map((r) => r.adminUnitId));
      const chain = new Map<number, Map<number, number>>();
      for (const a of ancestors) {
        if (!chain.has(a.unitId)) chain.set(a.unitId, new Map());
        chain.get(a.unitId)!.set(a.ancestorId, a.depth);
      }
      // The most specific target of the latest year: the unit's own, an ancestor's, then the dataset-wide one.
      const targetFor = (unitId: number, code: string) => {
        const depths = chain.get(unitId) ?? new Map<number, number>();
        const candidates = targets
          .filter((t) => t.indicatorCode === code && (t.adminUnitId === null || depths.has(t.adminUnitId)))
          .sort((a, b) => b.year - a.year || (a.adminUnitId === null ? 1e9 : depths.get(a.adminUnitId)!) - (b.adminUnitId === null ? 1e9 : depths.get(b.adminUnitId)!));
        return candidates[0] ?? null;
      };
      const pct = (n: number, d: number) => (d > 0 ? Math.round((10_000 * n) / d) / 100 : null);
      const indicator = (unitId: number, code: string, numerator: number, denominator: number) => {
        const value = pct(numerator, denominator);
        const t = targetFor(unitId, code);
        return {
          code,
          value,
          numerator,
          denominator,
          target: t?.targetValue ?? null,
          targetYear: t?.year ?? null,
          meetsTarget: t && value !== null ? value >= t.targetValue : null,
        };
      };
      return {
        level,
        scheme: { asOf, periods },
        computedAt: lastRun?.finishedAt ?? null,
        model,
        units: rows.map((r) => ({
          adminUnitId: r.adminUnitId,
          code: r.code,
          name: r.name,
          level: r.level,
          indicators: [
            indicator(r.adminUnitId, COVERAGE_INDICATORS.villagesMobileBroadband, r.villagesMbb, r.villages),
            indicator(r.adminUnitId, COVERAGE_INDICATORS.villagesFtth, r.villagesFtth, r.villages),
            indicator(r.adminUnitId, COVERAGE_INDICATORS.householdsFibreReady, r.unitsFtth, r.units),
            indicator(r.adminUnitId, COVERAGE_INDICATORS.btsSiteSharing, r.sharedSites, r.sites),
          ],
        })),
      };
    },

    async whatIf(input: WhatIfInput): Promise<WhatIfResult> {
      await checkPoint(input.geometry as AnyGeometry, 'geometry');
      // Read-only on one connection: whatIf's "JIT off" (SET LOCAL) holds for its statements and ends with them.
      return readOnly((tx) => whatIf(tx, input));
    },

    async suggestions(input: SuggestionsInput): Promise<SuggestionsResult> {
      return suggestions(db, input);
    },
  };
}

/**
 * What a candidate site would change, without saving anything: its
 * footprints, the villages whose coverage would change with before/after
 * shares (any carrier, and the given carrier), the units newly covered and
 * the flagged villages that would reach their target.
 */
export async function whatIf(runner: Runner | DbOrTx, input: WhatIfInput): Promise<WhatIfResult> {
  const db: Runner = 'execute' in runner ? drizzleRunner(runner) : runner;
  // JIT off inside the caller's transaction (restored after): the preview's
  // cost estimate (an anti-join probe per hit location) crosses
  // jit_optimize_above_cost, and compiling cost ~1.4 s of CPU per call for a
  // statement that runs in ~30 ms. Outside a transaction this is a no-op.
  const jitBefore = await setLocalJit(db, 'off');
  try {
    return await whatIfWith(db, input);
  } finally {
    await setLocalJit(db, jitBefore);
  }
}

async function whatIfWith(db: Runner, input: WhatIfInput): Promise<WhatIfResult> {
  const [lon, lat] = input.geometry.coordinates as [number, number];
  const ctx = await loadModelContext(db, [lon, lat]);
  const params = { ...DEFAULT_PARAMETERS, ...ctx.params };
  const [areaClass] = await selectAreaClassesAt(db, [{ lon, lat }]);
  const sectors = input.sectors.length ? input.sectors : [{ azimuthDeg: 0, beamwidthDeg: 360 }];
  const footprints = sectors.map((s) => {
    const technology = ('technology' in s && s.technology) || input.technology;
    const bandMhz = ('bandMhz' in s && s.bandMhz) || input.bandMhz;
    const antennaHeightM = ('antennaHeightM' in s && s.antennaHeightM) || input.heightM;
    const beamwidthDeg = s.beamwidthDeg ?? parameter(params, PARAMETER_KEYS.beamwidthDeg);
    const maplDb = ('maplDb' in s && s.maplDb) || maplDbFor(params, technology as Technology, bandMhz).maplDb;
    const range = rangeWith(params, { frequencyMHz: bandMhz, antennaHeightM, areaClass: (areaClass ?? 'rural') as AreaClass, maplDb });
    const ring = range.rangeM > 0 ? ringToWkt(footprintRingMeters(range.rangeM, s.azimuthDeg, beamwidthDeg, parameter(params, PARAMETER_KEYS.arcStepDeg))) : null;
    return { technology, bandMhz, azimuthDeg: s.azimuthDeg, beamwidthDeg, antennaHeightM, maplDb, rangeM: Math.round(range.rangeM * 100) / 100, model: range.label, ring };
  });
  const usable = footprints.filter((f) => f.ring !== null);
  const result = await selectWhatIf(
    db,
    usable.map((f) => f.ring!),
    usable.map((f) => (f.technology === '5G' ? '4G,5G' : '4G')),
    lon,
    lat,
    ctx.srid,
    input.carrierId ?? null,
    parameter(params, PARAMETER_KEYS.thresholdShareDefault),
  );
  const villages = result.rows.map((r) => {
    const coveredAfter = Math.min(r.totalUnits, r.coveredBefore + r.newlyCoveredUnits);
    const shareBefore = r.totalUnits > 0 ? r.coveredBefore / r.totalUnits : 0;
    const shareAfter = r.totalUnits > 0 ? coveredAfter / r.totalUnits : 0;
    const meetsTargetAfter = r.totalUnits > 0 && shareAfter >= r.thresholdShare;
    return { ...r, coveredAfter, shareBefore, shareAfter, meetsTargetAfter, reachesTarget: !r.meetsTargetBefore && meetsTargetAfter };
  });
  const newly: Record<string, number> = {};
  for (const v of villages) if (v.carrierId === null) newly[v.technology] = (newly[v.technology] ?? 0) + v.newlyCoveredUnits;
  return {
    areaClass: areaClass ?? 'rural',
    footprints: usable.map((f, i) => ({
      technology: f.technology as '4G' | '5G',
      bandMhz: f.bandMhz,
      azimuthDeg: f.azimuthDeg,
      beamwidthDeg: f.beamwidthDeg,
      antennaHeightM: f.antennaHeightM,
      maplDb: f.maplDb,
      rangeM: f.rangeM,
      model: f.model,
      geometry: result.footprints[i] as WhatIfResult['footprints'][number]['geometry'],
    })),
    villages,
    newlyCoveredUnits: newly,
    villagesReachingTarget: [...new Set(villages.filter((v) => v.carrierId === null && v.reachesTarget).map((v) => v.villageId))],
    model: { parametersHash: parametersHash(ctx.params), metricSrid: ctx.srid, parameters: ctx.params, method: MODEL_METHOD },
  };
}

interface Candidate {
  kind: 'sharing' | 'grid' | 'cluster';
  x: number;
  y: number;
  heightM: number;
  siteId: number | null;
  siteCode: string | null;
  spare: number | null;
  areaClass: string;
  rangeM: number;
  model: string;
}

/**
 * Gap-closing suggestions for the flagged villages of an area: existing
 * structures with spare tenant capacity first, then new points on a grid and
 * at settlement clusters, each taken as a three-sector (omni) site of the
 * given technology and band; greedy maximum coverage of the uncovered units.
 */
export async function suggestions(runner: Runner, input: SuggestionsInput): Promise<SuggestionsResult> {
  const ctx = await loadModelContext(runner);
  const params = { ...DEFAULT_PARAMETERS, ...ctx.params };
  const threshold = parameter(params, PARAMETER_KEYS.thresholdShareDefault);
  const maxPicks = input.maxPicks ?? parameter(params, PARAMETER_KEYS.suggestionMaxPicks);
  const spacingM = input.gridSpacingM ?? parameter(params, PARAMETER_KEYS.suggestionGridSpacingM);
  const newHeightM = input.newMastHeightM ?? parameter(params, PARAMETER_KEYS.suggestionNewMastHeightM);
  const arcStepDeg = parameter(params, PARAMETER_KEYS.arcStepDeg);
  // A point within r·cos(step/2) of the antenna is inside the inscribed footprint polygon whatever its bearing.
  const inscribed = Math.cos((arcStepDeg * Math.PI) / 360);
  const model: ModelDisclosure = { parametersHash: parametersHash(ctx.params), metricSrid: ctx.srid, parameters: ctx.params, method: MODEL_METHOD };

  const flagged = await selectFlaggedVillages(runner, input.technology, input.adminUnitId ?? null, input.villageIds ?? null, input.carrierId ?? null, threshold);
  const universe = flagged.length ? await selectUncoveredLocations(runner, flagged.map((f) => f.villageId), input.technology, input.carrierId ?? null, ctx.srid) : [];
  const methodBase = {
    algorithm: 'greedy maximum coverage (lazy evaluation) over the uncovered units of the flagged villages',
    guarantee:
      'each phase covers at least 1 − (1 − 1/k)^k > 1 − 1/e ≈ 63.2 % of the units the best k placements of that phase\'s candidates could cover (Nemhauser, Wolsey & Fisher 1978); no polynomial algorithm guarantees more unless P = NP (Feige 1998)',
    phases: ['1: existing structures with spare tenant capacity (sharing), picks adding at least 1 unit', '2: new points on a grid and at settlement clusters, for the remaining picks'],
    parameters: {
      technology: input.technology,
      bandMhz: input.bandMhz,
      carrierId: input.carrierId ?? null,
      maxPicks,
      gridSpacingM: spacingM,
      newMastHeightM: newHeightM,
      clusterRadiusM: spacingM / 2,
      antenna: 'omni (three 120° sectors)',
    } as Record<string, number | string | null>,
  };
  if (universe.length === 0) {
    return { method: { ...methodBase, candidates: { sharing: 0, grid: 0, cluster: 0 }, uncoveredUnits: 0 }, picks: [], villages: flagged.map((f) => villageOutcome(f, 0)), model };
  }

  // Candidate points.
  const xs = universe.map((u) => u.x);
  const ys = universe.map((u) => u.y);
  const pad = 5000;
  const box = { xmin: Math.min(...xs) - pad, ymin: Math.min(...ys) - pad, xmax: Math.max(...xs) + pad, ymax: Math.max(...ys) + pad };
  const sharing = await selectSharingCandidates(runner, box, ctx.srid, input.carrierId ?? null);
  const cellOf = (x: number, y: number, size: number) => `${Math.floor(x / size)}:${Math.floor(y / size)}`;
  const occupied = new Set(universe.map((u) => cellOf(u.x, u.y, spacingM)));
  const grid: { x: number; y: number }[] = [];
  for (const key of occupied) {
    const [i, j] = key.split(':').map(Number) as [number, number];
    grid.push({ x: (i + 0.5) * spacingM, y: (j + 0.5) * spacingM });
  }
  // Settlement clusters: units-weighted centroids of uncovered locations per half-spacing cell holding ≥ 5 units.
  const clusterCells = new Map<string, { sx: number; sy: number; w: number }>();
  for (const u of universe) {
    const key = cellOf(u.x, u.y, spacingM / 2);
    const c = clusterCells.get(key) ?? { sx: 0, sy: 0, w: 0 };
    c.sx += u.x * u.units;
    c.sy += u.y * u.units;
    c.w += u.units;
    clusterCells.set(key, c);
  }
  const clusters = [...clusterCells.values()].filter((c) => c.w >= 5).map((c) => ({ x: c.sx / c.w, y: c.sy / c.w }));
  const newPoints = [...grid.map((p) => ({ ...p, kind: 'grid' as const })), ...clusters.map((p) => ({ ...p, kind: 'cluster' as const }))];
  const newLonLat = await selectToLonLat(runner, newPoints, ctx.srid);
  const areaClasses = await selectAreaClassesAt(runner, [...sharing.map((s) => ({ lon: s.lon, lat: s.lat })), ...newLonLat]);

  const maplDb = maplDbFor(params, input.technology, input.bandMhz).maplDb;
  const rangeFor = (heightM: number, areaClass: string) =>
    rangeWith(params, { frequencyMHz: input.bandMhz, antennaHeightM: Math.min(heightM, 300), areaClass: areaClass as AreaClass, maplDb });
  const candidates: Candidate[] = [
    ...sharing.map((s, i) => {
      const r = rangeFor(s.heightM, areaClasses[i] ?? 'rural');
      return { kind: 'sharing' as const, x: s.x, y: s.y, heightM: s.heightM, siteId: s.siteId, siteCode: s.code, spare: s.spare, areaClass: areaClasses[i] ?? 'rural', rangeM: r.rangeM, model: r.label };
    }),
    ...newPoints.map((p, i) => {
      const cls = areaClasses[sharing.length + i] ?? 'rural';
      const r = rangeFor(newHeightM, cls);
      return { kind: p.kind, x: p.x, y: p.y, heightM: newHeightM, siteId: null, siteCode: null, spare: null, areaClass: cls, rangeM: r.rangeM, model: r.label };
    }),
  ];

  // Incidence: which uncovered locations each candidate reaches (bucketed by a coarse grid).
  const bucket = 2000;
  const buckets = new Map<string, number[]>();
  universe.forEach((u, idx) => {
    const key = cellOf(u.x, u.y, bucket);
    const list = buckets.get(key) ?? [];
    list.push(idx);
    buckets.set(key, list);
  });
  const sets = candidates.map((c) => {
    const r = c.rangeM * inscribed;
    const out: number[] = [];
    for (let i = Math.floor((c.x - r) / bucket); i <= Math.floor((c.x + r) / bucket); i++) {
      for (let j = Math.floor((c.y - r) / bucket); j <= Math.floor((c.y + r) / bucket); j++) {
        for (const idx of buckets.get(`${i}:${j}`) ?? []) {
          const u = universe[idx]!;
          if ((u.x - c.x) ** 2 + (u.y - c.y) ** 2 <= r * r) out.push(idx);
        }
      }
    }
    return out;
  });
  const weights = universe.map((u) => u.units);
  const covered = new Uint8Array(universe.length);
  const sharingIdx = candidates.map((c, i) => (c.kind === 'sharing' ? i : -1)).filter((i) => i >= 0);
  const newIdx = candidates.map((c, i) => (c.kind !== 'sharing' ? i : -1)).filter((i) => i >= 0);
  const phase1 = greedyMaxCoverage(sharingIdx.map((i) => sets[i]!), weights, covered, maxPicks, 1).map((p) => ({ candidate: sharingIdx[p.candidate]!, gain: p.gain }));
  const phase2 = greedyMaxCoverage(newIdx.map((i) => sets[i]!), weights, covered, maxPicks - phase1.length, 1).map((p) => ({ candidate: newIdx[p.candidate]!, gain: p.gain }));
  const picks = [...phase1, ...phase2];
  const pickLonLat = await selectToLonLat(runner, picks.map((p) => candidates[p.candidate]!), ctx.srid);
  let cumulative = 0;
  const newlyByVillage = new Map<number, number>();
  universe.forEach((u, idx) => {
    if (covered[idx]) newlyByVillage.set(u.villageId, (newlyByVillage.get(u.villageId) ?? 0) + u.units);
  });
  return {
    method: { ...methodBase, candidates: { sharing: sharing.length, grid: grid.length, cluster: clusters.length }, uncoveredUnits: weights.reduce((s, w) => s + w, 0) },
    picks: picks.map((p, rank) => {
      const c = candidates[p.candidate]!;
      cumulative += p.gain;
      const ll = pickLonLat[rank]!;
      return {
        rank: rank + 1,
        kind: c.kind,
        siteId: c.siteId,
        siteCode: c.siteCode,
        spareTenantSlots: c.spare,
        geometry: { type: 'Point', coordinates: [Math.round(ll.lon * 1e6) / 1e6, Math.round(ll.lat * 1e6) / 1e6] },
        antennaHeightM: c.heightM,
        rangeM: Math.round(c.rangeM * 100) / 100,
        model: c.model,
        newlyCoveredUnits: p.gain,
        cumulativeUnits: cumulative,
      };
    }),
    villages: flagged.map((f) => villageOutcome(f, newlyByVillage.get(f.villageId) ?? 0)),
    model,
  };
}

function villageOutcome(f: { villageId: number; code: string; name: string; totalUnits: number; coveredUnits: number; thresholdShare: number }, newly: number) {
  const shareBefore = f.totalUnits > 0 ? f.coveredUnits / f.totalUnits : 0;
  const shareAfter = f.totalUnits > 0 ? Math.min(f.totalUnits, f.coveredUnits + newly) / f.totalUnits : 0;
  return { villageId: f.villageId, code: f.code, name: f.name, totalUnits: f.totalUnits, shareBefore, shareAfter, thresholdShare: f.thresholdShare, reachesTarget: shareAfter >= f.thresholdShare };
}

/** For scripts: the metric CRS the engine would use. */
export function metricSrid(pool: pg.Pool): Promise<number> {
  return selectMetricSrid(pgRunner(pool));
}

export { parameterMap };
