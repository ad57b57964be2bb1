import type pg from 'pg';
import type { ErrorDetail } from '@registry/shared/errors';
import { GEOMETRY_REASONS, placeAgainstExtent, type AnyGeometry, type BBox } from '@registry/shared/geo/geometry';

/**
 * Checks that submitted geometries lie in the loaded province (its extent
 * widened by a margin in metres), and names a lat/lon swap as such. The
 * extent is read once from the top-level administrative units and cached;
 * call refresh() after loading another dataset.
 */
export function createProvinceGuard(pool: pg.Pool, marginMeters: number) {
  let extent: Promise<BBox | null> | null = null;

  async function load(): Promise<BBox | null> {
    const r = await pool.query<{ xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null }>(
      `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
         FROM (SELECT ST_Extent(boundary)::geometry AS e FROM admin_units WHERE parent_id IS NULL AND boundary IS NOT NULL) s`,
    );
    const row = r.rows[0];
    if (!row || row.xmin === null) return null;
    // Widen by the margin: 1° latitude ≈ 111.32 km; longitude shrinks with cos(latitude).
    const midLat = ((row.ymin! + row.ymax!) / 2) * (Math.PI / 180);
    const dLat = marginMeters / 111_320;
    const dLon = marginMeters / (111_320 * Math.cos(midLat));
    return [row.xmin - dLon, row.ymin! - dLat, row.xmax! + dLon, row.ymax! + dLat];
  }

  return {
    /** The widened province extent, or null when no province is loaded (then nothing is refused). */
    extent(): Promise<BBox | null> {
      extent ??= load();
      return extent;
    },
    refresh() {
      extent = null;
    },
    /** Problems with the geometry at `path`, empty when it is fine. */
    async check(geometry: AnyGeometry, path: string): Promise<ErrorDetail[]> {
      const box = await this.extent();
      if (!box) return [];
      const place = placeAgainstExtent(geometry, box);
      if (place === 'inside') return [];
      if (place === 'swapped') {
        return [{ path, reason: GEOMETRY_REASONS.swapped, message: 'Longitude and latitude appear swapped (GeoJSON order is [lon, lat])' }];
      }
      return [{ path, reason: GEOMETRY_REASONS.outside, message: 'Outside the loaded province' }];
    },
  };
}

export type ProvinceGuard = ReturnType<typeof createProvinceGuard>;
