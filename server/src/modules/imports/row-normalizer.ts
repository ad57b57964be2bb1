import wkx from 'wkx';
import {
  CARRIER_ALIASES,
  WKT_ALIASES,
  X_ALIASES,
  Y_ALIASES,
  type ImportAssetSpec,
  type ImportField,
  type ImportRowError,
} from '@registry/shared/schemas/imports';
import { placeAgainstExtent, type AnyGeometry, type BBox } from '@registry/shared/geo/geometry';
import { LIMITS } from '@registry/shared/limits';
import { reasonMessage, type Locale } from '@registry/shared/messages';
import { findCrs } from '@registry/shared/crs/crs';
import { createPositionTransform, firstPosition, transformGeometry, type PositionTransform } from './crs-transform';
import { parseWkt } from './wkt';
import type { RawGeometry, RawRecord, ReaderMeta } from './readers/types';

/** A row ready for the staging table. */
export interface StagedRow {
  rowNo: number;
  code: string | null;
  carrierCode: string | null;
  carrierId: number | null;
  /** Column → value; only the columns the file gave (an empty cell leaves the stored value alone). */
  data: Record<string, unknown>;
  /** WGS84 geometry as PostGIS reads it in COPY (hex EWKB, which it parses about three times faster than EWKT), or null. */
  ewkt: string | null;
  errors: ImportRowError[];
  /** Nothing in the row at all: skipped without an error. */
  blank: boolean;
}

/** Header → what it means, matched without case, diacritics or punctuation. */
export function headerKey(header: string): string {
  return header
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

type Target = { kind: 'field'; field: ImportField } | { kind: 'carrier' } | { kind: 'x' } | { kind: 'y' } | { kind: 'wkt' } | { kind: 'ignore' };

export interface NormalizerOptions {
  spec: ImportAssetSpec;
  meta: ReaderMeta;
  transform: PositionTransform;
  /** Transform or not: KML is always WGS84. */
  extent: BBox | null;
  locale: Locale;
  /** Carrier code → id (all carriers). */
  carriers: Map<string, number>;
  /** The carrier of rows that name none. */
  defaultCarrierCode: string | null;
  /** Set for carrier users: rows of any other carrier are errors. */
  ownCarrierId: number | null;
  /** Small reference tables resolved here rather than in SQL. */
  lookups: Partial<Record<string, Map<string, number | string>>>;
}

export interface NormalizerStats {
  unknownHeaders: Set<string>;
  outsideSamples: [number, number][];
  outsideCount: number;
  geometryCount: number;
}

const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})/;
const DATE_VN = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const TRUE = new Set(['true', '1', 'yes', 'y', 'x', 'co', 'có', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'khong', 'không', 'f', '']);

/** Columns resolved to ids by the normalizer: the file's column → the table's. */
const LOOKUP_FIELDS: Record<string, string> = {
  commune_code: 'commune_id',
  village_code: 'village_id',
  admin_unit_code: 'admin_unit_id',
  indicator_code: 'indicator_code',
};
const LOOKUP_ENTRIES = Object.entries(LOOKUP_FIELDS);
const USED_TOTAL: readonly (readonly [string, string])[] = [
  ['ports_used', 'ports_total'],
  ['ducts_used', 'ducts_total'],
  ['capacity_used', 'capacity_total'],
];

