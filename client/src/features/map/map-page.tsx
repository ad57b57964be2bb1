import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FeatureCollection, Geometry } from 'geojson';
import type { RegistryMap, SelectedFeature, WhatIfVillage } from '../../map/registry-map';
import { formatMapView, parseMapView, type MapView } from '../../map/url-state';
import { provinceBounds, type Bounds } from '../../map/province-bounds';
import type { CoverageMode, OverlayId } from '../../map/overlays';
import { replaceSearch } from '../../router/router';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import type { Carrier, Page } from '../../api/types';
import { ErrorMessage, Loading } from '../../components/status';
import { LayerPanel } from './layer-panel';
import { FeaturePanel, RESOURCES as SELECTION_RESOURCES } from './feature-panel';
import { FeaturesHere } from './features-here';
import { SearchBox } from '../search/search-box';
import { BelowTargetPanel } from '../planner/below-target-panel';
import { WhatIfPanel } from '../planner/what-if-panel';
import type { BBox } from '../../lib/geo/bbox';
import { useAbout } from '../about/about-context';

type Tab = 'layers' | 'below' | 'whatif';

/**
 * The map class and maplibre (1 MB) are a chunk of their own, loaded in parallel
 * (index.html preloads it; main.tsx imports it on the map route): the sidebar —
 * search, the planner's lists — renders and asks for its data without waiting for it.
 */
const loadRegistryMap = () => import('../../map/registry-map');

/** What the map page hands its panels to drive the map. */
export interface MapControls {
  zoomTo(bbox: BBox, maxZoom?: number): void;
  showGap(geometry: Geometry | FeatureCollection | null): void;
  setWhatIf(villages: WhatIfVillage[] | null): void;
  setCandidate(lonLat: [number, number] | null, footprints: FeatureCollection | null): void;
  setPlacing(placing: boolean): void;
  setSuggestions(collection: FeatureCollection | null): void;
  select(feature: SelectedFeature | null): void;
}

