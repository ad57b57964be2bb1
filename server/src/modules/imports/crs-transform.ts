import proj4 from 'proj4';
import { CRS_LIST, findCrs, type CrsDefinition } from '@registry/shared/crs/crs';
import { insideBBox, type BBox } from '@registry/shared/geo/geometry';
import type { RawGeometry } from './readers/types';

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

export type PositionTransform = (x: number, y: number) => [number, number];

/**
 * Source CRS → WGS84 [lon, lat] for one position, with proj4. VN-2000
 * systems carry the EPSG:6960 seven-parameter shift in their +towgs84 (see
 * shared/src/crs/crs.ts for the source and the sign convention).
 */
export function createPositionTransform(crs: CrsDefinition): PositionTransform {
  if (crs.code === 'EPSG:4326') return (x, y) => [x, y];
  const converter = proj4(crs.proj4, WGS84);
  return (x, y) => {
    const out = converter.forward([x, y]);
    return [out[0]!, out[1]!];
  };
}

export function resolveCrs(codeOrName: string): CrsDefinition | undefined {
  return findCrs(codeOrName);
}

/** Maps every position of a GeoJSON-like geometry; drops elevation (the registry stores 2D). */
export function transformGeometry(geometry: RawGeometry, transform: PositionTransform): RawGeometry {
  if (geometry.type === 'GeometryCollection') {
    return { type: geometry.type, geometries: (geometry.geometries ?? []).map((g) => transformGeometry(g, transform)) };
  }
  return { type: geometry.type, coordinates: mapPositions(geometry.coordinates, transform) };
}

// Module level rather than a closure per geometry: this runs once per imported row.
function mapPositions(value: unknown, transform: PositionTransform): unknown {
  if (!Array.isArray(value)) return value;
  if (typeof value[0] === 'number') return transform(Number(value[0]), Number(value[1]));
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = mapPositions(value[i], transform);
  return out;
}

/** The first position of a geometry, for CRS sniffing. */
export function firstPosition(geometry: RawGeometry): [number, number] | null {
  let value: unknown = geometry.type === 'GeometryCollection' ? geometry.geometries?.[0]?.coordinates : geometry.coordinates;
  while (Array.isArray(value) && Array.isArray(value[0])) value = value[0];
  if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number') return [value[0], value[1]];
  return null;
}

/**
 * The common mistake: coordinates that fall outside the province in the
 * chosen CRS but inside it in another (VN-2000 TM-3 read as UTM, the wrong
 * central meridian, degrees declared as metres). Given sample positions in
 * the file's CRS that landed outside, returns the CRSs that would put at
 * least 90% of them inside.
 */
export function suggestCrs(samples: [number, number][], chosen: CrsDefinition, extent: BBox): CrsDefinition[] {
  if (samples.length === 0) return [];
  const fits: CrsDefinition[] = [];
  for (const candidate of CRS_LIST) {
    if (candidate.code === chosen.code) continue;
    // Geographic candidates only make sense for degree-sized numbers, projected ones for metre-sized.
    const looksGeographic = samples.every(([x, y]) => Math.abs(x) <= 180 && Math.abs(y) <= 90);
    if ((candidate.kind === 'geographic') !== looksGeographic) continue;
    const transform = createPositionTransform(candidate);
    let inside = 0;
    for (const [x, y] of samples) {
      const p = transform(x, y);
      if (Number.isFinite(p[0]) && Number.isFinite(p[1]) && insideBBox(p, extent)) inside += 1;
    }
    if (inside >= samples.length * 0.9) fits.push(candidate);
  }
  return fits;
}
