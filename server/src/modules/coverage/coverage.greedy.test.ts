import { describe, expect, it } from 'vitest';
import { greedyMaxCoverage } from './coverage.greedy';

describe('greedyMaxCoverage', () => {
  it('picks by marginal gain, not by set size', () => {
    // Elements 0..5, weight 1. A = {0,1,2,3}, B = {0,1,2}, C = {4,5}.
    // Greedy: A (4), then C (2; B would add 0) → 6 = optimum.
    const sets = [[0, 1, 2, 3], [0, 1, 2], [4, 5]];
    const picks = greedyMaxCoverage(sets, [1, 1, 1, 1, 1, 1], new Uint8Array(6), 2);
    expect(picks).toEqual([
      { candidate: 0, gain: 4 },
      { candidate: 2, gain: 2 },
    ]);
  });

  it('respects weights and elements already covered', () => {
    const covered = new Uint8Array([1, 0, 0]);
    const picks = greedyMaxCoverage([[0], [1], [2]], [100, 5, 7], covered, 3);
    expect(picks.map((p) => p.candidate)).toEqual([2, 1]);
  });

  it('the classic worst case stays within 1 − 1/e of the optimum', () => {
    // Optimum with k = 2: {0,1,2,3} and {4,5,6,7} = 8. A trap set {0,1,4,5,8}
    // of 5 draws the first pick; greedy still reaches ≥ 0.632 · 8.
    const sets = [[0, 1, 2, 3], [4, 5, 6, 7], [0, 1, 4, 5, 8]];
    const picks = greedyMaxCoverage(sets, Array(9).fill(1), new Uint8Array(9), 2);
    const total = picks.reduce((s, p) => s + p.gain, 0);
    expect(picks[0]!.candidate).toBe(2);
    expect(total).toBeGreaterThanOrEqual((1 - 1 / Math.E) * 8);
  });

  it('stops below the minimum gain', () => {
    expect(greedyMaxCoverage([[0], [1]], [10, 1], new Uint8Array(2), 5, 5)).toEqual([{ candidate: 0, gain: 10 }]);
  });
});
