// FTTH drop distance along the road network (issue 7: "FTTH-ready when an
// access point with a free port lies within the drop distance — straight line
// by default; along the road network when one is loaded").
//
// The model. The cable path from an access point A is a straight link from A
// to its nearest road point S, then the roads. A house p is FTTH-ready when
// some point q of that path has
//     pathlen(A → q) + |q − p| ≤ D   and   |q − p| ≤ L
// with D = ftth.drop_distance_m and L = ftth.road_lateral_m (the longest
// straight drop from the road to a house). Without the lateral cap the
// definition would collapse to a disc around S (triangle inequality:
// |S − p| ≤ pathlen(S → q) + |q − p|), so the cap is what makes the road
// matter. The footprint is then exactly
//     ST_Buffer(R, L),  R = the points of the cable path within D − L of A
// (any q beyond D − L is reached through the point at D − L on its shortest
// path, whose disc of radius L holds q's smaller disc). With L ≥ D it is the
// straight-line disc of radius D. R is connected (it holds A and the shortest
// path to each of its points), so the footprint is one polygon, and R lies
// within D − L of A, so the footprint lies inside the straight-line disc:
// the reach bounds and candidate filters of the straight model stay valid.
//
// Computation: one query snaps every access point to its nearest road piece
// within D − L (KNN on road_edges.geom_m), one reads the road graph; a
// bounded Dijkstra in TypeScript gives, per access point, the reached
// fraction of each road piece; one statement cuts those pieces
// (ST_LineSubstring), buffers them by L in the metric CRS and stores the
// polygons in coverage_{build,edit}_road_reaches, from which the contributor
// rows are written (coverage.queries.ts: contributorsSql). Exact up to the
// buffer's arc polygonisation (arcs in steps of the arc step parameter but at
// least 15°: at most L·(1 − cos 7.5°) = 0.43 m inside for L = 50 m),
// the nearest-road snap (the nearest road piece, not the one giving the
// shortest path) and the network's junctions (roads meet where they cross or
// share a point to 1 cm; grade separation is not modelled).
//
// Fallback: an access point farther than D − L from every road reaches only
// the houses within min(L, D) of itself (a drop straight to the house).

import type { Runner } from './coverage.queries';

export const ROAD_KEYS = {
  /** 1: measure drop distances along the road network; 0: straight line. */
  network: 'ftth.road_network',
  lateralM: 'ftth.road_lateral_m',
} as const;

const DEFAULT_LATERAL_M = 50;

/**
 * Arcs of road footprints are drawn in steps of at least 15° (the arc step
 * parameter when coarser): a footprint's ends are many small caps, and at 5°
 * they tripled its vertices and the cost of every gap drawn over it. Error:
 * at most L·(1 − cos 7.5°) = 0.43 m inside the true edge for L = 50 m.
 */
const ROAD_ARC_STEP_MIN_DEG = 15;

export function roadMode(params: Readonly<Record<string, number>>): boolean {
  return (params[ROAD_KEYS.network] ?? 0) === 1;
}

export function roadLateralM(params: Readonly<Record<string, number>>): number {
  return params[ROAD_KEYS.lateralM] ?? DEFAULT_LATERAL_M;
}

/** One-line description of the FTTH distance the parameters select (for the model disclosure). */
export const ROAD_METHOD =
  'With ftth.road_network = 1 (set by npm run data:roads) the FTTH drop is measured along the road network: a house is FTTH-ready when ' +
  'the cable path (straight from the access point to its nearest road, then along the roads) reaches a point q with path length + |q − house| ≤ ' +
  'ftth.drop_distance_m and |q − house| ≤ ftth.road_lateral_m; the footprint is the buffer by ftth.road_lateral_m of the path within ' +
  'drop − lateral (exact up to the arc polygonisation in steps of at least 15°: ≤ 0.43 m inside for 50 m; crossing roads are joined, ' +
  'grade separation is not modelled); an access point farther than drop − lateral from every ' +
  'road reaches only the houses within ftth.road_lateral_m of itself.';

/**
 * SQL expression for an access point's FTTH reach in contributorsSql: the
 * staged road footprint when the road mode is on, else the drop disc
 * (`disc`: the existing straight-line expression).
 */
