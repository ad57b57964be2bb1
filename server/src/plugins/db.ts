import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createDatabase, type Database } from '../db/client';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
  }
}

/** One pool per app, closed on shutdown. An injected database is left open for its owner. */
export default fp<{ url: string; database?: Database }>(async function dbPlugin(app: FastifyInstance, options) {
  const database = options.database ?? createDatabase(options.url);
  app.decorate('database', database);
  if (!options.database) app.addHook('onClose', () => database.close());
});
