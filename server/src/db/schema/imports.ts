import { check, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { IMPORT_STATUSES } from '@registry/shared/enums';
import { users } from './accounts';
import { carriers } from './carriers';
import { createdAt, inList } from './common';

/** Bulk import jobs: dry run, then commit in one transaction, with progress. */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: integer().references(() => users.id, { onDelete: 'set null' }),
    carrierId: integer().references(() => carriers.id, { onDelete: 'set null' }),
    assetType: text().notNull(),
    format: text().notNull(),
    crs: text().notNull(),
    filename: text(),
    status: text().notNull().default('pending'),
    rowsRead: integer().notNull().default(0),
    rowsValid: integer().notNull().default(0),
    rowsWritten: integer().notNull().default(0),
    errorCount: integer().notNull().default(0),
    /** Summary: actions per kind, warnings (e.g. a likely wrong CRS). */
    summary: jsonb(),
    message: text(),
    createdAt: createdAt(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  () => [check('import_jobs_status_chk', inList('status', IMPORT_STATUSES))],
);
