// Loads a road network so that FTTH drop distances are measured along roads
// (server/src/modules/coverage/coverage.roads.ts), then recomputes coverage.
//
//   npm run data:roads -- <roads.geojson> [--replace] [--source <text>] [--licence <text>]
//
// The file: a GeoJSON FeatureCollection (EPSG:4326) of LineString and
// MultiLineString features; other geometry types are skipped and counted.
// Per feature, `class` (else `highway`, `fclass`, `type`), `name`, `source`
// and `licence` (or `license`) properties are kept; a missing source or
// licence comes from the collection's own `source` / `licence` members, then
// the flags, then the file name. GeoPackage: convert first
// (ogr2ogr -f GeoJSON roads.geojson roads.gpkg). Without --replace the roads
// are added to those already loaded.
//
// One transaction: the roads written, the network rebuilt from every loaded
// road (noded at crossings), ftth.road_network set to 1 (0 when no road is
// left); then a full coverage recompute, as `npm run coverage:recompute`.
// DATABASE_URL names the database; without it the project's local database
// is brought up as `npm start` does.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bringUpDatabase } from './lib/database';
import { runMigrations } from './lib/migrations';
import { recomputeWithProgress } from './coverage-recompute';
import { pgRunner, selectMetricSrid } from '../server/src/modules/coverage/coverage.queries';
import { loadRoadFile, type RoadLoadOptions } from '../server/src/modules/coverage/coverage.roads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function parseRoadArgs(argv: string[]): { file: string } & RoadLoadOptions {
  let file: string | undefined;
  const out: RoadLoadOptions = { replace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--replace') out.replace = true;
    else if (a === '--source') out.source = argv[++i];
    else if (a === '--licence' || a === '--license') out.licence = argv[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (expected --replace, --source <text>, --licence <text>)`);
    else if (file === undefined) file = a;
    else throw new Error(`one file at a time (got ${file} and ${a})`);
  }
  if (file === undefined) throw new Error('usage: npm run data:roads -- <roads.geojson> [--replace] [--source <text>] [--licence <text>]');
  if (!/\.(geo)?json$/i.test(file)) throw new Error(`${file}: expected a GeoJSON file (.geojson or .json); convert a GeoPackage with ogr2ogr -f GeoJSON`);
  return { file: resolve(file), ...out };
}

async function main() {
  const args = parseRoadArgs(process.argv.slice(2));
  const text = readFileSync(args.file, 'utf8');
  const url = await bringUpDatabase({ database: 'registry', url: process.env.DATABASE_URL, projectRoot: root });
  await runMigrations(url);
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'registry-data-roads' });
  const started = Date.now();
  const at = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const db = pgRunner(client);
      const srid = await selectMetricSrid(db);
      const summary = await loadRoadFile(db, text, srid, { ...args, source: args.source ?? basename(args.file) }, (message) => console.log(`  ${at()}  ${message}`));
      await client.query('COMMIT');
      console.log(
        `✓ roads: ${summary.inserted.toLocaleString('en-US')} written, ${summary.skipped.toLocaleString('en-US')} skipped${summary.replaced ? ` (${summary.replaced.toLocaleString('en-US')} replaced)` : ''}; ` +
          `network ${summary.vertices.toLocaleString('en-US')} vertices, ${summary.edges.toLocaleString('en-US')} edges (EPSG:${srid}); ftth.road_network = ${summary.edges > 0 ? 1 : 0}`,
      );
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    console.log('▶ recomputing coverage');
    await recomputeWithProgress(pool, started);
    console.log(`✓ done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await pool.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
