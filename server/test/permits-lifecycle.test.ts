import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Proposal } from '@registry/shared/schemas/permits';
import { buildTestApp, createTestUser, loginHeaders, testDatabase } from './helpers';
import { insertCarrier, insertConduit, insertSite, insertZone, makeFrame } from './permits-fixtures';

// The permit desk end to end over real HTTP and PostGIS, as the three roles:
// a carrier files, an officer decides, a planner reads; forbidden moves are
// refused; evidence names the zone, the tower and the conduit.

const database = testDatabase();
const f = makeFrame();
let app: FastifyInstance;
let storageDir: string;
let applicant: number;
let towerOwner: number;
let tower: number;
let conduit: number;
let noBuildZone: number;
const h: Record<'carrier' | 'owner' | 'officer' | 'planner' | 'stranger', Record<string, string>> = {} as never;

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
  tower = await insertSite(pool, towerOwner, f.point(200, 0), { capacity: 3 });
  conduit = await insertConduit(pool, towerOwner, f.line([5_000, 5], [5_800, 5]), 6, 1);
  noBuildZone = await insertZone(pool, 'no_build', 'Khu di tích quốc gia Thử', f.square(9_800, -200, 10_200, 200));
  const users = {
    carrier: await createTestUser(pool, 'carrier', applicant),
    owner: await createTestUser(pool, 'carrier', towerOwner),
    stranger: await createTestUser(pool, 'carrier', strangerCarrier),
    officer: await createTestUser(pool, 'officer'),
    planner: await createTestUser(pool, 'planner'),
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
