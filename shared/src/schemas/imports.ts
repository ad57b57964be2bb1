import { z } from 'zod';
import {
  ACCESS_POINT_KINDS,
  AREA_CLASSES,
  ASSET_STATUSES,
  FIBRE_ROUTE_KINDS,
  IMPORT_STATUSES,
  PLACEMENTS,
  STRUCTURE_TYPES,
  TECHNOLOGIES,
  TRENCH_KINDS,
  ZONE_KINDS,
} from '../enums';
import { LIMITS } from '../limits';

// Bulk import and export: the asset types, the columns each accepts (with the
// English and Vietnamese header names a file may use), the file formats, and
// the API's request and response shapes. The client's import screen reads the
// same lists, so it can show the expected columns before a file is chosen.

export const IMPORT_ASSET_TYPES = [
  'sites',
  'sectors',
  'fibre-routes',
  'access-points',
  'poles',
  'manholes',
  'conduits',
  'trenches',
  'zones',
  'villages',
  'locations',
  'kpi-observations',
  /** OpenCelliD cell export: sectors grouped into sites by position. */
  'opencellid',
] as const;
export type ImportAssetType = (typeof IMPORT_ASSET_TYPES)[number];

export const IMPORT_FORMATS = ['geojson', 'csv', 'kml', 'kmz', 'shapefile'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const EXPORT_FORMATS = ['geojson', 'csv', 'kml', 'ofds'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What a dry run says it would do with a row. `skip`: the row would not be written (it has errors, or is blank). */
export const IMPORT_ACTIONS = ['create', 'update', 'unchanged', 'skip'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

export type FieldType = 'text' | 'number' | 'integer' | 'enum' | 'boolean' | 'date';

export interface ImportField {
  /** Database column (snake_case) and the canonical header. */
  name: string;
  type: FieldType;
  /** Other headers accepted, English and Vietnamese (matched without diacritics, case or punctuation). */
  aliases: readonly string[];
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Required when the row creates an object. */
  required?: boolean;
  /** Used when a row creates an object without the column. */
  defaultValue?: string | number | boolean;
  /** Seen only by the owner, planners, officers and admins. */
  confidential?: boolean;
}

export type GeometryExpectation = 'point' | 'line' | 'area' | 'zone' | 'none';

export interface ImportAssetSpec {
  type: Exclude<ImportAssetType, 'opencellid'>;
  /** Layer id in change events and exports. */
  layer: string;
  /** Change-log object type. */
  objectType: string;
  geometry: GeometryExpectation;
  /** Owned by a carrier: rows name it in a `carrier` column (its code). */
  carrierOwned: boolean;
  /** Which roles may import this type (admins always may). */
  roles: readonly ('planner' | 'carrier' | 'officer')[];
  fields: readonly ImportField[];
}

const code: ImportField = { name: 'code', type: 'text', aliases: ['ma', 'mã', 'ma tram', 'mã trạm', 'id_code', 'site_code'], required: true };
const status: ImportField = { name: 'status', type: 'enum', values: ASSET_STATUSES, aliases: ['trang thai', 'trạng thái'], defaultValue: 'active' };
const nameField: ImportField = { name: 'name', type: 'text', aliases: ['ten', 'tên'] };

export const IMPORT_ASSET_SPECS: Record<Exclude<ImportAssetType, 'opencellid'>, ImportAssetSpec> = {
  sites: {
    type: 'sites',
    layer: 'sites',
    objectType: 'site',
    geometry: 'point',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      code,
      nameField,
      { name: 'structure_type', type: 'enum', values: STRUCTURE_TYPES, aliases: ['structure', 'loai cot', 'loại cột', 'loai tram', 'loại trạm'], required: true },
      { name: 'height_m', type: 'number', min: 0.1, max: LIMITS.heightMaxMeters, aliases: ['height', 'chieu cao', 'chiều cao', 'do cao cot', 'độ cao cột'], required: true },
      { name: 'tenant_capacity', type: 'integer', min: 1, max: LIMITS.tenantCapacityMax, aliases: ['capacity', 'suc chua', 'sức chứa', 'so nha mang toi da'], defaultValue: 1 },
      status,
      { name: 'address', type: 'text', aliases: ['dia chi', 'địa chỉ'] },
      { name: 'commissioned_on', type: 'date', aliases: ['ngay phat song', 'ngày phát sóng', 'commissioned'] },
      { name: 'permitted_until', type: 'date', aliases: ['han giay phep', 'hạn giấy phép'] },
      { name: 'contract_ref', type: 'text', aliases: ['so hop dong', 'số hợp đồng', 'contract'], confidential: true },
      { name: 'monthly_rent_vnd', type: 'integer', min: 0, max: 1e13, aliases: ['tien thue thang', 'tiền thuê tháng', 'rent'], confidential: true },
      { name: 'private_contact', type: 'text', aliases: ['lien he', 'liên hệ', 'contact'], confidential: true },
      { name: 'is_public', type: 'boolean', aliases: ['cong khai', 'công khai', 'public'], defaultValue: true },
    ],
  },
  sectors: {
    type: 'sectors',
    layer: 'sectors',
    objectType: 'sector',
    geometry: 'none',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      { ...code, aliases: ['ma cell', 'mã cell', 'cell', 'cell_code', 'ma', 'mã'] },
      { name: 'site_code', type: 'text', aliases: ['ma tram', 'mã trạm', 'site'], required: true },
      { name: 'technology', type: 'enum', values: TECHNOLOGIES, aliases: ['tech', 'cong nghe', 'công nghệ', 'radio'], required: true },
      { name: 'band_mhz', type: 'number', min: LIMITS.bandMinMHz, max: LIMITS.bandMaxMHz, aliases: ['band', 'bang tan', 'băng tần'], required: true },
      { name: 'azimuth_deg', type: 'number', min: 0, max: LIMITS.azimuthMaxDeg, aliases: ['azimuth', 'goc phuong vi', 'góc phương vị', 'huong', 'hướng'], defaultValue: 0 },
      { name: 'beamwidth_deg', type: 'number', min: 1, max: LIMITS.beamwidthMaxDeg, aliases: ['beamwidth', 'do rong bup song', 'độ rộng búp sóng'], defaultValue: 65 },
      { name: 'antenna_height_m', type: 'number', min: 0.1, max: LIMITS.antennaHeightMaxMeters, aliases: ['antenna_height', 'do cao anten', 'độ cao anten'], required: true },
      { name: 'tilt_deg', type: 'number', min: LIMITS.tiltMinDeg, max: LIMITS.tiltMaxDeg, aliases: ['tilt', 'goc nghieng', 'góc nghiêng'], defaultValue: 0 },
      { name: 'mapl_db', type: 'number', min: LIMITS.maplMinDb, max: LIMITS.maplMaxDb, aliases: ['mapl'] },
      status,
      { name: 'cell_identity', type: 'text', aliases: ['cgi', 'cell_id'] },
    ],
  },
  'fibre-routes': {
    type: 'fibre-routes',
    layer: 'fibre-routes',
    objectType: 'fibre_route',
    geometry: 'line',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      { ...code, aliases: ['ma tuyen', 'mã tuyến', 'ma', 'mã', 'route_code'] },
      nameField,
      { name: 'kind', type: 'enum', values: FIBRE_ROUTE_KINDS, aliases: ['loai', 'loại', 'cap tuyen', 'cấp tuyến'], required: true },
      { name: 'placement', type: 'enum', values: PLACEMENTS, aliases: ['phuong thuc', 'phương thức', 'hinh thuc lap dat', 'hình thức lắp đặt'], required: true },
      { name: 'fibre_count', type: 'integer', min: 1, max: LIMITS.fibreCountMax, aliases: ['fibres', 'so soi', 'số sợi', 'dung luong', 'dung lượng'], required: true },
      status,
    ],
  },
  'access-points': {
    type: 'access-points',
    layer: 'access-points',
    objectType: 'access_point',
    geometry: 'point',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      code,
      { name: 'kind', type: 'enum', values: ACCESS_POINT_KINDS, aliases: ['loai', 'loại'], required: true },
      { name: 'ports_total', type: 'integer', min: 1, max: LIMITS.portsMax, aliases: ['ports', 'tong cong', 'tổng cổng', 'so cong', 'số cổng'], required: true },
      { name: 'ports_used', type: 'integer', min: 0, max: LIMITS.portsMax, aliases: ['cong da dung', 'cổng đã dùng', 'used'], defaultValue: 0 },
      status,
      { name: 'fibre_route_code', type: 'text', aliases: ['route', 'ma tuyen', 'mã tuyến'] },
    ],
  },
  poles: {
    type: 'poles',
    layer: 'poles',
    objectType: 'pole',
    geometry: 'point',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      { ...code, aliases: ['ma cot', 'mã cột', 'ma', 'mã'] },
      { name: 'height_m', type: 'number', min: 0.1, max: LIMITS.heightMaxMeters, aliases: ['height', 'chieu cao', 'chiều cao'], defaultValue: 8 },
      { name: 'material', type: 'enum', values: ['concrete', 'steel', 'wood', 'composite'], aliases: ['vat lieu', 'vật liệu'], defaultValue: 'concrete' },
      { name: 'positions_total', type: 'integer', min: 1, max: LIMITS.ductsMax, aliases: ['positions', 'so vi tri', 'số vị trí'], defaultValue: 4 },
      status,
    ],
  },
  manholes: {
    type: 'manholes',
    layer: 'manholes',
    objectType: 'manhole',
    geometry: 'point',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      { ...code, aliases: ['ma be', 'mã bể', 'ma ga', 'mã ga', 'ma', 'mã'] },
      { name: 'kind', type: 'enum', values: ['manhole', 'handhole', 'chamber'], aliases: ['loai', 'loại'], defaultValue: 'manhole' },
      { name: 'depth_m', type: 'number', min: 0.01, max: 100, aliases: ['depth', 'do sau', 'độ sâu'] },
      status,
    ],
  },
  conduits: {
    type: 'conduits',
    layer: 'conduits',
    objectType: 'conduit',
    geometry: 'line',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      { ...code, aliases: ['ma cong', 'mã cống', 'ma ong', 'mã ống', 'ma', 'mã'] },
      { name: 'ducts_total', type: 'integer', min: 1, max: LIMITS.ductsMax, aliases: ['ducts', 'so ong', 'số ống'], required: true },
      { name: 'ducts_used', type: 'integer', min: 0, max: LIMITS.ductsMax, aliases: ['ong da dung', 'ống đã dùng'], defaultValue: 0 },
      { name: 'diameter_mm', type: 'integer', min: 1, max: 5000, aliases: ['diameter', 'duong kinh', 'đường kính'] },
      status,
    ],
  },
  trenches: {
    type: 'trenches',
    layer: 'trenches',
    objectType: 'trench',
    geometry: 'line',
    carrierOwned: true,
    roles: ['planner', 'carrier'],
    fields: [
      { ...code, aliases: ['ma hao', 'mã hào', 'ma', 'mã'] },
      { name: 'kind', type: 'enum', values: TRENCH_KINDS, aliases: ['loai', 'loại'], required: true },
      { name: 'capacity_total', type: 'integer', min: 1, max: LIMITS.ductsMax, aliases: ['capacity', 'suc chua', 'sức chứa'], required: true },
      { name: 'capacity_used', type: 'integer', min: 0, max: LIMITS.ductsMax, aliases: ['da dung', 'đã dùng'], defaultValue: 0 },
      status,
    ],
  },
  zones: {
    type: 'zones',
    layer: 'zones',
    objectType: 'zone',
    geometry: 'zone',
    carrierOwned: false,
    roles: ['planner'],
    fields: [
      { ...code, aliases: ['ma vung', 'mã vùng', 'ma', 'mã'] },
      { ...nameField, required: true },
      { name: 'kind', type: 'enum', values: ZONE_KINDS, aliases: ['loai', 'loại'], required: true },
      { name: 'max_height_m', type: 'number', min: 0.1, max: 1000, aliases: ['max_height', 'chieu cao toi da', 'chiều cao tối đa'] },
      { name: 'buffer_m', type: 'number', min: 0, max: 1000, aliases: ['buffer'] },
      { name: 'legal_basis', type: 'text', aliases: ['can cu', 'căn cứ'] },
      { name: 'valid_from', type: 'date', aliases: ['hieu luc tu', 'hiệu lực từ'] },
      { name: 'valid_to', type: 'date', aliases: ['hieu luc den', 'hiệu lực đến'] },
    ],
  },
  villages: {
    type: 'villages',
    layer: 'villages',
    objectType: 'village',
    geometry: 'area',
    carrierOwned: false,
    roles: ['planner'],
    fields: [
      { ...code, aliases: ['ma thon', 'mã thôn', 'ma', 'mã'] },
      { ...nameField, required: true },
      { name: 'commune_code', type: 'text', aliases: ['ma xa', 'mã xã', 'commune'], required: true },
      { name: 'population', type: 'integer', min: 0, max: 10_000_000, aliases: ['dan so', 'dân số'], defaultValue: 0 },
      { name: 'households', type: 'integer', min: 0, max: 10_000_000, aliases: ['so ho', 'số hộ'], defaultValue: 0 },
      { name: 'area_class', type: 'enum', values: AREA_CLASSES, aliases: ['khu vuc', 'khu vực'], required: true },
      { name: 'mountainous', type: 'boolean', aliases: ['mien nui', 'miền núi'], defaultValue: false },
    ],
  },
  locations: {
    type: 'locations',
    layer: 'locations',
    objectType: 'location',
    geometry: 'point',
    carrierOwned: false,
    roles: ['planner'],
    fields: [
      code,
      { name: 'village_code', type: 'text', aliases: ['ma thon', 'mã thôn', 'village'], required: true },
      { name: 'units', type: 'integer', min: 1, max: 100_000, aliases: ['so ho', 'số hộ', 'don vi', 'đơn vị'], defaultValue: 1 },
      { name: 'kind', type: 'enum', values: ['household', 'business', 'public', 'other'], aliases: ['loai', 'loại'], defaultValue: 'household' },
    ],
  },
  'kpi-observations': {
    type: 'kpi-observations',
    layer: 'kpi-observations',
    objectType: 'kpi_observation',
    geometry: 'none',
    carrierOwned: false,
    roles: ['planner'],
    fields: [
      { name: 'indicator_code', type: 'text', aliases: ['indicator', 'chi tieu', 'chỉ tiêu', 'ma chi tieu', 'mã chỉ tiêu'], required: true },
      { name: 'admin_unit_code', type: 'text', aliases: ['district', 'ma huyen', 'mã huyện', 'don vi hanh chinh', 'đơn vị hành chính', 'ma dvhc', 'mã đvhc'], required: true },
      { name: 'period', type: 'text', aliases: ['ky', 'kỳ', 'ky bao cao', 'kỳ báo cáo'], required: true },
      { name: 'period_start', type: 'date', aliases: ['tu ngay', 'từ ngày'], required: true },
      { name: 'period_end', type: 'date', aliases: ['den ngay', 'đến ngày'], required: true },
      { name: 'value', type: 'number', min: 0, max: 1e12, aliases: ['gia tri', 'giá trị'], required: true },
      { name: 'source', type: 'text', aliases: ['nguon', 'nguồn'], required: true },
    ],
  },
};