export function accessPointReachSql(source: 'build' | 'edit', alias: string, disc: string): string {
  return `coalesce(
      CASE WHEN EXISTS (SELECT 1 FROM coverage_parameters WHERE key = '${ROAD_KEYS.network}' AND value = 1)
           THEN (SELECT rr.reach FROM coverage_${source}_road_reaches rr WHERE rr.id = ${alias}.id) END,
      ${disc})`;
}

// ----------------------------------------------------------- shortest paths

export interface RoadGraph {
  /** Per edge: source and target vertex ids, length in metres. */
  source: Int32Array;
  target: Int32Array;
  length: Float64Array;
  edgeId: Int32Array;
  /** Edge index by id. */
  indexOf: Map<number, number>;
  /** Incident edge indexes per vertex id. */
  incident: Map<number, number[]>;
}

export function roadGraph(edges: { id: number; source: number; target: number; lengthM: number }[]): RoadGraph {
  const n = edges.length;
  const g: RoadGraph = { source: new Int32Array(n), target: new Int32Array(n), length: new Float64Array(n), edgeId: new Int32Array(n), indexOf: new Map(), incident: new Map() };
  edges.forEach((e, i) => {
    g.source[i] = e.source;
    g.target[i] = e.target;
    g.length[i] = e.lengthM;
    g.edgeId[i] = e.id;
    g.indexOf.set(e.id, i);
    for (const v of e.source === e.target ? [e.source] : [e.source, e.target]) {
      const list = g.incident.get(v);
      if (list) list.push(i);
      else g.incident.set(v, [i]);
    }
  });
  return g;
}

/** A reached stretch of one road edge, as fractions of its length from its source end. */
export interface ReachedPiece {
  edgeId: number;
  from: number;
  to: number;
}

/**
 * The stretches of road within `budget` metres along the network from a
 * point at fraction `t` of edge `edgeId` (bounded Dijkstra; binary heap).
 */
export function reachedPieces(g: RoadGraph, edgeId: number, t: number, budget: number): ReachedPiece[] {
  const e0 = g.indexOf.get(edgeId);
  if (e0 === undefined || budget < 0) return [];
  const dist = new Map<number, number>();
  const heap: [number, number][] = [];
  const push = (d: number, v: number) => {
    heap.push([d, v]);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] <= heap[i]![0]) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  const relax = (v: number, d: number) => {
    if (d <= budget && d < (dist.get(v) ?? Infinity)) {
      dist.set(v, d);
      push(d, v);
    }
  };
  const len0 = g.length[e0]!;
  relax(g.source[e0]!, t * len0);
  relax(g.target[e0]!, (1 - t) * len0);
  while (heap.length > 0) {
    const [d, v] = pop();
    if (d > (dist.get(v) ?? Infinity)) continue;
    for (const i of g.incident.get(v) ?? []) {
      const w = g.source[i] === v ? g.target[i]! : g.source[i]!;
      relax(w, d + g.length[i]!);
    }
  }
  // Per edge, the stretches reached from either end (and around the snap point), merged.
  const intervals = new Map<number, [number, number][]>();
  const add = (i: number, a: number, b: number) => {
    const from = Math.max(0, a);
    const to = Math.min(1, b);
    if (to < from) return;
    const list = intervals.get(i);
    if (list) list.push([from, to]);
    else intervals.set(i, [[from, to]]);
  };
  const frac = (i: number, m: number) => (g.length[i]! > 0 ? m / g.length[i]! : 1);
  add(e0, t - frac(e0, budget), t + frac(e0, budget));
  for (const [v, d] of dist) {
    for (const i of g.incident.get(v) ?? []) {
      const f = frac(i, budget - d);
      if (g.source[i] === v) add(i, 0, f);
      if (g.target[i] === v) add(i, 1 - f, 1);
    }
  }
  const out: ReachedPiece[] = [];
  // In edge order, so that the same reach is drawn the same way whichever subset of the graph was read.
  for (const i of [...intervals.keys()].sort((a, b) => g.edgeId[a]! - g.edgeId[b]!)) {
    const list = intervals.get(i)!;
    list.sort((a, b) => a[0] - b[0]);
    let [from, to] = list[0]!;
    for (const [a, b] of list.slice(1)) {
      if (a <= to) to = Math.max(to, b);
      else {
        out.push({ edgeId: g.edgeId[i]!, from, to });
        [from, to] = [a, b];
      }
    }
    out.push({ edgeId: g.edgeId[i]!, from, to });
  }
  return out;
}

