import type pg from 'pg';
import type { ImportAssetSpec, ImportRowsQuery } from '@registry/shared/schemas/imports';
import { reasonMessage, type Locale } from '@registry/shared/messages';
import type { RequestContext } from '../../context';
import { keyMatch, keyPartition, TABLES, writableColumns, type TableSpec } from './imports.tables';

type Queryable = Pick<pg.PoolClient, 'query'>;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function literal(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replace(/'/g, "''")}'`;
}

const errorJson = (path: string, reason: string, messageSql: string) =>
  `jsonb_build_object('path', '${path}', 'reason', '${reason}', 'message', ${messageSql})`;

interface TableColumn {
  name: string;
  isGeometry: boolean;
}
const columnCache = new Map<string, TableColumn[]>();

/** A table's columns, read from the catalog once per process. */
async function columnsOf(client: Queryable, table: string): Promise<TableColumn[]> {
  let columns = columnCache.get(table);
  if (!columns) {
    const r = await client.query<{ name: string; udt: string }>(
      `SELECT column_name AS name, udt_name AS udt FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    columns = r.rows.map((c) => ({ name: c.name, isGeometry: c.udt === 'geometry' }));
    columnCache.set(table, columns);
  }
  return columns;
}

const sequenceCache = new Map<string, string>();

/**
 * The sequence of a table's id column, looked up once per process: called
 * per row, pg_get_serial_sequence resolved the name every time (~0.5 s of a
 * 20k-row insert at load 16).
 */
async function idSequenceOf(client: Queryable, table: string): Promise<string> {
  let name = sequenceCache.get(table);
  if (!name) {
    const r = await client.query<{ s: string }>(`SELECT pg_get_serial_sequence($1, 'id') AS s`, [table]);
    name = r.rows[0]!.s;
    sequenceCache.set(table, name);
  }
  return name;
}

/**
 * The object as the change log keeps it: every column, geometries as GeoJSON,
 * derived footprints left out. Built from the listed columns rather than
 * to_jsonb(row): to_jsonb goes through PostGIS's geometry→json cast per row,
 * about 0.2 ms a row here, which made the change log most of a commit's time.
 */
function logJson(alias: string, columns: TableColumn[]): string {
  const pairs = columns
    .filter((c) => c.name !== 'footprint')
    .map((c) => `'${c.name}', ${c.isGeometry ? `ST_AsGeoJSON(${alias}.${ident(c.name)})::jsonb` : `${alias}.${ident(c.name)}`}`);
  // jsonb_build_object takes at most 100 arguments: 40 pairs per call.
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += 40) parts.push(`jsonb_build_object(${pairs.slice(i, i + 40).join(', ')})`);
  return parts.length === 0 ? `'{}'::jsonb` : `(${parts.join(' || ')})`;
}

/**
 * The dry run's set-based half, over the rows already staged by COPY:
 * resolves references to large tables, finds the object each row would
 * update, flags duplicate keys within the file and invalid geometries, and
 * decides each row's action. Run again inside the commit's transaction so the
 * actions match the data as it is then.
 */
export interface ClassifyOptions {
  /** References resolved elsewhere (OpenCelliD: sites the commit creates); not flagged unknown. */
  skipRefs?: boolean;
  /** Columns not required on create although the spec requires them. */
  optional?: readonly string[];
  /**
   * The run inside a commit, over rows the dry run passed: what depends only on the file (a key twice in
   * it, an invalid geometry) cannot have changed since, so the window over keys and the validity test are
   * left out; references, targets and "unchanged" are decided again against the data as it is now.
   */
  recheck?: boolean;
}

