import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { findCrs, type CrsDefinition } from '@registry/shared/crs/crs';
import {
  IMPORT_ASSET_SPECS,
  OPENCELLID_COLUMNS,
  OPENCELLID_DEFAULTS,
  OPENCELLID_MCC,
  type CreateImportFields,
  type ImportAssetSpec,
  type ImportFormat,
  type ImportJob,
  type ImportRowsQuery,
} from '@registry/shared/schemas/imports';
import type { ImportStatus } from '@registry/shared/enums';
import type { Locale } from '@registry/shared/messages';
import type { RequestContext } from '../../context';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../../errors';
import type { RegistryEvents } from '../../lib/events';
import type { ProvinceGuard } from '../geo/province-guard';
import { createPositionTransform, suggestCrs } from './crs-transform';
import { ImportFileError, ImportTooLargeError } from './import-errors';
import {
  classifyStagedRows,
  countSitesToCreate,
  countStagedRows,
  createStagedSites,
  listStagedRows,
  nextChangeId,
  prepareDerived,
  recordImportOperation,
  resolveStagedSiteCodes,
  stagedExtent,
  stagedWriteRange,
  touchesCoverage,
  upsertStagedRows,
  type ClassifyOptions,
  type RowsPage,
} from './imports.queries';
import { createOpenCellIdNormalizer, OPENCELLID_SPEC, openCellIdHeaders, type OpenCellIdCarrier } from './opencellid';
import { readCsvBatches } from './readers/csv-reader';
import { readGeoJsonBatches } from './readers/geojson-reader';
import { readKml, readKmz } from './readers/kml-reader';
import { crsFromPrj, readShapefileZip } from './readers/shapefile-reader';
import type { RawRecord, ReaderMeta } from './readers/types';
import { createRowNormalizer, type StagedRow } from './row-normalizer';

export interface ImportLimits {
  /** Largest file, bytes (refused with 413 as soon as it is passed). */
  maxBytes: number;
  /** Most rows in one file (refused with 413 as soon as it is passed). */
  maxRows: number;
}

export interface ImportsServiceDeps {
  pool: pg.Pool;
  events: RegistryEvents;
  provinceGuard: ProvinceGuard;
  limits: ImportLimits;
  /** Full coverage recompute, once per committed import (coverage engine). */
  recomputeCoverage?: (pool: pg.Pool, options: { onProgress?: (done: number, total: number) => void }) => Promise<void>;
  /** Progress is written to the job row at most this often, ms. */
  progressIntervalMs?: number;
  /** A commit writes this many file rows per statement and reports rows_written after each (default 10,000). */
  commitBatchRows?: number;
  /** A running job's heartbeat is written this often, ms. */
  heartbeatMs?: number;
  /** A job 'validating' or 'committing' without a heartbeat for this long was left by a process that stopped, ms. */
  staleAfterMs?: number;
  /**
   * Told how long each phase of a job took, ms (bench:import prints them): 'read' (the reader: upload,
   * decoding, parsing), 'rows' (the per-row checks and COPY lines), 'copy' (waiting for PostgreSQL to take
   * the COPY), 'checks' (the dry run's set-based half), then at commit 'recheck', 'derive', 'write',
   * 'log', 'finish' and 'coverage'.
   */
  onPhase?: (jobId: string, phase: string, ms: number) => void;
}

export interface Upload {
  filename: string | null;
  /** The file's bytes as they arrive; never collected whole for CSV, GeoJSON and KML. */
  stream: AsyncIterable<Buffer>;
}

