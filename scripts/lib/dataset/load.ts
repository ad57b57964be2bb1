// Loads a province (real boundaries from a province folder) and generates its
// synthetic inventory, all inside one transaction: a failure leaves the
// database exactly as it was. Used by `npm run data:load`, `npm start` and
// `npm test`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { hashPassword } from '../../../server/src/modules/auth/password';
import { CARRIERS } from './carriers';
import { dropDeferrable, restoreDeferred } from './bulk';
import { copyRows, type CopyTarget } from './copy';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { bboxOf, parseWkbMultiPolygon } from './geo';
import { apportion, Rng } from './prng';
import { readProvince, type Province } from './province-format';
import { loadProvinceRoads } from './roads';
import { GENERATOR_VERSION, generateInventory, villageAreaClass, type CommuneModel, type DistrictModel, type IdCounters, type VillageModel } from './synthetic';

export const DEFAULT_PROVINCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'data', 'province');
const COVERAGE_MODULE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'server', 'src', 'modules', 'coverage', 'coverage.recompute.ts');

/** Tables the dataset owns; emptied by --reset (users are deleted, not truncated: config tables point at them). */
export const DATASET_TABLES = [
  'village_coverage', 'coverage_runs', 'permit_check_results', 'permit_attachments', 'permit_revisions', 'co_use_requests', 'permit_applications',
  'occupancies', 'access_points', 'poles', 'manholes', 'conduits', 'trenches', 'fibre_routes', 'sectors', 'site_tenancies', 'sites',
  'locations', 'villages', 'zones', 'kpi_observations', 'kpi_targets', 'kpi_indicators', 'admin_unit_mappings', 'admin_units', 'admin_levels',
  'import_jobs', 'change_log', 'change_log_items', 'sessions', 'api_tokens',
] as const;

/** Tables filled by COPY: built without their secondary indexes and keys, which follow the rows. */
export const COPY_TABLES = [
  'villages', 'locations', 'sites', 'site_tenancies', 'sectors', 'fibre_routes', 'access_points', 'poles', 'manholes', 'conduits', 'trenches',
  'occupancies', 'zones', 'kpi_observations',
] as const;

export interface LoadProgress {
  phase: string;
  /** Rows written so far in this phase, when counting. */
  rows?: number;
}

export interface LoadOptions {
  reset?: boolean;
  provinceDir?: string;
  seed?: number;
  householdSize?: number;
  onProgress?: (p: LoadProgress) => void;
  /** Skip the coverage computation even when the engine exists (tests). */
  skipCoverage?: boolean;
}

export interface LoadSummary {
  loaded: boolean;
  /** Why nothing was done, when loaded is false. */
  reason?: string;
  province?: string;
  seed?: number;
  rows: Record<string, number>;
  /** SHA-256 of every generated COPY stream: the same seed gives the same value. */
  checksum?: string;
  seconds?: number;
  coverage?: 'computed' | 'skipped: engine not present' | 'skipped';
}

/** True when a dataset (or any administrative unit) is already in the database. */
export async function isDatasetLoaded(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await hasData(client);
  } finally {
    await client.end();
  }
}

async function hasData(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ n: boolean }>(`SELECT EXISTS (SELECT 1 FROM admin_units) OR EXISTS (SELECT 1 FROM settings WHERE key = 'dataset') AS n`);
  return r.rows[0]!.n;
}

/** UTM zone EPSG code (WGS 84) for a longitude/latitude. */
export function utmEpsg(lon: number, lat: number): number {
  const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
  return (lat >= 0 ? 32600 : 32700) + zone;
}

