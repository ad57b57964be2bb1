import { afterAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Proposal, RouteSegment, SiteFacts } from '@registry/shared/schemas/permits';
import { schema, type DbOrTx } from '../src/db/client';
import { ruleImplementations, runChecks, selectRules } from '../src/modules/permits/checks/run-checks';
import type { CheckInput, RuleCheck, RuleOutcome } from '../src/modules/permits/checks/rule';
import { coverageGainRule } from '../src/modules/permits/checks/coverage-gain.rule';
import { utmEpsgForLonLat } from '../src/modules/permits/sql';
import { inRollback, testDatabase } from './helpers';
import { insertCarrier, insertConduit, insertSite, insertVillage, insertZone, makeFrame, type Frame } from './permits-fixtures';

// Each rule's pass, warn and fail cases on hand-built geometry, inside a
// transaction that is rolled back. Params come from the seeded rule rows.

const database = testDatabase();
afterAll(() => database.close());

const RULES = ruleImplementations(null);

interface World {
  tx: DbOrTx;
  client: pg.PoolClient;
  f: Frame;
  applicant: number;
  other: number;
  run(ruleId: string, proposal: Proposal, paramOverrides?: Record<string, unknown>, impl?: RuleCheck): Promise<RuleOutcome>;
}

async function world(fn: (w: World) => Promise<void>) {
  await inRollback(database.pool, async (client) => {
    const tx = drizzle(client, { schema, casing: 'snake_case' }) as unknown as DbOrTx;
    const f = makeFrame();
    const applicant = await insertCarrier(client, 'A');
    const other = await insertCarrier(client, 'B');
    const rules = await selectRules(tx);
    const run = async (ruleId: string, proposal: Proposal, paramOverrides: Record<string, unknown> = {}, impl?: RuleCheck) => {
      const rule = rules.find((r) => r.id === ruleId)!;
      const input: CheckInput = { proposal, applicantCarrierId: applicant, metricSrid: utmEpsgForLonLat(f.base.lon, f.base.lat), areaClass: null };
      return (impl ?? RULES[ruleId]!)(tx, input, { ...rule.params, ...paramOverrides });
    };
    await fn({ tx, client, f, applicant, other, run });
  });
}

const siteFacts = (extra: Partial<SiteFacts> = {}): SiteFacts => ({
  structureType: 'greenfield_tower',
  heightM: 30,
  tenantCapacity: 3,
  technologies: ['4G'],
  bandsMhz: [1800],
  sectors: [],
  intendedTenantCarrierIds: [],
  ...extra,
});
const site = (f: Frame, e: number, n: number, extra: Partial<SiteFacts> = {}): Proposal => ({ kind: 'site', geometry: f.point(e, n), facts: siteFacts(extra) });
const route = (f: Frame, metres: [number, number][], segments: RouteSegment[]): Proposal => ({
  kind: 'route',
  geometry: f.line(...metres),
  facts: { kind: 'distribution', fibreCount: 24, segments },
});
const all = (n: number, placement: RouteSegment['placement']): RouteSegment[] => Array.from({ length: n }, () => ({ placement }));

describe('rule rows are data', () => {
  it('seeds every default rule with its params', async () => {
    const rules = await selectRules(database.db);
    const ids = rules.map((r) => r.id).sort();
    expect(ids).toEqual(['co_location', 'coverage_gain', 'duplicate_site', 'height_limit', 'must_use_conduit', 'no_build_zone', 'planned_tower_area', 'underground_required']);
    const co = rules.find((r) => r.id === 'co_location')!;
    expect(co.params.radiusMByAreaClass).toEqual({ urban: 300, suburban: 500, rural: 1000 });
    expect(rules.find((r) => r.id === 'duplicate_site')!.params.duplicateRadiusM).toBe(20);
    expect(rules.find((r) => r.id === 'must_use_conduit')!.params).toMatchObject({ mustUseShare: 0.5, alongsideBufferM: 15 });
    expect(rules.find((r) => r.id === 'coverage_gain')!.blocking).toBe(false);
  });
});