// ------------------------------------------------------------ road reaches

interface SnapRow {
  id: number;
  key: string;
  cached: boolean;
  x: number;
  y: number;
  edge: number | null;
  t: number | null;
  d: number | null;
  px: number | null;
  py: number | null;
}

/**
 * Stages the road footprints of access points (all that can contribute, for
 * the full build; the given ones, for an edit) in
 * coverage_{target}_road_reaches, when the road mode is on. Does nothing
 * otherwise (the contributor rows then use the straight-line disc).
 *
 * Footprints come from coverage_road_reach_cache when the access point's
 * inputs are unchanged (key: its geometry, drop, lateral, arc step, SRID; the
 * loader empties the cache with each new network); the others are computed.
 * The full build writes what it computed to the cache; an edit only reads it
 * (the build is the cache's one writer, so the two never wait on each other).
 */
export async function stageRoadReaches(db: Runner, target: 'build' | 'edit', params: Readonly<Record<string, number>>, srid: number, accessPointIds: number[] | null): Promise<void> {
  if (!roadMode(params) || srid === 0) return;
  if (accessPointIds !== null && accessPointIds.length === 0) return;
  const drop = params['ftth.drop_distance_m'] ?? 300;
  const lateral = Math.min(roadLateralM(params), drop);
  const budget0 = drop - lateral;
  const quadSegs = Math.max(1, Math.ceil(90 / Math.max(params['footprint.arc_step_deg'] ?? 5, ROAD_ARC_STEP_MIN_DEG)));
  const table = `coverage_${target}_road_reaches`;
  if (target === 'build') await db.query(`TRUNCATE ${table}`);
  // The metric copy of the network follows the CRS of the computation.
  const roadSrid = (await db.query<{ s: number }>('SELECT ST_SRID(geom_m) AS s FROM road_edges LIMIT 1'))[0]?.s ?? null;
  if (roadSrid !== null && roadSrid !== srid) await db.query('UPDATE road_edges SET geom_m = ST_Transform(geom, $1::int)', [srid]);
  const hasRoads = roadSrid !== null && budget0 > 0;
  const apFilter = accessPointIds === null ? `a.status = 'active' AND a.ports_used < a.ports_total AND $3::int[] IS NULL` : 'a.id = ANY($3::int[])';
  const snaps = await db.query<SnapRow>(
    `WITH a AS (
       SELECT a.id, ST_Transform(a.geom, $1::int) AS g, md5(encode(ST_AsEWKB(a.geom), 'hex') || '|' || $5::text) AS key
         FROM access_points a WHERE ${apFilter})
     SELECT a.id, a.key, c.id IS NOT NULL AS cached, ST_X(a.g) AS x, ST_Y(a.g) AS y, e.id AS edge, e.t, e.d, ST_X(e.p) AS px, ST_Y(e.p) AS py
       FROM a
       LEFT JOIN coverage_road_reach_cache c ON c.id = a.id AND c.key = a.key
       LEFT JOIN LATERAL (
         SELECT e.id, ST_LineLocatePoint(e.geom_m, a.g) AS t, ST_Distance(e.geom_m, a.g) AS d, ST_ClosestPoint(e.geom_m, a.g) AS p
           FROM road_edges e
          WHERE c.id IS NULL AND $4::boolean AND ST_DWithin(e.geom_m, a.g, $2::float8)
          ORDER BY e.geom_m <-> a.g LIMIT 1) e ON true`,
    [srid, budget0, accessPointIds, hasRoads, `${drop}|${lateral}|${quadSegs}|${srid}`],
  );
  if (snaps.length === 0) return;
  const misses = snaps.filter((s) => !s.cached);
  // The graph: every edge for a full build, those within the drop distance of the access points for an edit.
  let graph: RoadGraph | null = null;
  if (misses.some((s) => s.edge !== null)) {
    const edges = await db.query<{ id: number; source: number; target: number; lengthM: number }>(
      accessPointIds === null
        ? 'SELECT id, source, target, length_m AS "lengthM" FROM road_edges'
        : `SELECT DISTINCT e.id, e.source, e.target, e.length_m AS "lengthM"
             FROM access_points a JOIN road_edges e ON e.geom_m && ST_Expand(ST_Transform(a.geom, $1::int), $2::float8)
            WHERE a.id = ANY($3::int[])`,
      accessPointIds === null ? [] : [srid, drop, accessPointIds],
    );
    graph = roadGraph(edges);
  }
  // Pieces: (access point, edge or null, from, to, x0, y0, x1, y1); an edge
  // piece is cut from the edge, a null-edge piece is the link (x0,y0)–(x1,y1)
  // or, without x1, the access point itself.
  const ap: number[] = [];
  const edge: (number | null)[] = [];
  const from: (number | null)[] = [];
  const to: (number | null)[] = [];
  const x0: number[] = [];
  const y0: number[] = [];
  const x1: (number | null)[] = [];
  const y1: (number | null)[] = [];
  const piece = (id: number, e: number | null, f: number | null, t: number | null, a: [number, number], b: [number, number] | null) => {
    ap.push(id);
    edge.push(e);
    from.push(f);
    to.push(t);
    x0.push(a[0]);
    y0.push(a[1]);
    x1.push(b ? b[0] : null);
    y1.push(b ? b[1] : null);
  };
  for (const s of misses) {
    if (s.edge === null || graph === null) {
      piece(s.id, null, null, null, [s.x, s.y], null);
      continue;
    }
    piece(s.id, null, null, null, [s.x, s.y], s.d! > 0 ? [s.px!, s.py!] : null);
    for (const p of reachedPieces(graph, s.edge, s.t!, budget0 - s.d!)) piece(s.id, p.edgeId, p.from, p.to, [s.x, s.y], null);
  }
  // Each piece buffered, then the union (GEOS: about half the time of one
  // buffer of the whole collection on a grid of crossing roads).
  const computed = `
    SELECT p.ap, ST_Transform(ST_UnaryUnion(ST_Collect(ST_Buffer(p.g, $9::float8, 'quad_segs=${quadSegs}') ORDER BY p.k)), 4326) AS reach
      FROM (SELECT u.ap, u.k,
                   CASE WHEN u.edge IS NOT NULL THEN ST_LineSubstring(e.geom_m, u.f0, u.f1)
                        WHEN u.x1 IS NULL THEN ST_SetSRID(ST_MakePoint(u.x0, u.y0), $10::int)
                        ELSE ST_SetSRID(ST_MakeLine(ST_MakePoint(u.x0, u.y0), ST_MakePoint(u.x1, u.y1)), $10::int) END AS g
              FROM unnest($1::int[], $2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
                   WITH ORDINALITY AS u(ap, edge, f0, f1, x0, y0, x1, y1, k)
              LEFT JOIN road_edges e ON e.id = u.edge) p
     GROUP BY p.ap`;
  const pieceParams = [ap, edge, from, to, x0, y0, x1, y1, lateral, srid];
  if (target === 'build') {
    if (misses.length > 0) {
      await db.query(
        `INSERT INTO coverage_road_reach_cache (id, key, reach)
         SELECT c.ap, k.key, c.reach FROM (${computed}) c JOIN unnest($11::int[], $12::text[]) AS k(id, key) ON k.id = c.ap
         ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key, reach = EXCLUDED.reach`,
        [...pieceParams, misses.map((s) => s.id), misses.map((s) => s.key)],
      );
    }
    await db.query(
      `INSERT INTO ${table} (id, reach)
       SELECT c.id, c.reach FROM unnest($1::int[], $2::text[]) AS k(id, key) JOIN coverage_road_reach_cache c ON c.id = k.id AND c.key = k.key`,
      [snaps.map((s) => s.id), snaps.map((s) => s.key)],
    );
  } else {
    if (misses.length > 0) await db.query(`INSERT INTO ${table} (id, reach) SELECT ap, reach FROM (${computed}) c ON CONFLICT (id) DO UPDATE SET reach = EXCLUDED.reach`, pieceParams);
    const hits = snaps.filter((s) => s.cached);
    if (hits.length > 0) {
      await db.query(
        `INSERT INTO ${table} (id, reach)
         SELECT c.id, c.reach FROM unnest($1::int[], $2::text[]) AS k(id, key) JOIN coverage_road_reach_cache c ON c.id = k.id AND c.key = k.key
         ON CONFLICT (id) DO UPDATE SET reach = EXCLUDED.reach`,
        [hits.map((s) => s.id), hits.map((s) => s.key)],
      );
    }
  }
}

