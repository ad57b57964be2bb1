// Colours shared by the layer specifications and the legend, so the two can
// never disagree.
export const PALETTE = {
  background: '#eef0ec',
  province: '#fbfbf8',
  provinceLine: '#4a4a4a',
  districtLine: '#6b6b6b',
  communeLine: '#9a9a9a',
  villageLine: '#bdbdbd',
  label: '#2d2d2d',
  labelHalo: '#ffffff',
  villageNeutral: '#f4f1e8',
  /** Below target: a saturated red-orange that reads against every share colour. */
  belowTarget: '#d7301f',
  noData: '#d9d9d9',
  /** Share ramp for villages meeting the target (share ≥ threshold). */
  shareRamp: [
    [0, '#edf8e9'],
    [0.8, '#a1d99b'],
    [1, '#238b45'],
  ] as [number, string][],
  /** Households fibre-ready: sequential purples over 0..1. */
  fibreRamp: [
    [0, '#f2f0f7'],
    [0.5, '#9e9ac8'],
    [1, '#54278f'],
  ] as [number, string][],
  gapFill: '#ff00aa',
  selection: '#0b6efd',
  /** The keyboard list's current feature: dashed, so it is not mistaken for the selection. */
  focus: '#ff8c00',
  candidate: '#111111',
  footprint: '#0b6efd',
  suggestion: '#7a0177',
  sharedSiteRing: '#111111',
  fibreKind: { backbone: '#b2182b', distribution: '#ef8a62', access: '#1b7837', drop: '#878787' } as Record<string, string>,
  accessPointKind: { cabinet: '#2166ac', splitter: '#67a9cf', odp: '#5aae61' } as Record<string, string>,
  pole: '#6d4c41',
  manhole: '#37474f',
  conduit: '#8e24aa',
  trench: { trench: '#8d6e63', utility_tunnel: '#3e2723' } as Record<string, string>,
  zoneKind: { no_build: '#e41a1c', height_limit: '#ff7f00', underground_required: '#984ea3', planned_tower_area: '#4daf4a' } as Record<string, string>,
  unknownCarrier: '#666666',
};