describe('co_location', () => {
  it('fails with the tower id and distance for another carrier’s tower 200 m away with spare capacity', () =>
    world(async ({ client, f, other, run }) => {
      const tower = await insertSite(client, other, f.point(200, 0), { capacity: 3 });
      const out = await run('co_location', site(f, 0, 0));
      expect(out.verdict).toBe('fail');
      const structures = out.evidence.structures as { id: number; distanceM: number; freeCapacity: number }[];
      expect(structures[0]!.id).toBe(tower);
      expect(Math.abs(structures[0]!.distanceM - 200)).toBeLessThan(2);
      expect(structures[0]!.freeCapacity).toBe(2);
      expect(out.features.some((x) => x.properties.role === 'buffer')).toBe(true);
    }));

  it('warns when the applicant justified building anyway', () =>
    world(async ({ client, f, other, run }) => {
      await insertSite(client, other, f.point(200, 0));
      const out = await run('co_location', site(f, 0, 0, { sharingJustification: 'Cột hiện hữu không đủ tải trọng cho ăng-ten 5G' }));
      expect(out.verdict).toBe('warn');
    }));

  it('passes when nearby structures are full or beyond the radius', () =>
    world(async ({ client, f, other, applicant, run }) => {
      await insertSite(client, other, f.point(150, 0), { capacity: 2, tenants: [applicant] });
      await insertSite(client, other, f.point(1_200, 0));
      const out = await run('co_location', site(f, 0, 0));
      expect(out.verdict).toBe('pass');
      expect(out.evidence).toMatchObject({ radiusM: 1000, areaClass: 'rural' });
    }));

  it('uses the sharing radius of the area class: 400 m is outside the urban 300 m', () =>
    world(async ({ client, tx, f, other, applicant }) => {
      await insertVillage(client, 'urban', f.square(-2_000, -2_000, 2_000, 2_000));
      await insertSite(client, other, f.point(400, 0));
      const result = await runChecks(tx, { proposal: site(f, 0, 0), applicantCarrierId: applicant }, { implementations: RULES, concurrent: false });
      expect(result.areaClass).toBe('urban');
      const co = result.ran.find((r) => r.rule.id === 'co_location')!;
      expect(co.verdict).toBe('pass');
      expect(co.evidence.radiusM).toBe(300);
    }));
});

describe('no_build_zone', () => {
  it('fails inside a zone, naming it', () =>
    world(async ({ client, f, run }) => {
      const zone = await insertZone(client, 'no_build', 'Khu di tích Thử Nghiệm', f.square(-100, -100, 100, 100));
      const out = await run('no_build_zone', site(f, 0, 0));
      expect(out.verdict).toBe('fail');
      expect(out.message.vi).toContain('Khu di tích Thử Nghiệm');
      expect((out.evidence.zones as { id: number; name: string }[])[0]).toMatchObject({ id: zone, name: 'Khu di tích Thử Nghiệm', inside: true });
      expect(out.features[0]!.geometry.type).toBe('Polygon');
    }));

  it('warns 30 m from a zone and passes far from it', () =>
    world(async ({ client, f, run }) => {
      await insertZone(client, 'no_build', 'Sân bay', f.square(30, -100, 300, 100));
      const near = await run('no_build_zone', site(f, 0, 0));
      expect(near.verdict).toBe('warn');
      expect(Math.abs((near.evidence.zones as { distanceM: number }[])[0]!.distanceM - 30)).toBeLessThan(1);
      expect((await run('no_build_zone', site(f, -500, 0))).verdict).toBe('pass');
    }));

  it('fails a route that crosses a zone', () =>
    world(async ({ client, f, run }) => {
      await insertZone(client, 'no_build', 'Khu bảo tồn', f.square(400, -50, 600, 50));
      expect((await run('no_build_zone', route(f, [[0, 0], [1_000, 0]], all(1, 'direct_buried')))).verdict).toBe('fail');
    }));
});

describe('height_limit', () => {
  it('fails above the limit, warns within 5 m of it, passes below', () =>
    world(async ({ client, f, run }) => {
      await insertZone(client, 'height_limit', 'Tĩnh không sân bay', f.square(-500, -500, 500, 500), { maxHeightM: 30 });
      const fail = await run('height_limit', site(f, 0, 0, { heightM: 40 }));
      expect(fail.verdict).toBe('fail');
      expect(fail.evidence).toMatchObject({ heightM: 40, limitM: 30 });
      expect((await run('height_limit', site(f, 0, 0, { heightM: 27 }))).verdict).toBe('warn');
      expect((await run('height_limit', site(f, 0, 0, { heightM: 20 }))).verdict).toBe('pass');
      expect((await run('height_limit', site(f, 2_000, 0, { heightM: 60 }))).verdict).toBe('pass');
    }));
});

