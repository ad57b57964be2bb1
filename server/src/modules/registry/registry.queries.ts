import { createHash } from 'node:crypto';
import pg from 'pg';
import type { z } from 'zod';
import type { ListFilters } from '@registry/shared/schemas/registry-common';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import { BadRequestError, UnauthenticatedError } from '../../errors';
import { oneRow } from '../../db/one-row';
import { snake, type FieldSpec, type Filter, type ResourceDescriptor, type Scope, type SortKey } from './resource';

// SQL for every registry resource, generated from its descriptor. Reads
// select the fields of the resource's full view (geometry as GeoJSON); who
// sees which of them is decided after, by projecting through the caller's view.

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * A named (server-side prepared) statement: reads generated from a
 * descriptor repeat the same few texts, so each connection plans them once.
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  return { name: statementName(text), text, values };
}

// Statement names by text: hashing every request's SQL again showed in profiles.
// The texts come from a finite set (filters × sort × cursor × scope), so the map stays small;
// it is emptied if something ever makes it grow.
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= 2000) statementNames.clear();
    name = `r_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Memoised per descriptor: descriptors are constants, and these were rebuilt on every request. */
function perDescriptor<T>(build: (d: ResourceDescriptor) => T): (d: ResourceDescriptor) => T {
  const cache = new WeakMap<ResourceDescriptor, T>();
  return (d) => {
    let value = cache.get(d);
    if (value === undefined) {
      value = build(d);
      cache.set(d, value);
    }
    return value;
  };
}

/** Collects bound values and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  bind = (value: unknown): string => {
    this.values.push(value);
    return `$${this.values.length}`;
  };
}

function fieldSpec(d: ResourceDescriptor, field: string): FieldSpec {
  return d.fields?.[field] ?? {};
}

/** SQL read expression of one field of the full view (alias `t`). */
function readExpression(d: ResourceDescriptor, field: string): string {
  const spec = fieldSpec(d, field);
  if (spec.read) return spec.read;
  if (field === 'geometry' && d.geometry) return `ST_AsGeoJSON(t.${d.geometry.column}, 7)::json`;
  const column = spec.column ?? snake(field);
  if (spec.type === 'date') return `t.${column}::text`;
  return `t.${column}`;
}

/** SQL read expression of each field of the full view. */
export const selectList = perDescriptor((d: ResourceDescriptor): string =>
  Object.keys(d.views.full.shape)
    .map((field) => `${readExpression(d, field)} AS "${field}"`)
    .join(', '),
);

/** The stored timestamps (Meta's createdAt, updatedAt): the only timestamptz fields views list. */
export const TIMESTAMP_FIELDS: ReadonlySet<string> = new Set(['createdAt', 'updatedAt']);

/**
 * A timestamptz as JSON text exactly as the column path leaves it: pg parses the
 * value into a Date (microseconds truncated to ms) and normaliseRow writes
 * toISOString(); to_char's MS truncates the same way. The colons are quoted
 * literals so that pgbench (bench:api runs this SQL) does not read `:MI` as a variable.
 */
export const isoTimestamp = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')`;

/**
 * selectList for rows that PostgreSQL turns into JSON (json_agg of a subquery):
 * the same fields and values, with timestamps formatted as above, since JSON
 * has no Date for pg to parse.
 */
export const jsonSelectList = perDescriptor((d: ResourceDescriptor): string =>
  Object.keys(d.views.full.shape)
    .map((field) => {
      const expr = readExpression(d, field);
      return `${TIMESTAMP_FIELDS.has(field) ? isoTimestamp(expr) : expr} AS "${field}"`;
    })
    .join(', '),
);

/** Timestamps leave as ISO strings. */
export function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) if (value instanceof Date) row[key] = value.toISOString();
  return row;
}

/**
 * Rows a scope may know exist. Staff: all. A carrier: all except other
 * carriers' planned objects (where the resource keeps those private). The
 * public: the resource's public rows, or none.
 */
