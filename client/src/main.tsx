import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';
import { provinceBounds } from './map/province-bounds';
import { prefetch } from './api/prefetch';
import { initialLocale } from './i18n/i18n';
import { COVERAGE_MODES, type CoverageMode } from './map/overlays';
import { belowTargetPath, technologyOfMode } from './features/planner/below-target-query';

// Start what the first screen waits for now, in parallel, instead of after the
// shell's first render: who is logged in and the dataset's settings (every
// screen), and on the map route its code and the province's extent. The
// language goes on <html> first: the API client sends it as Accept-Language.
document.documentElement.lang = initialLocale();
prefetch('/api/auth/me');
prefetch('/api/about');
if (location.pathname === '/') {
  void import('./features/map/map-page');
  void import('./map/registry-map');
  void provinceBounds();
  // A link that opens the planner's below-target list: its first page (public data) now too.
  const params = new URLSearchParams(location.search);
  if (params.get('panel') === 'below' && !params.get('carrier')) {
    const tech = params.get('tech');
    const mode = tech && (COVERAGE_MODES as readonly string[]).includes(tech) ? (tech as CoverageMode) : '4G';
    prefetch(belowTargetPath({ technology: technologyOfMode(mode), adminUnitId: null, carrierId: null }));
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
