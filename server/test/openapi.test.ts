import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { buildTestApp } from './helpers';

// /docs: the generated document is valid OpenAPI 3 (checked by
// swagger-parser against the specification's schema), lists every route the
// server registered, and names the roles of every registry operation.

let app: FastifyInstance;
let doc: OpenAPIV3.Document;

beforeAll(async () => {
  app = await buildTestApp();
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  doc = res.json();
});
afterAll(async () => {
  await app.close();
});

/** Every (method, path) the server registered, read from Fastify's route tree. */
function registeredRoutes(server: FastifyInstance): { method: string; path: string }[] {
  const stack: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3))!;
    stack[depth] = (depth > 0 ? stack[depth - 1]! : '') + m[1]!;
    stack.length = depth + 1;
    for (const method of (m[2] ?? '').split(', ').filter(Boolean)) routes.push({ method, path: stack[depth]! });
  }
  // /docs serves this document; /ogc is OGC API – Features, which publishes its own
  // OpenAPI definition at /ogc/api as that standard requires.
  return routes.filter((r) => r.method !== 'HEAD' && !r.path.startsWith('/docs') && !r.path.startsWith('/ogc') && !r.path.includes('*'));
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('lists every registered route', () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(80);
    const missing = routes.filter((r) => !doc.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase() as OpenAPIV3.HttpMethods]);
    expect(missing).toEqual([]);
  });

  it('names the roles of every registry operation and documents its schemas', () => {
    const registry = ['sites', 'sectors', 'fibre-routes', 'access-points', 'poles', 'manholes', 'conduits', 'trenches', 'carriers', 'zones', 'admin-units', 'villages', 'locations', 'users', 'history'];
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!registry.some((r) => path === `/api/${r}` || path.startsWith(`/api/${r}/`))) continue;
      for (const method of ['get', 'post', 'patch', 'delete'] as const) {
        const op = item?.[method];
        if (!op) continue;
        checked += 1;
        expect(`${op.summary} ${op.description ?? ''}`, `${method} ${path}`).toMatch(/roles: /);
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        if (method === 'post' || method === 'patch') expect(op.requestBody, `${method} ${path}`).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThan(70);
  });

  it('the site response schema holds no field that no view lists', () => {
    const ok = doc.paths['/api/sites/{id}']?.get?.responses['200'] as OpenAPIV3.ResponseObject;
    const schema = ok.content!['application/json']!.schema as OpenAPIV3.SchemaObject;
    const fields = Object.keys(schema.properties ?? {});
    expect(fields).toContain('contractRef');
    expect(fields).not.toContain('passwordHash');
    expect(schema.required).not.toContain('contractRef');
    expect(schema.required).toContain('geometry');
  });
});
