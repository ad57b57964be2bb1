import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { e2eSession, EVENTUALLY, login, mapPointOnPage, screenshot, waitForMapIdle, waitForVillages } from './harness';

// A planner's session: the below-target list matches the API, a row zooms to
// the village and draws its gap, and a what-if candidate placed by clicking the
// map shows the before/after table without saving anything.

const e2e = e2eSession({ beforeAll, afterAll });
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await e2e.newPage());
  await login(page, 'planner');
});

afterAll(async () => {
  await context?.close();
});

interface Flagged {
  items: { villageId: number; name: string; uncoveredUnits: number }[];
  total: number;
}

describe('planner', () => {
  it('sees the flagged villages the API lists, sorted by uncovered households', async () => {
    await page.goto('/');
    await waitForVillages(page);
    await page.getByRole('tab', { name: 'Thôn chưa đạt chỉ tiêu' }).click();
    const table = page.getByTestId('below-table');
    await table.waitFor();
    const api = (await (await context.request.get('/api/coverage/villages?belowTarget=true&technology=4G&sort=uncovered_desc&limit=1000')).json()) as Flagged;
    expect(Number(await page.getByTestId('below-count').getAttribute('data-total'))).toBe(api.total);
    const rowIds = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-village-id'))));
    // The first page (100 rows) at once, the next on "show more": together, the API's list in its order.
    expect(await rowIds()).toEqual(api.items.slice(0, 100).map((v) => v.villageId));
    expect(api.total).toBeGreaterThan(100);
    await page.getByTestId('below-more').click();
    await expect.poll(() => table.locator('tbody tr').count(), EVENTUALLY).toBe(Math.min(200, api.total));
    expect(await rowIds()).toEqual(api.items.slice(0, 200).map((v) => v.villageId));
    const uncovered = api.items.map((v) => v.uncoveredUnits);
    expect(uncovered).toEqual([...uncovered].sort((a, b) => b - a));
  });

  it('zooms to a flagged village and draws its gap', async () => {
    const first = page.getByTestId('below-table').locator('tbody tr').first();
    await first.getByRole('button').click();
    await waitForMapIdle(page);
    await expect.poll(() => page.evaluate(() => window.__registryMap!.map.queryRenderedFeatures({ layers: ['gap-fill'] }).length), EVENTUALLY).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('feature-panel').isVisible(), EVENTUALLY).toBe(true);
    await screenshot(page, 'planner-below-target');
  });

  it('places a candidate site by clicking the map and sees the before/after table', async () => {
    // Aim at the middle of the drawn gap: uncovered households are there.
    const target = await page.evaluate(() => {
      const m = window.__registryMap!.map;
      const f = m.queryRenderedFeatures({ layers: ['gap-fill'] });
      const box = [Infinity, Infinity, -Infinity, -Infinity];
      const visit = (c: unknown): void => {
        if (Array.isArray(c) && typeof c[0] === 'number') {
          box[0] = Math.min(box[0]!, c[0] as number);
          box[1] = Math.min(box[1]!, c[1] as number);
          box[2] = Math.max(box[2]!, c[0] as number);
          box[3] = Math.max(box[3]!, c[1] as number);
        } else if (Array.isArray(c)) c.forEach(visit);
      };
      for (const feature of f) visit((feature.geometry as { coordinates: unknown }).coordinates);
      return [(box[0]! + box[2]!) / 2, (box[1]! + box[3]!) / 2] as [number, number];
    });
    await page.getByRole('tab', { name: 'Thử đặt trạm giả định' }).click();
    await page.getByTestId('place-candidate').click();
    const point = await mapPointOnPage(page, target);
    await page.mouse.click(point.x, point.y);
    await expect.poll(() => page.getByLabel('Kinh độ').inputValue(), EVENTUALLY).not.toBe('');
    await page.getByLabel('Chiều cao ăng-ten (m)').fill('40');
    await page.getByTestId('run-what-if').click();
    const table = page.getByTestId('what-if-table');
    await table.waitFor({ timeout: 60_000 });
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('what-if').textContent()).toContain('Kết quả chưa được lưu');
    // The changed villages are recoloured through feature state, before anything is saved.
    await waitForMapIdle(page);
    await screenshot(page, 'planner-what-if');
  });

  it('drags the candidate to a new place, which clears the stale result', async () => {
    const before = Number(await page.getByLabel('Kinh độ').inputValue());
    const lat = Number(await page.getByLabel('Vĩ độ').inputValue());
    const from = await mapPointOnPage(page, [before, lat]);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y, { steps: 5 });
    await page.mouse.move(from.x + 80, from.y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByLabel('Kinh độ').inputValue().then(Number), EVENTUALLY).toBeGreaterThan(before);
    expect(await page.getByTestId('what-if-table').count()).toBe(0);
  });

  it('is refused a write the navigation never offered (the API enforces roles, not the menu)', async () => {
    const { page: visitor, context: visitorContext } = await e2e.newPage();
    await visitor.goto('/');
    const response = await visitor.request.post('/api/coverage/what-if', { data: { geometry: { type: 'Point', coordinates: [106.2, 21.3] }, heightM: 30, technology: '4G', bandMhz: 1800 } });
    expect([401, 403]).toContain(response.status());
    expect(await visitor.getByRole('tab').count()).toBe(0);
    await visitorContext.close();
  });
});
