import { describe, expect, it } from 'vitest';
import { checkObservationValue, indicatorMaxValue, periodRange } from '@registry/shared/schemas/kpi';
import { columnName, neutraliseFormula, toCsv } from './kpi.export';

describe('periodRange', () => {
  it.each([
    ['2024', '2024-01-01', '2024-12-31'],
    ['2024-H1', '2024-01-01', '2024-06-30'],
    ['2024-H2', '2024-07-01', '2024-12-31'],
    ['2024-Q1', '2024-01-01', '2024-03-31'],
    ['2023-Q4', '2023-10-01', '2023-12-31'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2023-02', '2023-02-01', '2023-02-28'],
    ['2025-11', '2025-11-01', '2025-11-30'],
  ])('%s is %s … %s', (period, start, end) => {
    expect(periodRange(period)).toEqual({ start, end });
  });
  it.each(['24', '2024-Q5', '2024-13', '2024-H3', '1999', '2024/01', ' 2024'])('refuses %j', (period) => {
    expect(periodRange(period)).toBeNull();
  });
});

describe('checkObservationValue', () => {
  const pct = { unit: '%', maxValue: null };
  const per100 = { unit: 'per 100 people', maxValue: null };
  it('caps percentages at 100 and names the field', () => {
    expect(checkObservationValue(pct, 100)).toEqual({ valid: true });
    const r = checkObservationValue(pct, 100.01);
    expect(r).toMatchObject({ valid: false, path: 'value', reason: 'too_big', max: 100 });
    if (!r.valid) expect(r.message.vi).toContain('(value)');
  });
  it('refuses negatives and non-numbers; leaves per-100 and speeds unbounded', () => {
    expect(checkObservationValue(per100, -0.1)).toMatchObject({ valid: false, reason: 'too_small' });
    expect(checkObservationValue(per100, Number.NaN)).toMatchObject({ valid: false });
    expect(checkObservationValue(per100, 140)).toEqual({ valid: true });
  });
  it('takes the smaller of 100 and maxValue for a percentage', () => {
    expect(indicatorMaxValue({ unit: '%', maxValue: 80 })).toBe(80);
    expect(indicatorMaxValue({ unit: 'Mb/s', maxValue: null })).toBeNull();
    expect(indicatorMaxValue({ unit: 'Mb/s', maxValue: 1000 })).toBe(1000);
  });
});

describe('exports', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['Huyện Yên Thế', 'Huyện Yên Thế'],
  ])('neutralises %j', (input, output) => {
    expect(neutraliseFormula(input)).toBe(output);
  });
  it('quotes CSV cells and leaves numbers, including negatives, as numbers', () => {
    expect(toCsv(['a', 'b'], [['x,"y"', -3], [null, true]])).toBe('\uFEFFa,b\r\n"x,""y""",-3\r\n,true\r\n');
  });
  it('names columns A1-style', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
