import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldVietnamese } from '@registry/shared/text';
import { allKeys, e2eSession, EVENTUALLY, screenshot, waitForMapIdle, waitForVillages } from './harness';

// What a visitor without a login meets: the coverage map on the registry's own
// tiles, the plan's indicators, the language switch, the diacritic-free search,
// and no confidential field anywhere.

const CONFIDENTIAL = ['contract_ref', 'contractRef', 'monthly_rent_vnd', 'monthlyRentVnd', 'private_contact', 'privateContact', 'contactPhone', 'contactEmail', 'contactName'];

const e2e = e2eSession({ beforeAll, afterAll });

describe('public map', () => {
  it('renders the village polygons of the loaded province from the registry tiles, in Vietnamese', async () => {
    const { page, context, errors } = await e2e.newPage();
    await page.goto('/');
    const count = await waitForVillages(page);
    expect(count).toBeGreaterThan(50);
    // The boundaries and labels, held back until the first village tile is in, are drawn too.
    await expect
      .poll(() => page.evaluate(() => window.__registryMap!.map.queryRenderedFeatures({ layers: ['province-line', 'districts-line'] }).length), EVENTUALLY)
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__registryMap!.map.getLayoutProperty('province-fill', 'visibility') ?? 'visible')).toBe('visible');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang), EVENTUALLY).toBe('vi');
    await expect.poll(() => page.getByRole('navigation').first().textContent(), EVENTUALLY).toContain('Bản đồ');
    await expect.poll(() => page.getByTestId('synthetic-badge').textContent(), EVENTUALLY).toContain('Dữ liệu minh họa tổng hợp');
    await screenshot(page, 'public-map');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches every label to English and back', async () => {
    const { page, context } = await e2e.newPage();
    await page.goto('/');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang), EVENTUALLY).toBe('en');
    const nav = await page.getByRole('navigation', { name: 'Main navigation' }).textContent();
    expect(nav).toContain('Map');
    expect(nav).toContain('Indicators');
    await expect.poll(() => page.getByRole('heading', { name: 'Map layers' }).count(), EVENTUALLY).toBe(1);
    await expect.poll(() => page.getByTestId('synthetic-badge').textContent(), EVENTUALLY).toContain('Synthetic demo data');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Lớp bản đồ' }).count(), EVENTUALLY).toBe(1);
    await context.close();
  });

  it('finds a village typed without diacritics and zooms to it', async () => {
    const { page, context } = await e2e.newPage();
    const villages = (await (await fetch(`${e2e.server.baseUrl}/api/villages?limit=200`)).json()) as { items: { name: string }[] };
    const village = villages.items.find((v) => foldVietnamese(v.name) !== v.name.toLowerCase() && /[đĐ]/.test(v.name)) ?? villages.items.find((v) => foldVietnamese(v.name) !== v.name.toLowerCase());
    expect(village, 'a village with diacritics in the dataset').toBeTruthy();
    await page.goto('/');
    await waitForVillages(page);
    const typed = foldVietnamese(village!.name);
    await page.getByRole('combobox').fill(typed);
    const results = page.getByTestId('search-results');
    await expect.poll(() => results.textContent(), EVENTUALLY).toContain(village!.name);
    await page.getByRole('option', { name: new RegExp(village!.name) }).first().click();
    await waitForMapIdle(page);
    expect(await page.evaluate(() => window.__registryMap!.map.getZoom())).toBeGreaterThan(11);
    await expect.poll(() => page.getByTestId('feature-panel').textContent(), EVENTUALLY).toContain(village!.name);
    await screenshot(page, 'search-village');
    await context.close();
  });

  it('shows the computed indicators per district with the open-data links', async () => {
    const { page, context } = await e2e.newPage();
    await page.goto('/indicators');
    await page.getByTestId('indicators-district').waitFor();
    expect(await page.getByTestId('indicators-district').locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await page.getByRole('link', { name: /OGC API/ }).getAttribute('href')).toBe('/ogc');
    // Percentages are formatted the Vietnamese way: a decimal comma.
    expect(await page.getByTestId('indicators-district').textContent()).toMatch(/\d+,\d%|\d+%/);
    await screenshot(page, 'public-indicators');
    await context.close();
  });

  it('switches the indicators to the current administrative units: the new province, its communes, the same totals', async () => {
    const { page, context, errors } = await e2e.newPage();
    await page.goto('/indicators');
    await page.getByTestId('indicators-district').waitFor();
    const provinceRow = () => page.getByTestId('indicators-province').locator('tbody tr');
    await expect.poll(() => provinceRow().count(), EVENTUALLY).toBe(1);
    const planName = await provinceRow().locator('th').textContent();
    const planCells = await provinceRow().locator('td').allTextContents();
    await page.getByRole('radio', { name: 'hiện hành (từ 1/7/2025)' }).check();
    await page.getByTestId('indicators-commune').waitFor();
    expect(await page.getByTestId('indicators-district').count()).toBe(0);
    // The successor province (Bắc Giang merged into Bắc Ninh) with the same figures, and its communes instead of districts.
    await expect.poll(() => provinceRow().locator('th').textContent(), EVENTUALLY).not.toBe(planName);
    expect(await provinceRow().locator('td').allTextContents()).toEqual(planCells);
    expect(await page.getByTestId('indicators-commune').locator('tbody tr').count()).toBeGreaterThan(10);
    await page.getByRole('radio', { name: 'giai đoạn 2023–2025' }).check();
    await page.getByTestId('indicators-district').waitFor();
    await expect.poll(() => provinceRow().locator('th').textContent(), EVENTUALLY).toBe(planName);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('never shows the public a confidential field: not in tiles, not in the site panel', async () => {
    const { page, context } = await e2e.newPage();
    await page.goto('/?map=12/21.28/106.2');
    await waitForVillages(page);
    await waitForMapIdle(page);
    const tileKeys = await page.evaluate(() => {
      const m = window.__registryMap!.map;
      const keys = new Set<string>();
      for (const f of m.queryRenderedFeatures()) for (const k of Object.keys(f.properties ?? {})) keys.add(k);
      return [...keys];
    });
    for (const key of CONFIDENTIAL) expect(tileKeys).not.toContain(key);
    // The public cannot even switch on the non-public layers.
    expect(await page.locator('[data-overlay="fibre"]').count()).toBe(0);
    // A site opened by URL: the panel's API answer carries no confidential field.
    const sites = (await (await fetch(`${e2e.server.baseUrl}/ogc/collections/sites/items?limit=1&f=json`)).json()) as { features: { id: number | string }[] };
    const siteId = Number(sites.features[0]!.id);
    const detail = page.waitForResponse((r) => r.url().endsWith(`/api/sites/${siteId}`));
    await page.goto(`/?map=14/21.28/106.2&sel=sites:${siteId}`);
    const body = await (await detail).json();
    for (const key of CONFIDENTIAL) expect([...allKeys(body)]).not.toContain(key);
    const panel = await page.getByTestId('feature-panel').textContent();
    for (const key of CONFIDENTIAL) expect(panel).not.toContain(key);
    await context.close();
  });

  it('says where the data comes from: the about box lists sources, licences and the synthetic label', async () => {
    const { page, context } = await e2e.newPage();
    await page.goto('/indicators');
    await page.getByRole('button', { name: 'Giới thiệu' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const about = (await (await fetch(`${e2e.server.baseUrl}/api/about`)).json()) as { dataset: { attribution: string[]; synthetic: boolean } };
    expect(about.dataset.attribution.length).toBeGreaterThan(0);
    const text = await dialog.textContent();
    for (const line of about.dataset.attribution) expect(text).toContain(line);
    expect(text).toContain('Dữ liệu minh họa tổng hợp');
    await screenshot(page, 'about');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible(), EVENTUALLY).toBe(false);
    await context.close();
  });

  it('fits a tablet screen', async () => {
    const { page, context } = await e2e.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto('/');
    expect(await waitForVillages(page)).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await context.close();
  });
});
