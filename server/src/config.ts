import { z } from 'zod';

// Configuration is parsed once from the environment and fails fast with a
// message naming the variable.
const ConfigSchema = z.object({
  DATABASE_URL: z.string().url({ message: 'must be a postgres:// connection string' }),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted JSON body, bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  /** Largest accepted upload (imports, attachments), bytes. */
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  /** Most rows in one import file: past it the upload is refused (413) before it is read to the end. */
  IMPORT_MAX_ROWS: z.coerce.number().int().positive().default(1_000_000),
  /** Largest import file, bytes (refused with 413 as it streams); UPLOAD_LIMIT_BYTES when unset. */
  IMPORT_MAX_BYTES: z.coerce.number().int().positive().optional(),
  /** Geometries may lie this far outside the loaded province, metres. */
  PROVINCE_MARGIN_M: z.coerce.number().nonnegative().default(5_000),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Cookies get the Secure flag (set when served over HTTPS). */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  /** Built client to serve at / (empty: none). */
  CLIENT_DIST: z.string().default(''),
  /** Where permit attachments are stored. */
  STORAGE_DIR: z.string().default('var/storage'),
  /** Optional external basemap style URL for the client; off by default. */
  BASEMAP_STYLE_URL: z.string().default(''),
  TILE_CACHE_BYTES: z.coerce.number().int().nonnegative().default(64 * 1024 * 1024),
  /** Tile statements (cache misses) running at once; the rest wait their turn (tiles.service tileTurns). 0: the CPU count + 1. */
  TILE_QUERY_SLOTS: z.coerce.number().int().nonnegative().default(0),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, string>> = {}): Config {
  const parsed = ConfigSchema.safeParse({ ...env, ...overrides });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return parsed.data;
}
