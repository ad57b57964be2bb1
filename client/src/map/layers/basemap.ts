import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import { PALETTE } from './palette';
import { zoomLinear } from './expressions';

// The offline basemap: the registry's own boundaries from
// /tiles/basemap/{z}/{x}/{y}.mvt (source-layers province, districts, communes,
// villages). Labels are drawn with the browser's own fonts (no glyph server).

export const BASEMAP_SOURCE = 'basemap';
export const LABEL_FONT = ['sans-serif'];

/** Label points (source-layer `labels`, one point per unit inside it) of one level. */
const label = (id: string, filter: FilterSpecification, minzoom: number, maxzoom: number, size: [number, number][], weight: 'bold' | 'normal', color = PALETTE.label): LayerSpecification => ({
  id,
  type: 'symbol',
  source: BASEMAP_SOURCE,
  'source-layer': 'labels',
  minzoom,
  maxzoom,
  filter,
  layout: {
    'text-field': ['get', 'name'],
    'text-font': weight === 'bold' ? ['sans-serif', 'bold'] : LABEL_FONT,
    'text-size': zoomLinear(...size),
    'text-max-width': 8,
    'text-padding': 4,
  },
  paint: { 'text-color': color, 'text-halo-color': PALETTE.labelHalo, 'text-halo-width': 1.4 },
});

/** Below the overlays: background, the province's land and the villages' neutral fill. */
export function basemapFillLayers(): LayerSpecification[] {
  return [
    { id: 'background', type: 'background', paint: { 'background-color': PALETTE.background } },
    { id: 'province-fill', type: 'fill', source: BASEMAP_SOURCE, 'source-layer': 'province', paint: { 'fill-color': PALETTE.province } },
    {
      id: 'villages-neutral',
      type: 'fill',
      source: BASEMAP_SOURCE,
      'source-layer': 'villages',
      paint: { 'fill-color': PALETTE.villageNeutral, 'fill-opacity': 0.6 },
    },
  ];
}

/** Above the coverage fill: boundaries from fine to coarse. */
export function basemapLineLayers(): LayerSpecification[] {
  return [
    {
      id: 'villages-line',
      type: 'line',
      source: BASEMAP_SOURCE,
      'source-layer': 'villages',
      minzoom: 11,
      paint: { 'line-color': PALETTE.villageLine, 'line-width': zoomLinear([11, 0.3], [15, 1]) },
    },
    {
      id: 'communes-line',
      type: 'line',
      source: BASEMAP_SOURCE,
      'source-layer': 'communes',
      minzoom: 9,
      paint: { 'line-color': PALETTE.communeLine, 'line-width': zoomLinear([9, 0.5], [14, 1.5]), 'line-dasharray': [3, 2] },
    },
    {
      id: 'districts-line',
      type: 'line',
      source: BASEMAP_SOURCE,
      'source-layer': 'districts',
      paint: { 'line-color': PALETTE.districtLine, 'line-width': zoomLinear([7, 1], [14, 2.5]) },
    },
    {
      id: 'province-line',
      type: 'line',
      source: BASEMAP_SOURCE,
      'source-layer': 'province',
      paint: { 'line-color': PALETTE.provinceLine, 'line-width': zoomLinear([7, 1.5], [14, 4]) },
    },
  ];
}

/** On top of everything: names of the province, districts, communes and villages as the zoom allows. */
export function basemapLabelLayers(): LayerSpecification[] {
  return [
    label('villages-label', ['==', ['get', 'level'], 'village'], 12.5, 24, [[12.5, 10], [16, 13]], 'normal', '#4d4d4d'),
    label('communes-label', ['!', ['in', ['get', 'level'], ['literal', ['province', 'district', 'village']]]], 10, 24, [[10, 10], [14, 14]], 'normal'),
    label('districts-label', ['==', ['get', 'level'], 'district'], 7, 11.5, [[7, 11], [11, 16]], 'bold'),
    label('province-label', ['==', ['get', 'level'], 'province'], 0, 9, [[5, 12], [9, 18]], 'bold'),
  ];
}