export function visibility(d: ResourceDescriptor, scope: Scope, p: Params['bind']): string | null {
  if (scope.kind === 'staff') return null;
  if (scope.kind === 'public') return d.publicRead ? d.publicRead.where : 'false';
  if (d.plannedIsPrivate && d.owner) return `(t.${d.owner.column} = ${p(scope.carrierId)} OR t.status <> 'planned')`;
  return null;
}

const intersectsUnit = (geomColumn: string): Filter => (p, id) =>
  `ST_Intersects(t.${geomColumn}, (SELECT boundary FROM admin_units WHERE id = ${p(id)}))`;

/** Generic filters a resource gets from its shape; its own filters override them. */
export const filtersOf = perDescriptor((d: ResourceDescriptor): Partial<Record<keyof ListFilters, Filter>> => {
  const generic: Partial<Record<keyof ListFilters, Filter>> = {
    code: (p, v) => `t.code = ${p(v)}`,
  };
  if (d.geometry) {
    const g = d.geometry.column;
    generic.bbox = (p, v) => {
      const [a, b, c, e] = v as number[];
      return `ST_Intersects(t.${g}, ST_MakeEnvelope(${p(a)}, ${p(b)}, ${p(c)}, ${p(e)}, 4326))`;
    };
    generic.adminUnitId = intersectsUnit(g);
  }
  if (d.owner && d.owner.column !== 'id') generic.owner = (p, v) => `t.${d.owner!.column} = ${p(v)}`;
  if (d.lifecycle) generic.status = (p, v) => `t.status = ${p(v)}`;
  if ('name' in d.views.full.shape) generic.q = (p, v) => `(t.code ILIKE ${p(`%${String(v)}%`)} OR t.name ILIKE ${p(`%${String(v)}%`)})`;
  else generic.q = (p, v) => `t.code ILIKE ${p(`%${String(v)}%`)}`;
  return { ...generic, ...d.filters };
});

export const sortsOf = perDescriptor(
  (d: ResourceDescriptor): Record<string, SortKey> => ({
    id: { expr: 't.id', cast: 'bigint' },
    code: { expr: 't.code', cast: 'text' },
    createdAt: { expr: "date_trunc('milliseconds', t.created_at)", cast: 'timestamptz' },
    updatedAt: { expr: "date_trunc('milliseconds', t.updated_at)", cast: 'timestamptz' },
    ...d.sorts,
  }),
);

export interface ListQuery {
  /** The page (one row more than the limit, to know whether another follows). */
  text: string;
  values: unknown[];
  /** The total of the matches, without the cursor: `countValues` is a prefix of `values`. */
  countText: string;
  countValues: unknown[];
  /**
   * The response body as PostgreSQL writes it, for this scope, in one
   * statement and one row (what the API runs): the total as an uncorrelated
   * scalar subquery (an InitPlan, computed once) in `_n`, and the page as one
   * JSON array in `items`, each item a JSON object of exactly the fields of the
   * view the caller sees it through (viewJson: the keys of the view's schema;
   * jsonSelectList: the same fields and values as `text`), so Node neither
   * parses nor projects nor serializes the page; `_lastK`/`_lastId` are the
   * cursor row's sort key and id. One round trip instead of two: on this
   * machine each costs ~0.3–0.6 ms of Node CPU, mostly the socket write.
   */
  bodyText: string;
  bodyValues: unknown[];
  /** The statement name of bodyText (as prepared() names it), computed once per shape. */
  bodyName: string;
  /** The type of the sort key (`_lastK`), to read it from text for the cursor. */
  sortCast: SortKey['cast'];
  limit: number;
}

/**
 * The list query of a resource: filters in, SQL out. Keyset pagination on
 * (sort key, id), so a page never skips or repeats rows while others write.
 * Exports reuse this with their own limit.
 */
