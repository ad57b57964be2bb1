import { LRUCache } from 'lru-cache';
import type { BBox } from '@registry/shared/geo/geometry';

// An in-memory LRU of encoded tiles with a byte budget. Entries remember their
// source and tile address so an edit drops only the tiles whose (buffered)
// extent meets the edited extents, at every zoom, and nothing else.

export interface CachedTile {
  source: string;
  z: number;
  x: number;
  y: number;
  /** gzip-compressed MVT; empty for a tile with no features. */
  gzip: Buffer;
  etag: string;
  /** Features in the tile (decoded count, for logs and the benchmark). */
  empty: boolean;
}

const ENTRY_OVERHEAD_BYTES = 200;

/** Longitude/latitude extent of a Web Mercator tile, grown by `buffer` tile widths. */
export function tileBBox(z: number, x: number, y: number, buffer = 0): BBox {
  const n = 2 ** z;
  const lon = (tx: number) => (tx / n) * 360 - 180;
  const lat = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / n))) * 180) / Math.PI;
  return [lon(x - buffer), lat(y + 1 + buffer), lon(x + 1 + buffer), lat(y - buffer)];
}

export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

export class TileCache {
  private readonly lru: LRUCache<string, CachedTile> | null;
  private readonly epochs = new Map<string, number>();
  /** Tiles dropped by invalidation since start (for tests and logs). */
  invalidated = 0;

  constructor(
    maxBytes: number,
    /** Buffer of a tile, in tile widths: features this close are drawn in it. */
    private readonly bufferTiles: number,
  ) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, CachedTile>({ maxSize: maxBytes, sizeCalculation: (v, k) => v.gzip.length + k.length + ENTRY_OVERHEAD_BYTES })
        : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }

  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  get(key: string): CachedTile | undefined {
    return this.lru?.get(key);
  }

  has(key: string): boolean {
    return this.lru?.has(key) ?? false;
  }

  /** The source's invalidation counter; read before querying, pass to set(). */
  epoch(source: string): number {
    return this.epochs.get(source) ?? 0;
  }

  /** Marks the source changed without dropping anything yet: tiles being made now are not stored. */
  bump(source: string): void {
    this.epochs.set(source, this.epoch(source) + 1);
  }

  /**
   * Stores a tile unless its source was invalidated while it was being made
   * (the tile may predate the edit).
   */
  set(key: string, tile: CachedTile, epochAtStart: number): void {
    if (!this.lru || this.epoch(tile.source) !== epochAtStart) return;
    this.lru.set(key, tile);
  }

  /** Drops the source's tiles that meet any of the extents; no extents = all of the source's tiles. */
  invalidate(source: string, bboxes: BBox[]): number {
    this.bump(source);
    if (!this.lru) return 0;
    const doomed: string[] = [];
    for (const [key, tile] of this.lru.entries()) {
      if (tile.source !== source) continue;
      if (bboxes.length === 0) {
        doomed.push(key);
        continue;
      }
      const extent = tileBBox(tile.z, tile.x, tile.y, this.bufferTiles);
      if (bboxes.some((b) => bboxesIntersect(extent, b))) doomed.push(key);
    }
    for (const key of doomed) this.lru.delete(key);
    this.invalidated += doomed.length;
    return doomed.length;
  }

  clear(): void {
    this.lru?.clear();
  }
}
