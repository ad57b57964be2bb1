// Full and incremental recomputation of stored coverage.
//
// Full (recomputeFullCoverage): for parameter changes and imports. Built
// beside the live results, without blocking edits for the run:
//  1. it takes the build marker (a session advisory lock) and, briefly, the
//     coverage lock, so that running edits finish first, then reads one
//     REPEATABLE READ snapshot: every sector's range and footprint, the
//     contributor rows and the counts are staged in coverage_build_* tables;
//  2. the gaps are drawn into the staged rows (on two connections when the
//     pool has one to spare);
//  3. final step, under the coverage lock: the staged rows are swapped in
//     (only rows that differ are written) and the edits made meanwhile, which
//     found the marker held and logged their sources in
//     coverage_pending_edits, are replayed incrementally; then commit.
// Readers see the old results until that commit and the new ones after it.
// recomputeFullWith does the same inside a caller's transaction (tests,
// which roll back), holding the coverage lock throughout.
//
// Incremental (recomputeSources): inside the caller's write transaction, in
// four statements: lock; model context, sources and radio inputs; footprints
// written, contributor rows swapped, rows and locations near the change read;
// counts, shares and gaps applied. The change in covered units is counted in
// TypeScript with the same point-in-polygon test as the full count.

import type pg from 'pg';
import type { Technology } from '@registry/shared/enums';
import type { AreaClass } from '@registry/shared/enums';
import { PARAMETER_KEYS, environmentsFor, maplDbFor, parameter } from '@registry/shared/radio/parameters';
import { solveRange, type RangeInput, type RangeResult } from '@registry/shared/radio/range';
import { footprintRingMeters, ringToWkt, utmEpsgForLonLat } from '@registry/shared/radio/wedge';
import {
  BUILD_MARKER,
  COVERAGE_LOCK,
  CREATE_STAGE_SQL,
  applyEdit,
  finishRun,
  insertRun,
  lockForEdit,
  parameterMap,
  parametersHash,
  parseSrid,
  pgRunner,
  selectEditContext,
  selectMetricSridOrNull,
  selectParameterRows,
  selectSectorRadioInputs,
  restoreEditSettings,
  type EditSettings,
  stageVillageResults,
  swapEditRows,
  swapInStagedResults,
  type ContributorWkb,
  type CoverageDelta,
  type DerivedFootprint,
  type Runner,
  type SectorRadioRow,
} from './coverage.queries';
import {
  buildContributors,
  buildCounts,
  buildFootprints,
  buildGaps,
  deletePendingEdits,
  copyBinaryRows,
  lockChangedSectorsNoWait,
  selectBuildGapVillages,
  selectPendingEdits,
  swapBuild,
} from './coverage.build';
import { roadMode, stageRoadReaches } from './coverage.roads';
import { countCovered, coverageDeltas, footprintFromWkb, type Footprint, type LocationPoints } from './coverage.count';

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

/**
 * deriveFootprint over many sectors, each distinct radio input solved once
 * and each distinct ring drawn once (a province's 9,221 sectors have about
 * 340 distinct inputs: solving every one took 4.6 s under load).
 */
export function deriveFootprints(rows: SectorRadioRow[], params: Record<string, number>): DerivedFootprint[] {
  const ranges = new Map<string, { rangeM: number; model: string }>();
  const rings = new Map<string, string>();
  const step = parameter(params, PARAMETER_KEYS.arcStepDeg);
  return rows.map((row) => {
    const maplDb = row.maplDb ?? maplDbFor(params, row.technology as Technology, row.bandMhz).maplDb;
    const rk = `${row.bandMhz}|${row.antennaHeightM}|${row.areaClass}|${maplDb}`;
    let range = ranges.get(rk);
    if (!range) {
      const r = rangeWith(params, { frequencyMHz: row.bandMhz, antennaHeightM: row.antennaHeightM, areaClass: row.areaClass, maplDb });
      range = { rangeM: Math.round(r.rangeM * 100) / 100, model: r.label };
      ranges.set(rk, range);
    }
    let ringWkt: string | null = null;
    if (range.rangeM > 0) {
      const gk = `${range.rangeM}|${row.azimuthDeg}|${row.beamwidthDeg}`;
      ringWkt = rings.get(gk) ?? null;
      if (ringWkt === null) {
        ringWkt = ringToWkt(footprintRingMeters(range.rangeM, row.azimuthDeg, row.beamwidthDeg, step));
        rings.set(gk, ringWkt);
      }
    }
    return { id: row.id, rangeM: range.rangeM, model: range.model, ringWkt };
  });
}

export interface FullRecomputeOptions {
  onProgress?: (done: number, total: number) => void;
  /** Called after each phase with its duration (benchmark, script). */
  onPhase?: (phase: string, seconds: number) => void;
  /** Awaited once the build has its snapshot and before the final step takes the lock (tests: an edit made during the run). */
  duringBuild?: () => Promise<void>;
}

