import type { z } from 'zod';
import type { Geometry } from 'geojson';
import type pg from 'pg';
import type { FilterName, Views } from '@registry/shared/schemas/registry-common';
import type { Actor, RequestContext } from '../../context';
import type { DbOrTx } from '../../db/client';
import type { ChangeRecord } from '../history/change-log';

// The descriptor of one registry resource: which table, which geometry, who
// owns a row, who may write, which fields each audience sees, which filters
// and sort keys the list accepts. The generic machinery (queries, service,
// routes) reads only this, so each asset type is a page of declarations plus
// hooks where it is special (a site's sectors and tenancies).

/** Whose eyes a request is seen through. Admins, planners and officers see everything. */
export type Scope = { kind: 'staff'; role: 'admin' | 'planner' | 'officer' } | { kind: 'carrier'; carrierId: number; userId: number } | { kind: 'public' };

export function scopeOf(actor: Actor): Scope {
  if (actor.kind !== 'user') return { kind: 'public' };
  if (actor.role === 'carrier') return { kind: 'carrier', carrierId: actor.carrierId ?? -1, userId: actor.userId };
  return { kind: 'staff', role: actor.role };
}

export const isAdmin = (scope: Scope) => scope.kind === 'staff' && scope.role === 'admin';

/** How a field is read and written. Defaults: column = snake_case(field), read = t.<column>. */
export interface FieldSpec {
  /** SQL expression read for this field (alias `t` is the resource's table). */
  read?: string;
  /** Column the input field is written to; null = read-only. */
  column?: string | null;
  /** `date` columns are read as YYYY-MM-DD text. */
  type?: 'date';
}

/**
 * Who may create, edit and decommission rows:
 * - owner: admins, and carrier users for rows their carrier owns;
 * - planner: admins and planners;
 * - admin: admins only.
 * Hard delete is always admins-only.
 */
export type WritePolicy = 'owner' | 'planner' | 'admin';

/** Builds one WHERE condition; `p` binds a value and returns its placeholder. */
export type Filter = (p: (value: unknown) => string, value: unknown) => string;

export interface SortKey {
  /** Non-null SQL expression; timestamps are truncated to ms so cursors round-trip. */
  expr: string;
  cast: 'text' | 'bigint' | 'real' | 'timestamptz';
}

/** What a write must tell the coverage engine (sites, sectors, access points, fibre routes). */
export interface CoverageChange {
  siteIds?: number[];
  sectorIds?: number[];
  accessPointIds?: number[];
  fibreRouteIds?: number[];
  /** Geometries before the change (old positions to recompute around). */
  before?: Geometry[];
}

/** The coverage engine's hook; called inside the write transaction. */
export interface CoverageHook {
  recomputeAfterChange(tx: DbOrTx, change: CoverageChange): Promise<unknown>;
}

export const NO_COVERAGE: CoverageHook = { recomputeAfterChange: async () => undefined };

/** Everything a write accumulates inside its transaction, flushed by the service. */
export interface WriteContext {
  client: pg.PoolClient;
  db: DbOrTx;
  ctx: RequestContext;
  scope: Scope;
  records: ChangeRecord[];
  coverage: Required<Pick<CoverageChange, 'siteIds' | 'sectorIds' | 'accessPointIds' | 'fibreRouteIds' | 'before'>>;
  /** Layers and extents for the post-commit 'assets-changed' event. */
  layers: Set<string>;
  bboxes: [number, number, number, number][];
  operationId: string;
}

export interface ResourceDescriptor {
  /** REST path segment and map layer id: 'sites', 'fibre-routes'. */
  name: string;
  /** change_log.object_type: 'site', 'fibre_route'. */
  objectType: string;
  table: string;
  /** For messages: 'Site'. */
  label: string;
  idType: 'integer' | 'bigint';
  views: Views;
  response: z.ZodObject<z.ZodRawShape>;
  createInput: z.ZodType;
  updateInput: z.ZodType;
  fields?: Record<string, FieldSpec>;
  geometry?: {
    column: string;
    store: 'Point' | 'LineString' | 'MultiPolygon' | 'Geometry';
    /** Administrative units define the province, so they are not checked against it. */
    skipProvinceCheck?: boolean;
  };
  /** Column / field naming the owning carrier (carriers: their own id). */
  owner?: { column: string; field: string };
  write: WritePolicy;
  /** Whether anonymous callers may read at all, and which rows they see. */
  publicRead?: { where: string };
  /** Has a lifecycle status: DELETE decommissions, ?hard=true removes (admins). */
  lifecycle: boolean;
  /** Other carriers' planned rows are private to their owner: 404 for them and the public. */
  plannedIsPrivate?: boolean;
  /** Resource-specific list filters, on top of the generic ones. */
  filters?: Partial<Record<FilterName, Filter>>;
  /** Sort keys besides id, code, createdAt, updatedAt. */
  sorts?: Record<string, SortKey>;
  /** Columns derived from others, refreshed after each write: column → SQL (alias t). */
  derived?: Record<string, string>;
  /** Reasons a hard delete is refused: SQL returning a row when the object (id $1) is referenced. */
  references?: { what: string; sql: string }[];
  /** Input keys that are not columns (nested rows), handled by hooks. */
  nestedKeys?: string[];
  coverage?: 'siteIds' | 'sectorIds' | 'accessPointIds' | 'fibreRouteIds';
  hooks?: {
    /** Extra checks before a create is written (references, object-level rules). */
    beforeCreate?(w: WriteContext, input: Record<string, unknown>): Promise<void>;
    afterCreate?(w: WriteContext, row: Record<string, unknown>, input: Record<string, unknown>): Promise<void>;
    beforeUpdate?(w: WriteContext, before: Record<string, unknown>, input: Record<string, unknown>): Promise<void>;
    afterWrite?(w: WriteContext, row: Record<string, unknown>): Promise<void>;
  };
}

export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
