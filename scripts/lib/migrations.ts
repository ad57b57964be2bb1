import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { createDatabase } from '../../server/src/db/client';

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

/** Applies pending migrations; returns how many were applied. */
export async function runMigrations(url: string): Promise<number> {
  const database = createDatabase(url, { max: 1, applicationName: 'registry-migrate' });
  try {
    const count = async () => {
      const t = await database.pool.query(`SELECT to_regclass('drizzle.__drizzle_migrations') AS t`);
      if (!t.rows[0]?.t) return 0;
      const r = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      return r.rows[0]?.n ?? 0;
    };
    const before = await count();
    await database.pool.query('SET client_min_messages = warning');
    await migrate(database.db, { migrationsFolder });
    return (await count()) - before;
  } finally {
    await database.close();
  }
}
