import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { CRS_LIST } from '@registry/shared/crs/crs';
import {
  CreateImportFields,
  ImportJob,
  ImportJobWithRows,
  ImportRowsQuery,
} from '@registry/shared/schemas/imports';
import { issuesToDetails } from '../../plugins/error-handler';
import { BadRequestError, ValidationError } from '../../errors';
import { ImportTooLargeError } from './import-errors';
import { loadConfig, type Config } from '../../config';
import type { ImportLimits, ImportsService } from './imports.service';

const JobParams = z.object({ id: z.string().uuid() });

/**
 * Bulk import: upload (multipart, streamed) → dry run as a job → commit or
 * cancel. The form fields assetType, crs, format and carrier go before the
 * file part (or in the query string).
 */
export default async function importRoutes(app: FastifyInstance, options: { service: ImportsService; limits: ImportLimits }) {
  const { service, limits } = options;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['imports'];
  await app.register(multipart, { limits: { fileSize: limits.maxBytes + 1, files: 1, fields: 10, fieldSize: 1000 } });
  // Jobs a previous process left half done are failed, and their staging rows dropped, once the server is up.
  app.addHook('onReady', async () => {
    await service.recoverInterrupted().catch((error: unknown) => app.log.warn({ err: error }, 'import recovery failed'));
  });

  r.get(
    '/api/imports/crs',
    {
      schema: {
        tags,
        summary: 'Coordinate reference systems an import may be in (roles: public)',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), nameVi: z.string(), kind: z.string(), datum: z.string() })) }) },
      },
    },
    async () => ({ items: CRS_LIST.map(({ code, name, nameVi, kind, datum }) => ({ code, name, nameVi, kind, datum })) }),
  );

  r.get(
    '/api/imports/asset-types',
    {
      schema: {
        tags,
        summary:
          'Importable asset types and the columns each accepts, with their English and Vietnamese header names; `opencellid` (cell CSV) with its MNC → carrier table (roles: public)',
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) },
      },
    },
    async () => ({ items: await service.assetTypes() }),
  );

  r.post(
    '/api/imports',
    {
      preHandler: app.requireUser,
      // Refuse a body announced as too large before reading any of it.
      onRequest: async (request) => {
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > limits.maxBytes + 64 * 1024) throw new ImportTooLargeError('bytes', limits.maxBytes);
      },
      schema: {
        tags,
        summary: 'Upload a file and start its dry run (roles: carrier for its own assets; planner; admin)',
        description:
          'multipart/form-data with fields `assetType`, `crs` (EPSG code or name, default EPSG:4326), optional `format` (geojson, csv, kml, kmz, shapefile; else from the file name) and `carrier` (planners: the carrier of rows that name none), then the `file` part. ' +
          'The fields may also be sent in the query string. The file is parsed and checked as it streams in; past the size or row limit the upload is refused with 413 before it is read to the end. ' +
          'Answers 202 with the job once the file is read; the rest of the dry run (existing objects, actions) continues as the job: poll GET /api/imports/{id}.',
        consumes: ['multipart/form-data'],
        response: { 202: ImportJob },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new BadRequestError('Send the file as multipart/form-data');
      const fields: Record<string, string> = {};
      for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) if (typeof value === 'string') fields[key] = value;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        const parsed = CreateImportFields.safeParse(fields);
        if (!parsed.success) {
          part.file.resume();
          throw new ValidationError(issuesToDetails(parsed.error.issues, request.ctx().locale));
        }
        const file = part.file;
        // busboy stops a file at the size limit and only marks it truncated: make that the 413.
        const stream = (async function* () {
          for await (const chunk of file as AsyncIterable<Buffer>) {
            if (file.truncated) throw new ImportTooLargeError('bytes', limits.maxBytes);
            yield chunk;
          }
          if (file.truncated) throw new ImportTooLargeError('bytes', limits.maxBytes);
        })();
        const job = await service.start(request.ctx(), parsed.data, { filename: part.filename ?? null, stream });
        return reply.status(202).send(job);
      }
      throw new ValidationError([{ path: 'file', reason: 'required', message: 'No file part in the upload' }]);
    },
  );

  r.get(
    '/api/imports',
    { preHandler: app.requireUser, schema: { tags, summary: 'Recent imports the caller may see (roles: any user)', response: { 200: z.object({ items: z.array(ImportJob) }) } } },
    async (request) => ({ items: await service.list(request.ctx()) }),
  );

  r.get(
    '/api/imports/:id',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'An import: status, progress (rows read, valid, written, errors), actions, warnings and a page of per-row results (roles: its uploader, its carrier, planner, admin)',
        description: 'Rows are numbered from 1 in file order (for CSV, row 1 is the line after the header). Page with `after` = the last row number seen; `errorsOnly=true` or `action=` filter.',
        params: JobParams,
        querystring: ImportRowsQuery,
        response: { 200: ImportJobWithRows },
      },
    },
    async (request) => service.get(request.ctx(), request.params.id, request.query),
  );

  r.post(
    '/api/imports/:id/commit',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'Apply a validated import with no row errors, all rows in one transaction or none (roles: its uploader, admin)',
        description: 'Answers 202; the job shows `committing`, then `committed` (or `failed`, with nothing written). The change log records one operation (`operationId`) with a row per object, action `import`.',
        params: JobParams,
        response: { 202: ImportJob },
      },
    },
    async (request, reply) => reply.status(202).send(await service.commit(request.ctx(), request.params.id)),
  );

  r.post(
    '/api/imports/:id/cancel',
    {
      preHandler: app.requireUser,
      schema: { tags, summary: 'Cancel an import before its commit (roles: its uploader, admin)', params: JobParams, response: { 200: ImportJob } },
    },
    async (request) => service.cancel(request.ctx(), request.params.id),
  );
}

/**
 * Import limits from the server config (IMPORT_MAX_ROWS, IMPORT_MAX_BYTES, else
 * UPLOAD_LIMIT_BYTES). Given only the upload limit (the older call), the
 * IMPORT_* variables are read from the environment through the same config
 * schema, so they are defined and checked in one place.
 */
export function importLimits(config: Pick<Config, 'UPLOAD_LIMIT_BYTES' | 'IMPORT_MAX_ROWS' | 'IMPORT_MAX_BYTES'> | number, env: NodeJS.ProcessEnv = process.env): ImportLimits {
  if (typeof config === 'number') {
    const parsed = loadConfig({ DATABASE_URL: 'postgres://unused', ...env }, { UPLOAD_LIMIT_BYTES: String(config) });
    return { maxBytes: parsed.IMPORT_MAX_BYTES ?? config, maxRows: parsed.IMPORT_MAX_ROWS };
  }
  return { maxBytes: config.IMPORT_MAX_BYTES ?? config.UPLOAD_LIMIT_BYTES, maxRows: config.IMPORT_MAX_ROWS };
}