// ------------------------------------------------------------------ loading

export interface RoadFeatureInput {
  /** GeoJSON geometry text (LineString or MultiLineString, EPSG:4326). */
  geometry: string;
  class: string | null;
  name: string | null;
  source: string;
  licence: string | null;
}

/** Inserts road features (invalid or empty geometries skipped); returns how many were written. */
export async function insertRoads(db: Runner, features: RoadFeatureInput[]): Promise<number> {
  if (features.length === 0) return 0;
  const r = await db.query<{ n: number }>(
    `WITH f AS (
       SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) AS geom, c, n, s, l
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(g, c, n, s, l)),
     i AS (
       INSERT INTO roads (geom, class, name, source, licence)
       SELECT geom, c, n, s, l FROM f WHERE NOT ST_IsEmpty(geom) AND ST_IsValid(geom) AND GeometryType(geom) = 'MULTILINESTRING'
       RETURNING 1)
     SELECT count(*)::int AS n FROM i`,
    [features.map((f) => f.geometry), features.map((f) => f.class), features.map((f) => f.name), features.map((f) => f.source), features.map((f) => f.licence)],
  );
  return r[0]?.n ?? 0;
}

/**
 * Rebuilds road_vertices and road_edges from every row of roads: the lines
 * noded at each crossing and shared point (ST_Node, in the metric CRS), ends
 * joined when they agree to 1 cm. Returns the counts.
 */
