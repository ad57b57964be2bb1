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

export function geometry(kind: GeometryKind) {
  return customType<{ data: Geometry; driverData: string }>({
    dataType() {
      return `geometry(${kind}, 4326)`;
    },
    toDriver(value: Geometry) {
      return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(value)}), 4326)`;
    },
    fromDriver(value: string): Geometry {
      return wkx.Geometry.parse(Buffer.from(value, 'hex')).toGeoJSON() as Geometry;
    },
  })();
}
