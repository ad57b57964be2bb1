import { filterableFieldsFor, layersFor, type Audience } from '../layers/catalogue';
import { SUPPORTED_CRS } from './crs';

// The OpenAPI 3.0 definition of /ogc (conformance class oas30), one path per
// collection so clients (GDAL's OAPIF driver, QGIS) learn each collection's
// simple property filters. Only collections and filters the caller may use.

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const jsonResponse = (description: string, mediaType = 'application/json') => ({
  description,
  content: { [mediaType]: { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } },
});

export function buildOpenApi(base: string, audience: Audience) {
  const paths: Record<string, unknown> = {
    '/': { get: { tags: ['Capabilities'], summary: 'Landing page', operationId: 'getLandingPage', parameters: [ref('f')], responses: { '200': jsonResponse('Links to the API definition, conformance and collections') } } },
    '/conformance': { get: { tags: ['Capabilities'], summary: 'Conformance classes', operationId: 'getConformance', parameters: [ref('f')], responses: { '200': jsonResponse('The conformance classes') } } },
    '/api': { get: { tags: ['Capabilities'], summary: 'This API definition', operationId: 'getApi', responses: { '200': { description: 'OpenAPI 3.0', content: { 'application/vnd.oai.openapi+json;version=3.0': { schema: { type: 'object' } } } } } } },
    '/collections': { get: { tags: ['Capabilities'], summary: 'Collections', operationId: 'getCollections', parameters: [ref('f')], responses: { '200': jsonResponse('The collections this caller may read') } } },
  };
  for (const layer of layersFor(audience)) {
    const filters = filterableFieldsFor(layer, audience).map((f) => ({
      name: f.name,
      in: 'query',
      required: false,
      description: `${f.description} (equals)`,
      schema: { type: f.type === 'date' ? 'string' : f.type },
      style: 'form',
      explode: false,
    }));
    paths[`/collections/${layer.id}`] = {
      get: { tags: [layer.id], summary: `${layer.title}: description`, operationId: `describe-${layer.id}`, parameters: [ref('f')], responses: { '200': jsonResponse(layer.description), '404': { description: 'Not found' } } },
    };
    paths[`/collections/${layer.id}/items`] = {
      get: {
        tags: [layer.id],
        summary: `${layer.title}: features`,
        operationId: `get-${layer.id}-features`,
        parameters: [ref('limit'), ref('offset'), ref('bbox'), ref('bbox-crs'), ...(layer.temporal ? [ref('datetime')] : []), ref('crs'), ref('f'), ...filters],
        responses: { '200': jsonResponse('A page of features', 'application/geo+json'), '400': { description: 'A parameter is invalid' } },
      },
    };
    paths[`/collections/${layer.id}/items/{featureId}`] = {
      get: {
        tags: [layer.id],
        summary: `${layer.title}: one feature`,
        operationId: `get-${layer.id}-feature`,
        parameters: [{ name: 'featureId', in: 'path', required: true, schema: { type: 'integer' } }, ref('crs'), ref('f')],
        responses: { '200': jsonResponse('The feature', 'application/geo+json'), '404': { description: 'No such feature, or not visible to this caller' } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Telecom infrastructure registry — OGC API – Features',
      version: '1.0.0',
      description: 'Open data of the provincial telecom infrastructure registry. The public reads public layers and fields; send Authorization: Bearer <API token> for a carrier\'s or the department\'s view.',
      license: { name: 'Open data of the Department of Information and Communications' },
    },
    servers: [{ url: base }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      parameters: {
        f: { name: 'f', in: 'query', required: false, description: 'Representation', schema: { type: 'string', enum: ['json', 'html'] }, style: 'form', explode: false },
        limit: { name: 'limit', in: 'query', required: false, description: 'Features per page (larger values are cut to the maximum)', schema: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 }, style: 'form', explode: false },
        offset: { name: 'offset', in: 'query', required: false, description: 'Features to skip (the next link carries it)', schema: { type: 'integer', minimum: 0, default: 0 }, style: 'form', explode: false },
        bbox: { name: 'bbox', in: 'query', required: false, description: 'minx,miny,maxx,maxy in bbox-crs (default CRS84 lon/lat)', schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } }, style: 'form', explode: false },
        'bbox-crs': { name: 'bbox-crs', in: 'query', required: false, schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS.map((c) => c.uri) }, style: 'form', explode: false },
        crs: { name: 'crs', in: 'query', required: false, description: 'CRS of the output coordinates', schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS.map((c) => c.uri) }, style: 'form', explode: false },
        datetime: { name: 'datetime', in: 'query', required: false, description: 'Instant or interval (start/end, .. for open) the features are valid in', schema: { type: 'string' }, style: 'form', explode: false },
      },
    },
    security: [{}, { bearer: [] }],
    paths,
  };
}