export function createRowNormalizer(options: NormalizerOptions) {
  const { spec, meta, locale } = options;
  const byKey = new Map<string, Target>();
  const register = (alias: string, target: Target) => {
    const key = headerKey(alias);
    if (!byKey.has(key)) byKey.set(key, target);
  };
  for (const field of spec.fields) register(field.name, { kind: 'field', field });
  if (spec.carrierOwned) {
    register('owner_carrier_id', { kind: 'ignore' });
    for (const a of CARRIER_ALIASES) register(a, { kind: 'carrier' });
  }
  if (spec.geometry !== 'none') {
    for (const a of X_ALIASES) register(a, { kind: 'x' });
    for (const a of Y_ALIASES) register(a, { kind: 'y' });
    for (const a of WKT_ALIASES) register(a, { kind: 'wkt' });
  }
  for (const field of spec.fields) for (const alias of field.aliases) register(alias, { kind: 'field', field });
  // Columns an export writes that an import does not take back.
  for (const a of ['id', 'version', 'created_at', 'updated_at', 'synthetic', 'synthetic_method', 'length_m', 'range_m', 'footprint_model', 'village_id', 'admin_unit_id', 'site_id', 'commune_id', 'fibre_route_id', 'description', 'owner_name']) {
    register(a, { kind: 'ignore' });
  }
  const resolved = new Map<string, Target | null>();
  const enumCache = new Map<ImportField, Map<string, string | undefined>>();
  const stats: NormalizerStats = { unknownHeaders: new Set(), outsideSamples: [], outsideCount: 0, geometryCount: 0 };
  // The reader may learn the file's own CRS (a Shapefile's .prj) only once it opens the file: resolved at the first geometry.
  let transform: PositionTransform | null = null;
  const transformOf = (): PositionTransform => {
    if (!transform) {
      const own = meta.fileCrs ? findCrs(meta.fileCrs) : undefined;
      transform = own ? createPositionTransform(own) : options.transform;
    }
    return transform;
  };

  const targetOf = (header: string): Target | null => {
    let t = resolved.get(header);
    if (t === undefined) {
      t = byKey.get(headerKey(header)) ?? null;
      resolved.set(header, t);
      if (!t) stats.unknownHeaders.add(header);
    }
    return t;
  };

  const error = (path: string, reason: string, detail?: string): ImportRowError => ({
    path,
    reason,
    message: detail ? `${reasonMessage(reason, locale)}: ${detail}` : reasonMessage(reason, locale),
  });

  function parseNumber(value: unknown): number {
    if (typeof value === 'number') return value;
    // Fast path: a plain number (most cells of most files); Number() alone would read '' or '  ' as 0.
    if (!meta.decimalComma && typeof value === 'string') {
      const n = Number(value);
      if (Number.isFinite(n) && (n !== 0 || value.trim() !== '')) return n;
    }
    let text = String(value).trim().replace(/\s/g, '');
    if (meta.decimalComma || /^-?\d+,\d+$/.test(text)) text = text.replace(/\./g, '').replace(',', '.');
    return text === '' ? NaN : Number(text);
  }

  function parseValue(field: ImportField, value: unknown, errors: ImportRowError[]): unknown {
    switch (field.type) {
      case 'text': {
        let text = typeof value === 'string' ? value.trim() : String(value).trim();
        // Exports guard formula-like cells with an apostrophe; take it off again.
        if (text.charCodeAt(0) === 0x27 && /^'[=+\-@\t\r]/.test(text)) text = text.slice(1);
        const max = field.name === 'code' || field.name.endsWith('_code') ? LIMITS.codeMaxLength : LIMITS.textMaxLength;
        if (text.length > max) errors.push(error(field.name, 'too_big', `max ${max}`));
        return text;
      }
      case 'number':
      case 'integer': {
        const n = parseNumber(value);
        if (!Number.isFinite(n)) {
          errors.push(error(field.name, 'invalid_type', String(value)));
          return undefined;
        }
        if (field.type === 'integer' && !Number.isInteger(n)) errors.push(error(field.name, 'invalid_type', `${n} is not a whole number`));
        if (field.min !== undefined && n < field.min) errors.push(error(field.name, 'too_small', `min ${field.min}`));
        if (field.max !== undefined && n > field.max) errors.push(error(field.name, 'too_big', `max ${field.max}`));
        return n;
      }
      case 'enum': {
        const text = String(value).trim();
        // A file repeats a handful of values: match each distinct spelling once.
        let cache = enumCache.get(field);
        if (!cache) enumCache.set(field, (cache = new Map()));
        let found = cache.get(text);
        if (found === undefined && !cache.has(text)) {
          found = field.values!.find((v) => v.toLowerCase() === text.toLowerCase() || headerKey(v) === headerKey(text));
          if (cache.size < 10_000) cache.set(text, found);
        }
        if (!found) errors.push(error(field.name, 'invalid_value', `${text} ∉ {${field.values!.join(', ')}}`));
        return found;
      }
      case 'boolean': {
        if (typeof value === 'boolean') return value;
        const text = String(value).trim().toLowerCase();
        if (TRUE.has(text)) return true;
        if (FALSE.has(text)) return false;
        errors.push(error(field.name, 'invalid_type', String(value)));
        return undefined;
      }
      case 'date': {
        const text = String(value).trim();
        let m = DATE_ISO.exec(text);
        let iso: string | null = m ? `${m[1]}-${m[2]}-${m[3]}` : null;
        if (!iso && (m = DATE_VN.exec(text))) iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
        if (!iso || Number.isNaN(Date.parse(iso))) {
          errors.push(error(field.name, 'invalid_format', `${text} (YYYY-MM-DD or DD/MM/YYYY)`));
          return undefined;
        }
        return iso;
      }
    }
  }

  function normalize(raw: RawRecord, rowNo: number): StagedRow {
    const errors: ImportRowError[] = [];
    const data: Record<string, unknown> = {};
    let carrierCode: string | null = null;
    let x: unknown;
    let y: unknown;
    let wkt: string | null = null;
    let filled = 0;
    for (const header in raw.properties) {
      const value = raw.properties[header];
      if (value === null || value === undefined || value === '') continue;
      const target = targetOf(header);
      if (!target) continue;
      filled += 1;
      switch (target.kind) {
        case 'field': {
          if (target.field.name in data) break;
          const parsed = parseValue(target.field, value, errors);
          if (parsed !== undefined) data[target.field.name] = parsed;
          break;
        }
        case 'carrier':
          carrierCode = String(value).trim();
          break;
        case 'x':
          x = value;
          break;
        case 'y':
          y = value;
          break;
        case 'wkt':
          wkt = typeof value === 'string' ? value : JSON.stringify(value);
          break;
      }
    }
    const hasGeometry = raw.geometry !== null && raw.geometry !== undefined;
    if (filled === 0 && !hasGeometry) {
      return { rowNo, code: null, carrierCode: null, carrierId: null, data, ewkt: null, errors, blank: true };
    }

    // Cross-field rules the database would otherwise refuse at commit.
    for (const [used, total] of USED_TOTAL) {
      if (typeof data[used] === 'number' && typeof data[total] === 'number' && (data[used] as number) > (data[total] as number)) {
        errors.push(error(used, 'used_exceeds_total'));
      }
    }
    if (spec.type === 'zones' && data.kind !== undefined && (data.kind === 'height_limit') !== (data.max_height_m !== undefined)) {
      errors.push(error('max_height_m', 'required', 'height_limit zones, and only they, have max_height_m'));
    }
    if (spec.type === 'kpi-observations' && typeof data.period_start === 'string' && typeof data.period_end === 'string' && data.period_end < data.period_start) {
      errors.push(error('period_end', 'too_small', 'before period_start'));
    }

    // Codes of small reference tables → ids.
    for (const [column, idColumn] of LOOKUP_ENTRIES) {
      if (!(column in data)) continue;
      const map = options.lookups[column];
      if (!map) continue;
      const id = map.get(String(data[column]).toLowerCase());
      if (id === undefined) errors.push(error(column, 'unknown_reference', String(data[column])));
      else {
        delete data[column];
        data[idColumn] = id;
      }
    }

    let carrierId: number | null = null;
    if (spec.carrierOwned) {
      carrierCode ??= options.defaultCarrierCode;
      if (!carrierCode) errors.push(error('carrier', 'required'));
      else {
        carrierId = options.carriers.get(carrierCode.toLowerCase()) ?? null;
        if (carrierId === null) errors.push(error('carrier', 'unknown_reference', carrierCode));
        else if (options.ownCarrierId !== null && carrierId !== options.ownCarrierId) errors.push(error('carrier', 'other_carrier', carrierCode));
      }
    }

    let code = typeof data.code === 'string' ? data.code : null;
    if (spec.type === 'kpi-observations') {
      code = `${String(data.indicator_code ?? '')}|${String(data.admin_unit_id ?? '')}|${String(data.period ?? '')}`;
    } else if (!code) errors.push(error('code', 'required'));

    let ewkt: string | null = null;
    if (spec.geometry !== 'none') {
      const geometry = readGeometry(raw, x, y, wkt, errors);
      if (geometry) {
        stats.geometryCount += 1;
        const transformed = options.meta.forcedCrs ? dropZ(geometry) : transformGeometry(geometry, transformOf());
        const shaped = shapeGeometry(transformed, errors);
        if (shaped) {
          // The common case (every position inside) is checked without allocating; the rest says why not.
          if (options.extent && !positionsInside(shaped.coordinates, options.extent)) {
            const place = placeAgainstExtent(shaped as AnyGeometry, options.extent);
            if (place !== 'inside') {
              errors.push(error('geometry', place === 'swapped' ? 'swapped_coordinates' : 'outside_province'));
              stats.outsideCount += 1;
              const p = firstPosition(geometry);
              if (p && stats.outsideSamples.length < 200) stats.outsideSamples.push(p);
            }
          }
          ewkt = toEwkbHex(shaped);
        }
      } else errors.push(error('geometry', 'required', 'no geometry, lon/lat (x/y) or WKT'));
    }
    return { rowNo, code, carrierCode, carrierId, data, ewkt, errors, blank: false };
  }

  function readGeometry(raw: RawRecord, x: unknown, y: unknown, wkt: string | null, errors: ImportRowError[]): RawGeometry | null {
    if (raw.geometry) return raw.geometry;
    if (wkt) {
      try {
        return parseWkt(wkt) ?? (wkx.Geometry.parse(wkt.replace(/^SRID=\d+;/i, '')).toGeoJSON() as RawGeometry);
      } catch {
        errors.push(error('wkt', 'invalid_geometry', 'unreadable WKT'));
        return null;
      }
    }
    if (x !== undefined || y !== undefined) {
      const nx = parseNumber(x ?? '');
      const ny = parseNumber(y ?? '');
      if (!Number.isFinite(nx) || !Number.isFinite(ny)) {
        errors.push(error(Number.isFinite(nx) ? 'lat' : 'lon', 'invalid_type', 'a number is expected'));
        return null;
      }
      return { type: 'Point', coordinates: [nx, ny] };
    }
    return null;
  }

  /** Fits the geometry to the column: single parts of multi-geometries, polygons as multipolygons. */
  function shapeGeometry(g: RawGeometry, errors: ImportRowError[]): RawGeometry | null {
    const coords = g.coordinates as unknown[];
    if (!positionsFinite(g.coordinates)) {
      errors.push(error('geometry', 'coordinates_out_of_range'));
      return null;
    }
    let expected: string;
    switch (spec.geometry) {
      case 'point':
        if (g.type === 'Point') return g;
        if (g.type === 'MultiPoint' && coords.length === 1) return { type: 'Point', coordinates: coords[0] };
        expected = 'Point';
        break;
      case 'line':
        if (g.type === 'LineString') return g;
        if (g.type === 'MultiLineString' && coords.length === 1) return { type: 'LineString', coordinates: coords[0] };
        expected = 'LineString';
        break;
      case 'area':
        if (g.type === 'MultiPolygon') return g;
        if (g.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [coords] };
        expected = 'Polygon or MultiPolygon';
        break;
      case 'zone':
        if (ZONE_TYPES.has(g.type)) return g;
        expected = 'Polygon or LineString';
        break;
      default:
        return null;
    }
    errors.push(error('geometry', 'wrong_geometry_type', `${g.type}; ${expected} expected`));
    return null;
  }

  return { normalize, stats };
}

// Helpers of the per-row path live at module level: a closure made per row
// costs an allocation and, under tsx (esbuild keepNames), a defineProperty.

const ZONE_TYPES = new Set(['Polygon', 'MultiPolygon', 'LineString', 'MultiLineString']);

/** Every position is two finite numbers within ±180, ±90 (GeoJSON-like nested arrays). */
function positionsFinite(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (typeof v[0] === 'number') return v.length >= 2 && Number.isFinite(v[0]) && Number.isFinite(v[1]) && Math.abs(v[0]) <= 180 && Math.abs(v[1] as number) <= 90;
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!positionsFinite(v[i])) return false;
  return true;
}

