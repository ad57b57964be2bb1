// Full and incremental recomputation of stored coverage.
//
// Full (recomputeFullCoverage): for parameter changes and imports. One
// transaction, holding the coverage lock so that no incremental edit
// interleaves: derive every sector's range and footprint, rebuild the
// engine's contributor rows, compute every village's results into a staging
// table beside the live ones, then replace the live rows in one step. Readers
// see the old results until the commit and the new ones after it, never a mix.
//
// Incremental (recomputeSources): inside the caller's write transaction,
// derive the edited sectors' footprints, swap their contributor rows and
// apply the change in covered units to the villages reached by the old or new
// footprint only (swapContributors below). The change in units is counted in
// TypeScript with the same point-in-polygon test as the full count, over the
// locations and contributors near the changed reaches only: two index
// look-ups instead of one per touched location.
import type pg from 'pg';
import type { Technology } from '@registry/shared/enums';
import type { AreaClass } from '@registry/shared/enums';
import { PARAMETER_KEYS, environmentsFor, maplDbFor, parameter } from '@registry/shared/radio/parameters';
import { solveRange, type RangeInput, type RangeResult } from '@registry/shared/radio/range';
import { footprintRingMeters, ringToWkt, utmEpsgForLonLat } from '@registry/shared/radio/wedge';
import {
  CREATE_STAGE_SQL,
  applyDeltas,
  finishRun,
  insertRun,
  lockCoverage,
  setLocalJit,
  parameterMap,
  pgRunner,
  redrawGaps,
  replaceAllContributors,
  resolveChangedSources,
  selectMetricSridOrNull,
  selectParameterRows,
  selectSectorRadioInputs,
  selectFootprintWkb,
  selectLocationPoints,
  selectVillagesWithoutResults,
  stageCounts,
  stageGaps,
  stageVillageResults,
  selectContributorsInBoxes,
  selectGapPairs,
  selectLocationsInBoxes,
  swapContributorRows,
  type Box,
  type ContributorWkb,
  type CoverageDelta,
  swapInStagedResults,
  writeSectorFootprints,
  type DerivedFootprint,
  type Runner,
  type SectorRadioRow,
} from './coverage.queries';
import { countCovered, coverageDeltas, footprintFromWkb, type Footprint } from './coverage.count';

export interface ModelContext {
  params: Record<string, number>;
  srid: number;
}

/**
 * Parameters and metric CRS. With an empty database (no villages, no sites)
 * the CRS falls back to the UTM zone of `fallbackLonLat` when given (a
 * what-if point), else to 0 (nothing to compute).
 */
export async function loadModelContext(db: Runner, fallbackLonLat?: [number, number]): Promise<ModelContext> {
  const rows = await selectParameterRows(db);
  const srid = (await selectMetricSridOrNull(db)) ?? (fallbackLonLat ? utmEpsgForLonLat(fallbackLonLat[0], fallbackLonLat[1]) : 0);
  return { params: parameterMap(rows), srid };
}

/** The drop-distance disc in local metres, as WKT. */
export function dropDiscWkt(params: Record<string, number>): string {
  return ringToWkt(footprintRingMeters(parameter(params, PARAMETER_KEYS.dropDistanceM), 0, 360, parameter(params, PARAMETER_KEYS.arcStepDeg)));
}

/** The range of an antenna under the configured model (handset height, environments, RMa street and building). */
export function rangeWith(params: Record<string, number>, input: { frequencyMHz: number; antennaHeightM: number; areaClass: AreaClass; maplDb: number }): RangeResult {
  const full: RangeInput = {
    ...input,
    handsetHeightM: parameter(params, PARAMETER_KEYS.handsetHeightM),
    rmaEnvironment: {
      streetWidthM: parameter(params, PARAMETER_KEYS.rmaStreetWidthM),
      buildingHeightM: parameter(params, PARAMETER_KEYS.rmaBuildingHeightM),
    },
    ...environmentsFor(params, input.areaClass),
  };
  return solveRange(full);
}

