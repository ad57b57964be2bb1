import type pg from 'pg';
import type { BBox } from '@registry/shared/geo/geometry';
import { oneRow } from '../../db/one-row';
import {
  bindNamed,
  compileTemplate,
  projectionSql,
  rowFilterSql,
  VILLAGE_COVERAGE_ANY,
  VILLAGE_COVERAGE_CARRIER,
  type Audience,
  type LayerDefinition,
  type LayerField,
} from '../layers/catalogue';

// Tile SQL: one statement per tile, straight from PostGIS. Templates use
// pgbench-style :z :x :y (and :carrier, :cov_carrier) placeholders so that
// `npm run bench:tiles` runs exactly this text under pgbench -M prepared;
// compileTemplate() turns them into $n for node-postgres, once per statement.
//
// The tile leaves PostgreSQL as base64 text (TILE_WIRE): node-postgres reads
// every column as a string, and a bytea's hex text is twice the tile; base64
// is 1.35 times, and Node decodes it natively. Reading a 228 KB overview tile
// took 6.4 ms of the server's CPU as hex, 2.5 ms as base64.

export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Web Mercator circumference, metres (EPSG:3857). */
const CIRCUMFERENCE_M = 40075016.68557849;

/**
 * Tile envelope in 3857, the same plus the buffer, and that again in 4326
 * for the index (a Mercator rectangle is a lon/lat rectangle).
 */
const BOUNDS_CTE = `bounds AS (
  SELECT ST_TileEnvelope(:z, :x, :y) AS env,
         ST_TileEnvelope(:z, :x, :y, margin => ${TILE_BUFFER / TILE_EXTENT}) AS env_buffered,
         ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => ${TILE_BUFFER / TILE_EXTENT}), 4326) AS env_ll
)`;

// Rows whose geometry ST_AsMVTGeom clips away (null) are skipped by
// ST_AsMVT itself; filtering them in SQL would let the planner push the
// filter down and compute every geometry twice.

/** A tile's grid: units per tile side and buffer units (SQL, constant per tile), the buffer always TILE_BUFFER / TILE_EXTENT of the side. */
interface TileGrid {
  extent: string;
  buffer: string;
}

const DETAIL_GRID: TileGrid = { extent: `${TILE_EXTENT}`, buffer: `${TILE_BUFFER}` };

/**
 * The grid of a layer's tiles: overview zooms (see LayerDefinition.overview)
 * take a coarser one. maplibre draws a tile 512 px wide, so a 1024 grid is
 * still half a pixel at the tile's own zoom and one pixel just before the next
 * zoom's tiles replace it; MVT's zigzag deltas are then mostly one byte.
 */
function gridOf(layer: LayerDefinition): TileGrid {
  if (!layer.overview) return DETAIL_GRID;
  const { maxZoom, extent } = layer.overview;
  const scale = TILE_EXTENT / extent;
  return {
    extent: `(CASE WHEN :z <= ${maxZoom} THEN ${extent} ELSE ${TILE_EXTENT} END)`,
    buffer: `(CASE WHEN :z <= ${maxZoom} THEN ${TILE_BUFFER / scale} ELSE ${TILE_BUFFER} END)`,
  };
}

/**
 * Geometry for ST_AsMVTGeom: points are only projected; lines and polygons are
 * first clipped to the buffered tile in 4326 (cheap, and it spares projecting
 * a whole district for a z14 tile), then simplified with a tolerance of one
 * tile unit at this zoom (the grid ST_AsMVTGeom snaps to anyway).
 *
 * A layer of small features with a stored Web Mercator copy (tileGeom3857Sql:
 * sites, villages) is read from it as it is: no projection, and no clip or
 * simplification of its own before ST_AsMVTGeom, which clips and snaps to the
 * grid anyway (a village has ~8 vertices: both cost more than they saved,
 * ~1.5 of a national z12 village tile's ~10 ms), except on an overview grid
 * (simplifiedUpTo), where one unit is ~150 m and simplifying keeps the tile small.
 *
 * keepSmall: a polygon smaller than a tile unit collapses on the grid and
 * ST_AsMVTGeom drops it; such a feature is drawn instead as the one-unit
 * square around its bounding box clipped to the buffered tile, so every
 * village in the tile is still coloured. Computed only for the features that
 * collapsed (the clip tells a feature that only its box reaches the tile from
 * one that is there).
 */
