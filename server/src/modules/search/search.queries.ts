import type pg from 'pg';
import { VIETNAMESE_FOLD_FROM, VIETNAMESE_FOLD_TO } from '@registry/shared/text';
import type { SearchHit, SearchKind } from '@registry/shared/schemas/search';

/**
 * Folds a text column like foldVietnamese() does in the client: lower case,
 * every precomposed Vietnamese letter to its base letter, đ → d. translate()
 * over the shared letter table, because unaccent needs a superuser to install.
 */
export function foldSql(column: string): string {
  return `translate(lower(${column}), '${VIETNAMESE_FOLD_FROM}', '${VIETNAMESE_FOLD_TO}')`;
}

interface Row {
  kind: SearchKind;
  id: number;
  code: string;
  name: string;
  context: string | null;
  min_x: number | null;
  min_y: number | null;
  max_x: number | null;
  max_y: number | null;
}

/**
 * Villages, administrative units, sites and carriers whose folded name (or
 * code) contains the folded query: exact matches first, then prefixes, then
 * word starts, then anywhere. `publicOnly` limits sites to open-data ones.
 */
export async function searchAll(db: pg.Pool | pg.PoolClient, folded: string, limit: number, publicOnly: boolean): Promise<SearchHit[]> {
  const like = `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rank = (name: string) =>
    `CASE WHEN ${foldSql(name)} = $1 THEN 0 WHEN ${foldSql(name)} LIKE $1 || '%' THEN 1 WHEN ${foldSql(name)} LIKE '% ' || $1 || '%' THEN 2 ELSE 3 END`;
  const box = (geom: string) => `ST_XMin(${geom}) AS min_x, ST_YMin(${geom}) AS min_y, ST_XMax(${geom}) AS max_x, ST_YMax(${geom}) AS max_y`;
  const sql = `
    WITH hits AS (
      SELECT 'village'::text AS kind, v.id, v.code, v.name, c.name || coalesce(', ' || d.name, '') AS context, ${box('v.boundary')},
             ${rank('v.name')} AS rank, 1 AS kind_order
        FROM villages v JOIN admin_units c ON c.id = v.commune_id LEFT JOIN admin_units d ON d.id = c.parent_id
       WHERE ${foldSql('v.name')} LIKE $2 OR v.code ILIKE $2
      UNION ALL
      SELECT 'admin_unit', a.id, a.code, a.name,
             a.unit_type || coalesce(', ' || p.name, '') || CASE WHEN a.valid_to IS NOT NULL THEN ' (' || a.valid_from || ' – ' || a.valid_to || ')' ELSE '' END, ${box('a.boundary')},
             ${rank('a.name')}, 0
        FROM admin_units a LEFT JOIN admin_units p ON p.id = a.parent_id
       WHERE ${foldSql('a.name')} LIKE $2 OR a.code = $1
      UNION ALL
      SELECT 'site', s.id, s.code, coalesce(s.name, s.code), oc.name, ${box('s.geom')},
             least(${rank('coalesce(s.name, s.code)')}, CASE WHEN lower(s.code) = $1 THEN 0 ELSE 3 END), 2
        FROM sites s JOIN carriers oc ON oc.id = s.owner_carrier_id
       WHERE (${foldSql('coalesce(s.name, \'\')')} LIKE $2 OR s.code ILIKE $2)
         AND ($4::boolean IS FALSE OR (s.is_public AND s.status <> 'decommissioned'))
      UNION ALL
      SELECT 'carrier', k.id, k.code, k.name, k.legal_name, NULL, NULL, NULL, NULL,
             least(${rank('k.name')}, CASE WHEN lower(k.code) = $1 THEN 0 ELSE 3 END), 0
        FROM carriers k
       WHERE ${foldSql('k.name')} LIKE $2 OR ${foldSql('k.legal_name')} LIKE $2 OR lower(k.code) LIKE $2
    )
    SELECT kind, id, code, name, context, min_x, min_y, max_x, max_y
      FROM hits ORDER BY rank, kind_order, length(name), name LIMIT $3`;
  const r = await db.query<Row>(sql, [folded, like, limit, publicOnly]);
  return r.rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    code: row.code,
    name: row.name,
    context: row.context,
    bbox: row.min_x === null || row.min_y === null || row.max_x === null || row.max_y === null ? null : [row.min_x, row.min_y, row.max_x, row.max_y],
  }));
}
