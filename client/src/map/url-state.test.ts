import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, formatMapView, parseMapView, type MapView } from './url-state';

describe('map view in the URL', () => {
  it('round-trips position, overlays, mode, carrier and selection', () => {
    const view: MapView = { camera: { zoom: 12.25, lat: 21.27312, lon: 106.19461 }, overlays: ['coverage', 'fibre'], mode: '5G', carrier: 'VIETTEL', selection: { layer: 'sites', id: 42 } };
    const search = formatMapView(view);
    expect(search).toBe('map=12.25/21.27312/106.19461&layers=coverage,fibre&tech=5G&carrier=VIETTEL&sel=sites:42');
    expect(parseMapView(search)).toEqual(view);
  });
  it('writes nothing for the default view', () => {
    expect(formatMapView(DEFAULT_VIEW)).toBe('');
    expect(parseMapView('')).toEqual(DEFAULT_VIEW);
  });
  it('keeps unrelated parameters', () => {
    expect(formatMapView({ ...DEFAULT_VIEW, mode: 'FTTH' }, 'lang=en&tech=4G')).toBe('lang=en&tech=FTTH');
  });
  it.each([
    ['map=99/1/2', 'camera', null],
    ['map=10/95/2', 'camera', null],
    ['map=a/b/c', 'camera', null],
    ['tech=6G', 'mode', '4G'],
    ['carrier=%3Cscript%3E', 'carrier', null],
    ['sel=sites:abc', 'selection', null],
  ] as const)('ignores a malformed %s', (search, key, expected) => {
    expect(parseMapView(search)[key]).toEqual(expected);
  });
  it('drops unknown overlays and allows none', () => {
    expect(parseMapView('layers=sites,bogus').overlays).toEqual(['sites']);
    expect(parseMapView('layers=').overlays).toEqual([]);
  });
});
