import { check, customType, doublePrecision, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { geometry } from '../columns/geometry';
import { createdAt } from './common';

/**
 * A geometry in the province's metric CRS (settings.metric_srid, else the UTM
 * zone of the data): no SRID typmod, the loader and the coverage build set it.
 * Read in SQL only.
 */
const metricGeometry = customType<{ data: string; driverData: string }>({
  dataType() {
    return 'geometry';
  },
});

/**
 * Road centrelines as loaded (`npm run data:roads`, or roads.geojson in a
 * province-format directory): FTTH drop distances are measured along them
 * when ftth.road_network = 1 (coverage.roads.ts). source/licence keep the
 * attribution of the file the road came from.
 */
export const roads = pgTable(
  'roads',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    geom: geometry('MultiLineString').notNull(),
    /** The file's road class (OSM highway=*, or whatever the source calls it). */
    class: text(),
    name: text(),
    source: text().notNull(),
    licence: text(),
    createdAt: createdAt(),
  },
  (t) => [index('roads_geom_gix').using('gist', t.geom), check('roads_geom_valid_chk', sql`NOT ST_IsEmpty(geom) AND ST_IsValid(geom)`)],
);

/** Junctions and ends of the road network, built by the loader from `roads` (ST_Node). */
export const roadVertices = pgTable(
  'road_vertices',
  {
    id: integer().primaryKey(),
    geom: geometry('Point').notNull(),
  },
  (t) => [index('road_vertices_geom_gix').using('gist', t.geom)],
);

/**
 * The road network as a graph: `roads` noded at every crossing and shared
 * end, one row per piece between two vertices; geom_m is the same piece in
 * the metric CRS (what distances are measured on), length_m its length.
 */
export const roadEdges = pgTable(
  'road_edges',
  {
    id: integer().primaryKey(),
    source: integer()
      .notNull()
      .references(() => roadVertices.id, { onDelete: 'cascade' }),
    target: integer()
      .notNull()
      .references(() => roadVertices.id, { onDelete: 'cascade' }),
    lengthM: doublePrecision().notNull(),
    geom: geometry('LineString').notNull(),
    geomM: metricGeometry().notNull(),
  },
  (t) => [
    index('road_edges_geom_gix').using('gist', t.geom),
    index('road_edges_geom_m_gix').using('gist', t.geomM),
    index('road_edges_source_idx').on(t.source),
    index('road_edges_target_idx').on(t.target),
    check('road_edges_length_chk', sql`length_m >= 0`),
  ],
);
