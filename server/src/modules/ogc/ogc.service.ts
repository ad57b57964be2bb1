import type pg from 'pg';
import type { Actor } from '../../context';
import { BadRequestError, NotFoundError, UnauthenticatedError } from '../../errors';
import { audienceOf, filterableFieldsFor, fieldsFor, findLayer, layersFor, layerVisibleTo, type Audience, type LayerDefinition } from '../layers/catalogue';
import { CRS84, findCrs, SUPPORTED_CRS, type OutputCrs } from './crs';
import { queryExtent, queryItem, queryItems, type ItemsFilter } from './ogc.queries';
import { buildOpenApi } from './ogc.openapi';

// OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2
// (CRS by reference) over the layer catalogue. Documents are plain objects;
// the routes pick JSON or HTML.

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
];

export const LIMIT_DEFAULT = 100;
export const LIMIT_MAX = 10_000;
/** Query parameters with a meaning of their own; any other is a property filter. */
const RESERVED = new Set(['f', 'limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'crs']);

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  html: 'text/html',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
} as const;

export type OgcService = ReturnType<typeof createOgcService>;

function badParam(name: string, message: string): BadRequestError {
  return new BadRequestError(`${name}: ${message}`, [{ path: name, message, reason: 'invalid_value' }]);
}

function parseIntParam(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw badParam(name, `must be an integer ≥ ${min}`);
  return n;
}

const DAY = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** RFC 3339 instant or interval (start/end, ../end, start/..) → inclusive days. */
export function parseDatetime(value: string | undefined): ItemsFilter['datetime'] {
  if (value === undefined || value === '') return undefined;
  const day = (part: string): string | null => {
    if (part === '..' || part === '') return null;
    const m = DAY.exec(part);
    if (!m || Number.isNaN(Date.parse(m[1]!))) throw badParam('datetime', 'an RFC 3339 date or date-time, or an interval start/end with .. for open ends');
    return m[1]!;
  };
  const parts = value.split('/');
  if (parts.length === 1) {
    const d = day(parts[0]!);
    return { start: d, end: d };
  }
  if (parts.length !== 2) throw badParam('datetime', 'at most one "/"');
  const [start, end] = [day(parts[0]!), day(parts[1]!)];
  if (start && end && start > end) throw badParam('datetime', 'start after end');
  return { start, end };
}

export function parseBbox(value: string | undefined, crsValue: string | undefined): ItemsFilter['bbox'] {
  if (value === undefined || value === '') return undefined;
  const crs = findCrs(crsValue);
  if (!crs) throw badParam('bbox-crs', `not supported; use one of ${SUPPORTED_CRS.map((c) => c.uri).join(', ')}`);
  const n = value.split(',').map(Number);
  if ((n.length !== 4 && n.length !== 6) || n.some((v) => !Number.isFinite(v))) throw badParam('bbox', 'four numbers (or six with heights)');
  let [a, b, c, d] = n.length === 4 ? (n as [number, number, number, number]) : [n[0]!, n[1]!, n[3]!, n[4]!];
  if (crs.latLonOrder) [a, b, c, d] = [b, a, d, c];
  if (a > c || b > d) throw badParam('bbox', 'lower corner after upper corner');
  return { minX: a, minY: b, maxX: c, maxY: d, srid: crs.srid };
}

export function createOgcService({ pool }: { pool: pg.Pool }) {
  function visibleLayer(id: string, audience: Audience): LayerDefinition {
    const layer = findLayer(id);
    if (!layer) throw new NotFoundError('Collection', id);
    if (!layerVisibleTo(layer, audience)) throw new UnauthenticatedError(`The ${id} collection is not open data: send an API token (Authorization: Bearer …)`);
    return layer;
  }

  async function collectionDoc(layer: LayerDefinition, audience: Audience, base: string) {
    const extent = await queryExtent(pool, layer, audience);
    const items = `${base}/collections/${layer.id}/items`;
    return {
      id: layer.id,
      title: layer.title,
      description: `${layer.titleVi}. ${layer.description}`,
      itemType: 'feature',
      links: [
        { href: `${base}/collections/${layer.id}`, rel: 'self', type: MEDIA.json, title: 'This collection' },
        { href: `${base}/collections/${layer.id}?f=html`, rel: 'alternate', type: MEDIA.html, title: 'This collection as HTML' },
        { href: items, rel: 'items', type: MEDIA.geojson, title: 'Items as GeoJSON' },
        { href: `${items}?f=html`, rel: 'items', type: MEDIA.html, title: 'Items as HTML' },
        { href: `${base}/collections/${layer.id}/schema`, rel: 'describedby', type: 'application/schema+json', title: 'Schema of the features (for clients that need fixed field types)' },
        { href: `${base.replace(/\/ogc$/, '')}/tiles/${layer.id}.json`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: MEDIA.json, title: 'Vector tiles (TileJSON)' },
      ],
      extent: {
        spatial: { bbox: [extent.bbox ?? [-180, -90, 180, 90]], crs: CRS84 },
        ...(extent.interval ? { temporal: { interval: [extent.interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
      },
      crs: SUPPORTED_CRS.map((c) => c.uri),
      storageCrs: CRS84,
    };
  }

  function itemsLinks(base: string, layer: LayerDefinition, query: Record<string, string>, page: { limit: number; offset: number }, returned: number, matched: number): Link[] {
    const url = (params: Record<string, string>) => `${base}/collections/${layer.id}/items?${new URLSearchParams(params)}`;
    const keep = Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'f' && k !== 'offset'));
    const links: Link[] = [
      { href: url({ ...keep, offset: String(page.offset), f: 'json' }), rel: 'self', type: MEDIA.geojson, title: 'This page' },
      { href: url({ ...keep, offset: String(page.offset), f: 'html' }), rel: 'alternate', type: MEDIA.html, title: 'This page as HTML' },
      { href: `${base}/collections/${layer.id}`, rel: 'collection', type: MEDIA.json, title: layer.title },
    ];
    if (page.offset + returned < matched) {
      links.push({ href: url({ ...keep, limit: String(page.limit), offset: String(page.offset + page.limit) }), rel: 'next', type: MEDIA.geojson, title: 'Next page' });
    }
    if (page.offset > 0) {
      links.push({ href: url({ ...keep, limit: String(page.limit), offset: String(Math.max(0, page.offset - page.limit)) }), rel: 'prev', type: MEDIA.geojson, title: 'Previous page' });
    }
    return links;
  }

  function outputCrs(value: string | undefined): OutputCrs {
    const crs = findCrs(value);
    if (!crs) throw badParam('crs', `not supported; use one of ${SUPPORTED_CRS.map((c) => c.uri).join(', ')}`);
    return crs;
  }

  return {
    landing(base: string, actor: Actor) {
      const audience = audienceOf(actor);
      return {
        title: 'Telecom infrastructure registry — open data (OGC API – Features)',
        description:
          'Hạ tầng viễn thông: administrative units, villages with 4G/5G/FTTH coverage, BTS sites and, for logged-in carriers and department staff, sectors, fibre, access points and shared passive infrastructure. ' +
          (audience.kind === 'public' ? 'You are reading the public view; send Authorization: Bearer <API token> for your own view.' : `You are reading the ${audience.kind} view.`),
        links: [
          { href: `${base}`, rel: 'self', type: MEDIA.json, title: 'This document' },
          { href: `${base}?f=html`, rel: 'alternate', type: MEDIA.html, title: 'This document as HTML' },
          { href: `${base}/api`, rel: 'service-desc', type: MEDIA.openapi, title: 'The API definition (OpenAPI 3.0)' },
          { href: `${base}/api?f=html`, rel: 'service-doc', type: MEDIA.html, title: 'The API documentation' },
          { href: `${base}/conformance`, rel: 'conformance', type: MEDIA.json, title: 'Conformance classes' },
          { href: `${base}/collections`, rel: 'data', type: MEDIA.json, title: 'Collections' },
        ],
      };
    },

    conformance() {
      return { conformsTo: CONFORMANCE };
    },

    openApi(base: string, actor: Actor) {
      return buildOpenApi(base, audienceOf(actor));
    },

    async collections(base: string, actor: Actor) {
      const audience = audienceOf(actor);
      const collections = [];
      for (const layer of layersFor(audience)) collections.push(await collectionDoc(layer, audience, base));
      return {
        links: [
          { href: `${base}/collections`, rel: 'self', type: MEDIA.json, title: 'Collections' },
          { href: `${base}/collections?f=html`, rel: 'alternate', type: MEDIA.html, title: 'Collections as HTML' },
        ],
        crs: SUPPORTED_CRS.map((c) => c.uri),
        collections,
      };
    },

    async collection(base: string, actor: Actor, id: string) {
      const audience = audienceOf(actor);
      return collectionDoc(visibleLayer(id, audience), audience, base);
    },

    /** Queryable properties of a collection for this caller (the simple filters it may use). */
    queryables(base: string, actor: Actor, id: string) {
      const audience = audienceOf(actor);
      const layer = visibleLayer(id, audience);
      const jsonType = { string: 'string', date: 'string', integer: 'integer', number: 'number', boolean: 'boolean' } as const;
      return {
        $schema: 'https://json-schema.org/draft/2019-09/schema',
        $id: `${base}/collections/${id}/queryables`,
        type: 'object',
        title: layer.title,
        properties: Object.fromEntries(filterableFieldsFor(layer, audience).map((f) => [f.name, { type: jsonType[f.type], description: f.description }])),
      };
    },

    /** JSON Schema of the properties this caller's features carry (GDAL reads it for field types). */
    schema(base: string, actor: Actor, id: string) {
      const audience = audienceOf(actor);
      const layer = visibleLayer(id, audience);
      const types = { string: { type: 'string' }, date: { type: 'string', format: 'date' }, integer: { type: 'integer' }, number: { type: 'number' }, boolean: { type: 'boolean' } } as const;
      const fields = fieldsFor(layer, audience.kind === 'carrier' ? 'carrier-own' : audience);
      return {
        $schema: 'https://json-schema.org/draft/2019-09/schema',
        $id: `${base}/collections/${id}/schema`,
        type: 'object',
        title: layer.title,
        required: ['type', 'geometry', 'properties'],
        properties: {
          type: { type: 'string', enum: ['Feature'] },
          id: { type: 'integer' },
          geometry: { type: ['object', 'null'] },
          properties: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f.name, { ...types[f.type], description: f.description }])) },
        },
      };
    },

    async items(base: string, actor: Actor, id: string, query: Record<string, string>) {
      const audience = audienceOf(actor);
      const layer = visibleLayer(id, audience);
      const limit = Math.min(parseIntParam(query.limit, 'limit', LIMIT_DEFAULT, 1), LIMIT_MAX);
      const offset = parseIntParam(query.offset, 'offset', 0, 0);
      const crs = outputCrs(query.crs);
      const properties = Object.fromEntries(Object.entries(query).filter(([k]) => !RESERVED.has(k)));
      const filter: ItemsFilter = { bbox: parseBbox(query.bbox, query['bbox-crs']), datetime: parseDatetime(query.datetime), properties };
      const { features, numberMatched } = await queryItems(pool, layer, audience, filter, { limit, offset }, crs);
      return {
        crs,
        document: {
          type: 'FeatureCollection',
          features: features.map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry ? (JSON.parse(f.geometry) as unknown) : null, properties: f.properties })),
          numberMatched,
          numberReturned: features.length,
          timeStamp: new Date().toISOString(),
          links: itemsLinks(base, layer, query, { limit, offset }, features.length, numberMatched),
        },
        layer,
        fields: fieldsFor(layer, audience.kind === 'carrier' ? 'carrier-own' : audience),
      };
    },

    async item(base: string, actor: Actor, id: string, featureId: string, query: Record<string, string>) {
      const audience = audienceOf(actor);
      const layer = visibleLayer(id, audience);
      const crs = outputCrs(query.crs);
      const fid = Number(featureId);
      if (!Number.isInteger(fid) || fid < 0 || fid > 2_147_483_647) throw new NotFoundError('Feature', featureId);
      const feature = await queryItem(pool, layer, audience, fid, crs);
      if (!feature) throw new NotFoundError('Feature', featureId);
      const self = `${base}/collections/${layer.id}/items/${fid}`;
      return {
        crs,
        layer,
        document: {
          type: 'Feature',
          id: feature.id,
          geometry: feature.geometry ? (JSON.parse(feature.geometry) as unknown) : null,
          properties: feature.properties,
          links: [
            { href: self, rel: 'self', type: MEDIA.geojson, title: 'This feature' },
            { href: `${self}?f=html`, rel: 'alternate', type: MEDIA.html, title: 'This feature as HTML' },
            { href: `${base}/collections/${layer.id}`, rel: 'collection', type: MEDIA.json, title: layer.title },
          ],
        },
      };
    },
  };
}
