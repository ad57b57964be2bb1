// Point-in-footprint counting for the full recompute, done in TypeScript over
// the very polygons stored in coverage_contributors (their EPSG:4326
// vertices, read as WKB) and the locations' stored coordinates. The test is
// the planar one PostGIS's ST_Intersects makes on the same coordinates, so
// the result equals the SQL reference (stageVillageResults) except for points
// lying exactly on a footprint edge; it is an order of magnitude faster on
// heavily overlapping footprints because each (location, footprint) pair
// costs a few arithmetic operations instead of a heap fetch and a geometry
// deserialisation.

export interface Footprint {
  technology: string;
  carrierId: number;
  /** Exterior ring (closed), x = longitude, y = latitude. */
  ring: Float64Array;
  holes: Float64Array[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /**
   * Quick accept: for a convex footprint without holes, a disc around the
   * mean of its vertices that lies inside it (centre cx, cy; squared radius,
   * shrunk by 0.2 % so that no point near an edge is decided by it); 0 when
   * the footprint is not convex (a wedge wider than 180°).
   */
  cx: number;
  cy: number;
  inner2: number;
}

/** Parses an ISO WKB Polygon (as returned by ST_AsBinary) into rings of x,y pairs. */
export function parseWkbPolygon(buf: Buffer): Float64Array[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  const le = view.getUint8(o) === 1;
  o += 1;
  const type = view.getUint32(o, le);
  o += 4;
  if (type !== 3) throw new Error(`expected a WKB Polygon, got type ${type}`);
  const rings = view.getUint32(o, le);
  o += 4;
  const out: Float64Array[] = [];
  for (let r = 0; r < rings; r++) {
    const n = view.getUint32(o, le);
    o += 4;
    const ring = new Float64Array(n * 2);
    for (let i = 0; i < n * 2; i++) {
      ring[i] = view.getFloat64(o, le);
      o += 8;
    }
    out.push(ring);
  }
  return out;
}

/** Even-odd ray casting; points on an edge may fall either way (measure zero). */
export function ringContains(ring: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]!;
    const yi = ring[2 * i + 1]!;
    const xj = ring[2 * j]!;
    const yj = ring[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function footprintContains(f: Footprint, x: number, y: number): boolean {
  if (x < f.minX || x > f.maxX || y < f.minY || y > f.maxY) return false;
  // Inside the inscribed disc of a convex footprint: inside, with no edge to test.
  const dx = x - f.cx;
  const dy = y - f.cy;
  if (dx * dx + dy * dy < f.inner2) return true;
  if (!ringContains(f.ring, x, y)) return false;
  for (const h of f.holes) if (ringContains(h, x, y)) return false;
  return true;
}

export interface LocationPoints {
  villageId: Int32Array;
  units: Int32Array;
  x: Float64Array;
  y: Float64Array;
}

export interface CountRow {
  villageId: number;
  technology: string;
  /** 0 = any carrier. */
  carrierId: number;
  coveredUnits: number;
}

/**
 * Covered units per village, technology and carrier (and any carrier): a
 * uniform grid over the footprints' boxes answers "which footprints may
 * contain this point", then the exact test decides.
 */
export function countCovered(footprints: Footprint[], locations: LocationPoints, cellDeg = 0.01): CountRow[] {
  const grid = new Map<number, number[]>();
  const key = (i: number, j: number) => i * 1_000_003 + j;
  footprints.forEach((f, idx) => {
    for (let i = Math.floor(f.minX / cellDeg); i <= Math.floor(f.maxX / cellDeg); i++) {
      for (let j = Math.floor(f.minY / cellDeg); j <= Math.floor(f.maxY / cellDeg); j++) {
        const k = key(i, j);
        const list = grid.get(k);
        if (list) list.push(idx);
        else grid.set(k, [idx]);
      }
    }
  });
  // Technologies and carriers as small integers; per-location "already
  // counted" marks as a tiny array, totals keyed by numbers.
  const techIndex = new Map<string, number>();
  const techNames: string[] = [];
  const carrierIndex = new Map<number, number>();
  const carrierIds: number[] = [0];
  const fTech = new Int32Array(footprints.length);
  const fCarrier = new Int32Array(footprints.length);
  footprints.forEach((f, i) => {
    if (!techIndex.has(f.technology)) {
      techIndex.set(f.technology, techNames.length);
      techNames.push(f.technology);
    }
    if (!carrierIndex.has(f.carrierId)) {
      carrierIndex.set(f.carrierId, carrierIds.length);
      carrierIds.push(f.carrierId);
    }
    fTech[i] = techIndex.get(f.technology)!;
    fCarrier[i] = carrierIndex.get(f.carrierId)!;
  });
  const slots = techNames.length * carrierIds.length;
  const totals = new Map<number, Float64Array>();
  const seenStamp = new Int32Array(Math.max(1, slots));
  const n = locations.x.length;
  for (let p = 0; p < n; p++) {
    const x = locations.x[p]!;
    const y = locations.y[p]!;
    const list = grid.get(key(Math.floor(x / cellDeg), Math.floor(y / cellDeg)));
    if (!list) continue;
    const stamp = p + 1;
    let acc: Float64Array | undefined;
    for (const idx of list) {
      const slot = fTech[idx]! * carrierIds.length + fCarrier[idx]!;
      if (seenStamp[slot] === stamp) continue;
      if (!footprintContains(footprints[idx]!, x, y)) continue;
      seenStamp[slot] = stamp;
      const v = locations.villageId[p]!;
      acc ??= totals.get(v);
      if (!acc) {
        acc = new Float64Array(slots);
        totals.set(v, acc);
      }
      const u = locations.units[p]!;
      acc[slot] = acc[slot]! + u;
      const anySlot = fTech[idx]! * carrierIds.length;
      if (seenStamp[anySlot] !== stamp) {
        seenStamp[anySlot] = stamp;
        acc[anySlot] = acc[anySlot]! + u;
      }
    }
  }
  const out: CountRow[] = [];
  for (const [villageId, acc] of totals) {
    for (let slot = 0; slot < slots; slot++) {
      if (acc[slot]! > 0) {
        out.push({ villageId, technology: techNames[Math.floor(slot / carrierIds.length)]!, carrierId: carrierIds[slot % carrierIds.length]!, coveredUnits: acc[slot]! });
      }
    }
  }
  return out;
}

/** A stored reach (ST_AsBinary) as a Footprint with its box. */
export function footprintFromWkb(technology: string, carrierId: number, wkb: Buffer): Footprint {
  const [ring, ...holes] = parseWkbPolygon(wkb);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < ring!.length; i += 2) {
    minX = Math.min(minX, ring![i]!);
    maxX = Math.max(maxX, ring![i]!);
    minY = Math.min(minY, ring![i + 1]!);
    maxY = Math.max(maxY, ring![i + 1]!);
  }
  return { technology, carrierId, ring: ring!, holes, minX, minY, maxX, maxY, ...innerDisc(ring!, holes.length > 0) };
}

/**
 * The quick-accept disc of a ring (see Footprint.inner2): convex (every turn
 * the same way) and without holes, else none. The mean of a convex ring's
 * vertices lies inside it; the distance from it to the nearest edge line
 * bounds a disc inside the polygon.
 */
export function innerDisc(ring: Float64Array, hasHoles: boolean): { cx: number; cy: number; inner2: number } {
  const n = ring.length / 2 - 1; // closed ring: last vertex repeats the first
  if (hasHoles || n < 3) return { cx: 0, cy: 0, inner2: 0 };
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += ring[2 * i]!;
    cy += ring[2 * i + 1]!;
  }
  cx /= n;
  cy /= n;
  let sign = 0;
  let min2 = Infinity;
  for (let i = 0; i < n; i++) {
    const x0 = ring[2 * i]!;
    const y0 = ring[2 * i + 1]!;
    const x1 = ring[2 * i + 2]!;
    const y1 = ring[2 * i + 3]!;
    const x2 = ring[2 * ((i + 1) % n) + 2]!;
    const y2 = ring[2 * ((i + 1) % n) + 3]!;
    const turn = (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1);
    if (turn !== 0) {
      if (sign === 0) sign = Math.sign(turn);
      else if (Math.sign(turn) !== sign) return { cx: 0, cy: 0, inner2: 0 };
    }
    const ex = x1 - x0;
    const ey = y1 - y0;
    const len2 = ex * ex + ey * ey;
    if (len2 === 0) continue;
    const cross = ex * (cy - y0) - ey * (cx - x0);
    min2 = Math.min(min2, (cross * cross) / len2);
  }
  if (sign === 0 || !Number.isFinite(min2)) return { cx: 0, cy: 0, inner2: 0 };
  return { cx, cy, inner2: min2 * 0.996 };
}