/** Range and footprint ring of one sector from its radio inputs (pure). */
export function deriveFootprint(row: Omit<SectorRadioRow, 'id' | 'rangeM' | 'footprintModel'>, params: Record<string, number>): { rangeM: number; model: string; ringWkt: string | null; maplDb: number } {
  const maplDb = row.maplDb ?? maplDbFor(params, row.technology as Technology, row.bandMhz).maplDb;
  const range = rangeWith(params, { frequencyMHz: row.bandMhz, antennaHeightM: row.antennaHeightM, areaClass: row.areaClass, maplDb });
  const rangeM = Math.round(range.rangeM * 100) / 100;
  const ringWkt = rangeM > 0 ? ringToWkt(footprintRingMeters(rangeM, row.azimuthDeg, row.beamwidthDeg, parameter(params, PARAMETER_KEYS.arcStepDeg))) : null;
  return { rangeM, model: range.label, ringWkt, maplDb };
}

/** Derives and stores the range and footprint of sectors (all when ids is null). */
export async function deriveSectorFootprints(db: Runner, ctx: ModelContext, sectorIds: number[] | null): Promise<number> {
  if (sectorIds && sectorIds.length === 0) return 0;
  const inputs = await selectSectorRadioInputs(db, sectorIds);
  const derived: DerivedFootprint[] = inputs.map((row) => {
    const d = deriveFootprint(row, ctx.params);
    return { id: row.id, rangeM: d.rangeM, model: d.model, ringWkt: d.ringWkt };
  });
  return writeSectorFootprints(db, ctx.srid, derived);
}

export interface FullRecomputeOptions {
  onProgress?: (done: number, total: number) => void;
  /** Called after each phase with its duration (benchmark, script). */
  onPhase?: (phase: string, seconds: number) => void;
}

/**
 * Recomputes every sector footprint and every village's coverage, and swaps
 * the results in at commit. Contract with the dataset loader: call after
 * loading; finishes in seconds at provincial scale.
 */
export async function recomputeFullCoverage(pool: pg.Pool, options: FullRecomputeOptions = {}): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await recomputeFullWith(client, options);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The full recompute on an open transaction (tests run it inside one they roll back). */
export async function recomputeFullWith(client: pg.PoolClient | pg.Client, options: FullRecomputeOptions & { triggeredBy?: number | null } = {}): Promise<number> {
  const db = pgRunner(client);
  await lockCoverage(db);
  // Large one-off statements: JIT compilation costs more than it saves here.
  await db.query('SET LOCAL jit = off');
  const ctx = await loadModelContext(db);
  const runId = await insertRun(db, 'full', ctx.params, options.triggeredBy ?? null);
  if (ctx.srid === 0) {
    // No villages and no sites: nothing can be covered.
    await db.query('DELETE FROM coverage_contributors');
    await db.query('DELETE FROM village_coverage');
    await finishRun(db, runId, 0);
    return runId;
  }
  const villageIds = (await db.query<{ id: number }>('SELECT id FROM villages ORDER BY id')).map((r) => r.id);
  const total = villageIds.length;
  options.onProgress?.(0, total);
  let t = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    options.onPhase?.(name, (now - t) / 1000);
    t = now;
  };

  await deriveSectorFootprints(db, ctx, null);
  phase('ranges and footprints');
  await replaceAllContributors(db, dropDiscWkt(ctx.params), ctx.srid);
  phase('contributors');
  await db.query(CREATE_STAGE_SQL);
  await db.query('TRUNCATE coverage_stage');
  // Counting in TypeScript over the stored polygons (see coverage.count.ts):
  // the same answer as stageVillageResults, without a heap fetch per pair.
  const footprints: Footprint[] = (await selectFootprintWkb(db)).map((r) => footprintFromWkb(r.technology, r.carrierId, r.wkb));
  phase('read footprints');
  const points = await selectLocationPoints(db);
  phase('read locations');
  const counts = countCovered(footprints, {
    villageId: Int32Array.from(points, (p) => p.v),
    units: Int32Array.from(points, (p) => p.u),
    x: Float64Array.from(points, (p) => p.x),
    y: Float64Array.from(points, (p) => p.y),
  });
  phase('count');
  await stageCounts(db, counts);
  phase('stage counts');
  // Gaps are the costly part: drawn in batches so that progress moves.
  const batch = Math.max(50, Math.ceil(total / 20));
  for (let i = 0; i < total; i += batch) {
    await stageGaps(db, villageIds.slice(i, i + batch));
    options.onProgress?.(Math.min(total, i + batch), total);
  }
  phase('gaps');
  await swapInStagedResults(db, null, runId, parameter(ctx.params, PARAMETER_KEYS.thresholdShareDefault));
  await finishRun(db, runId, total);
  phase('swap');
  await db.query('DROP TABLE IF EXISTS coverage_stage');
  return runId;
}

