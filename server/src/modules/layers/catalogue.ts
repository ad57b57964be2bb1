import type { Actor } from '../../context';

// The one layer catalogue behind both open-data interfaces: OGC API – Features
// (/ogc) and vector tiles (/tiles). Per layer: where its rows come from, its
// geometry, its zoom range, and per attribute who may read it. A field that is
// not listed here can never leave the server through either interface, and a
// listed field is projected only for the audiences its access level allows.
//
// Audiences (what the server knows of the caller):
//   public  – no login: only layers with a publicWhere, only rows it admits,
//             only fields with access 'public';
//   carrier – a carrier's user: every row; 'public' and 'carrier' fields;
//             'owner' fields only on its own carrier's rows (others get null,
//             which vector tiles omit and GeoJSON shows as null); never 'staff';
//   staff   – planner, officer, admin: everything listed.
// So per layer there are four attribute lists: public, carrier-own,
// carrier-other and planner/officer/admin (see fieldsFor()).
//
// Confidential (never to the public, never to another carrier): contracts,
// rents and private contacts – sites.contract_ref, monthly_rent_vnd,
// private_contact. Tenancy contracts/rents, occupancy contracts and carriers'
// contact_* columns are not in any layer at all.

export type Audience = { kind: 'public' } | { kind: 'carrier'; carrierId: number } | { kind: 'staff' };
export type FieldAccess = 'public' | 'carrier' | 'owner' | 'staff';
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date';
export type GeometryType = 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon' | 'Geometry';

export interface LayerField {
  /** Attribute name in GeoJSON properties and MVT tags (snake_case). */
  name: string;
  /** SQL expression over the layer's FROM (alias t); dates cast to text. */
  sql: string;
  type: FieldType;
  access: FieldAccess;
  description: string;
  /** Usable as an OGC simple property filter (?name=value). */
  filterable?: boolean;
}

export interface LayerDefinition {
  /** Collection id and tile layer id, as in the REST API. */
  id: string;
  title: string;
  titleVi: string;
  description: string;
  /** FROM clause; the layer's own table is aliased t. */
  from: string;
  /**
   * FROM clause of the tile SQL when it differs from `from` (which OGC reads):
   * a lookup per row (LATERAL … OFFSET 0, so the planner keeps it a nested
   * loop) instead of a join that a hash plan answers by reading the whole
   * joined table (7,330 admin units, 3-8 ms, for a 300-feature tile), skipped
   * (:z) at zooms whose tiles do not carry its fields.
   */
  tileFrom?: string;
  idSql: string;
  /** Geometry expression, SRID 4326. */
  geomSql: string;
  /** The same geometry stored in Web Mercator (a generated column, migration 0015), which tiles read instead of projecting it per row. */
  tileGeom3857Sql?: string;
  geometryType: GeometryType;
  /** The owning carrier's id, for 'owner' fields and carrier-own rows. */
  ownerSql?: string;
  /** Row filter for the public; null = the layer is not open data. */
  publicWhere: string | null;
  /** Row filter for everyone (e.g. a footprint must exist to be drawn). */
  where?: string;
  /** Extra filter per zoom in tiles (thin overview tiles), SQL using :z. */
  tileWhere?: string;
  /** Valid-time columns for OGC `datetime` (interval overlap; null end = open). */
  temporal?: { start: string; end: string };
  /**
   * Overview tiles (zooms minZoom..overview.maxZoom): the same features on a
   * coarser grid (extent) with only the attributes the map draws from at
   * those zooms; the other fields travel from overview.maxZoom + 1 on. Every
   * feature in the tile is kept, however small (see tiles.queries.ts).
   */
  overview?: { maxZoom: number; extent: number; fields: readonly string[] };
  minZoom: number;
  maxZoom: number;
  fields: LayerField[];
}

/** What the basemap and the admin-units tiles show by default: the plan's 2023–2025 units (KPIs are defined on them). */
export const PLAN_PERIOD_DATE = '2025-06-30';

const OWNER_JOIN = 'JOIN carriers oc ON oc.id = t.owner_carrier_id';

// The catalogue below is tables: a field is a row [name, SQL over t, type,
// description, 'filter' when usable as an OGC property filter] under the access
// level its group gives it, and a layer names only what differs from the
// defaults of layer() (id t.id, geometry t.geom, not open data, up to z16).

