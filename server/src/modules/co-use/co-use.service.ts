import { sql, type SQL } from 'drizzle-orm';
import { bboxOf, type AnyGeometry } from '@registry/shared/geo/geometry';
import type { CoUseStatus } from '@registry/shared/enums';
import type { CoUseListQuery, CoUseRequest, CreateCoUseRequestInput, SharedStructureKind } from '@registry/shared/schemas/permits';
import type { RequestContext } from '../../context';
import type { Database, DbOrTx } from '../../db/client';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../../errors';
import type { RegistryEvents } from '../../lib/events';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import { assertVersion, type ExpectedVersion } from '../../lib/versioning';
import { recordChange, recordChanges } from '../history/change-log';
import { toDate, toIso, toIsoOrNull } from '../permits/permits.queries';
import { readNumberSetting, rows } from '../permits/sql';
import { selectStructure } from '../sharing/sharing.queries';

export interface CoUseServiceDeps {
  database: Database;
  events: RegistryEvents;
}

type UserActor = Extract<RequestContext['actor'], { kind: 'user' }>;
const OBJECT_TYPE = 'co_use_request';
const LAYER: Record<SharedStructureKind, string> = { site: 'sites', pole: 'poles', conduit: 'conduits', trench: 'trenches' };

function userOf(ctx: RequestContext): UserActor {
  if (ctx.actor.kind !== 'user') throw new UnauthenticatedError();
  return ctx.actor;
}
const forbidden = (en: string, vi: string) => new ForbiddenError(en, { en, vi });
const conflict = (en: string, vi: string, extra: Record<string, unknown> = {}) => new ConflictError(en, extra, [], { en, vi });

interface RequestRow {
  id: number;
  requester_carrier_id: number;
  requester_code: string;
  owner_carrier_id: number;
  owner_code: string;
  site_id: number | null;
  pole_id: number | null;
  conduit_id: number | null;
  trench_id: number | null;
  structure_code: string | null;
  application_id: number | null;
  status: CoUseStatus;
  message: string | null;
  quantity: number;
  answer_reason: string | null;
  deadline: Date;
  answered_at: Date | null;
  tenancy_id: number | null;
  version: number;
  created_at: Date;
}

const SELECT = sql`SELECT r.id, r.requester_carrier_id, rq.code AS requester_code, r.owner_carrier_id, ow.code AS owner_code,
       r.site_id, r.pole_id, r.conduit_id, r.trench_id,
       coalesce(s.code, p.code, d.code, t.code) AS structure_code,
       r.application_id, r.status, r.message, r.quantity, r.answer_reason, r.deadline, r.answered_at, r.tenancy_id, r.version, r.created_at
  FROM co_use_requests r
  JOIN carriers rq ON rq.id = r.requester_carrier_id
  JOIN carriers ow ON ow.id = r.owner_carrier_id
  LEFT JOIN sites s ON s.id = r.site_id LEFT JOIN poles p ON p.id = r.pole_id
  LEFT JOIN conduits d ON d.id = r.conduit_id LEFT JOIN trenches t ON t.id = r.trench_id`;

function structureOf(r: Pick<RequestRow, 'site_id' | 'pole_id' | 'conduit_id' | 'trench_id'>): { kind: SharedStructureKind; id: number } {
  if (r.site_id) return { kind: 'site', id: r.site_id };
  if (r.pole_id) return { kind: 'pole', id: r.pole_id };
  if (r.conduit_id) return { kind: 'conduit', id: r.conduit_id };
  return { kind: 'trench', id: r.trench_id! };
}