export interface SourceChange {
  sectorIds?: number[];
  siteIds?: number[];
  accessPointIds?: number[];
  routeIds?: number[];
}

export interface IncrementalResult {
  runId: number | null;
  sectorIds: number[];
  accessPointIds: number[];
  villageIds: number[];
}

/** Incremental recompute on a Runner bound to the caller's transaction. */
export async function recomputeSources(db: Runner, change: SourceChange, triggeredBy: number | null = null): Promise<IncrementalResult> {
  const wanted = {
    sectorIds: change.sectorIds ?? [],
    siteIds: change.siteIds ?? [],
    accessPointIds: change.accessPointIds ?? [],
    routeIds: change.routeIds ?? [],
  };
  if (wanted.sectorIds.length + wanted.siteIds.length + wanted.accessPointIds.length + wanted.routeIds.length === 0) {
    return { runId: null, sectorIds: [], accessPointIds: [], villageIds: [] };
  }
  await lockCoverage(db);
  // JIT off for the engine's statements only: the swap's cost estimate
  // (a nested loop over an unknown number of touched locations) crosses
  // jit_above_cost, and compiling it cost ~280 ms of a ~420 ms edit (EXPLAIN
  // showed it as a slow 3-row DELETE, the plan's first node). The caller's
  // setting is restored before returning, so its own statements keep theirs.
  const jitBefore = await setLocalJit(db, 'off');
  try {
    return await recomputeSourcesLocked(db, wanted, triggeredBy);
  } finally {
    await setLocalJit(db, jitBefore);
  }
}

async function recomputeSourcesLocked(db: Runner, wanted: Required<SourceChange>, triggeredBy: number | null): Promise<IncrementalResult> {
  const ctx = await loadModelContext(db);
  if (ctx.srid === 0) return { runId: null, sectorIds: [], accessPointIds: [], villageIds: [] };
  const sources = await resolveChangedSources(db, wanted);
  await deriveSectorFootprints(db, ctx, sources.sectorIds);
  const changes = await swapContributors(db, sources.sectorIds, sources.accessPointIds, dropDiscWkt(ctx.params), ctx.srid);
  const villageIds = [...new Set(changes.map((c) => c.villageId))];
  if (villageIds.length === 0) return { runId: null, ...sources, villageIds };

  const runId = await insertRun(db, 'incremental', ctx.params, triggeredBy);
  const threshold = parameter(ctx.params, PARAMETER_KEYS.thresholdShareDefault);
  // Villages never computed (no rows yet) get a full computation of their own.
  const fresh = new Set(await selectVillagesWithoutResults(db, villageIds));
  if (fresh.size > 0) {
    await db.query(CREATE_STAGE_SQL);
    await db.query('TRUNCATE coverage_stage');
    await stageVillageResults(db, [...fresh], true);
    await swapInStagedResults(db, [...fresh], runId, threshold);
  }
  const rest = changes.filter((c) => !fresh.has(c.villageId));
  await applyDeltas(db, rest, runId, threshold);
  // Gaps of the villages the changed reaches meet, and of those whose count
  // changed (a gap is drawn only below 100 %: see gapDrawnWhen).
  await redrawGaps(
    db,
    rest.filter((c) => c.kind === 'gap' || c.carrierId === 0).map((c) => ({ villageId: c.villageId, technology: c.technology })),
    runId,
  );
  await finishRun(db, runId, villageIds.length);
  return { runId, ...sources, villageIds };
}

