import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { geometry } from '../columns/geometry';
import { CHANGE_ACTIONS } from '@registry/shared/enums';
import { users } from './accounts';
import { inList } from './common';

/**
 * Every create/update/delete, written in the same transaction as the change.
 * Append-only: a trigger (migration 0001) refuses UPDATE and DELETE.
 */
export const changeLog = pgTable(
  'change_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userId: integer().references(() => users.id, { onDelete: 'set null' }),
    /** Username at the time, kept even if the user is deleted. */
    username: text(),
    requestId: text(),
    /** Groups the rows of one operation (an import, a nested write). */
    operationId: uuid(),
    objectType: text().notNull(),
    objectId: text().notNull(),
    action: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    reason: text(),
  },
  (t) => [
    index('change_log_object_idx').on(t.objectType, t.objectId, t.at),
    index('change_log_user_idx').on(t.userId, t.at),
    index('change_log_at_idx').on(t.at),
    index('change_log_operation_idx').on(t.operationId),
    check('change_log_action_chk', inList('action', CHANGE_ACTIONS)),
  ],
);

/**
 * The objects one bulk operation wrote (an import commit), compactly: one row
 * per object under the operation's own change_log row (change_id), which holds
 * who, when, why and the operation id. `after` is the values the row gave
 * (columns by name, references as ids) and `geom` its geometry, rendered as
 * GeoJSON into `after` when read; `before` is set for updates and holds the
 * stored values of the same columns. Ids come from change_log's own sequence,
 * so the history reads items and change_log rows in one order (see
 * history.queries.ts). No foreign key to change_log: both are written in the
 * same statement sequence of one transaction, and a per-row check was a
 * measurable share of a 100k-row commit. Append-only, like change_log
 * (trigger in the migration).
 */
export const changeLogItems = pgTable(
  'change_log_items',
  {
    id: bigint({ mode: 'number' })
      .primaryKey()
      .default(sql`nextval('change_log_id_seq')`),
    changeId: bigint({ mode: 'number' }).notNull(),
    objectType: text().notNull(),
    objectId: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    geom: geometry('Geometry'),
  },
  (t) => [index('change_log_items_object_idx').on(t.objectType, t.objectId)],
);
