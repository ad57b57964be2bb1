import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Geometry } from 'geojson';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { ErrorDetail } from '@registry/shared/errors';
import type { ListFilters } from '@registry/shared/schemas/registry-common';
import { bboxOf, GEOMETRY_REASONS, type AnyGeometry, type BBox } from '@registry/shared/geo/geometry';
import type { RequestContext } from '../../context';
import * as schema from '../../db/schema/index';
import { ConflictError, ValidationError } from '../../errors';
import type { RegistryEvents } from '../../lib/events';
import { assertVersion, type ExpectedVersion } from '../../lib/versioning';
import type { ProvinceGuard } from '../geo/province-guard';
import { recordChanges, type ChangeRecord } from '../history/change-log';
import { assertAdmin, assertCanRead, assertOwns, assertVisible, assertWritePolicy, projectFor } from './registry.access';
import { buildListQuery, findById, geometryValidity, insertRow, referencedBy, refreshDerived, runListBody, updateRow } from './registry.queries';
import { NO_COVERAGE, scopeOf, type CoverageHook, type ResourceDescriptor, type Scope, type WriteContext } from './resource';

export interface RegistryServiceDeps {
  pool: pg.Pool;
  events: RegistryEvents;
  provinceGuard: ProvinceGuard;
  /** The coverage engine, recomputed inside each write transaction. */
  coverage?: CoverageHook;
}

type Row = Record<string, unknown>;

/**
 * The generic verbs of every registry resource: list, get, create, update,
 * decommission / delete. Each write is one transaction that also writes its
 * change-log rows and asks the coverage engine to recompute; the
 * 'assets-changed' event goes out after commit.
 */
