import type pg from 'pg';

// Hand-made fixtures for the open-data tests (tiles and OGC): a small
// province with plan-era and 2025 units, a 5×5 grid of villages with
// coverage, two carriers' sites (one non-public, one decommissioned, all with
// confidential fields set), sectors, routes and passive structures. Every code
// carries a unique tag so the fixtures can be removed afterwards.

export interface OpenDataFixture {
  tag: string;
  carrierA: { id: number; code: string };
  carrierB: { id: number; code: string };
  provinceId: number;
  newProvinceId: number;
  villageIds: number[];
  /** A's public active sites in the dense cluster around DENSE_POINT. */
  denseSiteIds: number[];
  hiddenSiteId: number;
  decommissionedSiteId: number;
  /** B's site far from the cluster (north-east corner). */
  farSiteId: number;
  remove(): Promise<void>;
}

/** The dense cluster's centre [lon, lat]; the far site is at FAR_POINT. */
export const DENSE_POINT = [106.05, 21.05] as const;
export const FAR_POINT = [106.75, 21.55] as const;
export const SECRET_CONTRACT = 'HD-SECRET-';
export const SECRET_RENT = 987_654_321;
export const SECRET_CONTACT = 'private-contact-0912';

const box = (x0: number, y0: number, x1: number, y1: number) =>
  `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;

export async function createOpenDataFixture(pool: pg.Pool, tag: string): Promise<OpenDataFixture> {
  const q = async <T extends pg.QueryResultRow = { id: number }>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;
  await q(`INSERT INTO admin_levels (code, name_vi, name_en, rank) VALUES ('province', 'Tỉnh', 'Province', 1), ('district', 'Huyện', 'District', 2), ('commune', 'Xã', 'Commune', 3) ON CONFLICT DO NOTHING`);
  const carrier = async (suffix: string) => {
    const code = `${tag}${suffix}`;
    const [row] = await q(
      `INSERT INTO carriers (code, name, legal_name, licence_kinds, contact_name, contact_phone, contact_email) VALUES ($1, $1, $1 || ' JSC', '{mobile,fixed,infrastructure}', 'Secret Person', '0900000000', 'secret@example.invalid') RETURNING id`,
      [code],
    );
    return { id: row!.id, code };
  };
  const carrierA = await carrier('A');
  const carrierB = await carrier('B');
  const unit = async (code: string, name: string, level: string, parentId: number | null, geom: string, validFrom: string, validTo: string | null) => {
    const [row] = await q(
      `INSERT INTO admin_units (code, name, unit_type, level, parent_id, boundary, population, households, valid_from, valid_to, source)
       VALUES ($1, $2, $3, $4, $5, ${geom}, 1000, 250, $6, $7, 'test') RETURNING id`,
      [`${tag}${code}`, name, level === 'province' ? 'Tỉnh' : level === 'district' ? 'Huyện' : 'Xã', level, parentId, validFrom, validTo],
    );
    return row!.id;
  };
  const provinceId = await unit('P', 'Tỉnh Thử', 'province', null, box(106.0, 21.0, 106.8, 21.6), '2020-01-01', '2025-06-30');
  const districtId = await unit('D', 'Huyện Thử', 'district', provinceId, box(106.0, 21.0, 106.4, 21.6), '2020-01-01', '2025-06-30');
  const communeId = await unit('C', 'Xã Thử', 'commune', districtId, box(106.0, 21.0, 106.2, 21.3), '2020-01-01', '2025-06-30');
  const newProvinceId = await unit('NP', 'Tỉnh Mới', 'province', null, box(105.9, 20.9, 106.9, 21.7), '2025-07-01', null);

  const villageIds: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    for (let j = 0; j < 5; j += 1) {
      const x0 = 106.0 + i * 0.04;
      const y0 = 21.0 + j * 0.06;
      const [v] = await q(
        `INSERT INTO villages (code, name, commune_id, boundary, population, households, area_class, mountainous)
         VALUES ($1, $2, $3, ${box(x0, y0, x0 + 0.04, y0 + 0.06)}, 400, 100, 'rural', $4) RETURNING id`,
        [`${tag}V${i}${j}`, `Thôn ${i}-${j}`, communeId, j === 4],
      );
      villageIds.push(v!.id);
      // Any-carrier coverage for every village; per-carrier A rows for half of them.
      const share4g = (i * 5 + j) / 24;
      for (const [tech, share] of [['4G', share4g], ['5G', share4g / 2], ['FTTH', 1 - share4g]] as const) {
        await q(
          `INSERT INTO village_coverage (village_id, technology, carrier_id, covered_units, total_units, share, meets_target) VALUES ($1, $2, NULL, $3, 100, $4, $5)`,
          [v!.id, tech, Math.round(share * 100), share, share >= 0.999],
        );
      }
      if ((i + j) % 2 === 0) {
        await q(`INSERT INTO village_coverage (village_id, technology, carrier_id, covered_units, total_units, share, meets_target) VALUES ($1, '4G', $2, 50, 100, 0.5, false)`, [v!.id, carrierA.id]);
      }
    }
  }

  const site = async (owner: number, code: string, lon: number, lat: number, extra: { isPublic?: boolean; status?: string } = {}) => {
    const [row] = await q(
      `INSERT INTO sites (code, name, owner_carrier_id, geom, structure_type, height_m, tenant_capacity, status, admin_unit_id, contract_ref, monthly_rent_vnd, private_contact, is_public)
       VALUES ($1, $1, $2, ST_SetSRID(ST_Point($3, $4), 4326), 'greenfield_tower', 40, 3, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [code, owner, lon, lat, extra.status ?? 'active', communeId, `${SECRET_CONTRACT}${code}`, SECRET_RENT, SECRET_CONTACT, extra.isPublic ?? true],
    );
    await q(`INSERT INTO site_tenancies (site_id, carrier_id, contract_ref, monthly_rent_vnd) VALUES ($1, $2, 'TEN-SECRET', 1111)`, [row!.id, owner]);
    return row!.id;
  };
  const denseSiteIds: number[] = [];
  for (let k = 0; k < 30; k += 1) {
    const lon = DENSE_POINT[0] + ((k % 6) - 3) * 0.0012;
    const lat = DENSE_POINT[1] + (Math.floor(k / 6) - 2) * 0.0012;
    denseSiteIds.push(await site(k % 3 === 0 ? carrierB.id : carrierA.id, `${tag}S${k}`, lon, lat));
  }
  const hiddenSiteId = await site(carrierA.id, `${tag}HID`, DENSE_POINT[0] + 0.0005, DENSE_POINT[1] + 0.0005, { isPublic: false });
  const decommissionedSiteId = await site(carrierA.id, `${tag}DEC`, DENSE_POINT[0] - 0.0005, DENSE_POINT[1] - 0.0005, { status: 'decommissioned' });
  const farSiteId = await site(carrierB.id, `${tag}FAR`, FAR_POINT[0], FAR_POINT[1]);
  // B shares A's first dense site.
  await q(`INSERT INTO site_tenancies (site_id, carrier_id, contract_ref, monthly_rent_vnd) VALUES ($1, $2, 'TEN-SECRET-B', 2222)`, [denseSiteIds[1], carrierB.id]);

  for (const [k, siteId] of denseSiteIds.slice(0, 6).entries()) {
    const owner = k % 3 === 0 ? carrierB.id : carrierA.id;
    await q(
      `INSERT INTO sectors (site_id, carrier_id, code, technology, band_mhz, azimuth_deg, beamwidth_deg, antenna_height_m, range_m, footprint, mapl_db, cell_identity)
       SELECT $1, $2, $3, '4G', 1800, 120, 65, 35, 1500,
              ST_Buffer(geom::geography, 1500)::geometry, 140, '452-04-1-' || $1::int FROM sites WHERE id = $1::int`,
      [siteId, owner, `${tag}X${k}`],
    );
  }
  await q(
    `INSERT INTO fibre_routes (code, owner_carrier_id, geom, kind, placement, fibre_count) VALUES
       ($1, $2, ST_GeomFromText('LINESTRING(106.01 21.01, 106.1 21.1, 106.3 21.2)', 4326), 'backbone', 'aerial', 96),
       ($3, $4, ST_GeomFromText('LINESTRING(106.04 21.04, 106.06 21.06)', 4326), 'access', 'conduit', 12)`,
    [`${tag}F1`, carrierA.id, `${tag}F2`, carrierB.id],
  );
  await q(`INSERT INTO access_points (code, owner_carrier_id, geom, kind, ports_total, ports_used) VALUES ($1, $2, ST_SetSRID(ST_Point(106.051, 21.051), 4326), 'odp', 16, 5)`, [`${tag}AP`, carrierA.id]);
  const [pole] = await q(`INSERT INTO poles (code, owner_carrier_id, geom) VALUES ($1, $2, ST_SetSRID(ST_Point(106.052, 21.052), 4326)) RETURNING id`, [`${tag}PL`, carrierA.id]);
  await q(`INSERT INTO occupancies (pole_id, carrier_id, count, contract_ref) VALUES ($1, $2, 2, 'OCC-SECRET')`, [pole!.id, carrierB.id]);
  await q(`INSERT INTO manholes (code, owner_carrier_id, geom) VALUES ($1, $2, ST_SetSRID(ST_Point(106.053, 21.053), 4326))`, [`${tag}MH`, carrierB.id]);
  await q(`INSERT INTO conduits (code, owner_carrier_id, geom, ducts_total, ducts_used) VALUES ($1, $2, ST_GeomFromText('LINESTRING(106.05 21.05, 106.06 21.05)', 4326), 6, 2)`, [`${tag}CD`, carrierA.id]);
  await q(`INSERT INTO trenches (code, owner_carrier_id, geom, kind, capacity_total) VALUES ($1, $2, ST_GeomFromText('LINESTRING(106.05 21.055, 106.06 21.055)', 4326), 'trench', 10)`, [`${tag}TR`, carrierB.id]);
  await q(`INSERT INTO zones (code, name, kind, geom, valid_from) VALUES ($1, 'Khu cấm', 'no_build', ST_MakeEnvelope(106.1, 21.1, 106.12, 21.12, 4326), '2024-01-01')`, [`${tag}Z`]);

  return {
    tag,
    carrierA,
    carrierB,
    provinceId,
    newProvinceId,
    villageIds,
    denseSiteIds,
    hiddenSiteId,
    decommissionedSiteId,
    farSiteId,
    async remove() {
      const carriers = [carrierA.id, carrierB.id];
      await q(`DELETE FROM occupancies WHERE carrier_id = ANY($1)`, [carriers]);
      for (const table of ['poles', 'manholes', 'conduits', 'trenches', 'access_points', 'fibre_routes']) {
        await q(`DELETE FROM ${table} WHERE owner_carrier_id = ANY($1)`, [carriers]);
      }
      await q(`DELETE FROM sectors WHERE carrier_id = ANY($1)`, [carriers]);
      await q(`DELETE FROM site_tenancies WHERE carrier_id = ANY($1)`, [carriers]);
      await q(`DELETE FROM sites WHERE owner_carrier_id = ANY($1)`, [carriers]);
      await q(`DELETE FROM zones WHERE code = $1`, [`${tag}Z`]);
      await q(`DELETE FROM villages WHERE code LIKE $1`, [`${tag}V%`]);
      await q(`DELETE FROM admin_units WHERE code LIKE $1 AND level = 'commune'`, [`${tag}%`]);
      await q(`DELETE FROM admin_units WHERE code LIKE $1 AND level = 'district'`, [`${tag}%`]);
      await q(`DELETE FROM admin_units WHERE code LIKE $1`, [`${tag}%`]);
      await q(`DELETE FROM users WHERE carrier_id = ANY($1)`, [carriers]);
      await q(`DELETE FROM carriers WHERE id = ANY($1)`, [carriers]);
    },
  };
}

/** An API token for a user (what `Authorization: Bearer` carries). */
export async function createTestToken(pool: pg.Pool, userId: number): Promise<string> {
  const { createHash, randomBytes } = await import('node:crypto');
  const token = `trk_${randomBytes(24).toString('base64url')}`;
  await pool.query(
    `INSERT INTO api_tokens (user_id, name, prefix, token_hash, expires_at) VALUES ($1, 'test', $2, $3, now() + interval '1 day')`,
    [userId, token.slice(0, 8), createHash('sha256').update(token).digest('hex')],
  );
  return token;
}

/** Web Mercator tile address of a lon/lat at a zoom. */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}
