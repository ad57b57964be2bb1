import { describe, expect, it } from 'vitest';
import { axisMax, niceCeil, sortPeriods, ticks } from './chart-scale';

describe('chart scale', () => {
  it.each([
    [0, 1],
    [-3, 1],
    [0.7, 1],
    [1, 1],
    [1.2, 2],
    [2.2, 2.5],
    [3, 5],
    [7, 10],
    [95, 100],
    [105, 200],
    [126, 200],
    [240, 250],
  ])('niceCeil(%d) = %d', (value, nice) => expect(niceCeil(value)).toBe(nice));

  it('leaves room above the largest value and the target', () => {
    expect(axisMax([80, 91.5, null], 100)).toBe(200);
    expect(axisMax([30, 41], 45)).toBe(50);
    expect(axisMax([], null)).toBe(1);
    expect(axisMax([99.3, 100], 100, 100)).toBe(100);
    expect(axisMax([12], 20, 100)).toBe(100);
  });

  it('spaces ticks evenly', () => {
    expect(ticks(50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(ticks(2.5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  });

  it('orders periods in time', () => {
    expect(sortPeriods(['2024-Q3', '2023', '2024-02', '2024', '2024-H2', '2024-Q1', '2024'])).toEqual(['2023', '2024', '2024-Q1', '2024-02', '2024-H2', '2024-Q3']);
  });
});
