import type pg from 'pg';
import { attachmentSelectList } from '../registry/attachments';
import { filtersOf, jsonSelectList, normaliseRow, Params, prepared, selectList, visibility } from '../registry/registry.queries';
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
