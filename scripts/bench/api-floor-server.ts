// The floor for bench:api (BENCH_FLOOR=1): the least a Node.js server can do
// for the benchmark's two requests: node:http, a pg pool, and the statements
// the API runs (the same builders and runners: registry.queries.ts,
// sites.queries.ts), for a fixed planner scope, with no framework, no auth,
// no validation beyond reading the numbers, no headers but Content-Type and
// Content-Length. Not a server to ship: what bench:api measures it against is
// how close the API comes to this, and what ratio to pgbench a Node.js
// server in the middle can reach on this machine.
import http from 'node:http';
import { buildListQuery, runListBody } from '../../server/src/modules/registry/registry.queries';
import { findSiteDetailBody } from '../../server/src/modules/sites/sites.queries';
import { sitesResource } from '../../server/src/modules/sites/sites.descriptor';
import { createDatabase } from '../../server/src/db/client';

const database = createDatabase(process.env.DATABASE_URL!, { applicationName: 'registry-bench-floor' });
const scope = { kind: 'staff', role: 'planner' } as const;

async function body(url: string): Promise<string | null> {
  if (url.startsWith('/api/sites?')) {
    const query = new URLSearchParams(url.slice('/api/sites?'.length));
    const bbox = (query.get('bbox') ?? '').split(',').map(Number) as [number, number, number, number];
    return runListBody(database.pool, buildListQuery(sitesResource, { bbox, limit: Number(query.get('limit') ?? 100) }, scope));
  }
  const id = /^\/api\/sites\/(\d+)$/.exec(url);
  if (id) return (await findSiteDetailBody(database.pool, Number(id[1]), scope))?.body ?? null;
  return url === '/api/auth/me' ? '{}' : null;
}

const server = http.createServer((request, response) => {
  body(request.url ?? '').then(
    (text) => {
      if (text === null) response.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': 2 }).end('{}');
      else response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    },
    (error: unknown) => {
      console.error(error);
      response.writeHead(500, { 'content-length': 0 }).end();
    },
  );
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  setTimeout(() => process.exit(0), 1000).unref();
  server.close(() => void database.close());
  server.closeAllConnections();
});
