import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { IMPORT_STATUSES } from '@registry/shared/enums';
import { geometry } from '../columns/geometry';
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
    /** Groups the change-log rows of the commit. */
    operationId: uuid(),
    /** The carrier (code) for rows that name none, as chosen by a planner or admin. */
    defaultCarrierId: integer().references(() => carriers.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [check('import_jobs_status_chk', inList('status', IMPORT_STATUSES)), index('import_jobs_user_idx').on(t.userId, t.createdAt)],
);

/**
 * Staging rows of an import (UNLOGGED, see migration): filled by COPY while
 * the file streams in, validated set-wise in SQL, then upserted in one
 * statement on commit. Deleted with their job.
 */
export const importRows = pgTable(
  'import_rows',
  {
    /**
     * The job. No foreign key (migration 0015): its check ran per staged row inside the dry run's COPY
     * (0.8 s of CPU per 100k rows, more than the rest of the COPY), for rows that only the imports service
     * writes, under the job it has just inserted. Deleting jobs deletes their rows through a statement-level
     * trigger on import_jobs instead of the foreign key's cascade.
     */
    jobId: uuid().notNull(),
    /** 1-based position in the file. */
    rowNo: integer().notNull(),
    code: text(),
    /** Carrier named by the row (or the job's), resolved to an id. */
    carrierCode: text(),
    carrierId: integer(),
    /** Column values keyed by database column name; references by code until resolved. */
    data: jsonb().notNull(),
    geom: geometry('Geometry'),
    /** [{path, reason, message}] */
    errors: jsonb().notNull().default([]),
    action: text(),
    /** The existing object this row updates. */
    targetId: integer(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rowNo] })],
);
