// Footprint shapes in local metres: a wedge (sector) of a given radius across
// its beamwidth, or a disc for an omni antenna. Pure geometry; the caller
// places the ring in a metric projection (UTM) and transforms it to 4326.
//
// Conventions: x east, y north, azimuth in degrees clockwise from north
// (the convention of antenna azimuths). Arc vertices lie on the circle, so
// the polygon is inscribed: with n arc segments over an angle θ its area is
// (n/2)·r²·sin(θ/n) instead of (θ/2)·r² — 0.13 % smaller at 5° steps.

export type PointM = readonly [number, number];

/** Closed ring (first = last) of a wedge or disc, in metres around the antenna. */
export function footprintRingMeters(rangeM: number, azimuthDeg: number, beamwidthDeg: number, maxArcStepDeg = 5): PointM[] {
  if (!(rangeM > 0)) throw new RangeError('rangeM must be positive');
  if (!(maxArcStepDeg > 0)) throw new RangeError('maxArcStepDeg must be positive');
  const at = (deg: number): PointM => {
    const t = (deg * Math.PI) / 180;
    return [rangeM * Math.sin(t), rangeM * Math.cos(t)];
  };
  if (beamwidthDeg >= 360) {
    const n = Math.max(8, Math.ceil(360 / maxArcStepDeg));
    const ring: PointM[] = [];
    for (let i = 0; i < n; i++) ring.push(at(azimuthDeg + (360 * i) / n));
    ring.push(ring[0]!);
    return ring;
  }
  const n = Math.max(1, Math.ceil(beamwidthDeg / maxArcStepDeg));
  const start = azimuthDeg - beamwidthDeg / 2;
  const ring: PointM[] = [[0, 0]];
  for (let i = 0; i <= n; i++) ring.push(at(start + (beamwidthDeg * i) / n));
  ring.push([0, 0]);
  return ring;
}

/** Shoelace area of a closed ring, m² (positive whatever the orientation). */
export function ringAreaM2(ring: readonly PointM[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

/** WKT of a ring as a POLYGON in local metres, for ST_GeomFromText + ST_Translate. */
export function ringToWkt(ring: readonly PointM[]): string {
  return `POLYGON((${ring.map(([x, y]) => `${x.toFixed(2)} ${y.toFixed(2)}`).join(',')}))`;
}

/**
 * EPSG code of the WGS 84 / UTM zone holding a point (326zz north, 327zz
 * south), zone = ⌊(lon + 180)/6⌋ + 1. Used when settings.metric_srid is
 * absent: the province's own zone, chosen from its data.
 */
export function utmEpsgForLonLat(lonDeg: number, latDeg: number): number {
  const zone = Math.min(60, Math.max(1, Math.floor((lonDeg + 180) / 6) + 1));
  return (latDeg >= 0 ? 32600 : 32700) + zone;
}
