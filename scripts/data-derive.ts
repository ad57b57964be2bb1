// Derives the project's default province (data/province/) from the reference
// data in ../shared/data/ (see data/README.md for sources and licences).
//
//   DATABASE_URL=postgres://… npm run data:derive [-- --source ../shared/data --out data/province]
//
// Geometry work is done in PostGIS (temporary tables only: nothing is written
// to the database). Every committed geometry comes from MIT-licensed layers:
// the plan-era communes from censusVN2009, cleaned into a coverage; districts
// and the province dissolved from them; the July-2025 communes from
// vietnamese-provinces-database (bando). Codes and names are GSO's.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseCsv } from './lib/dataset/csv';
import type { ProvinceConfig, UnitMapping, UnitProperties } from './lib/dataset/province-format';
import { step } from './lib/progress';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const PLAN_VALID_FROM = '2019-09-11'; // date of the GSO unit list the 230 codes come from
const PLAN_VALID_TO = '2025-06-30';
const NEW_VALID_FROM = '2025-07-01';
/** The three rows ../shared/data/README.md calls suspect. */
const README_SUSPECT = new Set(['07732', '07744', '07792']);

const SRC = {
  communes: 'Commune polygons and 2009 census population: censusVN2009 © 2017 Marc Choisy (MIT); codes and names: GSO unit list 2019-09-11',
  dissolved: 'Dissolved from the cleaned censusVN2009 commune polygons (MIT); codes and names: GSO unit list 2019-09-11',
  newUnits: '2025 commune polygons: ThangLeQuoc/vietnamese-provinces-database (MIT), from sapnhap.bando.com.vn; codes and names: dvhcvn/20250701 (MIT)',
  mapping: '2025 mapping: dvhcvn/20250701 (MIT), checked against the commune polygons',
};

interface Args {
  source: string;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { source: resolve(root, '..', 'shared', 'data'), out: join(root, 'data', 'province') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--source') args.source = resolve(argv[++i] ?? '');
    else if (argv[i] === '--out') args.out = resolve(argv[++i] ?? '');
  }
  return args;
}

interface CommuneFeature {
  type: 'Feature';
  properties: {
    commune_code: string | null;
    name: string;
    district_code: string;
    is_admin_unit: boolean;
    population_2009: number;
  };
  geometry: unknown;
}

interface NewCommuneFeature {
  type: 'Feature';
  properties: { new_commune_code: string; name: string; type: string; from_old_bac_giang: boolean };
  geometry: unknown;
}

