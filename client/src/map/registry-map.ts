import * as maplibregl from 'maplibre-gl';
import { type GeoJSONSource, type LayerSpecification, type MapGeoJSONFeature, type MapMouseEvent, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { BASEMAP_SOURCE, basemapFillLayers, basemapLabelLayers, basemapLineLayers } from './layers/basemap';
import { COVERAGE_LAYER, GAP_SOURCE, coverageColor, coverageLayer, gapLayers, whatIfOutlineLayer } from './layers/coverage';
import { CLICKABLE, overlayLayers, type CarrierColours } from './layers/infrastructure';
import { CANDIDATE_SOURCE, FOCUS_SOURCE, FOOTPRINT_SOURCE, SELECTION_LAYERS, SELECTION_SOURCE, SUGGESTION_SOURCE, plannerLayers } from './layers/planner';
import { OVERLAYS, type CoverageMode, type OverlayId } from './overlays';
import type { MapSelection, MapView } from './url-state';
import { bboxOfGeometry, padBBox, type BBox } from '../lib/geo/bbox';

maplibregl.setWorkerUrl(workerUrl);
// Tiles are fetched and parsed in maplibre's worker; prewarm() starts it as soon
// as this module is evaluated, while the page still waits for the session, the
// settings and the province's extent, instead of when the map is created
// (booting the worker took 1–2 s of the first village tile under load). One
// worker (maplibre's default): with two, both boots competed for the machine's
// two cores and the first tile came later (bench:client, same load: 2.9 s vs 1.9 s).
maplibregl.prewarm();

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const CARRIER_SOURCE = 'villages-carrier';
/** Village coverage tiles (any carrier): share_4g, meets_4g… per village. */
const VILLAGES_SOURCE = 'villages';
const VILLAGES_MIN_ZOOM = 8;
/** The basemap's plain village fill, drawn when the coverage choropleth is off. */
const NEUTRAL_VILLAGES = 'villages-neutral';

export interface WhatIfVillage {
  villageId: number;
  share: number;
  meets: boolean;
}

export interface SelectedFeature {
  selection: MapSelection;
  /** Tile attributes of the clicked feature (what this caller may see). */
  properties: Record<string, unknown>;
  geometry: Geometry | null;
}

/** A clickable feature drawn in the current view, for the keyboard's "features here" list. */
export interface FeatureInView extends SelectedFeature {
  /** Its name or code from the tile, else null. */
  label: string | null;
}

const WHATIF_OUTLINE = 'coverage-whatif-line';

export interface RegistryMapOptions {
  container: HTMLElement;
  /** Origin of the API and tiles (the page's own). */
  origin: string;
  view: MapView;
  /** The province's extent: the first frame when the view has no camera. */
  bounds?: [number, number, number, number] | null;
  /** Optional external basemap style drawn under the registry's layers. */
  externalStyleUrl?: string | null;
  onViewChange(camera: NonNullable<MapView['camera']>): void;
  onSelect(feature: SelectedFeature | null): void;
  onCandidateMove(lonLat: [number, number]): void;
  onError(message: string): void;
}

interface TileJson {
  tiles: string[];
  bounds?: [number, number, number, number];
  minzoom?: number;
  maxzoom?: number;
}

/**
 * The one owner of the imperative map. React passes state in through the
 * setters; the map calls back with camera moves, selections and candidate
 * moves. Everything it draws is a typed layer specification from ./layers.
 */
export class RegistryMap {
  readonly map: maplibregl.Map;
  private readonly origin: string;
  private overlays = new Set<OverlayId>();
  private mode: CoverageMode;
  private carrier: string | null;
  private colours: CarrierColours = {};
  private whatIf = new Map<number, WhatIfVillage>();
  private placing = false;
  private dragging = false;
  private candidate: [number, number] | null = null;
  private readonly ready: Promise<void>;
  private provinceBounds: BBox | null = null;
  private destroyed = false;
  private villagesDrawn = false;
  private waitingForVillages = false;
  /** Basemap layers held hidden until the first village tile is in (see holdBasemap). */
  private heldBasemap: string[] = [];

  constructor(private readonly options: RegistryMapOptions) {
    this.origin = options.origin;
    this.mode = options.view.mode;
    this.carrier = options.view.carrier;
    for (const o of options.view.overlays) this.overlays.add(o);
    const camera = options.view.camera;
    const external = options.externalStyleUrl;
    this.map = new maplibregl.Map({
      container: options.container,
      ...(external ? {} : { style: this.ownStyle(false) }),
      ...(camera ? { center: [camera.lon, camera.lat] as [number, number], zoom: camera.zoom } : options.bounds ? { bounds: options.bounds, fitBoundsOptions: { padding: 24 } } : { center: [106.2, 21.3] as [number, number], zoom: 8 }),
      minZoom: 4,
      attributionControl: { compact: true },
      maxPitch: 0,
      dragRotate: false,
      fadeDuration: 0,
      // The style is typed in code (./layers): validating it again costs main-thread time on the critical path.
      validateStyle: false,
    });
    // An external basemap (a setting, off by default) goes underneath the registry's own layers.
    if (external) this.map.setStyle(external, { transformStyle: (_previous, next) => this.mergeExternal(next) });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('moveend', () => {
      const c = this.map.getCenter();
      this.options.onViewChange({ zoom: this.map.getZoom(), lat: c.lat, lon: c.lng });
    });
    this.map.on('click', (e) => this.handleClick(e));
    this.map.on('mousemove', (e) => this.handleHover(e));
    this.map.on('error', (e) => {
      const message = (e.error as Error | undefined)?.message ?? 'map error';
      // A missing tile (404 for an empty area) is normal; report the rest.
      if (!/404|Not Found|AbortError/i.test(message)) this.options.onError(message);
    });
    this.setupCandidateDrag();
    this.releaseBasemapWithVillages();
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    if (!camera && options.bounds) {
      this.provinceBounds = options.bounds;
      if (this.map.getZoom() < VILLAGES_MIN_ZOOM) this.map.setZoom(VILLAGES_MIN_ZOOM);
    }
    void this.ready.then(() => this.loadBasemapTileJson(!camera && !options.bounds));
  }

  private tileUrl(layer: string, query = ''): string {
    return `${this.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${query}`;
  }

  private carrierTileUrl(): string {
    return this.tileUrl('villages', `?carrier=${encodeURIComponent(this.carrier ?? '')}`);
  }

  private ownStyle(overExternal: boolean): StyleSpecification {
    // Under the coverage choropleth the neutral village fill is never seen: hidden, its polygons
    // are not even tessellated by the workers (half the first view's parsing).
    const hidden = (l: LayerSpecification): LayerSpecification => (l.type === 'background' ? l : { ...l, layout: { ...l.layout, visibility: 'none' } });
    const fills = basemapFillLayers()
      .filter((l) => !overExternal || l.id === NEUTRAL_VILLAGES)
      .map((l): LayerSpecification => (l.id === NEUTRAL_VILLAGES && this.overlays.has('coverage') ? hidden(l) : l));
    const sources: StyleSpecification['sources'] = {
      [BASEMAP_SOURCE]: { type: 'vector', tiles: [this.tileUrl('basemap')], minzoom: 5, maxzoom: 14 },
      [VILLAGES_SOURCE]: { type: 'vector', tiles: [this.tileUrl('villages')], minzoom: VILLAGES_MIN_ZOOM, maxzoom: 14 },
      [GAP_SOURCE]: { type: 'geojson', data: EMPTY },
      [CANDIDATE_SOURCE]: { type: 'geojson', data: EMPTY },
      [FOOTPRINT_SOURCE]: { type: 'geojson', data: EMPTY },
      [SUGGESTION_SOURCE]: { type: 'geojson', data: EMPTY },
      [SELECTION_SOURCE]: { type: 'geojson', data: EMPTY },
      [FOCUS_SOURCE]: { type: 'geojson', data: EMPTY },
    };
    // The coverage choropleth is in the first style (not added after 'load'), so its tiles are
    // requested with the basemap's rather than after the first complete render.
    // The what-if outline is added with the first what-if result: in the first style it made the
    // workers build outlines of every village for nothing.
    const coverage: LayerSpecification[] = [];
    if (this.overlays.has('coverage')) {
      if (this.carrier) sources[CARRIER_SOURCE] = { type: 'vector', tiles: [this.carrierTileUrl()], minzoom: VILLAGES_MIN_ZOOM, maxzoom: 14 };
      coverage.push(coverageLayer(this.coverageSource(), this.mode));
    }
    // With the choropleth on, the basemap's boundaries and labels wait for the first village
    // tile (their source has no visible layer until then, so its tiles are not even requested):
    // one worker parses every tile in arrival order, and at national scale the six basemap tiles
    // of the first view (boundaries to tessellate, labels to shape with glyphs drawn on the main
    // thread) came back first and held the first village tile back by their parsing time.
    const basemap = [...fills.filter((l) => l.type !== 'background' && l.id !== NEUTRAL_VILLAGES), ...basemapLineLayers(), ...basemapLabelLayers()];
    this.heldBasemap = coverage.length > 0 && !overExternal ? basemap.map((l) => l.id) : [];
    const held = (l: LayerSpecification) => (this.heldBasemap.includes(l.id) ? hidden(l) : l);
    const layers: LayerSpecification[] = [...fills.map(held), ...coverage, ...basemapLineLayers().map(held), ...gapLayers(), ...plannerLayers(), ...basemapLabelLayers().map(held)];
    return { version: 8, sources, layers };
  }

  /**
   * Shows the held basemap layers once a village coverage tile has been loaded, or once the map
   * is idle without one (coverage switched off, or no village in the view).
   */
  private releaseBasemapWithVillages(): void {
    if (this.heldBasemap.length === 0) return;
    const release = () => {
      this.map.off('sourcedata', onData);
      this.map.off('idle', release);
      const ids = this.heldBasemap;
      this.heldBasemap = [];
      if (!this.destroyed) this.setVisible(ids, true);
    };
    const onData = (e: { sourceId: string; tile?: unknown }) => {
      if (e.tile && (e.sourceId === VILLAGES_SOURCE || e.sourceId === CARRIER_SOURCE)) release();
    };
    this.map.on('sourcedata', onData);
    this.map.on('idle', release);
  }

  /** The external style's sources and layers under ours; its glyph server is dropped so every label is drawn locally. */
  private mergeExternal(external: StyleSpecification | undefined): StyleSpecification {
    const own = this.ownStyle(true);
    if (!external) return this.ownStyle(false);
    const { glyphs: _glyphs, ...rest } = external;
    return { ...rest, sources: { ...external.sources, ...own.sources }, layers: [...external.layers, ...own.layers] };
  }

  /** Uses the TileJSON (bounds, zoom range) when the server has it; fits the province when no camera was given. */
  private async loadBasemapTileJson(fit: boolean): Promise<void> {
    if (this.provinceBounds) {
      this.applyOverlays();
      return;
    }
    try {
      const response = await fetch(`${this.origin}/tiles/basemap.json`, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const tilejson = (await response.json()) as TileJson;
      if (tilejson.bounds) this.provinceBounds = tilejson.bounds;
    } catch {
      // The tile template is known; only the bounds are missing.
    }
    if (this.destroyed) return;
    if (fit && this.provinceBounds) {
      this.map.fitBounds(this.provinceBounds, { padding: 24, duration: 0 });
      // Village coverage tiles start at z8: never open on an empty overview.
      if (this.map.getZoom() < VILLAGES_MIN_ZOOM) this.map.setZoom(VILLAGES_MIN_ZOOM);
    }
    this.applyOverlays();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  fitProvince(): void {
    if (this.provinceBounds) this.map.fitBounds(this.provinceBounds, { padding: 24 });
  }

  // ---- state in ----------------------------------------------------------

  setCarrierColours(colours: CarrierColours): void {
    const changed = JSON.stringify(colours) !== JSON.stringify(this.colours);
    this.colours = colours;
    if (changed) void this.ready.then(() => this.rebuildOverlays(['sites', 'sectors']));
  }

  setOverlays(overlays: readonly OverlayId[]): void {
    this.overlays = new Set(overlays);
    void this.ready.then(() => this.applyOverlays());
  }

  setCoverage(mode: CoverageMode, carrier: string | null): void {
    const carrierChanged = carrier !== this.carrier;
    this.mode = mode;
    this.carrier = carrier;
    void this.ready.then(() => {
      if (carrierChanged) {
        this.removeLayers([COVERAGE_LAYER, WHATIF_OUTLINE]);
        if (this.map.getSource(CARRIER_SOURCE)) this.map.removeSource(CARRIER_SOURCE);
      }
      this.applyOverlays();
      if (this.map.getLayer(COVERAGE_LAYER)) this.map.setPaintProperty(COVERAGE_LAYER, 'fill-color', coverageColor(this.mode));
    });
  }

  /** What-if results: the villages whose share or flag would change (null clears). */
  setWhatIf(villages: readonly WhatIfVillage[] | null): void {
    void this.ready.then(() => {
      const source = this.coverageSource();
      const sourceLayer = 'villages';
      for (const id of this.whatIf.keys()) this.map.removeFeatureState({ source, sourceLayer, id });
      this.whatIf = new Map((villages ?? []).map((v) => [v.villageId, v]));
      for (const v of this.whatIf.values()) this.map.setFeatureState({ source, sourceLayer, id: v.villageId }, { wi_share: v.share, wi_meets: v.meets, wi_changed: true });
      this.addWhatIfOutline();
    });
  }

  private addWhatIfOutline(): void {
    if (this.whatIf.size > 0 && this.map.getLayer(COVERAGE_LAYER) && !this.map.getLayer(WHATIF_OUTLINE)) {
      this.map.addLayer(whatIfOutlineLayer(this.coverageSource()), 'gap-fill');
      this.setVisible([WHATIF_OUTLINE], this.overlays.has('coverage'));
    }
  }

  setGap(geometry: Geometry | FeatureCollection | null): void {
    void this.ready.then(() => this.setData(GAP_SOURCE, geometry));
  }

  setSuggestions(collection: FeatureCollection | null): void {
    void this.ready.then(() => this.setData(SUGGESTION_SOURCE, collection));
  }

  setCandidate(lonLat: [number, number] | null, footprints: FeatureCollection | null): void {
    this.candidate = lonLat;
    void this.ready.then(() => {
      this.setData(CANDIDATE_SOURCE, lonLat ? { type: 'Point', coordinates: lonLat } : null);
      this.setData(FOOTPRINT_SOURCE, footprints);
    });
  }

  /** Click-to-place mode for the what-if candidate. */
  setPlacing(placing: boolean): void {
    this.placing = placing;
    this.map.getCanvas().style.cursor = placing ? 'crosshair' : '';
  }

  /**
   * Highlights the selected feature: its geometry drawn over everything, tagged with the
   * selection's layer and id (what selectionOnMap() reads back). Null clears it.
   */
  setSelection(selection: MapSelection | null, geometry: Geometry | null): void {
    void this.ready.then(() =>
      this.setData(SELECTION_SOURCE, selection && geometry ? { type: 'Feature', id: selection.id, properties: { layer: selection.layer, id: selection.id }, geometry } : null),
    );
  }

  /** Marks the keyboard list's current feature (null clears). */
  setFocus(geometry: Geometry | null): void {
    void this.ready.then(() => this.setData(FOCUS_SOURCE, geometry));
  }

  zoomToBBox(bbox: BBox, maxZoom = 15): void {
    this.map.fitBounds(padBBox(bbox, 0.004), { padding: 48, maxZoom, duration: 600 });
  }

  // ---- queries (tests and the benchmark use these) -----------------------

  /** The selection the map highlights and draws now, as the map's rendered features say. */
  selectionOnMap(): MapSelection[] {
    const layers = SELECTION_LAYERS.filter((id) => this.map.getLayer(id));
    const seen = new Map<string, MapSelection>();
    for (const f of this.map.queryRenderedFeatures({ layers })) {
      const layer = f.properties?.layer;
      const id = Number(f.properties?.id);
      if (typeof layer === 'string' && Number.isFinite(id)) seen.set(`${layer}:${id}`, { layer, id });
    }
    return [...seen.values()];
  }

  /**
   * Clickable features drawn in the view, one entry per feature (a polygon cut
   * across tiles counts once): points, then lines, then areas, each nearest the
   * centre first; at most `limit`.
   */
  featuresInView(limit = 50): FeatureInView[] {
    const layers = this.clickableLayers();
    if (layers.length === 0) return [];
    const centre = this.map.getCenter();
    const rank = (f: MapGeoJSONFeature) => (f.geometry.type.endsWith('Point') ? 0 : f.geometry.type.endsWith('LineString') ? 1 : 2);
    const byKey = new Map<string, { feature: MapGeoJSONFeature; rank: number; distance: number }>();
    for (const f of this.map.queryRenderedFeatures({ layers })) {
      const selected = this.toSelected(f);
      const key = `${selected.selection.layer}:${selected.selection.id}`;
      if (byKey.has(key)) continue;
      const box = bboxOfGeometry(f.geometry);
      const distance = box ? Math.hypot((box[0] + box[2]) / 2 - centre.lng, (box[1] + box[3]) / 2 - centre.lat) : Infinity;
      byKey.set(key, { feature: f, rank: rank(f), distance });
    }
    return [...byKey.values()]
      .sort((a, b) => a.rank - b.rank || a.distance - b.distance)
      .slice(0, limit)
      .map(({ feature }) => {
        const selected = this.toSelected(feature);
        const name = feature.properties?.name ?? feature.properties?.code ?? feature.properties?.site_code;
        return { ...selected, label: typeof name === 'string' || typeof name === 'number' ? String(name) : null };
      });
  }

  /** Village polygons currently drawn (from whichever village layer is visible). */
  renderedVillageCount(): number {
    const layers = [COVERAGE_LAYER, NEUTRAL_VILLAGES].filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
    const features = this.map.queryRenderedFeatures({ layers });
    return new Set(features.map((f) => f.id ?? f.properties?.code)).size;
  }

  destroy(): void {
    this.destroyed = true;
    this.map.remove();
  }

  // ---- internals -----------------------------------------------------------

  private setData(source: string, data: Geometry | FeatureCollection | Feature | null): void {
    const s = this.map.getSource<GeoJSONSource>(source);
    if (!s) return;
    if (!data) s.setData(EMPTY);
    else if (data.type === 'FeatureCollection' || data.type === 'Feature') s.setData(data);
    else s.setData({ type: 'Feature', properties: {}, geometry: data });
  }

  private coverageSource(): string {
    return this.carrier ? CARRIER_SOURCE : VILLAGES_SOURCE;
  }

  private removeLayers(ids: string[]): void {
    for (const id of ids) if (this.map.getLayer(id)) this.map.removeLayer(id);
  }

  private rebuildOverlays(ids: OverlayId[]): void {
    for (const id of ids) {
      for (const layer of overlayLayers(id, this.colours)) this.removeLayers([layer.id]);
    }
    this.applyOverlays();
  }

  /** Adds the layers of switched-on overlays (and their sources) and hides the rest. */
  private applyOverlays(): void {
    if (this.destroyed) return;
    // Overlays go below the basemap lines so boundaries stay readable, except points which go above.
    const beforeLines = 'villages-line';
    const beforeLabels = 'gap-fill';
    if (this.overlays.has('coverage')) {
      const source = this.coverageSource();
      if (source === CARRIER_SOURCE && !this.map.getSource(CARRIER_SOURCE)) {
        this.map.addSource(CARRIER_SOURCE, { type: 'vector', tiles: [this.carrierTileUrl()], minzoom: VILLAGES_MIN_ZOOM, maxzoom: 14 });
      }
      if (!this.map.getLayer(COVERAGE_LAYER)) {
        this.map.addLayer(coverageLayer(source, this.mode), beforeLines);
        for (const v of this.whatIf.values()) this.map.setFeatureState({ source, sourceLayer: 'villages', id: v.villageId }, { wi_share: v.share, wi_meets: v.meets, wi_changed: true });
      }
    }
    this.addWhatIfOutline();
    this.setVisible([COVERAGE_LAYER, WHATIF_OUTLINE], this.overlays.has('coverage'));
    this.setVisible([NEUTRAL_VILLAGES], !this.overlays.has('coverage'));
    this.setVisible(['gap-fill', 'gap-line'], this.overlays.has('gaps'));
    // Asset overlays wait until the first village tiles are in: they would compete for the
    // browser's connections with what the visitor came to see.
    if (!this.villagesDrawn) {
      if (!this.waitingForVillages) {
        this.waitingForVillages = true;
        this.map.once('idle', () => {
          this.villagesDrawn = true;
          this.applyOverlays();
        });
      }
      return;
    }
    for (const def of OVERLAYS) {
      if (!def.tileLayer) continue;
      const on = this.overlays.has(def.id);
      const layers = overlayLayers(def.id, this.colours);
      if (on && !this.map.getSource(def.tileLayer)) {
        this.map.addSource(def.tileLayer, { type: 'vector', tiles: [this.tileUrl(def.tileLayer)], minzoom: 7, maxzoom: 14 });
      }
      if (on) {
        const isArea = def.id === 'zones' || def.id === 'sectors' || def.id === 'trenches' || def.id === 'conduits';
        for (const layer of layers) if (!this.map.getLayer(layer.id)) this.map.addLayer(layer, isArea ? beforeLines : beforeLabels);
      }
      this.setVisible(
        layers.map((l) => l.id),
        on,
      );
    }
  }

  private setVisible(ids: string[], visible: boolean): void {
    for (const id of ids) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }

  private clickableLayers(): string[] {
    return Object.keys(CLICKABLE).filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
  }

  private pick(point: maplibregl.PointLike): MapGeoJSONFeature | null {
    const layers = this.clickableLayers();
    if (layers.length === 0) return null;
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [(point as maplibregl.Point).x - 4, (point as maplibregl.Point).y - 4],
      [(point as maplibregl.Point).x + 4, (point as maplibregl.Point).y + 4],
    ];
    const features = this.map.queryRenderedFeatures(box, { layers });
    // Points before lines before areas: the most specific thing under the cursor wins.
    const order = (f: MapGeoJSONFeature) => (f.geometry.type.endsWith('Point') ? 0 : f.geometry.type.endsWith('LineString') ? 1 : 2);
    return features.sort((a, b) => order(a) - order(b))[0] ?? null;
  }

  private handleClick(e: MapMouseEvent): void {
    if (this.placing) {
      this.options.onCandidateMove([e.lngLat.lng, e.lngLat.lat]);
      return;
    }
    const feature = this.pick(e.point);
    if (!feature) {
      this.options.onSelect(null);
      return;
    }
    this.options.onSelect(this.toSelected(feature));
  }

  private toSelected(feature: MapGeoJSONFeature): SelectedFeature {
    const layer = CLICKABLE[feature.layer.id] ?? feature.layer.id;
    const id = typeof feature.id === 'number' ? feature.id : Number(feature.properties?.id ?? feature.properties?.rank);
    return { selection: { layer, id: Number.isFinite(id) ? id : 0 }, properties: { ...feature.properties }, geometry: feature.geometry };
  }

  private handleHover(e: MapMouseEvent): void {
    if (this.placing || this.dragging) return;
    const overCandidate = this.candidate && this.map.getLayer('candidate-circle') && this.map.queryRenderedFeatures(e.point, { layers: ['candidate-circle'] }).length > 0;
    this.map.getCanvas().style.cursor = overCandidate ? 'move' : this.pick(e.point) ? 'pointer' : '';
  }

  /** Drag the candidate site: press on it, move, release. */
  private setupCandidateDrag(): void {
    const onMove = (e: MapMouseEvent) => {
      this.candidate = [e.lngLat.lng, e.lngLat.lat];
      this.setData(CANDIDATE_SOURCE, { type: 'Point', coordinates: this.candidate });
    };
    const onUp = () => {
      this.map.off('mousemove', onMove);
      this.map.dragPan.enable();
      this.dragging = false;
      this.map.getCanvas().style.cursor = '';
      if (this.candidate) this.options.onCandidateMove(this.candidate);
    };
    this.map.on('mousedown', 'candidate-circle', (e) => {
      e.preventDefault();
      this.dragging = true;
      this.map.dragPan.disable();
      this.map.getCanvas().style.cursor = 'grabbing';
      this.map.on('mousemove', onMove);
      this.map.once('mouseup', onUp);
    });
  }
}
