import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSession, login, screenshot, waitForOverlayMap } from './harness';

// Part-2 screens in a real browser over the real server and the default
// dataset: the plan dashboard (with the 100 % rule named in the form), a
// carrier registering a site by clicking the map and filing it after the
// pre-check, the officer approving it and opening the decision letter, and
// another carrier not seeing the first one's application.

const e2e = e2eSession({ beforeAll, afterAll });

describe('plan dashboard', () => {
  it('shows every indicator against its target with charts, refuses a percentage over 100 naming the field, and exports', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'planner');
    await page.goto('/plan');
    await page.getByTestId('indicator-table').waitFor();
    const rows = await page.getByTestId('indicator-table').locator('tbody tr').count();
    expect(rows).toBeGreaterThanOrEqual(10);
    await expect.poll(() => page.getByTestId('target-line').count()).toBeGreaterThan(0);
    await screenshot(page, 'part2-dashboard');

    const form = page.getByTestId('kpi-entry-form');
    const option = await form.locator('#kpi-indicator option', { hasText: '%' }).first().getAttribute('value');
    await form.locator('#kpi-indicator').selectOption(option!);
    await form.locator('#kpi-value').fill('101');
    await form.getByRole('button').click();
    const error = page.getByTestId('error-value');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/\(value\).*100/);
    await form.scrollIntoViewIfNeeded();
    await screenshot(page, 'part2-dashboard-refused');

    const csv = await page.request.get('/api/kpi/dashboard.csv?lang=vi');
    expect(csv.status()).toBe(200);
    expect((await csv.text()).startsWith('\uFEFFMã chỉ tiêu')).toBe(true);
    const xlsx = await page.request.get('/api/kpi/dashboard.xlsx');
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
    await context.close();
  });
});

describe('carrier files a site, the officer approves it', () => {
  let reference = '';

  it('a carrier places a tower by clicking the map, pre-checks it and files it', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'viettel');
    await page.goto('/carrier');
    await waitForOverlayMap(page, 'carrier-map', '__p2Map');
    const box = (await page.getByTestId('carrier-map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('site-position').textContent()).toMatch(/\d+\.\d{5}/);
    await page.getByTestId('precheck').click();
    await page.getByTestId('precheck-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('precheck-report').locator('li').count()).toBeGreaterThan(0);
    await screenshot(page, 'part2-carrier-precheck');
    await page.locator('#site-justification').fill('Khu vực chưa có công trình dùng chung phù hợp (kiểm thử)');
    await page.getByTestId('file').click();
    const filed = page.getByTestId('filed');
    await filed.waitFor({ timeout: 60_000 });
    reference = /([A-Z0-9][\w/.-]+)/.exec((await filed.textContent())!.replace(/^[^A-Z0-9]*/, ''))?.[1] ?? '';
    expect(reference).not.toBe('');
    await screenshot(page, 'part2-carrier-filed');
    await context.close();
  });

  it('another carrier does not see that application', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'vnpt');
    await page.goto('/carrier');
    await page.getByTestId('my-applications').waitFor();
    await page.waitForTimeout(1000);
    expect(await page.getByTestId('my-applications').textContent()).not.toContain(reference);
    await context.close();
  });

  it('the officer finds it in the queue, sees the checks on the map, approves it and opens the letter', async () => {
    const { page, context } = await e2e.newPage();
    await login(page, 'officer');
    await page.goto('/desk');
    await page.getByTestId('desk-queue').waitFor({ timeout: 60_000 });
    await screenshot(page, 'part2-desk-queue');
    await page.locator(`tr[data-reference="${reference}"] button`).click();
    await page.getByTestId('application-view').waitFor();
    await waitForOverlayMap(page, 'evidence-map', '__p2Map');
    await screenshot(page, 'part2-desk-application');
    await page.locator('#decision-reason').fill('Phù hợp quy hoạch, đạt các điều kiện kỹ thuật (kiểm thử)');
    await page.getByTestId('decision-form').getByRole('button').click();
    await page.getByTestId('decision-letter').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('application-status').textContent()).toMatch(/chấp thuận|Approved/i);
    await screenshot(page, 'part2-desk-decided');
    const href = await page.getByTestId('letter-html').getAttribute('href');
    const letter = await page.request.get(href!);
    expect(letter.status()).toBe(200);
    expect(await letter.text()).toContain(reference);
    await context.close();
  });
});