export function buildListQuery(d: ResourceDescriptor, filters: ListFilters, scope: Scope): ListQuery {
  const params = new Params();
  const p = params.bind;
  const conditions: string[] = [];
  const visible = visibility(d, scope, p);
  if (visible) conditions.push(visible);
  const available = filtersOf(d);
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || name === 'sort' || name === 'limit' || name === 'cursor') continue;
    const filter = available[name as keyof ListFilters];
    if (!filter) throw new BadRequestError(`${d.label} lists cannot be filtered by ${name}`, [{ path: name, message: 'Unsupported filter', reason: 'unrecognized_keys' }]);
    conditions.push(filter(p, value));
  }
  const countValues = [...params.values];
  const filterWhere = conditions.join(' AND ');

  const sortName = (filters.sort ?? 'id').replace(/^-/, '');
  const descending = (filters.sort ?? '').startsWith('-');
  const sort = sortsOf(d)[sortName];
  if (!sort) {
    throw new BadRequestError(`Unknown sort key ${sortName}`, [
      { path: 'sort', message: `One of: ${Object.keys(sortsOf(d)).join(', ')}`, reason: 'invalid_value' },
    ]);
  }
  const cursor = decodeCursor(filters.cursor);
  if (cursor) {
    p(cursor.k);
    p(cursor.id);
  }
  p(filters.limit + 1);
  const values = params.values;
  // bodyText binds two more values (the limit, a carrier's id) after those the other texts share.
  const bodyValues = [...values, filters.limit];
  const carrierOwned = scope.kind === 'carrier' && d.owner !== undefined;
  if (carrierOwned) bodyValues.push(scope.carrierId);

  // The texts depend only on the conditions' text, the sort, the cursor's presence and the scope's kind:
  // built once per shape (a few KB each, and hashed for the statement name) instead of on every request.
  const key = `${scope.kind}|${sortName}|${descending ? 'd' : 'a'}|${cursor ? 'c' : ''}|${filterWhere}`;
  let shapes = listTexts.get(d);
  if (!shapes) listTexts.set(d, (shapes = new Map()));
  let texts = shapes.get(key);
  if (!texts) {
    if (shapes.size >= 500) shapes.clear();
    texts = buildListTexts(d, scope, sort, descending, filterWhere, countValues.length, cursor !== null);
    shapes.set(key, texts);
  }
  if (texts.bodyParameters !== bodyValues.length) throw new Error(`${d.name}: the list body binds ${texts.bodyParameters} values, not ${bodyValues.length}`);
  return { text: texts.text, values, countText: texts.countText, countValues, bodyText: texts.bodyText, bodyValues, bodyName: texts.bodyName, sortCast: sort.cast, limit: filters.limit };
}

interface ListTexts {
  text: string;
  countText: string;
  bodyText: string;
  bodyName: string;
  /** How many values bodyText binds (checked against the values of each request). */
  bodyParameters: number;
}

const listTexts = new WeakMap<ResourceDescriptor, Map<string, ListTexts>>();

/** The SQL texts of one list shape; placeholders numbered as buildListQuery binds its values. */
function buildListTexts(d: ResourceDescriptor, scope: Scope, sort: SortKey, descending: boolean, filterWhere: string, filterValues: number, withCursor: boolean): ListTexts {
  let n = filterValues;
  const next = () => `$${++n}`;
  const countWhere = filterWhere ? `WHERE ${filterWhere}` : '';
  const conditions = filterWhere ? [filterWhere] : [];
  if (withCursor) conditions.push(`(${sort.expr}, t.id) ${descending ? '<' : '>'} (${next()}::${sort.cast}, ${next()})`);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const direction = descending ? 'DESC' : 'ASC';
  const order = `ORDER BY ${sort.expr} ${direction}, t.id ${direction} LIMIT ${next()}`;
  const countText = `SELECT count(*)::int AS n FROM ${d.table} t ${countWhere}`;
  const text = `SELECT ${selectList(d)}, ${sort.expr} AS "_k" FROM ${d.table} t ${where} ${order}`;
  const limit = next();
  const item = itemJson(d, scope, next, 'x');
  const bodyText =
    `SELECT (${countText}) AS "_n", coalesce(json_agg(${item} ORDER BY x."_r") FILTER (WHERE x."_r" <= ${limit}), '[]'::json)::text AS "items",` +
    ` (array_agg(x."_k") FILTER (WHERE x."_r" = ${limit}))[1] AS "_lastK", (array_agg(x."id") FILTER (WHERE x."_r" = ${limit}))[1] AS "_lastId", count(*)::int AS "_rows"` +
    ` FROM (SELECT ${jsonSelectList(d)}, ${sort.expr} AS "_k", row_number() OVER (ORDER BY ${sort.expr} ${direction}, t.id ${direction}) AS "_r" FROM ${d.table} t ${where} ${order}) x`;
  return { text, countText, bodyText, bodyName: statementName(bodyText), bodyParameters: n };
}

