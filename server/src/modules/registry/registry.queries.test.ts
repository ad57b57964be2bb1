import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDatabase } from '../../../test/helpers';
import { siteBody, useRegistryWorld, type World } from '../../../test/registry-fixtures';
import type { Database } from '../../db/client';
import { accessPointsResource } from '../access-points/access-points.descriptor';
import { adminUnitsResource } from '../admin-units/admin-units.descriptor';
import { carriersResource } from '../carriers/carriers.descriptor';
import { fibreRoutesResource } from '../fibre-routes/fibre-routes.descriptor';
import { locationsResource } from '../locations/locations.descriptor';
import { conduitsResource, manholesResource, polesResource, trenchesResource } from '../passive/passive.descriptors';
import { sectorsResource } from '../sectors/sectors.descriptor';
import { sitesResource } from '../sites/sites.descriptor';
import { villagesResource } from '../villages/villages.descriptor';
import { zonesResource } from '../zones/zones.descriptor';
import { projectFor } from './registry.access';
import { encodeCursor } from '../../lib/pagination';
import { buildListQuery, normaliseRow, runListBody, selectList, TIMESTAMP_FIELDS } from './registry.queries';
import type { ResourceDescriptor, Scope } from './resource';

// The API's list statement has PostgreSQL write each page as JSON through the
// caller's views; the export reads the same rows through pg's type parsers and
// projects them in Node (the object path). They must agree value for value and
// key for key, for every resource, scope, sort and page.

const resources: ResourceDescriptor[] = [
  sitesResource,
  sectorsResource,
  fibreRoutesResource,
  accessPointsResource,
  polesResource,
  manholesResource,
  conduitsResource,
  trenchesResource,
  carriersResource,
  zonesResource,
  adminUnitsResource,
  villagesResource,
  locationsResource,
];

// pg type OIDs that JSON renders differently from pg's parsers (dates, times, timestamps).
const DATE_TIME_OIDS = new Set([1082, 1083, 1114, 1184, 1266]);
const TIMESTAMP_OIDS = new Set([1114, 1184]);

const database: Database = testDatabase();
let app: FastifyInstance;
let world: World;
const staff: Scope = { kind: 'staff', role: 'admin' };

useRegistryWorld(database, (o) => ({ app, world } = o), { shareDatabase: true });
beforeAll(async () => {
  for (let i = 0; i < 3; i += 1) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/sites',
      headers: world.headers.admin,
      payload: siteBody({ ownerCarrierId: world.carrierA.id, commissionedOn: '2024-02-29', sectors: [{ code: `A${i}`, technology: '4G', bandMhz: 1800, azimuthDeg: 120.5, antennaHeightM: 30.3 }] }),
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  // Microseconds, so truncation to milliseconds is exercised.
  await database.pool.query(`UPDATE sites SET created_at = created_at + interval '999 microseconds', updated_at = '2026-03-04 05:06:07.999999+07' WHERE owner_carrier_id = $1`, [world.carrierA.id]);
});

/**
 * The object path: the page's plain statement (the one exports run), rows through pg's parsers,
 * the total from the count statement, the cursor from the last row's sort key.
 */
async function columnPage(d: ResourceDescriptor, filters: Parameters<typeof buildListQuery>[1], scope: Scope) {
  const q = buildListQuery(d, filters, scope);
  const rows = (await database.pool.query(q.text, q.values)).rows as Record<string, unknown>[];
  const total = (await database.pool.query<{ n: number }>(q.countText, q.countValues)).rows[0]!.n;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > q.limit && last ? encodeCursor({ k: last._k instanceof Date ? last._k.toISOString() : (last._k as string | number), id: Number(last.id) }) : null;
  return {
    items: page.map((row) => {
      delete row._k;
      return normaliseRow(row);
    }),
    total,
    nextCursor,
  };
}

type Body = { items: unknown[]; total: number; nextCursor: string | null };