describe('planned_tower_area', () => {
  it('passes inside a planned area, warns outside (nearest named), fails outside when the param says so', () =>
    world(async ({ client, f, run }) => {
      await insertZone(client, 'planned_tower_area', 'Khu quy hoạch BTS số 7', f.square(-200, -200, 200, 200));
      expect((await run('planned_tower_area', site(f, 0, 0))).verdict).toBe('pass');
      const outside = await run('planned_tower_area', site(f, 700, 0));
      expect(outside.verdict).toBe('warn');
      expect(outside.evidence.nearest).toMatchObject({ name: 'Khu quy hoạch BTS số 7' });
      expect(Math.abs((outside.evidence.nearest as { distanceM: number }).distanceM - 500)).toBeLessThan(2);
      expect((await run('planned_tower_area', site(f, 700, 0), { outsideVerdict: 'fail' })).verdict).toBe('fail');
    }));
});

describe('underground_required', () => {
  it('fails 300 m aerial along the street, warns at an aerial crossing, passes in conduit', () =>
    world(async ({ client, f, run }) => {
      const street = await insertZone(client, 'underground_required', 'Phố Hoàng Văn Thụ', f.line([0, 0], [1_000, 0]), { bufferM: 10 });
      const along = await run('underground_required', route(f, [[-200, 2], [300, 2], [300, 500]], [{ placement: 'aerial' }, { placement: 'aerial' }]));
      expect(along.verdict).toBe('fail');
      const streets = along.evidence.streets as { id: number; aerialLengthM: number }[];
      expect(streets[0]!.id).toBe(street);
      // The band is the street ±10 m with round ends: x from −9.8 (√(10² − 2²)) to 300 at y = 2,
      // then 8 m north from y = 2 to y = 10: 317.8 m.
      expect(Math.abs(streets[0]!.aerialLengthM - 317.8)).toBeLessThan(1);
      const crossing = await run('underground_required', route(f, [[500, -300], [500, 300]], [{ placement: 'aerial' }]));
      expect(crossing.verdict).toBe('warn');
      expect(Math.abs((crossing.evidence.streets as { aerialLengthM: number }[])[0]!.aerialLengthM - 20)).toBeLessThan(1);
      expect((await run('underground_required', route(f, [[-200, 2], [300, 2]], [{ placement: 'conduit' }]))).verdict).toBe('pass');
    }));
});

describe('must_use_conduit', () => {
  const path: [number, number][] = [[0, 0], [800, 0], [1_000, 300]];

  it('fails when 80 % of the route runs alongside a conduit with free ducts, with its id and the shared length', () =>
    world(async ({ client, f, other, run }) => {
      const conduit = await insertConduit(client, other, f.line([0, 5], [800, 5]), 6, 2);
      // Route 0→800 along the conduit, then 800→(1000,300): 360.6 m away from it. Total 1160.6 m.
      const out = await run('must_use_conduit', route(f, [[0, 0], [800, 0], [1_000, 300]], all(2, 'direct_buried')));
      expect(out.verdict).toBe('fail');
      const s = out.evidence.structures as { id: number; kind: string; alongsideM: number; freeDucts: number }[];
      expect(s[0]).toMatchObject({ id: conduit, kind: 'conduit', freeDucts: 4 });
      // Alongside: 0→800 plus the first ~15 m of the second segment inside the buffer round the end.
      expect(out.evidence.sharedLengthM as number).toBeGreaterThan(800);
      expect(out.evidence.sharedLengthM as number).toBeLessThan(820);
      expect(out.evidence.share as number).toBeGreaterThan(0.69);
    }));

  it('fails at exactly 80 % on a straight route', () =>
    world(async ({ client, f, other, run }) => {
      const conduit = await insertConduit(client, other, f.line([0, 5], [800, 5]), 4, 0);
      const out = await run('must_use_conduit', route(f, [[0, 0], [1_000, 0]], all(1, 'aerial')));
      expect(out.verdict).toBe('fail');
      expect((out.evidence.structures as { id: number }[])[0]!.id).toBe(conduit);
      expect(Math.abs((out.evidence.sharedLengthM as number) - 815)).toBeLessThan(3);
    }));

  it('warns at 30 %, passes when the conduit is full or the route uses it', () =>
    world(async ({ client, f, other, run }) => {
      await insertConduit(client, other, f.line([0, 5], [300, 5]), 4, 1);
      expect((await run('must_use_conduit', route(f, [[0, 0], [1_000, 0]], all(1, 'aerial')))).verdict).toBe('warn');
    }).then(() =>
      world(async ({ client, f, other, run }) => {
        await insertConduit(client, other, f.line([0, 5], [800, 5]), 4, 4);
        expect((await run('must_use_conduit', route(f, path, all(2, 'aerial')))).verdict).toBe('pass');
        const used = await insertConduit(client, other, f.line([0, -5], [800, -5]), 4, 0);
        const claimed = await run('must_use_conduit', route(f, path, [{ placement: 'conduit', conduitId: used }, { placement: 'aerial' }]));
        expect(claimed.verdict).toBe('pass');
        expect((claimed.evidence.structures as { id: number; usedByRoute: boolean }[]).find((s) => s.id === used)!.usedByRoute).toBe(true);
      }),
    ));
});

