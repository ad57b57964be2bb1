// Coordinate reference systems offered by OGC API – Features Part 2 (CRS by
// reference). Storage is WGS84 (CRS84 axis order lon,lat); VN-2000, the
// national datum survey data comes in, is offered geographic (EPSG:4756) and
// projected (UTM zones 48N/49N, and the TM-3 zones EPSG carries). PostGIS
// transforms with the EPSG 7-parameter VN-2000 → WGS84 shift from its
// spatial_ref_sys. EPSG geographic CRSs have latitude first (OGC Part 2 §6.2).

export interface OutputCrs {
  uri: string;
  srid: number;
  /** EPSG geographic CRSs list latitude first. */
  latLonOrder: boolean;
  /** Decimal places of output coordinates (~1 cm). */
  decimals: number;
  title: string;
}

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const epsg = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

export const SUPPORTED_CRS: OutputCrs[] = [
  { uri: CRS84, srid: 4326, latLonOrder: false, decimals: 7, title: 'WGS 84 (longitude, latitude)' },
  { uri: epsg(4326), srid: 4326, latLonOrder: true, decimals: 7, title: 'WGS 84 (latitude, longitude)' },
  { uri: epsg(4756), srid: 4756, latLonOrder: true, decimals: 7, title: 'VN-2000 (latitude, longitude)' },
  { uri: epsg(3405), srid: 3405, latLonOrder: false, decimals: 2, title: 'VN-2000 / UTM zone 48N' },
  { uri: epsg(3406), srid: 3406, latLonOrder: false, decimals: 2, title: 'VN-2000 / UTM zone 49N' },
  { uri: epsg(5896), srid: 5896, latLonOrder: false, decimals: 2, title: 'VN-2000 / TM-3 zone 481' },
  { uri: epsg(5897), srid: 5897, latLonOrder: false, decimals: 2, title: 'VN-2000 / TM-3 zone 482' },
  { uri: epsg(5898), srid: 5898, latLonOrder: false, decimals: 2, title: 'VN-2000 / TM-3 zone 491' },
  { uri: epsg(3857), srid: 3857, latLonOrder: false, decimals: 2, title: 'WGS 84 / Pseudo-Mercator' },
];

const BY_URI = new Map<string, OutputCrs>();
for (const crs of SUPPORTED_CRS) {
  BY_URI.set(crs.uri, crs);
  // Also accept the short forms clients write: EPSG:4756, [EPSG:4756], OGC:CRS84.
  const code = crs.uri.endsWith('CRS84') ? 'OGC:CRS84' : `EPSG:${crs.srid}`;
  BY_URI.set(code, crs);
  BY_URI.set(`[${code}]`, crs);
}

export function findCrs(value: string | undefined): OutputCrs | undefined {
  if (value === undefined || value === '') return SUPPORTED_CRS[0];
  return BY_URI.get(value.trim());
}
