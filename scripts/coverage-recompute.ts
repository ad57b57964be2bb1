// Recomputes every sector footprint and all village coverage (after a
// parameter change or an import), beside the live results, swapped in at
// commit.
//
//   npm run coverage:recompute
//
// DATABASE_URL names the database; without it the project's local database is
// brought up as `npm start` does.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bringUpDatabase } from './lib/database';
import { runMigrations } from './lib/migrations';
import { recomputeFullCoverage } from '../server/src/modules/coverage/coverage.recompute';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A full recompute printing each phase and, at most once a second, the villages done (also run by data:roads). */
export async function recomputeWithProgress(pool: pg.Pool, started = Date.now()): Promise<void> {
  let lastPrint = 0;
  await recomputeFullCoverage(pool, {
    onPhase: (phase, seconds) => process.stdout.write(`  ✓ ${phase} (${seconds.toFixed(1)} s)\n`),
    onProgress: (done, total) => {
      const now = Date.now();
      if (now - lastPrint < 1000 && done < total) return;
      lastPrint = now;
      const pct = total ? Math.round((100 * done) / total) : 100;
      process.stdout.write(`  ${((now - started) / 1000).toFixed(1).padStart(6)} s  villages ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${pct}%)\n`);
    },
  });
}

async function main() {
  const url = await bringUpDatabase({ database: 'registry', url: process.env.DATABASE_URL, projectRoot: root });
  await runMigrations(url);
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'registry-coverage-recompute' });
  const started = Date.now();
  try {
    const counts = await pool.query<{ villages: number; sectors: number; locations: number }>(
      `SELECT (SELECT count(*) FROM villages)::int AS villages, (SELECT count(*) FROM sectors)::int AS sectors, (SELECT count(*) FROM locations)::int AS locations`,
    );
    const c = counts.rows[0]!;
    if (c.villages === 0) {
      console.log('No villages in this database: load a dataset first (npm run data:load).');
      return;
    }
    console.log(`▶ recomputing coverage: ${c.villages.toLocaleString('en-US')} villages, ${c.sectors.toLocaleString('en-US')} sectors, ${c.locations.toLocaleString('en-US')} locations`);
    await recomputeWithProgress(pool, started);
    const run = await pool.query<{ id: number; parameters_hash: string }>(`SELECT id, parameters_hash FROM coverage_runs WHERE kind = 'full' ORDER BY id DESC LIMIT 1`);
    console.log(`✓ coverage recomputed in ${((Date.now() - started) / 1000).toFixed(1)} s (run ${run.rows[0]?.id}, parameters ${run.rows[0]?.parameters_hash})`);
  } finally {
    await pool.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