// ---- OpenCelliD ----
// The cell export of opencellid.org (CC BY-SA 4.0): one row per cell,
// `radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal`,
// with or without that header line (the per-country downloads have none).
// Cells become sectors; cells of one carrier within OPENCELLID_SITE_RADIUS_M of
// each other become one site of that carrier. The carrier comes from MCC 452 and
// the MNC through carriers.mobile_network_codes (data, edited on the carrier).

export const OPENCELLID_COLUMNS = ['radio', 'mcc', 'net', 'area', 'cell', 'unit', 'lon', 'lat', 'range', 'samples', 'changeable', 'created', 'updated', 'averageSignal'] as const;
/** Viet Nam's mobile country code (ITU-T E.212). */
export const OPENCELLID_MCC = '452';
/** OpenCelliD `radio` → technology. CDMA and anything else is refused as a row error. */
export const OPENCELLID_RADIO: Record<string, (typeof TECHNOLOGIES)[number]> = { GSM: '2G', UMTS: '3G', LTE: '4G', NR: '5G' };
/**
 * Cells of one carrier whose positions are this close become one site. The
 * positions are OpenCelliD's averages of crowd-sourced measurements, so cells
 * on one mast rarely share a position exactly.
 */
export const OPENCELLID_SITE_RADIUS_M = 30;
/**
 * What OpenCelliD does not say, and what the import assumes: the band is the
 * technology's most used band in Viet Nam (GSM-900, UMTS band 1 at 2100 MHz,
 * LTE band 3 at 1800 MHz, NR n78 at 3500 MHz); the azimuth is unknown, so every
 * cell is omnidirectional (beamwidth 360°, azimuth 0); the mast is a 30 m
 * greenfield tower with antennas at 30 m. Planners correct these per site.
 */
