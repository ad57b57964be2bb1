import type pg from 'pg';
import type { ChangeLogEntry, HistoryQuery } from '@registry/shared/schemas/history';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import { Params } from '../registry/registry.queries';

// Reads of the append-only change log, newest first. A bulk operation (an
// import) is one change_log row plus one change_log_items row per object it
// wrote (see the schema): each item reads as an entry of its own, with the
// operation's who/when/why and its own id from the same sequence, so the
// history of an object and the whole log show imported objects as before.

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** change_log rows (alias c). */
const LOG_COLUMNS = `c.id, c.at, c.user_id AS "userId", c.username, c.request_id AS "requestId", c.operation_id AS "operationId",
  c.object_type AS "objectType", c.object_id AS "objectId", c.action, c.before, c.after, c.reason`;

/**
 * Items (alias i) under their operation's row (alias c): the geometry goes
 * into `after` under the column name it has in its table.
 */
const ITEM_COLUMNS = `i.id, c.at, c.user_id AS "userId", c.username, c.request_id AS "requestId", c.operation_id AS "operationId",
  i.object_type AS "objectType", i.object_id AS "objectId", c.action, i.before,
  CASE WHEN i.geom IS NULL THEN i.after
       ELSE coalesce(i.after, '{}'::jsonb) || jsonb_build_object(CASE i.object_type WHEN 'village' THEN 'boundary' ELSE 'geom' END, ST_AsGeoJSON(i.geom)::jsonb) END AS after,
  c.reason`;

function toEntry(row: Record<string, unknown>): ChangeLogEntry {
  return { ...(row as ChangeLogEntry), id: Number(row.id), at: (row.at as Date).toISOString() };
}

export async function listChanges(db: Queryable, query: HistoryQuery) {
  const params = new Params();
  const p = params.bind;
  // The same filters over change_log rows and over items (object filters on the item, the rest on its operation).
  const logWhere: string[] = [];
  const itemWhere: string[] = [];
  const both = (sql: (alias: string) => string) => {
    logWhere.push(sql('c'));
    itemWhere.push(sql('i'));
  };
  if (query.objectType) {
    const v = p(query.objectType);
    both((a) => `${a}.object_type = ${v}`);
  }
  if (query.objectId) {
    const v = p(query.objectId);
    both((a) => `${a}.object_id = ${v}`);
  }
  const header: string[] = [];
  if (query.userId) header.push(`c.user_id = ${p(query.userId)}`);
  if (query.action) header.push(`c.action = ${p(query.action)}`);
  if (query.from) header.push(`c.at >= ${p(query.from)}`);
  if (query.to) header.push(`c.at < ${p(query.to)}`);
  logWhere.push(...header);
  itemWhere.push(...header);
  const whereOf = (parts: string[]) => (parts.length ? `WHERE ${parts.join(' AND ')}` : '');
  // Items are counted without their operation's row when no filter reads it.
  const itemsFrom = header.length > 0 ? 'change_log_items i JOIN change_log c ON c.id = i.change_id' : 'change_log_items i';
  const countSql = `SELECT (SELECT count(*) FROM change_log c ${whereOf(logWhere)})
                         + (SELECT count(*) FROM ${itemsFrom} ${whereOf(itemWhere)}) AS n`;
  const countValues = [...params.values];
  const cursor = decodeCursor(query.cursor);
  if (cursor) both((a) => `${a}.id < ${p(cursor.id)}`);
  const limit = p(query.limit + 1);
  // Each side newest first and limited, then merged: both walk their primary key backwards.
  const listSql = `SELECT * FROM (
      (SELECT ${LOG_COLUMNS} FROM change_log c ${whereOf(logWhere)} ORDER BY c.id DESC LIMIT ${limit})
      UNION ALL
      (SELECT ${ITEM_COLUMNS} FROM change_log_items i JOIN change_log c ON c.id = i.change_id ${whereOf(itemWhere)} ORDER BY i.id DESC LIMIT ${limit})
    ) x ORDER BY id DESC LIMIT ${limit}`;
  const [rows, count] = await Promise.all([db.query(listSql, params.values), db.query<{ n: string }>(countSql, countValues)]);
  const items = rows.rows.slice(0, query.limit).map(toEntry);
  const last = items.at(-1);
  return { items, total: Number(count.rows[0]?.n ?? 0), nextCursor: rows.rows.length > query.limit && last ? encodeCursor({ k: null, id: last.id }) : null };
}

export async function changesOf(db: Queryable, objectType: string, objectId: number | string): Promise<ChangeLogEntry[]> {
  const r = await db.query(
    `SELECT * FROM (
       SELECT ${LOG_COLUMNS} FROM change_log c WHERE c.object_type = $1 AND c.object_id = $2
       UNION ALL
       SELECT ${ITEM_COLUMNS} FROM change_log_items i JOIN change_log c ON c.id = i.change_id WHERE i.object_type = $1 AND i.object_id = $2
     ) x ORDER BY id`,
    [objectType, String(objectId)],
  );
  return r.rows.map(toEntry);
}
