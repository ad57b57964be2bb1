// FTTH drop distance along the road network, on real PostGIS (rolled back).
//
// Hand derivation. Metres from (X0 + 100, Y0 + 100) inside a 1000 m square
// village of the fixtures (its own 100 grid locations removed); drop distance
// D = 200 m, lateral drop L = 50 m (default). An L-shaped road
// A(0, 0) → B(150, 0) → C(150, 100); the access point at A. With the road
// network the footprint is the buffer by L of the cable path within
// D − L = 150 m of A: the whole first leg A–B.
//   P1 (150, 100) = C, on the road 250 m along, 180.3 m straight: ready in a
//      straight line only (250 > 200; 100 m from A–B).
//   P2 (150, 30), on the road 180 m along, 153.0 m straight: ready both ways
//      (30 m from B).
//   P3 (60, 40): 60 m along, 40 m off the road (100 ≤ 200, 40 ≤ 50): both.
//   P4 (70, 70): 99.0 m straight; 70 m off the first leg, 80 m off the second:
//      straight line only.
//   P5 (150, 65), on the road 215 m along, 164.4 m straight: straight only
//      (65 m from B, the nearest point of A–B).
//   P6 (10, 200): 200.2 m straight, beyond the disc (its polygon lies inside
//      the circle): neither.
// Straight line: 5 ready (P1–P5); along the road: 2 (P2, P3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import { pgRunner } from './coverage.queries';
import { recomputeFullWith, recomputeSources } from './coverage.recompute';
import { buildRoadNetwork, insertRoads, loadRoadFile, reachedPieces, roadGraph, setRoadMode } from './coverage.roads';
import { SRID, X0, Y0, accessPoint, baseFixture, coverageRows, covered, inRollback, pointSql, squareVillage } from './coverage.fixtures';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
});
afterAll(() => pool.end());

const OX = X0 + 100;
const OY = Y0 + 100;
const POINTS: [number, number][] = [
  [150, 100],
  [150, 30],
  [60, 40],
  [70, 70],
  [150, 65],
  [10, 200],
];
/** The L-shaped road of the derivation above, A(0, 0) → B(150, 0) → C(150, 100). */
const L_ROAD: [number, number][] = [
  [0, 0],
  [150, 0],
  [150, 100],
];

/** The village with the six locations P1–P6 (one unit each), the drop distance 200 m, the access point at A. */
async function lRoadFixture(client: pg.PoolClient) {
  const f = await baseFixture(client);
  const v = await squareVillage(client, f, X0, Y0, 'rural', 1);
  await client.query('DELETE FROM locations WHERE village_id = $1', [v]);
  for (const [i, [x, y]] of POINTS.entries()) {
    await client.query(`INSERT INTO locations (code, village_id, geom, units) VALUES ($1, $2, ${pointSql(OX + x, OY + y)}, 1)`, [`roads-p${i + 1}-${v}`, v]);
  }
  await client.query(`UPDATE coverage_parameters SET value = 200 WHERE key = 'ftth.drop_distance_m'`);
  await client.query(`UPDATE coverage_parameters SET value = 50 WHERE key = 'ftth.road_lateral_m'`);
  const ap = await accessPoint(client, f.carrierA, OX, OY, 8, 0);
  return { f, v, ap };
}

