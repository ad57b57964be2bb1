import type { RawGeometry } from './readers/types';

// A small WKT reader for the six simple-feature types a CSV carries
// (OGC 06-103r4 §7: <type> [Z|M|ZM] (<coordinates>)), about ten times faster
// than wkx's regex-driven parser on the row path. Anything it does not read
// (EMPTY, GEOMETRYCOLLECTION, curves, malformed text) returns null and the
// caller falls back to wkx, which also produces the error.

const HEAD = /^\s*(?:SRID=\d+\s*;\s*)?(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*(?:ZM|Z|M)?\s*(?=\()/i;

/** GeoJSON type, and how deep the parsed lists nest down to a number (POINT(x y) reads as [[x, y]]). */
const TYPES: Record<string, { type: string; depth: number }> = {
  POINT: { type: 'Point', depth: 2 },
  LINESTRING: { type: 'LineString', depth: 2 },
  POLYGON: { type: 'Polygon', depth: 3 },
  MULTIPOINT: { type: 'MultiPoint', depth: 2 },
  MULTILINESTRING: { type: 'MultiLineString', depth: 3 },
  MULTIPOLYGON: { type: 'MultiPolygon', depth: 4 },
};

type Nested = number[] | Nested[];

class Cursor {
  constructor(
    readonly text: string,
    public i: number,
  ) {}
  skipSpace(): void {
    while (this.i < this.text.length && this.text.charCodeAt(this.i) <= 0x20) this.i += 1;
  }
}

/** `( item , item … )` where an item is a list again or a position `x y [z [m]]`; null when malformed. */
function readList(c: Cursor): Nested | null {
  c.skipSpace();
  if (c.text.charCodeAt(c.i) !== 0x28) return null;
  c.i += 1;
  const items: Nested[] = [];
  for (;;) {
    c.skipSpace();
    if (c.text.charCodeAt(c.i) === 0x28) {
      const inner = readList(c);
      if (!inner) return null;
      items.push(inner);
    } else {
      let end = c.i;
      const text = c.text;
      while (end < text.length && text.charCodeAt(end) !== 0x2c && text.charCodeAt(end) !== 0x29) end += 1;
      const parts = text.slice(c.i, end).trim().split(/\s+/);
      if (parts.length < 2 || parts.length > 4) return null;
      const position = parts.map(Number);
      for (let k = 0; k < position.length; k++) if (!Number.isFinite(position[k])) return null;
      items.push(position);
      c.i = end;
    }
    c.skipSpace();
    const ch = c.text.charCodeAt(c.i);
    c.i += 1;
    if (ch === 0x29) return items as Nested;
    if (ch !== 0x2c) return null;
  }
}

/** Depth of nesting down to a position (a position is depth 1). */
function depthOf(v: Nested): number {
  let d = 0;
  let x: unknown = v;
  while (Array.isArray(x)) {
    d += 1;
    x = x[0];
  }
  return d;
}

/** WKT or EWKT → GeoJSON-like geometry, or null when the fast path cannot read it. */
export function parseWkt(text: string): RawGeometry | null {
  const head = HEAD.exec(text);
  if (!head) return null;
  const kind = TYPES[head[1]!.toUpperCase()]!;
  const c = new Cursor(text, head[0].length);
  let coords = readList(c);
  if (!coords) return null;
  c.skipSpace();
  if (c.i !== text.length) return null;
  // MULTIPOINT((1 2),(3 4)) is as valid as MULTIPOINT(1 2,3 4).
  if (kind.type === 'MultiPoint' && depthOf(coords) === 3) {
    if ((coords as Nested[]).some((p) => p.length !== 1)) return null;
    coords = (coords as number[][][]).map((p) => p[0]!);
  }
  if (depthOf(coords) !== kind.depth) return null;
  return { type: kind.type, coordinates: kind.type === 'Point' ? coords[0] : coords };
}
