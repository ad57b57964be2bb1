// Coordinate reference systems an import may be in: WGS84 and the national
// datum VN-2000 (geographic, UTM and the provincial TM-3 zones). The same list
// feeds the server's transformer and the client's CRS chooser.
//
// VN-2000 → WGS 84 uses the official seven parameters published with Decision
// 05/2007/QĐ-BTNMT (Ministry of Natural Resources and Environment, 2007),
// recorded by EPSG as transformation EPSG:6960 "VN-2000 to WGS 84 (2)":
//   tX = -191.90441429 m, tY = -39.30318279 m, tZ = -111.45032835 m,
//   rX = -0.00928836″, rY = +0.01975479″, rZ = -0.00427372″, dS = +0.252906278 ppm,
// method EPSG:9607 (coordinate frame rotation). proj4's +towgs84 follows the
// position-vector convention (EPSG:9606), so the three rotations appear here
// with their signs flipped; leaving them unflipped moves points by about a
// metre in this province. The strings are what PROJ's own database gives
// (`projinfo -o PROJ EPSG:9214`), and server/src/modules/imports/crs-transform.test.ts
// checks them against cs2cs.

const VN2000_TOWGS84 = '-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278';
const VN2000 = `+ellps=WGS84 +towgs84=${VN2000_TOWGS84}`;

export type CrsKind = 'geographic' | 'projected';

export interface CrsDefinition {
  /** 'EPSG:9214' */
  code: string;
  /** EPSG name, e.g. 'VN-2000 / TM-3 107-00'. */
  name: string;
  /** Vietnamese label for the chooser. */
  nameVi: string;
  kind: CrsKind;
  datum: 'WGS84' | 'VN-2000';
  /** Central meridian in degrees, for transverse Mercator systems. */
  centralMeridianDeg?: number;
  proj4: string;
}

function tm3(epsg: number, lon0: number, label: string): CrsDefinition {
  return {
    code: `EPSG:${epsg}`,
    name: `VN-2000 / TM-3 ${label}`,
    nameVi: `VN-2000 múi chiếu 3° kinh tuyến trục ${formatMeridian(lon0)}`,
    kind: 'projected',
    datum: 'VN-2000',
    centralMeridianDeg: lon0,
    proj4: `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=0.9999 +x_0=500000 +y_0=0 ${VN2000} +units=m +no_defs`,
  };
}

function formatMeridian(deg: number): string {
  const d = Math.floor(deg);
  const m = Math.round((deg - d) * 60);
  return `${d}°${String(m).padStart(2, '0')}′`;
}

export const CRS_LIST: readonly CrsDefinition[] = [
  { code: 'EPSG:4326', name: 'WGS 84', nameVi: 'WGS 84 (kinh độ, vĩ độ)', kind: 'geographic', datum: 'WGS84', proj4: '+proj=longlat +datum=WGS84 +no_defs' },
  { code: 'EPSG:32648', name: 'WGS 84 / UTM zone 48N', nameVi: 'WGS 84 / UTM múi 48N', kind: 'projected', datum: 'WGS84', centralMeridianDeg: 105, proj4: '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs' },
  { code: 'EPSG:32649', name: 'WGS 84 / UTM zone 49N', nameVi: 'WGS 84 / UTM múi 49N', kind: 'projected', datum: 'WGS84', centralMeridianDeg: 111, proj4: '+proj=utm +zone=49 +datum=WGS84 +units=m +no_defs' },
  { code: 'EPSG:4756', name: 'VN-2000', nameVi: 'VN-2000 (kinh độ, vĩ độ)', kind: 'geographic', datum: 'VN-2000', proj4: `+proj=longlat ${VN2000} +no_defs` },
  { code: 'EPSG:3405', name: 'VN-2000 / UTM zone 48N', nameVi: 'VN-2000 / UTM múi 48N', kind: 'projected', datum: 'VN-2000', centralMeridianDeg: 105, proj4: `+proj=utm +zone=48 ${VN2000} +units=m +no_defs` },
  { code: 'EPSG:3406', name: 'VN-2000 / UTM zone 49N', nameVi: 'VN-2000 / UTM múi 49N', kind: 'projected', datum: 'VN-2000', centralMeridianDeg: 111, proj4: `+proj=utm +zone=49 ${VN2000} +units=m +no_defs` },
  { ...tm3(5896, 102, 'zone 481'), nameVi: 'VN-2000 TM-3 múi 481 (102°00′)' },
  { ...tm3(5897, 105, 'zone 482'), nameVi: 'VN-2000 TM-3 múi 482 (105°00′)' },
  { ...tm3(5898, 108, 'zone 491'), nameVi: 'VN-2000 TM-3 múi 491 (108°00′)' },
  tm3(5899, 107.75, '107-45'),
  tm3(9205, 103, '103-00'),
  tm3(9206, 104, '104-00'),
  tm3(9207, 104.5, '104-30'),
  tm3(9208, 104.75, '104-45'),
  tm3(9209, 105.5, '105-30'),
  tm3(9210, 105.75, '105-45'),
  tm3(9211, 106, '106-00'),
  tm3(9212, 106.25, '106-15'),
  tm3(9213, 106.5, '106-30'),
  tm3(9214, 107, '107-00'),
  tm3(9215, 107.25, '107-15'),
  tm3(9216, 107.5, '107-30'),
  tm3(9217, 108.25, '108-15'),
  tm3(9218, 108.5, '108-30'),
];

export const DEFAULT_CRS = 'EPSG:4326';

const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/**
 * Finds a CRS by EPSG code ('EPSG:9214', '9214', 'urn:ogc:def:crs:EPSG::9214')
 * or by name ('VN-2000 / TM-3 107-00', 'vn2000 tm3 107-00', 'WGS84').
 */
export function findCrs(codeOrName: string): CrsDefinition | undefined {
  const text = codeOrName.trim();
  const epsg = /^(?:urn:ogc:def:crs:)?(?:epsg)?[:\s]*(?::)?(\d{4,5})$/i.exec(text) ?? /epsg:{1,2}(\d{4,5})$/i.exec(text);
  if (epsg) return CRS_LIST.find((c) => c.code === `EPSG:${epsg[1]}`);
  if (/^crs84$|^wgs ?84$|^wgs-84$/i.test(text) || /crs84$/i.test(text)) return CRS_LIST[0];
  const key = normalise(text);
  return CRS_LIST.find((c) => normalise(c.name) === key || normalise(c.nameVi) === key);
}