/** One attribute as a row: name, SQL over the layer's FROM, type, description, and 'filter' if filterable. */
type FieldRow = readonly [name: string, sql: string, type: FieldType, description: string, filter?: 'filter'];

/** Attributes of one access level, from rows. */
function fieldRows(access: FieldAccess, rows: readonly FieldRow[]): LayerField[] {
  return rows.map(([name, sql, type, description, filter]) => ({ name, sql, type, access, description, ...(filter ? { filterable: true } : {}) }));
}

type LayerRow = Omit<LayerDefinition, 'idSql' | 'geomSql' | 'publicWhere' | 'maxZoom'> & Partial<Pick<LayerDefinition, 'idSql' | 'geomSql' | 'publicWhere' | 'maxZoom'>>;

/** A layer with the catalogue's defaults filled in. */
function layer(row: LayerRow): LayerDefinition {
  return { idSql: 't.id', geomSql: 't.geom', publicWhere: null, maxZoom: 16, ...row };
}

/** Fields every owned asset has: code, owner, status. */
const ownedFields = (access: FieldAccess): LayerField[] =>
  fieldRows(access, [
    ['code', 't.code', 'string', 'Code, unique per owner carrier', 'filter'],
    ['owner', 'oc.code', 'string', 'Owner carrier code', 'filter'],
    ['owner_name', 'oc.name', 'string', 'Owner carrier name'],
    ['status', 't.status', 'string', 'planned | permitted | active | decommissioned', 'filter'],
  ]);
