import { unzipSync } from 'fflate';
import * as shapefile from 'shapefile';
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
