// One database bring-up for `npm start` and `npm test`:
//   1. DATABASE_URL (or TEST_DATABASE_URL for tests) when set — used as is;
//   2. else the local server on 127.0.0.1:5432 when it answers;
//   3. else the installed Debian cluster (pg_ctlcluster), or a private cluster
//      under .pgdata/ when PostgreSQL is installed without one, run as the
//      `postgres` user (PostgreSQL refuses to run as root);
//   4. then the project's role and database through the local socket, PostGIS
//      installed with apt when missing, and CREATE EXTENSION postgis.
import net from 'node:net';
import { mkdirSync, readdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { SetupError, ensureAptPackages, fileExists, isRoot, sh, which } from './system';

const ROLE = 'registry';
const PASSWORD = process.env.REGISTRY_DB_PASSWORD ?? 'registry';
const HOST = '127.0.0.1';
const PORT = 5432;

export interface BringUpOptions {
  /** Database name used when no URL is given. */
  database: string;
  /** An explicit connection string (DATABASE_URL), used as is. */
  url?: string;
  /** Where a private cluster may live (git-ignored). */
  projectRoot: string;
  /** Drop and recreate the database first (tests). */
  fresh?: boolean;
}

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitReachable(host: string, port: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(host, port, 250)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Explains a connection failure in one line that names DATABASE_URL and the fix. */
export function explainConnectionError(error: unknown, url: string, variable = 'DATABASE_URL'): string {
  const e = error as { code?: string; message?: string };
  let u: URL | null = null;
  try {
    u = new URL(url);
  } catch {
    return `${variable} is not a valid connection string (expected postgres://user:password@host:port/database).`;
  }
  const where = `${u.hostname}:${u.port || 5432}`;
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return `Cannot reach PostgreSQL at ${where} (${variable}): start the server there, or unset ${variable} to let the project run a local one.`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login of user "${decodeURIComponent(u.username)}" at ${where}: fix the user or password in ${variable}.`;
    case '3D000':
      return `Database "${u.pathname.slice(1)}" does not exist at ${where}: create it (createdb) or point ${variable} at an existing one.`;
    default:
      return `Cannot use the database in ${variable} (${where}): ${e.message ?? String(error)}`;
  }
}

/** Runs SQL as the postgres superuser through the local socket. */
function superuserPsql(sql: string, database: string, socketDir: string | null): { status: number; stdout: string; stderr: string } {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-p', String(PORT), '-d', database];
  if (socketDir) args.push('-h', socketDir);
  const me = process.env.USER ?? '';
  if (me === 'postgres') return sh('psql', args, { input: sql });
  if (!isRoot()) return { status: 1, stdout: '', stderr: 'not root' };
  return sh('runuser', ['-u', 'postgres', '--', 'psql', ...args], { input: sql });
}

function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fileExists(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => fileExists(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

/** Starts a local PostgreSQL when none answers on 127.0.0.1:5432; returns its socket dir. */
async function startLocalServer(projectRoot: string): Promise<string | null> {
  if (!which('pg_lsclusters') && !postgresBinDir()) {
    if (isRoot() && which('apt-get')) {
      ensureAptPackages(['postgresql'], 'the local database');
    } else {
      throw new SetupError('PostgreSQL is not installed: install it (`sudo apt-get install -y postgresql postgresql-15-postgis-3`) or set DATABASE_URL to an existing PostGIS database.');
    }
  }
  if (which('pg_lsclusters')) {
    const lines = sh('pg_lsclusters', ['--no-header']).stdout.trim().split('\n').filter(Boolean);
    const clusters = lines.map((l) => l.trim().split(/\s+/)).map(([ver, name, port, status]) => ({ ver, name, port: Number(port), status }));
    const cluster = clusters.find((c) => c.port === PORT);
    if (cluster) {
      if (cluster.status !== 'online') {
        process.stdout.write(`  starting PostgreSQL cluster ${cluster.ver}/${cluster.name}…\n`);
        const r = sh('pg_ctlcluster', [cluster.ver!, cluster.name!, 'start']);
        if (r.status !== 0) throw new SetupError(`pg_ctlcluster ${cluster.ver} ${cluster.name} start failed: ${r.stderr.trim()}`);
      }
      if (!(await waitReachable(HOST, PORT, 30))) throw new SetupError(`PostgreSQL cluster ${cluster.ver}/${cluster.name} did not open port ${PORT} within 30 s; see /var/log/postgresql/.`);
      return null;
    }
  }
  // A private cluster under .pgdata/, owned and run by the postgres user.
  const bin = postgresBinDir();
  if (!bin) throw new SetupError('No PostgreSQL cluster on port 5432 and no initdb found: set DATABASE_URL to a PostGIS database.');
  const dataDir = join(projectRoot, '.pgdata', 'data');
  const socketDir = join(projectRoot, '.pgdata', 'run');
  mkdirSync(socketDir, { recursive: true });
  const asPostgres = (cmd: string, args: string[]) =>
    isRoot() ? sh('runuser', ['-u', 'postgres', '--', cmd, ...args]) : sh(cmd, args);
  if (isRoot()) {
    const uid = Number(sh('id', ['-u', 'postgres']).stdout.trim());
    const gid = Number(sh('id', ['-g', 'postgres']).stdout.trim());
    chownSync(join(projectRoot, '.pgdata'), uid, gid);
    chownSync(socketDir, uid, gid);
  }
  if (!fileExists(join(dataDir, 'PG_VERSION'))) {
    process.stdout.write(`  initialising a private PostgreSQL cluster in ${dataDir}…\n`);
    const r = asPostgres(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8']);
    if (r.status !== 0) throw new SetupError(`initdb failed: ${r.stderr.trim()}`);
  }
  process.stdout.write('  starting the private PostgreSQL cluster…\n');
  const r = asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(projectRoot, '.pgdata', 'server.log'), '-o', `-p ${PORT} -k ${socketDir} -c listen_addresses=${HOST}`, '-w', 'start']);
  if (r.status !== 0) throw new SetupError(`pg_ctl start failed: ${r.stderr.trim()} (see .pgdata/server.log)`);
  return socketDir;
}

function serverMajor(socketDir: string | null): number {
  const r = superuserPsql('SHOW server_version_num;', 'postgres', socketDir);
  return Math.floor(Number(r.stdout.trim()) / 10000);
}

function quoteLiteral(s: string) {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Brings PostGIS up and returns a connection string for the project's database. */
export async function bringUpDatabase(options: BringUpOptions): Promise<string> {
  if (options.url) return checkExplicitUrl(options.url, options.fresh ?? false);

  let socketDir: string | null = null;
  if (!(await reachable(HOST, PORT))) socketDir = await startLocalServer(options.projectRoot);
  else if (fileExists(join(options.projectRoot, '.pgdata', 'run'))) {
    const own = join(options.projectRoot, '.pgdata', 'run');
    if (fileExists(join(own, `.s.PGSQL.${PORT}`))) socketDir = own;
  }

  const canSuper = superuserPsql('SELECT 1;', 'postgres', socketDir).status === 0;
  const db = options.database;
  if (canSuper) {
    const role = superuserPsql(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(ROLE)}) THEN
           CREATE ROLE ${ROLE} LOGIN PASSWORD ${quoteLiteral(PASSWORD)};
         ELSE
           ALTER ROLE ${ROLE} LOGIN PASSWORD ${quoteLiteral(PASSWORD)};
         END IF;
       END $$;`,
      'postgres',
      socketDir,
    );
    if (role.status !== 0) throw new SetupError(`Could not create the database role "${ROLE}": ${role.stderr.trim()}`);
    if (options.fresh) superuserPsql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE);`, 'postgres', socketDir);
    const exists = superuserPsql(`SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(db)};`, 'postgres', socketDir).stdout.trim() === '1';
    if (!exists) {
      const r = superuserPsql(`CREATE DATABASE ${db} OWNER ${ROLE} ENCODING 'UTF8' TEMPLATE template0;`, 'postgres', socketDir);
      if (r.status !== 0) throw new SetupError(`Could not create database "${db}": ${r.stderr.trim()}`);
    }
    const available = superuserPsql(`SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis';`, db, socketDir).stdout.trim();
    if (available !== '1') ensureAptPackages([`postgresql-${serverMajor(socketDir)}-postgis-3`], 'PostGIS');
    const ext = superuserPsql('CREATE EXTENSION IF NOT EXISTS postgis;', db, socketDir);
    if (ext.status !== 0) throw new SetupError(`CREATE EXTENSION postgis failed in "${db}": ${ext.stderr.trim()}`);
  }
  const url = `postgres://${ROLE}:${encodeURIComponent(PASSWORD)}@${HOST}:${PORT}/${db}`;
  try {
    await ensurePostgis(url);
  } catch (error) {
    if (error instanceof SetupError) throw error;
    const hint = canSuper ? '' : ' (this user cannot reach the postgres superuser through the local socket to create the role: run as root, or set DATABASE_URL)';
    throw new SetupError(explainConnectionError(error, url) + hint);
  }
  return url;
}

