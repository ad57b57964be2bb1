import type { ChangeAction } from '@registry/shared/enums';
import type { DbOrTx } from '../../db/client';
import { changeLog } from '../../db/schema/index';
import type { RequestContext } from '../../context';

export interface ChangeRecord {
  objectType: string;
  objectId: string | number;
  action: ChangeAction;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** Groups the rows of one operation (an import, a nested write). */
  operationId?: string | null;
}

/**
 * Writes change-log rows. Call it with the same transaction handle as the
 * change itself, so the log and the data commit or roll back together.
 */
export async function recordChanges(tx: DbOrTx, ctx: RequestContext, records: ChangeRecord[]): Promise<void> {
  if (records.length === 0) return;
  const actor = ctx.actor;
  await tx.insert(changeLog).values(
    records.map((r) => ({
      userId: actor.kind === 'user' && actor.userId > 0 ? actor.userId : null,
      username: actor.kind === 'user' ? actor.username : 'public',
      requestId: ctx.requestId,
      operationId: r.operationId ?? null,
      objectType: r.objectType,
      objectId: String(r.objectId),
      action: r.action,
      before: r.before ?? null,
      after: r.after ?? null,
      reason: r.reason ?? null,
    })),
  );
}

export function recordChange(tx: DbOrTx, ctx: RequestContext, record: ChangeRecord): Promise<void> {
  return recordChanges(tx, ctx, [record]);
}
