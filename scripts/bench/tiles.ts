// Vector-tile benchmark, all on loopback, in one run:
//   (1) the floor: pgbench -M prepared running the server's exact tile SQL
//       over a fixed tile list, at 1 and 8 connections;
//   (2) the server on the same list at the same concurrency, cache off
//       (every request runs the SQL and gzips) and cache warm;
//   (3) a route answering the same bytes from memory: the HTTP ceiling.
// Every HTTP response is inflated and decoded and its feature count compared
// with the count the tile SQL gives, so both paths did the same work (the
// timed responses are checked after their slice, outside the timed window).
//
// pgbench runs the server's statements themselves: one prepared statement per
// tile source, as the server prepares them; each pgbench client and each HTTP
// worker goes through the same tile sequence.
//
// Then the national half: the same list drawn from the national-scale
// dataset, pgbench and the cache-off server only, for the dense-tile p99
// target. That server connects read-only (default_transaction_read_only).
//
//   npm run bench:tiles [-- --seconds 10 --connections 1,8 --national on|off|only]
//
// DATABASE_URL names a loaded database (npm run data:load); without it the
// project's local database is used as `npm start` does. BENCH_NATIONAL_URL
// names the national-scale one (default: registry_data_national on the same
// server and credentials). BENCH_SERVER_NODE_ARGS adds node flags to the
// server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
//
// Beside tiles/s and latencies, HTTP runs print the CPU time per response of
// the server process and of this (client) process, from /proc: on a shared
// machine the load moves the rates, less so what one tile costs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import { bringUpDatabase } from '../lib/database';
import { compileNamed } from '../../server/src/modules/layers/catalogue';
import { tileOf } from '../../server/src/modules/tiles/tiles.queries';
import { createTileService, TILE_SESSION_OPTIONS } from '../../server/src/modules/tiles/tiles.service';
import { pgbenchPath } from './common';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const uptime = () => loadavg().map((l) => l.toFixed(2)).join(', ');

interface Tile {
  layer: string;
  z: number;
  x: number;
  y: number;
  kind: 'dense' | 'overview' | 'empty';
  /** Features the tile SQL returns (all source layers). */
  features: number;
}

interface Result {
  name: string;
  connections: number;
  requests: number;
  tilesPerSecond: number;
  p50: number;
  p99: number;
  denseP99?: number;
  errors: number;
  /** HTTP runs: the server process's CPU per response (all its threads: event loop, gzip pool, GC), ms. */
  serverCpuMs?: number;
  /** HTTP runs: this process's CPU per response (the client threads), ms. */
  clientCpuMs?: number;
  /** HTTP runs: the CPU per response of the server's PostgreSQL backends (the tile SQL), ms. */
  databaseCpuMs?: number;
}

function parseArgs(argv: string[]) {
  const out = { seconds: 10, connections: [1, 8], runs: new Set(['pgbench', 'cold', 'warm', 'ceiling']), national: 'on' as 'on' | 'off' | 'only' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') out.seconds = Number(argv[++i]);
    else if (argv[i] === '--runs') out.runs = new Set((argv[++i] ?? '').split(','));
    else if (argv[i] === '--connections') out.connections = (argv[++i] ?? '').split(',').map(Number);
    else if (argv[i] === '--national' && ['on', 'off', 'only'].includes(argv[i + 1] ?? '')) out.national = argv[++i] as 'on' | 'off' | 'only';
    else throw new Error(`unknown option ${argv[i]} (expected --seconds <n>, --connections 1,8, --runs pgbench,cold,warm,ceiling, --national on|off|only)`);
  }
  return out;
}

/** Client or worker c starts at tile STRIDE·c of the list (pgbench and HTTP alike), so the connections spread over the list. */
const STRIDE = 7;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function countFeatures(mvt: Buffer): number {
  const tile = new VectorTile(new PbfReader(mvt));
  return Object.values(tile.layers).reduce((n, layer) => n + layer.length, 0);
}

/**
 * Features in an MVT by walking its protobuf: Tile.layers (field 3) →
 * Layer.features (field 2), skipping everything else. Checks each response of
 * the timed runs without decoding every attribute value (the first pass and
 * the expected counts use @mapbox/vector-tile in full).
 */