export async function classifyStagedRows(client: Queryable, jobId: string, spec: ImportAssetSpec, locale: Locale, options: ClassifyOptions = {}): Promise<void> {
  const table = TABLES[spec.type];
  const refs = options.skipRefs ? [] : table.sqlRefs;
  // The re-check of a file that only creates objects and names no large table: its outcome changes only if an
  // object with one of its keys has appeared since the dry run (a reference or a target is all the re-check
  // recomputes, and the columns required of a new object are the file's). One semi-join answers that; only
  // then is every row classified again (100k new sites: 0.2 s against 1.2 s under EXPLAIN at load 5-7).
  if (options.recheck && refs.length === 0) {
    const r = await client.query<{ others: boolean; taken: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM import_rows s WHERE s.job_id = $1 AND s.action IS DISTINCT FROM 'create' AND s.action IS DISTINCT FROM 'skip_blank') AS others,
              EXISTS (SELECT 1 FROM import_rows s JOIN ${table.table} t ON ${keyMatch(table)} WHERE s.job_id = $1 AND s.action = 'create') AS taken`,
      [jobId],
    );
    if (!r.rows[0]!.others && !r.rows[0]!.taken) return;
  }
  for (const ref of refs) {
    const sameCarrier = ref.sameCarrier ? 'AND x.owner_carrier_id = s2.carrier_id' : '';
    await client.query(
      `UPDATE import_rows s SET
          data = CASE WHEN m.id IS NULL THEN s.data ELSE (s.data - '${ref.column}') || jsonb_build_object('${ref.idColumn}', m.id) END,
          errors = CASE WHEN m.id IS NULL THEN s.errors || jsonb_build_array(${errorJson(ref.column, 'unknown_reference', `$2::text || ': ' || (s.data->>'${ref.column}')`)}) ELSE s.errors END
        FROM (SELECT s2.row_no,
                     (SELECT x.id FROM ${ref.table} x WHERE x.code = s2.data->>'${ref.column}' ${sameCarrier}
                       ORDER BY (x.owner_carrier_id = s2.carrier_id) DESC, x.id LIMIT 1) AS id
                FROM import_rows s2 WHERE s2.job_id = $1 AND s2.data ? '${ref.column}') m
       WHERE s.job_id = $1 AND s.row_no = m.row_no`,
      [jobId, reasonMessage('unknown_reference', locale)],
    );
  }

  const required = spec.fields
    .filter((f) => f.required)
    .map((f) => writableName(f.name))
    .filter((c) => !options.optional?.includes(c));
  // "Unchanged": every column the row gives equals the stored one. Compared column by column through
  // jsonb_populate_record rather than to_jsonb(t) @> s.data, which pays PostGIS's json cast per row.
  const sameColumns = writableColumns(spec)
    .map((c) => `AND (NOT s.data ? ${literal(c)} OR r.${ident(c)} IS NOT DISTINCT FROM t.${ident(c)})`)
    .join(' ');
  const geomSame = table.geomColumn ? `AND (s.geom IS NULL OR ST_HausdorffDistance(t.${table.geomColumn}, s.geom) < 1e-7)` : '';
  const invalid = table.geomColumn && !options.recheck ? `CASE WHEN s.geom IS NOT NULL AND NOT ST_IsValid(s.geom) THEN ST_IsValidReason(s.geom) END` : 'NULL::text';
  // Required columns, checked for rows that create: one CASE per column rather than a subquery per row.
  const missing = required.map(
    (f) => `|| CASE WHEN k.target_id IS NULL AND NOT k.data ? ${literal(f)} THEN jsonb_build_array(${errorJson(f, 'required', '$4::text')}) ELSE '[]'::jsonb END`,
  );
  // One pass over the job's rows: the stored object each would write (hash join on the key), duplicates
  // within the file (window), geometry validity, then the action. Rows are matched back by primary key,
  // and only rows whose outcome changed are written: at commit, when the registry has not moved since
  // the dry run, that is none, and the pass only reads.
  await client.query(
    `UPDATE import_rows s SET target_id = e.target_id, errors = e.errors, action = e.action
       FROM (
         SELECT f.row_no, f.target_id, f.errors,
                CASE WHEN jsonb_array_length(f.errors) > 0 THEN 'skip'
                     WHEN f.target_id IS NULL THEN 'create'
                     WHEN f.same THEN 'unchanged'
                     ELSE 'update' END AS action
           FROM (
         SELECT k.row_no, k.target_id, k.same,
                k.errors
                || CASE WHEN k.nth > 1 THEN jsonb_build_array(${errorJson('code', 'duplicate', `$2::text`)}) ELSE '[]'::jsonb END
                || CASE WHEN k.invalid_reason IS NOT NULL THEN jsonb_build_array(${errorJson('geometry', 'invalid_geometry', `$3::text || ': ' || k.invalid_reason`)}) ELSE '[]'::jsonb END
                ${missing.join('\n                ')} AS errors
           FROM (
             SELECT s.row_no, s.data, s.errors, t.id AS target_id,
                    ${options.recheck ? '1' : `row_number() OVER (PARTITION BY ${keyPartition(table)} ORDER BY s.row_no)`} AS nth,
                    ${invalid} AS invalid_reason,
                    (t.id IS NOT NULL ${sameColumns} ${geomSame}) AS same
               FROM import_rows s LEFT JOIN ${table.table} t ON ${keyMatch(table)}
                    -- The row's values typed as the table's, only where they are compared: rows that update an
                    -- object (a new object has nothing to be "unchanged" from; casting every row of a file of new
                    -- objects was ~40 % of this statement), and not rows already in error (a bad value would
                    -- fail the cast). Elsewhere r is all nulls.
                    -- (OFFSET 0 keeps the subquery from being flattened into a join filter, which would cast every
                    -- row anyway: as it is, the condition gates the call.)
                    LEFT JOIN LATERAL (SELECT * FROM jsonb_populate_record(NULL::${table.table}, s.data)
                                        WHERE t.id IS NOT NULL AND s.errors = '[]'::jsonb OFFSET 0) r ON true
              WHERE s.job_id = $1 AND s.action IS DISTINCT FROM 'skip_blank'
           ) k
           ) f
       ) e
      WHERE s.job_id = $1 AND s.row_no = e.row_no
        AND (s.action IS DISTINCT FROM e.action OR s.target_id IS DISTINCT FROM e.target_id OR s.errors IS DISTINCT FROM e.errors)`,
    [jobId, reasonMessage('duplicate', locale), reasonMessage('invalid_geometry', locale), reasonMessage('required', locale)],
  );
}

function writableName(name: string): string {
  return writableColumns({ fields: [{ name, type: 'text', aliases: [] }] } as unknown as ImportAssetSpec)[0]!;
}

/** Staged rows naming a site by code (OpenCelliD) get the id of that site of their carrier, where it exists. */
export async function resolveStagedSiteCodes(client: Queryable, jobId: string): Promise<void> {
  await client.query(
    `UPDATE import_rows s SET data = (s.data - 'site_code') || jsonb_build_object('site_id', t.id)
       FROM sites t
      WHERE s.job_id = $1 AND s.data ? 'site_code' AND t.owner_carrier_id = s.carrier_id AND t.code = s.data->>'site_code'`,
    [jobId],
  );
}

/** Sites the staged rows name by code and that do not exist yet, by carrier and code. */
export async function countSitesToCreate(client: Queryable, jobId: string): Promise<number> {
  const r = await client.query<{ n: number }>(
    `SELECT count(DISTINCT (carrier_id, data->>'site_code'))::int AS n FROM import_rows
      WHERE job_id = $1 AND action IN ('create', 'update') AND data ? 'site_code'`,
    [jobId],
  );
  return r.rows[0]?.n ?? 0;
}

export interface StagedSiteDefaults {
  structureType: string;
  heightM: number;
  syntheticMethod: string;
}

/**
 * Creates the sites that staged rows name by code and that do not exist yet
 * (OpenCelliD's position groups), at the staged position of the group's first
 * row, with their change-log items (under the operation's row changeId) and
 * the owner's tenancy. Call inside the commit's transaction, after
 * prepareDerived, before the sectors are written.
 */
export async function createStagedSites(client: Queryable, jobId: string, changeId: number, defaults: StagedSiteDefaults): Promise<number> {
  const sites = TABLES.sites;
  const r = await client.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO sites (owner_carrier_id, code, geom, structure_type, height_m, synthetic, synthetic_method, village_id, admin_unit_id)
       SELECT DISTINCT ON (s.carrier_id, s.data->>'site_code')
              s.carrier_id, s.data->>'site_code', s.geom, $3, $4, true, $5, dv.id, dv.commune_id
         FROM import_rows s ${sites.derivedJoin ?? ''}
        WHERE s.job_id = $1 AND s.action IN ('create', 'update') AND s.data ? 'site_code' AND s.geom IS NOT NULL
        ORDER BY s.carrier_id, s.data->>'site_code', s.row_no
       ON CONFLICT (owner_carrier_id, code) DO NOTHING
       RETURNING id, owner_carrier_id, code, structure_type, height_m, synthetic, synthetic_method, geom
     ), log AS (
       INSERT INTO change_log_items (change_id, object_type, object_id, after, geom)
       SELECT $2, 'site', ins.id::text,
              jsonb_build_object('code', ins.code, 'owner_carrier_id', ins.owner_carrier_id, 'structure_type', ins.structure_type,
                                 'height_m', ins.height_m, 'synthetic', ins.synthetic, 'synthetic_method', ins.synthetic_method),
              ins.geom
         FROM ins
     ), tenancy AS (
       INSERT INTO site_tenancies (site_id, carrier_id) SELECT ins.id, ins.owner_carrier_id FROM ins
     )
     SELECT count(*)::int AS n FROM ins`,
    [jobId, changeId, defaults.structureType, defaults.heightM, defaults.syntheticMethod],
  );
  return r.rows[0]?.n ?? 0;
}