function phaseTimer(options: FullRecomputeOptions) {
  let t = performance.now();
  return (name: string) => {
    const now = performance.now();
    options.onPhase?.(name, (now - t) / 1000);
    t = now;
  };
}

/**
 * Stages footprints, contributors and counts from the transaction's
 * snapshot (client must be inside a transaction).
 */
async function buildStaged(client: pg.PoolClient | pg.Client, ctx: ModelContext, phase: (name: string) => void): Promise<void> {
  const db = pgRunner(client);
  await buildFootprints(db, ctx.srid, deriveFootprints(await selectSectorRadioInputs(db, null), ctx.params));
  phase('ranges and footprints');
  if (roadMode(ctx.params)) {
    await stageRoadReaches(db, 'build', ctx.params, ctx.srid, null);
    phase('road footprints');
  }
  await buildContributors(db, dropDiscWkt(ctx.params), ctx.srid);
  phase('contributors');
  // Counting in TypeScript over the staged polygons (see coverage.count.ts),
  // both read in binary through cursors.
  const footprints: Footprint[] = [];
  await copyBinaryRows(client, 'SELECT technology, carrier_id, ST_AsBinary(reach) FROM coverage_build_contributors', (buf, f) => {
    footprints.push(footprintFromWkb(buf.toString('latin1', f[0]!, f[0]! + f[1]!), buf.readInt32BE(f[2]!), buf.subarray(f[4]!, f[4]! + f[5]!)));
  });
  phase('read footprints');
  const chunks: LocationPoints[] = [];
  const CHUNK = 1 << 20;
  let cur: LocationPoints | null = null;
  let k = 0;
  await copyBinaryRows(client, 'SELECT village_id, units, ST_X(geom), ST_Y(geom) FROM locations', (buf, f) => {
    if (cur === null || k === CHUNK) {
      if (cur) chunks.push(cur);
      cur = { villageId: new Int32Array(CHUNK), units: new Int32Array(CHUNK), x: new Float64Array(CHUNK), y: new Float64Array(CHUNK) };
      k = 0;
    }
    cur.villageId[k] = buf.readInt32BE(f[0]!);
    cur.units[k] = buf.readInt32BE(f[2]!);
    cur.x[k] = buf.readDoubleBE(f[4]!);
    cur.y[k] = buf.readDoubleBE(f[6]!);
    k++;
  });
  const last = cur as LocationPoints | null;
  if (last) chunks.push({ villageId: last.villageId.subarray(0, k), units: last.units.subarray(0, k), x: last.x.subarray(0, k), y: last.y.subarray(0, k) });
  const points = concatPoints(chunks);
  phase('read locations');
  const counts = countCovered(footprints, points);
  const sums = new Map<number, number>();
  for (let i = 0; i < points.villageId.length; i++) sums.set(points.villageId[i]!, (sums.get(points.villageId[i]!) ?? 0) + points.units[i]!);
  phase('count');
  await buildCounts(db, counts, { villageIds: [...sums.keys()], units: [...sums.values()] });
  phase('stage counts');
}

function concatPoints(chunks: LocationPoints[]): LocationPoints {
  const n = chunks.reduce((s, c) => s + c.x.length, 0);
  const out: LocationPoints = { villageId: new Int32Array(n), units: new Int32Array(n), x: new Float64Array(n), y: new Float64Array(n) };
  let o = 0;
  for (const c of chunks) {
    out.villageId.set(c.villageId, o);
    out.units.set(c.units, o);
    out.x.set(c.x, o);
    out.y.set(c.y, o);
    o += c.x.length;
  }
  return out;
}

/** Draws the staged gaps in batches, on each of the given connections at once (each batch its own statement). */
async function drawGaps(runners: { run: (ids: number[]) => Promise<void> }[], villageIds: number[], total: number, options: FullRecomputeOptions): Promise<void> {
  const batch = Math.max(50, Math.ceil(villageIds.length / 40));
  const batches: number[][] = [];
  for (let i = 0; i < villageIds.length; i += batch) batches.push(villageIds.slice(i, i + batch));
  let done = total - villageIds.length;
  options.onProgress?.(done, total);
  let next = 0;
  await Promise.all(
    runners.map(async (r) => {
      for (let b = next++; b < batches.length; b = next++) {
        await r.run(batches[b]!);
        done += batches[b]!.length;
        options.onProgress?.(done, total);
      }
    }),
  );
}

/**
 * Full recompute through the pool, built beside the live results (see the
 * head of this file); edits go on during the build and are replayed in the
 * final step. Contract with the dataset loader: call after loading.
 */