async function checkExplicitUrl(url: string, fresh: boolean): Promise<string> {
  try {
    await ensurePostgis(url);
    if (fresh) {
      // A given test database is emptied, not dropped: the user may not be
      // allowed to create databases. Everything the user owns goes (tables,
      // the migrations' bookkeeping); PostGIS, created by a superuser, stays.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('SET client_min_messages = warning; DROP OWNED BY CURRENT_USER; CREATE SCHEMA IF NOT EXISTS public; CREATE EXTENSION IF NOT EXISTS postgis;');
      } finally {
        await client.end();
      }
    }
  } catch (error) {
    if (error instanceof SetupError) throw error;
    throw new SetupError(explainConnectionError(error, url));
  }
  return url;
}

/** Connects and makes sure PostGIS is usable, or says exactly why not. */
export async function ensurePostgis(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const installed = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
    if (installed.rowCount) return;
    const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'`);
    if (!available.rowCount) {
      const v = await client.query<{ v: string }>('SHOW server_version_num');
      const major = Math.floor(Number(v.rows[0]?.v) / 10000);
      throw new SetupError(`PostGIS is not installed on the server in DATABASE_URL: install postgresql-${major}-postgis-3 there (apt-get install -y postgresql-${major}-postgis-3).`);
    }
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
    } catch (error) {
      throw new SetupError(`PostGIS is installed but not enabled, and this user may not enable it: run \`CREATE EXTENSION postgis;\` as a superuser in that database (${(error as Error).message}).`);
    }
  } finally {
    await client.end();
  }
}