export interface JobCounts {
  actions: Record<string, number>;
  rowsValid: number;
  errorCount: number;
}

export async function countStagedRows(client: Queryable, jobId: string): Promise<JobCounts> {
  const r = await client.query<{ action: string; n: number; bad: number }>(
    `SELECT action, count(*)::int AS n, count(*) FILTER (WHERE jsonb_array_length(errors) > 0)::int AS bad
       FROM import_rows WHERE job_id = $1 GROUP BY action`,
    [jobId],
  );
  const actions: Record<string, number> = { create: 0, update: 0, unchanged: 0, skip: 0 };
  let errorCount = 0;
  let rowsValid = 0;
  for (const row of r.rows) {
    const action = row.action === 'skip_blank' ? 'skip' : row.action;
    actions[action] = (actions[action] ?? 0) + row.n;
    errorCount += row.bad;
    if (row.action !== 'skip' && row.action !== 'skip_blank') rowsValid += row.n;
  }
  return { actions, rowsValid, errorCount };
}

export interface CommitResult {
  created: number;
  updated: number;
}

/** Staged rows by file row number, both ends included: one batch of a commit. */
export interface RowRange {
  from: number;
  to: number;
}

/** The first and last row numbers of the rows a commit writes, or null when it writes none. */
export async function stagedWriteRange(client: Queryable, jobId: string): Promise<RowRange | null> {
  const r = await client.query<{ lo: number | null; hi: number | null }>(
    `SELECT min(row_no) AS lo, max(row_no) AS hi FROM import_rows WHERE job_id = $1 AND action IN ('create', 'update')`,
    [jobId],
  );
  const row = r.rows[0];
  return row && row.lo !== null && row.hi !== null ? { from: row.lo, to: row.hi } : null;
}

