import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CRS_LIST, findCrs } from '@registry/shared/crs/crs';
import { createPositionTransform, suggestCrs } from './crs-transform';

// VN-2000 → WGS84 by proj4 (EPSG:6960's seven parameters) against PROJ's own
// cs2cs, which reads the EPSG database. Expectations are computed here by
// cs2cs, never copied by hand.

/** Runs cs2cs from `from` to EPSG:4326 on x/y pairs given in `from`'s EPSG axis order; returns [lon, lat]. */
function cs2cs(from: string, points: [number, number][], geographicSource: boolean): [number, number][] {
  const input = points.map(([x, y]) => (geographicSource ? `${y} ${x}` : `${x} ${y}`)).join('\n') + '\n';
  const out = execFileSync('cs2cs', ['-d', '10', from, 'EPSG:4326'], { input, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [lat, lon] = line.trim().split(/\s+/).map(Number);
      return [lon!, lat!];
    });
}

/** Metres between two WGS84 points close together (equirectangular is exact enough at centimetres). */
function metres([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const R = 6_378_137;
  const rad = Math.PI / 180;
  const dx = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad) * R;
  const dy = (lat2 - lat1) * rad * R;
  return Math.hypot(dx, dy);
}

// A grid over Bắc Giang (about 105.9–107.0 E, 21.1–21.6 N) in each CRS's own units.
function gridIn(code: string): [number, number][] {
  const wgs: [number, number][] = [];
  for (let lon = 105.9; lon <= 107.05; lon += 0.23) for (let lat = 21.1; lat <= 21.65; lat += 0.11) wgs.push([lon, lat]);
  const crs = findCrs(code)!;
  if (crs.kind === 'geographic') return wgs;
  // Project with cs2cs itself (inverse direction) so the grid is independent of the code under test.
  const input = wgs.map(([lon, lat]) => `${lat} ${lon}`).join('\n') + '\n';
  const out = execFileSync('cs2cs', ['-d', '4', 'EPSG:4326', code], { input, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [a, b] = line.trim().split(/\s+/).map(Number);
      return [a!, b!];
    });
}

describe('VN-2000 transformations agree with PROJ cs2cs', () => {
  const codes = ['EPSG:4756', 'EPSG:3405', 'EPSG:3406', 'EPSG:5897', 'EPSG:5898', 'EPSG:9211', 'EPSG:9213', 'EPSG:9214', 'EPSG:9215'];
  it.each(codes)('%s within 0.1 m across the province', (code) => {
    const crs = findCrs(code)!;
    const points = gridIn(code);
    // EPSG projected VN-2000 systems list easting first; the geographic one latitude first.
    const expected = cs2cs(code, points, crs.kind === 'geographic');
    const transform = createPositionTransform(crs);
    let worst = 0;
    points.forEach(([x, y], i) => {
      worst = Math.max(worst, metres(transform(x, y), expected[i]!));
    });
    expect(worst).toBeLessThan(0.1);
  });

  it('a flipped rotation sign (position vector read as coordinate frame) is caught: it moves points by decimetres or more', () => {
    const good = findCrs('EPSG:9214')!;
    const flipped = { ...good, proj4: good.proj4.replace('0.00928836,-0.01975479,0.00427372', '-0.00928836,0.01975479,-0.00427372') };
    const [x, y] = gridIn('EPSG:9214')[5]!;
    const shift = metres(createPositionTransform(good)(x, y), createPositionTransform(flipped)(x, y));
    expect(shift).toBeGreaterThan(0.3);
  });
});

describe('CRS lookup', () => {
  it('finds by EPSG code in its usual spellings and by name', () => {
    expect(findCrs('EPSG:9214')?.centralMeridianDeg).toBe(107);
    expect(findCrs('9214')?.code).toBe('EPSG:9214');
    expect(findCrs('urn:ogc:def:crs:EPSG::9214')?.code).toBe('EPSG:9214');
    expect(findCrs('VN-2000 / TM-3 107-00')?.code).toBe('EPSG:9214');
    expect(findCrs('vn2000 tm3 107-00')?.code).toBe('EPSG:9214');
    expect(findCrs('WGS84')?.code).toBe('EPSG:4326');
    expect(findCrs('EPSG:2154')).toBeUndefined();
  });

  it('lists every VN-2000 system the issue names', () => {
    const codes = new Set(CRS_LIST.map((c) => c.code));
    for (const n of [4756, 3405, 3406, 5896, 5897, 5898, 5899, ...Array.from({ length: 14 }, (_, i) => 9205 + i)]) expect(codes, String(n)).toContain(`EPSG:${n}`);
  });

  it('suggests the CRS that puts misdeclared coordinates inside the province', () => {
    const extent: [number, number, number, number] = [105.85, 21.05, 107.05, 21.65];
    const tm3 = gridIn('EPSG:9214').slice(0, 10);
    const fits = suggestCrs(tm3, findCrs('EPSG:3405')!, extent).map((c) => c.code);
    expect(fits).toContain('EPSG:9214');
  });
});
