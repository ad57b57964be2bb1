import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';

/** Runs a raw SQL statement and returns its rows, typed by the caller. */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return result.rows as T[];
}

/** A GeoJSON geometry as a PostGIS geometry in EPSG:4326. */
export function geomFromGeoJson(geometry: unknown): SQL {
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)`;
}

/**
 * A box around `g` (EPSG:4326) at least `meters` wide on every side, for an
 * index-friendly `&&` prefilter before the exact geodesic ST_DWithin.
 * 1° of latitude ≥ 110.57 km; 1° of longitude = 111.32 km × cos(latitude),
 * taken at the box's most poleward latitude; 5 % slack.
 */
export function expandByMeters(g: SQL, meters: number): SQL {
  return sql`ST_Expand(${g},
    ${meters}::float8 * 1.05 / (111320 * greatest(cos(radians(greatest(abs(ST_YMin(${g})), abs(ST_YMax(${g}))))), 0.01)),
    ${meters}::float8 * 1.05 / 110574)`;
}

// The metric SRID: settings.metric_srid read as the coverage engine reads it, else a position's UTM zone.
export { parseSrid } from '../coverage/coverage.queries';
export { utmEpsgForLonLat } from '@registry/shared/radio/wedge';

/** A setting's JSON value, or null. */
export async function readSetting(db: DbOrTx, key: string): Promise<unknown> {
  const r = await rows<{ value: unknown }>(db, sql`SELECT value FROM settings WHERE key = ${key}`);
  return r[0]?.value ?? null;
}

export async function readNumberSetting(db: DbOrTx, key: string, fallback: number): Promise<number> {
  const value = await readSetting(db, key);
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** A JS array as ONE array parameter (drizzle's sql`` would expand it into a list). */
export function arrayParam(values: readonly (string | number)[]): SQL {
  return sql`${sql.param(values)}`;
}