/** Every position lies inside the extent. */
function positionsInside(v: unknown, extent: BBox): boolean {
  if (!Array.isArray(v)) return false;
  if (typeof v[0] === 'number') return v[0] >= extent[0] && v[0] <= extent[2] && (v[1] as number) >= extent[1] && (v[1] as number) <= extent[3];
  for (let i = 0; i < v.length; i++) if (!positionsInside(v[i], extent)) return false;
  return true;
}

const keepXY = (x: number, y: number): [number, number] => [x, y];

function dropZ(g: RawGeometry): RawGeometry {
  return transformGeometry(g, keepXY);
}

function ewktPosition(p: number[]): string {
  return `${p[0]} ${p[1]}`;
}
function ewktLine(ps: number[][]): string {
  let out = '(';
  for (let i = 0; i < ps.length; i++) out += (i ? ',' : '') + ewktPosition(ps[i]!);
  return out + ')';
}
function ewktPolygon(rs: number[][][]): string {
  let out = '(';
  for (let i = 0; i < rs.length; i++) out += (i ? ',' : '') + ewktLine(rs[i]!);
  return out + ')';
}

/** GeoJSON-like geometry → EWKT in SRID 4326, full double precision. */
export function toEwkt(g: RawGeometry): string {
  const pos = ewktPosition;
  const line = ewktLine;
  const poly = ewktPolygon;
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point':
      return `SRID=4326;POINT(${pos(c)})`;
    case 'LineString':
      return `SRID=4326;LINESTRING${line(c)}`;
    case 'Polygon':
      return `SRID=4326;POLYGON${poly(c)}`;
    case 'MultiLineString':
      return `SRID=4326;MULTILINESTRING(${(c as number[][][]).map(line).join(',')})`;
    case 'MultiPolygon':
      return `SRID=4326;MULTIPOLYGON(${(c as number[][][][]).map(poly).join(',')})`;
    default:
      throw new Error(`unsupported geometry ${g.type}`);
  }
}

