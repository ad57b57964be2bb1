import { describe, expect, it } from 'vitest';
import { changedEntries, diffJson, formatDiffValue, jsonEqual } from './json-diff';

describe('diffJson', () => {
  it('names the changed, added and removed fields of an update', () => {
    const before = { code: 'S1', heightM: 30, address: 'Thôn 1', status: 'planned' };
    const after = { code: 'S1', heightM: 36, status: 'planned', name: 'Trạm 1' };
    expect(diffJson(before, after)).toEqual([
      { path: 'code', kind: 'unchanged', before: 'S1', after: 'S1' },
      { path: 'heightM', kind: 'changed', before: 30, after: 36 },
      { path: 'address', kind: 'removed', before: 'Thôn 1', after: undefined },
      { path: 'status', kind: 'unchanged', before: 'planned', after: 'planned' },
      { path: 'name', kind: 'added', before: undefined, after: 'Trạm 1' },
    ]);
  });

  it('treats a create (before null) as all fields added and a delete (after null) as all removed', () => {
    expect(diffJson(null, { a: 1, b: { c: 2 } }).map((e) => [e.path, e.kind])).toEqual([
      ['a', 'added'],
      ['b.c', 'added'],
    ]);
    expect(diffJson({ a: 1 }, null)).toEqual([{ path: 'a', kind: 'removed', before: 1, after: undefined }]);
  });

  it('walks nested objects and arrays into dotted paths', () => {
    const before = { sectors: [{ technology: '4G', bandMhz: 1800 }], owner: { code: 'VTL' } };
    const after = { sectors: [{ technology: '4G', bandMhz: 2100 }, { technology: '5G', bandMhz: 3500 }], owner: { code: 'VTL' } };
    expect(changedEntries(diffJson(before, after))).toEqual([
      { path: 'sectors.0.bandMhz', kind: 'changed', before: 1800, after: 2100 },
      { path: 'sectors.1.technology', kind: 'added', before: undefined, after: '5G' },
      { path: 'sectors.1.bandMhz', kind: 'added', before: undefined, after: 3500 },
    ]);
  });

  it('compares a GeoJSON geometry as one field', () => {
    const before = { geometry: { type: 'Point', coordinates: [106.2, 21.3] } };
    const moved = { geometry: { type: 'Point', coordinates: [106.21, 21.3] } };
    expect(diffJson(before, moved)).toEqual([{ path: 'geometry', kind: 'changed', before: before.geometry, after: moved.geometry }]);
    expect(diffJson(before, { geometry: { coordinates: [106.2, 21.3], type: 'Point' } })[0]!.kind).toBe('unchanged');
  });

  it('reports a type change (scalar to object, object to array) as one changed field', () => {
    expect(diffJson({ a: 1 }, { a: { b: 1 } })).toEqual([{ path: 'a', kind: 'changed', before: 1, after: { b: 1 } }]);
    expect(diffJson({ a: {} }, { a: [] })).toEqual([{ path: 'a', kind: 'changed', before: {}, after: [] }]);
  });

  it('distinguishes null from absent and from zero', () => {
    expect(diffJson({ a: null, b: 0 }, { a: 0, b: null }).map((e) => e.kind)).toEqual(['changed', 'changed']);
    expect(diffJson({ a: null }, {})[0]!.kind).toBe('removed');
  });

  it('diffs top-level scalars at path ""', () => {
    expect(diffJson(1, 2)).toEqual([{ path: '', kind: 'changed', before: 1, after: 2 }]);
    expect(diffJson(null, null)).toEqual([]);
  });
});

describe('jsonEqual', () => {
  it('ignores key order, not array order', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});

describe('formatDiffValue', () => {
  it('shortens geometries and long values', () => {
    expect(formatDiffValue({ type: 'Point', coordinates: [106.2, 21.3] })).toBe('Point (106.200000, 21.300000)');
    expect(formatDiffValue(null)).toBe('∅');
    expect(formatDiffValue('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(formatDiffValue({ a: 1 })).toBe('{"a":1}');
  });
});