export async function loadDataset(url: string, options: LoadOptions = {}): Promise<LoadSummary> {
  const started = Date.now();
  const province = readProvince(options.provinceDir ?? DEFAULT_PROVINCE_DIR);
  const seed = options.seed ?? province.config.seed;
  const householdSize = options.householdSize ?? province.config.householdSize;
  const progress = options.onProgress ?? (() => undefined);
  const client = new pg.Client({ connectionString: url, application_name: 'registry-data-load' });
  await client.connect();
  const rows: Record<string, number> = {};
  let checksum: string;
  try {
    if (!options.reset && (await hasData(client))) {
      return { loaded: false, reason: 'the database already holds a dataset (use --reset to reload it)', rows };
    }
    await client.query('BEGIN');
    try {
      if (options.reset) {
        progress({ phase: 'emptying the dataset tables' });
        await emptyDatasetTables(client);
        await client.query(`DELETE FROM settings WHERE key IN ('dataset', 'metric_srid')`);
      }
      // Rows first, indexes and keys after: see bulk.ts (the rebuild happens
      // in this transaction, so a failure rolls it back with the rows).
      await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      await client.query('SET LOCAL synchronous_commit = off');
      const deferred = await dropDeferrable(client, COPY_TABLES);
      const hash = createHash('sha256');
      const target: CopyTarget = { client, hash, onRows: (table, n) => progress({ phase: `writing ${table}`, rows: n }) };
      const ids: IdCounters = {};
      const result = await loadAll(client, target, province, seed, householdSize, ids, progress);
      Object.assign(rows, result.rows);
      checksum = hash.digest('hex');

      progress({ phase: 'demo accounts' });
      const carrierIds = result.carrierIds;
      for (const a of DEMO_ACCOUNTS) {
        await client.query(`INSERT INTO users (username, display_name, password_hash, role, carrier_id, demo) VALUES ($1, $2, $3, $4, $5, true)`, [
          a.username,
          a.displayName,
          await hashPassword(a.password),
          a.role,
          a.carrier ? carrierIds.get(a.carrier) : null,
        ]);
      }
      rows.users = DEMO_ACCOUNTS.length;

      const dataset = {
        name: province.config.name,
        province: province.config.provinceName,
        synthetic: true,
        label: 'synthetic demo data',
        seed,
        householdSize,
        populationScale: province.config.populationScale,
        generatorVersion: GENERATOR_VERSION,
        methods: {
          villages: `voronoi-v1 seed=${seed}: ST_GeneratePoints(commune, n, seed) → ST_VoronoiPolygons → ST_Intersection with the commune; n = population ÷ ${province.config.villages.personsPerVillage} clamped to ${province.config.villages.min}–${province.config.villages.max}`,
          locations: `households-clustered-v1 seed=${seed}: households = population ÷ ${householdSize} per commune, split over villages and settlement clusters, Gaussian around cluster centres, kept inside the village`,
          sites: `sites-greedy-density-v1 seed=${seed}: per carrier, greedy cover of settlement clusters by household count with rough ranges (urban 0.5 km, suburban 1.0 km, rural 1.45 km); some small upland hamlets left unserved; sharing by chance near existing structures`,
          fibre: `fibre-tree-v1 seed=${seed}: backbone ring between district centres, distribution to commune centres, access to villages; ODPs every ≈250 m of settlement; aerial on poles in rural areas, conduit with manholes in the provincial city`,
          zones: `zones-v1 seed=${seed}: synthetic no-build, height-limit, underground-required and planned-tower zones`,
          observations: `kpi-observations-v1 seed=${seed}: reported indicators per district for 2023 and 2024, plausible levels below the plan's 2025 targets`,
        },
        attribution: province.config.attribution,
        checksum,
        rows,
        loadedAt: new Date().toISOString(),
      };
      await client.query(`INSERT INTO settings (key, value) VALUES ('dataset', $1), ('metric_srid', $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, [
        JSON.stringify(dataset),
        JSON.stringify(result.metricSrid),
      ]);
      progress({ phase: 'indexes and keys' });
      await restoreDeferred([client], deferred);
      const roads = await loadProvinceRoads(client, province.dir, result.metricSrid, !!options.reset, (phase) => progress({ phase }));
      if (roads > 0) rows.roads = roads;
      // Identity sequences continue after the explicit ids written by COPY.
      for (const table of ['admin_units', 'admin_unit_mappings', 'villages', 'locations', 'carriers', 'sites', 'site_tenancies', 'sectors', 'fibre_routes', 'access_points', 'poles', 'manholes', 'conduits', 'trenches', 'occupancies', 'zones', 'kpi_targets', 'kpi_observations']) {
        await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
      }
      progress({ phase: 'committing' });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    progress({ phase: 'analysing tables' });
    // The visibility map too: a coverage edit reads locations by an index-only scan (migration 0012).
    await client.query('VACUUM (ANALYZE) locations');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }

  let coverage: LoadSummary['coverage'] = 'skipped';
  if (!options.skipCoverage) coverage = await runCoverage(url, progress);
  return { loaded: true, province: province.config.name, seed, rows, checksum, seconds: (Date.now() - started) / 1000, coverage };
}

/**
 * Empties the dataset: TRUNCATE the dataset tables and every table that
 * references them (found in the catalogue, so tables added later by other
 * modules are included), then DELETE the users and carriers, which
 * configuration tables (coverage parameters…) point at with ON DELETE SET NULL.
 */
async function emptyDatasetTables(client: pg.ClientBase): Promise<void> {
  const refs = await client.query<{ child: string; parent: string }>(
    `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
  );
  const keep = new Set(['users', 'carriers', 'settings', 'coverage_parameters', 'permit_rules']);
  const tables = new Set<string>(DATASET_TABLES);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of refs.rows) {
      if (tables.has(r.parent) && !tables.has(r.child) && !keep.has(r.child)) {
        tables.add(r.child);
        grew = true;
      }
    }
  }
  await client.query(`TRUNCATE ${[...tables].sort().join(', ')} RESTART IDENTITY`);
  await client.query('DELETE FROM users');
  await client.query('DELETE FROM carriers');
}

