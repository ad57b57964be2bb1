import { describe, expect, it } from 'vitest';
import { describeValue, factEntries, fieldKey, freeCapacityEntries, valueKey } from './facts';

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
