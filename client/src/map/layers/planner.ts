import type { LayerSpecification } from 'maplibre-gl';
import { PALETTE } from './palette';
import { zoomLinear } from './expressions';

// The planner's working layers (GeoJSON sources the client fills): the
// what-if candidate and its footprints, ranked gap-closing suggestions, and
// the selected feature's outline, and the keyboard list's current feature.

export const CANDIDATE_SOURCE = 'candidate';
export const FOOTPRINT_SOURCE = 'candidate-footprint';
export const SUGGESTION_SOURCE = 'suggestions';
export const SELECTION_SOURCE = 'selection';
/** The feature under the keyboard's cursor in the "features here" list (not selected yet). */
export const FOCUS_SOURCE = 'keyboard-focus';
/** The layers drawing the selected feature: a test or the page can look it up through the map. */
export const SELECTION_LAYERS = ['selection-fill', 'selection-line', 'selection-point'];

export function plannerLayers(): LayerSpecification[] {
  return [
    { id: 'footprint-fill', type: 'fill', source: FOOTPRINT_SOURCE, paint: { 'fill-color': PALETTE.footprint, 'fill-opacity': 0.12 } },
    { id: 'footprint-line', type: 'line', source: FOOTPRINT_SOURCE, paint: { 'line-color': PALETTE.footprint, 'line-width': 1.5, 'line-dasharray': [2, 1] } },
    { id: 'selection-fill', type: 'fill', source: SELECTION_SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': PALETTE.selection, 'fill-opacity': 0.08 } },
    { id: 'selection-line', type: 'line', source: SELECTION_SOURCE, paint: { 'line-color': PALETTE.selection, 'line-width': 3 } },
    {
      id: 'selection-point',
      type: 'circle',
      source: SELECTION_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PALETTE.selection, 'circle-stroke-width': 3 },
    },
    { id: 'focus-line', type: 'line', source: FOCUS_SOURCE, paint: { 'line-color': PALETTE.focus, 'line-width': 2.5, 'line-dasharray': [2, 1] } },
    {
      id: 'focus-point',
      type: 'circle',
      source: FOCUS_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 14, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PALETTE.focus, 'circle-stroke-width': 2.5 },
    },
    {
      id: 'suggestions-circle',
      type: 'circle',
      source: SUGGESTION_SOURCE,
      paint: { 'circle-radius': zoomLinear([8, 9], [14, 13]), 'circle-color': PALETTE.suggestion, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    },
    {
      id: 'suggestions-label',
      type: 'symbol',
      source: SUGGESTION_SOURCE,
      layout: {
        'text-field': ['to-string', ['get', 'rank']],
        'text-font': ['sans-serif', 'bold'],
        'text-size': 12,
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#fff' },
    },
    {
      id: 'suggestions-households',
      type: 'symbol',
      source: SUGGESTION_SOURCE,
      layout: { 'text-field': ['concat', '+', ['to-string', ['get', 'households']]], 'text-font': ['sans-serif'], 'text-size': 11, 'text-offset': [0, 1.6], 'text-anchor': 'top' },
      paint: { 'text-color': PALETTE.suggestion, 'text-halo-color': '#fff', 'text-halo-width': 1.5 },
    },
    {
      id: 'candidate-circle',
      type: 'circle',
      source: CANDIDATE_SOURCE,
      paint: { 'circle-radius': 9, 'circle-color': '#ffffff', 'circle-stroke-color': PALETTE.candidate, 'circle-stroke-width': 3 },
    },
    { id: 'candidate-dot', type: 'circle', source: CANDIDATE_SOURCE, paint: { 'circle-radius': 3, 'circle-color': PALETTE.candidate } },
  ];
}
