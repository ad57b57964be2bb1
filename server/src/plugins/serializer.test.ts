import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { pageOf } from '@registry/shared/schemas/registry-common';
import { SiteDetail, SiteResponse } from '@registry/shared/schemas/sites';
import { compileFastSerializer } from './serializer';

const zodWrite = (schema: z.ZodType, data: unknown) => zodSerializerCompiler({ schema, method: 'GET', url: '/t', httpStatus: '200' })(data);

const site = {
  id: 7,
  version: 3,
  createdAt: '2026-03-04T05:06:07.999Z',
  updatedAt: '2026-03-04T05:06:07.000Z',
  code: 'S-"1"\u2028é',
  name: null,
  ownerCarrierId: 2,
  ownerCarrierCode: 'VT',
  geometry: { type: 'Point', coordinates: [106.1234567, 21.7654321] },
  structureType: 'rooftop',
  heightM: 30.5,
  tenantCapacity: 3,
  tenantCount: 1,
  freeCapacity: 2,
  status: 'active',
  villageId: null,
  adminUnitId: 12,
  address: null,
  commissionedOn: '2024-02-29',
  permittedUntil: null,
  contractRef: 'HD-1',
  monthlyRentVnd: 5_000_000,
  privateContact: null,
  isPublic: true,
  synthetic: false,
};

describe('compileFastSerializer', () => {
  // fast-json-stringify writes required keys before optional ones, so the bytes
  // may differ in key order only: compare the parsed documents, key sets included.
  const same = (a: string, b: string) => {
    expect(JSON.parse(a)).toStrictEqual(JSON.parse(b));
    expect(a.length).toBe(b.length);
  };

  it('writes what the zod serializer writes for registry pages and site details', () => {
    const page = { items: [site, { ...site, id: 8, contractRef: undefined, monthlyRentVnd: undefined, privateContact: undefined }], total: 2, nextCursor: null };
    const list = compileFastSerializer(pageOf(SiteResponse))!;
    same(list(page), zodWrite(pageOf(SiteResponse), page));
    const detail = { ...site, sectors: [], tenancies: [{ id: 1, version: 1, createdAt: 'x', updatedAt: 'y', siteId: 7, carrierId: 2, carrierCode: 'VT', since: '2024-01-01', until: null, position: null }] };
    same(compileFastSerializer(SiteDetail)!(detail), zodWrite(SiteDetail, detail));
  });

  it('never writes a field the schema does not list, at any depth', () => {
    const write = compileFastSerializer(pageOf(SiteResponse))!;
    const leaky = { items: [{ ...site, secret: 'x', geometry: { ...site.geometry, crs: 'secret' } }], total: 1, nextCursor: 'c', secret: 1 };
    const out = JSON.parse(write(leaky)) as { items: Record<string, unknown>[] };
    expect(write(leaky)).not.toContain('secret');
    expect(Object.keys(out.items[0]!).sort()).toEqual(Object.keys(site).sort());
  });

  it('writes nullable objects, literals and loose objects as zod does', () => {
    const schema = z.object({
      geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }).nullable(),
      kind: z.literal('Feature'),
      n: z.number().int().nullable(),
      properties: z.record(z.string(), z.unknown()),
      loose: z.looseObject({ a: z.string() }),
    });
    const write = compileFastSerializer(schema)!;
    expect(write).not.toBeNull();
    for (const data of [
      { geometry: null, kind: 'Feature', n: null, properties: { a: [1, { b: null }] }, loose: { a: 'x', extra: 1 } },
      { geometry: { type: 'Point', coordinates: [1, 2], bbox: [0] }, kind: 'Feature', n: 5, properties: {}, loose: { a: 'y' } },
    ]) {
      same(write(data), zodWrite(schema, data));
    }
    // A literal is written from the data, never replaced by the schema's constant.
    expect(write({ geometry: null, kind: 'Other', n: 1, properties: {}, loose: { a: '' } })).toContain('"Other"');
  });

  it('fails, as zod does, when a required field is missing or a nullable holds a wrong value', () => {
    const write = compileFastSerializer(pageOf(SiteResponse))!;
    const { code: _code, ...noCode } = site;
    expect(() => write({ items: [noCode], total: 1, nextCursor: null })).toThrow();
    expect(() => write({ items: [{ ...site, villageId: 'x' }], total: 1, nextCursor: null })).toThrow();
  });

  it('leaves to zod what JSON Schema cannot express exactly', () => {
    expect(compileFastSerializer(z.object({ a: z.string().transform(Number) }))).toBeNull();
    expect(compileFastSerializer(z.object({ a: z.union([z.object({ b: z.string() }), z.object({ c: z.number() })]) }))).toBeNull();
    expect(compileFastSerializer(z.object({ a: z.string().default('x') }))).toBeNull();
    expect(compileFastSerializer(z.object({ a: z.date() }))).toBeNull();
    expect(compileFastSerializer(z.record(z.enum(['a', 'b']), z.number()))).toBeNull();
    expect(compileFastSerializer({ type: 'object' })).toBeNull();
  });
});
