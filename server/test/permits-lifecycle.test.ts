import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Proposal } from '@registry/shared/schemas/permits';
import { selectComputedCounts } from '../src/modules/kpi/kpi.queries';
import { buildTestApp, createTestUser, loginHeaders, testDatabase } from './helpers';
import { insertCarrier, insertConduit, insertSite, insertVillage, insertZone, makeFrame } from './permits-fixtures';

// The permit desk end to end over real HTTP and PostGIS, as the three roles:
// a carrier files, an officer decides, a planner reads; forbidden moves are
// refused; evidence names the zone, the tower and the conduit.

const database = testDatabase();
const f = makeFrame(Math.random(), 'committed');
let app: FastifyInstance;
let storageDir: string;
let applicant: number;
let towerOwner: number;
let tower: number;
let conduit: number;
let noBuildZone: number;
let tenantA: number;
let tenantB: number;
const h: Record<'carrier' | 'owner' | 'officer' | 'planner' | 'stranger' | 'admin', Record<string, string>> = {} as never;

const siteProposal = (e: number, n: number, extra: Record<string, unknown> = {}): Proposal => ({
  kind: 'site',
  geometry: f.point(e, n),
  facts: {
    structureType: 'greenfield_tower',
    heightM: 36,
    tenantCapacity: 3,
    technologies: ['4G'],
    bandsMhz: [1800],
    sectors: [0, 120, 240].map((azimuthDeg) => ({ technology: '4G' as const, bandMhz: 1800, azimuthDeg, beamwidthDeg: 65, antennaHeightM: 34, tiltDeg: 2 })),
    intendedTenantCarrierIds: [],
    address: 'Thôn Thử, xã Thử',
    ...extra,
  },
  justification: 'Phủ sóng 4G cho thôn chưa có sóng',
});

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'permits-'));
  app = await buildTestApp({ STORAGE_DIR: storageDir, PROVINCE_MARGIN_M: '50000000' }, database);
  const pool = database.pool;
  applicant = await insertCarrier(pool, 'APP');
  towerOwner = await insertCarrier(pool, 'OWN');
  const strangerCarrier = await insertCarrier(pool, 'STR');
  tenantA = await insertCarrier(pool, 'TNA');
  tenantB = await insertCarrier(pool, 'TNB');
  tower = await insertSite(pool, towerOwner, f.point(200, 0), { capacity: 3 });
  conduit = await insertConduit(pool, towerOwner, f.line([5_000, 5], [5_800, 5]), 6, 1);
  noBuildZone = await insertZone(pool, 'no_build', 'Khu di tích quốc gia Thử', f.square(9_800, -200, 10_200, 200));
  const users = {
    carrier: await createTestUser(pool, 'carrier', applicant),
    owner: await createTestUser(pool, 'carrier', towerOwner),
    stranger: await createTestUser(pool, 'carrier', strangerCarrier),
    officer: await createTestUser(pool, 'officer'),
    planner: await createTestUser(pool, 'planner'),
    admin: await createTestUser(pool, 'admin'),
  };
  for (const [k, u] of Object.entries(users)) h[k as keyof typeof h] = await loginHeaders(app, u.username);
});

afterAll(async () => {
  await app.close();
  await database.close();
  await rm(storageDir, { recursive: true, force: true });
});

