// Greedy maximum coverage over weighted elements (households) and candidate
// sets (placements): repeatedly pick the candidate that adds the most
// not-yet-covered weight. For k picks it reaches at least 1 − (1 − 1/k)^k >
// 1 − 1/e ≈ 63.2 % of the best possible k-subset (Nemhauser, Wolsey & Fisher,
// "An analysis of approximations for maximizing submodular set functions",
// Math. Programming 14, 1978), and no polynomial algorithm does better unless
// P = NP (Feige, "A threshold of ln n for approximating set cover", J. ACM 45,
// 1998). Lazy evaluation (marginal gains only shrink) keeps it fast.

export interface GreedyPick {
  candidate: number;
  gain: number;
}

/**
 * @param sets     for each candidate, the indices of the elements it covers
 * @param weights  weight of each element
 * @param covered  elements already covered (updated in place)
 * @param maxPicks at most this many picks
 * @param minGain  stop when the best marginal gain falls below this
 */
export function greedyMaxCoverage(sets: readonly (readonly number[])[], weights: readonly number[], covered: Uint8Array, maxPicks: number, minGain = 1): GreedyPick[] {
  const gainOf = (c: number) => {
    let g = 0;
    for (const e of sets[c]!) if (!covered[e]) g += weights[e]!;
    return g;
  };
  // Upper bounds of each candidate's gain, refreshed lazily.
  const bound = sets.map((_, c) => gainOf(c));
  const alive = new Set(sets.map((_, c) => c));
  const picks: GreedyPick[] = [];
  while (picks.length < maxPicks && alive.size > 0) {
    let best = -1;
    let bestGain = -1;
    // Candidates in descending order of bound; the first whose fresh gain is
    // at least the next bound is the true maximum.
    const order = [...alive].sort((a, b) => bound[b]! - bound[a]! || a - b);
    for (let i = 0; i < order.length; i++) {
      const c = order[i]!;
      if (bound[c]! <= bestGain) break;
      const g = gainOf(c);
      bound[c] = g;
      if (g > bestGain || (g === bestGain && c < best)) {
        best = c;
        bestGain = g;
      }
    }
    if (best < 0 || bestGain < minGain) break;
    for (const e of sets[best]!) covered[e] = 1;
    alive.delete(best);
    picks.push({ candidate: best, gain: bestGain });
  }
  return picks;
}
