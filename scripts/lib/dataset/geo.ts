// Plain geometry helpers for the generator (WGS84 lon/lat with a local metric
// approximation: the areas involved are tens of kilometres, where an
// equirectangular projection at the local latitude is within 0.1 %).

export type Ring = number[][]; // [[lon, lat], ...] closed
export type Polygon = Ring[]; // outer ring then holes
export type MultiPolygon = Polygon[];

export const METRES_PER_DEG_LAT = 110_574;
export function metresPerDegLon(lat: number): number {
  return 111_320 * Math.cos((lat * Math.PI) / 180);
}

/** Approximate distance in metres between two lon/lat points. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const kx = metresPerDegLon((lat1 + lat2) / 2);
  const dx = (lon2 - lon1) * kx;
  const dy = (lat2 - lat1) * METRES_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Moves a point by dx, dy metres. */
export function offsetM(lon: number, lat: number, dxM: number, dyM: number): [number, number] {
  return [lon + dxM / metresPerDegLon(lat), lat + dyM / METRES_PER_DEG_LAT];
}

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bboxOf(mp: MultiPolygon): BBox {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const poly of mp)
    for (const [x, y] of poly[0]!) {
      if (x! < b.minX) b.minX = x!;
      if (y! < b.minY) b.minY = y!;
      if (x! > b.maxX) b.maxX = x!;
      if (y! > b.maxY) b.maxY = y!;
    }
  return b;
}

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!;
    const yi = ring[i]![1]!;
    const xj = ring[j]![0]!;
    const yj = ring[j]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd point-in-polygon test (ray casting). */
export function pointInMultiPolygon(x: number, y: number, mp: MultiPolygon): boolean {
  for (const poly of mp) {
    if (!inRing(x, y, poly[0]!)) continue;
    let hole = false;
    for (let h = 1; h < poly.length; h++) if (inRing(x, y, poly[h]!)) hole = true;
    if (!hole) return true;
  }
  return false;
}

/** Planar area (m², local approximation) of a multipolygon. */
export function areaM2(mp: MultiPolygon): number {
  let a = 0;
  for (const poly of mp)
    for (const [k, ring] of poly.entries()) {
      let s = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
      a += (k === 0 ? 1 : -1) * Math.abs(s / 2);
    }
  const lat = (bboxOf(mp).minY + bboxOf(mp).maxY) / 2;
  return a * metresPerDegLon(lat) * METRES_PER_DEG_LAT;
}

/** Fixed-precision coordinate text (7 decimals ≈ 1 cm). */
export function fmt(v: number): string {
  return v.toFixed(7);
}

/**
 * Number(v.toFixed(7)), without the string round trip on the hot path.
 * toFixed picks the integer n nearest to v·10⁷ (ties away from zero) and
 * Number() of its text is the double nearest to n·10⁻⁷, which is exactly
 * n / 1e7 (IEEE division is correctly rounded). For |v| < 400 the product
 * v * 1e7 is off by at most half an ulp (< 2⁻²¹ ≈ 4.8e-7), so Math.round
 * gives that n unless the fraction is within 1e-6 of a tie: those (and zero,
 * larger or non-finite values) take the exact slow path.
 */
export function round7(v: number): number {
  const x = v * 1e7;
  const frac = Math.abs(x - Math.trunc(x));
  if (Math.abs(frac - 0.5) < 1e-6 || !(Math.abs(x) < 4e9) || x === 0) return Number(v.toFixed(7));
  return Math.round(x) / 1e7;
}

export function pointEwkt(lon: number, lat: number): string {
  return `SRID=4326;POINT(${fmt(lon)} ${fmt(lat)})`;
}

export function lineEwkt(points: readonly (readonly [number, number])[]): string {
  return `SRID=4326;LINESTRING(${points.map(([x, y]) => `${fmt(x)} ${fmt(y)}`).join(',')})`;
}

export function polygonEwkt(ring: readonly (readonly [number, number])[]): string {
  return `SRID=4326;POLYGON((${ring.map(([x, y]) => `${fmt(x)} ${fmt(y)}`).join(',')}))`;
}

/** A regular n-gon of the given radius (metres) around a point, closed, counter-clockwise. */
export function circleRing(lon: number, lat: number, radiusM: number, n = 32): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const [x, y] = offsetM(lon, lat, radiusM * Math.cos(a), radiusM * Math.sin(a));
    ring.push([round7(x), round7(y)]);
  }
  ring.push(ring[0]!);
  return ring;
}

/**
 * A line from a to b with gentle bends (as a road would have): `bends`
 * intermediate points offset sideways by up to `wiggle` of the length.
 */
