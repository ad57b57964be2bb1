// The server under benchmark, run as a child of scripts/bench/tiles.ts: the
// real app (buildApp) plus one extra route, /bench/ceiling/…, that answers a
// tile's exact bytes and headers from a Map, the HTTP ceiling of this stack.
// Prints {"port": n} on stdout once listening.
import type { FastifyReply } from 'fastify';
import { buildApp } from '../../server/src/app';
import { loadConfig } from '../../server/src/config';

interface Held {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function main() {
  const config = loadConfig(process.env, { LOG_LEVEL: 'warn' });
  const app = await buildApp({ config, logger: false });
  const held = new Map<string, Held>();

  app.get<{ Params: { source: string; z: string; x: string; y: string } }>('/bench/ceiling/:source/:z/:x/:y.mvt', { config: { compress: false }, schema: { hide: true } }, async (request, reply: FastifyReply) => {
    const { source, z, x, y } = request.params;
    const key = `${source}/${z}/${x}/${y}`;
    let tile = held.get(key);
    if (!tile) {
      const res = await app.inject({ method: 'GET', url: `/tiles/${key}.mvt`, headers: { 'accept-encoding': 'gzip' } });
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'content-encoding', 'etag', 'cache-control', 'vary']) {
        const value = res.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      tile = { status: res.statusCode, headers, body: res.rawPayload };
      held.set(key, tile);
    }
    return reply.code(tile.status).headers(tile.headers).send(tile.status === 204 ? undefined : tile.body);
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
