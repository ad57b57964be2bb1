// The province's extent from the basemap TileJSON, fetched once and as early
// as possible (main.tsx starts it on the map route, in parallel with the map's
// JavaScript), so the map opens framed on the province without a second jump.

export type Bounds = [number, number, number, number];

let pending: Promise<Bounds | null> | null = null;

export function provinceBounds(origin = location.origin): Promise<Bounds | null> {
  pending ??= fetch(`${origin}/tiles/basemap.json`, { credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<{ bounds?: Bounds }>) : null))
    .then((tilejson) => (tilejson?.bounds && tilejson.bounds.length === 4 ? tilejson.bounds : null))
    .catch(() => null);
  return pending;
}
