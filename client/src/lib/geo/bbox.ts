import type { Geometry, Position } from 'geojson';

export type BBox = [number, number, number, number];

function collect(geometry: Geometry, out: Position[]): void {
  switch (geometry.type) {
    case 'Point':
      out.push(geometry.coordinates);
      break;
    case 'MultiPoint':
    case 'LineString':
      out.push(...geometry.coordinates);
      break;
    case 'MultiLineString':
    case 'Polygon':
      for (const part of geometry.coordinates) out.push(...part);
      break;
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) for (const ring of polygon) out.push(...ring);
      break;
    case 'GeometryCollection':
      for (const g of geometry.geometries) collect(g, out);
      break;
  }
}

/** [minLon, minLat, maxLon, maxLat] of a geometry; null when it has no positions. */
export function bboxOfGeometry(geometry: Geometry | null | undefined): BBox | null {
  if (!geometry) return null;
  const positions: Position[] = [];
  collect(geometry, positions);
  if (positions.length === 0) return null;
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of positions) {
    if (x === undefined || y === undefined) continue;
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  return Number.isFinite(box[0]) ? box : null;
}

/** Grows a degenerate box (a point) to at least `minSizeDeg` so fitBounds can zoom to it. */
export function padBBox([minX, minY, maxX, maxY]: BBox, minSizeDeg = 0.01): BBox {
  const padX = Math.max(0, (minSizeDeg - (maxX - minX)) / 2);
  const padY = Math.max(0, (minSizeDeg - (maxY - minY)) / 2);
  return [minX - padX, minY - padY, maxX + padX, maxY + padY];
}