interface JobRow {
  id: string;
  user_id: number | null;
  carrier_id: number | null;
  default_carrier_id: number | null;
  asset_type: string;
  format: string;
  crs: string;
  filename: string | null;
  status: ImportStatus;
  rows_read: number;
  rows_valid: number;
  rows_written: number;
  error_count: number;
  summary: { actions?: Record<string, number>; warnings?: { reason: string; message: string }[]; locale?: Locale } | null;
  message: string | null;
  operation_id: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/**
 * Settings for the set-based statements of one import. JIT compilation costs
 * a fixed 100–300 ms per statement on this machine and the planner's cost
 * estimates for the staging joins are high enough to trigger it, for
 * statements that run in well under a second without it. work_mem: at the
 * 4 MB default the hash of 100k staged rows went to disk in 4 batches and the
 * dry run's window over keys sorted by a 16 MB external merge. No merge
 * joins: matching staged rows to their objects, the planner's estimates
 * sometimes chose a merge join that sorted 100k codes by the locale's
 * collation first (1.1-1.5 s under EXPLAIN at load 6-7) over a hash join
 * (~0.15 s); nothing these statements join is presorted.
 */
const SET_LOCAL_FOR_BULK = `SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; SET LOCAL enable_mergejoin = off`;

/** COPY text the reader may run ahead of PostgreSQL by (memory bound: this plus one chunk). */
const COPY_AHEAD_BYTES = 16 * 1024 * 1024;

/** OpenCelliD cells name sites the commit creates: their site reference is neither resolved as unknown nor required. */
const OPENCELLID_CLASSIFY: ClassifyOptions = { skipRefs: true, optional: ['site_id'] };

/** Asset types that touch what coverage is computed from. */
const COVERAGE_TYPES = new Set(['sites', 'sectors', 'access-points', 'fibre-routes', 'villages', 'locations']);

export function formatFromFilename(filename: string | null): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  switch (ext) {
    case 'geojson':
    case 'json':
      return 'geojson';
    case 'csv':
    case 'txt':
      return 'csv';
    case 'kml':
      return 'kml';
    case 'kmz':
      return 'kmz';
    case 'zip':
      return 'shapefile';
    default:
      return null;
  }
}