/**
 * Fills what the table's derived columns read (TableSpec.prepare), once per
 * commit, in its transaction.
 */
export async function prepareDerived(client: Queryable, jobId: string, spec: ImportAssetSpec): Promise<void> {
  // Utility statements (CREATE TABLE AS) take no bind parameters: the job id, a uuid, goes in as a literal.
  if (!/^[0-9a-f-]{36}$/i.test(jobId)) throw new Error(`not a job id: ${jobId}`);
  for (const statement of TABLES[spec.type].prepare ?? []) await client.query(statement.replaceAll('$1', `'${jobId}'::uuid`));
}

/**
 * The change-log row of an import commit: who, when, the operation id, and
 * in `after` what the import was (asset type, file, counts). The objects it
 * wrote are change_log_items under this row's id (see the schema), which the
 * caller draws first with nextChangeId so that the items can name it.
 */
export async function nextChangeId(client: Queryable): Promise<number> {
  const r = await client.query<{ id: string }>(`SELECT nextval('change_log_id_seq') AS id`);
  return Number(r.rows[0]!.id);
}

export async function recordImportOperation(
  client: Queryable,
  ctx: RequestContext,
  change: { id: number; operationId: string; jobId: string; after: Record<string, unknown> },
): Promise<void> {
  const actor = ctx.actor;
  await client.query(
    `INSERT INTO change_log (id, user_id, username, request_id, operation_id, object_type, object_id, action, after)
     VALUES ($1, $2, $3, $4, $5, 'import', $6, 'import', $7)`,
    [
      change.id,
      actor.kind === 'user' && actor.userId > 0 ? actor.userId : null,
      actor.kind === 'user' ? actor.username : 'public',
      ctx.requestId,
      change.operationId,
      change.jobId,
      JSON.stringify(change.after),
    ],
  );
}

