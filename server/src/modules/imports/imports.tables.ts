import type { ImportAssetSpec } from '@registry/shared/schemas/imports';

/** How an asset type is stored: what the SQL of the dry run and the commit needs to know. */
export interface TableSpec {
  table: string;
  geomColumn: 'geom' | 'boundary' | null;
  ownerColumn: 'owner_carrier_id' | 'carrier_id' | null;
  /** How a row finds the object it updates. */
  key: 'owner_code' | 'carrier_code' | 'code' | 'kpi';
  /** Columns of the file resolved to ids in SQL (tables too large to hold in memory). */
  sqlRefs: { column: string; idColumn: string; table: string; sameCarrier: boolean }[];
  /** Columns maintained from the geometry, as SQL over the staged row `s` (and `derivedJoin`). */
  derived: Record<string, string>;
  /** A join the derived columns read from, evaluated once per row. */
  derivedJoin?: string;
}

// File column → table column for references resolved before staging.
export const RENAMED: Record<string, string> = {
  commune_code: 'commune_id',
  village_code: 'village_id',
  admin_unit_code: 'admin_unit_id',
  site_code: 'site_id',
  fibre_route_code: 'fibre_route_id',
};

const lengthM = { length_m: 'ST_Length(s.geom::geography)' };

export const TABLES: Record<ImportAssetSpec['type'], TableSpec> = {
  sites: {
    table: 'sites',
    geomColumn: 'geom',
    ownerColumn: 'owner_carrier_id',
    key: 'owner_code',
    sqlRefs: [],
    // The village a site stands in and its commune, from one index probe per row.
    derivedJoin: 'LEFT JOIN LATERAL (SELECT v.id, v.commune_id FROM villages v WHERE ST_Intersects(v.boundary, s.geom) ORDER BY v.id LIMIT 1) dv ON true',
    derived: { village_id: 'dv.id', admin_unit_id: 'dv.commune_id' },
  },
  sectors: {
    table: 'sectors',
    geomColumn: null,
    ownerColumn: 'carrier_id',
    key: 'carrier_code',
    sqlRefs: [{ column: 'site_code', idColumn: 'site_id', table: 'sites', sameCarrier: false }],
    derived: {},
  },
  'fibre-routes': { table: 'fibre_routes', geomColumn: 'geom', ownerColumn: 'owner_carrier_id', key: 'owner_code', sqlRefs: [], derived: lengthM },
  'access-points': {
    table: 'access_points',
    geomColumn: 'geom',
    ownerColumn: 'owner_carrier_id',
    key: 'owner_code',
    sqlRefs: [{ column: 'fibre_route_code', idColumn: 'fibre_route_id', table: 'fibre_routes', sameCarrier: true }],
    derived: {},
  },
  poles: { table: 'poles', geomColumn: 'geom', ownerColumn: 'owner_carrier_id', key: 'owner_code', sqlRefs: [], derived: {} },
  manholes: { table: 'manholes', geomColumn: 'geom', ownerColumn: 'owner_carrier_id', key: 'owner_code', sqlRefs: [], derived: {} },
  conduits: { table: 'conduits', geomColumn: 'geom', ownerColumn: 'owner_carrier_id', key: 'owner_code', sqlRefs: [], derived: lengthM },
  trenches: { table: 'trenches', geomColumn: 'geom', ownerColumn: 'owner_carrier_id', key: 'owner_code', sqlRefs: [], derived: lengthM },
  zones: { table: 'zones', geomColumn: 'geom', ownerColumn: null, key: 'code', sqlRefs: [], derived: {} },
  villages: { table: 'villages', geomColumn: 'boundary', ownerColumn: null, key: 'code', sqlRefs: [], derived: {} },
  locations: { table: 'locations', geomColumn: 'geom', ownerColumn: null, key: 'code', sqlRefs: [], derived: {} },
  'kpi-observations': { table: 'kpi_observations', geomColumn: null, ownerColumn: null, key: 'kpi', sqlRefs: [], derived: {} },
};

/** The table columns an import writes for a spec (file columns after renaming). */
export function writableColumns(spec: ImportAssetSpec): string[] {
  return spec.fields.map((f) => RENAMED[f.name] ?? f.name);
}

/** SQL matching a staged row `s` to its stored object `t`. */
export function keyMatch(table: TableSpec): string {
  switch (table.key) {
    case 'owner_code':
      return 't.owner_carrier_id = s.carrier_id AND t.code = s.code';
    case 'carrier_code':
      return 't.carrier_id = s.carrier_id AND t.code = s.code';
    case 'code':
      return 't.code = s.code';
    case 'kpi':
      return `t.indicator_code = s.data->>'indicator_code' AND t.admin_unit_id = (s.data->>'admin_unit_id')::int AND t.period = s.data->>'period'`;
  }
}

/** SQL partition of rows that would write the same object. */
export function keyPartition(table: TableSpec): string {
  return table.ownerColumn ? 's.carrier_id, s.code' : 's.code';
}
