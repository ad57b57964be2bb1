import { pipeline, Readable } from 'node:stream';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { AppError } from '../../../errors';
import { ImportFileError } from '../import-errors';
import { utf8Guard } from './encoding';
import type { RawGeometry, RawRecord } from './types';

interface FeatureLike {
  type?: unknown;
  properties?: unknown;
  geometry?: unknown;
  id?: unknown;
}

/**
 * Streams the features of a GeoJSON FeatureCollection one at a time
 * (stream-json), so a file of any size is never held in memory whole.
 */
export async function* readGeoJson(source: AsyncIterable<Buffer>): AsyncGenerator<RawRecord> {
  const features = streamArray.asStream();
  pipeline(Readable.from(source), utf8Guard(), pick.withParserAsStream({ filter: 'features' }), features, () => undefined);
  let count = 0;
  try {
    for await (const item of features as AsyncIterable<{ key: number; value: FeatureLike }>) {
      count += 1;
      const f = item.value;
      const properties = f && typeof f.properties === 'object' && f.properties !== null ? { ...(f.properties as Record<string, unknown>) } : {};
      if (f?.id !== undefined && properties.id === undefined) properties.id = f.id;
      yield { properties, geometry: (f?.geometry ?? null) as RawGeometry | null };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(`The GeoJSON cannot be read: ${message}`);
  }
  if (count === 0) throw new ImportFileError('The GeoJSON has no "features" array (a FeatureCollection is expected)');
}
