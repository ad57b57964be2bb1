import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { testDatabase } from './helpers';
import { siteBody, useRegistryWorld, type World } from './registry-fixtures';

// Property: whatever body, query or id a client sends, the registry answers
// 2xx or 4xx, never 5xx. Random JSON, and near-valid bodies with one field
// replaced by anything, against every write route and the list filters.

const db = testDatabase();
let app: FastifyInstance;
let world: World;
let siteId = 0;

useRegistryWorld(db, (o) => ({ app, world } = o));
beforeAll(async () => {
  siteId = (await app.inject({ method: 'POST', url: '/api/sites', headers: world.headers.carrierA, payload: siteBody() })).json().id;
});

const RESOURCES = ['sites', 'sectors', 'fibre-routes', 'access-points', 'poles', 'manholes', 'conduits', 'trenches', 'zones', 'admin-units', 'villages', 'locations', 'carriers', 'users'];

const anything = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constantFrom(null, '', -1, 0, 1e308, Number.MAX_SAFE_INTEGER, '2024-02-30', "'; DROP TABLE sites; --", '\u0000', 'planned'),
  fc.record({ type: fc.constantFrom('Point', 'LineString', 'Polygon', 'MultiPolygon', 'Feature'), coordinates: fc.anything({ maxDepth: 4 }) }),
  fc.record({ type: fc.constantFrom('Point'), coordinates: fc.array(fc.double(), { maxLength: 4 }) }),
  fc.record({ type: fc.constantFrom('LineString'), coordinates: fc.array(fc.tuple(fc.double({ min: 105, max: 107 }), fc.double({ min: 20, max: 22 })), { maxLength: 4 }) }),
);

/** A valid-looking body with one field replaced by an arbitrary value. */
const nearValid = fc.record({ key: fc.constantFrom('code', 'geometry', 'heightM', 'status', 'ownerCarrierId', 'siteId', 'sectors', 'tenancies', 'version', 'kind', 'portsUsed', 'carrierId', 'role', 'password'), value: anything }).map(({ key, value }) => ({
  ...siteBody(),
  siteId,
  technology: '4G',
  bandMhz: 1800,
  antennaHeightM: 20,
  [key]: value,
}));

const who = fc.constantFrom('admin', 'planner', 'carrierA', 'carrierB', 'public') as fc.Arbitrary<'admin' | 'planner' | 'carrierA' | 'carrierB' | 'public'>;

describe('no 5xx from any body', () => {
  it('POST and PATCH with random bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...RESOURCES), fc.oneof(anything, nearValid), who, fc.boolean(), async (resource, body, caller, patch) => {
        const res = await app.inject({
          method: patch ? 'PATCH' : 'POST',
          url: patch ? `/api/${resource}/${siteId}` : `/api/${resource}`,
          headers: { ...world.headers[caller], 'content-type': 'application/json' },
          payload: JSON.stringify(body ?? null),
        });
        expect(res.statusCode, `${resource} ${res.body}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('GET lists with random query strings and ids', async () => {
    const value = fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('106,21,107,22', '1,2,3', '-200,0,0,0', 'NaN', '-code', 'heightM', 'x'.repeat(600)));
    const key = fc.constantFrom('bbox', 'adminUnitId', 'owner', 'tenant', 'status', 'technology', 'minFreeCapacity', 'kind', 'code', 'q', 'sort', 'limit', 'cursor', 'siteId', 'villageId');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...RESOURCES, 'history'), fc.array(fc.tuple(key, value), { maxLength: 4 }), who, fc.oneof(fc.constant(''), fc.string().map((s) => `/${encodeURIComponent(s)}`), fc.integer().map((n) => `/${n}`)), async (resource, params, caller, suffix) => {
        const query = new URLSearchParams(params).toString();
        const res = await app.inject({ method: 'GET', url: `/api/${resource}${suffix}?${query}`, headers: world.headers[caller] });
        expect(res.statusCode, `${resource}${suffix}?${query} ${res.body}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
