import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, createTestCarrier, unique } from '../../../test/helpers';

// A commune with a village named with diacritics, a public and a non-public
// site: the folded search finds them, and the public never sees the hidden site.
describe('GET /api/search', () => {
  let app: FastifyInstance;
  const tag = unique('s').toLowerCase();
  // Rows this test adds, removed afterwards: the test database also holds the default dataset,
  // whose own tests (village partition, counts) must not see them.
  const created = { communeId: 0, carrierId: 0 };
  const villageName = `Thôn Đông Bắc Giang ${tag}`;
  beforeAll(async () => {
    app = await buildTestApp();
    const pool = app.database.pool;
    await pool.query(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ('commune', 'Xã', 'Commune', 3) ON CONFLICT DO NOTHING`);
    const commune = await pool.query<{ id: number }>(
      `INSERT INTO admin_units (code, name, unit_type, level, valid_from, source, boundary)
       VALUES ($1, $2, 'Xã', 'commune', '2020-01-01', 'test', ST_Multi(ST_MakeEnvelope(106.1, 21.2, 106.2, 21.3, 4326))) RETURNING id`,
      [unique('9'), `Xã Tân Dĩnh ${tag}`],
    );
    created.communeId = commune.rows[0]!.id;
    await pool.query(
      `INSERT INTO villages (code, name, commune_id, boundary, households, area_class)
       VALUES ($1, $2, $3, ST_Multi(ST_MakeEnvelope(106.1, 21.2, 106.15, 21.25, 4326)), 120, 'rural')`,
      [unique('V'), villageName, commune.rows[0]!.id],
    );
    const carrier = await createTestCarrier(pool);
    created.carrierId = carrier.id;
    for (const [name, isPublic] of [[`Trạm Đồi Thông ${tag}`, true], [`Trạm Ẩn Đồi ${tag}`, false]] as const) {
      await pool.query(
        `INSERT INTO sites (code, name, owner_carrier_id, geom, structure_type, height_m, is_public)
         VALUES ($1, $2, $3, ST_SetSRID(ST_Point(106.12, 21.22), 4326), 'monopole', 30, $4)`,
        [unique('S'), name, carrier.id, isPublic],
      );
    }
  });
  afterAll(async () => {
    const pool = app.database.pool;
    await pool.query('DELETE FROM sites WHERE owner_carrier_id = $1', [created.carrierId]);
    await pool.query('DELETE FROM carriers WHERE id = $1', [created.carrierId]);
    await pool.query('DELETE FROM villages WHERE commune_id = $1', [created.communeId]);
    await pool.query('DELETE FROM admin_units WHERE id = $1', [created.communeId]);
    await app.close();
  });

  it('finds a village ignoring diacritics and case, with a bbox to zoom to', async () => {
    const res = await app.inject({ url: `/api/search?q=${encodeURIComponent(`dong bac giang ${tag}`)}` });
    expect(res.statusCode).toBe(200);
    const hit = res.json().items.find((i: { kind: string }) => i.kind === 'village');
    expect(hit.name).toBe(villageName);
    expect(hit.bbox).toHaveLength(4);
  });

  it('folds đ in the query and in the names ("doi" finds "Đồi")', async () => {
    const res = await app.inject({ url: `/api/search?q=${encodeURIComponent(`DOI THONG ${tag}`)}` });
    expect(res.json().items.map((i: { name: string }) => i.name)).toContain(`Trạm Đồi Thông ${tag}`);
  });

  it('shows the public only open-data sites', async () => {
    const res = await app.inject({ url: `/api/search?q=${encodeURIComponent(`an doi ${tag}`)}` });
    expect(res.json().items).toEqual([]);
  });

  it('rejects an empty query with the uniform error body', async () => {
    const res = await app.inject({ url: '/api/search?q=' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/about', () => {
  it('answers for the public, with the client settings', async () => {
    const app = await buildTestApp({ BASEMAP_STYLE_URL: '' });
    const res = await app.inject({ url: '/api/about' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toEqual({ basemapStyleUrl: null });
    expect(res.json().links.ogc).toBe('/ogc');
  });
});