export default function MapPage() {
  const { t } = useI18n();
  const { user, can } = useSession();
  const about = useAbout();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<RegistryMap | null>(null);
  const [view, setView] = useState<MapView>(() => parseMapView(location.search));
  const [selected, setSelected] = useState<SelectedFeature | null>(null);
  const [mapError, setMapError] = useState<string | null>(null);
  const [mapReady, setMapReady] = useState(false);
  // The planner's open panel is part of the shared link too (?panel=below|whatif).
  const [tab, setTabState] = useState<Tab>(() => {
    const panel = new URLSearchParams(location.search).get('panel');
    return panel === 'below' || panel === 'whatif' ? panel : 'layers';
  });
  const setTab = useCallback((next: Tab) => {
    setTabState(next);
    const params = new URLSearchParams(location.search);
    if (next === 'layers') params.delete('panel');
    else params.set('panel', next);
    replaceSearch(params.toString().replace(/%2F/g, '/').replace(/%2C/g, ',').replace(/%3A/g, ':'));
  }, []);
  const [candidateMove, setCandidateMove] = useState<[number, number] | null>(null);
  const planner = can('planner');
  const [bounds, setBounds] = useState<Bounds | null | undefined>(undefined);
  useEffect(() => {
    void provinceBounds().then(setBounds);
  }, []);
  const carriers = useResource<Page<Carrier>>('carriers', (signal) => api('/api/carriers', { signal, query: { limit: 100 } }));

  // The URL follows the view (replaceState: panning does not fill the history).
  useEffect(() => {
    replaceSearch(formatMapView(view, location.search));
  }, [view]);

  // Create the map once the about settings are known (they say whether an external basemap is on).
  useEffect(() => {
    // Wait for the settings (external basemap or not) and the province's extent: both are small and already on their way.
    if (!containerRef.current || about.loading || bounds === undefined) return;
    const container = containerRef.current;
    let map: RegistryMap | null = null;
    let cancelled = false;
    loadRegistryMap().then(
      ({ RegistryMap: MapClass }) => {
        if (cancelled) return;
        try {
          map = new MapClass({
            container,
            origin: location.origin,
            view,
            bounds,
            externalStyleUrl: about.data?.settings.basemapStyleUrl ?? null,
            onViewChange: (camera) => setView((v) => ({ ...v, camera })),
            onSelect: (feature) => {
              setSelected(feature);
              setView((v) => ({ ...v, selection: feature?.selection ?? null }));
            },
            onCandidateMove: (lonLat) => setCandidateMove(lonLat),
            onError: (message) => setMapError(message),
          });
        } catch (error) {
          setMapError(`${t('map.webglError')} (${(error as Error).message})`);
          return;
        }
        const created = map;
        mapRef.current = created;
        if (import.meta.env.DEV || navigator.webdriver) window.__registryMap = created;
        void created.whenReady().then(() => {
          if (!cancelled) setMapReady(true);
        });
      },
      (error: unknown) => setMapError(`${t('status.error')} (${(error as Error).message})`),
    );
    return () => {
      cancelled = true;
      if (!map) return;
      mapRef.current = null;
      if (window.__registryMap === map) delete window.__registryMap;
      map.destroy();
      setMapReady(false);
    };
    // The map is created once; later view changes go through the setters below.
  }, [about.loading, bounds === undefined]);

  useEffect(() => {
    const colours: Record<string, string> = {};
    for (const c of carriers.data?.items ?? []) if (c.code && c.colour) colours[c.code] = c.colour;
    mapRef.current?.setCarrierColours(colours);
  }, [carriers.data, mapReady]);

  useEffect(() => {
    mapRef.current?.setOverlays(view.overlays);
  }, [view.overlays, mapReady]);

  useEffect(() => {
    mapRef.current?.setCoverage(view.mode, view.carrier);
  }, [view.mode, view.carrier, mapReady]);

  // A shared link with ?sel= but no click yet: open the panel from the id alone.
  const selection = selected?.selection ?? view.selection;
  const selectionKey = selection ? `${selection.layer}:${selection.id}` : null;

  // The selected feature is highlighted on the map however it was chosen: a click hands its
  // geometry over; from search, the below-target list or a shared link only the id is known,
  // so the geometry comes from the registry's API.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !mapReady) return;
    if (!selection) {
      map.setSelection(null, null);
      return;
    }
    if (selected?.geometry) {
      map.setSelection(selection, selected.geometry);
      return;
    }
    const resource = SELECTION_RESOURCES[selection.layer];
    if (!resource) {
      map.setSelection(null, null);
      return;
    }
    const controller = new AbortController();
    api<{ geometry?: Geometry | null }>(`/api/${resource}/${selection.id}`, { signal: controller.signal }).then(
      (detail) => {
        if (!controller.signal.aborted) map.setSelection(selection, detail.geometry ?? null);
      },
      () => {
        // The panel shows the error (it asks the same resource); nothing to draw.
        if (!controller.signal.aborted) map.setSelection(null, null);
      },
    );
    return () => controller.abort();
    // selectionKey stands for selection; the geometry is looked at when the selection changes.
  }, [selectionKey, selected?.geometry, mapReady]);

  const controls = useMemo<MapControls>(
    () => ({
      zoomTo: (bbox, maxZoom) => mapRef.current?.zoomToBBox(bbox, maxZoom),
      showGap: (geometry) => mapRef.current?.setGap(geometry),
      setWhatIf: (villages) => mapRef.current?.setWhatIf(villages),
      setCandidate: (lonLat, footprints) => mapRef.current?.setCandidate(lonLat, footprints),
      setPlacing: (placing) => mapRef.current?.setPlacing(placing),
      setSuggestions: (collection) => mapRef.current?.setSuggestions(collection),
      select: (feature) => {
        setSelected(feature);
        setView((v) => ({ ...v, selection: feature?.selection ?? null }));
      },
    }),
    [],
  );

  const toggleOverlay = useCallback((id: OverlayId, on: boolean) => {
    setView((v) => ({ ...v, overlays: on ? [...v.overlays.filter((o) => o !== id), id] : v.overlays.filter((o) => o !== id) }));
  }, []);
  const setMode = useCallback((mode: CoverageMode) => setView((v) => ({ ...v, mode })), []);
  const setCarrier = useCallback((carrier: string | null) => setView((v) => ({ ...v, carrier })), []);

  return (
    <div className="map-page">
      <aside className="sidebar" aria-label={t('map.layers')}>
        <SearchBox controls={controls} />
        {planner && (
          <div className="tabs" role="tablist">
            {(['layers', 'below', 'whatif'] as Tab[]).map((id) => (
              <button key={id} type="button" role="tab" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`tabpanel-${id}`} className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
                {id === 'layers' ? t('map.layers') : id === 'below' ? t('planner.belowTarget') : t('planner.whatIf')}
              </button>
            ))}
          </div>
        )}
        <div className="sidebar-body">
          {(tab === 'layers' || !planner) && (
            <div role="tabpanel" id="tabpanel-layers" aria-labelledby={planner ? 'tab-layers' : undefined}>
              <LayerPanel view={view} loggedIn={!!user} carriers={carriers.data?.items ?? []} carriersError={carriers.error} onToggle={toggleOverlay} onMode={setMode} onCarrier={setCarrier} />
            </div>
          )}
          {planner && tab === 'below' && (
            <div role="tabpanel" id="tabpanel-below" aria-labelledby="tab-below">
              <BelowTargetPanel controls={controls} mode={view.mode} carrierCode={view.carrier} carriers={carriers.data?.items ?? []} />
            </div>
          )}
          {planner && (
            <div role="tabpanel" id="tabpanel-whatif" aria-labelledby="tab-whatif" hidden={tab !== 'whatif'}>
              <WhatIfPanel controls={controls} active={tab === 'whatif'} moved={candidateMove} carriers={carriers.data?.items ?? []} />
            </div>
          )}
        </div>
      </aside>
      <section className="map-wrap" aria-label={t('map.region')}>
        <div ref={containerRef} className="map" data-testid="map" data-ready={mapReady ? 'true' : 'false'} />
        <FeaturesHere map={mapReady ? mapRef.current : null} onOpen={controls.select} />
        {!mapReady && !mapError && (
          <div className="map-overlay">
            <Loading label={t('map.loading')} />
          </div>
        )}
        {mapError && (
          <div className="map-overlay map-overlay-error">
            <ErrorMessage error={new Error(mapError)} onRetry={() => setMapError(null)} />
          </div>
        )}
      </section>
      {selection && (
        <FeaturePanel
          key={`${selection.layer}:${selection.id}`}
          selection={selection}
          feature={selected}
          controls={controls}
          onClose={() => {
            setSelected(null);
            setView((v) => ({ ...v, selection: null }));
          }}
        />
      )}
    </div>
  );
}