const EWKB_TYPES: Record<string, number> = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6 };
const EWKB_SRID_FLAG = 0x20000000;

/** Bytes of a geometry's body (after its byte order and type), for types of depth 0–3 (position … multipolygon). */
function ewkbBodySize(type: number, c: unknown): number {
  switch (type) {
    case 1:
      return 16;
    case 2:
      return 4 + (c as unknown[]).length * 16;
    case 3: {
      let n = 4;
      for (const ring of c as unknown[][]) n += 4 + ring.length * 16;
      return n;
    }
    default: {
      // Multi*: count, then each part with its own byte order and type.
      let n = 4;
      for (const part of c as unknown[]) n += 5 + ewkbBodySize(type - 3, part);
      return n;
    }
  }
}

function writeEwkbBody(buf: Buffer, at: number, type: number, c: unknown): number {
  switch (type) {
    case 1: {
      const p = c as number[];
      buf.writeDoubleLE(p[0]!, at);
      buf.writeDoubleLE(p[1]!, at + 8);
      return at + 16;
    }
    case 2: {
      const ps = c as number[][];
      buf.writeUInt32LE(ps.length, at);
      at += 4;
      for (const p of ps) {
        buf.writeDoubleLE(p[0]!, at);
        buf.writeDoubleLE(p[1]!, at + 8);
        at += 16;
      }
      return at;
    }
    case 3: {
      const rings = c as number[][][];
      buf.writeUInt32LE(rings.length, at);
      at += 4;
      for (const ring of rings) at = writeEwkbBody(buf, at, 2, ring);
      return at;
    }
    default: {
      const parts = c as unknown[];
      buf.writeUInt32LE(parts.length, at);
      at += 4;
      for (const part of parts) {
        buf[at] = 1;
        buf.writeUInt32LE(type - 3, at + 1);
        at = writeEwkbBody(buf, at + 5, type - 3, part);
      }
      return at;
    }
  }
}

/**
 * GeoJSON-like geometry → hex EWKB (little endian, SRID 4326, two
 * dimensions), as PostGIS's geometry input reads it; other types as EWKT.
 */
export function toEwkbHex(g: RawGeometry): string {
  const type = EWKB_TYPES[g.type];
  if (type === undefined) return toEwkt(g);
  const buf = Buffer.allocUnsafe(9 + ewkbBodySize(type, g.coordinates));
  buf[0] = 1;
  buf.writeUInt32LE((type | EWKB_SRID_FLAG) >>> 0, 1);
  buf.writeUInt32LE(4326, 5);
  writeEwkbBody(buf, 9, type, g.coordinates);
  return buf.toString('hex');
}
