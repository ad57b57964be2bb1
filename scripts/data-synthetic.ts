// National-scale synthetic database for benchmarks:
//
//   npm run data:synthetic -- --scale 30 [--database registry_data_national] [--province <dir>] [--seed <n>]
//
// Writes a SEPARATE database (never the one `npm start` uses; DATABASE_URL is
// ignored unless --url is given): the province is loaded once, then
// (scale − 1) translated copies of its plan-era structure (communes, districts,
// villages moved side by side on a grid) each get a fresh synthetic inventory
// from their own seed, streamed to COPY copy by copy (one transaction each),
// so memory stays bounded at about one province. Secondary indexes and
// foreign keys of the inventory tables are built once, after the last copy.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bringUpDatabase } from './lib/database';
import { CARRIERS } from './lib/dataset/carriers';
import { bboxOf, parseWkbMultiPolygon } from './lib/dataset/geo';
import { dropDeferrable, restoreDeferred } from './lib/dataset/bulk';
import { COPY_TABLES, DEFAULT_PROVINCE_DIR, loadDataset } from './lib/dataset/load';
import { readProvince } from './lib/dataset/province-format';
import { generateInventory, type AreaClass, type CommuneModel, type DistrictModel, type IdCounters, type VillageModel } from './lib/dataset/synthetic';
import { runMigrations } from './lib/migrations';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const ID_TABLES = ['admin_units', 'villages', 'locations', 'sites', 'site_tenancies', 'sectors', 'fibre_routes', 'access_points', 'poles', 'manholes', 'conduits', 'trenches', 'occupancies', 'zones', 'kpi_observations'];