/**
 * Swaps the contributor rows of the given sources and returns what changed:
 * per village, technology and carrier (0 = any) the change in covered units
 * ('delta'), and the (village, technology) pairs whose gap to redraw ('gap').
 * before = the rows near the edit now, less the new ones, plus the old ones;
 * after = the rows near the edit now.
 */
export async function swapContributors(db: Runner, sectorIds: number[], accessPointIds: number[], discWkt: string, srid: number): Promise<CoverageDelta[]> {
  const rows = await swapContributorRows(db, sectorIds, accessPointIds, discWkt, srid);
  const key = (r: ContributorWkb) => `${r.kind}|${r.sourceId}|${r.technology}`;
  const olds = new Map(rows.filter((r) => r.side === 'old').map((r) => [key(r), r]));
  const news = new Map(rows.filter((r) => r.side === 'new').map((r) => [key(r), r]));
  const changed: { old: ContributorWkb | null; new: ContributorWkb | null; technology: string }[] = [];
  for (const k of new Set([...olds.keys(), ...news.keys()])) {
    const o = olds.get(k) ?? null;
    const n = news.get(k) ?? null;
    if (o && n && o.carrierId === n.carrierId && o.wkb.equals(n.wkb)) continue;
    changed.push({ old: o, new: n, technology: (o ?? n)!.technology });
  }
  if (changed.length === 0) return [];
  const fp = (r: ContributorWkb) => footprintFromWkb(r.technology, r.carrierId, r.wkb);
  const changedReaches = changed.flatMap((c) => [c.old, c.new]).filter((r): r is ContributorWkb => r !== null).map(fp);
  const technologies = [...new Set(changed.map((c) => c.technology))];
  const boxes = coveringBoxes(changedReaches);
  const locations = await selectLocationsInBoxes(db, boxes);
  const now = locations.length ? await selectContributorsInBoxes(db, boxes, technologies) : [];
  const after = now.map(fp);
  const before = [...now.filter((r) => !news.has(key(r))), ...olds.values()].filter((r) => technologies.includes(r.technology)).map(fp);
  const deltas: CoverageDelta[] = coverageDeltas(changedReaches, before, after, locations).map((d) => ({ kind: 'delta', ...d }));
  const gaps = await selectGapPairs(
    db,
    changed.map((c) => ({ old: c.old?.wkb ?? null, new: c.new?.wkb ?? null, sameCarrier: c.old !== null && c.new !== null && c.old.carrierId === c.new.carrierId, technology: c.technology })),
  );
  return [...deltas, ...gaps.map((g) => ({ kind: 'gap' as const, villageId: g.villageId, technology: g.technology, carrierId: 0, deltaUnits: 0 }))];
}

/**
 * Boxes to look locations and contributors up in: the reaches' own boxes, or
 * their common extent when it is not much larger than their sum (a site's
 * sectors before and after a move overlap: one index scan, no location read
 * several times). Any superset of the reaches is correct.
 */
export function coveringBoxes(boxes: Box[]): Box[] {
  if (boxes.length <= 1) return boxes;
  const extent = {
    minX: Math.min(...boxes.map((b) => b.minX)),
    minY: Math.min(...boxes.map((b) => b.minY)),
    maxX: Math.max(...boxes.map((b) => b.maxX)),
    maxY: Math.max(...boxes.map((b) => b.maxY)),
  };
  const area = (b: Box) => (b.maxX - b.minX) * (b.maxY - b.minY);
  return area(extent) <= 2 * boxes.reduce((sum, b) => sum + area(b), 0) ? [extent] : boxes;
}