type View = z.ZodObject<z.ZodRawShape>;

// Each view's JSON constructor, built once per view and alias.
const viewJsonCache = new WeakMap<View, Map<string, string>>();

/**
 * SQL for one row as a JSON object of exactly the keys of `view`, in the
 * view's order, read from `alias`, a row of the full view's fields by name
 * (jsonSelectList). A key no view lists is never written: the same rule as
 * project(), applied by PostgreSQL.
 */
export function viewJson(view: View, alias: string): string {
  let byAlias = viewJsonCache.get(view);
  if (!byAlias) {
    byAlias = new Map();
    viewJsonCache.set(view, byAlias);
  }
  let sql = byAlias.get(alias);
  if (sql === undefined) {
    const pairs = Object.keys(view.shape).map((key) => `'${key}', ${alias}."${key}"`);
    // json_build_object takes at most 100 arguments; longer views are built in parts and joined.
    const parts: string[] = [];
    for (let i = 0; i < pairs.length; i += 50) parts.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
    sql = parts.length <= 1 ? `json_build_object(${pairs.join(', ')})` : `(${parts.join(' || ')})::json`;
    byAlias.set(alias, sql);
  }
  return sql;
}

/**
 * One row of `d` as the scope may see it (the SQL twin of projectFor): staff
 * the full view; a carrier the full view of its own rows and the others' view
 * of the rest; the public the public view.
 */
export function itemJson(d: ResourceDescriptor, scope: Scope, p: Params['bind'], alias: string): string {
  if (scope.kind === 'staff') return viewJson(d.views.full, alias);
  if (scope.kind === 'carrier') {
    const others = viewJson(d.views.others, alias);
    return d.owner ? `CASE WHEN ${alias}."${d.owner.field}" = ${p(scope.carrierId)} THEN ${viewJson(d.views.full, alias)} ELSE ${others} END` : others;
  }
  if (!d.views.public) throw new UnauthenticatedError();
  return viewJson(d.views.public, alias);
}

/**
 * Runs a list query's bodyText: the response body, ready to send. Through
 * oneRow (db/one-row.ts): the row's columns arrive as text, in bodyText's
 * order (_n, items, _lastK, _lastId, _rows), and are read here as pg's type
 * parsers read them before (numbers; the sort key by its type, a timestamp
 * through pg's own parser so the cursor is the same).
 */
export async function runListBody(db: Queryable, query: ListQuery): Promise<string> {
  const row = (await oneRow(db, { name: query.bodyName, text: query.bodyText, values: query.bodyValues }))!;
  const [total, items, lastK, lastId, rows] = row;
  const nextCursor = Number(rows) > query.limit && lastId !== null ? encodeCursor({ k: cursorKey(lastK ?? null, query.sortCast), id: Number(lastId) }) : null;
  return `{"items":${items},"total":${Number(total)},"nextCursor":${nextCursor === null ? 'null' : `"${nextCursor}"`}}`;
}

const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

/** The cursor's sort key from its text: as the column path typed it (numbers, strings, timestamps as ISO strings). */
function cursorKey(text: string | null, cast: SortKey['cast']): string | number | null {
  if (text === null) return null;
  if (cast === 'bigint' || cast === 'real') return Number(text);
  if (cast === 'timestamptz') return parseTimestamptz(text).toISOString();
  return text;
}

