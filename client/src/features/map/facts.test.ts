import { describe, expect, it } from 'vitest';
import { contributorText, describeValue, factEntries, fieldKey, freeCapacityEntries, inViewDetail, valueKey } from './facts';
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

describe("the keyboard list's distinguishing line", () => {
  const vi = (key: Parameters<typeof translate>[1]) => translate('vi', key);
  it('gives two sites of one name their own code and owner', () => {
    const a = inViewDetail({ code: 'VTL-0001', owner: 'VTL', owner_name: 'Viettel', name: 'Trạm Thôn 9', structure_type: 'monopole' }, 'Trạm Thôn 9', vi);
    const b = inViewDetail({ code: 'VNP-0420', owner: 'VNP', owner_name: 'VNPT', name: 'Trạm Thôn 9' }, 'Trạm Thôn 9', vi);
    expect(a).toBe('VTL-0001 · Viettel');
    expect(b).toBe('VNP-0420 · VNPT');
  });
  it("names a route's kind in the language, a sector's site and technology, and a village's commune", () => {
    expect(inViewDetail({ code: 'R-7', owner: 'VTL', kind: 'backbone' }, 'Tuyến 7', vi)).toBe('R-7 · VTL · Trục');
    expect(inViewDetail({ code: 'C1', site_code: 'S1', carrier: 'MBF', technology: '4G' }, 'C1', vi)).toBe('S1 · MBF · 4G');
    expect(inViewDetail({ code: '0412301', name: 'Thôn 1', commune: 'Xã Tân Mỹ' }, 'Thôn 1', vi)).toBe('0412301 · Xã Tân Mỹ');
  });
  it('keeps an unknown kind as it is and says nothing when the tile has nothing', () => {
    expect(inViewDetail({ code: 'Z1', kind: 'no_build' }, 'Vùng cấm', vi)).toBe('Z1 · no_build');
    expect(inViewDetail({}, null, vi)).toBe('');
  });
});
