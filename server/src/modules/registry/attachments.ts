import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { project } from '@registry/shared/schemas/registry-common';
import type { RequestContext } from '../../context';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors';
import { assertVersion, type ExpectedVersion } from '../../lib/versioning';
import { findById, isoTimestamp, normaliseRow, Params, prepared, TIMESTAMP_FIELDS } from './registry.queries';
import type { RegistryService } from './registry.service';
import { assertVisible } from './registry.access';
import { scopeOf, snake, type ResourceDescriptor, type Scope, type WriteContext } from './resource';
import { optionalVersion, versionFrom, withEtag } from './registry.routes';

// Rows a carrier holds on a structure: tenancies on sites, occupancies of
// ducts and positions on passive structures. The structure's owner manages
// every row on its structure; another carrier manages only its own rows;
// admins all. Commercial fields are seen by the two parties and staff.

type Row = Record<string, unknown>;

export interface AttachmentKind {
  /** Path segment under the parent: 'tenancies', 'occupancies'. */
  segment: string;
  objectType: string;
  label: string;
  table: string;
  parent: ResourceDescriptor;
  parentColumn: string;
  /** The parent id as the view names it: 'siteId', 'structureId'. */
  parentField: string;
  full: z.ZodObject<z.ZodRawShape>;
  others: z.ZodObject<z.ZodRawShape>;
  response: z.ZodObject<z.ZodRawShape>;
  createInput: z.ZodType;
  updateInput: z.ZodType;
  /** Date fields, read as YYYY-MM-DD. */
  dates: string[];
  /** Capacity rule: total on the parent row (alias p), use of the running rows (alias a). */
  capacity: { total: string; used: string } | null;
}

/** The full view's fields (alias `a`); `json`: for rows PostgreSQL turns into JSON (timestamps as ISO text). */
export function attachmentSelectList(k: AttachmentKind, { json = false } = {}): string {
  return Object.keys(k.full.shape)
    .map((field) => {
      if (field === k.parentField) return `a.${k.parentColumn} AS "${field}"`;
      if (field === 'carrierCode') return `(SELECT c.code FROM carriers c WHERE c.id = a.carrier_id) AS "carrierCode"`;
      if (k.dates.includes(field)) return `a.${snake(field)}::text AS "${field}"`;
      if (json && TIMESTAMP_FIELDS.has(field)) return `${isoTimestamp(`a.${snake(field)}`)} AS "${field}"`;
      return `a.${snake(field)} AS "${field}"`;
    })
    .join(', ');
}

/**
 * The writes of one attachment kind inside an open transaction, without the
 * HTTP service around them: a structure's create writes its nested rows with these.
 */
