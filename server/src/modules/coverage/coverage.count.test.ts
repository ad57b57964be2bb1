// The count's quick accept (inscribed disc of a convex footprint) against
// hand-derived figures and against the plain ray cast it must agree with.
import { describe, expect, it } from 'vitest';
import { footprintContains, innerDisc, ringContains, type Footprint } from './coverage.count';

const ring = (pts: [number, number][]) => Float64Array.from([...pts, pts[0]!].flat());

function footprint(r: Float64Array): Footprint {
  const xs = r.filter((_, i) => i % 2 === 0);
  const ys = r.filter((_, i) => i % 2 === 1);
  return { technology: '4G', carrierId: 1, ring: r, holes: [], minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys), ...innerDisc(r, false) };
}

describe('innerDisc', () => {
  it('of a 2 × 2 square is the unit disc at its centre (shrunk by 0.2 % in radius)', () => {
    const d = innerDisc(ring([[0, 0], [2, 0], [2, 2], [0, 2]]), false);
    expect(d.cx).toBeCloseTo(1, 12);
    expect(d.cy).toBeCloseTo(1, 12);
    expect(d.inner2).toBeCloseTo(0.996, 12);
  });

  it('is none for a concave ring (a wedge wider than 180°) or one with holes', () => {
    expect(innerDisc(ring([[0, 0], [2, 0], [2, 2], [1, 0.5], [0, 2]]), false).inner2).toBe(0);
    expect(innerDisc(ring([[0, 0], [2, 0], [2, 2], [0, 2]]), true).inner2).toBe(0);
  });

  it('never changes an answer of the ray cast (a 72-gon disc and a 65° wedge, 20 000 points each)', () => {
    const disc = ring(Array.from({ length: 72 }, (_, i) => [106 + 0.003 * Math.cos((i * Math.PI) / 36), 21.3 + 0.0028 * Math.sin((i * Math.PI) / 36)] as [number, number]));
    const wedge = ring([[106, 21.3], ...Array.from({ length: 14 }, (_, i) => [106 + 0.004 * Math.cos(0.4 + (i * 1.134) / 13), 21.3 + 0.004 * Math.sin(0.4 + (i * 1.134) / 13)] as [number, number])]);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const r of [disc, wedge]) {
      const f = footprint(r);
      expect(f.inner2).toBeGreaterThan(0);
      for (let i = 0; i < 20_000; i++) {
        const x = f.minX + (f.maxX - f.minX) * random();
        const y = f.minY + (f.maxY - f.minY) * random();
        expect(footprintContains(f, x, y)).toBe(ringContains(r, x, y));
      }
    }
  });
});
