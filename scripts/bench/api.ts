// Registry API benchmark on the default dataset:
//
//   npm run bench:api
//
//   BENCH_DATABASE_URL  default: DATABASE_URL, else postgres://registry:registry@127.0.0.1:5432/registry
//                       (load it with npm run data:load)
//   BENCH_SECONDS       measured seconds per case and side (default 6, after 1 s of warm-up), in 2 s
//                       slices alternating API and pgbench so both see the same machine load
//   PGBENCH             path to pgbench (default /usr/lib/postgresql/15/bin/pgbench, else pgbench on PATH)
//
// Two cases, each at 1 and 8 concurrent clients over keep-alive HTTP, as a
// planner (a browser session: full views, sectors included):
//   - list sites in a bbox (a random cell of a 20 × 20 grid over the sites' extent, 100 per page, with the total);
//   - get one site with its sectors and tenancies (a random site id).
// For each: requests/s, p50 and p99 latency, and the ratio to the same SQL
// (the statements the API runs for that request, built by the same query
// builder) run by `pgbench -M prepared` at the same concurrency. Target ≥ 0.6.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { buildApp } from '../../server/src/app';
import { loadConfig } from '../../server/src/config';
import { randomToken, sha256 } from '../../server/src/plugins/auth';
import { buildListQuery, selectList } from '../../server/src/modules/registry/registry.queries';
import { sitesResource } from '../../server/src/modules/sites/sites.descriptor';
import { sectorsResource } from '../../server/src/modules/sectors/sectors.descriptor';

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://registry:registry@127.0.0.1:5432/registry';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const pgbenchPath = process.env.PGBENCH ?? (existsSync('/usr/lib/postgresql/15/bin/pgbench') ? '/usr/lib/postgresql/15/bin/pgbench' : 'pgbench');
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

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** One grid cell as a bbox: the same distribution the pgbench script draws. */
function cellBox(e: Extent, i: number, j: number): [number, number, number, number] {
  const dx = (e.xmax - e.xmin) / GRID;
  const dy = (e.ymax - e.ymin) / GRID;
  return [e.xmin + i * dx, e.ymin + j * dy, e.xmin + (i + 1) * dx, e.ymin + (j + 1) * dy];
}

/** C clients, each sending one request after another for `ms`; latencies in ms. */
async function load(clients: number, ms: number, next: (random: () => number) => string, headers: Record<string, string>) {
  const latencies: number[] = [];
  let failures = 0;
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const random = rng(1000 + c);
      while (performance.now() < until) {
        const t = performance.now();
        const res = await fetch(next(random), { headers });
        await res.arrayBuffer();
        if (res.status !== 200) failures += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rps: latencies.length / (ms / 1000), p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), failures };
}

