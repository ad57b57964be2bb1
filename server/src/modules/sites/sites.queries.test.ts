import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDatabase } from '../../../test/helpers';
import { siteBody, useRegistryWorld, type World } from '../../../test/registry-fixtures';
import type { Database } from '../../db/client';
import { project } from '@registry/shared/schemas/registry-common';
import { attachmentSelectList, createAttachmentWriter } from '../registry/attachments';
import { projectFor } from '../registry/registry.access';
import { buildListQuery, findById, normaliseRow } from '../registry/registry.queries';
import type { Scope } from '../registry/resource';
import { sectorsResource } from '../sectors/sectors.descriptor';
import { sitesResource } from './sites.descriptor';
import { findSiteDetailBody } from './sites.queries';
import { tenancyKind } from './tenancies';

// The site detail is written by PostgreSQL, sectors and tenancies included; it
// must equal, field for field and key for key, what the object path gives: the
// rows read through pg's column parsers (timestamps with microseconds included)
// and projected in Node through the caller's views.

const database: Database = testDatabase();
let app: FastifyInstance;
let world: World;
let siteId: number;

useRegistryWorld(database, (o) => ({ app, world } = o), { shareDatabase: true });
beforeAll(async () => {
  const body = siteBody({
    ownerCarrierId: world.carrierA.id,
    commissionedOn: '2024-02-29',
    tenancies: [{ carrierId: world.carrierB.id, since: '2025-01-01', contractRef: 'T-1', monthlyRentVnd: 1_234_567 }],
    sectors: [
      { code: 'A1', technology: '4G', bandMhz: 1800, azimuthDeg: 120.5, antennaHeightM: 30, tiltDeg: -2.5, maplDb: 140.25 },
      { code: 'A2', technology: '5G', bandMhz: 3500, antennaHeightM: 28.7, status: 'planned', carrierId: world.carrierB.id },
    ],
  });
  const res = await app.inject({ method: 'POST', url: '/api/sites', headers: world.headers.admin, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  siteId = (res.json() as { id: number }).id;
  // Microseconds that round differently from how they truncate.
  await database.pool.query(`UPDATE sectors SET created_at = '2026-03-04 05:06:07.999999+00', updated_at = '2026-03-04 05:06:07.000501+07' WHERE site_id = $1`, [siteId]);
  await database.pool.query(`UPDATE site_tenancies SET created_at = '1999-12-31 23:59:59.9995+00' WHERE site_id = $1`, [siteId]);
});

describe('findSiteDetailBody (the GET /api/sites/:id body, written by PostgreSQL)', () => {
  const scopes = (): [string, Scope][] => [
    ['staff', { kind: 'staff', role: 'planner' }],
    ['owner', { kind: 'carrier', carrierId: world.carrierA.id, userId: world.userIds.carrierA }],
    ['tenant', { kind: 'carrier', carrierId: world.carrierB.id, userId: world.userIds.carrierB }],
    ['third carrier', { kind: 'carrier', carrierId: -1, userId: world.userIds.carrierB }],
    ['public', { kind: 'public' }],
  ];

  /**
   * What the object path gives: the site's row as writes read it (findById), its sectors as the
   * sector list's plain statement reads them (exports run it), its tenancies as the tenancy
   * queries select them, all through pg's column parsers, projected in Node through each caller's view.
   */
  async function projected(scope: Scope) {
    const site = await findById(database.pool, sitesResource, siteId, { scope });
    if (!site) return null;
    if (scope.kind === 'public') return { ...projectFor(sitesResource, scope, site), sectors: [], tenancies: [] };
    const q = buildListQuery(sectorsResource, { siteId, limit: 1000 }, scope);
    const sectors = (await database.pool.query<Record<string, unknown>>(q.text, q.values)).rows.map((row) => {
      delete row._k;
      return normaliseRow(row);
    });
    const tenancies = (await database.pool.query<Record<string, unknown>>(`SELECT ${attachmentSelectList(tenancyKind)} FROM site_tenancies a WHERE a.site_id = $1 ORDER BY a.id`, [siteId])).rows.map(normaliseRow);
    expect(sectors.length).toBeGreaterThan(0);
    expect(tenancies.length).toBeGreaterThan(0);
    const { viewOf } = createAttachmentWriter(tenancyKind);
    return {
      ...projectFor(sitesResource, scope, site),
      sectors: sectors.map((row) => projectFor(sectorsResource, scope, row)),
      tenancies: tenancies.map((row) => project(viewOf(scope, site, row), row)),
    };
  }

  it.each([0, 1, 2, 3, 4])('has exactly the fields and values of the projected rows, in the same order (scope %i)', async (i) => {
    const [, scope] = scopes()[i]!;
    await database.pool.query('UPDATE sites SET is_public = true WHERE id = $1', [siteId]);
    const expected = await projected(scope);
    const found = await findSiteDetailBody(database.pool, siteId, scope);
    expect(found).not.toBeNull();
    const body = JSON.parse(found!.body) as Record<string, unknown>;
    expect(body).toStrictEqual(expected);
    expect(JSON.stringify(body)).toBe(JSON.stringify(expected));
    expect(found!.version).toBe(body.version);
  });

  it('keeps the confidential fields to their parties: contract and rent of the tenancy, the planned sector', async () => {
    const [, , tenant, third, pub] = scopes().map(([, s]) => s);
    const asTenant = JSON.parse((await findSiteDetailBody(database.pool, siteId, tenant!))!.body);
    expect(asTenant.tenancies.find((t: { carrierId: number }) => t.carrierId === world.carrierB.id)).toMatchObject({ contractRef: 'T-1', monthlyRentVnd: 1_234_567 });
    const asThird = JSON.parse((await findSiteDetailBody(database.pool, siteId, third!))!.body);
    expect(asThird.sectors.map((s: { code: string }) => s.code)).toEqual(['A1']);
    for (const t of asThird.tenancies) {
      expect(t).not.toHaveProperty('contractRef');
      expect(t).not.toHaveProperty('monthlyRentVnd');
    }
    await database.pool.query('UPDATE sites SET is_public = false WHERE id = $1', [siteId]);
    expect(await findSiteDetailBody(database.pool, siteId, pub!)).toBeNull();
    expect(await findSiteDetailBody(database.pool, 2_000_000_000, tenant!)).toBeNull();
  });
});
