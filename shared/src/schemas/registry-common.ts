import { z } from 'zod';
import { ASSET_STATUSES, TECHNOLOGIES } from '../enums';
import { LIMITS } from '../limits';
import { BBoxParam, GEOMETRY_REASONS } from '../geo/geometry';

// Building blocks shared by every registry resource's schemas: codes, names,
// geometry inputs that name a lat/lon swap, list queries, and the helper that
// turns per-audience views into one response schema.

export const Id = z.number().int().positive();
export const Code = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.codeMaxLength)
  .regex(/^[\p{L}\p{N}_.\-/:]+$/u, { message: 'invalid_format: letters, digits and _ . - / : only' });
export const Name = z.string().trim().min(1).max(LIMITS.nameMaxLength);
export const LongText = z.string().max(LIMITS.textMaxLength);
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'invalid_format: a date as YYYY-MM-DD' });
export const Version = z.number().int().min(1);
export const AssetStatus = z.enum(ASSET_STATUSES);

/** Fields every stored object carries. */
export const Meta = {
  id: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

// ---------------------------------------------------------------- geometry in

/** A position as sent: ranges are checked on the whole geometry, so a swap can be named. */
const LoosePosition = z.array(z.number().finite()).min(2).max(3);
type LoosePosition = z.infer<typeof LoosePosition>;

function inRange([lon, lat]: LoosePosition): boolean {
  return lon! >= -180 && lon! <= 180 && lat! >= -90 && lat! <= 90;
}

/**
 * Adds one issue when some coordinate is out of range: "swapped" when every
 * position would be in range with longitude and latitude exchanged (the usual
 * [lat, lon] mistake), "out of range" otherwise.
 */
function checkRanges(positions: LoosePosition[], ctx: z.RefinementCtx) {
  if (positions.every(inRange)) return;
  if (positions.every(([a, b]) => inRange([b!, a!]))) {
    ctx.addIssue({
      code: 'custom',
      path: ['coordinates'],
      message: `${GEOMETRY_REASONS.swapped}: longitude and latitude appear swapped (GeoJSON order is [lon, lat])`,
    });
    return;
  }
  ctx.addIssue({ code: 'custom', path: ['coordinates'], message: `${GEOMETRY_REASONS.outOfRange}: longitude must be within -180..180 and latitude within -90..90` });
}

const ring = z
  .array(LoosePosition)
  .min(4, { message: `${GEOMETRY_REASONS.invalid}: a ring needs at least four positions` })
  .refine((r) => r.length < 4 || (r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1]), {
    message: `${GEOMETRY_REASONS.invalid}: a ring must end where it starts`,
  });

export const PointInput = z
  .object({ type: z.literal('Point'), coordinates: LoosePosition })
  .superRefine((g, ctx) => checkRanges([g.coordinates], ctx));
export const LineStringInput = z
  .object({ type: z.literal('LineString'), coordinates: z.array(LoosePosition).min(2, { message: `${GEOMETRY_REASONS.invalid}: a line needs at least two positions` }) })
  .superRefine((g, ctx) => checkRanges(g.coordinates, ctx));
const PolygonShape = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) });
const MultiPolygonShape = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) });
const MultiLineShape = z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(LoosePosition).min(2)).min(1) });

/** Polygon or MultiPolygon (stored as MultiPolygon). */
export const AreaInput = z
  .discriminatedUnion('type', [PolygonShape, MultiPolygonShape])
  .superRefine((g, ctx) => checkRanges(g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2), ctx));
/** Zones: areas, or streets as lines. */
export const ZoneGeometryInput = z
  .discriminatedUnion('type', [PolygonShape, MultiPolygonShape, z.object({ type: z.literal('LineString'), coordinates: z.array(LoosePosition).min(2) }), MultiLineShape])
  .superRefine((g, ctx) => {
    const positions = g.type === 'LineString' ? g.coordinates : g.type === 'MultiPolygon' ? g.coordinates.flat(2) : g.coordinates.flat();
    checkRanges(positions, ctx);
  });

/** A geometry as returned (GeoJSON from ST_AsGeoJSON); not re-validated on the way out. */
export const GeometryOut = z.object({ type: z.string(), coordinates: z.array(z.unknown()) });

// ---------------------------------------------------------------- lists

const intParam = z.coerce.number().int().positive();

/** Filters every list endpoint understands; a resource declares which apply. */
export const ListFilters = z.object({
  bbox: BBoxParam.optional(),
  /** Objects inside this administrative unit (any level, by geometry). */
  adminUnitId: intParam.optional(),
  /** Owner carrier id. */
  owner: intParam.optional(),
  /** Carrier holding a tenancy / occupancy / sector on the object. */
  tenant: intParam.optional(),
  status: z.enum(ASSET_STATUSES).optional(),
  technology: z.enum(TECHNOLOGIES).optional(),
  /** At least this much free capacity (tenant places, ports, ducts, positions). */
  minFreeCapacity: z.coerce.number().int().min(0).optional(),
  kind: z.string().max(40).optional(),
  code: z.string().max(LIMITS.codeMaxLength).optional(),
  /** Code or name contains (case-insensitive). */
  q: z.string().max(100).optional(),
  siteId: intParam.optional(),
  communeId: intParam.optional(),
  villageId: intParam.optional(),
  parentId: intParam.optional(),
  level: z.string().max(40).optional(),
  /** Sort key, `-` prefix for descending: `code`, `-updatedAt`. */
  sort: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
export type ListFilters = z.infer<typeof ListFilters>;
export type FilterName = Exclude<keyof ListFilters, 'sort' | 'limit' | 'cursor'>;

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), nextCursor: z.string().nullable() });
}

export const IdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const DeleteQuery = z.object({
  /** Remove the row for good (admins only, and only when nothing refers to it). */
  hard: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

// ---------------------------------------------------------------- views

type Shape = z.ZodRawShape;

/**
 * One response schema for several audience views of the same object: a key
 * every view has stays required, a key only some have becomes optional, and a
 * key no view lists is absent, so serialization strips it.
 */
export function responseOf<F extends Shape>(full: z.ZodObject<F>, ...views: z.ZodObject<Shape>[]) {
  const everywhere = (key: string) => views.every((v) => key in v.shape);
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const [key, schema] of Object.entries(full.shape)) {
    shape[key] = everywhere(key) ? (schema as z.ZodTypeAny) : (schema as z.ZodTypeAny).optional();
  }
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof F]: z.ZodOptional<F[K]> | F[K] }>;
}

// A view's keys, listed once: project() runs for every row of every page.
const viewKeys = new WeakMap<z.ZodObject<Shape>, string[]>();

/** Keeps exactly the keys a view lists. */
export function project(view: z.ZodObject<Shape>, row: Record<string, unknown>): Record<string, unknown> {
  let keys = viewKeys.get(view);
  if (!keys) {
    keys = Object.keys(view.shape);
    viewKeys.set(view, keys);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in row) out[key] = row[key];
  return out;
}

/** The three audiences of an object: staff and its owner, other carriers, the public. */
export interface Views {
  full: z.ZodObject<Shape>;
  others: z.ZodObject<Shape>;
  public: z.ZodObject<Shape> | null;
}