const call = (who: keyof typeof h, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { ...h[who], 'accept-language': 'en' }, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('site application lifecycle', () => {
  let id: number;
  let version: number;

  it('pre-checks a location 200 m from another carrier’s tower: co-location fails with the tower and the distance', async () => {
    const res = await call('carrier', 'POST', '/api/permits/pre-check', { proposal: siteProposal(0, 0) });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    const co = report.checks.find((c: { ruleId: string }) => c.ruleId === 'co_location');
    expect(co.verdict).toBe('fail');
    expect(co.evidence.structures[0].id).toBe(tower);
    expect(Math.abs(co.evidence.structures[0].distanceM - 200)).toBeLessThan(2);
    expect(report.blockingFailures).toContain('co_location');
    expect(report.checks.map((c: { ruleId: string }) => c.ruleId).sort()).toEqual(['co_location', 'coverage_gain', 'duplicate_site', 'height_limit', 'no_build_zone', 'planned_tower_area']);
  });

  it('files a draft; other carriers and officers cannot read or edit it', async () => {
    const res = await call('carrier', 'POST', '/api/permits/applications', siteProposal(0, 0));
    expect(res.statusCode, res.body).toBe(201);
    ({ id, version } = res.json());
    expect(res.json()).toMatchObject({ status: 'draft', kind: 'site', applicantCarrierId: applicant });
    expect(res.json().reference).toMatch(/^GP-\d{4}-\d{5}$/);
    expect((await call('stranger', 'GET', `/api/permits/applications/${id}`)).statusCode).toBe(403);
    expect((await call('officer', 'GET', `/api/permits/applications/${id}`)).statusCode).toBe(403);
    expect((await call('officer', 'PUT', `/api/permits/applications/${id}`, { proposal: siteProposal(0, 0), version })).statusCode).toBe(403);
    expect((await call('stranger', 'PUT', `/api/permits/applications/${id}`, { proposal: siteProposal(0, 0), version })).statusCode).toBe(403);
    const mine = await call('carrier', 'GET', '/api/permits/applications');
    expect(mine.json().items.map((a: { id: number }) => a.id)).toContain(id);
    const theirs = await call('stranger', 'GET', '/api/permits/applications');
    expect(theirs.json().items.map((a: { id: number }) => a.id)).not.toContain(id);
  });

  it('edits the draft (justifying not sharing), attaches a drawing, then submits: facts freeze', async () => {
    const edited = await call('carrier', 'PUT', `/api/permits/applications/${id}`, {
      proposal: siteProposal(0, 0, { sharingJustification: 'Cột hiện hữu không đủ chiều cao cho vùng phủ cần thiết' }),
      version,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    version = edited.json().version;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake image body')]);
    const up = await app.inject({ method: 'POST', url: `/api/permits/applications/${id}/attachments?filename=ban-ve.png`, headers: { ...h.carrier, 'content-type': 'image/png' }, payload: png });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ contentType: 'image/png', sizeBytes: png.length, filename: 'ban-ve.png' });
    const fakePdf = await app.inject({ method: 'POST', url: `/api/permits/applications/${id}/attachments?filename=x.pdf`, headers: { ...h.carrier, 'content-type': 'application/pdf' }, payload: Buffer.from('MZ not a pdf') });
    expect(fakePdf.statusCode).toBe(422);
    const down = await app.inject({ method: 'GET', url: `/api/permits/applications/${id}/attachments/${up.json().id}`, headers: h.carrier });
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(down.rawPayload, png)).toBe(0);

    const submitted = await call('carrier', 'POST', `/api/permits/applications/${id}/submit`, { version: edited.json().version });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().status).toBe('submitted');
    version = submitted.json().version;
    const again = await call('carrier', 'PUT', `/api/permits/applications/${id}`, { proposal: siteProposal(10, 0), version });
    expect(again.statusCode).toBe(409);
  });

  it('refuses a carrier deciding and a planner deciding', async () => {
    expect((await call('carrier', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', reason: 'tự phê duyệt', version })).statusCode).toBe(403);
    expect((await call('planner', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', reason: 'không có quyền', version })).statusCode).toBe(403);
    expect((await call('officer', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', version })).statusCode).toBe(400);
  });

  it('appears in the officers’ queue with its checks and evidence; the planner reads it too', async () => {
    const queue = await call('officer', 'GET', `/api/permits/queue?applicantCarrierId=${applicant}`);
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((a: { id: number }) => a.id)).toContain(id);
    const warnOnly = await call('officer', 'GET', `/api/permits/queue?applicantCarrierId=${applicant}&verdict=fail`);
    expect(warnOnly.json().items.map((a: { id: number }) => a.id)).not.toContain(id);
    const detail = await call('planner', 'GET', `/api/permits/applications/${id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const checks = detail.json().revisions[0].checks;
    const co = checks.find((c: { ruleId: string }) => c.ruleId === 'co_location');
    expect(co.verdict).toBe('warn');
    expect(co.features.some((x: { properties: { id?: number } }) => x.properties.id === tower)).toBe(true);
    expect(detail.json().revisions[0].frozen).toBe(true);
  });

  it('the officer reviews and approves with a reason: a permitted site with an expiry date, and the change log says who and why', async () => {
    const review = await call('officer', 'POST', `/api/permits/applications/${id}/review`, { version });
    expect(review.statusCode, review.body).toBe(200);
    const approved = await call('officer', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', reason: 'Phù hợp quy hoạch; doanh nghiệp đã giải trình việc không dùng chung', version: review.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(approved.json().decisionNumber).toMatch(/^\d+\/QĐ-STTTT$/);
    const siteId = approved.json().siteId as number;
    const site = await database.pool.query(`SELECT status, owner_carrier_id, permitted_until, (permitted_until - CURRENT_DATE) AS days FROM sites WHERE id = $1`, [siteId]);
    expect(site.rows[0]).toMatchObject({ status: 'permitted', owner_carrier_id: applicant });
    expect(site.rows[0].days).toBeGreaterThanOrEqual(180);
    expect(site.rows[0].days).toBeLessThanOrEqual(185);
    const detail = await call('carrier', 'GET', `/api/permits/applications/${id}`);
    const transitions = detail.json().history.filter((x: { action: string }) => x.action === 'transition');
    expect(transitions.map((t: { after: { status: string } }) => t.after.status)).toEqual(['submitted', 'under_review', 'approved']);
    expect(transitions[2].reason).toContain('Phù hợp quy hoạch');
    expect(transitions.every((t: { username: string | null }) => t.username)).toBe(true);
    version = approved.json().version;
  });

  it('renders the decision letter with the applicant, the site and the reason (HTML and PDF)', async () => {
    const html = await call('carrier', 'GET', `/api/permits/applications/${id}/decision-letter.html`);
    expect(html.statusCode, html.body).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    const body = html.body;
    expect(body).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(body).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(body).toContain('SỞ THÔNG TIN VÀ TRUYỀN THÔNG');
    expect(body).toMatch(/Số: \d+\/QĐ-STTTT/);
    expect(body).toContain('V/v chấp thuận');
    expect(body).toContain('Căn cứ');
    const legal = await database.pool.query(`SELECT legal_name FROM carriers WHERE id = $1`, [applicant]);
    expect(body).toContain(legal.rows[0].legal_name);
    const ref = (await call('carrier', 'GET', `/api/permits/applications/${id}`)).json().reference;
    expect(body).toContain(ref);
    expect(body).toContain('cao 36 m');
    expect(body).toContain('Phù hợp quy hoạch; doanh nghiệp đã giải trình việc không dùng chung');
    const pdf = await call('officer', 'GET', `/api/permits/applications/${id}/decision-letter.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await call('stranger', 'GET', `/api/permits/applications/${id}/decision-letter.html`)).statusCode).toBe(403);
  });

  it('the carrier reports it built: the site becomes active with its sectors', async () => {
    const built = await call('carrier', 'POST', `/api/permits/applications/${id}/built`, { version, commissionedOn: '2026-01-15' });
    expect(built.statusCode, built.body).toBe(200);
    const site = await database.pool.query(`SELECT s.status, s.commissioned_on::text AS c, (SELECT count(*)::int FROM sectors WHERE site_id = s.id) AS sectors FROM sites s WHERE s.id = $1`, [built.json().siteId]);
    expect(site.rows[0]).toMatchObject({ status: 'active', c: '2026-01-15', sectors: 3 });
  });
});

describe('a no-build-zone application', () => {
  it('fails with the zone named; approval is refused; rejection with a reason gives a refusal letter', async () => {
    const created = await call('carrier', 'POST', '/api/permits/applications', siteProposal(10_000, 0));
    const submitted = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/submit`, { version: created.json().version });
    expect(submitted.json().worstVerdict).toBe('fail');
    const detail = (await call('officer', 'GET', `/api/permits/applications/${created.json().id}`)).json();
    const nb = detail.revisions[0].checks.find((c: { ruleId: string }) => c.ruleId === 'no_build_zone');
    expect(nb.verdict).toBe('fail');
    expect(nb.evidence.zones[0]).toMatchObject({ id: noBuildZone, name: 'Khu di tích quốc gia Thử' });
    expect(nb.message).toContain('Khu di tích quốc gia Thử');
    const approve = await call('officer', 'POST', `/api/permits/applications/${created.json().id}/decision`, { decision: 'approve', reason: 'thử phê duyệt', version: submitted.json().version });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().error.blockingFailures).toContain('no_build_zone');
    const reject = await call('officer', 'POST', `/api/permits/applications/${created.json().id}/decision`, { decision: 'reject', reason: 'Vị trí nằm trong vùng cấm xây dựng', version: submitted.json().version });
    expect(reject.statusCode, reject.body).toBe(200);
    const letter = await call('carrier', 'GET', `/api/permits/applications/${created.json().id}/decision-letter.html`);
    expect(letter.body).toContain('Không chấp thuận');
    expect(letter.body).toContain('Vị trí nằm trong vùng cấm xây dựng');
  });

  it('an amendment moved out of the zone is a new revision with its own checks', async () => {
    const created = await call('carrier', 'POST', '/api/permits/applications', siteProposal(10_050, 0));
    const submitted = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/submit`, { version: created.json().version });
    const amended = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/amendments`, { proposal: siteProposal(11_000, 0), reason: 'Dời vị trí ra khỏi vùng cấm', version: submitted.json().version });
    expect(amended.statusCode, amended.body).toBe(200);
    expect(amended.json()).toMatchObject({ currentRevision: 2, status: 'submitted' });
    const detail = (await call('officer', 'GET', `/api/permits/applications/${created.json().id}`)).json();
    const verdict = (rev: number) => detail.revisions[rev].checks.find((c: { ruleId: string }) => c.ruleId === 'no_build_zone').verdict;
    expect([verdict(0), verdict(1)]).toEqual(['fail', 'pass']);
    const withdrawn = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/withdraw`, { version: amended.json().version, reason: 'Thay đổi kế hoạch' });
    expect(withdrawn.json().status).toBe('withdrawn');
  });
});

describe('a route along a conduit with free ducts', () => {
  it('gets the must-use verdict with the conduit id and the shared length', async () => {
    const proposal: Proposal = {
      kind: 'route',
      geometry: f.line([5_000, 0], [6_000, 0]),
      facts: { kind: 'access', fibreCount: 48, segments: [{ placement: 'aerial' }] },
    };
    const res = await call('carrier', 'POST', '/api/permits/pre-check', { proposal });
    expect(res.statusCode, res.body).toBe(200);
    const mu = res.json().checks.find((c: { ruleId: string }) => c.ruleId === 'must_use_conduit');
    expect(mu.verdict).toBe('fail');
    expect(mu.evidence.structures[0]).toMatchObject({ id: conduit, kind: 'conduit', freeDucts: 5 });
    expect(mu.evidence.sharedLengthM).toBeGreaterThan(790);
    expect(mu.evidence.sharedLengthM).toBeLessThan(830);
    expect(mu.evidence.share).toBeGreaterThanOrEqual(0.8);
  });

  it('rejects a route whose segments do not match its line', async () => {
    const res = await call('carrier', 'POST', '/api/permits/pre-check', {
      proposal: { kind: 'route', geometry: f.line([5_000, 0], [5_500, 0], [6_000, 0]), facts: { kind: 'access', fibreCount: 48, segments: [{ placement: 'aerial' }] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].reason).toBe('segments_mismatch');
  });
});

describe('sharing and co-use', () => {
  it('finds shared capacity near a point, nearest first, with contact only for the department', async () => {
    const asCarrier = await call('carrier', 'POST', '/api/sharing/capacity', { geometry: f.point(0, 0), radiusM: 500 });
    expect(asCarrier.statusCode, asCarrier.body).toBe(200);
    const t = asCarrier.json().items.find((x: { id: number; kind: string }) => x.kind === 'site' && x.id === tower);
    expect(t).toMatchObject({ capacityFree: 2, unit: 'tenants', contact: null });
    expect(Math.abs(t.distanceM - 200)).toBeLessThan(2);
    const asOfficer = await call('officer', 'POST', '/api/sharing/capacity', { geometry: f.line([4_900, 0], [5_900, 0]), radiusM: 50, kinds: ['conduit'] });
    expect(asOfficer.json().items[0]).toMatchObject({ id: conduit, capacityFree: 5 });
    expect(asOfficer.json().items[0].contact.name).toContain('Contact');
  });

  it('a co-use request: only the owner answers; a decline needs a reason; acceptance creates the tenancy; declines are reported per owner', async () => {
    const req = await call('carrier', 'POST', '/api/co-use/requests', { structure: { kind: 'site', id: tower }, message: 'Xin lắp 3 ăng-ten ở độ cao 30 m' });
    expect(req.statusCode, req.body).toBe(201);
    const id = req.json().id;
    expect(req.json()).toMatchObject({ status: 'pending', ownerCarrierId: towerOwner });
    expect((await call('carrier', 'POST', `/api/co-use/requests/${id}/answer`, { decision: 'accept', version: 1 })).statusCode).toBe(403);
    expect((await call('stranger', 'GET', `/api/co-use/requests/${id}`)).statusCode).toBe(403);
    expect((await call('owner', 'POST', `/api/co-use/requests/${id}/answer`, { decision: 'decline', version: 1 })).statusCode).toBe(400);
    const accepted = await call('owner', 'POST', `/api/co-use/requests/${id}/answer`, { decision: 'accept', version: 1 });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().status).toBe('accepted');
    const tenancy = await database.pool.query(`SELECT site_id, carrier_id FROM site_tenancies WHERE id = $1`, [accepted.json().tenancyId]);
    expect(tenancy.rows[0]).toMatchObject({ site_id: tower, carrier_id: applicant });

    const onConduit = await call('stranger', 'POST', '/api/co-use/requests', { structure: { kind: 'conduit', id: conduit }, quantity: 2 });
    expect(onConduit.statusCode, onConduit.body).toBe(201);
    const declined = await call('owner', 'POST', `/api/co-use/requests/${onConduit.json().id}/answer`, { decision: 'decline', reason: 'Dự phòng cho tuyến trục của chúng tôi', version: 1 });
    expect(declined.json().status).toBe('declined');
    expect((await call('carrier', 'GET', '/api/co-use/reports/owners')).statusCode).toBe(403);
    const report = await call('officer', 'GET', '/api/co-use/reports/owners');
    const mine = report.json().items.find((x: { ownerCarrierId: number }) => x.ownerCarrierId === towerOwner);
    expect(mine).toMatchObject({ received: 2, accepted: 1, declined: 1, refusalRate: 0.5 });
    expect(mine.declineReasons[0].reason).toBe('Dự phòng cho tuyến trục của chúng tôi');
  });

  it('an accepted duct request uses up the conduit’s ducts', async () => {
    const req = await call('carrier', 'POST', '/api/co-use/requests', { structure: { kind: 'conduit', id: conduit }, quantity: 2 });
    await call('owner', 'POST', `/api/co-use/requests/${req.json().id}/answer`, { decision: 'accept', version: 1 });
    const c = await database.pool.query(`SELECT ducts_used FROM conduits WHERE id = $1`, [conduit]);
    expect(c.rows[0].ducts_used).toBe(3);
    const occ = await database.pool.query(`SELECT count FROM occupancies WHERE conduit_id = $1 AND carrier_id = $2`, [conduit, applicant]);
    expect(occ.rows[0].count).toBe(2);
  });
});

/** Answers the co-location check, in case structures of earlier runs stand nearby. */
const JUSTIFIED = 'Cột hiện hữu không đủ chiều cao cho vùng phủ cần thiết';

/** Files, submits, takes into review and approves a proposal; returns the approved summary. */
async function fileAndApprove(proposal: Proposal) {
  const created = await call('carrier', 'POST', '/api/permits/applications', proposal);
  expect(created.statusCode, created.body).toBe(201);
  const submitted = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/submit`, { version: created.json().version });
  expect(submitted.statusCode, submitted.body).toBe(200);
  const review = await call('officer', 'POST', `/api/permits/applications/${created.json().id}/review`, { version: submitted.json().version });
  expect(review.statusCode, review.body).toBe(200);
  const approved = await call('officer', 'POST', `/api/permits/applications/${created.json().id}/decision`, { decision: 'approve', reason: 'Phù hợp quy hoạch', version: review.json().version });
  expect(approved.statusCode, approved.body).toBe(200);
  return approved.json() as { id: number; version: number; siteId: number | null; fibreRouteId: number | null; reference: string };
}

/** Change-log rows of one object. */
const logOf = async (objectType: string, objectId: number) =>
  (
    await database.pool.query<{ action: string; reason: string | null; request_id: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
      `SELECT action, reason, request_id, before, after FROM change_log WHERE object_type = $1 AND object_id = $2 ORDER BY id`,
      [objectType, String(objectId)],
    )
  ).rows;

describe('the tenants a site application intends to host', () => {
  it('must be other existing carriers, each once, within the tenant capacity (400 naming the entry)', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ intendedTenantCarrierIds: [applicant] }, 'facts.intendedTenantCarrierIds.0', 'invalid_value'],
      [{ intendedTenantCarrierIds: [tenantA, tenantA] }, 'facts.intendedTenantCarrierIds.1', 'duplicate'],
      [{ intendedTenantCarrierIds: [tenantA, 2_000_000_000] }, 'facts.intendedTenantCarrierIds.1', 'unknown_reference'],
      [{ tenantCapacity: 2, intendedTenantCarrierIds: [tenantA, tenantB] }, 'facts.intendedTenantCarrierIds', 'too_big'],
    ];
    for (const [extra, path, reason] of cases) {
      const res = await call('carrier', 'POST', '/api/permits/applications', siteProposal(20_000, 0, extra));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details).toContainEqual(expect.objectContaining({ path, reason }));
    }
    const draft = await call('carrier', 'POST', '/api/permits/applications', siteProposal(20_000, 0));
    const edit = await call('carrier', 'PUT', `/api/permits/applications/${draft.json().id}`, { proposal: siteProposal(20_000, 0, { intendedTenantCarrierIds: [applicant] }), version: draft.json().version });
    expect(edit.statusCode, edit.body).toBe(400);
    expect(edit.json().error.details[0].path).toBe('proposal.facts.intendedTenantCarrierIds.0');
  });

  it('become planned tenancies on approval, in its transaction and change log, and count toward site sharing once the site is built', async () => {
    await insertVillage(database.pool, 'rural', f.square(19_000, -1_000, 21_000, 1_000));
    // The commune the site will fall in (a unit of an earlier run may overlap it: compare with before).
    const commune = (
      await database.pool.query<{ id: number }>(
        `SELECT u.id FROM admin_units u JOIN admin_levels l ON l.code = u.level WHERE ST_Intersects(u.boundary, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) ORDER BY l.rank DESC, u.id LIMIT 1`,
        [JSON.stringify(f.point(20_000, 0))],
      )
    ).rows[0]!.id;
    const counts = async () => {
      const [c] = await selectComputedCounts(database.db, [commune]);
      return { activeSites: c!.activeSites, sharedSites: c!.sharedSites };
    };
    const before = await counts();

    const approved = await fileAndApprove(siteProposal(20_000, 0, { sharingJustification: JUSTIFIED, intendedTenantCarrierIds: [tenantA, tenantB] }));
    const siteId = approved.siteId!;
    const tenancies = await database.pool.query<{ id: number; carrier_id: number; until: string | null; position: string }>(
      `SELECT id, carrier_id, until, position FROM site_tenancies WHERE site_id = $1 ORDER BY id`,
      [siteId],
    );
    expect(tenancies.rows.map((t) => t.carrier_id)).toEqual([applicant, tenantA, tenantB]);
    expect(tenancies.rows.every((t) => t.until === null)).toBe(true);
    expect(tenancies.rows[1]!.position).toContain(approved.reference);
    expect((await database.pool.query(`SELECT admin_unit_id FROM sites WHERE id = $1`, [siteId])).rows[0].admin_unit_id).toBe(commune);
    // Planned: the site is only permitted, so neither it nor its tenancies count yet.
    expect(await counts()).toEqual(before);
    const approval = (await logOf('permit_application', approved.id)).find((x) => x.action === 'transition' && x.after?.status === 'approved')!;
    for (const t of tenancies.rows.slice(1)) {
      const [created] = await logOf('site_tenancy', t.id);
      expect(created).toMatchObject({ action: 'create', request_id: approval.request_id, after: { siteId, carrierId: t.carrier_id, planned: true } });
      expect(created!.reason).toContain(approved.reference);
    }

    const built = await call('carrier', 'POST', `/api/permits/applications/${approved.id}/built`, { version: approved.version });
    expect(built.statusCode, built.body).toBe(200);
    expect(await counts()).toEqual({ activeSites: before.activeSites + 1, sharedSites: before.sharedSites + 1 });
    const started = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM site_tenancies WHERE site_id = $1 AND since = CURRENT_DATE AND until IS NULL`, [siteId]);
    expect(started.rows[0]!.n).toBe(3);
  });

  it('a permitted site not built by its date lapses with its tenancies; it can no longer be reported built', async () => {
    const approved = await fileAndApprove(siteProposal(30_000, 0, { sharingJustification: JUSTIFIED, intendedTenantCarrierIds: [tenantA] }));
    const siteId = approved.siteId!;
    expect((await call('carrier', 'POST', '/api/permits/expire')).statusCode).toBe(403);
    const notYet = await call('admin', 'POST', '/api/permits/expire');
    expect(notYet.statusCode, notYet.body).toBe(200);
    expect(notYet.json().expiredSiteIds).not.toContain(siteId);
    await database.pool.query(`UPDATE sites SET permitted_until = CURRENT_DATE - 1 WHERE id = $1`, [siteId]);
    const swept = await call('admin', 'POST', '/api/permits/expire');
    expect(swept.json().expiredSiteIds).toContain(siteId);
    const site = await database.pool.query(`SELECT status FROM sites WHERE id = $1`, [siteId]);
    expect(site.rows[0].status).toBe('decommissioned');
    const running = await database.pool.query(`SELECT count(*)::int AS n FROM site_tenancies WHERE site_id = $1 AND until IS NULL`, [siteId]);
    expect(running.rows[0].n).toBe(0);
    const lapse = (await logOf('site', siteId)).at(-1)!;
    expect(lapse).toMatchObject({ action: 'decommission', before: { status: 'permitted' }, after: { status: 'decommissioned' } });
    expect(lapse.reason).toContain('Permit lapsed');
    const built = await call('carrier', 'POST', `/api/permits/applications/${approved.id}/built`, { version: approved.version });
    expect(built.statusCode).toBe(409);
  });
});

describe('route application lifecycle', () => {
  const along = (): Proposal => ({ kind: 'route', geometry: f.line([5_000, 0], [6_000, 0]), facts: { kind: 'access', fibreCount: 48, segments: [{ placement: 'aerial' }] } });
  const throughConduit = (): Proposal => ({
    kind: 'route',
    geometry: f.line([5_000, 0], [5_800, 0], [6_000, 0]),
    facts: { kind: 'access', fibreCount: 48, segments: [{ placement: 'conduit', conduitId: conduit }, { placement: 'direct_buried' }] },
  });

  it('filed along a conduit with free ducts: the stored must-use verdict names the conduit and the shared length; approval waits for an amendment that uses it; approved, it is a permitted route until reported built', async () => {
    const created = await call('carrier', 'POST', '/api/permits/applications', along());
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const submitted = await call('carrier', 'POST', `/api/permits/applications/${id}/submit`, { version: created.json().version });
    expect(submitted.json()).toMatchObject({ status: 'submitted', worstVerdict: 'fail' });
    const detail = (await call('officer', 'GET', `/api/permits/applications/${id}`)).json();
    const mu = detail.revisions[0].checks.find((c: { ruleId: string }) => c.ruleId === 'must_use_conduit');
    expect(mu.verdict).toBe('fail');
    const free = (await database.pool.query(`SELECT ducts_total - ducts_used AS n FROM conduits WHERE id = $1`, [conduit])).rows[0].n;
    expect(free).toBeGreaterThan(0);
    expect(mu.evidence.structures[0]).toMatchObject({ kind: 'conduit', id: conduit, freeDucts: free, usedByRoute: false });
    // The conduit runs 5 m off the first 800 m of the 1000 m route: 800 m alongside, 80 %.
    expect(mu.evidence.sharedLengthM).toBeGreaterThan(790);
    expect(mu.evidence.sharedLengthM).toBeLessThan(830);
    expect(mu.evidence.share).toBeGreaterThanOrEqual(0.79);
    expect(mu.features.some((x: { properties: { role: string; id?: number } }) => x.properties.role === 'structure' && x.properties.id === conduit)).toBe(true);
    expect(mu.features.some((x: { properties: { role: string } }) => x.properties.role === 'overlap')).toBe(true);

    const refused = await call('officer', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', reason: 'Thử phê duyệt khi còn vi phạm', version: submitted.json().version });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.blockingFailures).toContain('must_use_conduit');

    const amended = await call('carrier', 'POST', `/api/permits/applications/${id}/amendments`, { proposal: throughConduit(), reason: 'Kéo cáp qua cống bể sẵn có', version: submitted.json().version });
    expect(amended.statusCode, amended.body).toBe(200);
    const review = await call('officer', 'POST', `/api/permits/applications/${id}/review`, { version: amended.json().version });
    const approved = await call('officer', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', reason: 'Sử dụng cống bể dùng chung', version: review.json().version });
    expect(approved.statusCode, approved.body).toBe(200);
    const routeId = approved.json().fibreRouteId as number;
    const route = await database.pool.query(`SELECT status, owner_carrier_id, permitted_until::text AS until, (permitted_until - CURRENT_DATE) AS days, placement FROM fibre_routes WHERE id = $1`, [routeId]);
    expect(route.rows[0]).toMatchObject({ status: 'permitted', owner_carrier_id: applicant, placement: 'conduit' });
    expect(route.rows[0].days).toBeGreaterThanOrEqual(180);
    expect(route.rows[0].days).toBeLessThanOrEqual(185);
    expect((await logOf('fibre_route', routeId))[0]).toMatchObject({ action: 'create', after: { status: 'permitted', permittedUntil: route.rows[0].until } });
    const letter = await call('carrier', 'GET', `/api/permits/applications/${id}/decision-letter.html`);
    expect(letter.body).toContain(`trước ngày ${route.rows[0].until}`);

    expect(approved.json().assetStatus).toBe('permitted');
    const built = await call('carrier', 'POST', `/api/permits/applications/${id}/built`, { version: approved.json().version });
    expect(built.statusCode, built.body).toBe(200);
    // The summary carries the route's status, so a reloaded list no longer offers "report built" again.
    expect(built.json().assetStatus).toBe('active');
    expect((await database.pool.query(`SELECT status FROM fibre_routes WHERE id = $1`, [routeId])).rows[0].status).toBe('active');
    expect((await logOf('fibre_route', routeId)).at(-1)).toMatchObject({ action: 'update', before: { status: 'permitted' }, after: { status: 'active' } });
    const again = await call('carrier', 'POST', `/api/permits/applications/${id}/built`, { version: built.json().version });
    expect(again.statusCode).toBe(409);
    const history = (await call('carrier', 'GET', `/api/permits/applications/${id}`)).json().history;
    expect(history.filter((x: { action: string }) => x.action === 'transition').map((x: { after: { status: string } }) => x.after.status)).toEqual(['submitted', 'submitted', 'under_review', 'approved']);
    expect(history.at(-1)).toMatchObject({ action: 'update', reason: 'Reported built', after: { routeBuilt: routeId } });
  });

  it('a permitted route not reported built by its date lapses like a site', async () => {
    const approved = await fileAndApprove({ kind: 'route', geometry: f.line([40_000, 0], [41_000, 0]), facts: { kind: 'access', fibreCount: 24, segments: [{ placement: 'direct_buried' }] } });
    const routeId = approved.fibreRouteId!;
    await database.pool.query(`UPDATE fibre_routes SET permitted_until = CURRENT_DATE - 1 WHERE id = $1`, [routeId]);
    const swept = await call('admin', 'POST', '/api/permits/expire');
    expect(swept.statusCode, swept.body).toBe(200);
    expect(swept.json().expiredRouteIds).toContain(routeId);
    expect((await database.pool.query(`SELECT status FROM fibre_routes WHERE id = $1`, [routeId])).rows[0].status).toBe('decommissioned');
    const lapse = (await logOf('fibre_route', routeId)).at(-1)!;
    expect(lapse).toMatchObject({ action: 'decommission', before: { status: 'permitted' }, after: { status: 'decommissioned' } });
    const built = await call('carrier', 'POST', `/api/permits/applications/${approved.id}/built`, { version: approved.version });
    expect(built.statusCode).toBe(409);
    expect(built.json().error.routeStatus).toBe('decommissioned');
  });
});

describe('the remaining transitions, and moves that are none', () => {
  const transitions = async (id: number) =>
    (await call('carrier', 'GET', `/api/permits/applications/${id}`))
      .json()
      .history.filter((x: { action: string }) => x.action === 'transition')
      .map((x: { after: { status: string } }) => x.after.status);

  it('a draft withdrawn is closed: it can no longer be submitted', async () => {
    const created = await call('carrier', 'POST', '/api/permits/applications', siteProposal(50_000, 0, { sharingJustification: JUSTIFIED }));
    const withdrawn = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/withdraw`, { version: created.json().version, reason: 'Nộp nhầm' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json().status).toBe('withdrawn');
    const submit = await call('carrier', 'POST', `/api/permits/applications/${created.json().id}/submit`, { version: withdrawn.json().version });
    expect(submit.statusCode).toBe(409);
    expect(await transitions(created.json().id)).toEqual(['withdrawn']);
  });

  it('under review: the officer cannot change the facts; an amendment sends it back to the queue; rejected, it is closed', async () => {
    const created = await call('carrier', 'POST', '/api/permits/applications', siteProposal(52_000, 0, { sharingJustification: JUSTIFIED }));
    const id = created.json().id as number;
    const submitted = await call('carrier', 'POST', `/api/permits/applications/${id}/submit`, { version: created.json().version });
    const review = await call('officer', 'POST', `/api/permits/applications/${id}/review`, { version: submitted.json().version });
    expect(review.json().status).toBe('under_review');
    let version = review.json().version as number;
    expect((await call('carrier', 'POST', `/api/permits/applications/${id}/review`, { version })).statusCode).toBe(403);
    expect((await call('officer', 'PUT', `/api/permits/applications/${id}`, { proposal: siteProposal(52_010, 0), version })).statusCode).toBe(403);
    expect((await call('officer', 'POST', `/api/permits/applications/${id}/amendments`, { proposal: siteProposal(52_010, 0), reason: 'Cán bộ tự sửa', version })).statusCode).toBe(403);
    expect((await call('carrier', 'PUT', `/api/permits/applications/${id}`, { proposal: siteProposal(52_010, 0), version })).statusCode).toBe(409);
    const amended = await call('carrier', 'POST', `/api/permits/applications/${id}/amendments`, { proposal: siteProposal(52_010, 0, { sharingJustification: JUSTIFIED }), reason: 'Điều chỉnh vị trí theo góp ý', version });
    expect(amended.statusCode, amended.body).toBe(200);
    expect(amended.json()).toMatchObject({ status: 'submitted', currentRevision: 2 });
    const again = await call('officer', 'POST', `/api/permits/applications/${id}/review`, { version: amended.json().version });
    const rejected = await call('officer', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'reject', reason: 'Chưa phù hợp quy hoạch khu vực', version: again.json().version });
    expect(rejected.statusCode, rejected.body).toBe(200);
    version = rejected.json().version;
    expect(rejected.json().siteId).toBeNull();
    expect((await call('officer', 'POST', `/api/permits/applications/${id}/decision`, { decision: 'approve', reason: 'Đổi ý phê duyệt', version })).statusCode).toBe(409);
    expect((await call('carrier', 'POST', `/api/permits/applications/${id}/withdraw`, { version, reason: 'Rút hồ sơ' })).statusCode).toBe(409);
    expect((await call('carrier', 'POST', `/api/permits/applications/${id}/built`, { version })).statusCode).toBe(409);
    expect(await transitions(id)).toEqual(['submitted', 'under_review', 'submitted', 'under_review', 'rejected']);
  });

  it('the applicant may withdraw while under review; an approved application cannot be withdrawn or reviewed again', async () => {
    const created = await call('carrier', 'POST', '/api/permits/applications', siteProposal(54_000, 0, { sharingJustification: JUSTIFIED }));
    const id = created.json().id as number;
    const submitted = await call('carrier', 'POST', `/api/permits/applications/${id}/submit`, { version: created.json().version });
    const review = await call('officer', 'POST', `/api/permits/applications/${id}/review`, { version: submitted.json().version });
    const withdrawn = await call('carrier', 'POST', `/api/permits/applications/${id}/withdraw`, { version: review.json().version, reason: 'Đổi phương án' });
    expect(withdrawn.json().status).toBe('withdrawn');
    expect(await transitions(id)).toEqual(['submitted', 'under_review', 'withdrawn']);

    const approved = await fileAndApprove(siteProposal(56_000, 0, { sharingJustification: JUSTIFIED }));
    expect((await call('carrier', 'POST', `/api/permits/applications/${approved.id}/withdraw`, { version: approved.version, reason: 'Rút' })).statusCode).toBe(409);
    expect((await call('officer', 'POST', `/api/permits/applications/${approved.id}/review`, { version: approved.version })).statusCode).toBe(409);
    expect((await call('stranger', 'POST', `/api/permits/applications/${approved.id}/built`, { version: approved.version })).statusCode).toBe(403);
  });
});
