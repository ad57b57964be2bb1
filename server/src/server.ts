// Production entry point: parse config, build the app, listen, shut down
// gracefully on SIGINT/SIGTERM.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';

const here = dirname(fileURLToPath(import.meta.url));

async function main() {
  let config;
  try {
    config = loadConfig(process.env, { CLIENT_DIST: process.env.CLIENT_DIST ?? join(here, '..', '..', 'client', 'dist') });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Readable logs on a terminal, JSON lines everywhere else (files, journald, CI).
  const logger = process.stdout.isTTY
    ? { level: config.LOG_LEVEL, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
    : { level: config.LOG_LEVEL };
  const app = await buildApp({ config, logger });
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.PORT, host: config.HOST });
}

await main();
