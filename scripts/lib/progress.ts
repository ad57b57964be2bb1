// Progress lines for long operations: steps, counters and a final figure.
export function step(index: number, total: number, what: string): () => void {
  const started = Date.now();
  process.stdout.write(`▶ [${index}/${total}] ${what}…\n`);
  return () => process.stdout.write(`  ✓ ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

/** A counter that prints at most once a second (and always at the end). */
export function counter(label: string, total?: number) {
  let last = 0;
  let count = 0;
  const print = (final: boolean) => {
    const pct = total ? ` (${Math.min(100, Math.round((100 * count) / total))}%)` : '';
    process.stdout.write(`  ${label}: ${count.toLocaleString('en-US')}${total ? ` / ${total.toLocaleString('en-US')}` : ''}${pct}${final ? '' : ''}\n`);
  };
  return {
    add(n = 1) {
      count += n;
      const now = Date.now();
      if (now - last > 1000) {
        last = now;
        print(false);
      }
    },
    done() {
      print(true);
    },
    get value() {
      return count;
    },
  };
}

/** Prints a loader's progress: a line when a phase starts, a line per row count. */
export function consoleProgress(): (p: { phase: string; rows?: number }) => void {
  let last = '';
  const started = Date.now();
  return (p) => {
    const t = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
    if (p.rows === undefined) {
      if (p.phase !== last) process.stdout.write(`  ${t} s  ${p.phase}…\n`);
    } else process.stdout.write(`  ${t} s  ${p.phase}: ${p.rows.toLocaleString('en-US')} rows\n`);
    last = p.phase;
  };
}
