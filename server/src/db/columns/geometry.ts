import type { Geometry } from 'geojson';
import { customType } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import wkx from 'wkx';

// drizzle's built-in geometry() handles points only; this customType covers
// every kind, always SRID 4326. Values go in as GeoJSON through
// ST_GeomFromGeoJSON and come out of the driver as hex EWKB, decoded here.
// Heavy spatial reads should select ST_AsGeoJSON(...) in SQL instead.
export type GeometryKind =
  | 'Point'
  | 'MultiPoint'
  | 'LineString'
  | 'MultiLineString'
  | 'Polygon'
  | 'MultiPolygon'
  | 'Geometry';

/** srid: 4326 for every stored geometry; 3857 only for tile copies the database derives (generated columns). */
export function geometry(kind: GeometryKind, srid: 4326 | 3857 = 4326) {
  return customType<{ data: Geometry; driverData: string }>({
    dataType() {
      return `geometry(${kind}, ${srid})`;
    },
    toDriver(value: Geometry) {
      return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(value)}), 4326)`;
    },
    fromDriver(value: string): Geometry {
      return wkx.Geometry.parse(Buffer.from(value, 'hex')).toGeoJSON() as Geometry;
    },
  })();
}
