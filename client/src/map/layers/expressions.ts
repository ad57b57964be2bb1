import type { ExpressionSpecification } from 'maplibre-gl';

// Small expression helpers in the manner of openinframap's style code: the
// layer files read as what they draw, not as nested arrays.

export type Expr = ExpressionSpecification;

/** Interpolates linearly by zoom: zoomLinear([8, 1], [14, 4]). */
export function zoomLinear(...stops: [number, number][]): Expr {
  return ['interpolate', ['linear'], ['zoom'], ...stops.flat()] as Expr;
}

/** A `match` on a property with a fallback: matchProperty('kind', { backbone: '#c00' }, '#999'). */
export function matchProperty(property: string, values: Record<string, string | number>, fallback: string | number): Expr {
  const entries = Object.entries(values);
  if (entries.length === 0) return ['literal', fallback] as unknown as Expr;
  return ['match', ['get', property], ...entries.flat(), fallback] as unknown as Expr;
}

/** The first non-null of a feature state and a property (what-if overrides the tile). */
export function stateOrProperty(state: string, property: string): Expr {
  return ['coalesce', ['feature-state', state], ['get', property]] as Expr;
}
