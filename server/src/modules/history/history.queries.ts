import type pg from 'pg';
import type { ChangeLogEntry, HistoryQuery } from '@registry/shared/schemas/history';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import { Params } from '../registry/registry.queries';

// Reads of the append-only change log, newest first.

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const COLUMNS = `id, at, user_id AS "userId", username, request_id AS "requestId", operation_id AS "operationId",
  object_type AS "objectType", object_id AS "objectId", action, before, after, reason`;

function toEntry(row: Record<string, unknown>): ChangeLogEntry {
  return { ...(row as ChangeLogEntry), id: Number(row.id), at: (row.at as Date).toISOString() };
}

export async function listChanges(db: Queryable, query: HistoryQuery) {
  const params = new Params();
  const p = params.bind;
  const where: string[] = [];
  if (query.objectType) where.push(`object_type = ${p(query.objectType)}`);
  if (query.objectId) where.push(`object_id = ${p(query.objectId)}`);
  if (query.userId) where.push(`user_id = ${p(query.userId)}`);
  if (query.action) where.push(`action = ${p(query.action)}`);
  if (query.from) where.push(`at >= ${p(query.from)}`);
  if (query.to) where.push(`at < ${p(query.to)}`);
  const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const countValues = [...params.values];
  const cursor = decodeCursor(query.cursor);
  if (cursor) where.push(`id < ${p(cursor.id)}`);
  const sqlWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [rows, count] = await Promise.all([
    db.query(`SELECT ${COLUMNS} FROM change_log ${sqlWhere} ORDER BY id DESC LIMIT ${p(query.limit + 1)}`, params.values),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM change_log ${countWhere}`, countValues),
  ]);
  const items = rows.rows.slice(0, query.limit).map(toEntry);
  const last = items.at(-1);
  return { items, total: count.rows[0]?.n ?? 0, nextCursor: rows.rows.length > query.limit && last ? encodeCursor({ k: null, id: last.id }) : null };
}

export async function changesOf(db: Queryable, objectType: string, objectId: number | string): Promise<ChangeLogEntry[]> {
  const r = await db.query(`SELECT ${COLUMNS} FROM change_log WHERE object_type = $1 AND object_id = $2 ORDER BY id`, [objectType, String(objectId)]);
  return r.rows.map(toEntry);
}
