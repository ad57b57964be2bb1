// Wedge geometry against areas derived by hand.
import { describe, expect, it } from 'vitest';
import { footprintRingMeters, ringAreaM2, utmEpsgForLonLat } from './wedge';

describe('footprintRingMeters', () => {
  it('one-segment 60° wedge is an equilateral triangle: ½·r²·sin 60°', () => {
    // r = 1000 m: ½ · 10⁶ · (√3/2) = 433,012.70 m².
    const ring = footprintRingMeters(1000, 0, 60, 60);
    expect(ring).toHaveLength(4);
    expect(ringAreaM2(ring)).toBeCloseTo(433_012.7, 1);
  });

  it('90° wedge at 5° steps: 18 triangles of ½·r²·sin 5°', () => {
    // 9 · 10⁶ · sin 5° = 9 · 10⁶ · 0.0871557427 = 784,401.68 m²; the true quarter
    // disc is π/4 · 10⁶ = 785,398.16 m² (0.13 % more).
    const area = ringAreaM2(footprintRingMeters(1000, 45, 90, 5));
    expect(area).toBeCloseTo(784_401.68, 1);
    expect(area / ((Math.PI / 4) * 1e6)).toBeGreaterThan(0.998);
  });

  it('omni disc at 5° steps: 72 triangles, 36·r²·sin 5°', () => {
    // r = 2000 m: 36 · 4·10⁶ · 0.0871557427 = 12,550,427.0 m² (π r² = 12,566,370.6).
    expect(ringAreaM2(footprintRingMeters(2000, 0, 360, 5))).toBeCloseTo(12_550_427.0, 0);
  });

  it('120° wedge = one third of the 360 polygon with the same step', () => {
    const wedge = ringAreaM2(footprintRingMeters(1500, 200, 120, 5));
    const disc = ringAreaM2(footprintRingMeters(1500, 0, 360, 5));
    expect(wedge * 3).toBeCloseTo(disc, 3);
  });

  it('points where the azimuth says (clockwise from north)', () => {
    const east = footprintRingMeters(1000, 90, 30, 5);
    const mid = east[Math.floor(east.length / 2)]!;
    expect(mid[0]).toBeCloseTo(1000, 6);
    expect(mid[1]).toBeCloseTo(0, 6);
    const south = footprintRingMeters(1000, 180, 30, 5);
    const s = south[Math.floor(south.length / 2)]!;
    expect(s[1]).toBeCloseTo(-1000, 6);
    // The apex is the antenna.
    expect(east[0]).toEqual([0, 0]);
    expect(east.at(-1)).toEqual([0, 0]);
  });

  it('rejects a non-positive range', () => {
    expect(() => footprintRingMeters(0, 0, 65)).toThrow(RangeError);
  });
});

describe('utmEpsgForLonLat', () => {
  it.each([
    [106.2, 21.3, 32648], // Bắc Giang → UTM 48N
    [108.2, 16.05, 32649], // Đà Nẵng → UTM 49N
    [105.8, -10, 32748],
    [-180, 0, 32601],
    [180, 0, 32660],
  ])('(%f, %f) → EPSG:%i', (lon, lat, epsg) => {
    expect(utmEpsgForLonLat(lon, lat)).toBe(epsg);
  });
});
