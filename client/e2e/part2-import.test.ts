import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { allKeys, e2eSession, login, mapPointOnPage, screenshot, waitForOverlayMap } from './harness';

// Part-2 screens, second set, in a real browser over the real server and the
// default dataset: a carrier's bulk import (one bad row named in the dry run,
// fixed, committed with a progress bar); a site registered and edited with its
// sectors in the form and its history diff; a route drawn with snapping; a
// co-use request from the map panel, declined with a mandatory reason; what
// another carrier does not see; an approved site reported built changing the
// coverage the planner sees. Screenshots go to test-results/e2e/part2-*.

const e2e = e2eSession({ beforeAll, afterAll });
const RUN = Date.now().toString(36).toUpperCase();

/** A logged-in page's JSON write through the API (the session's CSRF token). */
async function apiWrite<T>(page: Page, method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> {
  const me = (await (await page.request.get('/api/auth/me')).json()) as { csrfToken: string };
  const r = await page.request.fetch(path, { method, data: body as object, headers: { 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' } });
  if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Waits for the site form's saved line; on an error, a screenshot and the error's text. */
async function savedOrError(page: Page) {
  const saved = page.getByTestId('site-saved');
  const failed = page.getByTestId('site-editor').locator('.status-error, .p2-field-error').first();
  await saved.or(failed).waitFor({ timeout: 60_000 });
  if (!(await saved.isVisible())) {
    await screenshot(page, 'part2-site-save-failed');
    throw new Error(`site not saved: ${await page.getByTestId('site-editor').locator('.status-error, .p2-field-error').allTextContents()}`);
  }
}

/** The filed notice's application reference (the carrier's "filed" line). */
async function filedReference(page: Page, testId: string): Promise<string> {
  await page.getByTestId(testId).waitFor({ timeout: 90_000 });
  const reference = /([A-Z0-9][\w/.-]+)/.exec((await page.getByTestId(testId).textContent())!.replace(/^[^A-Z0-9]*/, ''))?.[1];
  expect(reference, 'a reference in the filed notice').toBeTruthy();
  return reference!;
}

/** The officer opens the application from the desk queue and approves it with a reason. */
async function approveOnDesk(reference: string, reason: string): Promise<void> {
  const { page: officer, context } = await e2e.newPage();
  await login(officer, 'officer');
  await officer.goto('/desk');
  await officer.getByTestId('desk-queue').waitFor({ timeout: 60_000 });
  await officer.locator(`tr[data-reference="${reference}"] button`).click();
  await officer.getByTestId('application-view').waitFor();
  await officer.locator('#decision-reason').fill(reason);
  await officer.getByTestId('decision-form').getByRole('button').click();
  await officer.getByTestId('decision-letter').waitFor({ timeout: 90_000 });
  expect(await officer.getByTestId('application-status').textContent()).toMatch(/chấp thuận|Approved/i);
  await context.close();
}

/** The carrier reloads its page and reports the approved application built from its list. */
async function reportBuiltOnCarrierPage(carrier: Page, reference: string): Promise<void> {
  await carrier.reload();
  const row = carrier.locator(`[data-testid="my-applications"] tr[data-reference="${reference}"]`);
  await row.getByTestId('report-built').click({ timeout: 60_000 });
  await expect.poll(() => carrier.getByTestId('built-done').textContent(), { timeout: 90_000 }).toContain(reference);
  await carrier.getByTestId('my-applications').scrollIntoViewIfNeeded();
}

function sitesCsv(rows: string[][]): string {
  return ['code,name,structure_type,height_m,tenant_capacity,lon,lat', ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

describe('bulk import', () => {
  it('a carrier imports a CSV with one bad row, sees it named in the dry run, fixes it and commits with a progress bar', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'viettel');
    await page.goto('/imports');
    await page.getByTestId('import-form').waitFor();
    // The CRS chooser lists the national datum's zones.
    await expect.poll(() => page.getByTestId('import-crs').locator('option').count()).toBeGreaterThan(5);
    const crsText = await page.getByTestId('import-crs').textContent();
    expect(crsText).toContain('VN-2000');
    expect(crsText).toMatch(/múi chiếu 3°/);
    await page.locator('#import-type').selectOption('sites');

    const good = (i: number): string[] => [`E2E-IMP-${RUN}-${i}`, `Trạm nhập ${i}`, 'monopole', '25', '2', (106.19 + i * 0.004).toFixed(5), '21.27000'];
    const bad = [`E2E-IMP-${RUN}-2`, 'Trạm lỗi', 'monopole', '-5', '2', '106.19800', '21.27000'];
    await page.getByTestId('import-file').setInputFiles({ name: `tram-${RUN}.csv`, mimeType: 'text/csv', buffer: Buffer.from(sitesCsv([good(1), bad, good(3)])) });
    await screenshot(page, 'part2-import-form');
    await page.getByTestId('import-upload').click();
    const job = page.getByTestId('import-job');
    await job.and(page.locator('[data-status="validated"]')).waitFor({ timeout: 120_000 });
    // Row 2 is named with the field and the reason.
    const row2 = page.locator('[data-testid="import-rows"] tr[data-row="2"]');
    await row2.waitFor();
    expect(await row2.textContent()).toMatch(/height_m/);
    expect(await page.getByTestId('import-fix-first').isVisible()).toBe(true);
    expect(await page.getByTestId('import-commit').count()).toBe(0);
    // Filter: errors only → just row 2; action "create" → rows 1 and 3.
    await page.getByTestId('import-errors-only').check();
    await expect.poll(() => page.locator('[data-testid="import-rows"] tbody tr').count()).toBe(1);
    await screenshot(page, 'part2-import-dry-run-errors');
    await page.getByTestId('import-errors-only').uncheck();
    await page.getByTestId('import-action-filter').selectOption('create');
    await expect.poll(() => page.locator('[data-testid="import-rows"] tbody tr').count()).toBe(2);
    // The row errors download as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-download-errors').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toMatch(/^\uFEFFrow,code,action,field,reason,message/);
    expect(csv).toContain(`2,E2E-IMP-${RUN}-2,skip,height_m`);

    // Fixed file: upload again and commit.
    await page.getByTestId('import-new').click();
    await page.locator('#import-type').selectOption('sites');
    const fixed = [...bad];
    fixed[3] = '30';
    await page.getByTestId('import-file').setInputFiles({ name: `tram-${RUN}-sua.csv`, mimeType: 'text/csv', buffer: Buffer.from(sitesCsv([good(1), fixed, good(3)])) });
    await page.getByTestId('import-upload').click();
    await job.and(page.locator('[data-status="validated"]')).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-status').textContent()).toMatch(/0 dòng lỗi/);
    await page.getByTestId('import-commit').click();
    await page.getByTestId('import-progress-bar').waitFor({ timeout: 30_000 });
    await screenshot(page, 'part2-import-committing');
    await job.and(page.locator('[data-status="committed"]')).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-progress').textContent()).toMatch(/3/);
    expect(await page.getByTestId('import-progress-bar').getAttribute('value')).toBe('3');
    await screenshot(page, 'part2-import-committed');
    const check = await page.request.get(`/api/sites?code=E2E-IMP-${RUN}-2`);
    const found = (await check.json()) as { items: { heightM: number }[] };
    expect(found.items[0]?.heightM).toBe(30);
    await context.close();
  });
});

describe('carrier sites, routes, co-use and what other carriers see', () => {
  const code = `E2E-UI-${RUN}`;
  const secret = `HD-MAT-${RUN}`;
  let siteId = 0;
  let draftReference = '';

  it('registers a site with a sector in the form (errors as the API words them), edits it and sees the change in its history diff', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'viettel');
    await page.goto('/carrier');
    await page.getByTestId('tab-sites').click();
    await page.getByTestId('site-new').click();
    await waitForOverlayMap(page, 'site-editor-map', '__p2Map');
    await page.evaluate(() => window.__p2Map!.map.jumpTo({ center: [106.23, 21.29], zoom: 14 }));
    const box = (await page.getByTestId('site-editor-map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('site-editor-position').textContent()).toMatch(/\d+\.\d{5}/);
    await page.locator('#se-code').fill(code);
    await page.locator('#se-height').fill('400');
    await page.locator('#se-contract').fill(secret);
    await page.getByTestId('sector-add').click();
    await page.getByTestId('sector-0-bandMhz').fill('99999');
    await page.getByTestId('site-save').click();
    // The shared schema's limits, worded as the API words them, next to the fields.
    await page.getByTestId('error-heightM').waitFor();
    await page.getByTestId('error-sectors.0.bandMhz').waitFor();
    await page.getByTestId('site-editor').scrollIntoViewIfNeeded();
    await screenshot(page, 'part2-site-form-errors');
    await page.locator('#se-height').fill('36');
    await page.getByTestId('sector-0-bandMhz').fill('1800');
    await page.getByTestId('sector-0-antennaHeightM').fill('34');
    await page.getByTestId('site-save').click();
    await savedOrError(page);
    const list = (await (await page.request.get(`/api/sites?code=${code}`)).json()) as { items: { id: number }[] };
    siteId = list.items[0]!.id;
    expect(siteId).toBeGreaterThan(0);

    // Edit: height 36 → 42, one more sector.
    await page.locator(`tr[data-site="${code}"] [data-testid="site-edit"]`).click();
    await page.locator('#se-height').waitFor();
    await expect.poll(() => page.locator('#se-height').inputValue()).toBe('36');
    await page.locator('#se-height').fill('42');
    await page.getByTestId('sector-add').click();
    await page.getByTestId('site-save').click();
    await savedOrError(page);
    const detail = (await (await page.request.get(`/api/sites/${siteId}`)).json()) as { heightM: number; sectors: unknown[]; contractRef: string };
    expect(detail.heightM).toBe(42);
    expect(detail.sectors.length).toBe(2);
    expect(detail.contractRef).toBe(secret);

    // The history panel: the update entry, its diff with heightM highlighted.
    const history = page.getByTestId('history-panel');
    await history.locator('[data-testid="history-entry"][data-action="update"]').first().waitFor({ timeout: 30_000 });
    await history.locator('[data-testid="history-entry"][data-action="update"] [data-testid="history-toggle"]').first().click();
    const changed = history.locator('[data-testid="diff-table"] tr[data-field="heightM"][data-kind="changed"]');
    await changed.waitFor();
    expect(await changed.textContent()).toMatch(/36.*42/);
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, 'part2-site-history-diff');

    // A draft application (not submitted) for the next test.
    const draft = await apiWrite<{ reference: string }>(page, 'POST', '/api/permits/applications', {
      kind: 'site',
      geometry: { type: 'Point', coordinates: [106.24, 21.3] },
      facts: { structureType: 'monopole', heightM: 20, tenantCapacity: 2, technologies: ['4G'] },
    });
    draftReference = draft.reference;
    await context.close();
  });

  it('draws a route that snaps to poles, pre-checks it with the spare capacity along it drawn on the map', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'viettel');
    await page.goto('/carrier');
    await page.getByTestId('tab-route').click();
    await waitForOverlayMap(page, 'route-map', '__routeMap');
    const poles = await page.waitForFunction(
      () => {
        const m = window.__routeMap!.map;
        if (!m.getLayer('poles-circle')) return null;
        const found = m.queryRenderedFeatures({ layers: ['poles-circle'] });
        const points = found.flatMap((f) => (f.geometry.type === 'Point' ? [{ lonLat: f.geometry.coordinates, code: (f.properties.code as string | undefined) ?? null }] : []));
        return points.length >= 2 ? points.slice(0, 2) : null;
      },
      null,
      { timeout: 90_000, polling: 500 },
    );
    const [p1, p2] = (await poles.jsonValue()) as { lonLat: [number, number]; code: string | null }[];
    // Click 5 px off the first pole (snaps), then exactly on the second, then a free point.
    const a = await mapPointOnPage(page, p1!.lonLat, '__routeMap');
    await page.mouse.click(a.x + 4, a.y + 3);
    await expect.poll(() => page.locator('.p2-vertex-list li').count()).toBe(1);
    await page.waitForTimeout(700); // not a double click (which zooms)
    const b = await mapPointOnPage(page, p2!.lonLat, '__routeMap');
    await page.mouse.click(b.x, b.y);
    await expect.poll(() => page.locator('.p2-vertex-list li').count()).toBe(2);
    await page.waitForTimeout(700);
    const c = await mapPointOnPage(page, [(p2!.lonLat[0] + p1!.lonLat[0]) / 2 + 0.0015, (p2!.lonLat[1] + p1!.lonLat[1]) / 2 + 0.0012], '__routeMap');
    await page.mouse.click(c.x, c.y);
    await expect.poll(() => page.locator('.p2-vertex-list li').count()).toBe(3);
    expect(await page.locator('.p2-vertex-list li[data-snapped]').count()).toBeGreaterThanOrEqual(2);
    const first = await page.locator('.p2-vertex-list li').first().textContent();
    expect(first).toContain(p1!.lonLat[1].toFixed(5));
    await page.getByTestId('route-precheck').click();
    await page.getByTestId('route-precheck-report').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('route-precheck-report').locator('li').count()).toBeGreaterThan(0);
    await page.getByTestId('route-nearby').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await screenshot(page, 'part2-route-precheck');
    await context.close();
  });

  it('another carrier does not see the draft nor the confidential contract, and sends a co-use request from the map panel', async () => {
    const { page, context, errors } = await e2e.newPage();
    await login(page, 'vnpt');
    await page.goto('/carrier');
    await page.getByTestId('my-applications').waitFor();
    await page.waitForTimeout(1000);
    expect(await page.getByTestId('my-applications').textContent()).not.toContain(draftReference);
    const apps = (await (await page.request.get('/api/permits/applications?limit=200')).json()) as { items: { reference: string }[] };
    expect(apps.items.map((x) => x.reference)).not.toContain(draftReference);

    const responses: unknown[] = [];
    page.on('response', (r) => {
      if (r.url().includes(`/api/sites/${siteId}`) && r.request().method() === 'GET') responses.push(r.json().catch(() => null));
    });
    await page.goto(`/?map=15/21.29/106.23&sel=sites:${siteId}`);
    const panel = page.getByTestId('feature-panel');
    await panel.waitFor({ timeout: 60_000 });
    await expect.poll(() => panel.textContent(), { timeout: 30_000 }).toContain(code);
    await panel.getByTestId('history-panel').waitFor();
    const text = (await panel.textContent()) ?? '';
    expect(text).not.toContain(secret);
    const bodies = await Promise.all(responses);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const keys = allKeys(body);
      expect(keys.has('contractRef')).toBe(false);
      expect(keys.has('monthlyRentVnd')).toBe(false);
    }
    // The history of another carrier's site is not theirs to read.
    await expect.poll(() => panel.getByTestId('history-panel').textContent(), { timeout: 30_000 }).toMatch(/Chỉ chủ sở hữu/);

    await panel.getByTestId('panel-co-use-open').click();
    await panel.getByTestId('co-use-form').locator('textarea').fill(`Xin treo cáp trên trạm ${code} (kiểm thử)`);
    await panel.getByTestId('co-use-send').click();
    await panel.getByTestId('co-use-sent').waitFor({ timeout: 30_000 });
    await screenshot(page, 'part2-map-panel-co-use');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the owner declines the request only with a reason', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'viettel');
    await page.goto('/carrier');
    const inbox = page.getByTestId('co-use-inbox');
    const item = inbox.locator('li', { hasText: code }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.getByTestId('co-use-decline').click();
    await item.getByTestId('decline-form').getByRole('button').first().click();
    await item.getByTestId('error-reason').waitFor();
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'part2-co-use-decline-reason');
    await item.getByTestId('decline-form').locator('textarea').fill('Trạm đã đủ tải, không còn chỗ lắp thiết bị (kiểm thử)');
    await item.getByTestId('decline-form').getByRole('button').first().click();
    await expect.poll(() => inbox.locator('li', { hasText: code }).count(), { timeout: 30_000 }).toBe(0);
    await context.close();
  });
});