function mvtGeometrySql(
  geom: string,
  geometryType: LayerDefinition['geometryType'],
  grid: TileGrid = DETAIL_GRID,
  keepSmall = false,
  stored?: { geom3857: string; simplifiedUpTo?: number },
): string {
  const { extent, buffer } = grid;
  if (geometryType === 'Point') return `ST_AsMVTGeom(${stored ? stored.geom3857 : `ST_Transform(${geom}, 3857)`}, bounds.env, ${extent}, ${buffer}, true)`;
  const unit = `(${CIRCUMFERENCE_M} / (${extent} * 2 ^ :z))`;
  const clipped = stored ? `ST_ClipByBox2D(${stored.geom3857}, bounds.env_buffered)` : `ST_Transform(ST_ClipByBox2D(${geom}, bounds.env_ll), 3857)`;
  const shape = !stored
    ? `ST_Simplify(${clipped}, ${unit}, true)`
    : stored.simplifiedUpTo === undefined
      ? stored.geom3857
      : `CASE WHEN :z <= ${stored.simplifiedUpTo} THEN ST_Simplify(${stored.geom3857}, ${unit}, true) ELSE ${stored.geom3857} END`;
  const drawn = `ST_AsMVTGeom(${shape}, bounds.env, ${extent}, ${buffer}, true)`;
  if (!keepSmall) return drawn;
  const square = `ST_AsMVTGeom(ST_Expand(ST_Envelope(${clipped}), ${unit} / 2), bounds.env, ${extent}, ${buffer}, true)`;
  return `coalesce(${drawn}, CASE WHEN NOT ST_IsEmpty(${clipped}) THEN ${square} END)`;
}

/** `valid on a day` for units with a validity period. `day` is a validated YYYY-MM-DD. */
function validOnSql(start: string, end: string, day: string): string {
  return `(${start} <= DATE '${day}' AND (${end} IS NULL OR ${end} >= DATE '${day}'))`;
}

export interface LayerTileOptions {
  /** Villages: shares of one carrier (bound as :cov_carrier) instead of any carrier. */
  coverageCarrier?: boolean;
  /** Temporal layers (admin units): the day the units must be valid on, YYYY-MM-DD. */
  day?: string;
}

/** How the tile (bytea) leaves PostgreSQL: base64 text, decoded by tileOf(). */
const wire = (mvt: string) => `encode(${mvt}, 'base64')`;

/** The tile statement of one layer for one audience (placeholders :z :x :y [:carrier] [:cov_carrier]). */
export function layerTileTemplate(layer: LayerDefinition, audience: Audience, options: LayerTileOptions = {}): string {
  const tableFrom = layer.tileFrom ?? layer.from;
  const from = options.coverageCarrier ? tableFrom.replace(VILLAGE_COVERAGE_ANY, VILLAGE_COVERAGE_CARRIER) : tableFrom;
  const where = [`${layer.geomSql} && bounds.env_ll`, rowFilterSql(layer, audience)];
  if (layer.tileWhere) where.push(layer.tileWhere);
  if (layer.temporal && options.day && layer.id === 'admin-units') where.push(validOnSql(layer.temporal.start, layer.temporal.end, options.day));
  const grid = gridOf(layer);
  const overview = layer.overview;
  // Overview tiles: fields the map does not read at those zooms are null there, and ST_AsMVT omits nulls.
  const only = overview ? (f: LayerField) => (overview.fields.includes(f.name) ? null : `:z > ${overview.maxZoom}`) : undefined;
  const columns = [`${layer.idSql} AS id`, `${mvtGeometrySql(layer.geomSql, layer.geometryType, grid, overview !== undefined, layer.tileGeom3857Sql ? { geom3857: layer.tileGeom3857Sql, simplifiedUpTo: overview?.maxZoom } : undefined)} AS geom`, ...projectionSql(layer, audience, only)];
  return `WITH ${BOUNDS_CTE}
SELECT ${wire(`coalesce((
  SELECT ST_AsMVT(mvt, '${layer.id}', ${grid.extent}, 'geom', 'id') FROM (
    SELECT ${columns.join(',\n           ')}
      FROM bounds, ${from}
     WHERE ${where.join('\n       AND ')}
  ) mvt), ''::bytea)`)} AS mvt`;
}

/** Zoom ranges of the basemap's source layers. */
export const BASEMAP_LAYERS = {
  province: { minZoom: 0, maxZoom: 16 },
  districts: { minZoom: 6, maxZoom: 16 },
  communes: { minZoom: 8, maxZoom: 16 },
  villages: { minZoom: 11, maxZoom: 16 },
  labels: { minZoom: 6, maxZoom: 16 },
} as const;

