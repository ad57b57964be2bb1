// Applies the checked-in drizzle-kit migrations; applying twice is a no-op.
import { fileURLToPath } from 'node:url';
import { runMigrations } from './lib/migrations';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: run `npm start` (which brings the database up) or set DATABASE_URL.');
    process.exit(1);
  }
  const applied = await runMigrations(url);
  console.log(applied === 0 ? 'database schema is up to date' : `applied ${applied} migration(s)`);
}
