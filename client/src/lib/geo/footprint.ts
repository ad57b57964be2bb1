import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import { footprintRingMeters, type PointM } from '@registry/shared/radio/wedge';

// Preview geometry for a candidate site, drawn while the planner places it
// (the server's what-if computes the authoritative footprints). Pure
// functions: metres around the antenna → longitude/latitude.

/** WGS84 equatorial radius and flattening. */
const A = 6_378_137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);

/** Metres per degree of latitude and longitude at a latitude (ellipsoidal radii of curvature). */
export function metresPerDegree(latDeg: number): { lat: number; lon: number } {
  const phi = (latDeg * Math.PI) / 180;
  const s = Math.sin(phi);
  const w = Math.sqrt(1 - E2 * s * s);
  const meridional = (A * (1 - E2)) / (w * w * w);
  const prime = A / w;
  return { lat: (Math.PI / 180) * meridional, lon: (Math.PI / 180) * prime * Math.cos(phi) };
}

/** Places a point given in metres east/north of `origin` ([lon, lat]); accurate to centimetres over a few km. */
export function offsetToLonLat(origin: readonly [number, number], [x, y]: PointM): Position {
  const m = metresPerDegree(origin[1]);
  return [origin[0] + x / m.lon, origin[1] + y / m.lat];
}

/** Evenly spread azimuths for n sectors, the first facing north; one sector = omni. */
export function sectorAzimuths(count: number): number[] {
  const n = Math.max(1, Math.floor(count));
  return Array.from({ length: n }, (_, i) => (360 * i) / n);
}

export interface FootprintInput {
  lon: number;
  lat: number;
  rangeM: number;
  sectors: number;
  beamwidthDeg: number;
}

/** One wedge per sector (a disc for a single omni sector), as GeoJSON polygons. */
export function candidateFootprints({ lon, lat, rangeM, sectors, beamwidthDeg }: FootprintInput): FeatureCollection<Polygon> {
  const features: Feature<Polygon>[] = [];
  if (!(rangeM > 0)) return { type: 'FeatureCollection', features };
  const azimuths = sectorAzimuths(sectors);
  const beamwidth = azimuths.length === 1 ? 360 : beamwidthDeg;
  for (const azimuth of azimuths) {
    const ring = footprintRingMeters(rangeM, azimuth, beamwidth).map((p) => offsetToLonLat([lon, lat], p));
    features.push({ type: 'Feature', properties: { azimuthDeg: azimuth, rangeM }, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  return { type: 'FeatureCollection', features };
}