export function createAttachmentWriter(k: AttachmentKind) {
  const select = attachmentSelectList(k);
  const parentOwner = (parent: Row) => parent[k.parent.owner!.field];

  function viewOf(scope: Scope, parent: Row, row: Row) {
    if (scope.kind === 'staff') return k.full;
    if (scope.kind === 'carrier' && (row.carrierId === scope.carrierId || parentOwner(parent) === scope.carrierId)) return k.full;
    return k.others;
  }

  function assertManage(scope: Scope, parent: Row, carrierId: unknown) {
    if (scope.kind === 'public') throw new UnauthenticatedError();
    if (scope.kind === 'staff') {
      if (scope.role !== 'admin') throw new ForbiddenError(`Only the carriers involved or an admin may change ${k.segment}`);
      return;
    }
    if (parentOwner(parent) !== scope.carrierId && carrierId !== scope.carrierId) {
      throw new ForbiddenError(`A carrier changes only its own ${k.segment} on another carrier's structure`);
    }
  }

  async function rowsOf(db: Pick<WriteContext['client'], 'query'>, parentId: number, id?: number, lock = false): Promise<Row[]> {
    const params = new Params();
    const where = [`a.${k.parentColumn} = ${params.bind(parentId)}`];
    if (id !== undefined) where.push(`a.id = ${params.bind(id)}`);
    const r = await db.query(prepared(`SELECT ${select} FROM ${k.table} a WHERE ${where.join(' AND ')} ORDER BY a.id${lock ? ' FOR UPDATE' : ''}`, params.values));
    return r.rows.map((row) => normaliseRow(row as Row));
  }

  async function lockParent(w: WriteContext, parentId: number): Promise<Row> {
    const parent = await findById(w.client, k.parent, parentId, { lock: true });
    assertVisible(k.parent, w.scope, parent, parentId);
    return parent;
  }

  /** Refuses a write that would hold more than the structure offers. */
  async function assertCapacity(w: WriteContext, parentId: number) {
    if (!k.capacity) return;
    const r = await w.client.query<{ total: number; used: number }>(
      `SELECT ${k.capacity.total} AS total,
              (SELECT coalesce(${k.capacity.used}, 0) FROM ${k.table} a WHERE a.${k.parentColumn} = p.id AND (a.until IS NULL OR a.until >= CURRENT_DATE))::int AS used
         FROM ${k.parent.table} p WHERE p.id = $1`,
      [parentId],
    );
    const { total, used } = r.rows[0]!;
    if (used > total) {
      throw new ConflictError(`No free capacity: ${used} would be held of ${total}`, { capacity: total, used }, [
        { path: k.segment, message: `Capacity ${total}, requested ${used}`, reason: 'too_big' },
      ]);
    }
  }

  function touchParent(w: WriteContext, parent: Row, before: Row | null, after: Row | null) {
    w.records.push({ objectType: k.objectType, objectId: Number((after ?? before)!.id), action: before && after ? 'update' : before ? 'delete' : 'create', before, after });
    w.layers.add(k.parent.name);
    const g = parent.geometry as { type: string; coordinates: number[] } | undefined;
    if (g?.type === 'Point') w.bboxes.push([g.coordinates[0]!, g.coordinates[1]!, g.coordinates[0]!, g.coordinates[1]!]);
  }

  /** Inserts a row inside an open write (a site's nested tenancies use this too). */
  async function createWithin(w: WriteContext, parent: Row, given: Row): Promise<Row> {
    const input = { ...given };
    if (input.carrierId === undefined) {
      if (w.scope.kind !== 'carrier') throw new ConflictError('Name the carrier', {}, [{ path: 'carrierId', message: 'Required', reason: 'required' }]);
      input.carrierId = w.scope.carrierId;
    }
    assertManage(w.scope, parent, input.carrierId);
    const params = new Params();
    const columns = [k.parentColumn];
    const values = [params.bind(parent.id)];
    for (const [field, value] of Object.entries(input)) {
      if (value === undefined) continue;
      columns.push(snake(field));
      values.push(params.bind(value));
    }
    const r = await w.client.query<{ id: number }>(`INSERT INTO ${k.table} (${columns.join(', ')}) VALUES (${values.join(', ')}) RETURNING id`, params.values);
    await assertCapacity(w, Number(parent.id));
    const [row] = await rowsOf(w.client, Number(parent.id), r.rows[0]!.id);
    touchParent(w, parent, null, row!);
    return row!;
  }

  return { createWithin, rowsOf, viewOf, assertManage, assertCapacity, lockParent, touchParent };
}

/** Runs a nested write; its errors name the nested row (`occupancies.1.carrierId`). */
export async function nested<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) {
      if (error.details.length === 0) error.details.push({ path, message: error.message });
      else for (const d of error.details) d.path = d.path ? `${path}.${d.path}` : path;
    }
    const pgError = error as { code?: string; constraint?: string };
    if (pgError.code === '23505') {
      throw new ConflictError(`${path} repeats an existing code`, {}, [{ path: `${path}.code`, message: `Already exists (${pgError.constraint ?? 'unique'})`, reason: 'duplicate' }]);
    }
    throw error;
  }
}

/** Writes the rows of `nestedKey` in a parent's create body, each through the writer, naming the row on error. */
export async function createNested(k: AttachmentKind, w: WriteContext, parent: Row, rows: unknown, nestedKey: string): Promise<Row[]> {
  if (!Array.isArray(rows)) return [];
  const writer = writerOf(k);
  const out: Row[] = [];
  for (const [i, row] of rows.entries()) out.push(await nested(`${nestedKey}.${i}`, () => writer.createWithin(w, parent, row as Row)));
  return out;
}

const writers = new WeakMap<AttachmentKind, ReturnType<typeof createAttachmentWriter>>();
function writerOf(k: AttachmentKind) {
  let writer = writers.get(k);
  if (!writer) {
    writer = createAttachmentWriter(k);
    writers.set(k, writer);
  }
  return writer;
}

