import { useEffect } from 'react';
import type { Feature, Geometry } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import { OverlayMapFrame, useOverlayMap } from '../../map/overlay-map';
import { DEFAULT_VIEW } from '../../map/url-state';
import { bboxOf } from './geometry-bbox';

// The part-1 map (basemap, village coverage, assets) with one extra GeoJSON
// source for what these screens draw: a check's evidence, a proposal, the
// structures with spare capacity nearby. Features carry `role` (zone,
// structure, buffer, overlap, proposal, capacity…) which picks the style.

const SOURCE = 'p2-evidence';

const LAYERS: LayerSpecification[] = [
  { id: 'p2-fill', type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': ['match', ['get', 'role'], 'zone', '#c0262d', 'overlap', '#c0262d', 'buffer', '#0b57d0', '#7b3fb5'], 'fill-opacity': 0.18 } },
  { id: 'p2-outline', type: 'line', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': ['match', ['get', 'role'], 'zone', '#c0262d', 'buffer', '#0b57d0', '#7b3fb5'], 'line-width': 2, 'line-dasharray': [2, 1] } },
  { id: 'p2-line', type: 'line', source: SOURCE, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': ['match', ['get', 'role'], 'proposal', '#111', 'conduit', '#1f8a70', '#e8893a'], 'line-width': 4 } },
  { id: 'p2-point', type: 'circle', source: SOURCE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': ['match', ['get', 'role'], 'proposal', 9, 7], 'circle-color': ['match', ['get', 'role'], 'proposal', '#111', 'structure', '#1f8a70', 'capacity', '#1f8a70', '#e8893a'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
  { id: 'p2-label', type: 'symbol', source: SOURCE, filter: ['has', 'label'], layout: { 'text-field': ['get', 'label'], 'text-size': 12, 'text-offset': [0, 1.3], 'text-anchor': 'top' }, paint: { 'text-color': '#111', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
];

const VIEW = { ...DEFAULT_VIEW, overlays: [...DEFAULT_VIEW.overlays] };

export function EvidenceMap({ features, placing = false, onPick, fit = true, testId }: { features: Feature[]; placing?: boolean; onPick?: (lonLat: [number, number]) => void; fit?: boolean; testId?: string }) {
  const overlay = useOverlayMap({ view: VIEW, source: SOURCE, layers: LAYERS, features, onPick: (lonLat) => onPick?.(lonLat), handle: '__p2Map' });
  const { map, ready } = overlay;

  useEffect(() => {
    map?.setPlacing(placing);
  }, [map, placing, ready]);

  useEffect(() => {
    if (!map || !ready || !fit || features.length === 0) return;
    const bbox = bboxOf(features.map((f) => f.geometry).filter((g): g is Geometry => !!g));
    if (bbox) map.zoomToBBox(bbox, 16);
  }, [map, features, ready, fit]);

  return <OverlayMapFrame overlay={overlay} testId={testId ?? 'evidence-map'} />;
}
