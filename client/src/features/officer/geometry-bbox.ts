import type { Geometry, Position } from 'geojson';

/** [minLon, minLat, maxLon, maxLat] of some geometries, or null when there are no positions. */
export function bboxOf(geometries: Geometry[]): [number, number, number, number] | null {
  const positions: Position[] = [];
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number') positions.push(c as Position);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const g of geometries) {
    if (g.type === 'GeometryCollection') {
      const inner = bboxOf(g.geometries);
      if (inner) positions.push([inner[0], inner[1]], [inner[2], inner[3]]);
    } else walk(g.coordinates);
  }
  if (positions.length === 0) return null;
  const lons = positions.map((p) => p[0]!);
  const lats = positions.map((p) => p[1]!);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}
