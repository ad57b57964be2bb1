// Shared end-to-end helpers: the real server in-process (buildApp on port 0
// over the test database and the built client) and Debian's Chromium driven by
// playwright-core. WebGL runs on SwiftShader, so the map renders without a GPU.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app';
import { loadConfig } from '../../server/src/config';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLIENT_DIST = join(ROOT, 'client', 'dist');
export const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  // WebGL without a GPU: ANGLE over SwiftShader.
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

/** expect.poll options for a loaded machine: the default (1 s) is too short for a browser under CI load. */
export const EVENTUALLY = { timeout: 30_000, interval: 250 };

/** The demo password of the dataset's demo accounts (scripts/lib/dataset/demo-accounts.ts). */
export const DEMO_PASSWORD = 'Demo@2025!';

export interface Server {
  app: FastifyInstance;
  baseUrl: string;
  close(): Promise<void>;
}

/** The database with the default dataset: E2E_DATABASE_URL, which `npm test` prepares (else TEST_DATABASE_URL). */
export function testDatabaseUrl(): string {
  const url = process.env.E2E_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('E2E_DATABASE_URL is not set: run the end-to-end tests through `npm test` (it loads the default dataset first)');
  return url;
}

/** The API server with the built client on a free loopback port (the test database and client/dist unless told). */
export async function startServer(databaseUrl = testDatabaseUrl(), clientDist = CLIENT_DIST): Promise<Server> {
  if (!existsSync(join(clientDist, 'index.html'))) throw new Error(`${clientDist} is missing: \`npm test\` builds the client first (or run \`npm run build\`)`);
  const config = loadConfig({}, { DATABASE_URL: databaseUrl, CLIENT_DIST: clientDist, PORT: '0', LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The suite hooks a session registers on, passed in by the test file (this module does not import vitest, so scripts can use it). */
export interface SuiteHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

/** One test file's server and browser, started before its first test and closed after its last. */
export interface E2ESession {
  readonly server: Server;
  readonly browser: Browser;
  /** A fresh page on the session's server (see newPage). */
  newPage(options?: PageOptions): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
}

/**
 * Registers the server and browser start-up and shutdown every end-to-end file
 * needs: `const e2e = e2eSession({ beforeAll, afterAll })`. Later beforeAll
 * hooks of the file run after these (vitest runs them in order).
 */
export function e2eSession(hooks: SuiteHooks): E2ESession {
  let server: Server | undefined;
  let browser: Browser | undefined;
  hooks.beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  hooks.afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the end-to-end session has not started (use it inside tests or later hooks)');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    newPage(options) {
      return newPage(started(browser), started(server).baseUrl, options);
    },
  };
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  locale?: string;
}

/** A fresh context (no cookies) at 1366×768 unless told otherwise; page errors fail loudly in the log. */
export async function newPage(browser: Browser, baseUrl: string, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: options.viewport ?? { width: 1366, height: 768 }, locale: options.locale ?? 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors };
}

export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/Mật khẩu|Password/).fill(password);
  await page.getByRole('button', { name: /Đăng nhập|Log in/ }).last().click();
  await page.getByTestId('current-user').waitFor();
}

/** Waits until the map has loaded and drawn village polygons; returns how many it drew. */
export async function waitForVillages(page: Page, timeoutMs = 120_000): Promise<number> {
  await page.waitForFunction(() => !!window.__registryMap, null, { timeout: timeoutMs });
  const handle = await page.waitForFunction(
    () => {
      const m = window.__registryMap;
      if (!m || !m.map.loaded() || !m.map.areTilesLoaded()) return 0;
      return m.renderedVillageCount();
    },
    null,
    { timeout: timeoutMs, polling: 250 },
  );
  return (await handle.jsonValue()) as number;
}

/** Waits for the map to finish moving and loading tiles. */
export async function waitForMapIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => {
    const m = window.__registryMap?.map;
    return !!m && !m.isMoving() && m.loaded() && m.areTilesLoaded();
  }, null, { timeout: timeoutMs, polling: 200 });
}

/** Waits until an overlay map (testId its frame, handle its window name) is ready, still and has its tiles. */
export async function waitForOverlayMap(page: Page, testId: string, handle: Exclude<MapHandle, '__registryMap'>, timeoutMs = 90_000): Promise<void> {
  await page.getByTestId(testId).and(page.locator('[data-ready="true"]')).waitFor({ timeout: timeoutMs });
  await page.waitForFunction(
    (h) => {
      const m = window[h]?.map;
      return !!m && m.loaded() && !m.isMoving() && m.areTilesLoaded();
    },
    handle,
    { timeout: timeoutMs, polling: 250 },
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The window names of the maps under automation: the main map and the overlay maps. */
export type MapHandle = '__registryMap' | '__p2Map' | '__routeMap';

/** Pixel position on the page of a longitude/latitude on a map (the main map unless told). */
export async function mapPointOnPage(page: Page, lonLat: [number, number], handle: MapHandle = '__registryMap'): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([h, lon, lat]) => {
      const m = window[h]!.map;
      const pt = m.project([lon, lat]);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: r.left + pt.x, y: r.top + pt.y };
    },
    [handle, lonLat[0], lonLat[1]] as const,
  );
}

/** Every key of a JSON value, at any depth (to look for confidential fields). */
export function allKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      allKeys(v, out);
    }
  }
  return out;
}
