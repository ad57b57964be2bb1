import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
