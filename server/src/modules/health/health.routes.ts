import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type pg from 'pg';

const Health = z.object({
  status: z.enum(['ok', 'unhealthy']),
  database: z.object({ ok: z.boolean(), message: z.string() }),
  postgis: z.object({ ok: z.boolean(), version: z.string().nullable(), message: z.string() }),
});

/** Checks the database and PostGIS; a failure says what is wrong, in one line. */
export async function checkHealth(pool: pg.Pool): Promise<z.infer<typeof Health>> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    const message = `database unreachable (${(error as Error).message || (error as { code?: string }).code}); check DATABASE_URL and that PostgreSQL is running`;
    return { status: 'unhealthy', database: { ok: false, message }, postgis: { ok: false, version: null, message: 'not checked' } };
  }
  try {
    const r = await client.query<{ v: string | null }>(
      `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS v`,
    );
    const version = r.rows[0]?.v ?? null;
    if (!version) {
      return {
        status: 'unhealthy',
        database: { ok: true, message: 'connected' },
        postgis: { ok: false, version: null, message: 'PostGIS extension missing: run CREATE EXTENSION postgis (npm start does it)' },
      };
    }
    await client.query('SELECT ST_AsText(ST_Point(0, 0))');
    return { status: 'ok', database: { ok: true, message: 'connected' }, postgis: { ok: true, version, message: 'ok' } };
  } catch (error) {
    return { status: 'unhealthy', database: { ok: true, message: 'connected' }, postgis: { ok: false, version: null, message: (error as Error).message } };
  } finally {
    client.release();
  }
}

export default async function healthRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Database and PostGIS health', response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const health = await checkHealth(app.database.pool);
      reply.status(health.status === 'ok' ? 200 : 503);
      return health;
    },
  );
}
