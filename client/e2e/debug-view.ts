// Manual look at a page: npx tsx client/e2e/debug-view.ts /path?query out.png [user]
import { launchBrowser, login, newPage, startServer } from './harness';

const [path = '/', out = '/tmp/view.png', user] = process.argv.slice(2);
const server = await startServer();
const browser = await launchBrowser();
const { page, context, errors } = await newPage(browser, server.baseUrl);
page.on('requestfailed', (r) => errors.push(`FAILED ${r.url()} ${r.failure()?.errorText}`));
page.on('response', (r) => {
  if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
});
if (user) await login(page, user);
await page.goto(path);
await page.waitForTimeout(Number(process.env.WAIT_MS ?? 12000));
const state = await page.evaluate(() => {
  const m = window.__registryMap;
  if (!m) return 'no map';
  const c = m.map.getCanvas(); const r = c.getBoundingClientRect(); const gl = c.getContext('webgl2') ?? c.getContext('webgl');
  return { canvas: [r.width, r.height, c.width, c.height], wrap: document.querySelector('.map-wrap')?.getBoundingClientRect().height, gl: gl ? gl.getParameter(gl.RENDERER) : null, zoom: m.map.getZoom(), center: m.map.getCenter(), loaded: m.map.loaded(), tiles: m.map.areTilesLoaded(), villages: m.renderedVillageCount(), layers: m.map.getStyle().layers.map((l) => `${l.id}:${l.layout?.visibility ?? 'v'}`).join(' ') };
});
console.log(JSON.stringify(state, null, 1));
console.log(errors.slice(0, 20).join('\n'));
await page.screenshot({ path: out });
await context.close();
await browser.close();
await server.close();
