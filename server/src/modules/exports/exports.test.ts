import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, createTestCarrier, createTestUser, loginHeaders, testDatabase, unique } from '../../../test/helpers';
import { neutraliseCell } from './exports.writers';

const db = testDatabase();
let app: FastifyInstance;
let carrierA: { id: number; code: string };
let carrierB: { id: number; code: string };
let headersA: Record<string, string>;
let headersB: Record<string, string>;
const prefix = unique('EX');

function multipart(fields: Record<string, string>, filename: string, content: string) {
  const boundary = '----exp' + unique();
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n${content}\r\n--${boundary}--\r\n`);
  return { payload: parts.join(''), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function importFile(headers: Record<string, string>, assetType: string, filename: string, content: string, commit: boolean) {
  const body = multipart({ assetType, crs: 'EPSG:4326' }, filename, content);
  const res = await app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...headers, ...body.headers } });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json().id as string;
  const wait = async (until: (s: string) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const job = (await app.inject({ method: 'GET', url: `/api/imports/${id}?limit=1000`, headers })).json();
      if (until(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('import did not finish');
  };
  const validated = await wait((s) => s !== 'validating');
  if (!commit) return validated;
  await app.inject({ method: 'POST', url: `/api/imports/${id}/commit`, headers });
  return wait((s) => s === 'committed' || s === 'failed');
}

beforeAll(async () => {
  app = await buildTestApp();
  carrierA = await createTestCarrier(db.pool);
  carrierB = await createTestCarrier(db.pool);
  headersA = await loginHeaders(app, (await createTestUser(db.pool, 'carrier', carrierA.id)).username);
  headersB = await loginHeaders(app, (await createTestUser(db.pool, 'carrier', carrierB.id)).username);
  const csv = [
    'code,name,structure_type,height_m,contract_ref,monthly_rent_vnd,lon,lat',
    `${prefix}-1,"=HYPERLINK(""http://x"")",greenfield_tower,30,HD-01,5000000,106.2123456,21.3123456`,
    `${prefix}-2,Trạm Đồi Thông,rooftop,12.5,,,106.25,21.35`,
  ].join('\n');
  const job = await importFile(headersA, 'sites', 'sites.csv', csv, true);
  expect(job.status).toBe('committed');
});
afterAll(async () => {
  await app.close();
  await db.close();
});

describe('exports', () => {
  it('neutralises formula-like cells', () => {
    expect(neutraliseCell('=1+1')).toBe("'=1+1");
    expect(neutraliseCell('+84 912')).toBe("'+84 912");
    expect(neutraliseCell('-x')).toBe("'-x");
    expect(neutraliseCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseCell('Trạm 1')).toBe('Trạm 1');
  });

  it('exports CSV with WKT, neutralised cells and the owner\'s confidential fields; re-importing it changes nothing', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/exports/sites?format=csv&q=${prefix}`, headers: headersA });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const text = res.body;
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(text).toMatch(/POINT\(106\.2123456 21\.3123456\)/);
    expect(text).toContain('HD-01');
    const again = await importFile(headersA, 'sites', 'sites.csv', text.replace(/^\uFEFF/, ''), false);
    expect(again.errorCount).toBe(0);
    expect(again.actions).toMatchObject({ create: 0, update: 0, unchanged: 2 });
  });

  it('GeoJSON round trip changes nothing either', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/exports/sites?format=geojson&q=${prefix}`, headers: headersA });
    const fc = res.json();
    expect(fc.features).toHaveLength(2);
    const again = await importFile(headersA, 'sites', 'sites.geojson', res.body, false);
    expect(again.actions).toMatchObject({ unchanged: 2 });
  });

  it("shows another carrier no confidential fields, and the public only public rows' public fields", async () => {
    const b = await app.inject({ method: 'GET', url: `/api/exports/sites?format=geojson&q=${prefix}`, headers: headersB });
    const props = b.json().features.map((f: { properties: Record<string, unknown> }) => f.properties);
    expect(props).toHaveLength(2);
    for (const p of props) {
      expect(p).not.toHaveProperty('contractRef');
      expect(p).not.toHaveProperty('monthlyRentVnd');
    }
    const csv = await app.inject({ method: 'GET', url: `/api/exports/sites?format=csv&q=${prefix}`, headers: headersB });
    expect(csv.body).not.toContain('HD-01');
    const pub = await app.inject({ method: 'GET', url: `/api/exports/sites?format=kml&q=${prefix}` });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).not.toContain('HD-01');
    expect(pub.body).toContain('<Placemark>');
  });

  it('a carrier importing another carrier\'s exported rows gets row errors, nothing else', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/exports/sites?format=csv&q=${prefix}`, headers: headersA });
    const job = await importFile(headersB, 'sites', 'sites.csv', res.body, false);
    expect(job.errorCount).toBe(2);
    expect(job.rows.items.every((r: { errors: { reason: string }[] }) => r.errors.some((e) => e.reason === 'other_carrier'))).toBe(true);
  });

  it('exports fibre routes as OFDS spans', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/exports/fibre-routes?format=ofds', headers: headersA });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().networks[0]).toHaveProperty('spans');
  });
});