export function createAttachmentService(k: AttachmentKind, registry: RegistryService) {
  const { createWithin, rowsOf, viewOf, assertManage, assertCapacity, lockParent, touchParent } = writerOf(k);
  return {
    createWithin,
    rowsOf,
    viewOf,

    async list(ctx: RequestContext, parentId: number) {
      const scope = scopeOf(ctx.actor);
      const parent = await registry.getRow(k.parent, ctx, parentId);
      if (scope.kind === 'public') throw new UnauthenticatedError();
      const rows = await rowsOf(registry.pool, parentId);
      return rows.map((row) => project(viewOf(scope, parent, row), row));
    },

    async create(ctx: RequestContext, parentId: number, input: Row) {
      const scope = scopeOf(ctx.actor);
      if (scope.kind === 'public') throw new UnauthenticatedError();
      const { parent, row } = await registry.transaction(ctx, async (w) => {
        const parent = await lockParent(w, parentId);
        return { parent, row: await createWithin(w, parent, input) };
      });
      return project(viewOf(scope, parent, row), row);
    },

    async update(ctx: RequestContext, parentId: number, id: number, input: Row, expected: ExpectedVersion | null, end = false) {
      const scope = scopeOf(ctx.actor);
      if (scope.kind === 'public') throw new UnauthenticatedError();
      const { parent, row } = await registry.transaction(ctx, async (w) => {
        const parent = await lockParent(w, parentId);
        const [before] = await rowsOf(w.client, parentId, id, true);
        if (!before) throw new NotFoundError(k.label, id);
        assertManage(scope, parent, before.carrierId);
        if (expected) assertVersion(expected, Number(before.version), k.label);
        const params = new Params();
        const sets = Object.entries(input)
          .filter(([field, v]) => v !== undefined && field !== 'version')
          .map(([field, v]) => `${snake(field)} = ${params.bind(v)}`);
        if (end) sets.push('until = coalesce(until, CURRENT_DATE)');
        sets.push('version = version + 1', 'updated_at = now()');
        await w.client.query(`UPDATE ${k.table} SET ${sets.join(', ')} WHERE id = ${params.bind(id)}`, params.values);
        await assertCapacity(w, parentId);
        const [after] = await rowsOf(w.client, parentId, id);
        touchParent(w, parent, before, after!);
        return { parent, row: after! };
      });
      return project(viewOf(scope, parent, row), row);
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;

const AttachmentParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647), itemId: z.coerce.number().int().positive().max(2_147_483_647) });

export function registerAttachmentRoutes(app: FastifyInstance, k: AttachmentKind, service: AttachmentService, tag: string) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = `/api/${k.parent.name}/:id/${k.segment}`;
  const params = z.object({ id: AttachmentParams.shape.id });
  const roles = 'admin; the structure owner (any row on it); another carrier (its own rows only)';
  r.get(
    base,
    { schema: { tags: [tag], summary: `The ${k.segment} of one of ${k.parent.name} (roles: carrier, officer, planner, admin)`, params, response: { 200: z.object({ items: z.array(k.response) }) } } },
    async (request) => ({ items: await service.list(request.ctx(), request.params.id) }),
  );
  r.post(
    base,
    { schema: { tags: [tag], summary: `Add a row of ${k.segment} (roles: ${roles})`, params, body: k.createInput, response: { 201: k.response } } },
    async (request, reply) => {
      reply.status(201);
      return withEtag(reply, await service.create(request.ctx(), request.params.id, request.body as Row));
    },
  );
  r.patch(
    `${base}/:itemId`,
    { schema: { tags: [tag], summary: `Change a row of ${k.segment} (roles: ${roles}); send its version`, params: AttachmentParams, body: k.updateInput, response: { 200: k.response } } },
    async (request, reply) => {
      const expected = versionFrom(request, request.body);
      const { version: _v, ...input } = request.body as Row;
      return withEtag(reply, await service.update(request.ctx(), request.params.id, request.params.itemId, input, expected));
    },
  );
  r.delete(
    `${base}/:itemId`,
    { schema: { tags: [tag], summary: `End a row of ${k.segment} today; it stays in history (roles: ${roles})`, params: AttachmentParams, response: { 200: k.response } } },
    async (request, reply) => withEtag(reply, await service.update(request.ctx(), request.params.id, request.params.itemId, {}, optionalVersion(request), true)),
  );
}