/** One full row by id, optionally locked for update; null when absent. */
export async function findById(db: Queryable, d: ResourceDescriptor, id: number, options: { lock?: boolean; scope?: Scope } = {}) {
  const params = new Params();
  const conditions = [`t.id = ${params.bind(id)}`];
  const visible = options.scope ? visibility(d, options.scope, params.bind) : null;
  if (visible) conditions.push(visible);
  const r = await db.query(prepared(`SELECT ${selectList(d)} FROM ${d.table} t WHERE ${conditions.join(' AND ')}${options.lock ? ' FOR UPDATE OF t' : ''}`, params.values));
  return r.rows[0] ? normaliseRow(r.rows[0] as Record<string, unknown>) : null;
}

/** Column assignments for the input fields of a write. */
export function columnsOf(d: ResourceDescriptor, input: Record<string, unknown>, p: Params['bind']): { columns: string[]; values: string[] } {
  const columns: string[] = [];
  const values: string[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || field === 'version' || d.nestedKeys?.includes(field)) continue;
    if (field === 'geometry' && d.geometry) {
      columns.push(d.geometry.column);
      if (value === null) values.push('NULL');
      else {
        const geom = `ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(${p(JSON.stringify(value))})), 4326)`;
        values.push(d.geometry.store === 'MultiPolygon' ? `ST_Multi(${geom})` : geom);
      }
      continue;
    }
    const spec = fieldSpec(d, field);
    if (spec.column === null) continue;
    columns.push(spec.column ?? snake(field));
    values.push(p(value));
  }
  return { columns, values };
}

export async function insertRow(db: Queryable, d: ResourceDescriptor, input: Record<string, unknown>): Promise<number> {
  const params = new Params();
  const { columns, values } = columnsOf(d, input, params.bind);
  const r = await db.query<{ id: number }>(`INSERT INTO ${d.table} (${columns.join(', ')}) VALUES (${values.join(', ')}) RETURNING id`, params.values);
  return Number(r.rows[0]!.id);
}

/** Applies the changed fields and bumps the version. */
export async function updateRow(db: Queryable, d: ResourceDescriptor, id: number, input: Record<string, unknown>): Promise<void> {
  const params = new Params();
  const { columns, values } = columnsOf(d, input, params.bind);
  const sets = columns.map((c, i) => `${c} = ${values[i]}`);
  sets.push('version = version + 1', 'updated_at = now()');
  await db.query(`UPDATE ${d.table} SET ${sets.join(', ')} WHERE id = ${params.bind(id)}`, params.values);
}

/** Recomputes derived columns (lengths, the village a site stands in). */
export async function refreshDerived(db: Queryable, d: ResourceDescriptor, id: number): Promise<void> {
  if (!d.derived) return;
  const sets = Object.entries(d.derived).map(([column, expr]) => `${column} = ${expr}`);
  await db.query(`UPDATE ${d.table} t SET ${sets.join(', ')} WHERE t.id = $1`, [id]);
}

/** Problems with a submitted geometry that PostGIS sees (self-intersection and the like). */
export async function geometryValidity(db: Queryable, geometry: unknown): Promise<string | null> {
  try {
    const r = await db.query<{ reason: string }>(`SELECT ST_IsValidReason(ST_GeomFromGeoJSON($1)) AS reason`, [JSON.stringify(geometry)]);
    const reason = r.rows[0]?.reason ?? 'invalid';
    return reason === 'Valid Geometry' ? null : reason;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The first reason a hard delete must be refused, if any. */
export async function referencedBy(db: Queryable, d: ResourceDescriptor, id: number): Promise<string | null> {
  for (const ref of d.references ?? []) {
    const r = await db.query(ref.sql, [id]);
    if (r.rows.length > 0) return ref.what;
  }
  return null;
}