export function createRegistryService(deps: RegistryServiceDeps) {
  const { pool, events, provinceGuard } = deps;
  const coverage = deps.coverage ?? NO_COVERAGE;

  /** Runs fn in a transaction, then writes the log, recomputes coverage, commits and notifies. */
  async function transaction<T>(ctx: RequestContext, fn: (w: WriteContext) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const w: WriteContext = {
      client,
      db: drizzle(client, { schema, casing: 'snake_case' }),
      ctx,
      scope: scopeOf(ctx.actor),
      records: [],
      coverage: { siteIds: [], sectorIds: [], accessPointIds: [], fibreRouteIds: [], before: [] },
      layers: new Set(),
      bboxes: [],
      operationId: randomUUID(),
    };
    try {
      await client.query('BEGIN');
      const result = await fn(w);
      await recordChanges(w.db, ctx, w.records.map((r) => ({ ...r, operationId: w.operationId })));
      const c = w.coverage;
      if (c.siteIds.length + c.sectorIds.length + c.accessPointIds.length + c.fibreRouteIds.length > 0) {
        // Sector footprints are derived by the engine: their old and new extents are what the tiles must drop.
        const radio = c.siteIds.length + c.sectorIds.length > 0;
        if (radio) await footprintExtent(w, c.siteIds, c.sectorIds);
        await coverage.recomputeAfterChange(w.db, c);
        if (radio) await footprintExtent(w, c.siteIds, c.sectorIds);
      }
      await client.query('COMMIT');
      if (w.layers.size > 0) events.emit('assets-changed', { layers: [...w.layers], bboxes: w.bboxes });
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Adds the extent of the footprints of these sectors and of every sector on these sites. */
  async function footprintExtent(w: WriteContext, siteIds: number[], sectorIds: number[]) {
    const r = await w.client.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
      `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
         FROM (SELECT ST_Extent(footprint)::geometry AS e FROM sectors WHERE id = ANY($1::int[]) OR site_id = ANY($2::int[])) s`,
      [sectorIds, siteIds],
    );
    const row = r.rows[0];
    if (row && row.xmin !== null) {
      w.bboxes.push([row.xmin, row.ymin, row.xmax, row.ymax]);
      w.layers.add('sectors');
    }
  }

  /** Notes a changed row for the change log, the coverage engine and the tile cache. */
  function touch(w: WriteContext, d: ResourceDescriptor, action: ChangeRecord['action'], before: Row | null, after: Row | null) {
    const id = Number((after ?? before)!.id);
    w.records.push({ objectType: d.objectType, objectId: id, action, before, after });
    w.layers.add(d.name);
    for (const row of [before, after]) {
      const g = row?.geometry as AnyGeometry | null | undefined;
      if (g && Array.isArray(g.coordinates)) w.bboxes.push(bboxOf(g) as BBox);
    }
    if (d.coverage) {
      w.coverage[d.coverage].push(id);
      if (before?.geometry) w.coverage.before.push(before.geometry as Geometry);
    }
  }

  /** Every problem with the submitted geometry: validity, then the province (names a swap). */
  async function checkGeometry(d: ResourceDescriptor, input: Row, path = 'geometry'): Promise<ErrorDetail[]> {
    const geometry = input.geometry;
    if (!d.geometry || geometry === undefined || geometry === null) return [];
    const invalid = await geometryValidity(pool, geometry);
    if (invalid) return [{ path, message: `Invalid geometry: ${invalid}`, reason: GEOMETRY_REASONS.invalid }];
    if (d.geometry.skipProvinceCheck) return [];
    return provinceGuard.check(geometry as AnyGeometry, path);
  }

  async function assertGeometry(d: ResourceDescriptor, input: Row) {
    const details = await checkGeometry(d, input);
    if (details.length) throw new ValidationError(details);
  }

  function ownerOf(d: ResourceDescriptor, row: Row): unknown {
    return d.owner ? row[d.owner.field] : undefined;
  }

  /** Creates a row inside an open write (used by nested writes too). */
  async function createWithin(w: WriteContext, d: ResourceDescriptor, given: Row): Promise<Row> {
    const input = { ...given };
    const scope = w.scope;
    if (d.owner && d.owner.column !== 'id' && input[d.owner.field] === undefined && scope.kind === 'carrier') input[d.owner.field] = scope.carrierId;
    assertWritePolicy(d, scope);
    if (d.owner && d.owner.column !== 'id' && input[d.owner.field] !== undefined) assertOwns(d, scope, input[d.owner.field]);
    await d.hooks?.beforeCreate?.(w, input);
    if (d.owner && d.owner.column !== 'id' && input[d.owner.field] === undefined) {
      throw new ValidationError([{ path: d.owner.field, message: 'Name the owning carrier', reason: 'required' }]);
    }
    const id = await insertRow(w.client, d, input);
    await refreshDerived(w.client, d, id);
    let row = (await findById(w.client, d, id))!;
    if (d.hooks?.afterCreate) {
      await d.hooks.afterCreate(w, row, input);
      row = (await findById(w.client, d, id))!;
    }
    touch(w, d, 'create', null, row);
    return row;
  }

  async function updateWithin(w: WriteContext, d: ResourceDescriptor, id: number, input: Row, expected: ExpectedVersion | null): Promise<Row> {
    const scope = w.scope;
    assertWritePolicy(d, scope);
    const before = await findById(w.client, d, id, { lock: true });
    assertVisible(d, scope, before, id);
    assertOwns(d, scope, ownerOf(d, before));
    if (d.owner && d.owner.column !== 'id' && input[d.owner.field] !== undefined && input[d.owner.field] !== ownerOf(d, before)) {
      assertOwns(d, scope, input[d.owner.field]);
    }
    if (expected) assertVersion(expected, Number(before.version), d.label);
    await assertGeometry(d, input);
    await d.hooks?.beforeUpdate?.(w, before, input);
    await updateRow(w.client, d, id, input);
    if (input.geometry !== undefined) await refreshDerived(w.client, d, id);
    let after = (await findById(w.client, d, id))!;
    if (d.hooks?.afterWrite) {
      await d.hooks.afterWrite(w, after);
      after = (await findById(w.client, d, id))!;
    }
    touch(w, d, 'update', before, after);
    return after;
  }

  return {
    pool,
    transaction,
    touch,
    checkGeometry,
    createWithin,
    updateWithin,

    /** A list's response body, written by PostgreSQL through the caller's views (buildListQuery's bodyText). */
    async listBody(d: ResourceDescriptor, ctx: RequestContext, filters: ListFilters): Promise<string> {
      const scope = scopeOf(ctx.actor);
      assertCanRead(d, scope);
      return runListBody(pool, buildListQuery(d, filters, scope));
    },

    /** The full row if the caller may know it exists (not yet projected). */
    async getRow(d: ResourceDescriptor, ctx: RequestContext, id: number): Promise<Row> {
      const scope = scopeOf(ctx.actor);
      assertCanRead(d, scope);
      const row = await findById(pool, d, id, { scope });
      assertVisible(d, scope, row, id);
      return row;
    },

    async get(d: ResourceDescriptor, ctx: RequestContext, id: number): Promise<Row> {
      const scope = scopeOf(ctx.actor);
      return projectFor(d, scope, await this.getRow(d, ctx, id));
    },

    async create(d: ResourceDescriptor, ctx: RequestContext, input: Row): Promise<Row> {
      const scope = scopeOf(ctx.actor);
      assertWritePolicy(d, scope);
      const owner = d.owner && d.owner.column !== 'id' ? (input[d.owner.field] ?? (scope.kind === 'carrier' ? scope.carrierId : undefined)) : undefined;
      if (owner !== undefined) assertOwns(d, scope, owner);
      await assertGeometry(d, input);
      const row = await transaction(ctx, (w) => createWithin(w, d, input));
      return projectFor(d, scope, row);
    },

    async update(d: ResourceDescriptor, ctx: RequestContext, id: number, input: Row, expected: ExpectedVersion): Promise<Row> {
      const scope = scopeOf(ctx.actor);
      assertWritePolicy(d, scope);
      const row = await transaction(ctx, (w) => updateWithin(w, d, id, input, expected));
      return projectFor(d, scope, row);
    },

    /**
     * DELETE: a lifecycle object is decommissioned (kept, in history); with
     * hard=true, or for objects without a lifecycle, the row is removed, by
     * admins only and only when nothing refers to it.
     */
    async remove(d: ResourceDescriptor, ctx: RequestContext, id: number, hard: boolean, expected: ExpectedVersion | null): Promise<Row | null> {
      const scope = scopeOf(ctx.actor);
      const removeRow = hard || !d.lifecycle;
      if (removeRow) {
        if (scope.kind === 'staff' || scope.kind === 'public') assertAdmin(scope, `delete ${d.name}`);
      } else assertWritePolicy(d, scope);
      const row = await transaction(ctx, async (w) => {
        const before = await findById(w.client, d, id, { lock: true });
        assertVisible(d, scope, before, id);
        if (removeRow) {
          assertAdmin(scope, `delete ${d.name}`);
          if (expected) assertVersion(expected, Number(before.version), d.label);
          const what = await referencedBy(w.client, d, id);
          if (what) {
            throw new ConflictError(`${d.label} ${id} is still referenced by ${what}; decommission it instead`, {}, [
              { path: 'id', message: `Referenced by ${what}`, reason: 'referenced' },
            ]);
          }
          await w.client.query(`DELETE FROM ${d.table} WHERE id = $1`, [id]);
          touch(w, d, 'delete', before, null);
          return null;
        }
        assertOwns(d, scope, ownerOf(d, before));
        if (expected) assertVersion(expected, Number(before.version), d.label);
        await w.client.query(`UPDATE ${d.table} SET status = 'decommissioned', version = version + 1, updated_at = now() WHERE id = $1`, [id]);
        const after = (await findById(w.client, d, id))!;
        touch(w, d, 'decommission', before, after);
        return after;
      });
      return row ? projectFor(d, scope, row) : null;
    },

    scopeOf(ctx: RequestContext): Scope {
      return scopeOf(ctx.actor);
    },
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;