function scanFeatureCount(buf: Buffer): number {
  let count = 0;
  const varint = (state: { pos: number }): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[state.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  const skip = (state: { pos: number }, wire: number) => {
    if (wire === 0) varint(state);
    else if (wire === 1) state.pos += 8;
    else if (wire === 2) {
      const length = varint(state); // read before adding: `pos += varint()` would add to the old pos
      state.pos += length;
    }
    else if (wire === 5) state.pos += 4;
    else throw new Error(`unexpected wire type ${wire}`);
  };
  const tile = { pos: 0 };
  while (tile.pos < buf.length) {
    const key = varint(tile);
    if (key >> 3 !== 3 || (key & 7) !== 2) {
      skip(tile, key & 7);
      continue;
    }
    const end = varint(tile) + tile.pos;
    const layer = { pos: tile.pos };
    while (layer.pos < end) {
      const k = varint(layer);
      if (k >> 3 === 2 && (k & 7) === 2) count++;
      skip(layer, k & 7);
    }
    tile.pos = end;
  }
  return count;
}

/** The densest tiles of a layer at a zoom, by points (sites) or point-on-surface (villages). */
async function densest(pool: pg.Pool, layer: 'sites' | 'villages', z: number, take: number): Promise<{ x: number; y: number }[]> {
  const point = layer === 'sites' ? 'geom' : 'ST_PointOnSurface(boundary)';
  const where = layer === 'sites' ? "WHERE is_public AND status <> 'decommissioned'" : '';
  const r = await pool.query<{ x: number; y: number }>(
    `SELECT x, y FROM (
       SELECT floor((ST_X(p) + 180) / 360 * 2 ^ $1)::int AS x,
              floor((1 - ln(tan(radians(ST_Y(p))) + 1 / cos(radians(ST_Y(p)))) / pi()) / 2 * 2 ^ $1)::int AS y
         FROM (SELECT ${point} AS p FROM ${layer} ${where}) s) t
      GROUP BY x, y ORDER BY count(*) DESC LIMIT $2`,
    [z, take],
  );
  return r.rows;
}

async function tileList(pool: pg.Pool, templates: (layer: string) => string): Promise<Tile[]> {
  const tiles: Omit<Tile, 'features'>[] = [];
  for (const z of [12, 13, 14]) {
    for (const t of await densest(pool, 'sites', z, 1)) tiles.push({ layer: 'sites', z, ...t, kind: 'dense' });
    for (const t of await densest(pool, 'villages', z, 1)) tiles.push({ layer: 'villages', z, ...t, kind: 'dense' });
  }
  const c = (await pool.query<{ x: number; y: number }>(`SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid(ST_Extent(boundary)::geometry) AS c FROM villages) s`)).rows[0]!;
  const at = (z: number) => {
    const n = 2 ** z;
    const r = (c.y * Math.PI) / 180;
    return { x: Math.floor(((c.x + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
  };
  tiles.push({ layer: 'sites', z: 7, ...at(7), kind: 'overview' });
  tiles.push({ layer: 'sites', z: 8, ...at(8), kind: 'overview' });
  tiles.push({ layer: 'villages', z: 8, ...at(8), kind: 'overview' });
  tiles.push({ layer: 'basemap', z: 8, ...at(8), kind: 'overview' });
  tiles.push({ layer: 'sites', z: 14, x: 8192, y: 8192, kind: 'empty' });
  const out: Tile[] = [];
  for (const t of tiles) {
    const q = compileNamed(templates(t.layer), { z: t.z, x: t.x, y: t.y });
    const mvt = tileOf((await pool.query<{ mvt: string }>(q.text, q.values)).rows[0]);
    out.push({ ...t, features: mvt.length === 0 ? 0 : countFeatures(mvt) });
  }
  return out;
}

interface Samples {
  latencies: number[];
  dense: number[];
  /** Measured time, seconds (pgbench: transactions ÷ its tps, which leaves out connecting). */
  seconds: number;
  errors: number;
  /** HTTP runs: CPU time of the server process and of this client process over the measured requests, ms. */
  serverCpu?: number;
  clientCpu?: number;
  /** HTTP runs: CPU time of the server's PostgreSQL backends over the measured requests, ms (null: some backend not readable). */
  databaseCpu?: number;
}

/** A process's user + system CPU time in ms (all its threads), from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** CPU time of this process's waited-for children (pgbench), ms: cutime + cstime. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function summarise(name: string, connections: number, slices: Samples[]): Result {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const dense = slices.flatMap((s) => s.dense).sort((a, b) => a - b);
  const seconds = slices.reduce((t, s) => t + s.seconds, 0);
  const errors = slices.reduce((t, s) => t + s.errors, 0);
  const perTile = (pick: (s: Samples) => number | undefined) => (slices.every((s) => pick(s) !== undefined) ? slices.reduce((t, s) => t + pick(s)!, 0) / latencies.length : undefined);
  return {
    name,
    connections,
    requests: latencies.length,
    tilesPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    denseP99: percentile(dense, 99),
    errors,
    serverCpuMs: perTile((s) => s.serverCpu),
    clientCpuMs: perTile((s) => s.clientCpu),
    databaseCpuMs: perTile((s) => s.databaseCpu),
  };
}

/**
 * The pgbench script: client c takes the tiles in the list's order from tile
 * 7c on, as HTTP worker c does (so both sides run the same sequence), and runs
 * the tile's source statement exactly as the server prepares it: one SQL
 * command per source, so one prepared statement per source and connection.
 */
function pgbenchScript(tiles: Tile[], templates: (layer: string) => string): string {
  const sources = [...new Set(tiles.map((t) => t.layer))];
  const pick = (value: (t: Tile, i: number) => number) => `CASE ${tiles.map((t, i) => `WHEN :i = ${i} THEN ${value(t, i)}`).join(' ')} END`;
  const lines = [
    `\\set i (:n + :client_id * ${STRIDE}) % ${tiles.length}`,
    '\\set n :n + 1',
    `\\set z ${pick((t) => t.z)}`,
    `\\set x ${pick((t) => t.x)}`,
    `\\set y ${pick((t) => t.y)}`,
    `\\set s ${pick((t) => sources.indexOf(t.layer))}`,
    ...sources.flatMap((layer, k) => [`${k === 0 ? '\\if' : '\\elif'} :s = ${k}`, `${templates(layer)};`]),
    '\\endif',
  ];
  return `${lines.join('\n')}\n`;
}

function runPgbench(url: string, tiles: Tile[], templates: (layer: string) => string, connections: number, seconds: number): Samples {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tiles-'));
  try {
    const script = join(dir, 'tiles.sql');
    writeFileSync(script, pgbenchScript(tiles, templates));
    const u = new URL(url);
    const args = ['-n', '-M', 'prepared', '-c', String(connections), '-j', String(connections), '-T', String(seconds), '-D', 'n=0', '-l', '--log-prefix', join(dir, 'log'),
      '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), '-f', script, u.pathname.slice(1)];
    const cpu0 = childrenCpuMs();
    const res = spawnSync(pgbenchPath(), args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGOPTIONS: TILE_SESSION_OPTIONS }, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`pgbench failed: ${res.stderr || res.error?.message}`);
    const latencies: number[] = [];
    for (const name of readdirSync(dir).filter((n) => n.startsWith('log'))) {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        const f = line.split(' ');
        if (f.length < 4) continue;
        latencies.push(Number(f[2]) / 1000);
      }
    }
    const tps = Number(/tps = ([\d.]+)/.exec(res.stdout)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(res.stdout)?.[1] ?? 0);
    // One script for every tile: the log does not say which tile a line is, so no dense-only figure here.
    // pgbench's own CPU (its connecting included) is the floor's client CPU.
    return { latencies, dense: [], seconds: latencies.length / tps, errors: failed, clientCpu: childrenCpuMs() - cpu0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fetchTile(agent: http.Agent, port: number, path: string): Promise<{ status: number; body: Buffer; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), encoding: res.headers['content-encoding'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function runHttp(name: string, server: BenchServer, prefix: string, tiles: Tile[], connections: number, seconds: number, warmUp: boolean): Promise<Samples> {
  const { port } = server;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const dense: number[] = [];
  let errors = 0;
  const check = (tile: Tile, res: { status: number; body: Buffer; encoding: string | undefined }, full = false) => {
    if (tile.features === 0) return res.status === 204;
    if (res.status !== 200) return false;
    const mvt = res.encoding === 'gzip' ? gunzipSync(res.body) : res.body;
    return (full ? countFeatures(mvt) : scanFeatureCount(mvt)) === tile.features;
  };
  // One checked pass first (opens sockets, prepares statements, fills caches),
  // then unmeasured passes for a second so V8 has optimised the server's hot path.
  for (const tile of warmUp ? tiles : []) {
    const res = await fetchTile(agent, port, `${prefix}/${tile.layer}/${tile.z}/${tile.x}/${tile.y}.mvt`);
    if (!check(tile, res, true)) throw new Error(`${name}: ${tile.layer}/${tile.z}/${tile.x}/${tile.y} answered ${res.status} with a different feature count than the SQL`);
  }
  for (const warmUntil = performance.now() + (warmUp ? 1000 : 0); performance.now() < warmUntil; ) {
    await Promise.all(Array.from({ length: connections }, (_, w) => fetchTile(agent, port, `${prefix}/${tiles[w % tiles.length]!.layer}/${tiles[w % tiles.length]!.z}/${tiles[w % tiles.length]!.x}/${tiles[w % tiles.length]!.y}.mvt`)));
  }
  // The timed requests: one worker thread per connection, as pgbench runs one
  // thread per client (-j), so that a connection's next request does not wait
  // for one event loop to get round to it (on a loaded machine a single client
  // thread, descheduled, held up all eight connections at once). Each timed
  // response is kept and checked once the slice is over: inflating and walking
  // it is the checker's work, not the workload's (pgbench does not decode its
  // rows either), and on two cores it took CPU from the server and PostgreSQL
  // within the timed window.
  const paths = tiles.map((t) => `${prefix}/${t.layer}/${t.z}/${t.x}/${t.y}.mvt`);
  const workers = Array.from({ length: connections }, (_, w) => new Worker(HTTP_WORKER, { eval: true, workerData: { port, paths, first: w * STRIDE } }));
  const ready = workers.map((worker) => new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  }));
  await Promise.all(ready);
  const databaseCpu0 = await server.databaseCpu();
  const serverCpu0 = processCpuMs(server.pid);
  const clientCpu0 = ownCpuMs();
  const started = performance.now();
  const done = workers.map((worker) => new Promise<WorkerAnswer>((resolve, reject) => {
    worker.once('message', (m: WorkerAnswer | { error: string }) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once('error', reject);
    worker.postMessage({ ms: seconds * 1000 });
  }));
  const results = await Promise.all(done);
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = processCpuMs(server.pid) - serverCpu0;
  const clientCpu = ownCpuMs() - clientCpu0;
  const databaseCpu1 = await server.databaseCpu();
  // A backend opened during the window counts whole; one that went away during it leaves no figure.
  const lost = [...databaseCpu0.keys()].some((pid) => !databaseCpu1.has(pid));
  const databaseCpu = lost ? undefined : [...databaseCpu1].reduce((t, [pid, ms]) => t + ms - (databaseCpu0.get(pid) ?? 0), 0);
  agent.destroy();
  await Promise.all(workers.map((worker) => worker.terminate()));
  const answers: [Tile, { status: number; body: Buffer; encoding: string | undefined }][] = [];
  for (const r of results) {
    r.answers.forEach(([i, status, encoding, body], k) => {
      const tile = tiles[i]!;
      latencies.push(r.latencies[k]!);
      if (tile.kind === 'dense') dense.push(r.latencies[k]!);
      answers.push([tile, { status, encoding: encoding ?? undefined, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) }]);
    });
  }
  for (const [tile, res] of answers) if (!check(tile, res)) errors++;
  return { latencies, dense, seconds: elapsed, errors, serverCpu, clientCpu, databaseCpu };
}

interface WorkerAnswer {
  latencies: number[];
  /** Per request: tile index, status, Content-Encoding, body. */
  answers: [number, number, string | null, Uint8Array][];
}

/**
 * One HTTP connection's timed loop (plain JavaScript, run with eval): opens its
 * keep-alive connection with one untimed request and says so, then on the go
 * message requests paths[first], paths[first + 1], … until `ms` have passed,
 * and answers with each request's latency and response.
 *
 * A bare HTTP/1.1 client on one socket, as wrk and autocannon are (the issue
 * names them): it writes a prepared request and reads the status line, the
 * Content-Length and Content-Encoding headers and the body, nothing else.
 * Node's http client (an Agent, a parser, an IncomingMessage stream per
 * response) cost ~1 ms of CPU per tile against pgbench's ~0.7, and on two
 * cores every client millisecond is taken from the server and PostgreSQL.
 * The server answers tiles with Content-Length (no chunked encoding); a
 * response this client cannot frame fails the run.
 */
const HTTP_WORKER = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const { port, paths, first } = workerData;
const requests = paths.map((p) => Buffer.from('GET ' + p + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nAccept-Encoding: gzip\\r\\n\\r\\n', 'latin1'));
const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
let pending = Buffer.alloc(0);
let waiting = null;
socket.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  tryFrame();
});
socket.on('error', (error) => waiting && waiting.reject(error));
function tryFrame() {
  if (!waiting) return;
  const head = pending.indexOf('\\r\\n\\r\\n');
  if (head < 0) return;
  const lines = pending.toString('latin1', 0, head).split('\\r\\n');
  const status = Number(lines[0].slice(9, 12));
  let length = 0;
  let encoding = null;
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    const name = lines[i].slice(0, colon).toLowerCase();
    if (name === 'content-length') length = Number(lines[i].slice(colon + 1));
    else if (name === 'content-encoding') encoding = lines[i].slice(colon + 1).trim();
    else if (name === 'transfer-encoding') return waiting.reject(new Error('chunked response: this client reads Content-Length only'));
  }
  const total = head + 4 + length;
  if (pending.length < total) return;
  const body = pending.subarray(head + 4, total);
  pending = pending.length === total ? Buffer.alloc(0) : pending.subarray(total);
  const w = waiting;
  waiting = null;
  w.resolve([status, encoding, body]);
}
const get = (k) => new Promise((resolve, reject) => {
  waiting = { resolve, reject };
  socket.write(requests[k]);
});
(async () => {
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  await get(first % paths.length);
  parentPort.postMessage('ready');
  const { ms } = await new Promise((resolve) => parentPort.once('message', resolve));
  const latencies = [];
  const answers = [];
  const deadline = performance.now() + ms;
  for (let i = first; performance.now() < deadline; i++) {
    const k = i % paths.length;
    const t0 = performance.now();
    const [status, encoding, body] = await get(k);
    latencies.push(performance.now() - t0);
    answers.push([k, status, encoding, body]);
  }
  socket.destroy();
  parentPort.postMessage({ latencies, answers });
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

interface BenchServer {
  port: number;
  pid: number;
  /** CPU time so far of each of the server's tile connections' backends (pid → ms), from /proc: PostgreSQL runs on this machine. */
  databaseCpu: () => Promise<Map<number, number>>;
  stop: () => Promise<void>;
}

/** The bench server; readOnly: its sessions default to read-only transactions (the shared national dataset). */
async function startServer(url: string, cacheBytes: number, readOnly = false): Promise<BenchServer> {
  const startedAt = new Date();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, TILE_CACHE_BYTES: String(cacheBytes), NODE_ENV: 'production' };
  if (readOnly) env.PGOPTIONS = '-c default_transaction_read_only=on';
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'scripts/bench/tiles-server.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const monitor = new pg.Pool({ connectionString: url, max: 1, options: '-c default_transaction_read_only=on' });
  return {
    port,
    pid: child.pid!,
    databaseCpu: async () => {
      // The tile pool's backends of this server: its application name, this database, opened since it started.
      const r = await monitor.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'telecom-registry-tiles' AND datname = current_database() AND backend_start >= $1",
        [startedAt],
      );
      const out = new Map<number, number>();
      for (const { pid } of r.rows) {
        try {
          out.set(pid, processCpuMs(pid));
        } catch {
          // gone since the query
        }
      }
      return out;
    },
    stop: async () => {
      await monitor.end();
      await new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

const SLICE_SECONDS = 2;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const DENSE_P99_TARGET_MS = 50;

interface Dataset {
  label: string;
  url: string;
  tiles: Tile[];
  templates: (layer: string) => string;
}

async function loadDataset(label: string, url: string): Promise<Dataset> {
  const pool = new pg.Pool({ connectionString: url, max: 2, options: '-c default_transaction_read_only=on' });
  try {
    const service = createTileService({ pool, cacheBytes: 0 });
    const templates = (layer: string) => service.tileTemplate(layer);
    const counts = (await pool.query<{ v: number; s: number; c: number }>(
      'SELECT (SELECT count(*) FROM villages)::int AS v, (SELECT count(*) FROM sites)::int AS s, (SELECT count(*) FROM village_coverage)::int AS c',
    )).rows[0]!;
    if (counts.v === 0) throw new Error(`${label}: the database has no villages: load a dataset first (npm run data:load)`);
    const tiles = await tileList(pool, templates);
    console.log(`\n${label} dataset: ${counts.v} villages, ${counts.s} sites, ${counts.c} village coverage rows${counts.c === 0 ? ' (coverage not computed: village tiles carry no shares)' : ''}. Tiles:`);
    for (const t of tiles) console.log(`  ${t.kind.padEnd(8)} ${t.layer}/${t.z}/${t.x}/${t.y}  ${t.features} features`);
    return { label, url, tiles, templates };
  } finally {
    await pool.end();
  }
}

/**
 * Each pair (pgbench and the cache-off server; the warm server and the
 * ceiling) runs in alternating slices of SLICE_SECONDS, so both sides of a
 * ratio see the same machine load even when other work comes and goes.
 */
async function benchDataset(d: Dataset, args: ReturnType<typeof parseArgs>, options: { runs: Set<string>; readOnly: boolean; denseOnly?: boolean }): Promise<Result[]> {
  const results: Result[] = [];
  const slices = Math.max(1, Math.round(args.seconds / SLICE_SECONDS));
  const sliceSeconds = args.seconds / slices;
  const name = (run: string) => `${d.label}: ${run}`;
  if (options.runs.has('pgbench') || options.runs.has('cold')) {
    const cold = options.runs.has('cold') ? await startServer(d.url, 0, options.readOnly) : null;
    try {
      for (const c of args.connections) {
        const floor: Samples[] = [];
        const server: Samples[] = [];
        for (let i = 0; i < slices; i++) {
          if (options.runs.has('pgbench')) floor.push(runPgbench(d.url, d.tiles, d.templates, c, Math.max(1, Math.round(sliceSeconds))));
          if (cold) server.push(await runHttp(name('server, cache off'), cold, '/tiles', d.tiles, c, sliceSeconds, i === 0));
        }
        if (floor.length) results.push(summarise(name('pgbench (SQL floor)'), c, floor));
        if (server.length) results.push(summarise(name('server, cache off'), c, server));
        if (cold && options.denseOnly) {
          // The p99 of dense tiles alone: in the mixed list they are a few dozen samples, queued behind overview tiles.
          const dense = d.tiles.filter((t) => t.kind === 'dense');
          results.push(summarise(name('server, cache off, dense tiles only'), c, [await runHttp(name('server, cache off, dense tiles only'), cold, '/tiles', dense, c, args.seconds, false)]));
        }
      }
    } finally {
      await cold?.stop();
    }
  }
  if (options.runs.has('warm') || options.runs.has('ceiling')) {
    const warm = await startServer(d.url, 256 * 1024 * 1024, options.readOnly);
    try {
      for (const c of args.connections) {
        const server: Samples[] = [];
        const ceiling: Samples[] = [];
        for (let i = 0; i < slices; i++) {
          if (options.runs.has('warm')) server.push(await runHttp(name('server, cache warm'), warm, '/tiles', d.tiles, c, sliceSeconds, i === 0));
          if (options.runs.has('ceiling')) ceiling.push(await runHttp(name('in-memory ceiling'), warm, '/bench/ceiling', d.tiles, c, sliceSeconds, i === 0));
        }
        if (server.length) results.push(summarise(name('server, cache warm'), c, server));
        if (ceiling.length) results.push(summarise(name('in-memory ceiling'), c, ceiling));
      }
    } finally {
      await warm.stop();
    }
  }
  return results;
}

/** The national-scale database: BENCH_NATIONAL_URL, else registry_data_national beside the local one. */
function nationalUrl(localUrl: string): string {
  if (process.env.BENCH_NATIONAL_URL) return process.env.BENCH_NATIONAL_URL;
  const u = new URL(localUrl);
  u.pathname = '/registry_data_national';
  return u.toString();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  console.log(`${cpus().length} CPUs (client, server and PostgreSQL share them). ${args.seconds} s per run. Load average at start: ${uptime()}`);
  const results: Result[] = [];
  if (args.national !== 'only') {
    const url = await bringUpDatabase({ database: 'registry', url: process.env.DATABASE_URL, projectRoot: root });
    results.push(...(await benchDataset(await loadDataset('local', url), args, { runs: args.runs, readOnly: false })));
  }
  let nationalSkipped: string | null = null;
  if (args.national !== 'off') {
    const url = nationalUrl(process.env.DATABASE_URL ?? 'postgres://registry:registry@127.0.0.1:5432/registry');
    try {
      const d = await loadDataset('national', url);
      results.push(...(await benchDataset(d, args, { runs: new Set([...args.runs].filter((r) => r === 'pgbench' || r === 'cold')), readOnly: true, denseOnly: true })));
    } catch (error) {
      nationalSkipped = `${new URL(url).pathname.slice(1)}: ${error instanceof Error ? error.message : String(error)}`;
      console.log(`\nnational half skipped (${nationalSkipped})`);
    }
  }

  console.log(`\nLoad average at the end: ${uptime()}`);
  console.log('\n| run | conns | requests | tiles/s | p50 ms | p99 ms | dense p99 ms | CPU ms/tile: PostgreSQL | server | client | wrong answers |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.connections} | ${r.requests} | ${fmt(r.tilesPerSecond)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.denseP99 ?? NaN, 2)} | ${fmt(r.databaseCpuMs ?? NaN, 2)} | ${fmt(r.serverCpuMs ?? NaN, 2)} | ${fmt(r.clientCpuMs ?? NaN, 2)} | ${r.errors} |`,
    );
  }
  const find = (name: string, c: number) => results.find((r) => r.name === name && r.connections === c) ?? { tilesPerSecond: NaN, denseP99: NaN };
  console.log('\n| ratio | conns | value | target | |');
  console.log('|---|---|---|---|---|');
  const verdict = (value: number, ok: boolean) => (Number.isNaN(value) ? 'not run' : ok ? 'met' : 'MISSED');
  for (const label of ['local', 'national']) {
    for (const c of args.connections) {
      const a = find(`${label}: server, cache off`, c).tilesPerSecond / find(`${label}: pgbench (SQL floor)`, c).tilesPerSecond;
      console.log(`| ${label}: server cold ÷ pgbench | ${c} | ${fmt(a, 2)} | ≥ 0.85 | ${verdict(a, a >= 0.85)} |`);
      // What the ratio comes to where CPU is all that limits (two busy cores, nothing else running): the floor's
      // CPU per tile (the SQL, as the server's backends spent it, plus pgbench) over the server path's.
      const floorRun = results.find((r) => r.name === `${label}: pgbench (SQL floor)` && r.connections === c);
      const coldRun = results.find((r) => r.name === `${label}: server, cache off` && r.connections === c);
      if (floorRun?.clientCpuMs !== undefined && coldRun?.databaseCpuMs !== undefined && coldRun.serverCpuMs !== undefined && coldRun.clientCpuMs !== undefined) {
        const e = (coldRun.databaseCpuMs + floorRun.clientCpuMs) / (coldRun.databaseCpuMs + coldRun.serverCpuMs + coldRun.clientCpuMs);
        console.log(`| ${label}: server cold ÷ pgbench where CPU-bound, from CPU per tile | ${c} | ${fmt(e, 2)} | ≥ 0.85 | ${verdict(e, e >= 0.85)} |`);
      }
      if (label === 'local') {
        const b = find('local: server, cache warm', c).tilesPerSecond / find('local: in-memory ceiling', c).tilesPerSecond;
        console.log(`| local: server warm ÷ ceiling | ${c} | ${fmt(b, 2)} | ≥ 0.80 | ${verdict(b, b >= 0.8)} |`);
      } else {
        for (const run of ['server, cache off', 'server, cache off, dense tiles only']) {
          const p99 = find(`national: ${run}`, c).denseP99 ?? NaN;
          console.log(`| national: dense-tile p99, ${run} (ms) | ${c} | ${fmt(p99, 1)} | < ${DENSE_P99_TARGET_MS} | ${nationalSkipped ? 'skipped' : verdict(p99, p99 < DENSE_P99_TARGET_MS)} |`);
        }
      }
    }
  }
  console.log('\nCPU per tile from /proc: PostgreSQL = the server\'s tile backends (the floor\'s SQL is the same), server = the server process, client = the HTTP client threads (pgbench rows: pgbench itself). The CPU-bound estimate leaves out what a loaded machine adds (each hop between processes waits for a core).');
  if (results.some((r) => r.errors > 0)) {
    console.error('Some responses did not decode to the expected feature count.');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
