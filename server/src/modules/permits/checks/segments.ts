import type { Position } from '@registry/shared/geo/geometry';
import type { RouteSegment } from '@registry/shared/schemas/permits';

/** The route's segments (vertex i → i+1) that satisfy `keep`, as a MultiLineString; null when none do. */
export function segmentsWhere(
  coordinates: Position[],
  segments: RouteSegment[],
  keep: (segment: RouteSegment) => boolean,
): { type: 'MultiLineString'; coordinates: Position[][] } | null {
  const lines: Position[][] = [];
  for (let i = 0; i < coordinates.length - 1; i++) {
    const segment = segments[i];
    if (!segment || !keep(segment)) continue;
    const last = lines.at(-1);
    // Join consecutive kept segments into one line part.
    if (last && last.at(-1) === coordinates[i]) last.push(coordinates[i + 1]!);
    else lines.push([coordinates[i]!, coordinates[i + 1]!]);
  }
  return lines.length > 0 ? { type: 'MultiLineString', coordinates: lines } : null;
}