export function bentLine(a: readonly [number, number], b: readonly [number, number], bends: number, wiggle: number, rand: () => number): [number, number][] {
  const pts: [number, number][] = [[round7(a[0]), round7(a[1])]];
  const lat = (a[1] + b[1]) / 2;
  const kx = metresPerDegLon(lat);
  const dx = (b[0] - a[0]) * kx;
  const dy = (b[1] - a[1]) * METRES_PER_DEG_LAT;
  const len = Math.sqrt(dx * dx + dy * dy);
  for (let i = 1; i <= bends; i++) {
    const t = i / (bends + 1);
    const side = (rand() * 2 - 1) * wiggle * len;
    const px = a[0] + (b[0] - a[0]) * t + (-dy / (len || 1)) * side / kx;
    const py = a[1] + (b[1] - a[1]) * t + (dx / (len || 1)) * side / METRES_PER_DEG_LAT;
    pts.push([round7(px), round7(py)]);
  }
  pts.push([round7(b[0]), round7(b[1])]);
  return pts;
}

export function lineLengthM(points: readonly (readonly [number, number])[]): number {
  let s = 0;
  for (let i = 1; i < points.length; i++) s += distanceM(points[i - 1]![0], points[i - 1]![1], points[i]![0], points[i]![1]);
  return s;
}

/** Points every `stepM` metres along a line (the first vertex included). */
export function pointsAlong(points: readonly (readonly [number, number])[], stepM: number): [number, number][] {
  const out: [number, number][] = [];
  let carry = 0;
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i - 1]!;
    const [x2, y2] = points[i]!;
    const seg = distanceM(x1, y1, x2, y2);
    let d = carry;
    while (d < seg) {
      const t = d / seg;
      out.push([round7(x1 + (x2 - x1) * t), round7(y1 + (y2 - y1) * t)]);
      d += stepM;
    }
    carry = d - seg;
  }
  return out;
}

/** A uniform grid index over points, for "anything within r metres?" queries. */
export class PointGrid<T extends { lon: number; lat: number }> {
  private cells = new Map<string, T[]>();
  private readonly cellDegLat: number;
  private readonly cellDegLon: number;

  constructor(cellM: number, refLat: number) {
    this.cellDegLat = cellM / METRES_PER_DEG_LAT;
    this.cellDegLon = cellM / metresPerDegLon(refLat);
  }

  private key(cx: number, cy: number) {
    return `${cx}:${cy}`;
  }

  add(item: T): void {
    const k = this.key(Math.floor(item.lon / this.cellDegLon), Math.floor(item.lat / this.cellDegLat));
    const list = this.cells.get(k);
    if (list) list.push(item);
    else this.cells.set(k, [item]);
  }

  /** Items within radiusM, nearest first (ties in insertion order). */
  within(lon: number, lat: number, radiusM: number, filter?: (item: T) => boolean): T[] {
    const rx = Math.ceil(radiusM / metresPerDegLon(lat) / this.cellDegLon);
    const ry = Math.ceil(radiusM / METRES_PER_DEG_LAT / this.cellDegLat);
    const cx = Math.floor(lon / this.cellDegLon);
    const cy = Math.floor(lat / this.cellDegLat);
    const found: [number, number, T][] = [];
    let seq = 0;
    for (let x = cx - rx; x <= cx + rx; x++)
      for (let y = cy - ry; y <= cy + ry; y++)
        for (const item of this.cells.get(this.key(x, y)) ?? []) {
          const d = distanceM(lon, lat, item.lon, item.lat);
          if (d <= radiusM && (!filter || filter(item))) found.push([d, seq++, item]);
        }
    found.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    return found.map((f) => f[2]);
  }

  any(lon: number, lat: number, radiusM: number, filter?: (item: T) => boolean): boolean {
    return this.within(lon, lat, radiusM, filter).length > 0;
  }
}

/** Reads a little- or big-endian (E)WKB Polygon / MultiPolygon into coordinates. */
export function parseWkbMultiPolygon(buf: Buffer): MultiPolygon {
  let o = 0;
  const readGeom = (): MultiPolygon => {
    const le = buf.readUInt8(o) === 1;
    o += 1;
    const u32 = () => {
      const v = le ? buf.readUInt32LE(o) : buf.readUInt32BE(o);
      o += 4;
      return v;
    };
    const f64 = () => {
      const v = le ? buf.readDoubleLE(o) : buf.readDoubleBE(o);
      o += 8;
      return v;
    };
    let type = u32();
    if (type & 0x20000000) {
      u32(); // SRID
      type &= ~0x20000000;
    }
    type &= 0xffff;
    if (type === 3) {
      const rings = u32();
      const poly: Polygon = [];
      for (let r = 0; r < rings; r++) {
        const n = u32();
        const ring: Ring = [];
        for (let i = 0; i < n; i++) ring.push([f64(), f64()]);
        poly.push(ring);
      }
      return [poly];
    }
    if (type === 6) {
      const parts = u32();
      const out: MultiPolygon = [];
      for (let p = 0; p < parts; p++) out.push(...readGeom());
      return out;
    }
    throw new Error(`unexpected WKB geometry type ${type}`);
  };
  return readGeom();
}
