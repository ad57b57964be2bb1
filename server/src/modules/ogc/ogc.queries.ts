import type pg from 'pg';
import { compileNamed, filterableFieldsFor, projectionSql, rowFilterSql, type Audience, type LayerDefinition } from '../layers/catalogue';
import type { OutputCrs } from './crs';

// OGC API – Features reads. Every column comes from the layer catalogue's
// projection for the caller's audience; geometry leaves as GeoJSON in the
// requested CRS, straight from PostGIS.

export interface ItemsFilter {
  /** Envelope in the bbox CRS, already in that CRS's axis order x,y. */
  bbox?: { minX: number; minY: number; maxX: number; maxY: number; srid: number };
  /** Inclusive day range; either end may be open. */
  datetime?: { start: string | null; end: string | null };
  /** Simple property filters: field name → value (compared as text). */
  properties: Record<string, string>;
}

export interface FeatureRow {
  id: number;
  geometry: string | null;
  properties: Record<string, unknown>;
}

function whereSql(layer: LayerDefinition, audience: Audience, filter: ItemsFilter, values: Record<string, unknown>): string {
  const where = [rowFilterSql(layer, audience)];
  if (audience.kind === 'carrier') values.carrier = audience.carrierId;
  if (filter.bbox) {
    const { minX, minY, maxX, maxY, srid } = filter.bbox;
    Object.assign(values, { bx0: minX, by0: minY, bx1: maxX, by1: maxY });
    const envelope = srid === 4326 ? 'ST_MakeEnvelope(:bx0, :by0, :bx1, :by1, 4326)' : `ST_Transform(ST_MakeEnvelope(:bx0, :by0, :bx1, :by1, ${srid}), 4326)`;
    where.push(`${layer.geomSql} && ${envelope} AND ST_Intersects(${layer.geomSql}, ${envelope})`);
  }
  if (filter.datetime && layer.temporal) {
    const { start, end } = filter.datetime;
    if (end !== null) {
      values.dt_end = end;
      where.push(`(${layer.temporal.start} IS NULL OR ${layer.temporal.start} <= CAST(:dt_end AS date))`);
    }
    if (start !== null) {
      values.dt_start = start;
      where.push(`(${layer.temporal.end} IS NULL OR ${layer.temporal.end} >= CAST(:dt_start AS date))`);
    }
  }
  const allowed = new Map(filterableFieldsFor(layer, audience).map((f) => [f.name, f]));
  Object.entries(filter.properties).forEach(([name, value], i) => {
    const field = allowed.get(name);
    if (!field) return;
    values[`f${i}`] = value;
    where.push(`(${field.sql})::text = CAST(:f${i} AS text)`);
  });
  return where.map((w) => `(${w})`).join(' AND ');
}

function geometrySql(layer: LayerDefinition, crs: OutputCrs): string {
  let geom = crs.srid === 4326 ? layer.geomSql : `ST_Transform(${layer.geomSql}, ${crs.srid})`;
  if (crs.latLonOrder) geom = `ST_FlipCoordinates(${geom})`;
  return `ST_AsGeoJSON(${geom}, ${crs.decimals})`;
}

function toFeatureRows(rows: Record<string, unknown>[]): FeatureRow[] {
  return rows.map((row) => {
    const { __id, __geom, ...properties } = row;
    return { id: Number(__id), geometry: (__geom as string | null) ?? null, properties };
  });
}

export async function queryItems(
  pool: pg.Pool,
  layer: LayerDefinition,
  audience: Audience,
  filter: ItemsFilter,
  page: { limit: number; offset: number },
  crs: OutputCrs,
): Promise<{ features: FeatureRow[]; numberMatched: number }> {
  const values: Record<string, unknown> = { limit: page.limit, offset: page.offset };
  const where = whereSql(layer, audience, filter, values);
  const select = compileNamed(
    `SELECT ${layer.idSql} AS "__id", ${geometrySql(layer, crs)} AS "__geom", ${projectionSql(layer, audience).join(', ')}
       FROM ${layer.from}
      WHERE ${where}
      ORDER BY ${layer.idSql}
      LIMIT :limit OFFSET :offset`,
    values,
  );
  const countValues = { ...values };
  delete countValues.limit;
  delete countValues.offset;
  const count = compileNamed(`SELECT count(*)::int AS n FROM ${layer.from} WHERE ${where}`, countValues);
  const [items, matched] = await Promise.all([pool.query(select.text, select.values), pool.query<{ n: number }>(count.text, count.values)]);
  return { features: toFeatureRows(items.rows), numberMatched: matched.rows[0]?.n ?? 0 };
}

export async function queryItem(pool: pg.Pool, layer: LayerDefinition, audience: Audience, id: number, crs: OutputCrs): Promise<FeatureRow | null> {
  const values: Record<string, unknown> = { id };
  const where = whereSql(layer, audience, { properties: {} }, values);
  const q = compileNamed(
    `SELECT ${layer.idSql} AS "__id", ${geometrySql(layer, crs)} AS "__geom", ${projectionSql(layer, audience).join(', ')}
       FROM ${layer.from}
      WHERE ${layer.idSql} = CAST(:id AS int) AND ${where}`,
    values,
  );
  const r = await pool.query(q.text, q.values);
  return toFeatureRows(r.rows)[0] ?? null;
}

/** Spatial (CRS84) and temporal extent of what the audience may see of a layer. */
export async function queryExtent(
  pool: pg.Pool,
  layer: LayerDefinition,
  audience: Audience,
): Promise<{ bbox: [number, number, number, number] | null; interval: [string | null, string | null] | null }> {
  const values: Record<string, unknown> = {};
  const where = whereSql(layer, audience, { properties: {} }, values);
  // The extent needs only the layer's own table: drop the joins that add attributes.
  const table = layer.from.trim().split(/\s+/).slice(0, 2).join(' ');
  const temporal = layer.temporal ? `, min(${layer.temporal.start})::text AS t0, CASE WHEN bool_or(${layer.temporal.end} IS NULL) THEN NULL ELSE max(${layer.temporal.end})::text END AS t1` : '';
  const usesJoins = /\b(oc|cov|occ|au|p|c|s)\./.test(where);
  const q = compileNamed(
    `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1${layer.temporal ? ', t0, t1' : ''}
       FROM (SELECT ST_Extent(${layer.geomSql})::geometry AS e${temporal} FROM ${usesJoins ? layer.from : table} WHERE ${where}) x`,
    values,
  );
  const r = await pool.query<{ x0: number | null; y0: number; x1: number; y1: number; t0?: string | null; t1?: string | null }>(q.text, q.values);
  const row = r.rows[0];
  return {
    bbox: row && row.x0 !== null ? [row.x0, row.y0, row.x1, row.y1] : null,
    interval: layer.temporal ? [row?.t0 ?? null, row?.t1 ?? null] : null,
  };
}
