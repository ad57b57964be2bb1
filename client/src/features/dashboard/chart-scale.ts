// Axis arithmetic for the dashboard's SVG charts: pure, so it is tested
// without a browser. "Nice" numbers after Heckbert, "Nice numbers for graph
// labels", Graphics Gems (1990): steps of 1, 2, 2.5 or 5 × 10^k.

/** The smallest nice number ≥ value (1, 2, 2.5, 5 × 10^k); 1 for values ≤ 0. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * base;
    if (candidate >= value - base * 1e-9) return Number(candidate.toPrecision(12));
  }
  return 10 * base;
}

/** The axis maximum for some values and an optional target: a nice number above both, with 5 % headroom. */
export function axisMax(values: readonly (number | null)[], target: number | null, cap: number | null = null): number {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(0, ...finite, target ?? 0);
  // A bounded scale (a percentage) ends at its bound when everything fits under it.
  if (cap !== null && top <= cap && top > 0) return cap;
  return niceCeil(top * 1.05);
}

/** count + 1 evenly spaced ticks from 0 to max. */
export function ticks(max: number, count = 5): number[] {
  return Array.from({ length: count + 1 }, (_, i) => Number(((max * i) / count).toPrecision(12)));
}

/** Periods in time order: 2023 < 2024-H1 < 2024-Q1 < 2024-01 … by first month, then by length (longest first). */
export function sortPeriods(periods: Iterable<string>): string[] {
  const key = (p: string): [number, number, number] => {
    const m = /^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$/.exec(p);
    if (!m) return [9999, 99, 0];
    const year = Number(m[1]);
    const part = m[2];
    if (!part) return [year, 1, 0];
    if (part.startsWith('H')) return [year, part === 'H1' ? 1 : 7, 1];
    if (part.startsWith('Q')) return [year, (Number(part[1]) - 1) * 3 + 1, 2];
    return [year, Number(part), 3];
  };
  return [...new Set(periods)].sort((a, b) => {
    const [ya, ma, la] = key(a);
    const [yb, mb, lb] = key(b);
    return ya - yb || ma - mb || la - lb || a.localeCompare(b);
  });
}
