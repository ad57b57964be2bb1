import { COVERAGE_MODES, DEFAULT_OVERLAYS, OVERLAY_IDS, type CoverageMode, type OverlayId } from './overlays';

// The map's view in the query string, so a link reproduces what its sender
// saw: position, overlays, coverage mode and carrier, and the selected feature.
// ?map=11.5/21.2731/106.1946&layers=coverage,sites&tech=5G&carrier=VIETTEL&sel=sites:123

export interface MapSelection {
  /** Overlay or basemap layer the feature comes from: villages, sites, fibre-routes… */
  layer: string;
  id: number;
}

export interface MapView {
  /** Null: fit the loaded province. */
  camera: { zoom: number; lat: number; lon: number } | null;
  overlays: OverlayId[];
  mode: CoverageMode;
  carrier: string | null;
  selection: MapSelection | null;
}

export const DEFAULT_VIEW: MapView = { camera: null, overlays: DEFAULT_OVERLAYS, mode: '4G', carrier: null, selection: null };

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function parseMapView(search: string): MapView {
  const params = new URLSearchParams(search);
  const view: MapView = { ...DEFAULT_VIEW, overlays: [...DEFAULT_VIEW.overlays] };
  const camera = params.get('map')?.split('/').map(Number);
  if (camera && camera.length === 3 && camera.every(Number.isFinite)) {
    const [zoom, lat, lon] = camera as [number, number, number];
    if (zoom >= 0 && zoom <= 22 && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) view.camera = { zoom, lat, lon };
  }
  const layers = params.get('layers');
  if (layers !== null) view.overlays = layers.split(',').filter((l): l is OverlayId => (OVERLAY_IDS as readonly string[]).includes(l));
  const tech = params.get('tech');
  if (tech && (COVERAGE_MODES as readonly string[]).includes(tech)) view.mode = tech as CoverageMode;
  const carrier = params.get('carrier');
  if (carrier && /^[\w-]{1,64}$/.test(carrier)) view.carrier = carrier;
  const sel = /^([a-z][a-z-]{0,40}):(\d{1,12})$/.exec(params.get('sel') ?? '');
  if (sel) view.selection = { layer: sel[1]!, id: Number(sel[2]) };
  return view;
}

/** The query string for a view; keeps unrelated parameters of `base`. */
export function formatMapView(view: MapView, base = ''): string {
  const params = new URLSearchParams(base);
  for (const key of ['map', 'layers', 'tech', 'carrier', 'sel']) params.delete(key);
  if (view.camera) params.set('map', `${round(view.camera.zoom, 2)}/${round(view.camera.lat, 5)}/${round(view.camera.lon, 5)}`);
  const sameLayers = view.overlays.length === DEFAULT_OVERLAYS.length && view.overlays.every((o) => DEFAULT_OVERLAYS.includes(o));
  if (!sameLayers) params.set('layers', view.overlays.join(','));
  if (view.mode !== DEFAULT_VIEW.mode) params.set('tech', view.mode);
  if (view.carrier) params.set('carrier', view.carrier);
  if (view.selection) params.set('sel', `${view.selection.layer}:${view.selection.id}`);
  return params.toString().replace(/%2F/g, '/').replace(/%2C/g, ',').replace(/%3A/g, ':');
}
