import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDatabase, unique } from './helpers';
import { line, point, useRegistryWorld, type World } from './registry-fixtures';

// A passive structure's create body may carry its occupancy rows (which
// carrier holds which duct or position): the structure, the rows and their
// change-log rows are written in one transaction, or nothing is.

const db = testDatabase();
let app: FastifyInstance;
let world: World;

useRegistryWorld(db, (o) => ({ app, world } = o));

const changeLogSize = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM change_log')).rows[0]!.n;

describe('occupancies in a passive structure create body', () => {
  it('a conduit and its occupancies are written together, with one operation id; the contract stays with the parties', async () => {
    const code = unique('CD');
    const res = await app.inject({
      method: 'POST',
      url: '/api/conduits',
      headers: world.headers.carrierA,
      payload: {
        code,
        geometry: line(),
        ductsTotal: 6,
        ductsUsed: 1,
        occupancies: [
          { slot: 'D1', count: 1 },
          { carrierId: world.carrierB.id, slot: 'D2', count: 2, contractRef: 'HD-NESTED', since: '2026-01-05' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const conduit = res.json();
    // 6 ducts − max(1 used by the owner, 1 + 2 occupied) = 3.
    expect(conduit.freeCapacity).toBe(3);
    expect(conduit).not.toHaveProperty('occupancies');

    const rows = await app.inject({ method: 'GET', url: `/api/conduits/${conduit.id}/occupancies`, headers: world.headers.planner });
    expect(rows.json().items).toMatchObject([
      { structureId: conduit.id, carrierId: world.carrierA.id, slot: 'D1', count: 1, until: null },
      { structureId: conduit.id, carrierId: world.carrierB.id, slot: 'D2', count: 2, since: '2026-01-05', contractRef: 'HD-NESTED' },
    ]);
    // B is a party to its row: it sees the contract too.
    const asB = await app.inject({ method: 'GET', url: `/api/conduits/${conduit.id}/occupancies`, headers: world.headers.carrierB });
    expect(asB.json().items[1].contractRef).toBe('HD-NESTED');

    const log = await db.pool.query(`SELECT object_type, count(*)::int AS n, count(DISTINCT operation_id)::int AS ops FROM change_log WHERE request_id = $1 GROUP BY 1 ORDER BY 1`, [
      res.headers['x-request-id'],
    ]);
    expect(log.rows).toEqual([
      { object_type: 'conduit', n: 1, ops: 1 },
      { object_type: 'occupancy', n: 2, ops: 1 },
    ]);
    const ops = await db.pool.query(`SELECT DISTINCT operation_id FROM change_log WHERE request_id = $1`, [res.headers['x-request-id']]);
    expect(ops.rows).toHaveLength(1);
  });

  it('an occupancy over capacity rolls back the structure, the rows before it and their change-log rows', async () => {
    const code = unique('TR');
    const before = await changeLogSize();
    const res = await app.inject({
      method: 'POST',
      url: '/api/trenches',
      headers: world.headers.admin,
      payload: {
        code,
        ownerCarrierId: world.carrierA.id,
        geometry: line(106.32, 21.32),
        kind: 'utility_tunnel',
        capacityTotal: 4,
        capacityUsed: 1,
        // 2 + 2 > 4 − 1: the second row is refused after the trench and the first row were written.
        occupancies: [
          { carrierId: world.carrierA.id, count: 2 },
          { carrierId: world.carrierB.id, count: 2 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.details[0].path).toMatch(/^occupancies\.1\b/);
    expect((await db.pool.query('SELECT id FROM trenches WHERE code = $1', [code])).rows).toHaveLength(0);
    expect(await changeLogSize()).toBe(before);
  });

  it('every bad field of every nested row is named; a carrier writes rows only on its own new structure', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/poles',
      headers: { ...world.headers.carrierA, 'accept-language': 'en' },
      payload: { code: unique('P'), geometry: point(), positionsTotal: 4, occupancies: [{ count: 1 }, { count: 0, since: 'yesterday' }] },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['occupancies.1.count', 'occupancies.1.since']);

    // B's pole with a row for A: the owner manages every row on its structure.
    const pole = await app.inject({
      method: 'POST',
      url: '/api/poles',
      headers: world.headers.carrierB,
      payload: { code: unique('P'), geometry: point(106.31, 21.31), positionsTotal: 4, occupancies: [{ carrierId: world.carrierA.id, slot: 'P1' }] },
    });
    expect(pole.statusCode, pole.body).toBe(201);
    expect(pole.json().freeCapacity).toBe(3);

    // A planner may not write structures at all, nested rows or not.
    const planner = await app.inject({
      method: 'POST',
      url: '/api/manholes',
      headers: world.headers.planner,
      payload: { code: unique('M'), ownerCarrierId: world.carrierA.id, geometry: point(), occupancies: [{ carrierId: world.carrierA.id }] },
    });
    expect(planner.statusCode).toBe(403);
  });

  it('occupancies are not an update field: they change through their own routes', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/manholes', headers: world.headers.carrierA, payload: { code: unique('M'), geometry: point(), occupancies: [{ slot: 'A' }] } });
    expect(created.statusCode, created.body).toBe(201);
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/manholes/${created.json().id}`,
      headers: world.headers.carrierA,
      payload: { version: 1, occupancies: [{ slot: 'B' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ reason: 'unrecognized_keys' });
  });
});