export const OPENCELLID_DEFAULTS = {
  bandMhz: { '2G': 900, '3G': 2100, '4G': 1800, '5G': 3500 } as Record<(typeof TECHNOLOGIES)[number], number>,
  azimuthDeg: 0,
  beamwidthDeg: 360,
  antennaHeightM: 30,
  siteHeightM: 30,
  structureType: 'greenfield_tower' as (typeof STRUCTURE_TYPES)[number],
  /** Written to synthetic_method (with synthetic = true: positions are estimates, not surveys). */
  sourceMethod: 'opencellid',
};

/** Headers naming the owner carrier (its code). */
export const CARRIER_ALIASES = ['carrier', 'owner', 'carrier_code', 'owner_carrier', 'owner_carrier_code', 'nha mang', 'nhà mạng', 'doanh nghiep', 'doanh nghiệp', 'chu so huu', 'chủ sở hữu'];
/** Headers of point coordinates (in the chosen CRS: lon/x/easting, lat/y/northing). */
export const X_ALIASES = ['lon', 'lng', 'long', 'longitude', 'x', 'easting', 'kinh do', 'kinh độ', 'toa do x', 'tọa độ x'];
export const Y_ALIASES = ['lat', 'latitude', 'y', 'northing', 'vi do', 'vĩ độ', 'toa do y', 'tọa độ y'];
export const WKT_ALIASES = ['wkt', 'geometry', 'geom', 'the_geom', 'hinh hoc', 'hình học'];