describe('approval, built, coverage', () => {
  it('after the officer approves a site and the carrier reports it built, the planner sees the village coverage change', async () => {
    // A village short of the 4G target, and a point in its uncovered part.
    const { page: planner, context: plannerContext } = await e2e.newPage();
    await login(planner, 'planner');
    const below = (await (await planner.request.get('/api/coverage/villages?technology=4G&belowTarget=true&sort=uncovered_desc&limit=5')).json()) as { items: { villageId: number; share: number; uncoveredUnits: number }[] };
    expect(below.items.length).toBeGreaterThan(0);
    const village = below.items[0]!;
    const detail = (await (await planner.request.get(`/api/coverage/villages/${village.villageId}`)).json()) as { gaps: Record<string, unknown>; shares: { technology: string; carrierId: number | null; share: number }[] };
    const gap = detail.gaps['4G'] as { type: string; coordinates: unknown };
    const { rows } = await e2e.server.app.database.pool.query<{ lon: number; lat: number }>(
      'SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(ST_GeomFromGeoJSON($1)) AS p) s',
      [JSON.stringify(gap)],
    );
    const target: [number, number] = [rows[0]!.lon, rows[0]!.lat];
    const shareBefore = detail.shares.find((s) => s.technology === '4G' && s.carrierId === null)!.share;
    await planner.goto(`/?map=14/${target[1]}/${target[0]}&sel=villages:${village.villageId}`);
    await planner.getByTestId('feature-panel').locator('table').waitFor({ timeout: 60_000 });
    await screenshot(planner, 'part2-coverage-before');

    // The carrier files a tower there.
    const { page: carrier, context: carrierContext } = await e2e.newPage();
    await login(carrier, 'viettel');
    await carrier.goto('/carrier');
    await waitForOverlayMap(carrier, 'carrier-map', '__p2Map');
    await carrier.evaluate((c) => window.__p2Map!.map.jumpTo({ center: c, zoom: 15 }), target);
    const box = (await carrier.getByTestId('carrier-map').boundingBox())!;
    await carrier.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => carrier.getByTestId('site-position').textContent()).toMatch(/\d+\.\d{5}/);
    await carrier.locator('#site-height').fill('45');
    await carrier.locator('#site-justification').fill('Thôn chưa đạt chỉ tiêu 4G, không có công trình dùng chung trong bán kính (kiểm thử)');
    await carrier.getByTestId('file').click();
    const reference = await filedReference(carrier, 'filed');

    await approveOnDesk(reference, 'Phù hợp quy hoạch, lấp vùng lõm sóng 4G (kiểm thử)');

    // The carrier reports it built.
    await reportBuiltOnCarrierPage(carrier, reference);
    await screenshot(carrier, 'part2-carrier-built');
    await carrierContext.close();

    // The planner sees the village's 4G share rise.
    const after = (await (await planner.request.get(`/api/coverage/villages/${village.villageId}`)).json()) as { shares: { technology: string; carrierId: number | null; share: number }[] };
    const shareAfter = after.shares.find((s) => s.technology === '4G' && s.carrierId === null)!.share;
    expect(shareAfter).toBeGreaterThan(shareBefore);
    const beforeText = await planner.getByTestId('feature-panel').locator('table').textContent();
    await planner.reload();
    await planner.getByTestId('feature-panel').locator('table').waitFor({ timeout: 60_000 });
    await expect.poll(() => planner.getByTestId('feature-panel').locator('table').textContent(), { timeout: 30_000 }).not.toBe(beforeText);
    await screenshot(planner, 'part2-coverage-after');
    await plannerContext.close();
  });

  it('a carrier draws a fibre route, files it, the officer approves it and the carrier reports it built: the route is active on the server', async () => {
    const { page: carrier, context } = await e2e.newPage();
    await login(carrier, 'viettel');
    await carrier.goto('/carrier');
    await carrier.getByTestId('tab-route').click();
    await waitForOverlayMap(carrier, 'route-map', '__routeMap');
    // Three vertices clicked on the map (apart in time: not a double click, which zooms).
    const box = (await carrier.getByTestId('route-map').boundingBox())!;
    const clicks: [number, number][] = [[-120, 60], [0, -20], [140, 30]];
    for (const [i, [dx, dy]] of clicks.entries()) {
      if (i > 0) await carrier.waitForTimeout(700);
      await carrier.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
      await expect.poll(() => carrier.locator('.p2-vertex-list li').count()).toBe(i + 1);
    }
    // The vertices as the form lists them ("lat, lon", 5 decimals; a snapped one is the pole's position).
    const drawn = (await carrier.locator('.p2-vertex-list li').allTextContents()).map((text) => {
      const [lat, lon] = text.split(',').map((x) => Number.parseFloat(x));
      return [lon!, lat!] as [number, number];
    });
    const name = `Tuyến E2E ${RUN}`;
    await carrier.locator('#route-kind').selectOption('distribution');
    await carrier.locator('#route-placement').selectOption('aerial');
    await carrier.locator('#route-fibres').fill('48');
    await carrier.locator('#route-name').fill(name);
    await carrier.locator('#route-justification').fill('Kéo cáp phân phối cho khu dân cư mới (kiểm thử)');
    await carrier.getByTestId('route-file').click();
    const reference = await filedReference(carrier, 'route-filed');

    await approveOnDesk(reference, 'Tuyến treo trên cột hiện có, phù hợp quy hoạch (kiểm thử)');
    const approved = (await (await carrier.request.get(`/api/permits/applications?limit=200`)).json()) as { items: { id: number; reference: string; kind: string; fibreRouteId: number | null }[] };
    const application = approved.items.find((a) => a.reference === reference)!;
    expect(application.kind).toBe('route');
    expect(application.fibreRouteId).not.toBeNull();
    const routeUrl = `/api/fibre-routes/${application.fibreRouteId}`;
    type Route = { status: string; name: string; kind: string; fibreCount: number; ownerCarrierCode: string; geometry: { type: string; coordinates: [number, number][] } };
    expect(((await (await carrier.request.get(routeUrl)).json()) as Route).status).toBe('permitted');

    await reportBuiltOnCarrierPage(carrier, reference);
    await screenshot(carrier, 'part2-carrier-route-built');
    // Reported once: the row offers it no more.
    expect(await carrier.locator(`tr[data-reference="${reference}"] [data-testid="report-built"]`).count()).toBe(0);

    // The server's state: the permitted route is now active, as drawn and described, and the change is in its history.
    const route = (await (await carrier.request.get(routeUrl)).json()) as Route;
    expect(route).toMatchObject({ status: 'active', name, kind: 'distribution', fibreCount: 48, ownerCarrierCode: 'VIETTEL' });
    expect(route.geometry.type).toBe('LineString');
    expect(route.geometry.coordinates.length).toBe(drawn.length);
    route.geometry.coordinates.forEach(([lon, lat], i) => {
      expect(lon).toBeCloseTo(drawn[i]![0], 5);
      expect(lat).toBeCloseTo(drawn[i]![1], 5);
    });
    const history = (await (await carrier.request.get(`${routeUrl}/history`)).json()) as { items: { action: string; after: unknown; reason: string | null; username: string | null }[] };
    expect(history.items).toContainEqual(expect.objectContaining({ action: 'update', after: expect.objectContaining({ status: 'active' }), reason: `Built under permit ${reference}`, username: 'viettel' }));
    await context.close();
  });
});