export async function buildRoadNetwork(db: Runner, srid: number): Promise<{ vertices: number; edges: number }> {
  // Footprints computed on the old network are void.
  await db.query('DELETE FROM coverage_road_reach_cache');
  await db.query('DELETE FROM road_edges');
  await db.query('DELETE FROM road_vertices');
  await db.query('DROP TABLE IF EXISTS road_build_pieces');
  await db.query(
    `CREATE TEMP TABLE road_build_pieces ON COMMIT DROP AS
     SELECT row_number() OVER ()::int AS id, d.g,
            round(ST_X(ST_StartPoint(d.g))::numeric, 2) AS sx, round(ST_Y(ST_StartPoint(d.g))::numeric, 2) AS sy,
            round(ST_X(ST_EndPoint(d.g))::numeric, 2) AS ex, round(ST_Y(ST_EndPoint(d.g))::numeric, 2) AS ey
       FROM (SELECT (ST_Dump(ST_Node(ST_Collect(l.g)))).geom AS g
               FROM (SELECT (ST_Dump(ST_Transform(r.geom, $1::int))).geom AS g FROM roads r) l) d
      WHERE GeometryType(d.g) = 'LINESTRING' AND ST_Length(d.g) > 0`,
    [srid],
  );
  await db.query('DROP TABLE IF EXISTS road_build_vertices');
  await db.query(
    `CREATE TEMP TABLE road_build_vertices ON COMMIT DROP AS
     SELECT row_number() OVER (ORDER BY x, y)::int AS id, x, y FROM (SELECT sx AS x, sy AS y FROM road_build_pieces UNION SELECT ex, ey FROM road_build_pieces) k`,
  );
  await db.query('CREATE INDEX ON road_build_vertices (x, y)');
  await db.query('ANALYZE road_build_vertices');
  const v = await db.query<{ n: number }>(
    `WITH i AS (INSERT INTO road_vertices (id, geom) SELECT id, ST_Transform(ST_SetSRID(ST_MakePoint(x::float8, y::float8), $1::int), 4326) FROM road_build_vertices RETURNING 1)
     SELECT count(*)::int AS n FROM i`,
    [srid],
  );
  const e = await db.query<{ n: number }>(
    `WITH i AS (
       INSERT INTO road_edges (id, source, target, length_m, geom, geom_m)
       SELECT p.id, s.id, t.id, ST_Length(p.g), ST_Transform(p.g, 4326), p.g
         FROM road_build_pieces p
         JOIN road_build_vertices s ON s.x = p.sx AND s.y = p.sy
         JOIN road_build_vertices t ON t.x = p.ex AND t.y = p.ey
       RETURNING 1)
     SELECT count(*)::int AS n FROM i`,
  );
  await db.query('ANALYZE road_edges');
  return { vertices: v[0]?.n ?? 0, edges: e[0]?.n ?? 0 };
}

