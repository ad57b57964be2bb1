import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TileResult, TileService } from './tiles.service';

export const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';

const TileParams = z.object({
  source: z.string().regex(/^[a-z][a-z-]{1,40}$/),
  z: z.coerce.number().int(),
  x: z.coerce.number().int(),
  y: z.coerce.number().int(),
});
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

  r.get('/tiles/:source/:z/:x/:y.mvt', { schema: { params: TileParams, querystring: TileQuery, tags: ['tiles'], summary: 'Mapbox vector tile of a layer or the basemap' }, compress: false }, async (request, reply) => {
    const { source, z: zoom, x, y } = request.params;
    const tile = await service.getTile({ source, z: zoom, x, y, actor: request.actor, carrierCode: request.query.carrier, date: request.query.date });
    return sendTile(request, reply, tile, service.cache.enabled ? (tile.cacheHit ? 'hit' : 'miss') : 'off');
  });

  r.get('/tiles/:source.json', { schema: { params: z.object({ source: TileParams.shape.source }), querystring: TileQuery, tags: ['tiles'], summary: 'TileJSON 3.0 of a layer or the basemap' } }, async (request, reply) => {
    const json = await service.tileJson(request.params.source, request.actor, baseUrl(request), request.query);
    reply.header('cache-control', request.actor.kind === 'user' ? 'private, no-cache' : 'public, max-age=300');
    reply.header('vary', 'Authorization, Cookie');
    if (request.actor.kind !== 'user') reply.header('access-control-allow-origin', '*');
    return json;
  });
}
