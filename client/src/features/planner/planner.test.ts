import { describe, expect, it } from 'vitest';
import { suggestionsToFeatures, technologyOfMode } from './below-target-panel';
import { coordinateText, whatIfRequest } from './what-if-panel';
import type { SuggestionsResult } from '../../api/types';

describe('what-if request', () => {
  it('sends evenly spread sectors, or none for one omni antenna', () => {
    const base = { lon: 106.2, lat: 21.3, heightM: 30, technology: '4G' as const, bandMhz: 1800, carrierId: null };
    expect(whatIfRequest({ ...base, sectors: 3 })).toEqual({
      geometry: { type: 'Point', coordinates: [106.2, 21.3] },
      heightM: 30,
      technology: '4G',
      bandMhz: 1800,
      sectors: [{ azimuthDeg: 0 }, { azimuthDeg: 120 }, { azimuthDeg: 240 }],
    });
    expect(whatIfRequest({ ...base, sectors: 1, carrierId: 4 })).toMatchObject({ sectors: [], carrierId: 4 });
  });
});

describe('candidate coordinates', () => {
  it('are shown with six decimals at most, without float noise or trailing zeros', () => {
    expect(coordinateText(106.19461783920341)).toBe('106.194618');
    expect(coordinateText(21.30000000000001)).toBe('21.3');
    expect(coordinateText(-0.0000004)).toBe('0');
    expect(coordinateText(105.1234565)).toBe('105.123457');
  });
});

describe('below-target helpers', () => {
  it('maps the map mode to the coverage technology', () => {
    expect(technologyOfMode('HH_FIBRE')).toBe('FTTH');
    expect(technologyOfMode('5G')).toBe('5G');
  });
  it('labels suggestions with their rank and the households they add', () => {
    const result = {
      picks: [{ rank: 1, kind: 'sharing', siteId: 7, siteCode: 'S7', spareTenantSlots: 1, geometry: { type: 'Point', coordinates: [106, 21] }, antennaHeightM: 30, rangeM: 2000, model: 'm', newlyCoveredUnits: 120, cumulativeUnits: 120 }],
    } as unknown as SuggestionsResult;
    expect(suggestionsToFeatures(result).features[0]).toEqual({
      type: 'Feature',
      id: 1,
      properties: { rank: 1, households: 120, kind: 'sharing', siteCode: 'S7' },
      geometry: { type: 'Point', coordinates: [106, 21] },
    });
  });
});
