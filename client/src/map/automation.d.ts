import type { RegistryMap } from './registry-map';

// The map instance, for end-to-end tests and the client benchmark (set under
// automation or in development only). Declared here, outside any component,
// so the scripts that drive Chromium see the same type.
declare global {
  interface Window {
    __registryMap?: RegistryMap;
    /** The overlay maps (overlay-map.tsx): the evidence / site-placing map and the route-drawing map. */
    __p2Map?: RegistryMap;
    __routeMap?: RegistryMap;
  }
}
