// Permit-desk benchmark: pre-check latency (every rule, as POST
// /api/permits/pre-check runs them: concurrently on the pool, coverage
// what-if included) for a site and for a 10 km route, on the default dataset
// and on the national-scale synthetic one, each in its own database:
//
//   npm run bench:permits
//
//   BENCH_PROVINCE_URL  default: DATABASE_URL, else postgres://registry:registry@127.0.0.1:5432/registry
//                       (npm run data:load)
//   BENCH_NATIONAL_URL  default: postgres://registry:registry@127.0.0.1:5432/registry_data_national
//                       (the database npm run data:synthetic writes)
//   BENCH_PRECHECKS     pre-checks to time per kind (default 100)
//
// Target: p95 under 200 ms for both kinds on both datasets. Pre-checks only
// read; the bench writes nothing. Each line shows the load average while it ran
// (2 shared cores: compare figures taken under similar load).
import type { Proposal } from '@registry/shared/schemas/permits';
import type { Position } from '@registry/shared/geo/geometry';
import { performance } from 'node:perf_hooks';
import { createDatabase } from '../../server/src/db/client';
import { createRegistryEvents } from '../../server/src/lib/events';
import { createProvinceGuard } from '../../server/src/modules/geo/province-guard';
import { coverageWhatIfFromEngine } from '../../server/src/modules/permits/coverage-what-if';
import { createPermitsService } from '../../server/src/modules/permits/permits.service';
import { systemContext } from '../../server/src/context';
import { loadAverage, quantile, rng } from './common';

const TARGET_P95_MS = 200;

/** A point `m` metres from (lon, lat) on a bearing (equirectangular; fine for 10 km). */
function offset([lon, lat]: Position, eastM: number, northM: number): Position {
  return [lon + eastM / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + northM / 110_574];
}

function line(label: string, xs: number[], loadDuring: string) {
  const p50 = quantile(xs, 0.5);
  const p95 = quantile(xs, 0.95);
  const ok = p95 < TARGET_P95_MS;
  console.log(
    `  ${ok ? '✓' : '✗'} ${label.padEnd(34)} median ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   target p95 < ${TARGET_P95_MS} ms   p95/target ${(p95 / TARGET_P95_MS).toFixed(2)}   load avg ${loadDuring}`,
  );
}

async function bench(name: string, url: string, count: number) {
  console.log(`\n▶ ${name}: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  const database = createDatabase(url, { max: 10, applicationName: 'registry-bench-permits' });
  try {
    try {
      await database.pool.query('SELECT 1');
    } catch (error) {
      console.log(`  database missing or unreachable (${(error as Error).message}): skipped`);
      return;
    }
    const anchors = await database.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(boundary) AS p FROM villages ORDER BY md5(id::text) LIMIT $1) s`,
      [count],
    );
    const carrier = await database.pool.query<{ id: number }>(`SELECT id FROM carriers ORDER BY id LIMIT 1`);
    const counts = await database.pool.query(`SELECT (SELECT count(*) FROM sites) AS sites, (SELECT count(*) FROM conduits) AS conduits, (SELECT count(*) FROM zones) AS zones, (SELECT count(*) FROM locations) AS locations`);
    if (anchors.rows.length === 0 || !carrier.rows[0]) {
      console.log('  no villages or carriers loaded: skipped');
      return;
    }
    console.log(`  ${JSON.stringify(counts.rows[0])}`);
    const service = createPermitsService({
      database,
      events: createRegistryEvents(),
      provinceGuard: createProvinceGuard(database.pool, 5_000),
      storageDir: 'var/storage',
      attachmentMaxBytes: 1,
      coverageWhatIf: coverageWhatIfFromEngine,
    });
    const ctx = systemContext();
    const applicant = carrier.rows[0].id;
    const random = rng(8);
    const sites: Proposal[] = anchors.rows.map((a) => ({
      kind: 'site',
      geometry: { type: 'Point', coordinates: [a.lon, a.lat] },
      facts: {
        structureType: 'greenfield_tower',
        heightM: 36,
        tenantCapacity: 3,
        technologies: ['4G'],
        bandsMhz: [1800],
        sectors: [0, 120, 240].map((azimuthDeg) => ({ technology: '4G' as const, bandMhz: 1800, azimuthDeg, beamwidthDeg: 65, antennaHeightM: 34, tiltDeg: 0 })),
        intendedTenantCarrierIds: [],
      },
    }));
    // 10 km routes of twenty 500 m segments, heading roughly toward the centre of
    // the loaded area (so they stay inside it), alternating aerial / direct-buried.
    const centre = (await database.pool.query<{ lon: number; lat: number }>(`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_Centroid(ST_Extent(boundary)::geometry) AS c FROM villages) s`)).rows[0]!;
    const routes: Proposal[] = anchors.rows.map((a) => {
      const towardCentre = Math.atan2((centre.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180), centre.lat - a.lat);
      const bearing = towardCentre + (random() - 0.5) * (Math.PI / 2);
      const coordinates = Array.from({ length: 21 }, (_, i) => offset([a.lon, a.lat], Math.sin(bearing) * 500 * i, Math.cos(bearing) * 500 * i));
      return {
        kind: 'route',
        geometry: { type: 'LineString', coordinates },
        facts: { kind: 'distribution', fibreCount: 48, segments: coordinates.slice(1).map((_, i) => ({ placement: i % 2 === 0 ? ('aerial' as const) : ('direct_buried' as const) })) },
      };
    });
    for (const [label, proposals] of [
      ['site pre-check', sites],
      ['10 km route pre-check', routes],
    ] as const) {
      for (const p of proposals.slice(0, 5)) await service.preCheck(ctx, p, applicant); // warm-up
      const times: number[] = [];
      for (const p of proposals) {
        const t0 = performance.now();
        await service.preCheck(ctx, p, applicant);
        times.push(performance.now() - t0);
      }
      line(`${label} (n=${times.length})`, times, loadAverage());
    }
  } finally {
    await database.close();
  }
}

async function main() {
  const count = Number(process.env.BENCH_PRECHECKS ?? 100);
  const province = process.env.BENCH_PROVINCE_URL ?? process.env.DATABASE_URL ?? 'postgres://registry:registry@127.0.0.1:5432/registry';
  const national = process.env.BENCH_NATIONAL_URL ?? 'postgres://registry:registry@127.0.0.1:5432/registry_data_national';
  console.log(`Permit pre-check latency (all rules, coverage what-if included); load average at start ${loadAverage()}`);
  await bench('default dataset', province, count);
  await bench('national scale', national, count);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
