import type { TestProject } from 'vitest/node';
import { bringUpDatabase } from '../../scripts/lib/database';
import { runMigrations } from '../../scripts/lib/migrations';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// `npm test` prepares the test database and passes TEST_DATABASE_URL; a bare
// `vitest` run brings one up the same way.
export default async function setup(project: TestProject) {
  const url =
    process.env.TEST_DATABASE_URL ??
    (await bringUpDatabase({ database: 'registry_test', projectRoot: new URL('../..', import.meta.url).pathname }));
  await runMigrations(url);
  project.provide('databaseUrl', url);
}
