import type pg from 'pg';
import { oneRow } from '../../db/one-row';
import { attachmentSelectList } from '../registry/attachments';
import { filtersOf, itemJson, jsonSelectList, Params, prepared, viewJson, visibility } from '../registry/registry.queries';
import type { Scope } from '../registry/resource';
import { sectorsResource } from '../sectors/sectors.descriptor';
import { sitesResource } from './sites.descriptor';
import { tenancyKind } from './tenancies';

/** Sectors a site detail lists at most (as the sector list's largest page did). */
export const SITE_DETAIL_SECTORS_MAX = 1000;

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
  // Through oneRow (db/one-row.ts): the columns as text, in the statement's order.
  const query = siteDetailBodyQuery(id, scope);
  const row = await oneRow(db, { name: query.name!, text: query.text, values: query.values! });
  if (!row) return null;
  const [site, version, status, ownerCarrierId, sectors, tenancies] = row;
  // The site's object is `{…}` (every view has fields): its parts go before the closing brace.
  const body = `${site!.slice(0, -1)},"sectors":${sectors ?? '[]'},"tenancies":${tenancies ?? '[]'}}`;
  return { body, version: Number(version), status: status!, ownerCarrierId: Number(ownerCarrierId) }; // version, status and owner are NOT NULL
}

// The statement's text depends only on the scope's kind: every value it binds after the site id is the
// carrier's id (carriers) or there is none. Built once per kind instead of on every request.
const detailTexts = new Map<Scope['kind'], { name: string; text: string; carrierBinds: number }>();

/** The statement findSiteDetailBody runs (the benchmark runs it in pgbench too). */
export function siteDetailBodyQuery(id: number, scope: Scope): pg.QueryConfig {
  let memo = detailTexts.get(scope.kind);
  if (!memo) {
    const built = buildSiteDetailBodyQuery(id, scope);
    const rest = built.values!.slice(1);
    if (built.values![0] !== id || !rest.every((v) => scope.kind === 'carrier' && v === scope.carrierId)) return built;
    memo = { name: built.name!, text: built.text, carrierBinds: rest.length };
    detailTexts.set(scope.kind, memo);
  }
  const values: unknown[] = [id];
  for (let i = 0; i < memo.carrierBinds; i += 1) values.push(scope.kind === 'carrier' ? scope.carrierId : null);
  return { name: memo.name, text: memo.text, values };
}

function buildSiteDetailBodyQuery(id: number, scope: Scope): pg.QueryConfig {
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
