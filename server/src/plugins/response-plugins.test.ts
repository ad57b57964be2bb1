import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import { testConfig } from '../../test/helpers';
import { pickEncoding } from './compression';
import { contentSecurityPolicy } from './response-headers';

// The per-request plugins that replaced @fastify/helmet, @fastify/compress and
// Fastify's request logging: the same headers on every kind of reply, bodies
// compressed only when asked and worth it, one access-log line per request.

let app: FastifyInstance;

beforeAll(async () => {
  app = await buildApp({ config: testConfig(), logger: false });
  app.get('/test/big', async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify({ text: 'x'.repeat(5000) })));
  app.get('/test/small', async (_request, reply) => reply.type('application/json; charset=utf-8').send('{"ok":true}'));
  app.get('/test/binary', async (_request, reply) => reply.type('application/vnd.mapbox-vector-tile').send(Buffer.alloc(5000, 1)));
  app.get('/test/precompressed', { config: { compress: false } }, async (_request, reply) => reply.type('text/plain').send('y'.repeat(5000)));
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const SECURITY = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'none';img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests;worker-src 'self' blob:;child-src 'self' blob:;connect-src 'self'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers and the request id', () => {
  it.each([
    ['a 200', { url: '/healthz' }, 200],
    ['a 404 of no route', { url: '/api/no-such-thing' }, 404],
    ['a 401 from a malformed Authorization header (thrown by the auth hook)', { url: '/api/auth/me', headers: { authorization: 'Basic abc' } }, 401],
    ['a 400 from validation', { url: '/api/sites?limit=abc' }, 400],
  ])('are on %s, as helmet wrote them', async (_what, request, status) => {
    const res = await app.inject({ method: 'GET', ...request });
    expect(res.statusCode).toBe(status);
    for (const [name, value] of Object.entries(SECURITY)) expect(res.headers[name], name).toBe(value);
    expect(res.headers['x-request-id']).toMatch(/^[\w.-]{1,64}$/);
    if (status >= 400) expect(res.json().error.requestId).toBe(res.headers['x-request-id']);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const bad = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b<c>' } });
    expect(bad.headers['x-request-id']).not.toBe('a b<c>');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets the browser connect to the basemap origin', () => {
    expect(contentSecurityPolicy(['https://tiles.example.org'])).toMatch(/;connect-src 'self' https:\/\/tiles\.example\.org$/);
  });
});

describe('compression', () => {
  it('picks br, else gzip, honours q=0, and refuses what it cannot write', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip, br;q=0')).toBe('gzip');
    expect(pickEncoding('br;q=0.0, gzip;q=0')).toBeNull();
    expect(pickEncoding('*')).toBe('gzip');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('deflate')).toBeNull();
  });

  it('compresses a large JSON body for a client that asks, with an exact length and Vary', async () => {
    const br = await app.inject({ method: 'GET', url: '/test/big', headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(br.rawPayload.length).toBeLessThan(200);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString()).text).toHaveLength(5000);
    const gz = await app.inject({ method: 'GET', url: '/test/big', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString()).text).toHaveLength(5000);
  });

  it('leaves alone clients that do not ask, small bodies, binary types and routes that opt out', async () => {
    for (const [url, headers] of [
      ['/test/big', {}],
      ['/test/big', { 'accept-encoding': 'identity' }],
      ['/test/small', { 'accept-encoding': 'br' }],
      ['/test/binary', { 'accept-encoding': 'br' }],
      ['/test/precompressed', { 'accept-encoding': 'br' }],
    ] as const) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'], url).toBeUndefined();
    }
  });

  it('compresses a streamed export', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/exports/zones?format=geojson', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-length']).toBeUndefined();
    expect(JSON.parse(gunzipSync(res.rawPayload).toString()).type).toBe('FeatureCollection');
  });
});

describe('access log', () => {
  it('writes one line per request with what an operator needs, none for the request coming in', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        callback();
      },
    });
    const logged = await buildApp({ config: testConfig({ LOG_LEVEL: 'info' }), logger: { level: 'info', stream } });
    try {
      await logged.ready();
      const res = await logged.inject({ method: 'GET', url: '/healthz?x=1', headers: { 'x-request-id': 'log-test-1' } });
      const missing = await logged.inject({ method: 'GET', url: '/api/sites/2000000000' });
      const mine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === 'log-test-1');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ level: 30, msg: 'request', method: 'GET', url: '/healthz?x=1', route: '/healthz', status: 200, user: null, bytes: res.rawPayload.length });
      expect(typeof mine[0]!.ms).toBe('number');
      expect(typeof mine[0]!.ip).toBe('string');
      const other = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === missing.headers['x-request-id']);
      expect(other.map((l) => [l.msg, l.status, l.route])).toEqual([['request', 404, '/api/sites/:id']]);
    } finally {
      await logged.close();
    }
  });
});