interface CoverageModule {
  recomputeFullCoverage: (pool: pg.Pool, options?: { onProgress?: (done: number, total: number) => void }) => Promise<void>;
}

async function runCoverage(url: string, progress: (p: LoadProgress) => void): Promise<LoadSummary['coverage']> {
  if (!existsSync(COVERAGE_MODULE)) return 'skipped: engine not present';
  const mod = (await import(pathToFileURL(COVERAGE_MODULE).href)) as CoverageModule;
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'registry-coverage' });
  try {
    progress({ phase: 'computing coverage' });
    await mod.recomputeFullCoverage(pool, { onProgress: (done) => progress({ phase: 'computing coverage', rows: done }) });
  } finally {
    await pool.end();
  }
  return 'computed';
}

interface LoadResult {
  rows: Record<string, number>;
  carrierIds: Map<string, number>;
  metricSrid: number;
}

async function loadAll(
  client: pg.ClientBase,
  target: CopyTarget,
  province: Province,
  seed: number,
  householdSize: number,
  ids: IdCounters,
  progress: (p: LoadProgress) => void,
): Promise<LoadResult> {
  const { config } = province;
  const rows: Record<string, number> = {};

  // ── Levels and administrative units (real) ────────────────────────────────
  progress({ phase: 'administrative units' });
  for (const l of config.levels) {
    await client.query(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ($1, $2, $3, $4)`, [l.code, l.nameVi, l.nameEn, l.rank]);
  }
  const rank = new Map(config.levels.map((l) => [l.code, l.rank]));
  const features = [...province.units.features].sort(
    (a, b) => a.properties.validFrom.localeCompare(b.properties.validFrom) || rank.get(a.properties.level)! - rank.get(b.properties.level)! || a.properties.code.localeCompare(b.properties.code),
  );
  const unitId = new Map<string, number>();
  const key = (code: string, validFrom: string) => `${code}@${validFrom}`;
  features.forEach((f) => unitId.set(key(f.properties.code, f.properties.validFrom), nextUnitId(ids)));
  const plan = config.planScheme;
  const planCommunes = features.filter((f) => f.properties.validFrom === plan.validFrom && f.properties.level === plan.communeLevel);
  // Population (optionally scaled to a newer total) and households per plan-era commune.
  const basePop = planCommunes.map((f) => f.properties.population ?? 0);
  const baseTotal = basePop.reduce((a, b) => a + b, 0);
  const pops = config.populationScale ? apportion(config.populationScale.total, basePop) : basePop;
  const households = pops.map((p) => Math.round(p / householdSize));
  const hhByCode = new Map(planCommunes.map((f, i) => [f.properties.code, households[i]!]));
  const popByCode = new Map(planCommunes.map((f, i) => [f.properties.code, pops[i]!]));
  // One statement per kind of row, not one per unit: the rows and their ids are the same.
  const unitRows = features.map((f) => {
    const p = f.properties;
    const isPlanCommune = p.validFrom === plan.validFrom && p.level === plan.communeLevel;
    return {
      id: unitId.get(key(p.code, p.validFrom))!,
      code: p.code,
      name: p.name,
      unit_type: p.unitType,
      level: p.level,
      parent_id: p.parentCode ? unitId.get(key(p.parentCode, p.validFrom)) ?? null : null,
      geometry: JSON.stringify(f.geometry),
      population: p.population,
      population_year: p.populationYear,
      households: isPlanCommune ? hhByCode.get(p.code) : null,
      valid_from: p.validFrom,
      valid_to: p.validTo,
      source: isPlanCommune ? `${p.source}; households estimated = population ÷ ${householdSize}` : p.source,
    };
  });
  const inserted = await client.query<{ id: number; km2: number }>(
    `INSERT INTO admin_units (id, code, name, unit_type, level, parent_id, boundary, population, population_year, households, valid_from, valid_to, source)
     SELECT id, code, name, unit_type, level, parent_id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)), population, population_year, households, valid_from, valid_to, source
       FROM jsonb_to_recordset($1::jsonb) AS u(id int, code text, name text, unit_type text, level text, parent_id int, geometry text, population int, population_year int, households int, valid_from date, valid_to date, source text)
      ORDER BY id
     RETURNING id, ST_Area(boundary::geography) / 1e6 AS km2`,
    [JSON.stringify(unitRows)],
  );
  const km2ById = new Map(inserted.rows.map((r) => [r.id, r.km2]));
  const areaKm2 = new Map<string, number>();
  for (const f of features) areaKm2.set(key(f.properties.code, f.properties.validFrom), km2ById.get(unitId.get(key(f.properties.code, f.properties.validFrom))!)!);
  // Commune area class (for the radio model where no village class applies), and roll households up the plan scheme.
  const classes = planCommunes.map((f) => {
    const p = f.properties;
    const density = (popByCode.get(p.code) ?? 0) / Math.max(areaKm2.get(key(p.code, p.validFrom))!, 0.01);
    return [unitId.get(key(p.code, p.validFrom))!, villageAreaClass(config, p.unitType, density)] as const;
  });
  await client.query(`UPDATE admin_units a SET area_class = c.area_class FROM unnest($1::int[], $2::text[]) AS c(id, area_class) WHERE a.id = c.id`, [
    classes.map((c) => c[0]),
    classes.map((c) => c[1]),
  ]);
  await client.query(
    `WITH RECURSIVE up AS (
       SELECT parent_id AS id, households FROM admin_units WHERE valid_from = $1 AND level = $2 AND parent_id IS NOT NULL
       UNION ALL
       SELECT a.parent_id, up.households FROM up JOIN admin_units a ON a.id = up.id WHERE a.parent_id IS NOT NULL)
     UPDATE admin_units a SET households = s.h FROM (SELECT id, sum(households)::int AS h FROM up GROUP BY id) s WHERE s.id = a.id`,
    [plan.validFrom, plan.communeLevel],
  );
  rows.admin_units = features.length;
  // Mapping ids follow the file's order, as they did row by row.
  await client.query(
    `INSERT INTO admin_unit_mappings (from_unit_id, to_unit_id, share, method, suspect, note, source)
     SELECT from_unit_id, to_unit_id, share, method, suspect, note, source
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (from_unit_id int, to_unit_id int, share real, method text, suspect boolean, note text, source text))
            WITH ORDINALITY AS m(from_unit_id, to_unit_id, share, method, suspect, note, source, ord)
      ORDER BY ord`,
    [
      JSON.stringify(
        province.mappings.map((m) => ({
          from_unit_id: unitId.get(key(m.fromCode, m.fromValidFrom)),
          to_unit_id: unitId.get(key(m.toCode, m.toValidFrom)),
          share: m.share,
          method: m.method,
          suspect: m.suspect,
          note: m.note,
          source: m.source,
        })),
      ),
    ],
  );
  rows.admin_unit_mappings = province.mappings.length;

  const centroid = await client.query<{ x: number; y: number }>(
    `SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid(ST_Collect(boundary)) AS c FROM admin_units WHERE valid_from = $1 AND level = $2) s`,
    [plan.validFrom, plan.communeLevel],
  );
  const metricSrid = utmEpsg(centroid.rows[0]!.x, centroid.rows[0]!.y);

  // ── Carriers ───────────────────────────────────────────────────────────────
  const carrierIds = new Map<string, number>();
  rows.carriers = await copyRows(
    target,
    'carriers',
    ['id', 'code', 'name', 'legal_name', 'licence_kinds', 'mobile_network_codes', 'website', 'colour'],
    CARRIERS.map((c, i) => {
      carrierIds.set(c.code, i + 1);
      return [i + 1, c.code, c.name, c.legalName, c.licenceKinds, c.mobileNetworkCodes, c.website, c.colour];
    }),
  );
  ids.carriers = CARRIERS.length;

  // ── Villages: clipped Voronoi cells of seeded points, per commune ─────────
  progress({ phase: 'villages (Voronoi cells)' });
  const mountainous = new Set(config.mountainousDistricts.map((d) => d.code));
  const industrial = new Set(config.industrialCommunes.map((c) => c.code));
  const districts = new Map<number, DistrictModel>();
  const communes: CommuneModel[] = planCommunes.map((f) => {
    const p = f.properties;
    const parent = p.parentCode ? features.find((g) => g.properties.code === p.parentCode && g.properties.validFrom === p.validFrom) : undefined;
    const parentKey = parent ? key(parent.properties.code, parent.properties.validFrom) : key(p.code, p.validFrom);
    const did = unitId.get(parentKey)!;
    if (!districts.has(did)) districts.set(did, { id: did, code: parent?.properties.code ?? p.code, name: parent?.properties.name ?? p.name });
    return {
      id: unitId.get(key(p.code, p.validFrom))!,
      code: p.code,
      name: p.name,
      unitType: p.unitType,
      district: districts.get(did)!,
      population: popByCode.get(p.code)!,
      households: hhByCode.get(p.code)!,
      areaKm2: areaKm2.get(key(p.code, p.validFrom))!,
      mountainous: mountainous.has(p.code) || (p.parentCode !== null && mountainous.has(p.parentCode)),
      industrial: industrial.has(p.code),
    };
  });
  const vc = config.villages;
  const nVillages = communes.map((c) => Math.max(vc.min, Math.min(vc.max, Math.round(c.population / vc.personsPerVillage))));
  const cells = await client.query<{ commune_id: number; seq: number; ewkb: string; area_m2: number; x: number; y: number }>(
    `WITH params AS (SELECT * FROM unnest($1::int[], $2::int[], $3::int[]) AS p(commune_id, n, seed)),
     pts AS (SELECT a.id AS commune_id, a.boundary, ST_GeneratePoints(a.boundary, p.n, p.seed) AS mp FROM admin_units a JOIN params p ON p.commune_id = a.id),
     cells AS (SELECT commune_id, boundary, (ST_Dump(ST_VoronoiPolygons(mp, 0, ST_Expand(ST_Envelope(boundary), 0.05)))).geom AS cell FROM pts),
     clipped AS (SELECT commune_id, ST_Multi(ST_CollectionExtract(ST_Intersection(cell, boundary), 3)) AS geom FROM cells),
     kept AS (SELECT commune_id, geom, ST_PointOnSurface(geom) AS pos FROM clipped WHERE NOT ST_IsEmpty(geom))
     SELECT commune_id, row_number() OVER (PARTITION BY commune_id ORDER BY ST_Y(pos) DESC, ST_X(pos), ST_AsEWKB(geom))::int AS seq,
            encode(ST_AsEWKB(geom), 'hex') AS ewkb, ST_Area(geom::geography) AS area_m2, ST_X(pos) AS x, ST_Y(pos) AS y
       FROM kept ORDER BY commune_id, seq`,
    [communes.map((c) => c.id), nVillages, communes.map((_, i) => ((seed * 7919 + i * 104729) % 2147483629) + 1)],
  );
  const rngPop = new Rng(seed, 0);
  const villages: VillageModel[] = [];
  const byCommune = new Map<number, typeof cells.rows>();
  for (const r of cells.rows) byCommune.set(r.commune_id, [...(byCommune.get(r.commune_id) ?? []), r]);
  for (const c of communes) {
    const list = byCommune.get(c.id) ?? [];
    if (!list.length) throw new Error(`commune ${c.code}: no village could be generated`);
    const urbanNamed = vc.urbanTypes.includes(c.unitType);
    const weights = list.map((r) => Math.sqrt(r.area_m2) * Math.exp((urbanNamed ? 0.2 : 0.35) * rngPop.normal()));
    const vPop = apportion(c.population, weights, 1);
    const vHh = apportion(c.households, vPop.map((p) => Math.max(p, 1)), 1);
    list.forEach((r, i) => {
      const geom = parseWkbMultiPolygon(Buffer.from(r.ewkb, 'hex'));
      const density = vPop[i]! / Math.max(r.area_m2 / 1e6, 0.01);
      villages.push({
        id: nextUnitIdFor(ids, 'villages'),
        code: `${c.code}-${String(r.seq).padStart(3, '0')}`,
        seq: r.seq,
        name: `${urbanNamed ? vc.urbanName : vc.ruralName} ${r.seq}`,
        commune: c,
        geom,
        ewkbHex: r.ewkb,
        bbox: bboxOf(geom),
        inside: [r.x, r.y],
        areaM2: r.area_m2,
        population: vPop[i]!,
        households: vHh[i]!,
        areaClass: villageAreaClass(config, c.unitType, density),
      });
    });
  }
  const vMethod = `voronoi-v1 seed=${seed}`;
  rows.villages = await copyRows(
    target,
    'villages',
    ['id', 'code', 'name', 'commune_id', 'boundary', 'population', 'households', 'area_class', 'mountainous', 'synthetic', 'synthetic_method'],
    villages.map((v) => [v.id, v.code, v.name, v.commune.id, v.ewkbHex, v.population, v.households, v.areaClass, v.commune.mountainous, true, vMethod]),
  );

  // ── The plan's indicators and targets (real) ──────────────────────────────
  for (const [i, ind] of config.kpi.indicators.entries()) {
    // The computed indicators also come with the migrations (any province has
    // them); the dataset's rows carry the plan's own wording and section.
    await client.query(
      `INSERT INTO kpi_indicators (code, name_vi, name_en, kind, unit, max_value, source, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (code) DO UPDATE SET name_vi = EXCLUDED.name_vi, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind, unit = EXCLUDED.unit,
         max_value = EXCLUDED.max_value, source = EXCLUDED.source, sort_order = EXCLUDED.sort_order`,
      [
      ind.code, ind.nameVi, ind.nameEn, ind.kind, ind.unit, ind.maxValue, ind.source, i + 1,
    ]);
  }
  rows.kpi_indicators = config.kpi.indicators.length;
  for (const t of config.kpi.targets) {
    await client.query(`INSERT INTO kpi_targets (indicator_code, admin_unit_id, year, target_value, threshold_share, source) VALUES ($1, NULL, $2, $3, $4, $5)`, [
      t.indicatorCode, t.year, t.targetValue, t.thresholdShare, t.source,
    ]);
  }
  rows.kpi_targets = config.kpi.targets.length;
  // ── Synthetic inventory ───────────────────────────────────────────────────
  progress({ phase: 'households, sites, fibre, zones' });
  const generated = await generateInventory({ seed, config, communes, villages, carrierIds, ids, codePrefix: '', observations: true }, target);
  Object.assign(rows, generated);

  void baseTotal;
  return { rows, carrierIds, metricSrid };
}

function nextUnitId(ids: IdCounters): number {
  return nextUnitIdFor(ids, 'admin_units');
}

function nextUnitIdFor(ids: IdCounters, table: string): number {
  ids[table] = (ids[table] ?? 0) + 1;
  return ids[table]!;
}