export const BASEMAP_FIELDS: Record<keyof typeof BASEMAP_LAYERS, Record<string, string>> = {
  province: { code: 'GSO code', name: 'Name', unit_type: 'Tỉnh / Thành phố' },
  districts: { code: 'GSO code', name: 'Name', unit_type: 'Huyện, Thành phố, Thị xã', parent_code: 'Province code' },
  communes: { code: 'GSO code', name: 'Name', unit_type: 'Xã, Phường, Thị trấn', parent_code: 'District (or province) code' },
  villages: { code: 'Village code', name: 'Name', commune_code: 'Commune code', households: 'Households', population: 'Population' },
  labels: { name: 'Label text', level: 'province | district | commune | village', code: 'Code of the labelled unit' },
};

/**
 * The composite basemap: province, districts, communes, villages and label
 * points, valid on `day`, as one statement concatenating one ST_AsMVT per
 * source layer. Public data only, the same for every caller.
 */
export function basemapTileTemplate(day: string): string {
  const valid = validOnSql('t.valid_from', 't.valid_to', day);
  const poly = mvtGeometrySql('t.boundary', 'MultiPolygon');
  const unit = (name: string, level: string, minZoom: number, extra = '') => `coalesce((
  SELECT ST_AsMVT(m, '${name}', ${TILE_EXTENT}, 'geom', 'id') FROM (
    SELECT t.id, ${poly} AS geom, t.code, t.name, t.unit_type${extra}
      FROM bounds, admin_units t ${extra ? 'LEFT JOIN admin_units p ON p.id = t.parent_id' : ''}
     WHERE :z >= ${minZoom} AND t.level ${level} AND t.boundary && bounds.env_ll AND ${valid}
  ) m), ''::bytea)`;
  // A label point per unit, placed inside it, carried only by the tile that holds it.
  const labelPoint = 'ST_AsMVTGeom(ST_Transform(l.pos, 3857), bounds.env, 4096, 0, true)';
  return `WITH ${BOUNDS_CTE}
SELECT ${wire(`${unit('province', "= 'province'", BASEMAP_LAYERS.province.minZoom)}
 || ${unit('districts', "= 'district'", BASEMAP_LAYERS.districts.minZoom, ', p.code AS parent_code')}
 || ${unit('communes', "NOT IN ('province', 'district')", BASEMAP_LAYERS.communes.minZoom, ', p.code AS parent_code')}
 || coalesce((
  SELECT ST_AsMVT(m, 'villages', ${TILE_EXTENT}, 'geom', 'id') FROM (
    SELECT t.id, ${poly} AS geom, t.code, t.name, c.code AS commune_code, t.households, t.population
      FROM bounds, villages t JOIN admin_units c ON c.id = t.commune_id
     WHERE :z >= ${BASEMAP_LAYERS.villages.minZoom} AND t.boundary && bounds.env_ll
  ) m), ''::bytea)
 || coalesce((
  SELECT ST_AsMVT(m, 'labels', ${TILE_EXTENT}, 'geom', 'id') FROM (
    SELECT l.id, ${labelPoint} AS geom, l.name, l.level, l.code
      FROM bounds, (
        SELECT t.id, ST_PointOnSurface(t.boundary) AS pos, t.name, t.level, t.code
          FROM bounds, admin_units t
         WHERE t.boundary && bounds.env_ll AND ${valid}
           AND ((t.level = 'province' AND :z < 9) OR (t.level = 'district' AND :z BETWEEN 7 AND 11) OR (t.level NOT IN ('province', 'district') AND :z >= 9))
        UNION ALL
        SELECT 1000000000 + t.id, ST_PointOnSurface(t.boundary), t.name, 'village', t.code
          FROM bounds, villages t
         WHERE :z >= 12 AND t.boundary && bounds.env_ll
      ) l
     WHERE l.pos && bounds.env_ll AND ST_Intersects(l.pos, ST_Transform(bounds.env, 4326))
  ) m), ''::bytea)`)} AS mvt`;
}

/** A tile template compiled for node-postgres: `$n` text and the name bound to each `$n`. */
export interface TileStatement {
  /** Prepared-statement name, once per connection; undefined = run unnamed (rare variants). */
  name: string | undefined;
  text: string;
  names: string[];
}