/** Runs a pgbench script; returns transactions per second. */
function pgbench(script: string, clients: number, durationSeconds: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, script);
  const out = execFileSync(pgbenchPath, ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(clients), '-T', String(Math.max(1, Math.round(durationSeconds))), '-f', file, url], {
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

  const app = await buildApp({ config: loadConfig({ ...process.env, DATABASE_URL: url }, { LOG_LEVEL: 'silent' }), logger: false });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const headers = { cookie: `registry_session=${sessionId}`, 'accept-encoding': 'identity' };
    const scope = { kind: 'staff', role: 'planner' } as const;

    // The SQL each request runs, from the same builder, with pgbench variables.
    const dx = (extent.xmax - extent.xmin) / GRID;
    const dy = (extent.ymax - extent.ymin) / GRID;
    const list = buildListQuery(sitesResource, { bbox: [0, 0, 0, 0], limit: 100 }, scope);
    const listScript =
      `\\set i random(0, ${GRID - 1})\n\\set j random(0, ${GRID - 1})\n` +
      `\\set x0 ${extent.xmin} + :i * ${dx}\n\\set y0 ${extent.ymin} + :j * ${dy}\n\\set x1 :x0 + ${dx}\n\\set y1 :y0 + ${dy}\n` +
      pgbenchSql(list.text, [':x0', ':y0', ':x1', ':y1', '101']) +
      pgbenchSql(list.countText, [':x0', ':y0', ':x1', ':y1']);
    const sectors = buildListQuery(sectorsResource, { siteId: 1, limit: 1000 }, scope);
    const tenancyColumns = `a.id, a.site_id, a.carrier_id, (SELECT c.code FROM carriers c WHERE c.id = a.carrier_id), a.since::text, a.until::text, a.position, a.contract_ref, a.monthly_rent_vnd, a.version, a.created_at, a.updated_at`;
    const getScript =
      `\\set sid random(${extent.minId}, ${extent.maxId})\n` +
      pgbenchSql(`SELECT ${selectList(sitesResource)} FROM sites t WHERE t.id = $1`, [':sid']) +
      pgbenchSql(sectors.text, [':sid', '1001']) +
      pgbenchSql(`SELECT ${tenancyColumns} FROM site_tenancies a WHERE a.site_id = $1 ORDER BY a.id`, [':sid']);

    const cases = [
      {
        name: 'list sites in a bbox (100/page + total)',
        url: (random: () => number) => {
          const [a, b, c, d] = cellBox(extent!, Math.floor(random() * GRID), Math.floor(random() * GRID));
          return `${base}/api/sites?bbox=${a},${b},${c},${d}&limit=100`;
        },
        script: listScript,
      },
      {
        name: 'get one site with sectors and tenancies',
        url: (random: () => number) => `${base}/api/sites/${extent!.minId + Math.floor(random() * (extent!.maxId - extent!.minId + 1))}`,
        script: getScript,
      },
    ];

    console.log(`\n  ${'case'.padEnd(42)} ${'clients'.padStart(7)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'pgbench tps'.padStart(12)} ${'ratio'.padStart(6)}`);
    for (const c of cases) {
      for (const clients of [1, 8]) {
        await load(clients, 1000, c.url, headers); // warm-up
        // Alternate short API and pgbench slices, so both see the same load on a shared machine.
        const slices = Math.max(1, Math.round(seconds / 2));
        const runs: Awaited<ReturnType<typeof load>>[] = [];
        const tpsRuns: number[] = [];
        for (let s = 0; s < slices; s += 1) {
          runs.push(await load(clients, (seconds * 1000) / slices, c.url, headers));
          tpsRuns.push(pgbench(c.script, clients, seconds / slices));
        }
        const api = {
          rps: runs.reduce((a, r) => a + r.rps, 0) / runs.length,
          // Median of the slices' medians; the worst slice's p99.
          p50: quantile(runs.map((r) => r.p50), 0.5),
          p99: Math.max(...runs.map((r) => r.p99)),
          failures: runs.reduce((a, r) => a + r.failures, 0),
        };
        const tps = tpsRuns.reduce((a, b) => a + b, 0) / tpsRuns.length;
        const ratio = api.rps / tps;
        const mark = ratio >= TARGET_RATIO ? '✓' : '✗';
        console.log(
          `${mark} ${c.name.padEnd(42)} ${String(clients).padStart(7)} ${api.rps.toFixed(0).padStart(9)} ${api.p50.toFixed(2).padStart(8)} ${api.p99.toFixed(2).padStart(8)} ${tps.toFixed(0).padStart(12)} ${ratio.toFixed(2).padStart(6)}` +
            (api.failures ? `  (${api.failures} non-200)` : ''),
        );
      }
    }
    console.log(`\n  target: ratio ≥ ${TARGET_RATIO} (API requests/s ÷ pgbench -M prepared transactions/s of the same SQL, same concurrency)`);
  } finally {
    await app.close();
    await pool.query('DELETE FROM users WHERE id = $1', [user.rows[0]!.id]);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
