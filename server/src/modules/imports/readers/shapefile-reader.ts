import { unzipSync } from 'fflate';
import * as shapefile from 'shapefile';
import { CRS_LIST, type CrsDefinition } from '@registry/shared/crs/crs';
import { ImportFileError } from '../import-errors';
import type { RawGeometry, RawRecord } from './types';

export interface ShapefileContents {
  records: AsyncGenerator<RawRecord>;
  /** The .prj text, when the archive has one. */
  prj: string | null;
}

/**
 * Reads a zipped Shapefile (.shp + .dbf, optional .prj and .cpg) with the
 * `shapefile` package, pure JavaScript. The archive is unzipped in memory, so
 * it is bounded by the upload limit; records are then produced one at a time.
 */
export function readShapefileZip(zipped: Uint8Array, maxUnzippedBytes: number): ShapefileContents {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zipped, { filter: (f) => /\.(shp|dbf|prj|cpg)$/i.test(f.name) && f.originalSize <= maxUnzippedBytes });
  } catch {
    throw new ImportFileError('The Shapefile archive is not a readable zip');
  }
  const names = Object.keys(files);
  const shp = names.find((n) => /\.shp$/i.test(n));
  if (!shp) throw new ImportFileError('The zip holds no .shp file');
  const base = shp.slice(0, -4).toLowerCase();
  const sibling = (ext: string) => names.find((n) => n.toLowerCase() === `${base}.${ext}`);
  const dbfName = sibling('dbf');
  const prjName = sibling('prj');
  const cpgName = sibling('cpg');
  const encoding = cpgName ? new TextDecoder().decode(files[cpgName]).trim() || 'utf-8' : 'utf-8';
  const prj = prjName ? new TextDecoder().decode(files[prjName]) : null;

  async function* records(): AsyncGenerator<RawRecord> {
    const source = await shapefile.open(files[shp!]!, dbfName ? files[dbfName] : undefined, { encoding });
    for (;;) {
      const next = await source.read();
      if (next.done) return;
      yield { properties: { ...(next.value.properties ?? {}) }, geometry: next.value.geometry as unknown as RawGeometry | null };
    }
  }
  return { records: records(), prj };
}

/** Lower case, letters and digits only; ESRI's "1984" spelling of WGS 84 and its "GCS_" prefix taken off. */
function crsKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .replace(/^gcs/, '')
    .replace(/wgs1984/g, 'wgs84');
}

const CRS_BY_KEY = new Map<string, CrsDefinition>(CRS_LIST.map((c) => [crsKey(c.name), c]));

/**
 * The CRS a Shapefile's .prj (WKT, ESRI or OGC flavour) describes, among the
 * supported ones: by its EPSG authority when the WKT carries one at the top
 * level, else by name — the PROJCS/GEOGCS name GDAL and ArcGIS write, e.g.
 * `VN-2000_TM-3_107-00` (EPSG:9214), `VN_2000_UTM_Zone_48N` (EPSG:3405),
 * `GCS_VN_2000` (EPSG:4756), `WGS_1984_UTM_Zone_48N` (EPSG:32648),
 * `GCS_WGS_1984` (EPSG:4326). A transverse Mercator's Central_Meridian must
 * agree with the named system's. Anything else is refused: guessing a datum
 * or zone would silently move every feature.
 */
export function crsFromPrj(wkt: string): CrsDefinition {
  const text = wkt.replace(/^\uFEFF/, '').trim();
  const head = /^([A-Z]+)\s*\[\s*"([^"]*)"/i.exec(text);
  if (!head) throw new ImportFileError('The Shapefile\'s .prj is not a WKT coordinate system: delete it and choose the CRS, or export the layer again');
  const name = head[2]!;
  const authority = /(?:AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?|\bID\s*\[\s*"EPSG"\s*,\s*)(\d{4,5})"?\s*\]\s*\]\s*$/i.exec(text);
  const crs = (authority ? CRS_LIST.find((c) => c.code === `EPSG:${authority[1]}`) : undefined) ?? CRS_BY_KEY.get(crsKey(name));
  if (!crs) {
    throw new ImportFileError(
      `The Shapefile's .prj is in "${name}", which this registry does not convert: supported are WGS 84 (EPSG:4326), UTM 48N/49N, and VN-2000 geographic, UTM and TM-3 zones (EPSG:4756, 3405, 3406, 5896–5899, 9205–9218). Reproject the layer first, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp`,
      undefined,
      'unsupported_crs',
    );
  }
  const meridian = /PARAMETER\s*\[\s*"(?:Central_Meridian|Longitude of natural origin|longitude_of_center)"\s*,\s*(-?[\d.]+)/i.exec(text);
  if (meridian && crs.centralMeridianDeg !== undefined && Math.abs(Number(meridian[1]) - crs.centralMeridianDeg) > 1e-9) {
    throw new ImportFileError(
      `The Shapefile's .prj names ${crs.name} (${crs.code}) but gives central meridian ${meridian[1]}°, not ${crs.centralMeridianDeg}°: fix or remove the .prj`,
      undefined,
      'unsupported_crs',
    );
  }
  return crs;
}
