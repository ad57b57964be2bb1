import { describe, expect, it } from 'vitest';
import wkx from 'wkx';
import { parseWkt } from './wkt';

describe('parseWkt', () => {
  it.each([
    'POINT(106.2 21.3)',
    'SRID=4326;POINT (106.2 21.3)',
    'LINESTRING(106.2 21.3,106.25 21.31, 106.3 21.32)',
    'POLYGON((0 0,1 0,1 1,0 0),(0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.1))',
    'MULTIPOINT(1 2,3 4)',
    'MULTIPOINT((1 2),(3 4))',
    'MULTILINESTRING((1 2,3 4),(5 6,7 8))',
    'multipolygon(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))',
    'LINESTRING(1e3 -2.5,3 4)',
  ])('reads %s as wkx does', (text) => {
    // Keywords are case-insensitive (OGC 06-103r4 §7.2); wkx wants them upper case.
    expect(parseWkt(text)).toEqual(wkx.Geometry.parse(text.replace(/^SRID=\d+;/i, '').replace(/[a-z]+/g, (w) => w.toUpperCase())).toGeoJSON());
  });

  it.each(['POINT EMPTY', 'LINESTRING(1 2,x 4)', 'POINT(1 2) junk', 'GEOMETRYCOLLECTION(POINT(1 2))', 'POLYGON(1 2,3 4)', 'LINESTRING((1 2,3 4)'])('leaves %s to wkx', (text) => {
    expect(parseWkt(text)).toBeNull();
  });
});