export interface CleaningReport {
  sourceAreaKm2: number;
  overlapAreaKm2: number;
  overlapFaces: number;
  gapAreaKm2: number;
  gapFaces: number;
  nonAdminAreaKm2: number;
  provinceAreaKm2: number;
  pairwiseOverlapAfterM2: number;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: data:derive uses PostGIS (temporary tables only) for the geometry work.');
    process.exit(1);
  }
  const steps = 5;
  let done = step(1, steps, `reading ${args.source}`);
  const communes = JSON.parse(readFileSync(join(args.source, 'bg_communes_2009.geojson'), 'utf8')) as { features: CommuneFeature[] };
  const newCommunes = JSON.parse(readFileSync(join(args.source, 'bacninh2025_communes.geojson'), 'utf8')) as { features: NewCommuneFeature[] };
  const units2019 = parseCsv(readFileSync(join(args.source, 'bg_units_2019-09.csv'), 'utf8'));
  const mapping2025 = parseCsv(readFileSync(join(args.source, 'bg_mapping_2025-03_to_2025-07.csv'), 'utf8'));
  const population = parseCsv(readFileSync(join(args.source, 'bg_population_2009.csv'), 'utf8'));

  // The unit list is the authority for codes, names, types and parents.
  const unitByCode = new Map(units2019.map((u) => [u.commune_code!, u]));
  const admin = communes.features.filter((f) => f.properties.is_admin_unit);
  // Known source problem (found here, not in the reference README): four
  // "Thị trấn X" polygons were matched to the code of the neighbouring "Xã X".
  // Re-match them by their source name to the town's own GSO code.
  const corrections: string[] = [];
  for (const f of admin) {
    const p = f.properties as CommuneFeature['properties'] & { src_name?: string };
    const listed = unitByCode.get(p.commune_code ?? '');
    if (p.src_name?.startsWith('Thị trấn') && listed && listed.commune_type !== 'Thị trấn') {
      const town = units2019.find((u) => u.district_code === p.district_code && u.commune_name === p.src_name);
      if (!town) throw new Error(`${p.src_name}: no GSO code for this town`);
      corrections.push(`${p.src_name} (source id ${(p as { src_commune_id?: string }).src_commune_id}): ${p.commune_code} → ${town.commune_code}`);
      p.commune_code = town.commune_code!;
      p.name = town.commune_name!;
    }
  }
  const popByCode = new Map(admin.map((f) => [f.properties.commune_code!, f.properties.population_2009]));
  if (popByCode.size !== admin.length) throw new Error('commune codes are not unique after the corrections');
  // Cross-check: district totals of the census table equal the sums of the polygons' populations.
  for (const d of population.filter((r) => r.level === 'district')) {
    const sum = admin.filter((f) => f.properties.district_code === d.code).reduce((a, f) => a + f.properties.population_2009, 0);
    if (sum !== Number(d.population_2009)) throw new Error(`district ${d.code}: census total ${d.population_2009} ≠ sum of communes ${sum}`);
  }
  if (admin.length !== unitByCode.size) throw new Error(`expected ${unitByCode.size} admin polygons, found ${admin.length}`);
  for (const f of admin) {
    const u = unitByCode.get(f.properties.commune_code ?? '');
    if (!u) throw new Error(`commune polygon ${f.properties.commune_code} ${f.properties.name} is not in the GSO list`);
    if (u.district_code !== f.properties.district_code) throw new Error(`${u.commune_code}: district differs from the GSO list`);
  }
  done();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    done = step(2, steps, 'cleaning the commune polygons into a coverage (PostGIS)');
    await client.query(`CREATE TEMP TABLE src (idx int PRIMARY KEY, code text, admin boolean, geom geometry(MultiPolygon, 4326))`);
    // Deterministic order: admin communes by code, then the non-admin polygons.
    const ordered = [...communes.features].sort((a, b) => {
      const ka = a.properties.commune_code ?? `~${a.properties.district_code}`;
      const kb = b.properties.commune_code ?? `~${b.properties.district_code}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    for (const [i, f] of ordered.entries()) {
      await client.query(`INSERT INTO src VALUES ($1, $2, $3, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)))`, [
        i,
        f.properties.commune_code,
        f.properties.is_admin_unit,
        JSON.stringify(f.geometry),
      ]);
    }
    const report = await cleanCoverage(client);
    done();

    done = step(3, steps, 'dissolving districts and the province; simplifying the 2025 communes');
    const planCommunes = await client.query<{ code: string; geojson: string }>(`SELECT code, ST_AsGeoJSON(geom, 7) AS geojson FROM clean ORDER BY code`);
    await client.query(`CREATE TEMP TABLE district_of (code text PRIMARY KEY, district text)`);
    for (const f of admin) await client.query(`INSERT INTO district_of VALUES ($1, $2)`, [f.properties.commune_code, f.properties.district_code]);
    const districts = await client.query<{ district: string; geojson: string }>(
      `SELECT d.district, ST_AsGeoJSON(ST_Multi(ST_Union(c.geom)), 7) AS geojson
         FROM clean c JOIN district_of d USING (code) GROUP BY d.district ORDER BY d.district`,
    );
    const province = await client.query<{ geojson: string }>(`SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 7) AS geojson FROM clean`);

    // July-2025 communes (all 99 of the new province): simplified to ~10 m so
    // the committed file stays small; precision reduced to 1e-6° (~0.1 m).
    await client.query(`CREATE TEMP TABLE newc (code text PRIMARY KEY, name text, type text, from_old boolean, geom geometry(MultiPolygon, 4326))`);
    for (const f of newCommunes.features) {
      await client.query(
        `INSERT INTO newc VALUES ($1, $2, $3, $4,
           ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_SimplifyPreserveTopology(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326), 0.0001), 0.000001)), 3)))`,
        [f.properties.new_commune_code, f.properties.name, f.properties.type, f.properties.from_old_bac_giang, JSON.stringify(f.geometry)],
      );
    }
    const newRows = await client.query<{ code: string; name: string; type: string; from_old: boolean; geojson: string }>(
      `SELECT code, name, type, from_old, ST_AsGeoJSON(geom, 6) AS geojson FROM newc ORDER BY code`,
    );
    const newProvince = await client.query<{ geojson: string }>(
      `SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Union(geom), 0.000001)), 3)), 6) AS geojson FROM newc`,
    );
    done();

    done = step(4, steps, 'checking the 2025 mapping spatially');
    // Spatial answer: the new commune holding the largest share of the old commune's area.
    const overlaps = await client.query<{ code: string; new_code: string; share: number }>(
      `SELECT c.code, n.code AS new_code,
              ST_Area(ST_Intersection(c.geom, n.geom)::geography) / ST_Area(c.geom::geography) AS share
         FROM clean c JOIN newc n ON ST_Intersects(c.geom, n.geom)
        ORDER BY c.code, share DESC, n.code`,
    );
    const sharesByCode = new Map<string, { new_code: string; share: number }[]>();
    for (const r of overlaps.rows) sharesByCode.set(r.code, [...(sharesByCode.get(r.code) ?? []), r]);
    const officialByCode = new Map(mapping2025.map((m) => [m.old_commune_code!, m]));
    const mappings: UnitMapping[] = [];
    const suspects: string[] = [];
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    for (const f of admin) {
      const code = f.properties.commune_code!;
      const shares = sharesByCode.get(code) ?? [];
      const s = shares[0];
      if (!s) throw new Error(`${code}: no 2025 commune overlaps it`);
      const o = officialByCode.get(code);
      let method: string;
      let suspect = false;
      let note: string | null = null;
      if (!o) {
        method = 'spatial';
        note = `Code not in the 2025-03 list (merged between 2019 and 2025); assigned to the 2025 commune covering ${pct(s.share)} of its area.`;
      } else {
        const officialShare = shares.find((x) => x.new_code === o.new_commune_code)?.share ?? 0;
        const flagged = README_SUSPECT.has(code);
        if (o.new_commune_code === s.new_code) {
          method = 'official+spatial';
          if (flagged) {
            suspect = true;
            note = `Listed as suspect in the reference README (a point-on-surface test put it elsewhere); area check: ${pct(s.share)} of the commune lies in ${s.new_code} ${o.new_commune_name}, confirming the published mapping.`;
          }
        } else {
          method = 'spatial';
          suspect = true;
          note = `Published mapping (dvhcvn/20250701) says ${o.new_commune_code} ${o.new_commune_name} (${pct(officialShare)} of the area), but ${pct(s.share)} of the commune's area lies in ${s.new_code}; resolved by the spatial check.`;
        }
        if (suspect) suspects.push(`${code} ${f.properties.name}: published ${o.new_commune_code}, spatial ${s.new_code} (${pct(s.share)})`);
      }
      mappings.push({
        fromCode: code,
        fromValidFrom: PLAN_VALID_FROM,
        toCode: s.new_code,
        toValidFrom: NEW_VALID_FROM,
        share: 1,
        method,
        suspect,
        note,
        source: SRC.mapping,
      });
    }
    done();

    done = step(5, steps, `writing ${args.out}`);
    const features: { type: 'Feature'; properties: UnitProperties; geometry: unknown }[] = [];
    const pop2009Province = [...popByCode.values()].reduce((a, b) => a + b, 0);
    features.push({
      type: 'Feature',
      properties: { code: '24', name: 'Tỉnh Bắc Giang', unitType: 'Tỉnh', level: 'province', parentCode: null, population: pop2009Province, populationYear: 2009, validFrom: PLAN_VALID_FROM, validTo: PLAN_VALID_TO, source: SRC.dissolved },
      geometry: JSON.parse(province.rows[0]!.geojson),
    });
    const districtInfo = new Map(units2019.map((u) => [u.district_code!, u]));
    for (const d of districts.rows) {
      const u = districtInfo.get(d.district)!;
      const pop = admin.filter((f) => f.properties.district_code === d.district).reduce((a, f) => a + (popByCode.get(f.properties.commune_code!) ?? 0), 0);
      features.push({
        type: 'Feature',
        properties: { code: d.district, name: u.district_name!, unitType: u.district_type!, level: 'district', parentCode: '24', population: pop, populationYear: 2009, validFrom: PLAN_VALID_FROM, validTo: PLAN_VALID_TO, source: SRC.dissolved },
        geometry: JSON.parse(d.geojson),
      });
    }
    for (const c of planCommunes.rows) {
      const u = unitByCode.get(c.code)!;
      features.push({
        type: 'Feature',
        properties: { code: c.code, name: u.commune_name!, unitType: u.commune_type!, level: 'commune', parentCode: u.district_code!, population: popByCode.get(c.code) ?? 0, populationYear: 2009, validFrom: PLAN_VALID_FROM, validTo: PLAN_VALID_TO, source: SRC.communes },
        geometry: JSON.parse(c.geojson),
      });
    }
    // New scheme: population only where every old commune is known (those from old Bắc Giang).
    const popNew = new Map<string, number>();
    for (const m of mappings) popNew.set(m.toCode, (popNew.get(m.toCode) ?? 0) + (popByCode.get(m.fromCode) ?? 0));
    features.push({
      type: 'Feature',
      properties: { code: '24', name: 'Tỉnh Bắc Ninh', unitType: 'Tỉnh', level: 'province', parentCode: null, population: null, populationYear: null, validFrom: NEW_VALID_FROM, validTo: null, source: SRC.newUnits },
      geometry: JSON.parse(newProvince.rows[0]!.geojson),
    });
    for (const n of newRows.rows) {
      const pop = popNew.get(n.code);
      features.push({
        type: 'Feature',
        properties: { code: n.code, name: n.name, unitType: n.type, level: 'commune', parentCode: '24', population: pop ?? null, populationYear: pop === undefined ? null : 2009, validFrom: NEW_VALID_FROM, validTo: null, source: SRC.newUnits + (pop === undefined ? '' : '; population = sum of its 2009 communes') },
        geometry: JSON.parse(n.geojson),
      });
    }
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, 'units.geojson'), `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`);
    writeFileSync(join(args.out, 'mappings.json'), `[\n${mappings.map((m) => JSON.stringify(m)).join(',\n')}\n]\n`);
    const configPath = join(args.out, 'province.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as ProvinceConfig;
    if (config.planScheme.validFrom !== PLAN_VALID_FROM) throw new Error(`${configPath}: planScheme.validFrom must be ${PLAN_VALID_FROM}`);
    writeFileSync(join(args.out, 'cleaning-report.json'), `${JSON.stringify({ ...report, suspectMappings: suspects, codeCorrections: corrections }, null, 2)}\n`);
    done();
    console.log(`communes ${planCommunes.rowCount}, districts ${districts.rowCount}, 2025 communes ${newRows.rowCount}, mappings ${mappings.length} (suspect: ${suspects.join('; ') || 'none'})`);
    console.log(`cleaning: ${JSON.stringify(report)}`);
  } finally {
    await client.end();
  }
}