function toJob(row: JobRow): ImportJob {
  return {
    id: row.id,
    assetType: row.asset_type,
    format: row.format,
    crs: row.crs,
    filename: row.filename,
    status: row.status,
    rowsRead: row.rows_read,
    rowsValid: row.rows_valid,
    rowsWritten: row.rows_written,
    errorCount: row.error_count,
    actions: row.summary?.actions ?? {},
    warnings: row.summary?.warnings ?? [],
    message: row.message,
    operationId: row.operation_id,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  // Most values need no escaping: test once rather than replace four times.
  return COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

/** Groups a record stream into arrays, for readers that produce one record at a time. */
async function* batched(source: AsyncIterable<RawRecord>, size = 1000): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = [];
  for await (const record of source) {
    batch.push(record);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Counts bytes as they pass and refuses the upload as soon as it is over the limit. */
async function* limitBytes(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw new ImportTooLargeError('bytes', maxBytes);
      yield chunk;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new ImportTooLargeError('bytes', maxBytes);
    throw error;
  }
}

async function collect(source: AsyncIterable<Buffer>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Bulk import jobs. start() streams the file through a reader and the row
 * checks into the staging table by COPY (the 413 limits apply while it
 * streams), then the set-based half of the dry run runs as the job. commit()
 * applies every row in one transaction or none.
 */
export function createImportsService(deps: ImportsServiceDeps) {
  const { pool, limits } = deps;
  const progressMs = deps.progressIntervalMs ?? 250;
  const commitBatchRows = Math.max(1, deps.commitBatchRows ?? 10_000);
  const heartbeatMs = deps.heartbeatMs ?? 10_000;
  const staleAfterMs = deps.staleAfterMs ?? 120_000;
  const running = new Map<string, Promise<void>>();
  let lastSweep = 0;
  const onPhase = deps.onPhase;
  /** Reports the time since the last call for this job under `phase`. */
  const phaseClock = (jobId: string) => {
    let last = performance.now();
    return (phase: string) => {
      const now = performance.now();
      onPhase?.(jobId, phase, now - last);
      last = now;
    };
  };

  /**
   * Marks the job alive (summary.heartbeat) while this process works on it, so
   * that another process — or this one after a restart — can tell a job in
   * progress from one whose process stopped. Returns the stop function.
   */
  function heartbeat(jobId: string): () => void {
    const beat = () =>
      void pool
        .query(
          `UPDATE import_jobs SET summary = coalesce(summary, '{}'::jsonb) || jsonb_build_object('heartbeat', now())
            WHERE id = $1 AND status IN ('validating', 'committing')`,
          [jobId],
        )
        .catch(() => undefined);
    beat();
    const timer = setInterval(beat, heartbeatMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Jobs left 'validating' or 'committing' by a process that stopped (no
   * heartbeat for staleAfterMs, and not running here) become 'failed', and
   * their staging rows are dropped. Runs when the server starts and, at most
   * once a minute, when jobs are read. A committing job's transaction died
   * with its connection, so nothing of it was written.
   */
  async function recoverInterrupted(): Promise<number> {
    lastSweep = Date.now();
    const r = await pool.query<{ id: string }>(
      `UPDATE import_jobs SET status = 'failed', finished_at = now(),
              message = 'Interrupted: the server stopped while this import was ' || status || '; nothing was written. Upload the file again.'
        WHERE status IN ('validating', 'committing')
          AND coalesce((summary->>'heartbeat')::timestamptz, created_at) < now() - make_interval(secs => $1)
          AND NOT (id = ANY($2::uuid[]))
        RETURNING id`,
      [staleAfterMs / 1000, [...running.keys()]],
    );
    const ids = r.rows.map((row) => row.id);
    // Their staging rows, and those of finished jobs that an earlier version of this module left behind or of
    // jobs that are gone (import_rows has no foreign key: a job deleted while its COPY ran leaves its rows).
    await pool.query(
      `DELETE FROM import_rows s
        WHERE NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.id = s.job_id AND j.status NOT IN ('committed', 'cancelled', 'failed'))`,
    );
    return ids.length;
  }

  async function sweepNowAndThen(): Promise<void> {
    if (Date.now() - lastSweep > 60_000) await recoverInterrupted().catch(() => undefined);
  }

  function specOf(assetType: string): ImportAssetSpec {
    if (assetType === 'opencellid') return OPENCELLID_SPEC;
    const spec = IMPORT_ASSET_SPECS[assetType as ImportAssetSpec['type']];
    if (!spec) throw new ValidationError([{ path: 'assetType', reason: 'invalid_value', message: `Unknown asset type: ${assetType}` }]);
    return spec;
  }

  /** OpenCelliD: MNC → carrier, from carriers.mobile_network_codes (the first carrier listing an MNC wins). */
  async function carriersByMnc(): Promise<Map<string, OpenCellIdCarrier>> {
    const r = await pool.query<{ id: number; code: string; mnc: string }>(
      'SELECT id, code, unnest(mobile_network_codes) AS mnc FROM carriers ORDER BY id',
    );
    const out = new Map<string, OpenCellIdCarrier>();
    for (const row of r.rows) if (!out.has(row.mnc.padStart(2, '0'))) out.set(row.mnc.padStart(2, '0'), { id: row.id, code: row.code });
    return out;
  }

  /**
   * The importable asset types as GET /api/imports/asset-types lists them:
   * every registry type, then OpenCelliD's cell CSV with its columns and the
   * MNC → carrier table it is read with (MCC 452; from carriers.mobile_network_codes).
   */
  async function assetTypes(): Promise<Record<string, unknown>[]> {
    const mnc = await carriersByMnc();
    const required = new Set(['radio', 'mcc', 'net', 'area', 'cell', 'lon', 'lat']);
    return [
      ...Object.values(IMPORT_ASSET_SPECS).map((s) => ({ ...s, formats: ['geojson', 'csv', 'kml', 'kmz', 'shapefile'] })),
      {
        type: 'opencellid',
        layer: OPENCELLID_SPEC.layer,
        objectType: OPENCELLID_SPEC.objectType,
        // Positions come in the lon and lat columns listed below.
        geometry: 'none',
        carrierOwned: false,
        roles: OPENCELLID_SPEC.roles,
        formats: ['csv'],
        fields: OPENCELLID_COLUMNS.map((name) => ({ name, type: 'text', aliases: [], ...(required.has(name) ? { required: true } : {}) })),
        mcc: OPENCELLID_MCC,
        mobileNetworkCodes: [...mnc].sort(([a], [b]) => a.localeCompare(b)).map(([code, carrier]) => ({ mnc: code, carrier: carrier.code })),
      },
    ];
  }

  function assertMayImport(ctx: RequestContext, spec: ImportAssetSpec): void {
    const actor = ctx.actor;
    if (actor.kind !== 'user') throw new UnauthenticatedError();
    if (actor.role === 'admin') return;
    if (actor.role === 'carrier' && spec.roles.includes('carrier') && actor.carrierId !== null) return;
    if (actor.role === 'planner' && spec.roles.includes('planner')) return;
    throw new ForbiddenError(`Your role may not import ${spec.type}`);
  }

  async function loadJob(id: string): Promise<JobRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('Import', id);
    const r = await pool.query<JobRow>('SELECT * FROM import_jobs WHERE id = $1', [id]);
    if (!r.rows[0]) throw new NotFoundError('Import', id);
    return r.rows[0];
  }

  /** The uploader, an admin, a planner, or a user of the same carrier may see a job; only the uploader or an admin may act on it. */
  function assertCanSee(ctx: RequestContext, job: JobRow, act = false): void {
    const actor = ctx.actor;
    if (actor.kind !== 'user') throw new UnauthenticatedError();
    if (actor.role === 'admin' || job.user_id === actor.userId) return;
    if (!act && (actor.role === 'planner' || (actor.role === 'carrier' && actor.carrierId !== null && actor.carrierId === job.carrier_id))) return;
    throw new NotFoundError('Import', job.id);
  }

  async function carrierMap(): Promise<Map<string, number>> {
    const r = await pool.query<{ id: number; code: string }>('SELECT id, code FROM carriers');
    return new Map(r.rows.map((c) => [c.code.toLowerCase(), c.id]));
  }

  /** Code → id maps for the small reference tables an asset type names. */
  async function lookupsFor(spec: ImportAssetSpec): Promise<Partial<Record<string, Map<string, number | string>>>> {
    const out: Partial<Record<string, Map<string, number | string>>> = {};
    const units = async () => {
      // The unit in force for a code, or else its latest version.
      const r = await pool.query<{ id: number; code: string }>(
        `SELECT DISTINCT ON (code) id, code FROM admin_units ORDER BY code, (valid_to IS NULL) DESC, valid_from DESC`,
      );
      return new Map<string, number | string>(r.rows.map((u) => [u.code.toLowerCase(), u.id]));
    };
    if (spec.type === 'villages') out.commune_code = await units();
    if (spec.type === 'kpi-observations') {
      out.admin_unit_code = await units();
      const r = await pool.query<{ code: string }>('SELECT code FROM kpi_indicators');
      out.indicator_code = new Map(r.rows.map((i) => [i.code.toLowerCase(), i.code]));
    }
    if (spec.type === 'locations') {
      const r = await pool.query<{ id: number; code: string }>('SELECT id, code FROM villages');
      out.village_code = new Map(r.rows.map((v) => [v.code.toLowerCase(), v.id]));
    }
    return out;
  }

  /** The file's records in batches (one await per batch rather than per record). */
  function recordsOf(format: ImportFormat, source: AsyncIterable<Buffer>, meta: ReaderMeta, openCellId: boolean): AsyncIterable<RawRecord[]> {
    switch (format) {
      case 'csv':
        return readCsvBatches(source, meta, openCellId ? openCellIdHeaders : undefined);
      case 'geojson':
        return readGeoJsonBatches(source);
      case 'kml':
        meta.forcedCrs = 'EPSG:4326';
        return batched(readKml(source));
      case 'kmz':
        meta.forcedCrs = 'EPSG:4326';
        return batched(
          (async function* () {
            yield* readKmz(await collect(source), limits.maxBytes * 10);
          })(),
        );
      case 'shapefile':
        return batched(
          (async function* () {
            const shp = readShapefileZip(await collect(source), limits.maxBytes * 10);
            // The .prj states the file's CRS: it is applied (a WGS84 one without transform), and an unknown one is refused.
            if (shp.prj) {
              const own = crsFromPrj(shp.prj);
              if (own.code === 'EPSG:4326') meta.forcedCrs = own.code;
              else meta.fileCrs = own.code;
            }
            yield* shp.records;
          })(),
        );
    }
  }

  /** Staging rows are scratch: dropped once a job is committed, cancelled or failed. */
  async function purgeRows(jobId: string): Promise<void> {
    await pool.query('DELETE FROM import_rows WHERE job_id = $1', [jobId]).catch(() => undefined);
  }

  async function setStatus(id: string, status: ImportStatus, fields: Record<string, unknown> = {}, onlyFrom?: ImportStatus[]): Promise<boolean> {
    const sets = ['status = $2'];
    const values: unknown[] = [id, status];
    for (const [column, value] of Object.entries(fields)) {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    }
    if (['validated', 'committed', 'failed', 'cancelled'].includes(status)) sets.push('finished_at = now()');
    let where = 'id = $1';
    if (onlyFrom) {
      values.push(onlyFrom);
      where += ` AND status = ANY($${values.length}::text[])`;
    }
    const r = await pool.query(`UPDATE import_jobs SET ${sets.join(', ')} WHERE ${where}`, values);
    return (r.rowCount ?? 0) > 0;
  }

  /**
   * Reads the upload into the staging table. Returns when the whole file is
   * staged; the rest of the dry run continues as the job (see validate()).
   */
  async function start(ctx: RequestContext, fields: CreateImportFields, upload: Upload): Promise<ImportJob> {
    const spec = specOf(fields.assetType);
    assertMayImport(ctx, spec);
    const actor = ctx.actor;
    if (actor.kind !== 'user') throw new UnauthenticatedError();
    const crs: CrsDefinition | undefined = findCrs(fields.crs);
    if (!crs) throw new ValidationError([{ path: 'crs', reason: 'invalid_value', message: `Unknown CRS ${fields.crs}; see GET /api/imports/crs` }]);
    const format = fields.format ?? formatFromFilename(upload.filename);
    if (!format) throw new ValidationError([{ path: 'format', reason: 'required', message: 'Give format (geojson, csv, kml, kmz, shapefile) or a file name with its extension' }]);
    const openCellId = fields.assetType === 'opencellid';
    if (openCellId && format !== 'csv') throw new ValidationError([{ path: 'format', reason: 'invalid_value', message: 'OpenCelliD cells come as CSV (cell_towers.csv or a per-country file)' }]);

    const carriers = await carrierMap();
    const ownCarrierId = actor.role === 'carrier' ? actor.carrierId : null;
    let defaultCarrierCode: string | null = null;
    let defaultCarrierId: number | null = null;
    if (ownCarrierId !== null) {
      defaultCarrierCode = [...carriers].find(([, id]) => id === ownCarrierId)?.[0] ?? null;
      defaultCarrierId = ownCarrierId;
    } else if (fields.carrier) {
      defaultCarrierId = carriers.get(fields.carrier.toLowerCase()) ?? null;
      if (defaultCarrierId === null) throw new ValidationError([{ path: 'carrier', reason: 'unknown_reference', message: `Unknown carrier ${fields.carrier}` }]);
      defaultCarrierCode = fields.carrier;
    }

    const inserted = await pool.query<JobRow>(
      `INSERT INTO import_jobs (user_id, carrier_id, default_carrier_id, asset_type, format, crs, filename, status, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'validating', $8) RETURNING *`,
      [actor.userId > 0 ? actor.userId : null, ownCarrierId, defaultCarrierId, openCellId ? 'opencellid' : spec.type, format, crs.code, upload.filename, { locale: ctx.locale }],
    );
    const job = inserted.rows[0]!;

    const meta: ReaderMeta = { decimalComma: false };
    const extent = await deps.provinceGuard.extent();
    if (openCellId) meta.forcedCrs = 'EPSG:4326';
    const normalizer = openCellId
      ? createOpenCellIdNormalizer({ carriersByMnc: await carriersByMnc(), ownCarrierId, extent, locale: ctx.locale })
      : createRowNormalizer({
          spec,
          meta,
          transform: createPositionTransform(crs),
          extent,
          locale: ctx.locale,
          carriers,
          defaultCarrierCode,
          ownCarrierId,
          lookups: await lookupsFor(spec),
        });

    const client = await pool.connect();
    const stopHeartbeat = heartbeat(job.id);
    let clientBroken = false;
    let rowsRead = 0;
    try {
      const copy = client.query(
        copyFrom('COPY import_rows (job_id, row_no, code, carrier_code, carrier_id, data, geom, errors, action) FROM STDIN'),
      );
      const copyDone = new Promise<void>((resolve, reject) => {
        copy.on('finish', resolve);
        copy.on('error', reject);
      });
      // Abandoning the COPY midway rejects this; the error that made us abandon it is the one reported.
      copyDone.catch(() => undefined);
      // Lines are collected and written to COPY in chunks of about a megabyte: one stream write per chunk, not per row.
      let lines: string[] = [];
      let buffered = 0;
      let lastProgress = Date.now();
      let readMs = 0;
      let rowsMs = 0;
      let copyMs = 0;
      const flush = async () => {
        if (lines.length === 0) return;
        const t = performance.now();
        copy.write(lines.join(''));
        lines = [];
        buffered = 0;
        // Wait only when PostgreSQL is well behind: parsing the next chunks while it ingests this one uses
        // both cores; waiting on every write (the stream's 16 kB mark) would take turns instead.
        if (copy.writableLength > COPY_AHEAD_BYTES) await new Promise<void>((resolve, reject) => {
          copy.once('drain', resolve);
          copy.once('error', reject);
        });
        copyMs += performance.now() - t;
      };
      const jobPrefix = `${job.id}\t`;
      // Each row is staged with the action it takes when nothing in the registry or elsewhere in the file
      // says otherwise (create, or skip when it has errors already): the set-based pass then rewrites only
      // the rows whose outcome differs, not every row of a file of new objects.
      const line = (row: StagedRow) =>
        `${jobPrefix}${row.rowNo}\t${copyValue(row.code)}\t${copyValue(row.carrierCode)}\t${copyValue(row.carrierId)}\t${copyValue(JSON.stringify(row.data))}\t${copyValue(row.ewkt)}\t${
          row.errors.length === 0 ? '[]' : copyValue(JSON.stringify(row.errors))
        }\t${row.blank ? 'skip_blank' : row.errors.length > 0 ? 'skip' : 'create'}\n`;

      let t = performance.now();
      for await (const batch of recordsOf(format, limitBytes(upload.stream, limits.maxBytes), meta, openCellId)) {
        const t1 = performance.now();
        readMs += t1 - t;
        for (const record of batch) {
          rowsRead += 1;
          if (rowsRead > limits.maxRows) throw new ImportTooLargeError('rows', limits.maxRows);
          const text = line(normalizer.normalize(record, rowsRead));
          lines.push(text);
          buffered += text.length;
        }
        rowsMs += performance.now() - t1;
        if (buffered > 1 << 20) await flush();
        if (Date.now() - lastProgress > progressMs) {
          lastProgress = Date.now();
          const r = await pool.query<{ status: string }>('UPDATE import_jobs SET rows_read = $2 WHERE id = $1 RETURNING status', [job.id, rowsRead]);
          if (r.rows[0]?.status === 'cancelled') throw new ConflictError('The import was cancelled');
        }
        t = performance.now();
      }
      await flush();
      const t2 = performance.now();
      copy.end();
      await copyDone;
      copyMs += performance.now() - t2;
      onPhase?.(job.id, 'read', readMs);
      onPhase?.(job.id, 'rows', rowsMs);
      onPhase?.(job.id, 'copy', copyMs);
    } catch (error) {
      clientBroken = true;
      const message = error instanceof Error ? error.message : String(error);
      stopHeartbeat();
      await setStatus(job.id, error instanceof ConflictError ? 'cancelled' : 'failed', { rows_read: rowsRead, message }, ['validating', 'cancelled']);
      await pool.query('DELETE FROM import_rows WHERE job_id = $1', [job.id]);
      throw error;
    } finally {
      // A client whose COPY was abandoned midway is not reused.
      client.release(clientBroken ? true : undefined);
    }

    const warnings: { reason: string; message: string }[] = [];
    const stats = normalizer.stats;
    if (stats.unknownHeaders.size > 0) {
      warnings.push({ reason: 'unknown_columns', message: `Columns ignored (not ${spec.type} fields): ${[...stats.unknownHeaders].slice(0, 30).join(', ')}` });
    }
    // The CRS the coordinates were read in: the file's own when it states one, else the chosen one.
    const stated = meta.fileCrs ?? meta.forcedCrs;
    const applied = (stated ? findCrs(stated) : undefined) ?? crs;
    if (applied.code !== crs.code) {
      warnings.push({
        reason: 'crs_ignored',
        message:
          format === 'shapefile'
            ? `The Shapefile's .prj gives ${applied.code} (${applied.name}); the chosen ${crs.code} was not applied`
            : `${format.toUpperCase()} is always WGS84 (EPSG:4326); the chosen ${crs.code} was not applied`,
      });
    }
    if (extent && stats.outsideCount > 0) {
      const fits = suggestCrs(stats.outsideSamples, applied, extent);
      if (fits.length > 0) {
        warnings.push({
          reason: 'likely_wrong_crs',
          message: `${stats.outsideCount} of ${stats.geometryCount} geometries fall outside the province in ${applied.code} (${applied.name}) but inside it in ${fits
            .slice(0, 5)
            .map((c) => `${c.code} (${c.name})`)
            .join(', ')}: check the CRS`,
        });
      }
    }
    await pool.query(`UPDATE import_jobs SET rows_read = $2, summary = summary || $3::jsonb WHERE id = $1`, [job.id, rowsRead, JSON.stringify({ warnings })]);
    const work = validate(job.id, spec, ctx.locale, openCellId).finally(() => {
      stopHeartbeat();
      running.delete(job.id);
    });
    running.set(job.id, work);
    return toJob(await loadJob(job.id));
  }

  /** The set-based half of the dry run: references, existing objects, actions. */
  async function validate(jobId: string, spec: ImportAssetSpec, locale: Locale, openCellId: boolean): Promise<void> {
    const phase = phaseClock(jobId);
    const client = await pool.connect();
    try {
      // Fresh statistics for the planner after a large COPY (autovacuum may not have run yet): the row
      // count and the columns the statements filter, join and group on. The jsonb and geometry columns'
      // statistics, which no plan here uses, were most of a full ANALYZE (2.1 s after 100k rows at load 15).
      await client.query('ANALYZE import_rows (job_id, row_no, action, carrier_id, code, target_id)');
      await client.query('BEGIN');
      await client.query(SET_LOCAL_FOR_BULK);
      if (openCellId) await resolveStagedSiteCodes(client, jobId);
      await classifyStagedRows(client, jobId, spec, locale, openCellId ? OPENCELLID_CLASSIFY : {});
      const counts = await countStagedRows(client, jobId);
      if (openCellId) counts.actions.siteCreate = await countSitesToCreate(client, jobId);
      await client.query(
        `UPDATE import_jobs SET status = 'validated', finished_at = now(), rows_valid = $2, error_count = $3,
                summary = summary || jsonb_build_object('actions', $4::jsonb)
          WHERE id = $1 AND status = 'validating'`,
        [jobId, counts.rowsValid, counts.errorCount, JSON.stringify(counts.actions)],
      );
      await client.query('COMMIT');
      phase('checks');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await setStatus(jobId, 'failed', { message: error instanceof Error ? error.message : String(error) }, ['validating']);
      await purgeRows(jobId);
    } finally {
      client.release();
    }
  }

  async function get(ctx: RequestContext, id: string, query: ImportRowsQuery): Promise<ImportJob & { rows: RowsPage }> {
    await sweepNowAndThen();
    const job = await loadJob(id);
    assertCanSee(ctx, job);
    return { ...toJob(job), rows: await listStagedRows(pool, id, query) };
  }

  async function list(ctx: RequestContext): Promise<ImportJob[]> {
    const actor = ctx.actor;
    if (actor.kind !== 'user') throw new UnauthenticatedError();
    const staff = actor.role === 'admin' || actor.role === 'planner';
    await sweepNowAndThen();
    const r = await pool.query<JobRow>(
      `SELECT * FROM import_jobs WHERE $1::boolean OR user_id = $2 OR (carrier_id IS NOT NULL AND carrier_id = $3)
        ORDER BY created_at DESC LIMIT 100`,
      [staff, actor.userId, actor.carrierId ?? -1],
    );
    return r.rows.map(toJob);
  }

  /**
   * Starts the commit of a validated job with no row errors: every row in one
   * transaction, or none. The job shows 'committing' until it is done.
   */
  async function commit(ctx: RequestContext, id: string): Promise<ImportJob> {
    const job = await loadJob(id);
    assertCanSee(ctx, job, true);
    if (job.status !== 'validated') throw new ConflictError(`The import is ${job.status}; only a validated import can be committed`, { status: job.status });
    if (job.error_count > 0) {
      throw new ConflictError(`${job.error_count} rows have errors; nothing is written until the file is fixed and uploaded again`, { errorCount: job.error_count });
    }
    const operationId = randomUUID();
    if (!(await setStatus(id, 'committing', { operation_id: operationId }, ['validated']))) throw new ConflictError('The import changed state; reload it');
    const spec = specOf(job.asset_type);
    const stopHeartbeat = heartbeat(id);
    const work = runCommit(ctx, id, spec, operationId, job.asset_type === 'opencellid').finally(() => {
      stopHeartbeat();
      running.delete(id);
    });
    running.set(id, work);
    return toJob(await loadJob(id));
  }

  async function runCommit(ctx: RequestContext, id: string, spec: ImportAssetSpec, operationId: string, openCellId: boolean): Promise<void> {
    const phase = phaseClock(id);
    const client = await pool.connect();
    let bbox: [number, number, number, number] | null = null;
    let written = 0;
    let coverageAffected = false;
    try {
      await client.query('BEGIN');
      await client.query(SET_LOCAL_FOR_BULK);
      // Actions again, against the data as it is now, inside the transaction (every action is recomputed).
      if (openCellId) await resolveStagedSiteCodes(client, id);
      await classifyStagedRows(client, id, spec, ctx.locale, { ...(openCellId ? OPENCELLID_CLASSIFY : {}), recheck: true });
      const counts = await countStagedRows(client, id);
      if (counts.errorCount > 0) {
        await client.query('ROLLBACK');
        await setStatus(id, 'failed', { message: `${counts.errorCount} rows no longer pass (the registry changed since the dry run); nothing was written` });
        await purgeRows(id);
        return;
      }
      phase('recheck');
      let sitesCreated = 0;
      // Derived columns' look-ups for the whole file (OpenCelliD creates sites: theirs too), then the
      // operation's change-log row id, which every object's item names.
      if (openCellId) await prepareDerived(client, id, IMPORT_ASSET_SPECS.sites);
      else await prepareDerived(client, id, spec);
      const changeId = await nextChangeId(client);
      phase('derive');
      if (openCellId) {
        // The position groups that are no site yet become sites first; the cells then name them by id.
        sitesCreated = await createStagedSites(client, id, changeId, {
          structureType: OPENCELLID_DEFAULTS.structureType,
          heightM: OPENCELLID_DEFAULTS.siteHeightM,
          syntheticMethod: OPENCELLID_DEFAULTS.sourceMethod,
        });
        await resolveStagedSiteCodes(client, id);
        counts.actions.siteCreate = sitesCreated;
      }
      // Written in ranges of row numbers, all in this one transaction; rows_written is reported after each
      // range from another connection, so that the job shows the commit advancing while it runs.
      written = sitesCreated;
      const range = await stagedWriteRange(client, id);
      // A batch statement over no rows still scans the batch's staged rows: left out when the job has none of its kind.
      const has = { creates: (counts.actions.create ?? 0) > 0, updates: (counts.actions.update ?? 0) > 0 };
      for (let from = range?.from ?? 1; range && from <= range.to; from += commitBatchRows) {
        const result = await upsertStagedRows(client, id, spec, changeId, { from, to: Math.min(from + commitBatchRows - 1, range.to) }, has);
        written += result.created + result.updated;
        await pool.query('UPDATE import_jobs SET rows_written = $2 WHERE id = $1', [id, written]);
      }
      phase('write');
      const job = await loadJob(id);
      // The import as one change-log operation; its objects are the items written above.
      await recordImportOperation(client, ctx, {
        id: changeId,
        operationId,
        jobId: id,
        after: { assetType: job.asset_type, objectType: spec.objectType, format: job.format, crs: job.crs, filename: job.filename, rowsWritten: written, actions: counts.actions },
      });
      phase('log');
      bbox = await stagedExtent(client, id, spec);
      coverageAffected = openCellId || (COVERAGE_TYPES.has(spec.type) && written > 0 && (await touchesCoverage(client, id, spec)));
      await client.query(
        `UPDATE import_jobs SET status = 'committed', finished_at = now(), rows_written = $2,
                summary = summary || jsonb_build_object('actions', $3::jsonb) WHERE id = $1`,
        [id, written, JSON.stringify(counts.actions)],
      );
      // The staging rows go with the commit (and stay if it rolls back).
      await client.query('DELETE FROM import_rows WHERE job_id = $1', [id]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
      await setStatus(id, 'failed', { message: `Nothing was written: ${message}` });
      await purgeRows(id);
      return;
    } finally {
      client.release();
    }
    phase('finish');
    if (written === 0) return;
    deps.events.emit('assets-changed', { layers: openCellId ? ['sites', spec.layer] : [spec.layer], bboxes: bbox ? [bbox] : [] });
    // Coverage once for the whole import, not per row; not at all when nothing it is computed from changed.
    if (!coverageAffected) {
      await pool.query(`UPDATE import_jobs SET summary = summary || '{"coverage": {"status": "unaffected"}}'::jsonb WHERE id = $1`, [id]);
    } else if (deps.recomputeCoverage) {
      try {
        await deps.recomputeCoverage(pool, {
          onProgress: (done, total) => {
            void pool.query(`UPDATE import_jobs SET summary = summary || jsonb_build_object('coverage', jsonb_build_object('done', $2::int, 'total', $3::int)) WHERE id = $1`, [id, done, total]);
          },
        });
        await pool.query(`UPDATE import_jobs SET summary = summary || '{"coverage": {"status": "done"}}'::jsonb WHERE id = $1`, [id]);
        deps.events.emit('assets-changed', { layers: ['sectors', 'village-coverage'], bboxes: [] });
      } catch (error) {
        await pool.query(`UPDATE import_jobs SET message = $2 WHERE id = $1`, [id, `Committed; the coverage recompute failed: ${(error as Error).message}`]);
      }
    }
    phase('coverage');
  }

  /** Cancels a job before its commit; its staged rows are dropped. */
  async function cancel(ctx: RequestContext, id: string): Promise<ImportJob> {
    const job = await loadJob(id);
    assertCanSee(ctx, job, true);
    if (!(await setStatus(id, 'cancelled', {}, ['pending', 'validating', 'validated']))) {
      throw new ConflictError(`The import is ${job.status}; it can be cancelled only before its commit`, { status: job.status });
    }
    await pool.query('DELETE FROM import_rows WHERE job_id = $1', [id]);
    return toJob(await loadJob(id));
  }

  /** Resolves when the job's background work (dry run or commit) is over; for tests and scripts. */
  async function settled(id: string): Promise<ImportJob> {
    await running.get(id);
    return toJob(await loadJob(id));
  }

  return { start, get, list, commit, cancel, settled, recoverInterrupted, assetTypes };
}

export type ImportsService = ReturnType<typeof createImportsService>;
export { ImportFileError };
