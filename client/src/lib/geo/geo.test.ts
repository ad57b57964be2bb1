import { describe, expect, it } from 'vitest';
import { candidateFootprints, metresPerDegree, offsetToLonLat, sectorAzimuths } from './footprint';
import { bboxOfGeometry, padBBox } from './bbox';

describe('metresPerDegree', () => {
  // Reference: the WGS84 "length of a degree" table (Wikipedia, Latitude): metres per
  // degree of latitude and of longitude at 0°, 15° and 30°.
  it.each([
    [0, 110_574, 111_320],
    [15, 110_649, 107_551],
    [30, 110_852, 96_486],
  ])('at %d° latitude', (lat, mLat, mLon) => {
    const m = metresPerDegree(lat);
    expect(Math.abs(m.lat - mLat)).toBeLessThan(1);
    expect(Math.abs(m.lon - mLon)).toBeLessThan(1);
  });
});

describe('offsetToLonLat', () => {
  it('moves 1 km north and east by the local degree lengths', () => {
    const [lon, lat] = offsetToLonLat([106.2, 21.3], [1000, 1000]);
    const m = metresPerDegree(21.3);
    expect(lat! - 21.3).toBeCloseTo(1000 / m.lat, 9);
    expect(lon! - 106.2).toBeCloseTo(1000 / m.lon, 9);
  });
});

describe('candidateFootprints', () => {
  it('spreads sectors evenly from north', () => {
    expect(sectorAzimuths(3)).toEqual([0, 120, 240]);
    expect(sectorAzimuths(0)).toEqual([0]);
  });
  it('draws a disc for one sector and a wedge per sector otherwise', () => {
    expect(candidateFootprints({ lon: 106, lat: 21, rangeM: 2000, sectors: 1, beamwidthDeg: 65 }).features).toHaveLength(1);
    const three = candidateFootprints({ lon: 106, lat: 21, rangeM: 2000, sectors: 3, beamwidthDeg: 65 });
    expect(three.features).toHaveLength(3);
    // The first wedge faces north: its arc's middle vertex lies ≈2 km north of the site.
    const ring = three.features[0]!.geometry.coordinates[0]!;
    const northMost = Math.max(...ring.map((p) => p[1]!));
    expect((northMost - 21) * metresPerDegree(21).lat).toBeCloseTo(2000, -1);
    expect(ring[0]).toEqual([106, 21]);
  });
  it('draws nothing for a zero range', () => {
    expect(candidateFootprints({ lon: 106, lat: 21, rangeM: 0, sectors: 3, beamwidthDeg: 65 }).features).toEqual([]);
  });
});

describe('bboxOfGeometry', () => {
  it('spans every ring of a multipolygon', () => {
    expect(
      bboxOfGeometry({
        type: 'MultiPolygon',
        coordinates: [
          [[[1, 1], [2, 1], [2, 2], [1, 1]]],
          [[[5, -1], [6, -1], [6, 0], [5, -1]]],
        ],
      }),
    ).toEqual([1, -1, 6, 2]);
  });
  it('is null for nothing and pads a point', () => {
    expect(bboxOfGeometry(null)).toBeNull();
    expect(padBBox([106, 21, 106, 21], 0.02)).toEqual([105.99, 20.99, 106.01, 21.01]);
  });
});
