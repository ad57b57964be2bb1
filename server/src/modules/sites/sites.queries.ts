import type pg from 'pg';
import { attachmentSelectList } from '../registry/attachments';
import { filtersOf, itemJson, jsonSelectList, normaliseRow, Params, prepared, selectList, viewJson, visibility } from '../registry/registry.queries';
import type { Scope } from '../registry/resource';
import { sectorsResource } from '../sectors/sectors.descriptor';
import { sitesResource } from './sites.descriptor';
import { tenancyKind } from './tenancies';

type Row = Record<string, unknown>;

/** Sectors a site detail lists at most (as the sector list's largest page did). */
export const SITE_DETAIL_SECTORS_MAX = 1000;

export interface SiteDetailRows {
  site: Row;
  /** Full rows; the caller projects each through its view. */
  sectors: Row[];
  tenancies: Row[];
}

/**
 * One site with its sectors and tenancies in one statement: the site's full
 * row, and its sectors (those the scope may know exist, by id, at most
 * SITE_DETAIL_SECTORS_MAX) and tenancies (by id) as JSON arrays built by
 * PostgreSQL in uncorrelated subqueries on the same id. One round trip
 * instead of two in sequence plus one; the sector and tenancy fields are the
 * ones the list and tenancy queries read, timestamps formatted alike.
 * Null when the site is absent or hidden from the scope.
 */
export async function findSiteDetail(db: Pick<pg.Pool, 'query'>, id: number, scope: Scope, options: { withParts: boolean }): Promise<SiteDetailRows | null> {
  const r = await db.query(siteDetailQuery(id, scope, options));
  const row = r.rows[0] as Row | undefined;
  if (!row) return null;
  const sectors = (row._sectors ?? []) as Row[];
  const tenancies = (row._tenancies ?? []) as Row[];
  delete row._sectors;
  delete row._tenancies;
  return { site: normaliseRow(row), sectors, tenancies };
}

/** The statement findSiteDetail runs (the benchmark runs it in pgbench too). */
export function siteDetailQuery(id: number, scope: Scope, { withParts }: { withParts: boolean }): pg.QueryConfig {
  const params = new Params();
  const p = params.bind;
  const siteId = p(id);
  const siteWhere = [`t.id = ${siteId}`];
  const siteVisible = visibility(sitesResource, scope, p);
  if (siteVisible) siteWhere.push(siteVisible);
  let parts = '';
  if (withParts) {
    const sectorWhere = [filtersOf(sectorsResource).siteId!(() => siteId, id)];
    const sectorVisible = visibility(sectorsResource, scope, p);
    if (sectorVisible) sectorWhere.push(sectorVisible);
    parts =
      `, (SELECT coalesce(json_agg(x ORDER BY x."id"), '[]'::json) FROM (SELECT ${jsonSelectList(sectorsResource)} FROM ${sectorsResource.table} t` +
      ` WHERE ${sectorWhere.join(' AND ')} ORDER BY t.id LIMIT ${SITE_DETAIL_SECTORS_MAX}) x) AS "_sectors"` +
      `, (SELECT coalesce(json_agg(x ORDER BY x."id"), '[]'::json) FROM (SELECT ${attachmentSelectList(tenancyKind, { json: true })} FROM ${tenancyKind.table} a` +
      ` WHERE a.${tenancyKind.parentColumn} = ${siteId}) x) AS "_tenancies"`;
  }
  return prepared(`SELECT ${selectList(sitesResource)}${parts} FROM ${sitesResource.table} t WHERE ${siteWhere.join(' AND ')}`, params.values);
}

export interface SiteDetailBody {
  /** The response body: the site, its sectors and tenancies, each through the caller's view. */
  body: string;
  version: number;
  status: string;
  ownerCarrierId: number;
}

/**
 * GET /api/sites/:id as PostgreSQL writes it: the site, its sectors (those the
 * scope may know exist, by id, at most SITE_DETAIL_SECTORS_MAX) and tenancies
 * (by id), each object holding exactly the fields of the view the caller sees
 * it through (itemJson, viewJson), plus the site's version (the ETag) and what
 * the visibility check reads. The public gets no sectors or tenancies. Null
 * when the site is absent or hidden from the scope.
 */
export async function findSiteDetailBody(db: Pick<pg.Pool, 'query'>, id: number, scope: Scope): Promise<SiteDetailBody | null> {
  const r = await db.query<{ _site: string; _sectors: string | null; _tenancies: string | null; version: number; status: string; ownerCarrierId: number }>(siteDetailBodyQuery(id, scope));
  const row = r.rows[0];
  if (!row) return null;
  // The site's object is `{…}` (every view has fields): its parts go before the closing brace.
  const body = `${row._site.slice(0, -1)},"sectors":${row._sectors ?? '[]'},"tenancies":${row._tenancies ?? '[]'}}`;
  return { body, version: row.version, status: row.status, ownerCarrierId: row.ownerCarrierId };
}

/** The statement findSiteDetailBody runs (the benchmark runs it in pgbench too). */
export function siteDetailBodyQuery(id: number, scope: Scope): pg.QueryConfig {
  const params = new Params();
  const p = params.bind;
  const siteId = p(id);
  const siteWhere = [`t.id = ${siteId}`];
  const siteVisible = visibility(sitesResource, scope, p);
  if (siteVisible) siteWhere.push(siteVisible);
  let parts = '';
  if (scope.kind !== 'public') {
    const sectorWhere = [filtersOf(sectorsResource).siteId!(() => siteId, id)];
    const sectorVisible = visibility(sectorsResource, scope, p);
    if (sectorVisible) sectorWhere.push(sectorVisible);
    // A tenancy's parties (its carrier, the site's owner) and staff see it whole; other carriers without the contract.
    const tenancy =
      scope.kind === 'carrier'
        ? `CASE WHEN z."carrierId" = ${p(scope.carrierId)} OR x."ownerCarrierId" = ${p(scope.carrierId)} THEN ${viewJson(tenancyKind.full, 'z')} ELSE ${viewJson(tenancyKind.others, 'z')} END`
        : viewJson(tenancyKind.full, 'z');
    parts =
      `, (SELECT json_agg(${itemJson(sectorsResource, scope, p, 'y')} ORDER BY y."id")::text FROM (SELECT ${jsonSelectList(sectorsResource)} FROM ${sectorsResource.table} t` +
      ` WHERE ${sectorWhere.join(' AND ')} ORDER BY t.id LIMIT ${SITE_DETAIL_SECTORS_MAX}) y) AS "_sectors"` +
      `, (SELECT json_agg(${tenancy} ORDER BY z."id")::text FROM (SELECT ${attachmentSelectList(tenancyKind, { json: true })} FROM ${tenancyKind.table} a` +
      ` WHERE a.${tenancyKind.parentColumn} = ${siteId}) z) AS "_tenancies"`;
  }
  return prepared(
    `SELECT ${itemJson(sitesResource, scope, p, 'x')}::text AS "_site", x."version", x."status", x."ownerCarrierId"${parts}` +
      ` FROM (SELECT ${jsonSelectList(sitesResource)} FROM ${sitesResource.table} t WHERE ${siteWhere.join(' AND ')}) x`,
    params.values,
  );
}
