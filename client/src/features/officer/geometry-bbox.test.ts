import { describe, expect, it } from 'vitest';
import { bboxOf } from './geometry-bbox';

describe('bboxOf', () => {
  it('spans points, lines and polygons', () => {
    expect(
      bboxOf([
        { type: 'Point', coordinates: [106.2, 21.3] },
        { type: 'LineString', coordinates: [[106.1, 21.4], [106.3, 21.2]] },
        { type: 'Polygon', coordinates: [[[106, 21], [106.5, 21], [106.5, 21.5], [106, 21]]] },
      ]),
    ).toEqual([106, 21, 106.5, 21.5]);
  });
  it('is null without positions', () => {
    expect(bboxOf([])).toBeNull();
  });
});
