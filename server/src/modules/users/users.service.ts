import type pg from 'pg';
import type { z } from 'zod';
import { User, type CreateUserInput, type UpdateUserInput, type UserListQuery } from '@registry/shared/schemas/users';
import type { RequestContext } from '../../context';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import { assertVersion, type ExpectedVersion } from '../../lib/versioning';
import { checkPasswordStrength, hashPassword } from '../auth/password';
import { forgetAuth } from '../../plugins/auth';
import { recordChanges } from '../history/change-log';
import { assertAdmin } from '../registry/registry.access';
import { Params } from '../registry/registry.queries';
import { scopeOf } from '../registry/resource';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '../../db/schema/index';

// Admins manage accounts. Passwords must pass the strength rule and are
// stored as argon2id hashes; accounts made here are never demo accounts
// (users.demo is set only by the demo dataset). Admins cannot disable or
// demote themselves, so the registry never loses its last way in by accident.

const COLUMNS = `id, username, display_name AS "displayName", email, role, carrier_id AS "carrierId", locale, disabled,
  locked_until AS "lockedUntil", demo, version, created_at AS "createdAt", updated_at AS "updatedAt"`;

type UserRow = z.infer<typeof User>;

function toUser(row: Record<string, unknown>): UserRow {
  const out: Record<string, unknown> = { ...row };
  for (const key of ['lockedUntil', 'createdAt', 'updatedAt']) if (out[key] instanceof Date) out[key] = (out[key] as Date).toISOString();
  return out as UserRow;
}

function assertStrong(password: string) {
  const strength = checkPasswordStrength(password);
  if (!strength.valid) throw new ValidationError([{ path: 'password', message: `Password too weak (${strength.reason})`, reason: strength.reason }]);
}

export function createUsersService({ pool }: { pool: pg.Pool }) {
  async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  const log = (client: pg.PoolClient, ctx: RequestContext, action: 'create' | 'update' | 'delete', before: UserRow | null, after: UserRow | null) =>
    recordChanges(drizzle(client, { schema, casing: 'snake_case' }), ctx, [{ objectType: 'user', objectId: (after ?? before)!.id, action, before, after }]);

  async function find(db: Pick<pg.Pool, 'query'>, id: number, lock = false): Promise<UserRow> {
    const r = await db.query(`SELECT ${COLUMNS} FROM users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!r.rows[0]) throw new NotFoundError('User', id);
    return toUser(r.rows[0]);
  }

  return {
    async list(ctx: RequestContext, query: z.infer<typeof UserListQuery>) {
      assertAdmin(scopeOf(ctx.actor), 'manage users');
      const params = new Params();
      const where: string[] = [];
      if (query.role) where.push(`role = ${params.bind(query.role)}`);
      if (query.carrierId) where.push(`carrier_id = ${params.bind(query.carrierId)}`);
      if (query.q) where.push(`(username ILIKE ${params.bind(`%${query.q}%`)} OR display_name ILIKE ${params.bind(`%${query.q}%`)})`);
      const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const countValues = [...params.values];
      const cursor = decodeCursor(query.cursor);
      if (cursor) where.push(`id > ${params.bind(cursor.id)}`);
      const sqlWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const [rows, count] = await Promise.all([
        pool.query(`SELECT ${COLUMNS} FROM users ${sqlWhere} ORDER BY id LIMIT ${params.bind(query.limit + 1)}`, params.values),
        pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users ${countWhere}`, countValues),
      ]);
      const items = rows.rows.slice(0, query.limit).map(toUser);
      const last = items.at(-1);
      return { items, total: count.rows[0]?.n ?? 0, nextCursor: rows.rows.length > query.limit && last ? encodeCursor({ k: null, id: last.id }) : null };
    },

    async get(ctx: RequestContext, id: number) {
      assertAdmin(scopeOf(ctx.actor), 'manage users');
      return find(pool, id);
    },

    async create(ctx: RequestContext, input: CreateUserInput) {
      assertAdmin(scopeOf(ctx.actor), 'manage users');
      assertStrong(input.password);
      const hash = await hashPassword(input.password);
      return inTransaction(async (client) => {
        const r = await client.query<{ id: number }>(
          `INSERT INTO users (username, display_name, email, password_hash, role, carrier_id, locale, demo)
           VALUES ($1, $2, $3, $4, $5, $6, $7, false) RETURNING id`,
          [input.username, input.displayName, input.email ?? null, hash, input.role, input.role === 'carrier' ? input.carrierId : null, input.locale ?? 'vi'],
        );
        const user = await find(client, r.rows[0]!.id);
        await log(client, ctx, 'create', null, user);
        return user;
      });
    },

    async update(ctx: RequestContext, id: number, input: UpdateUserInput, expected: ExpectedVersion) {
      const actor = ctx.actor;
      assertAdmin(scopeOf(actor), 'manage users');
      if (input.password !== undefined) assertStrong(input.password);
      const hash = input.password !== undefined ? await hashPassword(input.password) : null;
      const updated = await inTransaction(async (client) => {
        const before = await find(client, id, true);
        assertVersion(expected, before.version, 'User');
        const self = actor.kind === 'user' && actor.userId === id;
        if (self && (input.disabled === true || (input.role !== undefined && input.role !== 'admin'))) {
          throw new ConflictError('Admins cannot disable or demote themselves', {}, [{ path: input.disabled ? 'disabled' : 'role', message: 'Not on your own account', reason: 'constraint' }]);
        }
        const role = input.role ?? before.role;
        const carrierId = input.carrierId !== undefined ? input.carrierId : before.carrierId;
        if ((role === 'carrier') !== (carrierId !== null)) {
          throw new ValidationError([{ path: 'carrierId', message: 'carrierId is required for role carrier and only for it', reason: 'required' }]);
        }
        const params = new Params();
        const sets: string[] = [];
        if (input.displayName !== undefined) sets.push(`display_name = ${params.bind(input.displayName)}`);
        if (input.email !== undefined) sets.push(`email = ${params.bind(input.email)}`);
        if (input.locale !== undefined) sets.push(`locale = ${params.bind(input.locale)}`);
        if (input.disabled !== undefined) sets.push(`disabled = ${params.bind(input.disabled)}`);
        if (hash) sets.push(`password_hash = ${params.bind(hash)}`);
        if (input.unlock) sets.push('failed_logins = 0', 'locked_until = NULL');
        sets.push(`role = ${params.bind(role)}`, `carrier_id = ${params.bind(carrierId)}`, 'version = version + 1', 'updated_at = now()');
        await client.query(`UPDATE users SET ${sets.join(', ')} WHERE id = ${params.bind(id)}`, params.values);
        // A disabled account or changed password ends its sessions.
        if (input.disabled || hash) await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
        const after = await find(client, id);
        await log(client, ctx, 'update', before, after);
        return after;
      });
      forgetAuth({ userId: id }); // remembered sessions and tokens carry the old role, carrier and state
      return updated;
    },

    /** Removes an account; its change-log rows keep the username. Prefer disabling. */
    async remove(ctx: RequestContext, id: number) {
      const actor = ctx.actor;
      assertAdmin(scopeOf(actor), 'manage users');
      if (actor.kind === 'user' && actor.userId === id) throw new ConflictError('Admins cannot delete themselves');
      await inTransaction(async (client) => {
        const before = await find(client, id, true);
        await log(client, ctx, 'delete', before, null);
        await client.query('DELETE FROM users WHERE id = $1', [id]);
      });
      forgetAuth({ userId: id });
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
