import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors';
import type { TileResult, TileService } from './tiles.service';

export const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';

const SOURCE = /^[a-z][a-z-]{1,40}$/;
const TileQuery = z.object({
  /** Villages only: one carrier's coverage shares. */
  carrier: z.string().max(64).optional(),
  /** Basemap and admin units: the day the units are valid on (YYYY-MM-DD). */
  date: z.string().max(10).optional(),
});

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Sends a tile: 204 when it has no features (MapLibre and OpenLayers treat
 * that as an empty tile), 304 on a matching If-None-Match, gzip when the
 * client accepts it (tiles are cached gzipped; others get them inflated).
 */
export function sendTile(request: FastifyRequest, reply: FastifyReply, tile: TileResult, cacheState: string) {
  reply.header('cache-control', tile.personal ? 'private, no-cache' : 'public, max-age=60');
  reply.header('vary', 'Accept-Encoding, Authorization, Cookie');
  reply.header('x-tile-cache', cacheState);
  if (!tile.personal) reply.header('access-control-allow-origin', '*');
  if (tile.empty) return reply.code(204).send();
  if (tile.etag) {
    reply.header('etag', tile.etag);
    const match = request.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim() === tile.etag)) return reply.code(304).send();
  }
  reply.type(MVT_CONTENT_TYPE);
  const accepts = request.headers['accept-encoding'];
  if (typeof accepts === 'string' && /\bgzip\b/.test(accepts)) {
    reply.header('content-encoding', 'gzip');
    return reply.send(tile.gzip);
  }
  return reply.send(gunzipSync(tile.gzip));
}

/**
 * Vector tiles per layer (/tiles/{layer}/{z}/{x}/{y}.mvt, source-layer = the
 * layer id) and the composite basemap (/tiles/basemap/…), with TileJSON 3.0 at
 * /tiles/{layer}.json. Role-aware: the tile carries only fields the caller may read.
 */
export default async function tilesRoutes(app: FastifyInstance, options: { service: TileService }) {
  const { service } = options;
  const r = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onClose', () => service.close());

  // The hot path: parsed by hand rather than through zod, since a cached tile
  // costs little more than this route's own work (bench:tiles compares it with
  // a bare in-memory route).
  app.get<{ Params: { source: string; z: string; x: string; y: string }; Querystring: { carrier?: string; date?: string } }>(
    '/tiles/:source/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['tiles'],
        summary: 'Mapbox Vector Tile of a layer or of the basemap, gzip; 204 when the tile is empty (roles: public layers for everyone, the others for logged-in users)',
        params: z.object({ source: z.string(), z: z.string(), x: z.string(), y: z.string() }),
        querystring: z.object({ carrier: z.string().optional(), date: z.string().optional() }),
      },
      config: { compress: false },
    },
    async (request, reply) => {
      const { source, z: zoom, x, y } = request.params;
      const { carrier, date } = request.query;
      if (!SOURCE.test(source)) throw new NotFoundError('Tile layer', source);
      const tile = await service.getTile({
        source,
        z: Number(zoom),
        x: Number(x),
        y: Number(y),
        actor: request.actor,
        carrierCode: typeof carrier === 'string' ? carrier : undefined,
        date: typeof date === 'string' ? date : undefined,
      });
      return sendTile(request, reply, tile, service.cache.enabled ? (tile.cacheHit ? 'hit' : 'miss') : 'off');
    },
  );

  r.get('/tiles/:source.json', { schema: { params: z.object({ source: z.string().regex(SOURCE) }), querystring: TileQuery, tags: ['tiles'], summary: 'TileJSON 3.0 of a layer or the basemap' } }, async (request, reply) => {
    const json = await service.tileJson(request.params.source, request.actor, baseUrl(request), request.query);
    reply.header('cache-control', request.actor.kind === 'user' ? 'private, no-cache' : 'public, max-age=300');
    reply.header('vary', 'Authorization, Cookie');
    if (request.actor.kind !== 'user') reply.header('access-control-allow-origin', '*');
    return json;
  });
}
