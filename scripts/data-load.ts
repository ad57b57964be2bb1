// Loads the default province (data/province/) or another province folder and
// generates its synthetic inventory, in one transaction.
//
//   npm run data:load [-- --reset] [--province <dir>] [--seed <n>] [--household-size <x>]
//
// DATABASE_URL names the database; without it the project's local database is
// brought up as `npm start` does.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bringUpDatabase } from './lib/database';
import { loadDataset } from './lib/dataset/load';
import { DEMO_ACCOUNTS } from './lib/dataset/demo-accounts';
import { runMigrations } from './lib/migrations';
import { consoleProgress } from './lib/progress';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function parseLoadArgs(argv: string[]) {
  const out: { reset: boolean; provinceDir?: string; seed?: number; householdSize?: number; skipCoverage?: boolean } = { reset: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reset') out.reset = true;
    else if (a === '--province') out.provinceDir = resolve(argv[++i] ?? '');
    else if (a === '--seed') out.seed = Number(argv[++i]);
    else if (a === '--skip-coverage') out.skipCoverage = true;
    else if (a === '--household-size') out.householdSize = Number(argv[++i]);
    else throw new Error(`unknown option ${a} (expected --reset, --province <dir>, --seed <n>, --household-size <x>, --skip-coverage)`);
  }
  if (out.seed !== undefined && !Number.isInteger(out.seed)) throw new Error('--seed must be an integer');
  if (out.householdSize !== undefined && !(out.householdSize > 0)) throw new Error('--household-size must be a positive number');
  return out;
}

async function main() {
  const args = parseLoadArgs(process.argv.slice(2));
  const url = await bringUpDatabase({ database: 'registry', url: process.env.DATABASE_URL, projectRoot: root });
  await runMigrations(url);
  const summary = await loadDataset(url, { ...args, onProgress: consoleProgress() });
  if (!summary.loaded) {
    console.log(`Nothing loaded: ${summary.reason}.`);
    return;
  }
  console.log(`✓ loaded "${summary.province}" (synthetic demo data, seed ${summary.seed}) in ${summary.seconds?.toFixed(1)} s; coverage: ${summary.coverage}`);
  console.log(Object.entries(summary.rows).map(([k, v]) => `  ${k}: ${v.toLocaleString('en-US')}`).join('\n'));
  console.log(`  checksum of the synthetic rows: ${summary.checksum}`);
  console.log(`Demo accounts (password for all: ${DEMO_ACCOUNTS[0]!.password}): ${DEMO_ACCOUNTS.map((a) => `${a.username} (${a.role}${a.carrier ? ` ${a.carrier}` : ''})`).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