/**
 * Writes the staged rows of one range of row numbers in two set-based
 * statements (INSERT for new objects, UPDATE for changed ones), each writing
 * its change-log items in the same statement under the operation's row
 * changeId: for a new object the values the row gave (and its owner), for an
 * updated one also the stored values of those columns before. A commit calls
 * it range after range in its one transaction, so that it can report progress
 * between them. Columns the file did not have keep their stored values on
 * update and take their defaults on create. New objects' ids are drawn before
 * the insert, so that the items and tenancies are written from the staged
 * rows rather than from the inserted ones. Call inside the commit's
 * transaction, after prepareDerived.
 */
export async function upsertStagedRows(
  client: Queryable,
  jobId: string,
  spec: ImportAssetSpec,
  changeId: number,
  range: RowRange = { from: 1, to: 2 ** 31 - 1 },
  /** Whether the job has rows that create / update at all (the re-check's counts): a statement with none is not run. */
  has: { creates: boolean; updates: boolean } = { creates: true, updates: true },
): Promise<CommitResult> {
  const table = TABLES[spec.type];
  const tableColumns = await columnsOf(client, table.table);
  const objectType = literal(spec.objectType);

  const columns: string[] = ['id'];
  const values: string[] = ['s.new_id'];
  const sets: string[] = [];
  if (table.ownerColumn) {
    columns.push(table.ownerColumn);
    values.push('s.carrier_id');
  }
  if (table.geomColumn) {
    columns.push(table.geomColumn);
    values.push('s.geom');
    sets.push(`${table.geomColumn} = COALESCE(s.geom, t.${table.geomColumn})`);
  }
  const byName = new Map(spec.fields.map((f) => [writableName(f.name), f]));
  for (const column of writableColumns(spec)) {
    const field = byName.get(column);
    columns.push(ident(column));
    values.push(field?.defaultValue !== undefined ? `COALESCE(r.${ident(column)}, ${literal(field.defaultValue)})` : `r.${ident(column)}`);
    sets.push(`${ident(column)} = CASE WHEN s.data ? '${column}' THEN r.${ident(column)} ELSE t.${ident(column)} END`);
  }
  const derivedJoin = table.derivedJoin ?? '';
  for (const [column, expression] of Object.entries(table.derived)) {
    columns.push(ident(column));
    values.push(expression);
    sets.push(`${ident(column)} = CASE WHEN s.geom IS NOT NULL THEN ${expression} ELSE t.${ident(column)} END`);
  }
  sets.push('version = t.version + 1', 'updated_at = now()');
  // A new object's item: the values its row gave, and its owner.
  const createdAfter = table.ownerColumn ? `s.data || jsonb_build_object('${table.ownerColumn}', s.carrier_id)` : 's.data';
  const geomItem = table.geomColumn ? 's.geom' : 'NULL::geometry';

  const sequence = await idSequenceOf(client, table.table);
  const none = { rows: [{ n: 0 }] };
  const inserted = !has.creates ? none : await client.query<{ n: number }>(
    `WITH src AS MATERIALIZED (
       -- Ids drawn in file order.
       SELECT q.*, nextval(${literal(sequence)}::regclass)::int AS new_id
         FROM (SELECT s.row_no, s.carrier_id, s.geom, s.data FROM import_rows s
                WHERE s.job_id = $1 AND s.action = 'create' AND s.row_no BETWEEN $3 AND $4 ORDER BY s.row_no) q
     ), ins AS (
       INSERT INTO ${table.table} (${columns.join(', ')})
       SELECT ${values.join(', ')}
         FROM src s CROSS JOIN LATERAL jsonb_populate_record(NULL::${table.table}, s.data) r ${derivedJoin}
     ), log AS (
       INSERT INTO change_log_items (change_id, object_type, object_id, after, geom)
       SELECT $2, ${objectType}, s.new_id::text, ${createdAfter}, ${geomItem} FROM src s
     )${
       // The owner of a new site has a tenancy on it.
       spec.type === 'sites'
         ? `, tenancy AS (
       INSERT INTO site_tenancies (site_id, carrier_id) SELECT s.new_id, s.carrier_id FROM src s
     )`
         : ''
     }
     SELECT count(*)::int AS n FROM src`,
    [jobId, changeId, range.from, range.to],
  );

  // The stored values of the columns a row changes (its geometry included when it gives one), before the update.
  const geomKey = table.geomColumn ? `OR (j.key = '${table.geomColumn}' AND s.geom IS NOT NULL)` : '';
  const updated = !has.updates ? none : await client.query<{ n: number }>(
    `WITH before AS (
       SELECT t.id, (SELECT jsonb_object_agg(j.key, j.value) FROM jsonb_each(${logJson('t', tableColumns)}) j WHERE s.data ? j.key ${geomKey}) AS j
         FROM ${table.table} t JOIN import_rows s ON s.target_id = t.id
        WHERE s.job_id = $1 AND s.action = 'update' AND s.row_no BETWEEN $3 AND $4
     ), upd AS (
       UPDATE ${table.table} t SET ${sets.join(', ')}
         FROM import_rows s CROSS JOIN LATERAL jsonb_populate_record(NULL::${table.table}, s.data) r ${derivedJoin}
        WHERE s.job_id = $1 AND s.action = 'update' AND s.row_no BETWEEN $3 AND $4 AND t.id = s.target_id
       RETURNING t.id, s.data, ${table.geomColumn ? 's.geom' : 'NULL::geometry AS geom'}
     ), log AS (
       INSERT INTO change_log_items (change_id, object_type, object_id, before, after, geom)
       SELECT $2, ${objectType}, upd.id::text, before.j, upd.data, upd.geom
         FROM upd JOIN before ON before.id = upd.id
     )
     SELECT count(*)::int AS n FROM upd`,
    [jobId, changeId, range.from, range.to],
  );

  // A sector's carrier has a tenancy on the site that carries it (another carrier's site included).
  if (spec.type === 'sectors') {
    await client.query(
      `INSERT INTO site_tenancies (site_id, carrier_id)
       SELECT DISTINCT (s.data->>'site_id')::int, s.carrier_id FROM import_rows s
        WHERE s.job_id = $1 AND s.action IN ('create', 'update') AND s.data ? 'site_id' AND s.row_no BETWEEN $2 AND $3
       ON CONFLICT (site_id, carrier_id) WHERE until IS NULL DO NOTHING`,
      [jobId, range.from, range.to],
    );
  }
  return { created: inserted.rows[0]?.n ?? 0, updated: updated.rows[0]?.n ?? 0 };
}

