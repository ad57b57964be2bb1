// What the benchmark scripts share: seeded random numbers (runs are comparable),
// the quantile their medians and tails are read with, the load average printed
// beside each figure (2 shared cores: figures are compared under similar load)
// and where pgbench is.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile of xs (the element at ⌊q·n⌋ of the sorted values; NaN for none). */
export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** The 1-, 5- and 15-minute load averages, e.g. `1.52 0.98 0.73`. */
export const loadAverage = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** pgbench: PGBENCH, else PostgreSQL 15's, else the one on PATH. */
export const pgbenchPath = (): string =>
  process.env.PGBENCH ?? (existsSync('/usr/lib/postgresql/15/bin/pgbench') ? '/usr/lib/postgresql/15/bin/pgbench' : 'pgbench');
