import { describe, expect, it } from 'vitest';
import { contributorText, describeValue, factEntries, fieldKey, freeCapacityEntries, valueKey } from './facts';
import { translate } from '../../i18n/i18n';

describe('feature facts', () => {
  it('keeps scalar fields and drops geometry, nested lists and empties', () => {
    expect(factEntries({ id: 1, code: 'S1', geometry: { type: 'Point' }, tenancies: [], heightM: 30, ownerCarrierId: 3, name: '', note: null })).toEqual([
      ['code', 'S1'],
      ['heightM', 30],
    ]);
  });
  it('finds free capacity once, whether from tiles (snake_case) or the API (camelCase)', () => {
    expect(freeCapacityEntries({ free_capacity: 2, freeCapacity: 2, ports_free: 5, tenants: 1 })).toEqual([
      ['free_capacity', 2],
      ['ports_free', 5],
    ]);
  });
  it('names a field by its dictionary key, from either spelling', () => {
    expect(fieldKey('free_capacity')).toBe('field.freeCapacity');
    expect(fieldKey('heightM')).toBe('field.heightM');
  });
  it('names enumerated values by their dictionary key', () => {
    expect(valueKey('status', 'active')).toBe('assetStatus.active');
    expect(valueKey('structure_type', 'monopole')).toBe('structure.monopole');
    expect(valueKey('heightM', 30)).toBeNull();
  });
  it('formats values by locale', () => {
    expect(describeValue(1234.5, 'vi')).toBe('1.234,5');
    expect(describeValue(true, 'en')).toBe('yes');
    expect(describeValue('2024-03-01', 'en')).toBe('1 Mar 2024');
  });
});

describe('village contributors', () => {
  const vi = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('vi', key, params);
  const en = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);
  it('names a sector by its site and the households it reaches', () => {
    const sector = { kind: 'sector' as const, carrierCode: 'VTL', technology: '4G' as const, siteCode: 'BG-001', code: 'BG-001-A', unitsReached: 1234 };
    expect(contributorText(sector, vi)).toBe('VTL · 4G · BG-001 (sector) · 1.234 hộ trong vùng phủ');
    expect(contributorText(sector, en)).toBe('VTL · 4G · BG-001 (sector) · 1,234 households reached');
  });
  it('gives an FTTH access point no meaningless household count of 0', () => {
    const ap = { kind: 'access_point' as const, carrierCode: 'VNPT', technology: 'FTTH' as const, siteCode: null, code: 'ODP-17', unitsReached: 0 };
    expect(contributorText(ap, vi)).toBe('VNPT · FTTH · ODP-17 (điểm truy nhập)');
    expect(contributorText(ap, en)).toBe('VNPT · FTTH · ODP-17 (access point)');
  });
});
