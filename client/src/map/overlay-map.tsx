import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Feature } from 'geojson';
import type { GeoJSONSource, LayerSpecification } from 'maplibre-gl';
import { RegistryMap } from './registry-map';
import type { MapView } from './url-state';

// The registry map with one extra GeoJSON source on top, for the screens that
// draw their own features over it (an officer's evidence, a carrier's proposal
// or route being drawn). One place creates it, exposes it to automation, adds
// the source and layers once the map is ready, and feeds the features in.

export interface OverlayMapOptions {
  view: MapView;
  /** The GeoJSON source's id; `layers` draw from it. */
  source: string;
  layers: readonly LayerSpecification[];
  features: Feature[];
  /** Map clicks in placing mode (lon/lat); the latest callback is used. */
  onPick?: (lonLat: [number, number], map: RegistryMap) => void;
  /** Under automation the map is reachable as window[handle] (tests count and click through it). */
  handle: '__p2Map' | '__routeMap';
}

export interface OverlayMap {
  container: RefObject<HTMLDivElement | null>;
  map: RegistryMap | null;
  ready: boolean;
  error: string | null;
}

export function useOverlayMap({ view, source, layers, features, onPick, handle }: OverlayMapOptions): OverlayMap {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<RegistryMap | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  // The first view, source and layers make the map; later ones are not applied (as with the main map).
  const initial = useRef({ view, source, layers });

  useEffect(() => {
    if (!container.current) return;
    const { view: firstView, source: sourceId, layers: firstLayers } = initial.current;
    let created: RegistryMap;
    try {
      created = new RegistryMap({
        container: container.current,
        origin: location.origin,
        view: firstView,
        onViewChange: () => undefined,
        onSelect: () => undefined,
        onCandidateMove: (lonLat) => pickRef.current?.(lonLat, created),
        onError: (message) => setError(message),
      });
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    const automation = window as unknown as Record<OverlayMapOptions['handle'], RegistryMap | undefined>;
    if (import.meta.env.DEV || navigator.webdriver) automation[handle] = created;
    setMap(created);
    let live = true;
    void created.whenReady().then(() => {
      if (!live) return;
      created.map.addSource(sourceId, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      for (const layer of firstLayers) created.map.addLayer(layer);
      setReady(true);
    });
    return () => {
      live = false;
      if (automation[handle] === created) delete automation[handle];
      setMap(null);
      setReady(false);
      created.destroy();
    };
  }, [handle]);

  useEffect(() => {
    if (!map || !ready) return;
    map.map.getSource<GeoJSONSource>(initial.current.source)?.setData({ type: 'FeatureCollection', features });
  }, [map, ready, features]);

  return { container, map, ready, error };
}

/** The frame of an overlay map: the map's box (data-ready for tests) and its error line. */
export function OverlayMapFrame({ overlay, testId }: { overlay: OverlayMap; testId: string }) {
  return (
    <div className="p2-map-wrap">
      <div ref={overlay.container} className="p2-map" data-testid={testId} data-ready={overlay.ready ? 'true' : 'false'} />
      {overlay.error && <p className="p2-form-error small">{overlay.error}</p>}
    </div>
  );
}
