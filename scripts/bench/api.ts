// Registry API benchmark on the default dataset:
//
//   npm run bench:api
//
//   BENCH_DATABASE_URL  default: DATABASE_URL, else postgres://registry:registry@127.0.0.1:5432/registry
//                       (load it with npm run data:load)
//   BENCH_SECONDS       measured seconds per case and side (default 6, after 1 s of warm-up), in 2 s
//                       slices alternating API and pgbench so both see the same machine load
//   PGBENCH             path to pgbench (default /usr/lib/postgresql/15/bin/pgbench, else pgbench on PATH)
//   BENCH_SERVER_ARGS   extra node options for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
//                       (the profile is written when the server exits at the end)
//   BENCH_FLOOR=1       also run the cases against the floor (scripts/bench/api-floor-server.ts: node:http, a pg
//                       pool and the same statements, nothing else), each beside its own pgbench slices: the ratio
//                       a bare Node.js server in the middle reaches on this machine, and the API's CPU beside the floor's
//
// Two cases, each at 1 and 8 concurrent clients over keep-alive HTTP, as a
// planner (a browser session: full views, sectors included):
//   - list sites in a bbox (a random cell of a 20 × 20 grid over the sites' extent, 100 per page, with the total);
//   - get one site with its sectors and tenancies (a random site id).
// For each: requests/s, p50 and p99 latency, the server's CPU time per request
// (the figure that moves least with the machine's load), and the ratio to the same SQL run by `pgbench -M prepared`
// at the same concurrency. Target ≥ 0.6.
//
// Fairness: pgbench runs every statement the server runs for the request,
// built by the same functions, with the same parameters (the session lookup
// is not one: the auth plugin remembers a session for AUTH_CACHE_MS). The
// server runs as in production (server/src/server.ts) in its own process, and
// its CPU time is read from /proc; the clients run in a worker thread of this
// process over raw keep-alive HTTP/1.1 (prepared request bytes, responses
// read by Content-Length), as light a client as pgbench's own. API and
// pgbench slices alternate, so both see the same machine load; the load
// average is printed with each line. On a machine whose run queue is much
// longer than its CPUs the ratio measures the scheduler as much as the API:
// pgbench's 2 × clients processes get that many shares of the CPU, the
// server's one event loop one; compare srv CPU ms then.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { AUTH_CACHE_MS, randomToken, sha256 } from '../../server/src/plugins/auth';
import { buildListQuery } from '../../server/src/modules/registry/registry.queries';
import { siteDetailBodyQuery } from '../../server/src/modules/sites/sites.queries';
import { sitesResource } from '../../server/src/modules/sites/sites.descriptor';
import { pgbenchPath, quantile, rng } from './common';

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://registry:registry@127.0.0.1:5432/registry';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const GRID = 20;
const TARGET_RATIO = 0.6;

interface Extent {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  minId: number;
  maxId: number;
  sites: number;
  sectors: number;
}

/** One grid cell as a bbox: the same distribution the pgbench script draws. */
function cellBox(e: Extent, i: number, j: number): [number, number, number, number] {
  const dx = (e.xmax - e.xmin) / GRID;
  const dy = (e.ymax - e.ymin) / GRID;
  return [e.xmin + i * dx, e.ymin + j * dy, e.xmin + (i + 1) * dx, e.ymin + (j + 1) * dy];
}

/**
 * The HTTP clients, in a worker thread (its own event loop): each of `clients`
 * sends one request after another from its own list of URLs for `ms`. It also
 * reports its thread's CPU time (Linux: /proc/thread-self/stat), so that the
 * server's share of the process's CPU time can be told apart. Plain JS.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const net = require('node:net');
const { port, requests, ms } = workerData;
/** This thread's user + system CPU in ms, or null where /proc is missing. */
function threadCpuMs() {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return null;
  }
}
/**
 * One keep-alive connection sending its requests one after another until the
 * time is up: the request bytes are prepared, a response is read by its
 * Content-Length. (fetch spent more CPU per request than the server on this
 * machine, in the same process.)
 */
