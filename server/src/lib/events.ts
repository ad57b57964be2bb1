import { EventEmitter } from 'node:events';
import type { BBox } from '@registry/shared/geo/geometry';

/**
 * In-process notifications after a change has COMMITTED: the tile cache drops
 * the tiles an edit touched; other listeners may refresh derived state.
 * Emit only after the transaction commits, never inside it.
 */
export interface AssetsChanged {
  /** Layer ids as in the REST API and the tile/OGC collections: 'sites', 'sectors', 'villages', … */
  layers: string[];
  /** Extents touched: old and new geometry (a sector's old and new footprint, say). Empty = unknown, drop the layers' tiles. */
  bboxes: BBox[];
}

export interface RegistryEvents {
  on(event: 'assets-changed', listener: (change: AssetsChanged) => void): this;
  emit(event: 'assets-changed', change: AssetsChanged): boolean;
}

export function createRegistryEvents(): RegistryEvents {
  return new EventEmitter() as RegistryEvents;
}
