import { boolean, integer, text, timestamp } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import { sqlInList } from '@registry/shared/enums';

/** Optimistic-concurrency counter; every editable table has one. */
export const version = () => integer().notNull().default(1);
export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
/** Generated rows of the demo dataset say so, with how they were made. */
export const syntheticColumns = () => ({
  synthetic: boolean().notNull().default(false),
  syntheticMethod: text(),
});

/** `column IN (...)` for a CHECK constraint, from a shared value list. */
export function inList(column: string, values: readonly string[]): SQL {
  return sql.raw(`${column} IN (${sqlInList(values)})`);
}

/** `column IS NULL OR column IN (...)` for an optional enum column. */
export function nullOrInList(column: string, values: readonly string[]): SQL {
  return sql.raw(`${column} IS NULL OR ${column} IN (${sqlInList(values)})`);
}

/** `ST_IsValid(column)` for a CHECK constraint. */
export function validGeometry(column: string): SQL {
  return sql.raw(`ST_IsValid(${column})`);
}