/** GeoJSON (EPSG:4326) of a line through local points. */
async function lineGeoJson(client: pg.PoolClient, pts: [number, number][]): Promise<string> {
  const wkt = `LINESTRING(${pts.map(([x, y]) => `${OX + x} ${OY + y}`).join(', ')})`;
  const r = await client.query<{ g: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_GeomFromText($1, ${SRID}), 4326), 12) AS g`, [wkt]);
  return r.rows[0]!.g;
}

async function loadRoads(client: pg.PoolClient, lines: [number, number][][]) {
  const db = pgRunner(client);
  const features = await Promise.all(lines.map(async (pts) => ({ geometry: await lineGeoJson(client, pts), class: 'residential', name: null, source: 'test', licence: 'CC0' })));
  expect(await insertRoads(db, features)).toBe(lines.length);
  const network = await buildRoadNetwork(db, SRID);
  await setRoadMode(db, true);
  return network;
}

async function ftth(client: pg.PoolClient, v: number): Promise<number> {
  return covered(await coverageRows(client, [v]), v, 'FTTH');
}

describe('FTTH drop distance along the road network', () => {
  it('an L-shaped road: 5 locations ready in a straight line, 2 along the road (P1 is 180 m away but 250 m along)', () =>
    inRollback(pool, async (client) => {
      const { v, ap } = await lRoadFixture(client);
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(5);
      const network = await loadRoads(client, [L_ROAD]);
      expect(network).toEqual({ vertices: 2, edges: 1 });
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(2);
      // Which ones: P2 and P3.
      const ready = await client.query<{ code: string }>(
        `SELECT l.code FROM locations l JOIN coverage_contributors c ON c.technology = 'FTTH' AND ST_Intersects(c.reach, l.geom) WHERE l.village_id = $1 ORDER BY l.code`,
        [v],
      );
      expect(ready.rows.map((r) => r.code)).toEqual([`roads-p2-${v}`, `roads-p3-${v}`]);
      // The footprint: the buffer of the 150 m leg by 50 m, 150·100 + π·50² = 22 854 m²; its two end caps are drawn
      // in 15° steps (a 24-gon: 12·50²·sin 15° = 7 764.6 m² instead of 7 854.0), so 22 764.6 m².
      // This access point's footprint only: the shared test database holds other files' committed contributors.
      const area = await client.query<{ a: number }>(
        `SELECT ST_Area(ST_Transform(reach, ${SRID})) AS a FROM coverage_contributors WHERE technology = 'FTTH' AND kind = 'access_point' AND source_id = $1`,
        [ap],
      );
      expect(area.rows).toHaveLength(1);
      expect(area.rows[0]!.a).toBeCloseTo(150 * 100 + 12 * 50 ** 2 * Math.sin(Math.PI / 12), 0);
      // Switched back to the straight line: 5 again.
      await setRoadMode(pgRunner(client), false);
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(5);
    }));

  it('a road crossing the first leg is joined at the crossing: P4 (20.6 m from its end, 125 m along) becomes ready', () =>
    inRollback(pool, async (client) => {
      const { v } = await lRoadFixture(client);
      const network = await loadRoads(client, [
        L_ROAD,
        [
          [75, -50],
          [75, 50],
        ],
      ]);
      // Noded at (75, 0): 5 vertices (A, B's corner is interior, C, the crossing, the cross road's two ends), 4 edges.
      expect(network).toEqual({ vertices: 5, edges: 4 });
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(3);
    }));

  it('an access point 180 m from every road (beyond D − L = 150 m) reaches only the houses within 50 m of itself', () =>
    inRollback(pool, async (client) => {
      const { v, ap } = await lRoadFixture(client);
      await loadRoads(client, [L_ROAD]);
      // Moved to (0, 200): 180.3 m from C, 200 m from the first leg. P6 (10, 200) is 10 m away; P4 147.6 m and P3 170.9 m.
      await client.query(`UPDATE access_points SET geom = ${pointSql(OX, OY + 200)} WHERE id = $1`, [ap]);
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(1);
    }));

  it('moving the access point (incremental) gives what a full recompute gives, with the road network loaded', () =>
    inRollback(pool, async (client) => {
      const { v, ap } = await lRoadFixture(client);
      await loadRoads(client, [L_ROAD]);
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(2);
      // To C: the path within 150 m is the second leg and the last 50 m of the first, x ∈ [100, 150]:
      // P1 (at C), P2 and P5 (on the second leg) are ready; P3 is 56.6 m from (100, 0), P4 80 m from the second leg.
      await client.query(`UPDATE access_points SET geom = ${pointSql(OX + 150, OY + 100)} WHERE id = $1`, [ap]);
      await recomputeSources(pgRunner(client), { accessPointIds: [ap] });
      const incremental = await coverageRows(client, [v]);
      expect(covered(incremental, v, 'FTTH')).toBe(3);
      const reachAfterEdit = await client.query<{ wkb: string }>(`SELECT ST_AsText(reach) AS wkb FROM coverage_contributors WHERE kind = 'access_point' AND source_id = $1`, [ap]);
      await recomputeFullWith(client);
      const full = await coverageRows(client, [v]);
      const strip = (rows: typeof full) => rows.map((r) => ({ ...r, gapAreaM2: r.gapAreaM2 === null ? null : Math.round(r.gapAreaM2) }));
      expect(strip(incremental)).toEqual(strip(full));
      const reachAfterFull = await client.query<{ wkb: string }>(`SELECT ST_AsText(reach) AS wkb FROM coverage_contributors WHERE kind = 'access_point' AND source_id = $1`, [ap]);
      expect(reachAfterFull.rows).toEqual(reachAfterEdit.rows);
    }));
});

describe('road footprint cache', () => {
  it('reuses unchanged footprints and recomputes when the drop distance changes (260 m: 60 m of the second leg, P1 and P5 join)', () =>
    inRollback(pool, async (client) => {
      const { v, ap } = await lRoadFixture(client);
      await loadRoads(client, [L_ROAD]);
      await recomputeFullWith(client);
      const cached = await client.query<{ key: string }>('SELECT key FROM coverage_road_reach_cache WHERE id = $1', [ap]);
      expect(cached.rows).toHaveLength(1);
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(2);
      // An edit that leaves the access point where it is (a port taken) is served from the cache.
      await client.query('UPDATE access_points SET ports_used = 1 WHERE id = $1', [ap]);
      await recomputeSources(pgRunner(client), { accessPointIds: [ap] });
      expect(await ftth(client, v)).toBe(2);
      // D − L = 210 m: the first leg and (150, 0)–(150, 60); P5 is 5 m and P1 40 m from it, P4 still 70 m.
      await client.query(`UPDATE coverage_parameters SET value = 260 WHERE key = 'ftth.drop_distance_m'`);
      await recomputeFullWith(client);
      expect(await ftth(client, v)).toBe(4);
      const after = await client.query<{ key: string }>('SELECT key FROM coverage_road_reach_cache WHERE id = $1', [ap]);
      expect(after.rows[0]!.key).not.toBe(cached.rows[0]!.key);
    }));
});

describe('loadRoadFile', () => {
  it('keeps each road\'s attribution (its own, else the collection\'s), skips non-lines and invalid lines, and switches the road mode on', () =>
    inRollback(pool, async (client) => {
      await baseFixture(client);
      const db = pgRunner(client);
      await client.query(`UPDATE coverage_parameters SET value = 0 WHERE key = 'ftth.road_network'`);
      const line = JSON.parse(await lineGeoJson(client, [[0, 0], [150, 0]])) as unknown;
      const doc = {
        type: 'FeatureCollection',
        source: 'OpenStreetMap contributors',
        licence: 'ODbL 1.0',
        features: [
          { type: 'Feature', properties: { highway: 'tertiary', name: 'ĐT 293' }, geometry: line },
          { type: 'Feature', properties: { class: 'track', source: 'survey 2024', licence: 'CC-BY 4.0' }, geometry: JSON.parse(await lineGeoJson(client, [[0, 10], [0, 80]])) as unknown },
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [106, 21.3] } },
          { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[106, 21.3], [106, 21.3]] } },
        ],
      };
      await client.query('DELETE FROM roads');
      const summary = await loadRoadFile(db, JSON.stringify(doc), SRID, { replace: false, source: 'file.geojson' });
      expect(summary).toMatchObject({ inserted: 2, skipped: 2, replaced: 0, vertices: 4, edges: 2 });
      const rows = await client.query<{ class: string; name: string | null; source: string; licence: string | null }>('SELECT class, name, source, licence FROM roads ORDER BY id');
      expect(rows.rows).toEqual([
        { class: 'tertiary', name: 'ĐT 293', source: 'OpenStreetMap contributors', licence: 'ODbL 1.0' },
        { class: 'track', name: null, source: 'survey 2024', licence: 'CC-BY 4.0' },
      ]);
      const mode = await client.query<{ value: number }>(`SELECT value FROM coverage_parameters WHERE key = 'ftth.road_network'`);
      expect(mode.rows[0]!.value).toBe(1);
      // --replace with an empty collection: no road left, back to the straight line.
      const empty = await loadRoadFile(db, JSON.stringify({ type: 'FeatureCollection', features: [] }), SRID, { replace: true });
      expect(empty).toMatchObject({ inserted: 0, replaced: 2, edges: 0 });
      expect((await client.query<{ value: number }>(`SELECT value FROM coverage_parameters WHERE key = 'ftth.road_network'`)).rows[0]!.value).toBe(0);
      await expect(loadRoadFile(db, '{"type": "Feature"}', SRID, { replace: false })).rejects.toThrow(/FeatureCollection/);
    }));
});

describe('reachedPieces (bounded Dijkstra)', () => {
  // A path 1 —100— 2 —100— 3 —100— 4 and a spur 2 —30— 5; start at 40 % of edge 10 (1–2), 40 m from 1 and 60 m from 2.
  const g = roadGraph([
    { id: 10, source: 1, target: 2, lengthM: 100 },
    { id: 11, source: 2, target: 3, lengthM: 100 },
    { id: 12, source: 4, target: 3, lengthM: 100 },
    { id: 13, source: 2, target: 5, lengthM: 30 },
  ]);
  it('with 150 m: all of 1–2, the spur, 90 m of 2–3, nothing of 3–4', () => {
    const pieces = reachedPieces(g, 10, 0.4, 150);
    expect(pieces.map((p) => ({ ...p, to: Math.round(p.to * 1e9) / 1e9 }))).toEqual([
      { edgeId: 10, from: 0, to: 1 },
      { edgeId: 11, from: 0, to: 0.9 },
      { edgeId: 13, from: 0, to: 1 },
    ]);
  });
  it('with 20 m: 20 m either side of the start only', () => {
    expect(reachedPieces(g, 10, 0.4, 20).map((p) => ({ ...p, from: Math.round(p.from * 1e9) / 1e9, to: Math.round(p.to * 1e9) / 1e9 }))).toEqual([{ edgeId: 10, from: 0.2, to: 0.6 }]);
  });
  it('with 250 m: 90 m of 3–4 from 3 (edge stored 4 → 3: its last 90 %)', () => {
    const p = reachedPieces(g, 10, 0.4, 250).find((x) => x.edgeId === 12)!;
    expect(Math.round(p.from * 1e9) / 1e9).toBe(0.1);
    expect(p.to).toBe(1);
  });
});
