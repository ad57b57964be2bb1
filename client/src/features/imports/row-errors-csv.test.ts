import { describe, expect, it } from 'vitest';
import { csvField, rowErrorsCsv } from './row-errors-csv';

describe('rowErrorsCsv', () => {
  it('writes one line per error with a BOM and a header', () => {
    const csv = rowErrorsCsv([
      { row: 2, code: 'VT-1', action: 'skip', errors: [{ path: 'height_m', reason: 'too_small', message: 'Trường "height_m" quá nhỏ, tối thiểu 0,1' }, { path: 'structure_type', reason: 'invalid_value', message: 'bad, "x"' }] },
      { row: 3, code: null, action: 'create', errors: [] },
    ]);
    expect(csv.startsWith('\uFEFFrow,code,action,field,reason,message\r\n')).toBe(true);
    expect(csv.split('\r\n')).toEqual([
      '\uFEFFrow,code,action,field,reason,message',
      '2,VT-1,skip,height_m,too_small,"Trường ""height_m"" quá nhỏ, tối thiểu 0,1"',
      '2,VT-1,skip,structure_type,invalid_value,"bad, ""x"""',
      '',
    ]);
  });
});

describe('csvField', () => {
  it('quotes separators and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
});