const synthetic = (access: FieldAccess): LayerField[] => fieldRows(access, [['synthetic', 't.synthetic', 'boolean', 'Generated by the demo dataset, not surveyed', 'filter']]);
const updatedAt = (access: FieldAccess): LayerField[] =>
  fieldRows(access, [['updated_at', "to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 'string', 'Last change (UTC)']]);

/**
 * A carrier's passive or fibre asset, open to logged-in users only: table t
 * joined to its owner (oc), then its own fields between the owned ones and
 * `synthetic`, every field at access 'carrier'.
 */
interface OwnedAssetRow {
  id: string;
  table: string;
  /** More joins after the owner's. */
  join?: string;
  title: string;
  titleVi: string;
  description: string;
  geometryType: GeometryType;
  minZoom: number;
  tileWhere?: string;
  fields: readonly FieldRow[];
}

function ownedAsset({ table, join, fields, ...row }: OwnedAssetRow): LayerDefinition {
  return layer({
    ...row,
    from: join ? `${table} t ${OWNER_JOIN} ${join}` : `${table} t ${OWNER_JOIN}`,
    ownerSql: 't.owner_carrier_id',
    fields: [...ownedFields('carrier'), ...fieldRows('carrier', fields), ...synthetic('carrier')],
  });
}

/** Coverage shares of a village (any carrier unless :cov_carrier is bound), as one lateral row. */
export const VILLAGE_COVERAGE_ANY = `LEFT JOIN LATERAL (
    SELECT max(vc.share) FILTER (WHERE vc.technology = '4G') AS share_4g,
           max(vc.share) FILTER (WHERE vc.technology = '5G') AS share_5g,
           max(vc.share) FILTER (WHERE vc.technology = 'FTTH') AS share_ftth,
           bool_or(vc.meets_target) FILTER (WHERE vc.technology = '4G') AS meets_4g,
           bool_or(vc.meets_target) FILTER (WHERE vc.technology = '5G') AS meets_5g,
           bool_or(vc.meets_target) FILTER (WHERE vc.technology = 'FTTH') AS meets_ftth
      FROM village_coverage vc
     WHERE vc.village_id = t.id AND vc.carrier_id IS NULL) cov ON true`;
/** The same for one carrier; bound with :cov_carrier. */
export const VILLAGE_COVERAGE_CARRIER = VILLAGE_COVERAGE_ANY.replace('vc.carrier_id IS NULL', 'vc.carrier_id = :cov_carrier');

// Scalar subqueries rather than a lateral join: each runs only where its field is projected.
const SITE_TENANTS = '(SELECT count(*)::int FROM site_tenancies st WHERE st.site_id = t.id AND st.until IS NULL)';

const coverageFields = (tech: '4g' | '5g' | 'ftth', label: string): FieldRow[] => [
  // Four decimals in float8 arithmetic: through numeric it cost ~6 µs a village (45 of a national z8 tile's ~210 ms).
  [`share_${tech}`, `round(cov.share_${tech}::float8 * 10000) / 10000`, 'number', `Share of the village's units covered by ${label} (0..1, four decimals; null = not computed)`],
  [`meets_${tech}`, `cov.meets_${tech}`, 'boolean', `The village meets the plan's ${label} target`, 'filter'],
];

const OWNED_ASSETS: OwnedAssetRow[] = [
  {
    id: 'fibre-routes',
    table: 'fibre_routes',
    title: 'Fibre routes',
    titleVi: 'Tuyến cáp quang',
    description: 'Backbone, distribution, access and drop fibre routes.',
    geometryType: 'LineString',
    tileWhere: "(:z >= 12 OR t.kind IN ('backbone', 'distribution'))",
    minZoom: 8,
    fields: [
      ['name', 't.name', 'string', 'Name'],
      ['kind', 't.kind', 'string', 'backbone | distribution | access | drop', 'filter'],
      ['placement', 't.placement', 'string', 'aerial | conduit | direct_buried | tunnel', 'filter'],
      ['fibre_count', 't.fibre_count', 'integer', 'Fibres in the cable'],
      ['length_m', 't.length_m', 'number', 'Geodesic length, metres'],
    ],
  },
  {
    id: 'access-points',
    table: 'access_points',
    title: 'FTTH access points',
    titleVi: 'Điểm truy nhập FTTH',
    description: 'Cabinets, splitters and optical distribution points with their ports.',
    geometryType: 'Point',
    minZoom: 11,
    fields: [
      ['kind', 't.kind', 'string', 'cabinet | splitter | odp', 'filter'],
      ['ports_total', 't.ports_total', 'integer', 'Ports'],
      ['ports_used', 't.ports_used', 'integer', 'Ports in use'],
      ['ports_free', 't.ports_total - t.ports_used', 'integer', 'Ports free'],
    ],
  },
  {
    id: 'poles',
    table: 'poles',
    join: 'LEFT JOIN LATERAL (SELECT coalesce(sum(o.count), 0)::int AS used FROM occupancies o WHERE o.pole_id = t.id AND o.until IS NULL) occ ON true',
    title: 'Poles',
    titleVi: 'Cột treo cáp',
    description: 'Poles with their cable positions and how many are taken.',
    geometryType: 'Point',
    minZoom: 13,
    fields: [
      ['height_m', 't.height_m', 'number', 'Height, metres'],
      ['material', 't.material', 'string', 'concrete | steel | wood | composite', 'filter'],
      ['positions_total', 't.positions_total', 'integer', 'Cable positions'],
      ['positions_used', 'occ.used', 'integer', 'Positions held by tenants'],
      ['positions_free', 'greatest(t.positions_total - occ.used, 0)', 'integer', 'Positions free'],
    ],
  },
  {
    id: 'manholes',
    table: 'manholes',
    title: 'Manholes',
    titleVi: 'Hố ga',
    description: 'Manholes, handholes and chambers.',
    geometryType: 'Point',
    minZoom: 13,
    fields: [
      ['kind', 't.kind', 'string', 'manhole | handhole | chamber', 'filter'],
      ['depth_m', 't.depth_m', 'number', 'Depth, metres'],
    ],
  },
  {
    id: 'conduits',
    table: 'conduits',
    title: 'Conduits',
    titleVi: 'Cống bể cáp',
    description: 'Conduits with their ducts and how many are free.',
    geometryType: 'LineString',
    minZoom: 11,
    fields: [
      ['ducts_total', 't.ducts_total', 'integer', 'Ducts'],
      ['ducts_used', 't.ducts_used', 'integer', 'Ducts in use'],
      ['ducts_free', 't.ducts_total - t.ducts_used', 'integer', 'Ducts free'],
      ['diameter_mm', 't.diameter_mm', 'integer', 'Diameter, mm'],
      ['length_m', 't.length_m', 'number', 'Length, metres'],
    ],
  },
  {
    id: 'trenches',
    table: 'trenches',
    title: 'Trenches and utility tunnels',
    titleVi: 'Hào kỹ thuật, tuy-nen',
    description: 'Trenches and utility tunnels with their capacity.',
    geometryType: 'LineString',
    minZoom: 11,
    fields: [
      ['kind', 't.kind', 'string', 'trench | utility_tunnel', 'filter'],
      ['capacity_total', 't.capacity_total', 'integer', 'Positions / ducts offered'],
      ['capacity_used', 't.capacity_used', 'integer', 'In use'],
      ['capacity_free', 't.capacity_total - t.capacity_used', 'integer', 'Free'],
      ['length_m', 't.length_m', 'number', 'Length, metres'],
    ],
  },
];

/** Village overview tiles: up to this zoom, on this grid (tile units per tile side). */
const OVERVIEW_MAX_ZOOM = 10;
const OVERVIEW_EXTENT = 1024;
/** Site overview tiles (z7, z8): a national z7 tile holds ~24,000 sites. */
const SITES_OVERVIEW_MAX_ZOOM = 8;

/** A tile's per-row lookup of an admin unit (see LayerDefinition.tileFrom), only above an overview zoom whose tiles do not carry it. */
const unitLookup = (alias: string, idSql: string, columns: string, aboveZoom: number) =>
  `LEFT JOIN LATERAL (SELECT ${columns} FROM admin_units ${alias} WHERE ${alias}.id = ${idSql} AND :z > ${aboveZoom} OFFSET 0) ${alias} ON true`;

export const LAYERS: LayerDefinition[] = [
  layer({
    id: 'admin-units',
    title: 'Administrative units',
    titleVi: 'Đơn vị hành chính',
    description: 'Province, districts and communes with official GSO codes and validity periods. Tiles show the plan-era units (valid on 2025-06-30) unless ?date= picks another day; OGC items take datetime.',
    from: 'admin_units t LEFT JOIN admin_units p ON p.id = t.parent_id',
    geomSql: 't.boundary',
    geometryType: 'MultiPolygon',
    publicWhere: 'true',
    where: 't.boundary IS NOT NULL',
    tileWhere: "(t.level = 'province' OR (t.level = 'district' AND :z >= 6) OR (t.level NOT IN ('province', 'district') AND :z >= 8))",
    temporal: { start: 't.valid_from', end: 't.valid_to' },
    minZoom: 5,
    maxZoom: 14,
    fields: [
      ...fieldRows('public', [
        ['code', 't.code', 'string', 'Official GSO code', 'filter'],
        ['name', 't.name', 'string', 'Name (Vietnamese)', 'filter'],
        ['unit_type', 't.unit_type', 'string', 'Tỉnh, Huyện, Xã, Phường…', 'filter'],
        ['level', 't.level', 'string', 'province | district | commune', 'filter'],
        ['parent_code', 'p.code', 'string', 'Code of the parent unit', 'filter'],
        ['population', 't.population', 'integer', 'Population'],
        ['households', 't.households', 'integer', 'Households'],
        ['area_class', 't.area_class', 'string', 'urban | suburban | rural'],
        ['valid_from', 't.valid_from::text', 'date', 'First day valid'],
        ['valid_to', 't.valid_to::text', 'date', 'Last day valid (null = current)'],
      ]),
      ...synthetic('public'),
    ],
  }),
  layer({
    id: 'villages',
    title: 'Villages with coverage',
    titleVi: 'Thôn, bản, tổ dân phố và mức phủ sóng',
    description: "Villages with their share of units covered by 4G (or better), 5G and FTTH, and whether each meets the plan's target (any carrier; tiles take ?carrier=CODE for one carrier's shares).",
    from: `villages t JOIN admin_units c ON c.id = t.commune_id ${VILLAGE_COVERAGE_ANY}`,
    // commune_id is NOT NULL with a foreign key: the left lookup drops no village.
    tileFrom: `villages t ${unitLookup('c', 't.commune_id', 'c.name, c.code', OVERVIEW_MAX_ZOOM)} ${VILLAGE_COVERAGE_ANY}`,
    geomSql: 't.boundary',
    tileGeom3857Sql: 't.boundary3857',
    geometryType: 'MultiPolygon',
    publicWhere: 'true',
    minZoom: 8,
    // The choropleth (share_*, meets_*) and the feature panel's title (name) are all the map reads from a village tile at z8–z10 (a national z10 tile: 72 → 38 kB gzip).
    overview: { maxZoom: OVERVIEW_MAX_ZOOM, extent: OVERVIEW_EXTENT, fields: ['name', 'share_4g', 'meets_4g', 'share_5g', 'meets_5g', 'share_ftth', 'meets_ftth'] },
    fields: [
      ...fieldRows('public', [
        ['code', 't.code', 'string', 'Village code (commune code + sequence)', 'filter'],
        ['name', 't.name', 'string', 'Name', 'filter'],
        ['commune', 'c.name', 'string', 'Commune name'],
        ['commune_code', 'c.code', 'string', 'Commune GSO code', 'filter'],
        ['population', 't.population', 'integer', 'Population'],
        ['households', 't.households', 'integer', 'Households'],
        ['area_class', 't.area_class', 'string', 'urban | suburban | rural', 'filter'],
        ['mountainous', 't.mountainous', 'boolean', 'Mountainous / ethnic-minority area', 'filter'],
        ...coverageFields('4g', '4G or better'),
        ...coverageFields('5g', '5G'),
        ...coverageFields('ftth', 'FTTH'),
      ]),
      ...synthetic('public'),
    ],
  }),
  layer({
    id: 'sites',
    title: 'BTS sites',
    titleVi: 'Trạm BTS',
    description: 'Towers, rooftops, poles and small cells with owner, structure and sharing. The public sees public, non-decommissioned sites without commercial fields.',
    from: `sites t ${OWNER_JOIN} LEFT JOIN admin_units au ON au.id = t.admin_unit_id`,
    tileFrom: `sites t ${OWNER_JOIN} ${unitLookup('au', 't.admin_unit_id', 'au.name', SITES_OVERVIEW_MAX_ZOOM)}`,
    tileGeom3857Sql: 't.geom3857',
    geometryType: 'Point',
    ownerSql: 't.owner_carrier_id',
    publicWhere: "t.is_public AND t.status <> 'decommissioned'",
    minZoom: 7,
    // What the map draws from at z7-z8: colour (owner), opacity (status) and the shared ring (tenants). Not the name (the feature
    // panel's title until the site's API answer names it): a national z7 tile of 23,811 sites is 1,032 kB with names, 536 kB without.
    overview: { maxZoom: SITES_OVERVIEW_MAX_ZOOM, extent: OVERVIEW_EXTENT, fields: ['owner', 'status', 'tenants'] },
    fields: [
      ...ownedFields('public'),
      ...fieldRows('public', [
        ['name', 't.name', 'string', 'Name'],
        ['structure_type', 't.structure_type', 'string', 'greenfield_tower | rooftop | monopole | pole_mounted | small_cell | indoor', 'filter'],
        ['height_m', 't.height_m', 'number', 'Structure height, metres'],
        ['commune', 'au.name', 'string', 'Commune the site stands in'],
        ['tenants', SITE_TENANTS, 'integer', 'Carriers with equipment on the site now (the owner included)'],
      ]),
      ...fieldRows('carrier', [
        ['tenant_codes', `(SELECT string_agg(tc.code, ',' ORDER BY tc.code) FROM site_tenancies st JOIN carriers tc ON tc.id = st.carrier_id WHERE st.site_id = t.id AND st.until IS NULL)`, 'string', 'Codes of those carriers, comma-separated'],
        ['tenant_capacity', 't.tenant_capacity', 'integer', 'Carriers the structure can carry'],
        ['free_capacity', `greatest(t.tenant_capacity - ${SITE_TENANTS}, 0)`, 'integer', 'Tenant places still free'],
        ['address', 't.address', 'string', 'Address'],
        ['commissioned_on', 't.commissioned_on::text', 'date', 'Commissioning date'],
      ]),
      ...fieldRows('owner', [
        ['permitted_until', 't.permitted_until::text', 'date', 'A permitted site not built by then expires'],
        ['is_public', 't.is_public', 'boolean', 'Shown on the open-data map'],
        ['contract_ref', 't.contract_ref', 'string', 'Confidential: land/lease contract reference'],
        ['monthly_rent_vnd', 't.monthly_rent_vnd', 'integer', 'Confidential: monthly rent, VND'],
        ['private_contact', 't.private_contact', 'string', 'Confidential: private contact'],
      ]),
      ...synthetic('public'),
      ...updatedAt('carrier'),
    ],
  }),
  layer({
    id: 'sectors',
    title: 'Sector footprints',
    titleVi: 'Vùng phủ của cell',
    description: "Each sector's derived footprint (wedge or disc) with its radio parameters.",
    from: `sectors t JOIN carriers oc ON oc.id = t.carrier_id JOIN sites s ON s.id = t.site_id`,
    geomSql: 't.footprint',
    geometryType: 'Polygon',
    ownerSql: 't.carrier_id',
    where: 't.footprint IS NOT NULL',
    minZoom: 9,
    fields: [
      ...fieldRows('carrier', [
        ['code', 't.code', 'string', "The carrier's cell code", 'filter'],
        ['carrier', 'oc.code', 'string', 'Carrier code', 'filter'],
        ['site_code', 's.code', 'string', 'Site code', 'filter'],
        ['technology', 't.technology', 'string', '2G | 3G | 4G | 5G', 'filter'],
        ['band_mhz', 't.band_mhz', 'number', 'Band, MHz', 'filter'],
        ['azimuth_deg', 't.azimuth_deg', 'number', 'Azimuth, degrees from north'],
        ['beamwidth_deg', 't.beamwidth_deg', 'number', 'Horizontal beamwidth, degrees (360 = omni)'],
        ['antenna_height_m', 't.antenna_height_m', 'number', 'Antenna height, metres'],
        ['range_m', 't.range_m', 'number', 'Modelled range, metres'],
        ['status', 't.status', 'string', 'planned | permitted | active | decommissioned', 'filter'],
      ]),
      ...fieldRows('owner', [
        ['tilt_deg', 't.tilt_deg', 'number', 'Tilt, degrees'],
        ['mapl_db', 't.mapl_db', 'number', 'Maximum allowable path loss override, dB'],
        ['cell_identity', 't.cell_identity', 'string', 'mcc-mnc-area-cell'],
      ]),
      ...fieldRows('carrier', [['footprint_model', 't.footprint_model', 'string', 'Propagation model of the footprint']]),
      ...synthetic('carrier'),
    ],
  }),
  ...OWNED_ASSETS.map(ownedAsset),
  layer({
    id: 'zones',
    title: 'Planning zones',
    titleVi: 'Vùng quy hoạch',
    description: 'No-build areas, height limits, underground-required streets and planned tower areas.',
    from: 'zones t',
    geometryType: 'Geometry',
    temporal: { start: 't.valid_from', end: 't.valid_to' },
    minZoom: 9,
    fields: [
      ...fieldRows('carrier', [
        ['code', 't.code', 'string', 'Code', 'filter'],
        ['name', 't.name', 'string', 'Name'],
        ['kind', 't.kind', 'string', 'no_build | height_limit | underground_required | planned_tower_area', 'filter'],
        ['max_height_m', 't.max_height_m', 'number', 'Height limit, metres'],
        ['buffer_m', 't.buffer_m', 'number', 'Street half-width, metres'],
        ['legal_basis', 't.legal_basis', 'string', 'Legal basis'],
        ['valid_from', 't.valid_from::text', 'date', 'First day valid'],
        ['valid_to', 't.valid_to::text', 'date', 'Last day valid'],
      ]),
      ...synthetic('carrier'),
    ],
  }),
];

const BY_ID = new Map(LAYERS.map((l) => [l.id, l]));

export function findLayer(id: string): LayerDefinition | undefined {
  return BY_ID.get(id);
}

export function audienceOf(actor: Actor): Audience {
  if (actor.kind !== 'user') return { kind: 'public' };
  if (actor.role === 'carrier') return actor.carrierId === null ? { kind: 'public' } : { kind: 'carrier', carrierId: actor.carrierId };
  return { kind: 'staff' };
}

/** Whether the audience may see the layer at all. */
export function layerVisibleTo(layer: LayerDefinition, audience: Audience): boolean {
  return audience.kind !== 'public' || layer.publicWhere !== null;
}

/** Layers the audience may see, in catalogue order. */
export function layersFor(audience: Audience): LayerDefinition[] {
  return LAYERS.filter((l) => layerVisibleTo(l, audience));
}

/** Whether a field of this access level reaches this audience, and whether only on its own rows. */
export function fieldReach(access: FieldAccess, audience: Audience): 'all' | 'own-rows' | 'none' {
  switch (audience.kind) {
    case 'staff':
      return 'all';
    case 'public':
      return access === 'public' ? 'all' : 'none';
    case 'carrier':
      if (access === 'public' || access === 'carrier') return 'all';
      return access === 'owner' ? 'own-rows' : 'none';
  }
}

/**
 * The attribute list of a layer for one audience. For carriers, 'carrier-own'
 * is what they see on their own rows, 'carrier-other' on other carriers' rows.
 */
export function fieldsFor(layer: LayerDefinition, audience: Audience | 'carrier-own' | 'carrier-other'): LayerField[] {
  if (audience === 'carrier-own') return layer.fields.filter((f) => f.access !== 'staff' && (f.access !== 'owner' || layer.ownerSql !== undefined));
  if (audience === 'carrier-other') return layer.fields.filter((f) => f.access === 'public' || f.access === 'carrier');
  return layer.fields.filter((f) => fieldReach(f.access, audience) !== 'none');
}

/** Fields a caller may filter on: filterable and readable on every row it sees. */
export function filterableFieldsFor(layer: LayerDefinition, audience: Audience): LayerField[] {
  return layer.fields.filter((f) => f.filterable && fieldReach(f.access, audience) === 'all');
}

/**
 * The SELECT list (`expr AS "name"`, …) for an audience. Owner-only fields
 * become `CASE WHEN owner = :carrier THEN expr END` for a carrier, so another
 * carrier's rows carry null (omitted from tiles).
 */
export function projectionSql(layer: LayerDefinition, audience: Audience, only?: (field: LayerField) => string | null): string[] {
  const out: string[] = [];
  for (const field of layer.fields) {
    const reach = fieldReach(field.access, audience);
    if (reach === 'none') continue;
    // `only` gives a condition under which the field is projected (null = always).
    const when = [only?.(field) ?? null];
    if (reach === 'own-rows') {
      if (!layer.ownerSql) continue;
      when.push(`${layer.ownerSql} = :carrier`);
    }
    const conditions = when.filter((c): c is string => c !== null);
    out.push(conditions.length > 0 ? `CASE WHEN ${conditions.join(' AND ')} THEN ${field.sql} END AS "${field.name}"` : `${field.sql} AS "${field.name}"`);
  }
  return out;
}

/** Row filter for an audience (SQL, over alias t). */
export function rowFilterSql(layer: LayerDefinition, audience: Audience): string {
  const parts = [layer.where ?? 'true'];
  if (audience.kind === 'public') parts.push(layer.publicWhere ?? 'false');
  return parts.map((p) => `(${p})`).join(' AND ');
}

/**
 * Compiles `:name` placeholders (pgbench's syntax, so the benchmark runs the
 * very same text) to `$1…$n` for node-postgres, in order of first use, once
 * per statement: `names` gives the value of each `$n`. `::type` casts are left alone.
 */
export function compileTemplate(template: string): { text: string; names: string[] } {
  const names: string[] = [];
  const text = template.replace(/(?<![:\w]):([a-z_][a-z0-9_]*)/g, (_, name: string) => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text, names };
}

/** The values of a compiled statement's `$1…$n`, by name. */
export function bindNamed(names: readonly string[], values: Record<string, unknown>): unknown[] {
  return names.map((name) => {
    if (!(name in values)) throw new Error(`no value for :${name}`);
    return values[name];
  });
}

/** compileTemplate and bindNamed at once, for statements run once. */
export function compileNamed(template: string, values: Record<string, unknown>): { text: string; values: unknown[] } {
  const { text, names } = compileTemplate(template);
  return { text, values: bindNamed(names, values) };
}