function client(mine, until, latencies, counts) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let i = 0;
    let t = 0;
    let buffered = Buffer.alloc(0);
    const send = () => {
      if (performance.now() >= until) {
        socket.end();
        resolve();
        return;
      }
      t = performance.now();
      socket.write(mine[i % mine.length]);
      i += 1;
    };
    socket.on('connect', send);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const head = buffered.indexOf('\\r\\n\\r\\n');
      if (head < 0) return;
      const header = buffered.toString('latin1', 0, head);
      const length = /\\r\\ncontent-length: *(\\d+)/i.exec(header);
      if (!length) {
        reject(new Error('response without Content-Length: ' + header));
        return;
      }
      const end = head + 4 + Number(length[1]);
      if (buffered.length < end) return;
      if (buffered.length > end) {
        reject(new Error('more bytes than one response'));
        return;
      }
      buffered = Buffer.alloc(0);
      latencies.push(performance.now() - t);
      if (header.slice(9, 12) !== '200') counts.failures += 1;
      counts.bytes += end - head - 4;
      send();
    });
  });
}
(async () => {
  const latencies = [];
  const counts = { failures: 0, bytes: 0 };
  const cpu0 = threadCpuMs();
  const until = performance.now() + ms;
  await Promise.all(requests.map((mine) => client(mine.map((r) => Buffer.from(r, 'latin1')), until, latencies, counts)));
  const cpu1 = threadCpuMs();
  parentPort.postMessage({ latencies, failures: counts.failures, bytes: counts.bytes, clientCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

interface SliceResult {
  latencies: number[];
  failures: number;
  bytes: number;
  clientCpuMs: number | null;
  error?: string;
}

/** A process's user + system CPU time in ms (all its threads), from /proc. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
}

/** One slice of load: each client's raw requests for `ms`; requests/s, latencies in ms, and the server's CPU ms per request. */
async function load(server: { pid: number; port: number }, requests: string[][], ms: number) {
  const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { port: server.port, requests, ms } });
  await new Promise((resolve) => worker.once('online', resolve));
  const before = processCpuMs(server.pid);
  const result = await new Promise<SliceResult>((resolve, reject) => {
    worker.once('message', (m: SliceResult) => resolve(m));
    worker.once('error', reject);
  });
  const cpu = processCpuMs(server.pid) - before;
  await worker.terminate();
  if (result.error) throw new Error(`load generator: ${result.error}`);
  const n = Math.max(1, result.latencies.length);
  return {
    rps: result.latencies.length / (ms / 1000),
    p50: quantile(result.latencies, 0.5),
    p99: quantile(result.latencies, 0.99),
    failures: result.failures,
    bytes: result.bytes / n,
    // 10 ms ticks: ±0.02 ms per request over a slice of 500 requests.
    cpuMsPerRequest: cpu / n,
    clientCpuMsPerRequest: (result.clientCpuMs ?? NaN) / n,
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The server as it runs in production (server/src/server.ts), in its own
 * process: the load generator does not share its event loop, threads or heap,
 * and its CPU time is read from /proc apart. Request logs off (LOG_LEVEL
 * silent, as the figures measure the API, not the log sink; BENCH_LOG_LEVEL to change).
 */
async function startServer(entry = join(root, 'server', 'src', 'server.ts')): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent', CLIENT_DIST: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (let waited = 0; ; waited += 100) {
    const up = await fetch(`http://127.0.0.1:${port}/api/auth/me`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || waited > 60_000) throw new Error(`the server did not start (exit ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid!,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a pgbench script; returns transactions per second. */
function pgbench(script: string, clients: number, durationSeconds: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, script);
  const out = execFileSync(pgbenchPath(), ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(clients), '-T', String(Math.max(1, Math.round(durationSeconds))), '-f', file, url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`pgbench output not understood:\n${out}`);
  return Number(m[1]);
}

/** Replaces $n placeholders by pgbench variables and ends each statement. */
function pgbenchSql(text: string, variables: string[]): string {
  return `${text.replace(/\$(\d+)/g, (_, n: string) => variables[Number(n) - 1]!).replace(/\s+/g, ' ')};\n`;
}

async function main() {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'registry-bench-api' });
  let extent: Extent | undefined;
  try {
    const r = await pool.query<Extent>(
      `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax, min_id AS "minId", max_id AS "maxId", n AS sites,
              (SELECT count(*)::int FROM sectors) AS sectors
         FROM (SELECT ST_Extent(geom)::geometry AS e, min(id) AS min_id, max(id) AS max_id, count(*)::int AS n FROM sites) s`,
    );
    extent = r.rows[0];
  } catch (error) {
    console.error(`Cannot read the registry at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}`);
  }
  if (!extent || !extent.sites) {
    console.error('bench:api needs the default dataset: no sites found. Load it with `npm run data:load` (or set BENCH_DATABASE_URL to a database that has it).');
    await pool.end();
    process.exit(2);
  }
  if (extent.maxId - extent.minId + 1 !== extent.sites) console.warn('  note: site ids are not contiguous; some random ids will 404 in both runs');
  console.log(`▶ registry API on ${url.replace(/:[^:@/]*@/, ':***@')}: ${extent.sites} sites, ${extent.sectors} sectors; ${seconds} s per case`);

  // A temporary planner with a browser session (a read needs no CSRF token), removed at the end.
  const username = `bench-api-${process.pid}`;
  const sessionId = randomToken();
  const user = await pool.query<{ id: number }>(
    `INSERT INTO users (username, display_name, password_hash, role) VALUES ($1, 'API benchmark', '!', 'planner') RETURNING id`,
    [username],
  );
  await pool.query(`INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, 'x', now() + interval '1 hour')`, [sha256(sessionId), user.rows[0]!.id]);

  const server = await startServer();
  try {
    const request = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: registry_session=${sessionId}\r\nAccept-Encoding: identity\r\n\r\n`;
    const scope = { kind: 'staff', role: 'planner' } as const;

    // The SQL each request runs, from the same builders, with pgbench variables.
    // The session lookup (server/src/plugins/auth.ts) is not among them: the
    // server runs it once per session per AUTH_CACHE_MS, not per request.
    const dx = (extent.xmax - extent.xmin) / GRID;
    const dy = (extent.ymax - extent.ymin) / GRID;
    const list = buildListQuery(sitesResource, { bbox: [0, 0, 0, 0], limit: 100 }, scope);
    const listScript =
      `\\set i random(0, ${GRID - 1})\n\\set j random(0, ${GRID - 1})\n` +
      `\\set x0 ${extent.xmin} + :i * ${dx}\n\\set y0 ${extent.ymin} + :j * ${dy}\n\\set x1 :x0 + ${dx}\n\\set y1 :y0 + ${dy}\n` +
      pgbenchSql(list.bodyText, [':x0', ':y0', ':x1', ':y1', '101', '100']);
    if (list.bodyValues.length !== 6) throw new Error('the list statement should take the bbox, limit + 1 and limit only');
    const detail = siteDetailBodyQuery(1, scope);
    if (detail.values?.length !== 1) throw new Error('the site detail statement should take the site id only');
    const getScript = `\\set sid random(${extent.minId}, ${extent.maxId})\n` + pgbenchSql(detail.text, [':sid']);

    /** Each client's own deterministic stream of requests. */
    const streams = (clients: number, next: (random: () => number) => string) =>
      Array.from({ length: clients }, (_, c) => {
        const random = rng(1000 + c);
        return Array.from({ length: 5000 }, () => next(random));
      });

    const cases = [
      {
        name: 'list sites in a bbox (100/page + total)',
        url: (random: () => number) => {
          const [a, b, c, d] = cellBox(extent!, Math.floor(random() * GRID), Math.floor(random() * GRID));
          return request(`/api/sites?bbox=${a},${b},${c},${d}&limit=100`);
        },
        script: listScript,
      },
      {
        name: 'get one site with sectors and tenancies',
        url: (random: () => number) => request(`/api/sites/${extent!.minId + Math.floor(random() * (extent!.maxId - extent!.minId + 1))}`),
        script: getScript,
      },
    ];

    console.log(
      `\n  ${'case'.padEnd(49)} ${'clients'.padStart(7)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'srv CPU ms'.padStart(10)} ${'pgbench tps'.padStart(11)} ${'ratio'.padStart(5)} ${'target'.padStart(6)} ${'load avg'.padStart(8)} ${'bytes'.padStart(6)}`,
    );
    /** Each case at 1 and 8 clients against `target`, each slice beside a pgbench slice. */
    const measure = async (target: { pid: number; port: number }, label: string) => {
      for (const c of cases) {
        for (const clients of [1, 8]) {
          const urls = streams(clients, c.url);
          await load(target, urls, 1000); // warm-up
          // Alternate short API and pgbench slices, so both see the same load on a shared machine.
          const slices = Math.max(1, Math.round(seconds / 2));
          const runs: Awaited<ReturnType<typeof load>>[] = [];
          const tpsRuns: number[] = [];
          const loads: number[] = [];
          for (let s = 0; s < slices; s += 1) {
            loads.push(loadavg()[0]!);
            runs.push(await load(target, urls, (seconds * 1000) / slices));
            tpsRuns.push(pgbench(c.script, clients, seconds / slices));
          }
          const api = {
            rps: runs.reduce((a, r) => a + r.rps, 0) / runs.length,
            // Median of the slices' medians; the worst slice's p99.
            p50: quantile(runs.map((r) => r.p50), 0.5),
            p99: Math.max(...runs.map((r) => r.p99)),
            cpu: quantile(runs.map((r) => r.cpuMsPerRequest), 0.5),
            clientCpu: quantile(runs.map((r) => r.clientCpuMsPerRequest), 0.5),
            bytes: runs.reduce((a, r) => a + r.bytes, 0) / runs.length,
            failures: runs.reduce((a, r) => a + r.failures, 0),
          };
          const tps = tpsRuns.reduce((a, b) => a + b, 0) / tpsRuns.length;
          const ratio = api.rps / tps;
          const mark = ratio >= TARGET_RATIO ? '✓' : '✗';
          const avgLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
          console.log(
            `${mark} ${(label + c.name).padEnd(49)} ${String(clients).padStart(7)} ${api.rps.toFixed(0).padStart(7)} ${api.p50.toFixed(2).padStart(7)} ${api.p99.toFixed(2).padStart(7)} ${api.cpu.toFixed(2).padStart(10)} ${tps.toFixed(0).padStart(11)} ${ratio.toFixed(2).padStart(5)} ${`≥ ${TARGET_RATIO}`.padStart(6)} ${avgLoad.toFixed(1).padStart(8)} ${api.bytes.toFixed(0).padStart(6)}` +
              (api.failures ? `  (${api.failures} non-200)` : ''),
          );
        }
      }
    };
    await measure(server, '');
    if (process.env.BENCH_FLOOR === '1') {
      // The same requests (the floor ignores the cookie) against node:http + pg alone.
      const floor = await startServer(join(root, 'scripts', 'bench', 'api-floor-server.ts'));
      try {
        const port = server.port;
        for (const c of cases) c.url = ((url) => (random: () => number) => url(random).replace(`Host: 127.0.0.1:${port}`, `Host: 127.0.0.1:${floor.port}`))(c.url);
        await measure(floor, 'floor: ');
      } finally {
        await floor.stop();
      }
    }
    console.log(
      `\n  target: ratio ≥ ${TARGET_RATIO} (API requests/s ÷ pgbench -M prepared transactions/s of the same SQL, same concurrency); ` +
        `srv CPU ms: the server process's CPU time per request (median slice); load avg: 1-minute load average during the case (${cpus().length} CPUs); bytes: mean body.\n` +
        `  pgbench runs the statement each request runs; the session lookup is not among them: the server runs it once per session per ${AUTH_CACHE_MS / 1000} s (AUTH_CACHE_MS).`,
    );
  } finally {
    await server.stop();
    await pool.query('DELETE FROM users WHERE id = $1', [user.rows[0]!.id]);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