function parseArgs(argv: string[]) {
  const out = { scale: 30, database: 'registry_data_national', provinceDir: DEFAULT_PROVINCE_DIR, seed: undefined as number | undefined, url: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--scale') out.scale = Number(argv[++i]);
    else if (a === '--database') out.database = argv[++i] ?? '';
    else if (a === '--province') out.provinceDir = resolve(argv[++i] ?? '');
    else if (a === '--seed') out.seed = Number(argv[++i]);
    else if (a === '--url') out.url = argv[++i];
    else throw new Error(`unknown option ${a} (expected --scale <n>, --database <name>, --province <dir>, --seed <n>, --url <postgres url>)`);
  }
  if (!Number.isInteger(out.scale) || out.scale < 1 || out.scale > 200) throw new Error('--scale must be an integer from 1 to 200');
  if (!/^[a-z_][a-z0-9_]*$/.test(out.database)) throw new Error('--database must be a plain lower-case database name');
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const t = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
  const url = await bringUpDatabase({ database: args.database, url: args.url, projectRoot: root, fresh: true });
  await runMigrations(url);
  const province = readProvince(args.provinceDir);
  const seed = args.seed ?? province.config.seed;
  const client = new pg.Client({ connectionString: url, application_name: 'registry-data-synthetic' });
  await client.connect();
  let indexesDropped = false;
  try {
    // The inventory tables take their rows without secondary indexes and
    // foreign keys, which are built once at the end (bulk.ts): per-row index
    // and key upkeep was three quarters of the database's work.
    await client.query('SET synchronous_commit = off');
    const deferred = await dropDeferrable(client, COPY_TABLES);
    indexesDropped = true;
    console.log(`▶ ${t()}  copy 1/${args.scale}: the province itself (${deferred.length} indexes and keys deferred to the end)`);
    await loadDataset(url, { provinceDir: args.provinceDir, seed, skipCoverage: true });
    const plan = province.config.planScheme;
    const extent = await client.query<{ w: number; h: number }>(
      `SELECT ST_XMax(e) - ST_XMin(e) AS w, ST_YMax(e) - ST_YMin(e) AS h FROM (SELECT ST_Extent(boundary)::geometry AS e FROM admin_units WHERE valid_from = $1) s`,
      [plan.validFrom],
    );
    const { w, h } = extent.rows[0]!;
    const columns = Math.ceil(Math.sqrt(args.scale));
    const carrierIds = new Map((await client.query<{ code: string; id: number }>(`SELECT code, id FROM carriers`)).rows.map((r) => [r.code, r.id]));
    for (const c of CARRIERS) if (!carrierIds.has(c.code)) throw new Error(`carrier ${c.code} missing`);
    for (let k = 1; k < args.scale; k++) {
      const dx = (k % columns) * (w + 0.05);
      const dy = -Math.floor(k / columns) * (h + 0.05);
      const prefix = `S${String(k).padStart(3, '0')}-`;
      await client.query('BEGIN');
      const ids: IdCounters = {};
      for (const table of ID_TABLES) ids[table] = (await client.query<{ m: number }>(`SELECT coalesce(max(id), 0)::int AS m FROM ${table}`)).rows[0]!.m;
      // Translated copy of the plan-era units (ids offset by the current maximum) and their villages.
      const offset = ids.admin_units!;
      await client.query(
        `INSERT INTO admin_units (id, code, name, unit_type, level, parent_id, boundary, population, population_year, households, area_class, valid_from, valid_to, source, synthetic, synthetic_method)
         SELECT id + $1, $2 || code, name || ' (bản sao ' || $3 || ')', unit_type, level, parent_id + $1, ST_Translate(boundary, $4, $5), population, population_year, households, area_class, valid_from, valid_to,
                'Translated copy of ' || code || ' for national-scale benchmarks', true, 'translate-copy-v1 copy=' || $3
           FROM admin_units WHERE valid_from = $6 AND NOT synthetic ORDER BY id`,
        [offset, prefix, k, dx, dy, plan.validFrom],
      );
      const vOffset = ids.villages!;
      await client.query(
        `INSERT INTO villages (id, code, name, commune_id, boundary, population, households, area_class, mountainous, synthetic, synthetic_method)
         SELECT v.id + $1, $2 || v.code, v.name, v.commune_id + $3, ST_Translate(v.boundary, $4, $5), v.population, v.households, v.area_class, v.mountainous, true, 'translate-copy-v1 copy=' || $6
           FROM villages v WHERE v.code NOT LIKE 'S%' ORDER BY v.id`,
        [vOffset, prefix, offset, dx, dy, k],
      );
      const model = await readModel(client, prefix, province.config.mountainousDistricts.map((d) => d.code), province.config.industrialCommunes.map((c) => c.code));
      ids.admin_units = Math.max(ids.admin_units!, ...model.communes.map((c) => c.id));
      ids.villages = Math.max(ids.villages!, ...model.villages.map((v) => v.id));
      let last = 0;
      const summary = await generateInventory(
        { seed: seed + k, config: province.config, communes: model.communes, villages: model.villages, carrierIds, ids, codePrefix: prefix, observations: true },
        {
          client,
          onRows: (table, n) => {
            if (table === 'locations' && n - last >= 200_000) {
              last = n;
              console.log(`  ${t()}  copy ${k + 1}: ${table} ${n.toLocaleString('en-US')}`);
            }
          },
        },
      );
      await client.query('COMMIT');
      console.log(`▶ ${t()}  copy ${k + 1}/${args.scale}: ${summary.locations!.toLocaleString('en-US')} locations, ${summary.sites!.toLocaleString('en-US')} sites, ${summary.sectors!.toLocaleString('en-US')} sectors`);
    }
    console.log(`▶ ${t()}  indexes and keys: ${deferred.length}, on two connections`);
    const second = new pg.Client({ connectionString: url, application_name: 'registry-data-synthetic' });
    await second.connect();
    try {
      for (const c of [client, second]) await c.query(`SET maintenance_work_mem = '512MB'`);
      await restoreDeferred([client, second], deferred, (d, seconds) => {
        if (seconds >= 5) console.log(`  ${t()}  ${d.kind} ${d.name} (${seconds.toFixed(0)} s)`);
      });
    } finally {
      await second.end();
    }
    indexesDropped = false;
    for (const table of ID_TABLES) await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
    console.log(`▶ ${t()}  analysing`);
    // The visibility map too: a coverage edit reads locations by an index-only scan (migration 0012).
    await client.query('VACUUM (ANALYZE) locations');
    await client.query('ANALYZE');
    const totals = await client.query<{ t: string; n: number }>(
      `SELECT 'locations' AS t, count(*)::int AS n FROM locations UNION ALL SELECT 'sites', count(*)::int FROM sites UNION ALL SELECT 'sectors', count(*)::int FROM sectors UNION ALL SELECT 'villages', count(*)::int FROM villages`,
    );
    const size = await client.query<{ s: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`);
    console.log(`✓ ${t()}  ${args.database}: ${totals.rows.map((r) => `${r.t} ${r.n.toLocaleString('en-US')}`).join(', ')}; ${size.rows[0]!.s}`);
    console.log(`  coverage was not computed (run the coverage engine against ${args.database} when a benchmark needs it)`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (indexesDropped) console.error(`${args.database} is incomplete and lacks its secondary indexes and foreign keys: run the command again (it starts from a fresh database).`);
    throw error;
  } finally {
    await client.end();
  }
}

async function readModel(client: pg.ClientBase, prefix: string, mountainousCodes: string[], industrialCodes: string[]) {
  const units = await client.query<{ id: number; code: string; name: string; unit_type: string; level: string; parent_id: number | null; population: number; households: number; km2: number }>(
    `SELECT id, code, name, unit_type, level, parent_id, population, households, ST_Area(boundary::geography) / 1e6 AS km2 FROM admin_units WHERE code LIKE $1 || '%' ORDER BY id`,
    [prefix],
  );
  const byId = new Map(units.rows.map((u) => [u.id, u]));
  const districts = new Map<number, DistrictModel>();
  const strip = (code: string) => code.slice(prefix.length);
  const communes: CommuneModel[] = [];
  const villageRows = await client.query<{ id: number; code: string; name: string; commune_id: number; population: number; households: number; area_class: AreaClass; ewkb: string; area_m2: number; x: number; y: number }>(
    `SELECT id, code, name, commune_id, population, households, area_class, encode(ST_AsEWKB(boundary), 'hex') AS ewkb, ST_Area(boundary::geography) AS area_m2, ST_X(p) AS x, ST_Y(p) AS y
       FROM (SELECT *, ST_PointOnSurface(boundary) AS p FROM villages WHERE code LIKE $1 || '%') v ORDER BY id`,
    [prefix],
  );
  const communeIds = new Set(villageRows.rows.map((v) => v.commune_id));
  for (const u of units.rows) {
    if (!communeIds.has(u.id)) continue;
    const parent = u.parent_id ? byId.get(u.parent_id) : undefined;
    const did = parent?.id ?? u.id;
    if (!districts.has(did)) districts.set(did, { id: did, code: parent?.code ?? u.code, name: parent?.name ?? u.name });
    communes.push({
      id: u.id,
      code: u.code,
      name: u.name,
      unitType: u.unit_type,
      district: districts.get(did)!,
      population: u.population,
      households: u.households,
      areaKm2: u.km2,
      mountainous: mountainousCodes.includes(strip(u.code)) || (parent !== undefined && mountainousCodes.includes(strip(parent.code))),
      industrial: industrialCodes.includes(strip(u.code)),
    });
  }
  const communeById = new Map(communes.map((c) => [c.id, c]));
  const villages: VillageModel[] = villageRows.rows.map((r) => {
    const geom = parseWkbMultiPolygon(Buffer.from(r.ewkb, 'hex'));
    return {
      id: r.id,
      code: r.code,
      seq: Number(r.code.split('-').pop()),
      name: r.name,
      commune: communeById.get(r.commune_id)!,
      geom,
      ewkbHex: r.ewkb,
      bbox: bboxOf(geom),
      inside: [r.x, r.y],
      areaM2: r.area_m2,
      population: r.population,
      households: r.households,
      areaClass: r.area_class,
    };
  });
  return { communes, villages };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
