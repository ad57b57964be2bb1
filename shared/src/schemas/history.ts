import { z } from 'zod';
import { CHANGE_ACTIONS } from '../enums';
import { LIMITS } from '../limits';

// The change log as read through the API (it cannot be written through it).

export const ChangeLogEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  requestId: z.string().nullable(),
  operationId: z.string().nullable(),
  objectType: z.string(),
  objectId: z.string(),
  action: z.enum(CHANGE_ACTIONS),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  reason: z.string().nullable(),
});
export type ChangeLogEntry = z.infer<typeof ChangeLogEntry>;

export const HistoryQuery = z.object({
  objectType: z.string().max(40).optional(),
  objectId: z.string().max(40).optional(),
  userId: z.coerce.number().int().positive().optional(),
  action: z.enum(CHANGE_ACTIONS).optional(),
  /** ISO timestamps, inclusive from, exclusive to. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;
