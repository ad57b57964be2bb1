import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EXPORT_FORMATS } from '@registry/shared/schemas/imports';
import { issuesToDetails } from '../../plugins/error-handler';
import { ValidationError } from '../../errors';
import { listQueryOf } from '../registry/registry.routes';
import type { ResourceDescriptor } from '../registry/resource';
import type { ExportsService } from './exports.service';

/**
 * GET /api/exports/{resource}?format=geojson|csv|kml|ofds&<the list's filters>:
 * the whole filtered list, streamed, with the fields the caller's role sees.
 */
export default async function exportRoutes(app: FastifyInstance, options: { service: ExportsService; resources: ResourceDescriptor[] }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byName = new Map(options.resources.map((d) => [d.name, d]));
  r.get(
    '/api/exports/:resource',
    {
      schema: {
        tags: ['exports'],
        summary: 'Export a list with its filters as GeoJSON, CSV (geometry as WKT), KML or Open Fibre Data Standard JSON (roles: as the list endpoint)',
        description:
          `Resources: ${options.resources.map((d) => d.name).join(', ')}. Filters are those of GET /api/{resource} (no limit or cursor: every match). ` +
          'Rows and fields are exactly those the list endpoint shows the caller. CSV cells starting with = + - @ get a leading apostrophe against spreadsheet formula injection. ' +
          'OFDS (v0.3): access-points as nodes, fibre-routes as spans. GeoPackage is not offered: no well-kept pure-JavaScript writer exists.',
        params: z.object({ resource: z.string().max(40) }),
        // The list endpoint's filters pass through; they are checked below against the resource's own list schema.
        querystring: z.looseObject({ format: z.enum(EXPORT_FORMATS).optional() }),
      },
    },
    async (request, reply) => {
      const d = byName.get(request.params.resource);
      const query = { ...(request.query as Record<string, string>) };
      const format = z.enum(EXPORT_FORMATS).default('geojson').safeParse(query.format);
      delete query.format;
      const filterSchema = d ? listQueryOf(d).omit({ limit: true, cursor: true }).strict() : z.object({});
      const filters = filterSchema.safeParse(query);
      if (!format.success || !filters.success) {
        const issues = [...(format.success ? [] : format.error.issues.map((i) => ({ ...i, path: ['format'] }))), ...(filters.success ? [] : filters.error.issues)];
        throw new ValidationError(issuesToDetails(issues, request.ctx().locale, 'querystring'));
      }
      const out = options.service.open(request.ctx(), request.params.resource, format.data, filters.data);
      // Pull the first chunk before answering, so a refused or broken query is an error response, not a cut-off file.
      const first = await out.chunks.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* out.chunks;
      }
      return reply
        .header('content-type', out.contentType)
        .header('content-disposition', `attachment; filename="${out.filename}"`)
        .send(Readable.from(all()));
    },
  );
}