/**
 * Whether what the commit wrote can change coverage. New sites carry no
 * sectors yet and new routes no access points, so an import that only
 * creates them changes nothing coverage is computed from; updated ones matter
 * when something hangs on them. Every other coverage type always matters.
 */
export async function touchesCoverage(client: Queryable, jobId: string, spec: ImportAssetSpec): Promise<boolean> {
  const dependent: Partial<Record<ImportAssetSpec['type'], string>> = {
    sites: `SELECT 1 FROM sectors x WHERE x.site_id = s.target_id
            UNION ALL SELECT 1 FROM coverage_contributors c WHERE c.kind = 'sector' AND c.site_id = s.target_id`,
    'fibre-routes': 'SELECT 1 FROM access_points x WHERE x.fibre_route_id = s.target_id',
  };
  const sql = dependent[spec.type];
  if (!sql) return true;
  const r = await client.query(
    `SELECT 1 FROM import_rows s WHERE s.job_id = $1 AND s.action = 'update' AND EXISTS (${sql}) LIMIT 1`,
    [jobId],
  );
  return r.rows.length > 0;
}

/** The extent of what a commit wrote, for the change event, or null. */
export async function stagedExtent(client: Queryable, jobId: string, spec: ImportAssetSpec): Promise<[number, number, number, number] | null> {
  const table = TABLES[spec.type];

  let bbox: [number, number, number, number] | null = null;
  if (table.geomColumn) {
    const b = await client.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
      `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
         FROM (SELECT ST_Extent(geom)::geometry AS e FROM import_rows WHERE job_id = $1 AND action IN ('create', 'update')) x`,
      [jobId],
    );
    const row = b.rows[0];
    if (row && row.xmin !== null) bbox = [row.xmin, row.ymin, row.xmax, row.ymax];
  }
  return bbox;
}

