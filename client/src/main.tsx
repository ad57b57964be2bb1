import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';
import { provinceBounds } from './map/province-bounds';

// The map is the first screen: fetch its code and the province's extent now,
// in parallel with the session, instead of after the shell has rendered.
if (location.pathname === '/') {
  void import('./features/map/map-page');
  void provinceBounds();
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
