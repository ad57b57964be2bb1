import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError } from '../../errors';
import type { LayerDefinition } from '../layers/catalogue';
import { apiHtml, collectionHtml, collectionsHtml, conformanceHtml, itemHtml, itemsHtml, landingHtml } from './ogc.html';
import { MEDIA, type OgcService } from './ogc.service';

// OGC API – Features under /ogc. Documented by its own OpenAPI at /ogc/api
// (hidden from /docs): its parameters are per collection and per caller.

type Format = 'json' | 'html';

const realFieldsOf = (layer: LayerDefinition) => new Set(layer.fields.filter((f) => f.type === 'number').map((f) => f.name));

function query(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, string | string[] | undefined>)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

/** f=json|html wins; otherwise a browser's Accept (text/html before any JSON) gets HTML. */
function format(request: FastifyRequest): Format {
  const f = query(request).f;
  if (f !== undefined) {
    if (f === 'json' || f === 'geojson' || f === 'application/json' || f === 'application/geo+json') return 'json';
    if (f === 'html' || f === 'text/html') return 'html';
    throw new BadRequestError('f must be json or html', [{ path: 'f', message: 'json or html', reason: 'invalid_value' }]);
  }
  const accept = request.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = Math.min(...['application/json', 'application/geo+json', 'application/vnd.oai.openapi+json'].map((t) => accept.indexOf(t)).filter((i) => i >= 0).concat([Number.MAX_SAFE_INTEGER]));
  return html >= 0 && html < json ? 'html' : 'json';
}

const REAL_MARK = '\u0000real:';

/**
 * GeoJSON with every value of a 'number' field written as a real (40 → 40.0):
 * GDAL's OAPIF driver (3.6) types fields from the first page's values, and a
 * page of whole numbers would make a share or a height an Integer field that
 * truncates later values. JSON.stringify cannot write 40.0, so such values are
 * marked and rewritten in the text.
 */
function geoJsonText(doc: unknown, realFields: Set<string>): string {
  const text = JSON.stringify(doc, function (this: unknown, key: string, value: unknown) {
    return realFields.has(key) && typeof value === 'number' && Number.isInteger(value) && this !== doc ? `${REAL_MARK}${value}` : value;
  });
  return text.replace(/"\\u0000real:(-?\d+)"/g, '$1.0');
}

function base(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/ogc`;
}

function send(request: FastifyRequest, reply: FastifyReply, fmt: Format, jsonType: string, doc: unknown, html: () => string, realFields?: Set<string>) {
  reply.header('vary', 'Accept, Authorization, Cookie');
  if (request.actor.kind === 'user') reply.header('cache-control', 'private, no-cache');
  else reply.header('access-control-allow-origin', '*');
  if (fmt === 'html') return reply.type('text/html; charset=utf-8').send(html());
  return reply.type(jsonType).send(realFields ? geoJsonText(doc, realFields) : JSON.stringify(doc));
}

export default async function ogcRoutes(app: FastifyInstance, options: { service: OgcService }) {
  const { service } = options;
  const hidden = { schema: { hide: true } };

  const landing = async (request: FastifyRequest, reply: FastifyReply) => {
    const doc = service.landing(base(request), request.actor);
    return send(request, reply, format(request), MEDIA.json, doc, () => landingHtml(doc));
  };
  app.get('/ogc', hidden, landing);
  app.get('/ogc/', hidden, landing);

  app.get('/ogc/conformance', hidden, async (request, reply) => {
    const doc = service.conformance();
    return send(request, reply, format(request), MEDIA.json, doc, () => conformanceHtml(doc));
  });

  app.get('/ogc/api', hidden, async (request, reply) => {
    const doc = service.openApi(base(request), request.actor);
    return send(request, reply, format(request), MEDIA.openapi, doc, () => apiHtml(doc));
  });

  app.get('/ogc/collections', hidden, async (request, reply) => {
    const doc = await service.collections(base(request), request.actor);
    return send(request, reply, format(request), MEDIA.json, doc, () => collectionsHtml(doc));
  });

  app.get<{ Params: { collectionId: string } }>('/ogc/collections/:collectionId', hidden, async (request, reply) => {
    const doc = await service.collection(base(request), request.actor, request.params.collectionId);
    return send(request, reply, format(request), MEDIA.json, doc, () => collectionHtml(doc));
  });

  app.get<{ Params: { collectionId: string } }>('/ogc/collections/:collectionId/queryables', hidden, async (request, reply) => {
    const doc = service.queryables(base(request), request.actor, request.params.collectionId);
    return send(request, reply, 'json', 'application/schema+json', doc, () => '');
  });

  app.get<{ Params: { collectionId: string } }>('/ogc/collections/:collectionId/schema', hidden, async (request, reply) => {
    const doc = service.schema(base(request), request.actor, request.params.collectionId);
    return send(request, reply, 'json', 'application/schema+json', doc, () => '');
  });

  app.get<{ Params: { collectionId: string } }>('/ogc/collections/:collectionId/items', hidden, async (request, reply) => {
    const fmt = format(request);
    const result = await service.items(base(request), request.actor, request.params.collectionId, query(request));
    reply.header('content-crs', `<${result.crs.uri}>`);
    return send(request, reply, fmt, MEDIA.geojson, result.document, () =>
      itemsHtml(result.layer.title, result.document as Parameters<typeof itemsHtml>[1], result.fields.map((f) => f.name), result.layer.id),
      realFieldsOf(result.layer),
    );
  });

  app.get<{ Params: { collectionId: string; featureId: string } }>('/ogc/collections/:collectionId/items/:featureId', hidden, async (request, reply) => {
    const fmt = format(request);
    const result = await service.item(base(request), request.actor, request.params.collectionId, request.params.featureId, query(request));
    reply.header('content-crs', `<${result.crs.uri}>`);
    return send(request, reply, fmt, MEDIA.geojson, result.document, () => itemHtml(`${result.layer.title} ${result.document.id}`, result.document as Parameters<typeof itemHtml>[1]), realFieldsOf(result.layer));
  });
}
