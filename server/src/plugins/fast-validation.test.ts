import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { IdParams } from '@registry/shared/schemas/registry-common';
import { listQueryOf } from '../modules/registry/registry.routes';
import { sitesResource } from '../modules/sites/sites.descriptor';
import { sectorsResource } from '../modules/sectors/sectors.descriptor';
import { idParamsCheck, listQueryCheck, type FastCheck } from './fast-validation';

// Each fast check must accept only what its zod schema accepts, and return
// exactly zod's output (values and key order); on anything else it defers.

function holdsTo(check: FastCheck, schema: z.ZodType, data: unknown) {
  const fast = check(data);
  if (fast === undefined) return false;
  const zod = schema.safeParse(data);
  expect(zod.success, `zod rejects ${JSON.stringify(data)}, which the fast check accepted`).toBe(true);
  expect(fast.value).toStrictEqual(zod.data);
  expect(JSON.stringify(fast.value)).toBe(JSON.stringify(zod.data));
  return true;
}

const number = fc.oneof(
  fc.integer({ min: 1, max: 1000 }).map(String),
  fc.constantFrom('0', '-0', '1', '01', '5.0', '1e2', ' 5', '5 ', '0x10', 'NaN', 'Infinity', '', '100', '101', '999', '1000', '1001', '2147483647', '2147483648', '99999999999', '-3', 'abc'),
  fc.integer({ min: -5, max: 3_000_000_000 }).map(String),
);
const coordinate = fc.oneof(fc.double({ min: -200, max: 200, noNaN: true }).map(String), fc.constantFrom('', '1e1', '180', '-180', '90', '-90', '91', 'x', ' 1'));
const validBbox = fc
  .tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }))
  .map(([x, y, w, h]) => [x, y, Math.min(180, x + w), Math.min(90, y + h)].join(','));
const bbox = fc.oneof(
  { weight: 3, arbitrary: validBbox },
  { weight: 1, arbitrary: fc.tuple(coordinate, coordinate, coordinate, coordinate).map((parts) => parts.join(',')) },
  { weight: 1, arbitrary: fc.array(coordinate, { maxLength: 6 }).map((parts) => parts.join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('105.5,20.9,105.9,21.1', '105.9,20.9,105.5,21.1', '1,2,3', '1,2,3,4,5', ',,,') },
);
const text = (max: number) => fc.oneof(fc.string({ maxLength: max + 5 }), fc.constantFrom('id', '-updatedAt', 'code', 'x'.repeat(max), 'x'.repeat(max + 1)));
const value = (v: fc.Arbitrary<string>) => fc.oneof({ weight: 8, arbitrary: v }, { weight: 1, arbitrary: fc.array(v, { minLength: 2, maxLength: 2 }) });
const listQuery = fc.record(
  {
    bbox: value(bbox),
    limit: value(number),
    sort: value(text(40)),
    cursor: value(text(500)),
  },
  { requiredKeys: [] },
);
// Now and then a key the fast check leaves to zod.
const anyListQuery = fc.oneof(
  { weight: 4, arbitrary: listQuery },
  { weight: 1, arbitrary: fc.tuple(listQuery, fc.constantFrom('status', 'owner', 'q', 'nope'), fc.constantFrom('active', '3', 'bogus')).map(([q, k, v]) => ({ ...q, [k]: v })) },
);

describe('fast validation checks', () => {
  it.each([sitesResource, sectorsResource].map((d) => [d.name, d] as const))('%s list query: the fast check returns what zod returns, or defers', (_name, d) => {
    const schema = listQueryOf(d);
    const check = listQueryCheck(Object.keys(schema.shape));
    let taken = 0;
    fc.assert(
      fc.property(anyListQuery, (query) => {
        if (holdsTo(check, schema, query)) taken += 1;
      }),
      { numRuns: 3000 },
    );
    // The benchmark's and the map's query is one it takes.
    expect(holdsTo(check, schema, { bbox: '105.5,20.9,105.9,21.1', limit: '100' })).toBe(true);
    expect(holdsTo(check, schema, {})).toBe(true);
    expect(taken).toBeGreaterThan(100);
  });

  it('a list query it does not take goes to zod: out-of-range bbox, limit 0, unknown keys', () => {
    const check = listQueryCheck(Object.keys(listQueryOf(sitesResource).shape));
    expect(check({ bbox: '105.9,20.9,105.5,21.1' })).toBeUndefined();
    expect(check({ limit: '0' })).toBeUndefined();
    expect(check({ limit: '1001' })).toBeUndefined();
    expect(check({ limit: '1e2' })).toBeUndefined();
    expect(check({ status: 'active' })).toBeUndefined();
    expect(check({ bbox: ['1,2,3,4', '1,2,3,4'] })).toBeUndefined();
  });

  it('IdParams: the fast check returns what zod returns, or defers', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.oneof(number.map((id) => ({ id })), fc.record({ id: number, other: number })), (params) => {
        if (holdsTo(idParamsCheck, IdParams, params)) taken += 1;
      }),
      { numRuns: 3000 },
    );
    expect(idParamsCheck({ id: '2147483648' })).toBeUndefined();
    expect(idParamsCheck({ id: '0' })).toBeUndefined();
    expect(idParamsCheck({ id: '007' })).toBeUndefined();
    expect(holdsTo(idParamsCheck, IdParams, { id: '2147483647' })).toBe(true);
    expect(taken).toBeGreaterThan(100);
  });
});