export interface RowsPage {
  items: { row: number; code: string | null; action: 'create' | 'update' | 'unchanged' | 'skip'; errors: { path: string; reason: string; message: string }[] }[];
  total: number;
  nextAfter: number | null;
}

/** Per-row results of a job, in file order, keyset-paginated by row number. */
export async function listStagedRows(client: Queryable, jobId: string, query: ImportRowsQuery): Promise<RowsPage> {
  const filters = ['job_id = $1'];
  const params: unknown[] = [jobId];
  if (query.errorsOnly) filters.push('jsonb_array_length(errors) > 0');
  if (query.action) {
    params.push(query.action === 'skip' ? ['skip', 'skip_blank'] : [query.action]);
    filters.push(`action = ANY($${params.length}::text[])`);
  }
  const where = filters.join(' AND ');
  const total = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_rows WHERE ${where}`, params);
  params.push(query.after, query.limit + 1);
  const r = await client.query<{ row_no: number; code: string | null; action: string | null; errors: RowsPage['items'][number]['errors'] }>(
    `SELECT row_no, code, action, errors FROM import_rows WHERE ${where} AND row_no > $${params.length - 1} ORDER BY row_no LIMIT $${params.length}`,
    params,
  );
  const rows = r.rows.slice(0, query.limit);
  return {
    items: rows.map((x) => ({
      row: x.row_no,
      code: x.code,
      action: (x.action === 'skip_blank' || !x.action ? 'skip' : x.action) as RowsPage['items'][number]['action'],
      errors: x.errors,
    })),
    total: total.rows[0]?.n ?? 0,
    nextAfter: r.rows.length > query.limit ? rows.at(-1)!.row_no : null,
  };
}

export { TABLES, type TableSpec };
