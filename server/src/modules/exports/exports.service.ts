import type pg from 'pg';
import type { ListFilters } from '@registry/shared/schemas/registry-common';
import type { ExportFormat } from '@registry/shared/schemas/imports';
import type { RequestContext } from '../../context';
import { BadRequestError } from '../../errors';
import { buildListQuery } from '../registry/registry.queries';
import { assertCanRead, projectFor } from '../registry/registry.access';
import { scopeOf, type ResourceDescriptor } from '../registry/resource';
import { csvWriter, geojsonWriter, kmlWriter, ofdsWriter, type ExportWriter } from './exports.writers';

const BATCH = 2000;

/**
 * Exports reuse the registry's list query (same filters, same visibility) and
 * project every row through the caller's view, so an export shows exactly what
 * the list endpoint would, page after page, streamed from a cursor.
 */
export function createExportsService(deps: { pool: pg.Pool; resources: ResourceDescriptor[] }) {
  const byName = new Map(deps.resources.map((d) => [d.name, d]));

  function resource(name: string): ResourceDescriptor {
    const d = byName.get(name);
    if (!d) throw new BadRequestError(`Nothing to export called ${name}`, [{ path: 'resource', reason: 'invalid_value', message: `One of ${[...byName.keys()].join(', ')}` }]);
    return d;
  }

  function writerFor(d: ResourceDescriptor, format: ExportFormat): ExportWriter {
    const columns = Object.keys(d.views.full.shape);
    switch (format) {
      case 'csv':
        return csvWriter(columns);
      case 'geojson':
        return geojsonWriter();
      case 'kml':
        return kmlWriter(d.name);
      case 'ofds':
        if (d.name === 'access-points') return ofdsWriter('nodes', 'access points');
        if (d.name === 'fibre-routes') return ofdsWriter('spans', 'fibre routes');
        throw new BadRequestError('Open Fibre Data Standard exports are for fibre-routes and access-points');
    }
  }

  /** The export as a stream of text chunks, and how to label it. */
  function open(ctx: RequestContext, name: string, format: ExportFormat, filters: Omit<ListFilters, 'limit' | 'cursor'>) {
    const d = resource(name);
    const scope = scopeOf(ctx.actor);
    assertCanRead(d, scope);
    const writer = writerFor(d, format);
    const query = buildListQuery(d, { ...filters, limit: 2_000_000_000 } as ListFilters, scope);
    const columns = Object.keys(d.views.full.shape);
    async function* chunks(): AsyncGenerator<string> {
      const client = await deps.pool.connect();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${query.text}`, query.values);
        yield writer.head();
        let index = 0;
        for (;;) {
          const r = await client.query(`FETCH ${BATCH} FROM export_cursor`);
          if (r.rows.length === 0) break;
          let text = '';
          for (const raw of r.rows as Record<string, unknown>[]) {
            delete raw._k;
            for (const [k, v] of Object.entries(raw)) if (v instanceof Date) raw[k] = v.toISOString();
            const row = projectFor(d, scope, raw);
            // CSV columns are the full view's; fields a caller may not see stay empty.
            text += writer.row(format === 'csv' ? Object.fromEntries(columns.map((c) => [c, row[c]])) : row, index++);
          }
          yield text;
        }
        yield writer.tail();
        await client.query('COMMIT');
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    }
    return { chunks: chunks(), contentType: writer.contentType, filename: `${d.name}.${writer.extension}` };
  }

  return { open, names: () => [...byName.keys()] };
}

export type ExportsService = ReturnType<typeof createExportsService>;
