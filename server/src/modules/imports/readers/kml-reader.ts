import { SaxesParser } from 'saxes';
import { unzipSync } from 'fflate';
import { AppError } from '../../../errors';
import { ImportFileError } from '../import-errors';
import type { RawGeometry, RawRecord } from './types';

const local = (name: string) => name.slice(name.indexOf(':') + 1);

function parseCoordinates(text: string): number[][] {
  const out: number[][] = [];
  for (const tuple of text.trim().split(/\s+/)) {
    if (!tuple) continue;
    const parts = tuple.split(',').map(Number);
    if (parts.length >= 2) out.push(parts.length > 2 && parts[2] !== 0 ? parts.slice(0, 3) : parts.slice(0, 2));
  }
  return out;
}

function combine(geoms: RawGeometry[]): RawGeometry | null {
  if (geoms.length === 0) return null;
  if (geoms.length === 1) return geoms[0]!;
  if (geoms.every((g) => g.type === 'Polygon')) return { type: 'MultiPolygon', coordinates: geoms.map((g) => g.coordinates) };
  if (geoms.every((g) => g.type === 'LineString')) return { type: 'MultiLineString', coordinates: geoms.map((g) => g.coordinates) };
  if (geoms.every((g) => g.type === 'Point')) return { type: 'MultiPoint', coordinates: geoms.map((g) => g.coordinates) };
  return { type: 'GeometryCollection', geometries: geoms };
}

/**
 * Streams the Placemarks of a KML document (SAX, so the document is never
 * held whole): name, description, ExtendedData (Data/value and
 * SchemaData/SimpleData, as written by Google Earth and by GDAL's ogr2ogr),
 * and Point / LineString / Polygon / MultiGeometry. KML is WGS84 lon,lat by
 * definition (OGC KML 2.2 §6.2).
 */
export async function* readKml(source: AsyncIterable<Buffer | Uint8Array>, onNetworkLink?: (href: string) => void): AsyncGenerator<RawRecord> {
  const parser = new SaxesParser({ xmlns: false });
  const queue: RawRecord[] = [];
  const stack: string[] = [];
  let text = '';
  let placemark: { properties: Record<string, unknown>; geoms: RawGeometry[] } | null = null;
  let dataName: string | null = null;
  let rings: number[][][] | null = null;
  let lastCoordinates: number[][] = [];

  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    stack.push(name);
    text = '';
    if (name === 'Placemark') placemark = { properties: {}, geoms: [] };
    if (!placemark) return;
    if (name === 'Data' || name === 'SimpleData') dataName = typeof tag.attributes.name === 'string' ? tag.attributes.name : null;
    if (name === 'Polygon') rings = [];
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    stack.pop();
    const parent = stack.at(-1);
    if (name === 'href' && (parent === 'Link' || parent === 'Url') && stack.at(-2) === 'NetworkLink') onNetworkLink?.(text.trim());
    if (!placemark) return;
    switch (name) {
      case 'name':
      case 'description':
        if (parent === 'Placemark') placemark.properties[name] = text.trim();
        break;
      case 'value':
        if (parent === 'Data' && dataName) placemark.properties[dataName] = text.trim();
        break;
      case 'SimpleData':
        if (dataName) placemark.properties[dataName] = text.trim();
        break;
      case 'coordinates':
        lastCoordinates = parseCoordinates(text);
        break;
      case 'LinearRing':
        if (rings) rings.push(lastCoordinates);
        break;
      case 'Point':
        placemark.geoms.push({ type: 'Point', coordinates: lastCoordinates[0] ?? [] });
        break;
      case 'LineString':
        placemark.geoms.push({ type: 'LineString', coordinates: lastCoordinates });
        break;
      case 'Polygon':
        if (rings) placemark.geoms.push({ type: 'Polygon', coordinates: rings });
        rings = null;
        break;
      case 'Placemark':
        queue.push({ properties: placemark.properties, geometry: combine(placemark.geoms) });
        placemark = null;
        break;
    }
    text = '';
  });

  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of source) {
      parser.write(decoder.decode(chunk, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(`The KML cannot be read: ${message}`);
  }
  while (queue.length > 0) yield queue.shift()!;
}

/**
 * Unzips a KMZ and reads its doc.kml (or its first .kml), then the documents
 * inside the archive that it links to with NetworkLinks, in order: GDAL's
 * LIBKML driver writes a doc.kml holding only links to layers/<layer>.kml.
 * Links to anything outside the archive are not followed.
 */
export async function* readKmz(zipped: Uint8Array, maxUnzippedBytes: number): AsyncGenerator<RawRecord> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zipped, { filter: (f) => /\.kml$/i.test(f.name) && f.originalSize <= maxUnzippedBytes });
  } catch {
    throw new ImportFileError('The KMZ is not a readable zip archive');
  }
  const names = Object.keys(files);
  const root = names.find((n) => /^(?:\.\/)?doc\.kml$/i.test(n)) ?? names.find((n) => /(^|\/)doc\.kml$/i.test(n)) ?? names[0];
  if (!root) throw new ImportFileError('The KMZ holds no .kml document');
  const pending = [root];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const name = pending.shift()!;
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    const document = files[name]!;
    yield* readKml(
      (async function* () {
        yield document;
      })(),
      (href) => {
        const target = resolveInArchive(dir, href);
        if (target && files[target] && !seen.has(target)) {
          seen.add(target);
          pending.push(target);
        }
      },
    );
  }
}

/** A relative link from a document in directory `dir` of the archive → the archive path, or null if it points outside. */
function resolveInArchive(dir: string, href: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/')) return null;
  const parts: string[] = [];
  for (const part of (dir + href.split(/[?#]/)[0]!).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  try {
    return decodeURIComponent(parts.join('/'));
  } catch {
    return null;
  }
}
