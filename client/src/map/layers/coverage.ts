import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { CoverageMode } from '../overlays';
import { PALETTE } from './palette';
import { stateOrProperty } from './expressions';

// Village coverage choropleth and the gap geometries. The share and the
// target flag come from the village tiles (share_4g, meets_4g…); a what-if
// result overrides them per village through feature state (wi_share, wi_meets)
// so villages change colour before anything is saved.

export const COVERAGE_LAYER = 'coverage-fill';
export const GAP_SOURCE = 'gap';

/** Tile attribute holding the share shown in each mode. */
export function shareProperty(mode: CoverageMode): string {
  return mode === '4G' ? 'share_4g' : mode === '5G' ? 'share_5g' : 'share_ftth';
}

export function meetsProperty(mode: CoverageMode): string | null {
  return mode === 'HH_FIBRE' ? null : mode === '4G' ? 'meets_4g' : mode === '5G' ? 'meets_5g' : 'meets_ftth';
}

function ramp(stops: [number, string][], input: ExpressionSpecification): ExpressionSpecification {
  return ['interpolate', ['linear'], input, ...stops.flat()] as ExpressionSpecification;
}

/** Fill colour: not computed → grey; below target → the alarm colour; else a ramp by share. */
export function coverageColor(mode: CoverageMode): ExpressionSpecification {
  const share = stateOrProperty('wi_share', shareProperty(mode));
  const meetsKey = meetsProperty(mode);
  if (!meetsKey) {
    return ['case', ['==', share, null], PALETTE.noData, ramp(PALETTE.fibreRamp, ['to-number', share])] as ExpressionSpecification;
  }
  const meets = stateOrProperty('wi_meets', meetsKey);
  return ['case', ['==', share, null], PALETTE.noData, ['==', meets, false], PALETTE.belowTarget, ramp(PALETTE.shareRamp, ['to-number', share])] as ExpressionSpecification;
}

export function coverageLayer(source: string, mode: CoverageMode): LayerSpecification {
  return {
    id: COVERAGE_LAYER,
    type: 'fill',
    source,
    'source-layer': 'villages',
    paint: {
      'fill-color': coverageColor(mode),
      'fill-opacity': ['case', ['boolean', ['feature-state', 'wi_changed'], false], 0.95, 0.72],
      'fill-outline-color': 'rgba(255,255,255,0.35)',
    },
  };
}

/** A what-if changed village: a thick outline so the change is seen at any zoom. */
export function whatIfOutlineLayer(source: string): LayerSpecification {
  return {
    id: 'coverage-whatif-line',
    type: 'line',
    source,
    'source-layer': 'villages',
    filter: ['boolean', true] as FilterSpecification,
    paint: { 'line-color': PALETTE.selection, 'line-width': ['case', ['boolean', ['feature-state', 'wi_changed'], false], 2.5, 0] },
  };
}

export function gapLayers(): LayerSpecification[] {
  return [
    { id: 'gap-fill', type: 'fill', source: GAP_SOURCE, paint: { 'fill-color': PALETTE.gapFill, 'fill-opacity': 0.35 } },
    { id: 'gap-line', type: 'line', source: GAP_SOURCE, paint: { 'line-color': PALETTE.gapFill, 'line-width': 1.5 } },
  ];
}
