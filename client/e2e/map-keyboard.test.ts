import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldVietnamese } from '@registry/shared/text';
import { e2eSession, EVENTUALLY, waitForMapIdle, waitForVillages } from './harness';

// The map's features without a mouse: the "features in view" list is reached
// with Tab, walked with the arrow keys and opened with Enter; and a feature
// chosen from search or given by a shared link is highlighted on the map (read
// back through the map API: the selection layers' rendered features carry the
// selection's layer and id).

const e2e = e2eSession({ beforeAll, afterAll });

interface VillageRow {
  id: number;
  name: string;
  code: string;
}

async function aVillage(): Promise<VillageRow> {
  const page = (await (await fetch(`${e2e.server.baseUrl}/api/villages?limit=200`)).json()) as { items: VillageRow[] };
  // A name with diacritics, so the search below is the diacritic-free one.
  const village = page.items.find((v) => foldVietnamese(v.name) !== v.name.toLowerCase()) ?? page.items[0];
  expect(village, 'a village in the dataset').toBeTruthy();
  return village!;
}

describe('map features by keyboard', () => {
  it('lists the features in view, walks them with the arrow keys and opens one with Enter', async () => {
    const { page, context, errors } = await e2e.newPage();
    await page.goto('/?map=12/21.28/106.2');
    await waitForVillages(page);
    await waitForMapIdle(page);
    // Reach the button with Tab alone, from the search box.
    await page.getByRole('combobox').focus();
    const toggle = page.getByTestId('features-here-toggle');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await toggle.evaluate((el) => el === document.activeElement);
    }
    expect(reached, 'the features list is in the tab order').toBe(true);
    await page.keyboard.press('Enter');
    const list = page.getByRole('listbox', { name: /Đối tượng đang hiện trên bản đồ/ });
    await list.waitFor();
    // The list has the focus at once: arrows move the current option.
    expect(await list.evaluate((el) => el === document.activeElement)).toBe(true);
    const options = list.getByRole('option');
    expect(await options.count()).toBeGreaterThan(1);
    // Many sites share a name (their hamlet's): a second line tells the rows apart,
    // a site's code and owner carrier, and it is part of the option's accessible name.
    const rows = await options.evaluateAll((els) =>
      els.map((el) => ({ selection: el.getAttribute('data-selection')!, name: el.querySelector('.hit-name')!.textContent!, detail: el.querySelector('.hit-detail')!.textContent! })),
    );
    const names = rows.map((r) => r.name);
    const shared = names.find((n, i) => names.indexOf(n) !== i);
    expect(shared, 'two rows in this view share a name').toBeTruthy();
    expect(new Set(rows.map((r) => `${r.name}\n${r.detail}`)).size).toBe(rows.length);
    const carriers = (await (await fetch(`${e2e.server.baseUrl}/api/carriers?limit=100`)).json()) as { items: { code: string; name: string }[] };
    const siteRows = rows.filter((r) => r.selection.startsWith('sites:'));
    expect(siteRows.length).toBeGreaterThan(1);
    for (const row of siteRows) {
      const site = (await (await fetch(`${e2e.server.baseUrl}/api/sites/${row.selection.split(':')[1]}`)).json()) as { code: string; ownerCarrierCode: string };
      const owner = carriers.items.find((c) => c.code === site.ownerCarrierCode)?.name;
      expect(row.detail).toBe(`${site.code} · ${owner}`);
    }
    for (const row of rows.filter((r) => r.name === shared)) {
      expect(await list.getByRole('option', { name: row.detail }).count(), `"${row.detail}" names one option`).toBe(1);
    }
    await page.keyboard.press('ArrowDown');
    const current = list.locator('[aria-selected="true"]');
    expect(await current.getAttribute('id')).toBe(await list.getAttribute('aria-activedescendant'));
    const [layer, id] = (await current.getAttribute('data-selection'))!.split(':');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    // The current option is marked on the map before it is opened.
    await expect.poll(() => page.evaluate(() => window.__registryMap!.map.queryRenderedFeatures({ layers: ['focus-line', 'focus-point'] }).length), EVENTUALLY).toBeGreaterThan(0);
    const name = (await current.locator('.hit-name').textContent())!.trim();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('feature-panel');
    await expect.poll(() => panel.isVisible(), EVENTUALLY).toBe(true);
    await expect.poll(() => page.locator('#feature-title').textContent(), EVENTUALLY).toContain(name.replace(/^#/, ''));
    // Opened as a click would: in the URL and highlighted on the map.
    expect(new URL(page.url()).searchParams.get('sel')).toBe(`${layer}:${id}`);
    await expect.poll(() => page.evaluate(() => window.__registryMap!.selectionOnMap()), EVENTUALLY).toEqual([{ layer, id: Number(id) }]);
    expect(await list.count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('closes the list with Escape and leaves nothing marked', async () => {
    const { page, context } = await e2e.newPage();
    await page.goto('/?map=12/21.28/106.2');
    await waitForVillages(page);
    await page.getByTestId('features-here-toggle').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('features-here-list').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('features-here-list').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => window.__registryMap!.map.queryRenderedFeatures({ layers: ['focus-line', 'focus-point'] }).length), EVENTUALLY).toBe(0);
    await context.close();
  });
});

describe('selected feature highlighted on the map', () => {
  it('highlights a village chosen from the search box', async () => {
    const village = await aVillage();
    const { page, context } = await e2e.newPage();
    await page.goto('/');
    await waitForVillages(page);
    expect(await page.evaluate(() => window.__registryMap!.selectionOnMap())).toEqual([]);
    await page.getByRole('combobox').fill(foldVietnamese(village.name));
    await expect.poll(() => page.getByTestId('search-results').textContent(), EVENTUALLY).toContain(village.name);
    // Chosen by keyboard: the first hit of this village's name.
    const hits = await page.getByRole('option').allTextContents();
    const index = hits.findIndex((h) => h.startsWith(village.name));
    for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForMapIdle(page);
    const selected = new URL(page.url()).searchParams.get('sel');
    expect(selected).toMatch(/^villages:\d+$/);
    const id = Number(selected!.split(':')[1]);
    await expect.poll(() => page.evaluate(() => window.__registryMap!.selectionOnMap()), EVENTUALLY).toEqual([{ layer: 'villages', id }]);
    expect(await page.evaluate(() => window.__registryMap!.map.queryRenderedFeatures({ layers: ['selection-line'] }).length)).toBeGreaterThan(0);
    const detail = (await (await fetch(`${e2e.server.baseUrl}/api/villages/${id}`)).json()) as { name: string };
    expect(await page.locator('#feature-title').textContent()).toContain(detail.name);
    await context.close();
  });

  it('highlights the feature a shared link names, and clears it when the panel closes', async () => {
    const village = await aVillage();
    const { page, context } = await e2e.newPage();
    await page.goto(`/?sel=villages:${village.id}`);
    await waitForVillages(page);
    await expect.poll(() => page.evaluate(() => window.__registryMap!.selectionOnMap()), EVENTUALLY).toEqual([{ layer: 'villages', id: village.id }]);
    await expect.poll(() => page.locator('#feature-title').textContent(), EVENTUALLY).toContain(village.name);
    await page.getByRole('button', { name: 'Đóng' }).click();
    await expect.poll(() => page.evaluate(() => window.__registryMap!.selectionOnMap()), EVENTUALLY).toEqual([]);
    await context.close();
  });
});