/**
 * Turns the overlapping source polygons into a coverage (table `clean`):
 *  1. node every ring against every other (ST_UnaryUnion of the boundaries)
 *     and polygonize: faces that never overlap and share exact edges;
 *  2. a face inside one or more admin communes goes to the first of them in
 *     code order (the overlaps are slivers of generalisation, ≈0.5 % of the
 *     area, so the choice is arbitrary but reproducible);
 *  3. a face inside no admin commune (a gap between neighbours, or one of the
 *     non-admin "training centre" polygons) goes to the neighbour with which
 *     it shares the longest border, repeated until every face is assigned;
 *  4. each commune is the union of its faces, with precision reduced to 1e-7°
 *     (~1 cm), which keeps shared edges identical on both sides.
 */
async function cleanCoverage(client: pg.Client): Promise<CleaningReport> {
  await client.query(`
    CREATE TEMP TABLE faces AS
    SELECT row_number() OVER () AS id, geom, NULL::text AS owner, NULL::text AS kind
      FROM (SELECT (ST_Dump(ST_Polygonize(geom))).geom AS geom
              FROM (SELECT (ST_Dump(ST_UnaryUnion(ST_Collect(ST_Boundary(geom))))).geom AS geom FROM src) l) f`);
  await client.query(`CREATE INDEX ON faces USING gist (geom)`);
  await client.query(`
    WITH hit AS (
      SELECT f.id, array_agg(s.code ORDER BY s.idx) FILTER (WHERE s.admin) AS admins, count(*) FILTER (WHERE NOT s.admin) AS nonadmin
        FROM faces f JOIN src s ON ST_Contains(s.geom, ST_PointOnSurface(f.geom))
       GROUP BY f.id)
    UPDATE faces f SET owner = hit.admins[1],
           kind = CASE WHEN hit.admins IS NULL THEN 'nonadmin' WHEN cardinality(hit.admins) > 1 THEN 'overlap' ELSE 'single' END
      FROM hit WHERE hit.id = f.id`);
  await client.query(`UPDATE faces SET kind = 'gap' WHERE kind IS NULL`);
  for (let pass = 0; pass < 50; pass++) {
    const r = await client.query(`
      WITH cand AS (
        SELECT u.id, a.owner, sum(ST_Length(ST_Intersection(u.geom, a.geom)::geography)) AS len
          FROM faces u JOIN faces a ON a.owner IS NOT NULL AND ST_Intersects(u.geom, a.geom)
         WHERE u.owner IS NULL
         GROUP BY u.id, a.owner),
      best AS (SELECT DISTINCT ON (id) id, owner FROM cand WHERE len > 0 ORDER BY id, len DESC, owner)
      UPDATE faces f SET owner = best.owner FROM best WHERE best.id = f.id`);
    if (!r.rowCount) break;
  }
  const left = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM faces WHERE owner IS NULL`);
  if (left.rows[0]!.n) throw new Error(`${left.rows[0]!.n} faces could not be assigned to a commune`);
  await client.query(`
    CREATE TEMP TABLE clean AS
    SELECT owner AS code, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Union(geom), 0.0000001)), 3)) AS geom
      FROM faces GROUP BY owner`);
  await client.query(`CREATE INDEX ON clean USING gist (geom)`);
  const km2 = (expr: string, where: string) => client.query<{ a: number; n: number }>(`SELECT coalesce(sum(ST_Area(${expr}::geography)), 0) / 1e6 AS a, count(*)::int AS n FROM faces WHERE ${where}`);
  const overlap = await km2('geom', `kind = 'overlap'`);
  const gap = await km2('geom', `kind = 'gap'`);
  const nonadmin = await km2('geom', `kind = 'nonadmin'`);
  const srcArea = await client.query<{ a: number }>(`SELECT sum(ST_Area(geom::geography)) / 1e6 AS a FROM src WHERE admin`);
  const prov = await client.query<{ a: number }>(`SELECT ST_Area(ST_Union(geom)::geography) / 1e6 AS a FROM clean`);
  const after = await client.query<{ a: number }>(
    `SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) AS a FROM clean a JOIN clean b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)`,
  );
  const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    sourceAreaKm2: round(srcArea.rows[0]!.a),
    overlapAreaKm2: round(overlap.rows[0]!.a),
    overlapFaces: overlap.rows[0]!.n,
    gapAreaKm2: round(gap.rows[0]!.a),
    gapFaces: gap.rows[0]!.n,
    nonAdminAreaKm2: round(nonadmin.rows[0]!.a),
    provinceAreaKm2: round(prov.rows[0]!.a),
    pairwiseOverlapAfterM2: round(after.rows[0]!.a, 1),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