describe('duplicate_site', () => {
  it('fails with the applicant’s own site 10 m away, warns at 60 m, passes for another carrier’s site', () =>
    world(async ({ client, f, applicant, other, run }) => {
      const own = await insertSite(client, applicant, f.point(10, 0));
      const fail = await run('duplicate_site', site(f, 0, 0));
      expect(fail.verdict).toBe('fail');
      expect((fail.evidence.nearby as { id: number }[])[0]!.id).toBe(own);
      expect((await run('duplicate_site', site(f, -50, 0))).verdict).toBe('warn');
      await insertSite(client, other, f.point(3_010, 0));
      expect((await run('duplicate_site', site(f, 3_000, 0))).verdict).toBe('pass');
    }));

  it('counts a site the applicant rents space on', () =>
    world(async ({ client, f, applicant, other, run }) => {
      await insertSite(client, other, f.point(5, 0), { tenants: [applicant] });
      expect((await run('duplicate_site', site(f, 0, 0))).verdict).toBe('fail');
    }));
});

describe('coverage_gain', () => {
  it('says it is not available without the engine, and never invents numbers', () =>
    world(async ({ f, run }) => {
      const out = await run('coverage_gain', site(f, 0, 0), {}, coverageGainRule(null));
      expect(out.verdict).toBe('pass');
      expect(out.evidence).toEqual({ available: false });
    }));

  it('warns when the site covers no new household and passes with the gain and villages helped', () =>
    world(async ({ f, run }) => {
      const none = coverageGainRule(async () => ({ technology: '4G', householdsNewlyCovered: 0, flaggedVillagesHelped: [] }));
      expect((await run('coverage_gain', site(f, 0, 0), {}, none)).verdict).toBe('warn');
      const some = coverageGainRule(async () => ({
        technology: '4G',
        householdsNewlyCovered: 120,
        flaggedVillagesHelped: [{ id: 1, code: 'V1', name: 'Bản Thử', householdsNewlyCovered: 80, reachesTarget: true }],
      }));
      const out = await run('coverage_gain', site(f, 0, 0), {}, some);
      expect(out.verdict).toBe('pass');
      expect(out.evidence).toMatchObject({ available: true, householdsNewlyCovered: 120 });
    }));

  it('wires the coverage engine’s what-if: a site at sea covers no household', () =>
    world(async ({ client, tx, f, applicant, other }) => {
      // Any site gives the engine its metric CRS when settings.metric_srid is unset.
      await insertSite(client, other, f.point(30_000, 0));
      const { coverageWhatIfFromEngine } = await import('../src/modules/permits/coverage-what-if');
      const result = await runChecks(tx, { proposal: site(f, 0, 0, { sectors: [{ technology: '4G', bandMhz: 1800, azimuthDeg: 0, beamwidthDeg: 360, antennaHeightM: 30, tiltDeg: 0 }] }), applicantCarrierId: applicant }, { implementations: ruleImplementations(coverageWhatIfFromEngine), concurrent: false });
      const gain = result.ran.find((r) => r.rule.id === 'coverage_gain')!;
      expect(gain.evidence).toMatchObject({ available: true, householdsNewlyCovered: 0 });
      expect(gain.verdict).toBe('warn');
    }));
});
