import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { OverlayId } from '../overlays';
import { PALETTE } from './palette';
import { matchProperty, zoomLinear } from './expressions';

// Registry asset layers, one vector source per tile layer
// (/tiles/{layer}/{z}/{x}/{y}.mvt, source-layer = layer id).

export type CarrierColours = Record<string, string>;

const ownerColour = (colours: CarrierColours, property = 'owner'): ExpressionSpecification => matchProperty(property, colours, PALETTE.unknownCarrier);

/** The map layers of one overlay, bottom to top. */
export function overlayLayers(overlay: OverlayId, colours: CarrierColours): LayerSpecification[] {
  switch (overlay) {
    case 'zones':
      return [
        { id: 'zones-fill', type: 'fill', source: 'zones', 'source-layer': 'zones', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': matchProperty('kind', PALETTE.zoneKind, '#999'), 'fill-opacity': 0.15 } },
        { id: 'zones-line', type: 'line', source: 'zones', 'source-layer': 'zones', paint: { 'line-color': matchProperty('kind', PALETTE.zoneKind, '#999'), 'line-width': 1.5, 'line-dasharray': [4, 2] } },
      ];
    case 'sectors':
      return [
        { id: 'sectors-fill', type: 'fill', source: 'sectors', 'source-layer': 'sectors', minzoom: 12, paint: { 'fill-color': ownerColour(colours, 'carrier'), 'fill-opacity': 0.04 } },
        { id: 'sectors-line', type: 'line', source: 'sectors', 'source-layer': 'sectors', minzoom: 12, paint: { 'line-color': ownerColour(colours, 'carrier'), 'line-width': 0.7, 'line-opacity': 0.45 } },
      ];
    case 'trenches':
      return [
        {
          id: 'trenches-line',
          type: 'line',
          source: 'trenches',
          'source-layer': 'trenches',
          paint: { 'line-color': matchProperty('kind', PALETTE.trench, '#795548'), 'line-width': zoomLinear([11, 2], [16, 6]), 'line-opacity': 0.7 },
        },
      ];
    case 'conduits':
      return [{ id: 'conduits-line', type: 'line', source: 'conduits', 'source-layer': 'conduits', paint: { 'line-color': PALETTE.conduit, 'line-width': zoomLinear([11, 1.5], [16, 4]) } }];
    case 'fibre':
      return fibreLayers();
    case 'manholes':
      return [
        {
          id: 'manholes-circle',
          type: 'circle',
          source: 'manholes',
          'source-layer': 'manholes',
          paint: { 'circle-color': PALETTE.manhole, 'circle-radius': zoomLinear([13, 2.5], [17, 6]), 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
        },
      ];
    case 'poles':
      return [{ id: 'poles-circle', type: 'circle', source: 'poles', 'source-layer': 'poles', paint: { 'circle-color': PALETTE.pole, 'circle-radius': zoomLinear([13, 1.5], [17, 4]) } }];
    case 'access-points':
      return [
        {
          id: 'access-points-circle',
          type: 'circle',
          source: 'access-points',
          'source-layer': 'access-points',
          paint: {
            'circle-color': matchProperty('kind', PALETTE.accessPointKind, '#2166ac'),
            'circle-radius': zoomLinear([11, 2.5], [16, 6]),
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 1,
          },
        },
      ];
    case 'sites':
      return siteLayers(colours);
    case 'coverage':
    case 'gaps':
      return [];
  }
}

function fibreLayers(): LayerSpecification[] {
  // Width by kind, scaled by zoom: "zoom" may only be the input of a top-level interpolate.
  const byKind = matchProperty('kind', { backbone: 3, distribution: 2.2, access: 1.4, drop: 0.8 }, 1);
  const width = ['interpolate', ['linear'], ['zoom'], 8, ['*', 0.6, byKind], 16, ['*', 2.5, byKind]] as ExpressionSpecification;
  const base = (id: string, placements: string[], dash?: number[]): LayerSpecification => ({
    id,
    type: 'line',
    source: 'fibre-routes',
    'source-layer': 'fibre-routes',
    filter: ['in', ['get', 'placement'], ['literal', placements]] as FilterSpecification,
    layout: { 'line-cap': dash ? 'butt' : 'round' },
    paint: { 'line-color': matchProperty('kind', PALETTE.fibreKind, '#555'), 'line-width': width, ...(dash ? { 'line-dasharray': dash } : {}) },
  });
  // Placement by dash pattern: conduit/tunnel solid, aerial dashed, direct-buried dotted.
  return [base('fibre-underground', ['conduit', 'tunnel']), base('fibre-aerial', ['aerial'], [3, 2]), base('fibre-buried', ['direct_buried'], [1, 1.5])];
}

function siteLayers(colours: CarrierColours): LayerSpecification[] {
  const shared: FilterSpecification = ['>=', ['to-number', ['get', 'tenants'], 0], 2];
  return [
    {
      id: 'sites-shared-ring',
      type: 'circle',
      source: 'sites',
      'source-layer': 'sites',
      filter: shared,
      paint: { 'circle-radius': zoomLinear([7, 3.5], [12, 7], [16, 12]), 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PALETTE.sharedSiteRing, 'circle-stroke-width': zoomLinear([7, 1], [12, 2]) },
    },
    {
      id: 'sites-circle',
      type: 'circle',
      source: 'sites',
      'source-layer': 'sites',
      paint: {
        'circle-radius': zoomLinear([7, 1.8], [12, 4.5], [16, 8]),
        'circle-color': ownerColour(colours),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': zoomLinear([7, 0.3], [12, 1]),
        'circle-opacity': ['match', ['get', 'status'], 'planned', 0.5, 'permitted', 0.7, 1],
      },
    },
    {
      id: 'sites-label',
      type: 'symbol',
      source: 'sites',
      'source-layer': 'sites',
      minzoom: 13.5,
      layout: { 'text-field': ['coalesce', ['get', 'name'], ['get', 'code']], 'text-font': ['sans-serif'], 'text-size': 11, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-optional': true },
      paint: { 'text-color': '#333', 'text-halo-color': '#fff', 'text-halo-width': 1.2 },
    },
  ];
}

/** Layers a click may select, with the overlay/layer name used in the URL. */
export const CLICKABLE: Record<string, string> = {
  'sites-circle': 'sites',
  'access-points-circle': 'access-points',
  'poles-circle': 'poles',
  'manholes-circle': 'manholes',
  'fibre-underground': 'fibre-routes',
  'fibre-aerial': 'fibre-routes',
  'fibre-buried': 'fibre-routes',
  'conduits-line': 'conduits',
  'trenches-line': 'trenches',
  'sectors-fill': 'sectors',
  'zones-fill': 'zones',
  'zones-line': 'zones',
  'suggestions-circle': 'suggestions',
  'coverage-fill': 'villages',
  'villages-neutral': 'villages',
};