describe('list statement (JSON built by PostgreSQL)', () => {
  it.each(resources.map((d) => [d.name, d] as const))('%s: reads no date or time column that JSON would render differently', async (_name, d) => {
    const r = await database.pool.query(`SELECT ${selectList(d)} FROM ${d.table} t LIMIT 0`);
    for (const field of r.fields) {
      if (!DATE_TIME_OIDS.has(field.dataTypeID)) continue;
      expect(TIMESTAMP_FIELDS.has(field.name) && TIMESTAMP_OIDS.has(field.dataTypeID), `${d.name}.${field.name} (type ${field.dataTypeID})`).toBe(true);
    }
  });

  it.each(resources.map((d) => [d.name, d] as const))('%s: staff get every field of the rows the column path reads, page after page', async (_name, d) => {
    for (const sort of ['id', '-updatedAt', 'code']) {
      let cursor: string | undefined;
      for (let page = 0; page < 3; page += 1) {
        const filters = { limit: 2, sort, ...(cursor ? { cursor } : {}) };
        const body = JSON.parse(await runListBody(database.pool, buildListQuery(d, filters, staff))) as Body;
        const columns = await columnPage(d, filters, staff);
        expect(body.items).toStrictEqual(columns.items);
        expect(JSON.stringify(body.items)).toBe(JSON.stringify(columns.items));
        expect(body.total).toBe(columns.total);
        if (!body.nextCursor) break;
        cursor = body.nextCursor;
      }
    }
  });

  it('gives the total on an empty page after the end, and 0 when nothing matches', async () => {
    const all = JSON.parse(await runListBody(database.pool, buildListQuery(sitesResource, { limit: 1000, sort: '-id' }, staff))) as Body;
    const past = JSON.parse(
      await runListBody(database.pool, buildListQuery(sitesResource, { limit: 5, sort: 'id', cursor: Buffer.from(JSON.stringify({ k: 2_000_000_000, id: 2_000_000_000 })).toString('base64url') }, staff)),
    ) as Body;
    expect(all.items.length).toBeGreaterThan(0);
    expect(past.items).toEqual([]);
    expect(past.total).toBe(all.total);
    const none = JSON.parse(await runListBody(database.pool, buildListQuery(sitesResource, { limit: 5, code: 'no-such-code' }, staff))) as Body;
    expect(none).toEqual({ items: [], total: 0, nextCursor: null });
  });
});

describe('list body (written by PostgreSQL through the caller\'s views)', () => {
  const scopes = (d: ResourceDescriptor): [string, Scope][] => [
    ['staff', staff],
    ['carrier A', { kind: 'carrier', carrierId: world.carrierA.id, userId: world.userIds.carrierA }],
    ['carrier B', { kind: 'carrier', carrierId: world.carrierB.id, userId: world.userIds.carrierB }],
    ...(d.publicRead ? [['public', { kind: 'public' }] as [string, Scope]] : []),
  ];

  it.each(resources.map((d) => [d.name, d] as const))('%s: exactly the projected rows, total and cursor of the object path, for every scope', async (_name, d) => {
    for (const [who, scope] of scopes(d)) {
      for (const sort of ['id', '-updatedAt']) {
        let cursor: string | undefined;
        for (let page = 0; page < 3; page += 1) {
          const filters = { limit: 2, sort, ...(cursor ? { cursor } : {}) };
          const body = JSON.parse(await runListBody(database.pool, buildListQuery(d, filters, scope))) as Body;
          const objects = await columnPage(d, filters, scope);
          const expected = { items: objects.items.map((row) => projectFor(d, scope, row)), total: objects.total };
          expect({ items: body.items, total: body.total }, `${who} ${sort} page ${page}`).toStrictEqual(expected);
          expect(JSON.stringify(body.items)).toBe(JSON.stringify(expected.items));
          // The same cursor row (a timestamp key may be written with another offset notation).
          const key = (c: string | null) => {
            if (c === null) return null;
            const { k, id } = JSON.parse(Buffer.from(c, 'base64url').toString()) as { k: unknown; id: number };
            return { id, k: typeof k === 'string' && /^\d{4}-\d\d-\d\dT/.test(k) ? new Date(k).getTime() : k };
          };
          expect(key(body.nextCursor)).toStrictEqual(key(objects.nextCursor));
          if (!body.nextCursor) break;
          cursor = body.nextCursor;
        }
      }
    }
  });
});
