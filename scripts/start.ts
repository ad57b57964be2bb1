// `npm start`: database, migrations, the default dataset (once), the client
// build, then the server; prints the URL and the demo accounts.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bringUpDatabase } from './lib/database';
import { runMigrations } from './lib/migrations';
import { buildClient } from './lib/client-build';
import { isDatasetLoaded, loadDataset } from './lib/dataset/load';
import { DEMO_ACCOUNTS } from './lib/dataset/demo-accounts';
import { consoleProgress, step } from './lib/progress';
import { SetupError, ensureAptPackages } from './lib/system';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = 5;

async function main() {
  let done = step(1, TOTAL, 'PostgreSQL + PostGIS');
  const url = await bringUpDatabase({ database: 'registry', url: process.env.DATABASE_URL, projectRoot: root });
  done();

  done = step(2, TOTAL, 'database migrations');
  const applied = await runMigrations(url);
  console.log(`  ${applied === 0 ? 'schema up to date' : `applied ${applied} migration(s)`}`);
  done();

  done = step(3, TOTAL, 'default dataset');
  if (await isDatasetLoaded(url)) console.log('  already loaded (npm run data:load -- --reset reloads it)');
  else await loadDataset(url, { onProgress: consoleProgress() });
  done();

  // A Unicode TTF for the Vietnamese decision letters in PDF; without it the
  // printable HTML letter still works, so a failure here only warns.
  try {
    ensureAptPackages(['fonts-dejavu-core'], 'PDF decision letters');
  } catch (error) {
    console.log(`  note: ${(error as Error).message}`);
  }

  done = step(4, TOTAL, 'client build');
  buildClient(root);
  done();

  step(5, TOTAL, 'server');
  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST ?? '127.0.0.1';
  const server = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'server', 'src', 'server.ts')], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url, PORT: port, HOST: host, CLIENT_DIST: join(root, 'client', 'dist') },
  });
  const forward = (signal: NodeJS.Signals) => server.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  server.on('exit', (code) => process.exit(code ?? 0));

  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const accounts = DEMO_ACCOUNTS;
  console.log(`\n  ✓ Registry running at ${base}/  (API docs ${base}/docs, OGC API ${base}/ogc)`);
  if (accounts.length) {
    console.log('  Demo accounts (synthetic demo data only):');
    for (const a of accounts) console.log(`    ${a.username.padEnd(10)} ${a.role.padEnd(8)} ${(a.carrier ?? '').padEnd(9)} password: ${a.password}`);
  }
  console.log('  Press Ctrl+C to stop.\n');
}

main().catch((error: unknown) => {
  if (error instanceof SetupError) console.error(`✗ ${error.message}`);
  else console.error(error);
  process.exit(1);
});
