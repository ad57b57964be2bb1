// `npm test`: the same set-up as `npm start` against a separate, fresh test
// database, the tools the tests drive (Chromium, GDAL, PROJ), then typecheck,
// lint and every test.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bringUpDatabase } from './lib/database';
import { runMigrations } from './lib/migrations';
import { buildClient } from './lib/client-build';
import { loadDataset } from './lib/dataset/load';
import { consoleProgress, step } from './lib/progress';
import { SetupError, ensureAptPackages } from './lib/system';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = 7;
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function run(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) throw new SetupError(`${what} failed (exit ${r.status ?? r.signal}).`);
}

async function main() {
  let done = step(1, TOTAL, 'test tools (Chromium, GDAL, PROJ)');
  ensureAptPackages(['chromium', 'gdal-bin', 'proj-bin', 'fonts-dejavu-core'], 'the end-to-end, OGC and VN-2000 tests');
  done();

  // Two fresh databases: an empty one where server tests build hand-made
  // fixtures (and full recomputes stay small), and one holding the default
  // dataset for the end-to-end tests, which must meet the real province.
  done = step(2, TOTAL, 'PostgreSQL + PostGIS (fresh test databases)');
  const url = await bringUpDatabase({ database: 'registry_test', url: process.env.TEST_DATABASE_URL, projectRoot: root, fresh: true });
  await runMigrations(url);
  const e2eUrl = process.env.TEST_DATABASE_URL && !process.env.E2E_DATABASE_URL
    ? null // one explicit database: it gets the dataset too (server tests then run beside it, slower)
    : await bringUpDatabase({ database: 'registry_e2e', url: process.env.E2E_DATABASE_URL, projectRoot: root, fresh: true });
  if (e2eUrl) await runMigrations(e2eUrl);
  done();

  done = step(3, TOTAL, 'default dataset into the end-to-end database');
  await loadDataset(e2eUrl ?? url, { onProgress: consoleProgress() });
  done();

  done = step(4, TOTAL, 'client build');
  buildClient(root);
  done();

  done = step(5, TOTAL, 'typecheck');
  run('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  done();

  done = step(6, TOTAL, 'lint');
  run('lint', bin('eslint'), ['.', '--max-warnings', '0']);
  done();

  step(7, TOTAL, 'tests');
  run('tests', bin('vitest'), ['run', ...process.argv.slice(2)], {
    ...process.env,
    TEST_DATABASE_URL: url,
    ...(e2eUrl ? { E2E_DATABASE_URL: e2eUrl } : {}),
    CI: process.env.CI ?? 'true',
  });
}

main().catch((error: unknown) => {
  if (error instanceof SetupError) console.error(`✗ ${error.message}`);
  else console.error(error);
  process.exit(1);
});