export function tileStatement(name: string | undefined, template: string): TileStatement {
  return { name, ...compileTemplate(template) };
}

/** The tile a tile statement's row carries (empty when the tile has no features). */
export function tileOf(row: { mvt: string } | undefined): Buffer {
  return row && row.mvt.length > 0 ? Buffer.from(row.mvt, 'base64') : Buffer.alloc(0);
}

/** Runs a tile statement (prepared once per connection when named). */
export async function runTileQuery(pool: pg.Pool, statement: TileStatement, values: Record<string, unknown>): Promise<Buffer> {
  const params = bindNamed(statement.names, values);
  if (statement.name) {
    // The lean path of the hot reads (db/one-row.ts): the tile is the one text column.
    const row = await oneRow(pool, { name: statement.name, text: statement.text, values: params });
    return tileOf(row ? { mvt: row[0] ?? '' } : undefined);
  }
  const result = await pool.query<{ mvt: string }>({ text: statement.text, values: params });
  return tileOf(result.rows[0]);
}

/** Extent of the loaded province (plan-era or current), for TileJSON bounds. */
export async function provinceExtent(pool: pg.Pool): Promise<[number, number, number, number] | null> {
  const r = await pool.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
    `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
       FROM (SELECT ST_Extent(boundary)::geometry AS e FROM admin_units WHERE level = 'province') x`,
  );
  const row = r.rows[0];
  return row && row.xmin !== null ? [row.xmin, row.ymin, row.xmax, row.ymax] : null;
}

export async function carrierIdByCode(pool: pg.Pool, code: string): Promise<number | null> {
  const r = await pool.query<{ id: number }>('SELECT id FROM carriers WHERE code = $1', [code]);
  return r.rows[0]?.id ?? null;
}

/**
 * How far an edit reaches in one tile source, from the event's extents (the
 * old and new geometry of what changed):
 *  - grow: 'none' the extents as they are; 'footprints' also the footprints of
 *    the sectors of the sites standing at a point extent (the registry already
 *    sends old and new footprints; other writers, such as a permit's site
 *    being built or a co-use tenancy, send the site's point only); a number:
 *    widened by so many metres;
 *  - villages: then the whole extent of every village those extents meet
 *    (a village's shares are drawn over its whole polygon, which may stretch
 *    beyond the edit);
 *  - 'all': every tile of the source.
 */
export type Reach = { grow: 'none' | 'footprints' | number; villages: boolean } | 'all';

/**
 * The extents an edit reaches (see Reach), one statement: per extent, grown
 * to the footprints or by metres, then to the villages it meets.
 */
export async function reachExtents(pool: pg.Pool, bboxes: BBox[], reach: Exclude<Reach, 'all'>): Promise<BBox[]> {
  const r = await pool.query<{ x0: number; y0: number; x1: number; y1: number }>(
    `WITH box AS (
       SELECT u.i, ST_MakeEnvelope(u.x0, u.y0, u.x1, u.y1, 4326) AS e, u.x0 = u.x1 AND u.y0 = u.y1 AS point
         FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY AS u(x0, y0, x1, y1, i)
     ), grown AS (
       SELECT box.i, CASE WHEN $6::float8 > 0 THEN ST_Envelope(ST_Buffer(box.e::geography, $6::float8)::geometry) ELSE box.e END AS e, box.point FROM box
     ), reach AS (
       SELECT grown.i, ST_Extent(g.e)::geometry AS e
         FROM grown, LATERAL (
           SELECT grown.e
           UNION ALL
           SELECT sc.footprint FROM sites s JOIN sectors sc ON sc.site_id = s.id
            WHERE $5 AND grown.point AND s.geom && grown.e AND sc.footprint IS NOT NULL
         ) g
        GROUP BY grown.i
     ), final AS (
       SELECT CASE WHEN $7 THEN coalesce((SELECT ST_Extent(v.boundary)::geometry FROM villages v WHERE v.boundary && reach.e), reach.e) ELSE reach.e END AS e FROM reach
     )
     SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM final`,
    [bboxes.map((b) => b[0]), bboxes.map((b) => b[1]), bboxes.map((b) => b[2]), bboxes.map((b) => b[3]), reach.grow === 'footprints', typeof reach.grow === 'number' ? reach.grow : 0, reach.villages],
  );
  return r.rows.map((row) => [row.x0, row.y0, row.x1, row.y1]);
}
