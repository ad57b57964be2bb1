import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDatabase } from './helpers';
import { siteBody, useRegistryWorld, type World } from './registry-fixtures';

const db = testDatabase();
let app: FastifyInstance;
let world: World;

useRegistryWorld(db, (o) => ({ app, world } = o));

describe('smoke', () => {
  it('creates a site with a sector and reads it back', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/sites',
      headers: world.headers.carrierA,
      payload: siteBody({ sectors: [{ code: 'X1', technology: '4G', bandMhz: 1800, antennaHeightM: 30 }] }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const site = res.json();
    expect(site.sectors).toHaveLength(1);
    expect(site.tenancies).toHaveLength(1);
    const got = await app.inject({ method: 'GET', url: `/api/sites/${site.id}`, headers: world.headers.carrierB });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().contractRef).toBeUndefined();
    const list = await app.inject({ method: 'GET', url: `/api/sites?bbox=106,21,107,22&limit=2`, headers: world.headers.admin });
    expect(list.statusCode, list.body).toBe(200);
  });
});