export interface LocationRow {
  v: number;
  u: number;
  x: number;
  y: number;
}

export interface UnitDelta {
  villageId: number;
  technology: string;
  /** 0 = any carrier. */
  carrierId: number;
  deltaUnits: number;
}

/**
 * The change in covered units an edit makes, per village, technology and
 * carrier (0 = any), with the same point-in-polygon test as countCovered so
 * that an edit agrees with a full recompute. `before` and `after` are the
 * contributors of each state near the edit; `changed` are the reaches (old
 * and new) of the sources whose contribution differs: only locations inside
 * one of them can change.
 */
export function coverageDeltas(changed: Footprint[], before: Footprint[], after: Footprint[], locations: LocationRow[]): UnitDelta[] {
  const totals = new Map<string, UnitDelta>();
  const add = (villageId: number, technology: string, carrierId: number, delta: number) => {
    const k = `${villageId}|${technology}|${carrierId}`;
    const row = totals.get(k);
    if (row) row.deltaUnits += delta;
    else totals.set(k, { villageId, technology, carrierId, deltaUnits: delta });
  };
  // Per technology: its changed reaches; the reaches present in both states
  // (the same objects in before and after: the caller parses each stored row
  // once) and those only in one, each kept only where it meets the changed
  // reaches' common box (only those can contain a location inside a changed
  // reach). A location's carriers in a state are those of the common reaches
  // plus those of the state's own; the common ones are looked up once, and
  // not at all past the point where they already include every carrier the
  // state-only reaches could add (nothing can differ then).
  const inBefore = new Set(before);
  const inAfter = new Set(after);
  const groups = [...new Set(changed.map((f) => f.technology))].map((technology) => {
    const mine = changed.filter((f) => f.technology === technology);
    const box = {
      minX: Math.min(...mine.map((f) => f.minX)),
      minY: Math.min(...mine.map((f) => f.minY)),
      maxX: Math.max(...mine.map((f) => f.maxX)),
      maxY: Math.max(...mine.map((f) => f.maxY)),
    };
    const near = (f: Footprint) => f.technology === technology && f.minX <= box.maxX && f.maxX >= box.minX && f.minY <= box.maxY && f.maxY >= box.minY;
    const onlyBefore = before.filter((f) => near(f) && !inAfter.has(f));
    const onlyAfter = after.filter((f) => near(f) && !inBefore.has(f));
    const carriers = [...new Set([...onlyBefore, ...onlyAfter].map((f) => f.carrierId))];
    return { technology, changed: mine, common: before.filter((f) => near(f) && inAfter.has(f)), onlyBefore, onlyAfter, carriers };
  });
  // Carrier sets as small arrays, reused: a few carriers at most, no allocation per location.
  const addCarriers = (set: Footprint[], x: number, y: number, out: number[]) => {
    for (const f of set) if (!out.includes(f.carrierId) && footprintContains(f, x, y)) out.push(f.carrierId);
  };
  const common: number[] = [];
  const b: number[] = [];
  const a: number[] = [];
  for (const l of locations) {
    for (const g of groups) {
      let inChanged = false;
      for (const f of g.changed) {
        if (footprintContains(f, l.x, l.y)) {
          inChanged = true;
          break;
        }
      }
      if (!inChanged) continue;
      common.length = 0;
      let settled = false;
      for (const f of g.common) {
        if (!common.includes(f.carrierId) && footprintContains(f, l.x, l.y)) {
          common.push(f.carrierId);
          if (g.carriers.every((c) => common.includes(c))) {
            settled = true;
            break;
          }
        }
      }
      if (settled) continue;
      b.length = 0;
      b.push(...common);
      addCarriers(g.onlyBefore, l.x, l.y, b);
      a.length = 0;
      a.push(...common);
      addCarriers(g.onlyAfter, l.x, l.y, a);
      if ((a.length > 0) !== (b.length > 0)) add(l.v, g.technology, 0, a.length > 0 ? l.u : -l.u);
      for (const c of a) if (!b.includes(c)) add(l.v, g.technology, c, l.u);
      for (const c of b) if (!a.includes(c)) add(l.v, g.technology, c, -l.u);
    }
  }
  return [...totals.values()].filter((d) => d.deltaUnits !== 0);
}
