import { describe, expect, it } from 'vitest';
import { kpiRowsFromCsv, parseCsv } from './parse-csv';

const messages = { missingColumn: (n: string) => `missing ${n}`, unknownUnit: (c: string) => `unknown ${c}`, notNumber: 'not a number' };

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n1,2\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['1', '2']]);
  });
  it('takes semicolons when the header has more of them', () => {
    expect(parseCsv('a;b\n1,5;2')).toEqual([['a', 'b'], ['1,5', '2']]);
  });
  it('skips blank lines', () => {
    expect(parseCsv('a\n\n1\n')).toEqual([['a'], ['1']]);
  });
});

describe('kpiRowsFromCsv', () => {
  const units = new Map([['213', 2], ['24', 1]]);
  it('resolves unit codes and decimal commas', () => {
    const { rows, problems } = kpiRowsFromCsv('indicatorCode;adminUnitCode;period;value;source\nx;213;2024;85,5;Báo cáo\n', units, messages);
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ indicatorCode: 'x', adminUnitId: 2, period: '2024', value: 85.5, source: 'Báo cáo' }]);
  });
  it('names the row and field of an unknown unit and of a value that is not a number', () => {
    const { problems } = kpiRowsFromCsv('indicatorCode,adminUnitCode,period,value\nx,213,2024,1\nx,999,2024,abc\n', units, messages);
    expect(problems).toEqual([
      { row: 1, path: 'adminUnitCode', message: 'unknown 999' },
      { row: 1, path: 'value', message: 'not a number' },
    ]);
  });
  it('names a missing column', () => {
    expect(kpiRowsFromCsv('indicatorCode,period\n', units, messages).problems.map((p) => p.path)).toEqual(['value', 'adminUnitCode']);
  });
});