export async function recomputeFullCoverage(pool: pg.Pool, options: FullRecomputeOptions & { triggeredBy?: number | null } = {}): Promise<void> {
  const client = await pool.connect();
  const db = pgRunner(client);
  let broken = false;
  try {
    const startedAt = new Date();
    const phase = phaseTimer(options);
    // One build at a time; edits that find the marker held log their sources.
    await client.query(`SELECT pg_advisory_lock(${BUILD_MARKER})`);
    // Running edits finish first (they hold the coverage lock until commit),
    // then the snapshot is taken and the lock let go at once.
    await client.query(`SELECT pg_advisory_lock(${COVERAGE_LOCK})`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const ctx = await loadModelContext(db);
    await client.query(`SELECT pg_advisory_unlock(${COVERAGE_LOCK})`);
    await client.query('SET LOCAL jit = off');
    const total = ctx.srid === 0 ? 0 : (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM villages'))[0]!.n;
    options.onProgress?.(0, total);
    if (ctx.srid !== 0) await buildStaged(client, ctx, phase);
    await client.query('COMMIT');

    if (ctx.srid !== 0) {
      const gapVillages = await selectBuildGapVillages(db);
      // A second connection when the pool has one to spare (two cores).
      const spare = pool.totalCount < (pool.options.max ?? 10) || pool.idleCount > 0 ? await pool.connect() : null;
      try {
        const runner = (c: pg.PoolClient) => ({
          run: async (ids: number[]) => {
            await c.query('BEGIN');
            await c.query('SET LOCAL jit = off');
            await buildGaps(pgRunner(c), ids);
            await c.query('COMMIT');
          },
        });
        await drawGaps([runner(client), ...(spare ? [runner(spare)] : [])], gapVillages, total, options);
      } finally {
        spare?.release();
      }
      phase('gaps');
    }
    await options.duringBuild?.();

    // Final step: the coverage lock, the swap, the edits made meanwhile.
    for (let attempt = 0; ; attempt++) {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT pg_advisory_xact_lock(${COVERAGE_LOCK})`);
        await client.query('SET LOCAL jit = off');
        if (ctx.srid !== 0 && !(await lockChangedSectorsNoWait(db))) {
          // An edit in flight holds a sector row and will ask for the lock next.
          await client.query('ROLLBACK');
          if (attempt >= 200) throw new Error('coverage swap: sectors stayed locked by edits in flight');
          await new Promise((resolve) => setTimeout(resolve, 25 + 25 * Math.min(attempt, 8)));
          continue;
        }
        await finalStep(db, ctx, total, startedAt, options.triggeredBy ?? null);
        await client.query('COMMIT');
        break;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    phase('swap');
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    // Closing the connection on error lets go of the session locks whatever state it is in.
    if (!broken) await client.query(`SELECT pg_advisory_unlock_all()`).catch(() => (broken = true));
    client.release(broken);
  }
}

/** Swap, replay of the edits logged during the build, run stamp (under the coverage lock). */
async function finalStep(db: Runner, ctx: ModelContext, total: number, startedAt: Date | null, triggeredBy: number | null): Promise<number> {
  const runId = await insertRun(db, 'full', ctx.params, triggeredBy, startedAt);
  if (ctx.srid === 0) {
    // No villages and no sites: nothing can be covered.
    await db.query('DELETE FROM coverage_contributors');
    await db.query('DELETE FROM village_coverage');
  } else {
    await swapBuild(db, runId, parameter(ctx.params, PARAMETER_KEYS.thresholdShareDefault), parametersHash(ctx.params));
    const pending = await selectPendingEdits(db);
    if (pending.maxId !== null) {
      await recomputeSourcesLocked(db, pending, { log: false, settingsBefore: { jit: 'off', planCacheMode: 'auto' }, triggeredBy });
      await deletePendingEdits(db, pending.maxId);
    }
  }
  await finishRun(db, runId, total);
  return runId;
}

/** The full recompute on an open transaction (tests run it inside one they roll back), holding the coverage lock throughout. */
export async function recomputeFullWith(client: pg.PoolClient | pg.Client, options: FullRecomputeOptions & { triggeredBy?: number | null } = {}): Promise<number> {
  const db = pgRunner(client);
  await client.query(`SELECT pg_advisory_xact_lock(${BUILD_MARKER})`);
  await client.query(`SELECT pg_advisory_xact_lock(${COVERAGE_LOCK})`);
  // Large one-off statements: JIT compilation costs more than it saves here.
  await client.query('SET LOCAL jit = off');
  const phase = phaseTimer(options);
  const ctx = await loadModelContext(db);
  const total = ctx.srid === 0 ? 0 : (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM villages'))[0]!.n;
  options.onProgress?.(0, total);
  if (ctx.srid !== 0) {
    await buildStaged(client, ctx, phase);
    await drawGaps([{ run: (ids) => buildGaps(db, ids) }], await selectBuildGapVillages(db), total, options);
    phase('gaps');
  }
  const runId = await finalStep(db, ctx, total, null, options.triggeredBy ?? null);
  phase('swap');
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
  // The lock, and JIT off for the engine's statements only: the swap's cost
  // estimate crosses jit_above_cost, and compiling it cost ~280 ms of a
  // ~420 ms edit. The caller's setting is restored by the last statement.
  const lock = await lockForEdit(db);
  try {
    return await recomputeSourcesLocked(db, wanted, { log: lock.fullBuilding, settingsBefore: lock.settingsBefore, triggeredBy });
  } catch (error) {
    await restoreEditSettings(db, lock.settingsBefore).catch(() => undefined);
    throw error;
  }
}

async function recomputeSourcesLocked(
  db: Runner,
  wanted: Required<SourceChange>,
  o: { log: boolean; settingsBefore: EditSettings; triggeredBy: number | null },
): Promise<IncrementalResult> {
  const ec = await selectEditContext(db, wanted);
  const srid = parseSrid(ec.sridSetting) ?? (await selectMetricSridOrNull(db)) ?? 0;
  const sources = { sectorIds: ec.sectorIds, accessPointIds: ec.accessPointIds };
  const none = async () => {
    await restoreEditSettings(db, o.settingsBefore);
    return { runId: null, ...sources, villageIds: [] };
  };
  if (srid === 0) return none();
  await stageRoadReaches(db, 'edit', ec.params, srid, ec.accessPointIds);
  const swap = await swapEditRows(db, {
    sectorIds: ec.sectorIds,
    accessPointIds: ec.accessPointIds,
    discWkt: dropDiscWkt(ec.params),
    srid,
    derived: deriveFootprints(ec.radio, ec.params),
    log: o.log,
    siteIds: wanted.siteIds,
    routeIds: wanted.routeIds,
  });
  const change = editChanges(swap.contributors, swap.locations);
  if (change === null) return none();
  const threshold = parameter(ec.params, PARAMETER_KEYS.thresholdShareDefault);
  const applied = await applyEdit(db, { deltas: change.deltas, regions: change.regions, params: ec.params, triggeredBy: o.triggeredBy, thresholdDefault: threshold, settingsBefore: o.settingsBefore });
  if (applied.fresh.length > 0 && applied.runId !== null) {
    // Villages never computed (no rows yet) get a full computation of their own.
    await db.query(CREATE_STAGE_SQL);
    await db.query('TRUNCATE coverage_stage');
    await stageVillageResults(db, applied.fresh, true);
    await swapInStagedResults(db, applied.fresh, applied.runId, threshold);
  }
  return { runId: applied.runId, ...sources, villageIds: applied.villageIds };
}

/**
 * What an edit changed, from the rows its swap returned: the change in
 * covered units per village, technology and carrier (0 = any), and the
 * regions where a source's reach changed (for the gaps). Null when no
 * source's contribution differs. 'now' rows are the stored state before the
 * swap near the change; after it, the old rows are gone and the new ones in.
 */
export function editChanges(rows: ContributorWkb[], locations: { v: number; u: number; x: number; y: number }[]): { deltas: CoverageDelta[]; regions: { old: Buffer | null; new: Buffer | null; sameCarrier: boolean; technology: string }[] } | null {
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
  if (changed.length === 0) return null;
  // Each row parsed once (the 'now' rows serve both states).
  const parsed = new Map<ContributorWkb, Footprint>();
  const fp = (r: ContributorWkb) => {
    let f = parsed.get(r);
    if (!f) parsed.set(r, (f = footprintFromWkb(r.technology, r.carrierId, r.wkb)));
    return f;
  };
  const changedReaches = changed.flatMap((c) => [c.old, c.new]).filter((r): r is ContributorWkb => r !== null).map(fp);
  const technologies = new Set(changed.map((c) => c.technology));
  const oldIds = new Set([...olds.values()].map((r) => r.id));
  const now = rows.filter((r) => r.side === 'now' && technologies.has(r.technology));
  const before = now.map(fp);
  const after = [...now.filter((r) => !oldIds.has(r.id)), ...[...news.values()].filter((r) => technologies.has(r.technology))].map(fp);
  const deltas: CoverageDelta[] = coverageDeltas(changedReaches, before, after, locations).map((d) => ({ kind: 'delta', ...d }));
  const regions = changed.map((c) => ({ old: c.old?.wkb ?? null, new: c.new?.wkb ?? null, sameCarrier: c.old !== null && c.new !== null && c.old.carrierId === c.new.carrierId, technology: c.technology }));
  return { deltas, regions };
}
