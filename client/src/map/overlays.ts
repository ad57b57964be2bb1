import type { MessageKey } from '../i18n/vi';

// The map's toggleable overlays. `tileLayer` is the registry's tile layer id
// (/tiles/{id}/{z}/{x}/{y}.mvt, source-layer = id); `public` overlays are open
// data, the rest need a login (the tile server refuses them to the public).
export const OVERLAY_IDS = ['coverage', 'gaps', 'sites', 'sectors', 'fibre', 'access-points', 'poles', 'manholes', 'conduits', 'trenches', 'zones'] as const;
export type OverlayId = (typeof OVERLAY_IDS)[number];

export interface OverlayDef {
  id: OverlayId;
  label: MessageKey;
  tileLayer: string | null;
  public: boolean;
  defaultOn: boolean;
}

export const OVERLAYS: readonly OverlayDef[] = [
  { id: 'coverage', label: 'map.coverage', tileLayer: null, public: true, defaultOn: true },
  { id: 'gaps', label: 'map.layer.gaps', tileLayer: null, public: true, defaultOn: true },
  { id: 'sites', label: 'map.layer.sites', tileLayer: 'sites', public: true, defaultOn: true },
  { id: 'sectors', label: 'map.layer.sectors', tileLayer: 'sectors', public: false, defaultOn: false },
  { id: 'fibre', label: 'map.layer.fibre', tileLayer: 'fibre-routes', public: false, defaultOn: false },
  { id: 'access-points', label: 'map.layer.accessPoints', tileLayer: 'access-points', public: false, defaultOn: false },
  { id: 'poles', label: 'map.layer.poles', tileLayer: 'poles', public: false, defaultOn: false },
  { id: 'manholes', label: 'map.layer.manholes', tileLayer: 'manholes', public: false, defaultOn: false },
  { id: 'conduits', label: 'map.layer.conduits', tileLayer: 'conduits', public: false, defaultOn: false },
  { id: 'trenches', label: 'map.layer.trenches', tileLayer: 'trenches', public: false, defaultOn: false },
  { id: 'zones', label: 'map.layer.zones', tileLayer: 'zones', public: false, defaultOn: false },
];

export const DEFAULT_OVERLAYS: OverlayId[] = OVERLAYS.filter((o) => o.defaultOn).map((o) => o.id);

/** Overlays this caller may turn on. */
export function overlaysFor(loggedIn: boolean): readonly OverlayDef[] {
  return loggedIn ? OVERLAYS : OVERLAYS.filter((o) => o.public);
}

export const COVERAGE_MODES = ['4G', '5G', 'FTTH', 'HH_FIBRE'] as const;
export type CoverageMode = (typeof COVERAGE_MODES)[number];
