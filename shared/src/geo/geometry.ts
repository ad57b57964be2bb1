import { z } from 'zod';

// GeoJSON geometry schemas (RFC 7946, WGS84 [longitude, latitude]) used by
// request bodies, imports and forms. Structural checks only; whether a
// geometry lies in the loaded province is checked by the server, which knows
// the province (see server/src/modules/geo/province-guard.ts).

export const GEOMETRY_REASONS = {
  outOfRange: 'coordinates_out_of_range',
  invalid: 'invalid_geometry',
  swapped: 'swapped_coordinates',
  outside: 'outside_province',
} as const;

const Longitude = z.number().finite().min(-180, { message: `${GEOMETRY_REASONS.outOfRange}: longitude must be within -180..180` }).max(180, { message: `${GEOMETRY_REASONS.outOfRange}: longitude must be within -180..180` });
const Latitude = z.number().finite().min(-90, { message: `${GEOMETRY_REASONS.outOfRange}: latitude must be within -90..90` }).max(90, { message: `${GEOMETRY_REASONS.outOfRange}: latitude must be within -90..90` });

/** [lon, lat] or [lon, lat, elevation]; elevation is kept but ignored. */
export const Position = z.union([z.tuple([Longitude, Latitude]), z.tuple([Longitude, Latitude, z.number().finite()])]);
export type Position = z.infer<typeof Position>;

export const PointGeometry = z.object({ type: z.literal('Point'), coordinates: Position });
export const LineStringGeometry = z.object({ type: z.literal('LineString'), coordinates: z.array(Position).min(2, { message: `${GEOMETRY_REASONS.invalid}: a line needs at least two positions` }) });

const LinearRing = z
  .array(Position)
  .min(4, { message: `${GEOMETRY_REASONS.invalid}: a ring needs at least four positions` })
  .refine((ring) => ring.length < 4 || (ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1]), {
    message: `${GEOMETRY_REASONS.invalid}: a ring must end where it starts`,
  });

export const PolygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(LinearRing).min(1) });
export const MultiPolygonGeometry = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(LinearRing).min(1)).min(1) });
export const MultiLineStringGeometry = z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(Position).min(2)).min(1) });

/** Polygon or MultiPolygon (areas). */
export const AreaGeometry = z.discriminatedUnion('type', [PolygonGeometry, MultiPolygonGeometry]);
/** Any of the kinds the registry stores. */
export const AnyGeometry = z.discriminatedUnion('type', [PointGeometry, LineStringGeometry, PolygonGeometry, MultiPolygonGeometry, MultiLineStringGeometry]);

export type PointGeometry = z.infer<typeof PointGeometry>;
export type LineStringGeometry = z.infer<typeof LineStringGeometry>;
export type PolygonGeometry = z.infer<typeof PolygonGeometry>;
export type MultiPolygonGeometry = z.infer<typeof MultiPolygonGeometry>;
export type AreaGeometry = z.infer<typeof AreaGeometry>;
export type AnyGeometry = z.infer<typeof AnyGeometry>;

/** Every position of a geometry, flattened. */
export function positionsOf(geometry: AnyGeometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'LineString':
      return geometry.coordinates;
    case 'Polygon':
    case 'MultiLineString':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
  }
}

/** Bounding box [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];

export function bboxOf(geometry: AnyGeometry): BBox {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of positionsOf(geometry)) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

export function insideBBox([x, y]: readonly number[], [minX, minY, maxX, maxY]: BBox): boolean {
  return x! >= minX && x! <= maxX && y! >= minY && y! <= maxY;
}

/**
 * Whether a geometry lies within an extent, and if not, whether swapping
 * longitude and latitude would put it there (the common lat/lon mix-up).
 */
export function placeAgainstExtent(geometry: AnyGeometry, extent: BBox): 'inside' | 'swapped' | 'outside' {
  const positions = positionsOf(geometry);
  if (positions.every((p) => insideBBox(p, extent))) return 'inside';
  if (positions.every(([x, y]) => insideBBox([y, x], extent))) return 'swapped';
  return 'outside';
}

/** `bbox=minLon,minLat,maxLon,maxLat` query parameter. */
export const BBoxParam = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',').map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
      ctx.addIssue({ code: 'custom', message: 'invalid_format: bbox must be minLon,minLat,maxLon,maxLat' });
      return z.NEVER;
    }
    const [a, b, c, d] = parts as [number, number, number, number];
    if (a > c || b > d || a < -180 || c > 180 || b < -90 || d > 90) {
      ctx.addIssue({ code: 'custom', message: 'coordinates_out_of_range: bbox corners out of order or range' });
      return z.NEVER;
    }
    return [a, b, c, d] as BBox;
  });