/** Switches the FTTH distance to the road network (1) or the straight line (0). */
export async function setRoadMode(db: Runner, on: boolean): Promise<void> {
  await db.query(
    `UPDATE coverage_parameters SET value = $2, version = version + 1, updated_at = now() WHERE key = $1 AND value <> $2`,
    [ROAD_KEYS.network, on ? 1 : 0],
  );
}

export interface RoadLoadOptions {
  /** Remove the roads already loaded first. */
  replace: boolean;
  /** Attribution for features and collections that name none. */
  source?: string;
  licence?: string;
}

export interface RoadLoadSummary {
  inserted: number;
  /** Features that are not (valid, non-empty) lines. */
  skipped: number;
  replaced: number;
  vertices: number;
  edges: number;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

/**
 * Loads a GeoJSON FeatureCollection of road lines inside the caller's
 * transaction (see scripts/data-roads.ts for the file's fields), rebuilds the
 * network and sets ftth.road_network (1 when the network has an edge).
 */
export async function loadRoadFile(db: Runner, geojson: string, srid: number, o: RoadLoadOptions, progress: (message: string) => void = () => undefined): Promise<RoadLoadSummary> {
  let doc: unknown;
  try {
    doc = JSON.parse(geojson);
  } catch (error) {
    throw new Error(`roads: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const fc = doc as { type?: unknown; features?: unknown; source?: unknown; licence?: unknown; license?: unknown };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error('roads: expected a GeoJSON FeatureCollection');
  const source = text(fc.source) ?? o.source ?? 'unknown';
  const licence = text(fc.licence) ?? text(fc.license) ?? o.licence ?? null;
  const rows: RoadFeatureInput[] = [];
  let skipped = 0;
  for (const f of fc.features as { geometry?: { type?: unknown } | null; properties?: Record<string, unknown> | null }[]) {
    const type = f?.geometry?.type;
    if (type !== 'LineString' && type !== 'MultiLineString') {
      skipped++;
      continue;
    }
    const p = f.properties ?? {};
    rows.push({
      geometry: JSON.stringify(f.geometry),
      class: text(p.class) ?? text(p.highway) ?? text(p.fclass) ?? text(p.type),
      name: text(p.name),
      source: text(p.source) ?? source,
      licence: text(p.licence) ?? text(p.license) ?? licence,
    });
  }
  progress(`${rows.length.toLocaleString('en-US')} line features read (${skipped.toLocaleString('en-US')} of other types skipped)`);
  let replaced = 0;
  if (o.replace) {
    replaced = (await db.query<{ n: number }>('WITH d AS (DELETE FROM roads RETURNING 1) SELECT count(*)::int AS n FROM d'))[0]?.n ?? 0;
    progress(`${replaced.toLocaleString('en-US')} roads removed (--replace)`);
  }
  let inserted = 0;
  const BATCH = 5000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const n = await insertRoads(db, batch);
    inserted += n;
    skipped += batch.length - n;
    progress(`roads ${Math.min(i + BATCH, rows.length).toLocaleString('en-US')} / ${rows.length.toLocaleString('en-US')} (${inserted.toLocaleString('en-US')} written)`);
  }
  const network = await buildRoadNetwork(db, srid);
  progress(`network: ${network.vertices.toLocaleString('en-US')} vertices, ${network.edges.toLocaleString('en-US')} edges`);
  await setRoadMode(db, network.edges > 0);
  return { inserted, skipped, replaced, ...network };
}
