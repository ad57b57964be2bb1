// Pure helpers of the route drawing: snap a clicked vertex to the nearest
// pole or manhole drawn within a pixel tolerance, and measure a line.

export interface SnapCandidate {
  /** Screen position of the structure, pixels from the map's top-left. */
  x: number;
  y: number;
  lonLat: [number, number];
  layer: string;
  id: number;
  code: string | null;
}

export interface RouteVertex {
  lonLat: [number, number];
  /** The structure the vertex was snapped to, if any. */
  snappedTo: { layer: string; id: number; code: string | null } | null;
}

/** Default snapping tolerance in CSS pixels. */
export const SNAP_TOLERANCE_PX = 12;

/**
 * The vertex for a click at (x, y): the nearest candidate within `tolerancePx`
 * (Euclidean screen distance; ties go to the first), else the clicked point.
 */
export function snapVertex(click: { x: number; y: number; lonLat: [number, number] }, candidates: readonly SnapCandidate[], tolerancePx = SNAP_TOLERANCE_PX): RouteVertex {
  let best: SnapCandidate | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = Math.hypot(c.x - click.x, c.y - click.y);
    if (d <= tolerancePx && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best ? { lonLat: best.lonLat, snappedTo: { layer: best.layer, id: best.id, code: best.code } } : { lonLat: click.lonLat, snappedTo: null };
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle length of a line in metres (haversine, mean Earth radius, IUGG). */
export function lineLengthMeters(coordinates: readonly (readonly [number, number])[]): number {
  let total = 0;
  const rad = Math.PI / 180;
  for (let i = 1; i < coordinates.length; i++) {
    const [lon1, lat1] = coordinates[i - 1]!;
    const [lon2, lat2] = coordinates[i]!;
    const dLat = (lat2 - lat1) * rad;
    const dLon = (lon2 - lon1) * rad;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
    total += 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  return total;
}
