import { AppError } from '../../../errors';
import { ImportFileError } from '../import-errors';
import { guessLegacyEncoding, legacyEncodingError } from './encoding';
import type { RawGeometry, RawRecord } from './types';

interface FeatureLike {
  type?: unknown;
  properties?: unknown;
  geometry?: unknown;
  id?: unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

/** One feature larger than this is refused rather than buffered without end. */
const MAX_FEATURE_CHARS = 256 * 1024 * 1024;

/**
 * Splits the `features` array of a GeoJSON FeatureCollection into one JSON
 * text per feature while the bytes stream in. It scans characters tracking
 * only what decides a boundary — inside a string or not, an escape, the
 * bracket depth — and hands each complete feature to JSON.parse, which is
 * native and an order of magnitude faster than a token-level streaming
 * parser (stream-json built an object per token). Memory holds one chunk
 * plus the feature being read. Members of the root other than `features`
 * (`crs`, `name`, `bbox`…) are skipped by depth.
 */
export class FeatureSplitter {
  private text = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private inFeatures = false;
  private featuresSeen = false;
  private done = false;
  /** Where the current depth-1 string (a member name of the root) starts, or -1. */
  private keyStart = -1;
  private lastKey: string | null = null;
  private pendingKey: string | null = null;
  /** Where the feature being read starts, or -1. */
  private featureStart = -1;

  /** Appends text; returns the JSON text of every feature it completed. */
  push(chunk: string): string[] {
    const out: string[] = [];
    // this.text holds only what is still needed (see the end of push); this.pos is where scanning resumes.
    const text = (this.text += chunk);
    const n = text.length;
    let i = this.pos;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 1 && !this.inFeatures && this.keyStart >= 0) {
            this.lastKey = text.slice(this.keyStart + 1, i);
            this.keyStart = -1;
          }
        }
        i += 1;
        continue;
      }
      if (c <= 0x20) {
        i += 1;
        continue;
      }
      if (!this.started) {
        if (c !== OPEN_BRACE) throw new ImportFileError('The GeoJSON is not a FeatureCollection object (it does not start with "{")');
        this.started = true;
        depth = 1;
        i += 1;
        continue;
      }
      if (this.done) throw new ImportFileError('The GeoJSON has text after its closing "}"');
      switch (c) {
        case QUOTE:
          inString = true;
          if (depth === 1) this.keyStart = i;
          break;
        case COLON:
          if (depth === 1) this.pendingKey = this.lastKey;
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (depth === 1 && c === OPEN_BRACKET && this.pendingKey === 'features') {
            this.inFeatures = true;
            this.featuresSeen = true;
          } else if (depth === 2 && this.inFeatures) {
            if (c !== OPEN_BRACE) throw new ImportFileError('The GeoJSON "features" array holds something other than objects');
            this.featureStart = i;
          }
          if (depth === 1) this.pendingKey = null;
          depth += 1;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          depth -= 1;
          if (depth === 2 && this.inFeatures && this.featureStart >= 0) {
            out.push(text.slice(this.featureStart, i + 1));
            this.featureStart = -1;
          } else if (depth === 1 && this.inFeatures) this.inFeatures = false;
          else if (depth === 0) this.done = true;
          else if (depth < 0) throw new ImportFileError('The GeoJSON has an unbalanced "}" or "]"');
          break;
        default:
          if (depth === 1 && c !== 0x2c) this.pendingKey = null;
      }
      i += 1;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    // Keep only what is still needed: the feature being read, or a member name being read.
    const keep = this.featureStart >= 0 ? this.featureStart : this.keyStart >= 0 ? this.keyStart : i;
    if (keep > 0) {
      this.text = text.slice(keep);
      if (this.featureStart >= 0) this.featureStart -= keep;
      if (this.keyStart >= 0) this.keyStart -= keep;
      this.pos = i - keep;
    } else this.pos = i;
    if (this.text.length > MAX_FEATURE_CHARS) throw new ImportFileError(`A GeoJSON feature is larger than ${MAX_FEATURE_CHARS / 1024 ** 2} MB`);
    return out;
  }

  /** Checks the document ended where it should. */
  end(): void {
    if (!this.started) throw new ImportFileError('The GeoJSON is empty');
    if (!this.done || this.inString) throw new ImportFileError('The GeoJSON ends early (truncated file?)');
    if (!this.featuresSeen) throw new ImportFileError('The GeoJSON has no "features" array (a FeatureCollection is expected)');
  }
}

function toRecord(json: string, index: number): RawRecord {
  let f: FeatureLike;
  try {
    f = JSON.parse(json) as FeatureLike;
  } catch (error) {
    throw new ImportFileError(`The GeoJSON cannot be read: feature ${index}: ${(error as Error).message}`);
  }
  const properties = typeof f.properties === 'object' && f.properties !== null && !Array.isArray(f.properties) ? (f.properties as Record<string, unknown>) : {};
  if (f.id !== undefined && properties.id === undefined) properties.id = f.id;
  return { properties, geometry: (f.geometry ?? null) as RawGeometry | null };
}

/**
 * Streams the features of a GeoJSON FeatureCollection in batches (see
 * FeatureSplitter), so a file of any size is never held in memory whole.
 * UTF-8 is checked as it is decoded; a legacy Vietnamese encoding is named.
 */
export async function* readGeoJsonBatches(source: AsyncIterable<Buffer>): AsyncGenerator<RawRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const splitter = new FeatureSplitter();
  let count = 0;
  const parse = (texts: string[]): RawRecord[] => texts.map((t) => toRecord(t, ++count));
  try {
    for await (const chunk of source) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw legacyEncodingError(guessLegacyEncoding(chunk));
      }
      const batch = parse(splitter.push(text));
      if (batch.length > 0) yield batch;
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw legacyEncodingError('windows-1258');
    }
    const batch = parse(splitter.push(tail));
    if (batch.length > 0) yield batch;
    splitter.end();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(`The GeoJSON cannot be read: ${message}`);
  }
  if (count === 0) throw new ImportFileError('The GeoJSON has no features');
}

/** One record at a time (KML and Shapefile readers share this shape). */
export async function* readGeoJson(source: AsyncIterable<Buffer>): AsyncGenerator<RawRecord> {
  for await (const batch of readGeoJsonBatches(source)) yield* batch;
}