function toView(r: RequestRow): CoUseRequest {
  return {
    id: r.id,
    requesterCarrierId: r.requester_carrier_id,
    requesterCarrierCode: r.requester_code,
    ownerCarrierId: r.owner_carrier_id,
    ownerCarrierCode: r.owner_code,
    structure: { ...structureOf(r), code: r.structure_code },
    applicationId: r.application_id,
    status: r.status,
    message: r.message,
    quantity: r.quantity,
    answerReason: r.answer_reason,
    deadline: toIso(r.deadline),
    answeredAt: toIsoOrNull(r.answered_at),
    tenancyId: r.tenancy_id,
    version: r.version,
    createdAt: toIso(r.created_at),
  };
}

/**
 * Co-use requests: a carrier asks a structure's owner for space; the owner
 * accepts or declines with a reason before the deadline; the department sees
 * every request and, per owner, who refuses to share. Acceptance creates the
 * tenancy (sites: site_tenancies, counted by the site-sharing rate) or the
 * occupancy (poles, conduits, tunnels: occupancies, and used counts go up).
 */
export function createCoUseService(deps: CoUseServiceDeps) {
  const { db } = deps.database;

  async function getRow(tx: DbOrTx, id: number, forUpdate = false): Promise<RequestRow | null> {
    const found = await rows<RequestRow>(tx, sql`${SELECT} WHERE r.id = ${id} ${forUpdate ? sql`FOR UPDATE OF r` : sql``}`);
    return found[0] ?? null;
  }

  function assertCanSee(actor: UserActor, r: RequestRow): void {
    if (actor.role !== 'carrier') return;
    if (actor.carrierId !== r.requester_carrier_id && actor.carrierId !== r.owner_carrier_id) {
      throw forbidden('A request between other carriers', 'Yêu cầu giữa các doanh nghiệp khác');
    }
  }

  /** Pending requests past their deadline lapse ('expired'), each logged. */
  async function expireOverdue(ctx: RequestContext): Promise<void> {
    await db.transaction(async (tx) => {
      const lapsed = await rows<{ id: number; deadline: Date }>(
        tx,
        sql`UPDATE co_use_requests SET status = 'expired', version = version + 1, updated_at = now()
             WHERE status = 'pending' AND deadline < now() RETURNING id, deadline`,
      );
      await recordChanges(
        tx,
        ctx,
        lapsed.map((l) => ({ objectType: OBJECT_TYPE, objectId: l.id, action: 'transition' as const, before: { status: 'pending' }, after: { status: 'expired' }, reason: `Not answered by ${toIso(l.deadline)}` })),
      );
    });
  }

  return {
    expireOverdue,

    async create(ctx: RequestContext, input: CreateCoUseRequestInput, requesterCarrierId?: number): Promise<CoUseRequest> {
      const actor = userOf(ctx);
      let requester: number;
      if (actor.role === 'carrier') requester = actor.carrierId!;
      else if (actor.role === 'admin' && requesterCarrierId) requester = requesterCarrierId;
      else throw forbidden('Only a carrier asks to share a structure', 'Chỉ doanh nghiệp viễn thông được đề nghị dùng chung');
      const { kind, id } = input.structure;
      const created = await db.transaction(async (tx) => {
        const structure = await selectStructure(tx, kind, id);
        if (!structure) throw new NotFoundError(kind, id);
        if (structure.owner_carrier_id === requester) throw conflict('You own this structure', 'Doanh nghiệp là chủ sở hữu công trình này');
        if (kind === 'site' && input.quantity !== 1) throw new ValidationError([{ path: 'quantity', message: 'A site tenancy is one position', reason: 'too_big' }]);
        if (structure.free < input.quantity) {
          throw conflict(`Only ${structure.free} free on ${structure.code}`, `Công trình ${structure.code} chỉ còn ${structure.free} chỗ trống`, { free: structure.free });
        }
        if (kind === 'site') {
          const already = await rows<{ id: number }>(tx, sql`SELECT id FROM site_tenancies WHERE site_id = ${id} AND carrier_id = ${requester} AND until IS NULL`);
          if (already.length > 0) throw conflict('Already a tenant of this site', 'Doanh nghiệp đã thuê chỗ trên trạm này');
        }
        const open = await rows<{ id: number }>(
          tx,
          sql`SELECT id FROM co_use_requests WHERE requester_carrier_id = ${requester} AND status = 'pending'
                AND ${sql.identifier(`${kind}_id`)} = ${id}`,
        );
        if (open.length > 0) throw conflict(`Request ${open[0]!.id} for this structure is still pending`, `Đề nghị ${open[0]!.id} cho công trình này đang chờ trả lời`, { requestId: open[0]!.id });
        if (input.applicationId) {
          const owned = await rows<{ id: number }>(tx, sql`SELECT id FROM permit_applications WHERE id = ${input.applicationId} AND applicant_carrier_id = ${requester}`);
          if (owned.length === 0) throw new ValidationError([{ path: 'applicationId', message: 'Not one of your applications', reason: 'unknown_reference' }]);
        }
        const days = await readNumberSetting(tx, 'co_use_answer_days', 30);
        const inserted = await rows<{ id: number }>(
          tx,
          sql`INSERT INTO co_use_requests (requester_carrier_id, owner_carrier_id, ${sql.identifier(`${kind}_id`)}, application_id, message, quantity, deadline, created_by)
              VALUES (${requester}, ${structure.owner_carrier_id}, ${id}, ${input.applicationId ?? null}, ${input.message ?? null}, ${input.quantity},
                      now() + make_interval(days => ${Math.round(days)}), ${actor.userId > 0 ? actor.userId : null})
              RETURNING id`,
        );
        const requestId = inserted[0]!.id;
        await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: requestId, action: 'create', after: { ...input, requesterCarrierId: requester, ownerCarrierId: structure.owner_carrier_id } });
        return requestId;
      });
      return toView((await getRow(db, created))!);
    },

    async list(ctx: RequestContext, query: CoUseListQuery) {
      const actor = userOf(ctx);
      await expireOverdue(ctx);
      const where: SQL[] = [sql`true`];
      if (actor.role === 'carrier') {
        const me = actor.carrierId!;
        if (query.direction === 'incoming') where.push(sql`r.owner_carrier_id = ${me}`);
        else if (query.direction === 'outgoing') where.push(sql`r.requester_carrier_id = ${me}`);
        else where.push(sql`(r.owner_carrier_id = ${me} OR r.requester_carrier_id = ${me})`);
      } else if (query.carrierId) {
        where.push(sql`(r.owner_carrier_id = ${query.carrierId} OR r.requester_carrier_id = ${query.carrierId})`);
      }
      if (query.status) where.push(sql`r.status = ${query.status}`);
      const filter = sql.join(where, sql` AND `);
      const cursor = decodeCursor(query.cursor);
      const page = cursor ? sql` AND r.id < ${cursor.id}` : sql``;
      const [found, count] = await Promise.all([
        rows<RequestRow>(db, sql`${SELECT} WHERE ${filter}${page} ORDER BY r.id DESC LIMIT ${query.limit + 1}`),
        rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM co_use_requests r WHERE ${filter}`),
      ]);
      const items = found.slice(0, query.limit).map(toView);
      const last = items.at(-1);
      return { items, total: count[0]?.n ?? 0, nextCursor: found.length > query.limit && last ? encodeCursor({ k: last.id, id: last.id }) : null };
    },

    async get(ctx: RequestContext, id: number): Promise<CoUseRequest> {
      const actor = userOf(ctx);
      const row = await getRow(db, id);
      if (!row) throw new NotFoundError('Co-use request', id);
      assertCanSee(actor, row);
      return toView(row);
    },

    /** The owner's answer; acceptance creates the tenancy or occupancy and uses up capacity. */
    async answer(ctx: RequestContext, id: number, decision: 'accept' | 'decline', reason: string | undefined, expected: ExpectedVersion): Promise<CoUseRequest> {
      const actor = userOf(ctx);
      let changed: { layer: string; geometry: AnyGeometry } | null = null;
      await db.transaction(async (tx) => {
        const row = await getRow(tx, id, true);
        if (!row) throw new NotFoundError('Co-use request', id);
        if (actor.role !== 'admin' && !(actor.role === 'carrier' && actor.carrierId === row.owner_carrier_id)) {
          throw forbidden("Only the structure's owner answers", 'Chỉ chủ sở hữu công trình được trả lời');
        }
        assertVersion(expected, row.version, 'The request');
        if (row.status !== 'pending') throw conflict(`The request is ${row.status}`, `Đề nghị đang ở trạng thái ${row.status}`, { status: row.status });
        if (toDate(row.deadline).getTime() < Date.now()) throw conflict('The deadline has passed', 'Đã quá hạn trả lời', { deadline: toIso(row.deadline) });
        const userId = actor.userId > 0 ? actor.userId : null;
        if (decision === 'decline') {
          await tx.execute(
            sql`UPDATE co_use_requests SET status = 'declined', answer_reason = ${reason!}, answered_at = now(), answered_by = ${userId}, version = version + 1, updated_at = now() WHERE id = ${id}`,
          );
          await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: id, action: 'transition', before: { status: 'pending' }, after: { status: 'declined' }, reason: reason! });
          return;
        }
        const { kind, id: structureId } = structureOf(row);
        const structure = await selectStructure(tx, kind, structureId, true);
        if (!structure) throw new NotFoundError(kind, structureId);
        if (structure.free < row.quantity) {
          throw conflict(`Only ${structure.free} free on ${structure.code}`, `Công trình ${structure.code} chỉ còn ${structure.free} chỗ trống`, { free: structure.free });
        }
        let tenancyId: number | null = null;
        const records = [];
        if (kind === 'site') {
          const t = await rows<{ id: number }>(
            tx,
            sql`INSERT INTO site_tenancies (site_id, carrier_id, position) VALUES (${structureId}, ${row.requester_carrier_id}, ${`co-use request ${id}`}) RETURNING id`,
          );
          tenancyId = t[0]!.id;
          records.push({ objectType: 'site_tenancy', objectId: tenancyId, action: 'create' as const, after: { siteId: structureId, carrierId: row.requester_carrier_id, coUseRequestId: id } });
        } else {
          const column = sql.identifier(`${kind}_id`);
          const o = await rows<{ id: number }>(
            tx,
            sql`INSERT INTO occupancies (${column}, carrier_id, count, slot) VALUES (${structureId}, ${row.requester_carrier_id}, ${row.quantity}, ${`co-use ${id}`}) RETURNING id`,
          );
          if (kind === 'conduit') await tx.execute(sql`UPDATE conduits SET ducts_used = ducts_used + ${row.quantity}, version = version + 1, updated_at = now() WHERE id = ${structureId}`);
          if (kind === 'trench') await tx.execute(sql`UPDATE trenches SET capacity_used = capacity_used + ${row.quantity}, version = version + 1, updated_at = now() WHERE id = ${structureId}`);
          records.push({ objectType: 'occupancy', objectId: o[0]!.id, action: 'create' as const, after: { [`${kind}Id`]: structureId, carrierId: row.requester_carrier_id, count: row.quantity, coUseRequestId: id } });
          if (kind !== 'pole') {
            records.push({ objectType: kind, objectId: structureId, action: 'update' as const, before: { used: structure.used }, after: { used: structure.used + row.quantity }, reason: `Co-use request ${id} accepted` });
          }
        }
        await tx.execute(
          sql`UPDATE co_use_requests SET status = 'accepted', answer_reason = ${reason ?? null}, answered_at = now(), answered_by = ${userId}, tenancy_id = ${tenancyId},
                     version = version + 1, updated_at = now() WHERE id = ${id}`,
        );
        await recordChanges(tx, ctx, [
          ...records,
          { objectType: OBJECT_TYPE, objectId: id, action: 'transition', before: { status: 'pending' }, after: { status: 'accepted', tenancyId }, reason: reason ?? null },
        ]);
        changed = { layer: LAYER[kind], geometry: JSON.parse(structure.geojson) as AnyGeometry };
      });
      if (changed) {
        const c = changed as { layer: string; geometry: AnyGeometry };
        deps.events.emit('assets-changed', { layers: [c.layer], bboxes: [bboxOf(c.geometry)] });
      }
      return toView((await getRow(db, id))!);
    },

    async withdraw(ctx: RequestContext, id: number, expected: ExpectedVersion): Promise<CoUseRequest> {
      const actor = userOf(ctx);
      await db.transaction(async (tx) => {
        const row = await getRow(tx, id, true);
        if (!row) throw new NotFoundError('Co-use request', id);
        if (actor.role !== 'admin' && !(actor.role === 'carrier' && actor.carrierId === row.requester_carrier_id)) {
          throw forbidden('Only the requester withdraws', 'Chỉ doanh nghiệp đề nghị được rút đề nghị');
        }
        assertVersion(expected, row.version, 'The request');
        if (row.status !== 'pending') throw conflict(`The request is ${row.status}`, `Đề nghị đang ở trạng thái ${row.status}`, { status: row.status });
        await tx.execute(sql`UPDATE co_use_requests SET status = 'withdrawn', version = version + 1, updated_at = now() WHERE id = ${id}`);
        await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: id, action: 'transition', before: { status: 'pending' }, after: { status: 'withdrawn' } });
      });
      return toView((await getRow(db, id))!);
    },

    /** Per owner: requests received and how they were answered, with every decline's reason. */
    async ownerReport(ctx: RequestContext) {
      userOf(ctx);
      await expireOverdue(ctx);
      const found = await rows<{
        owner_carrier_id: number;
        code: string;
        name: string;
        received: number;
        accepted: number;
        declined: number;
        expired: number;
        pending: number;
        declines: { requestId: number; requesterCarrierCode: string; reason: string; answeredAt: string }[] | null;
      }>(
        db,
        sql`SELECT r.owner_carrier_id, c.code, c.name, count(*)::int AS received,
                   count(*) FILTER (WHERE r.status = 'accepted')::int AS accepted,
                   count(*) FILTER (WHERE r.status = 'declined')::int AS declined,
                   count(*) FILTER (WHERE r.status = 'expired')::int AS expired,
                   count(*) FILTER (WHERE r.status = 'pending')::int AS pending,
                   json_agg(json_build_object('requestId', r.id, 'requesterCarrierCode', q.code, 'reason', r.answer_reason, 'answeredAt', r.answered_at) ORDER BY r.answered_at DESC)
                     FILTER (WHERE r.status = 'declined') AS declines
              FROM co_use_requests r JOIN carriers c ON c.id = r.owner_carrier_id JOIN carriers q ON q.id = r.requester_carrier_id
             GROUP BY r.owner_carrier_id, c.code, c.name
             ORDER BY count(*) FILTER (WHERE r.status IN ('declined', 'expired')) DESC, c.code`,
      );
      return {
        items: found.map((f) => {
          const settled = f.accepted + f.declined + f.expired;
          return {
            ownerCarrierId: f.owner_carrier_id,
            ownerCarrierCode: f.code,
            ownerCarrierName: f.name,
            received: f.received,
            accepted: f.accepted,
            declined: f.declined,
            expired: f.expired,
            pending: f.pending,
            refusalRate: settled > 0 ? Math.round(((f.declined + f.expired) / settled) * 1000) / 1000 : null,
            declineReasons: (f.declines ?? []).map((d) => ({ ...d, answeredAt: toIso(d.answeredAt) })),
          };
        }),
      };
    },
  };
}

export type CoUseService = ReturnType<typeof createCoUseService>;
