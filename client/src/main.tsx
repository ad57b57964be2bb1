import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';
import { provinceBounds } from './map/province-bounds';
import { prefetch } from './api/prefetch';
import { initialLocale } from './i18n/i18n';

// Start what the first screen waits for now, in parallel, instead of after the
// shell's first render: who is logged in and the dataset's settings (every
// screen), and on the map route its code and the province's extent. The
// language goes on <html> first: the API client sends it as Accept-Language.
document.documentElement.lang = initialLocale();
prefetch('/api/auth/me');
prefetch('/api/about');
if (location.pathname === '/') {
  void import('./features/map/map-page');
  void provinceBounds();
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
