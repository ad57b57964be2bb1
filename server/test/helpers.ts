import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { createDatabase, type Database } from '../src/db/client';
import { hashPassword } from '../src/modules/auth/password';
import type { Role } from '@registry/shared/enums';

export const testDatabaseUrl = () => inject('databaseUrl');

export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({}, { DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent', ...overrides });
}

export async function buildTestApp(overrides: Partial<Record<keyof Config, string>> = {}, database?: Database): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(overrides), database, logger: false });
  await app.ready();
  return app;
}

export function testDatabase(): Database {
  return createDatabase(testDatabaseUrl(), { max: 4, applicationName: 'registry-test' });
}

/** Runs fn in a transaction that is always rolled back. */
export async function inRollback<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    return await fn(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

let counter = 0;
/** A unique suffix for codes and usernames made by a test. */
export function unique(prefix = 't'): string {
  counter += 1;
  return `${prefix}${process.pid}${Date.now().toString(36)}${counter}`;
}

export const TEST_PASSWORD = 'Test-Passw0rd!';
let passwordHash: Promise<string> | null = null;

/** Creates a carrier for a test. */
export async function createTestCarrier(pool: pg.Pool, code = unique('C')): Promise<{ id: number; code: string }> {
  const r = await pool.query<{ id: number }>(
    `INSERT INTO carriers (code, name, legal_name, licence_kinds) VALUES ($1, $1, $1 || ' JSC', '{mobile,fixed,infrastructure}') RETURNING id`,
    [code],
  );
  return { id: r.rows[0]!.id, code };
}

/** Creates a user of a role (carrier users need carrierId) with TEST_PASSWORD. */
export async function createTestUser(pool: pg.Pool, role: Role, carrierId: number | null = null): Promise<{ id: number; username: string }> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const username = unique(role);
  const r = await pool.query<{ id: number }>(
    `INSERT INTO users (username, display_name, password_hash, role, carrier_id) VALUES ($1, $1, $2, $3, $4) RETURNING id`,
    [username, await passwordHash, role, carrierId],
  );
  return { id: r.rows[0]!.id, username };
}

/** Logs in through the API; returns headers to send (cookie + CSRF token). */
export async function loginHeaders(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed for ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'registry_session');
  const body = res.json() as { csrfToken: string };
  return { cookie: `registry_session=${cookie!.value}`, 'x-csrf-token': body.csrfToken };
}