// ---- API shapes ----

export const CreateImportFields = z.object({
  assetType: z.enum(IMPORT_ASSET_TYPES),
  /** EPSG code or name; see GET /api/imports/crs. */
  crs: z.string().trim().min(1).max(100).default('EPSG:4326'),
  /** Guessed from the file name when absent. */
  format: z.enum(IMPORT_FORMATS).optional(),
  /** Planners and admins: the carrier (code) of rows that name none. Carriers always import as themselves. */
  carrier: z.string().trim().max(LIMITS.codeMaxLength).optional(),
});
export type CreateImportFields = z.infer<typeof CreateImportFields>;

export const ImportRowError = z.object({ path: z.string(), reason: z.string(), message: z.string() });
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportWarning = z.object({ reason: z.string(), message: z.string() });

export const ImportJob = z.object({
  id: z.string().uuid(),
  assetType: z.string(),
  format: z.string(),
  crs: z.string(),
  filename: z.string().nullable(),
  status: z.enum(IMPORT_STATUSES),
  rowsRead: z.number().int(),
  rowsValid: z.number().int(),
  rowsWritten: z.number().int(),
  errorCount: z.number().int(),
  /** Rows per action once the dry run is done. */
  actions: z.record(z.string(), z.number().int()),
  warnings: z.array(ImportWarning),
  message: z.string().nullable(),
  operationId: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportRowResult = z.object({
  row: z.number().int(),
  code: z.string().nullable(),
  action: z.enum(IMPORT_ACTIONS),
  errors: z.array(ImportRowError),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

export const ImportRowsQuery = z.object({
  /** Only rows with errors, or with this action. */
  errorsOnly: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  action: z.enum(IMPORT_ACTIONS).optional(),
  /** First row number to return (rows are numbered from 1 in file order). */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
});
export type ImportRowsQuery = z.infer<typeof ImportRowsQuery>;

export const ImportJobWithRows = ImportJob.extend({
  rows: z.object({ items: z.array(ImportRowResult), total: z.number().int(), nextAfter: z.number().int().nullable() }),
});
