import { useEffect, useRef, useState } from 'react';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { GeoJSONSource, LayerSpecification } from 'maplibre-gl';
import { RegistryMap } from '../../map/registry-map';
import { DEFAULT_VIEW } from '../../map/url-state';
import { bboxOf } from './geometry-bbox';

// The part-1 map (basemap, village coverage, assets) with one extra GeoJSON
// source for what these screens draw: a check's evidence, a proposal, the
// structures with spare capacity nearby. Features carry `role` (zone,
// structure, buffer, overlap, proposal, capacity…) which picks the style.

const SOURCE = 'p2-evidence';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

const LAYERS: LayerSpecification[] = [
  { id: 'p2-fill', type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': ['match', ['get', 'role'], 'zone', '#c0262d', 'overlap', '#c0262d', 'buffer', '#0b57d0', '#7b3fb5'], 'fill-opacity': 0.18 } },
  { id: 'p2-outline', type: 'line', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': ['match', ['get', 'role'], 'zone', '#c0262d', 'buffer', '#0b57d0', '#7b3fb5'], 'line-width': 2, 'line-dasharray': [2, 1] } },
  { id: 'p2-line', type: 'line', source: SOURCE, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': ['match', ['get', 'role'], 'proposal', '#111', 'conduit', '#1f8a70', '#e8893a'], 'line-width': 4 } },
  { id: 'p2-point', type: 'circle', source: SOURCE, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': ['match', ['get', 'role'], 'proposal', 9, 7], 'circle-color': ['match', ['get', 'role'], 'proposal', '#111', 'structure', '#1f8a70', 'capacity', '#1f8a70', '#e8893a'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
  { id: 'p2-label', type: 'symbol', source: SOURCE, filter: ['has', 'label'], layout: { 'text-field': ['get', 'label'], 'text-size': 12, 'text-offset': [0, 1.3], 'text-anchor': 'top' }, paint: { 'text-color': '#111', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
];

export function EvidenceMap({ features, placing = false, onPick, fit = true, testId }: { features: Feature[]; placing?: boolean; onPick?: (lonLat: [number, number]) => void; fit?: boolean; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<RegistryMap | null>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!container.current) return;
    let map: RegistryMap;
    try {
      map = new RegistryMap({
        container: container.current,
        origin: location.origin,
        view: { ...DEFAULT_VIEW, overlays: [...DEFAULT_VIEW.overlays] },
        onViewChange: () => undefined,
        onSelect: () => undefined,
        onCandidateMove: (lonLat) => pickRef.current?.(lonLat),
        onError: (message) => setError(message),
      });
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    mapRef.current = map;
    if (import.meta.env.DEV || navigator.webdriver) (window as unknown as { __p2Map?: RegistryMap }).__p2Map = map;
    void map.whenReady().then(() => {
      map.map.addSource(SOURCE, { type: 'geojson', data: EMPTY });
      for (const layer of LAYERS) map.map.addLayer(layer);
      setReady(true);
    });
    return () => {
      mapRef.current = null;
      map.destroy();
    };
  }, []);

  useEffect(() => {
    mapRef.current?.setPlacing(placing);
  }, [placing, ready]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
    if (fit && features.length > 0) {
      const bbox = bboxOf(features.map((f) => f.geometry).filter((g): g is Geometry => !!g));
      if (bbox) map.zoomToBBox(bbox, 16);
    }
  }, [features, ready, fit]);

  return (
    <div className="p2-map-wrap">
      <div ref={container} className="p2-map" data-testid={testId ?? 'evidence-map'} data-ready={ready ? 'true' : 'false'} />
      {error && <p className="p2-form-error small">{error}</p>}
    </div>
  );
}
