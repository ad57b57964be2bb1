import { describe, expect, it } from 'vitest';
import { lineLengthMeters, snapVertex, type SnapCandidate } from './route-snap';

const pole = (x: number, y: number, id: number): SnapCandidate => ({ x, y, lonLat: [106 + id / 1000, 21], layer: 'poles', id, code: `P-${id}` });

describe('snapVertex', () => {
  const click = { x: 100, y: 100, lonLat: [106.5, 21.5] as [number, number] };

  it('snaps to the nearest structure within the tolerance', () => {
    const v = snapVertex(click, [pole(108, 100, 1), pole(103, 104, 2), pole(100, 130, 3)], 12);
    expect(v).toEqual({ lonLat: [106.002, 21], snappedTo: { layer: 'poles', id: 2, code: 'P-2' } });
  });

  it('keeps the clicked point when nothing is within the tolerance', () => {
    expect(snapVertex(click, [pole(113, 100, 1)], 12)).toEqual({ lonLat: [106.5, 21.5], snappedTo: null });
    expect(snapVertex(click, [], 12).snappedTo).toBeNull();
  });

  it('includes the boundary (distance equal to the tolerance)', () => {
    expect(snapVertex(click, [pole(112, 100, 7)], 12).snappedTo?.id).toBe(7);
  });
});

describe('lineLengthMeters', () => {
  it('measures one degree of latitude as about 111.2 km', () => {
    expect(lineLengthMeters([[106, 21], [106, 22]])).toBeCloseTo(111_195, -1);
  });
  it('sums the segments; a single point is 0', () => {
    const a: [number, number] = [106.2, 21.3];
    const b: [number, number] = [106.21, 21.3];
    expect(lineLengthMeters([a, b, a])).toBeCloseTo(2 * lineLengthMeters([a, b]), 6);
    expect(lineLengthMeters([a])).toBe(0);
  });
});
