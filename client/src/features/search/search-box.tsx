import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { foldVietnamese } from '@registry/shared/text';
import type { SearchHit, SearchResult } from '@registry/shared/schemas/search';
import { api, type ApiError } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import type { MapControls } from '../map/map-page';

const LAYER_OF: Record<SearchHit['kind'], string | null> = { village: 'villages', site: 'sites', admin_unit: null, carrier: null };

/**
 * Villages, communes, sites and carriers by name, diacritics optional: the
 * server folds both sides with the same table as foldVietnamese().
 */
export function SearchBox({ controls }: { controls: MapControls }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [active, setActive] = useState(-1);
  const folded = foldVietnamese(text);

  useEffect(() => {
    if (folded.length < 2) {
      setHits(null);
      setError(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<SearchResult>('/api/search', { query: { q: folded, limit: 12 }, signal: controller.signal }).then(
        (r) => {
          setHits(r.items);
          setError(null);
          setActive(-1);
        },
        (e: ApiError) => {
          if (!controller.signal.aborted) setError(e);
        },
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [folded]);

  function choose(hit: SearchHit) {
    if (hit.bbox) controls.zoomTo(hit.bbox, hit.kind === 'site' ? 15 : hit.kind === 'village' ? 14 : 12);
    const layer = LAYER_OF[hit.kind];
    if (layer) controls.select({ selection: { layer, id: hit.id }, properties: { name: hit.name, code: hit.code }, geometry: null });
    setHits(null);
    setText(hit.name);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (!hits || hits.length === 0) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = hits[Math.max(0, active)];
      if (hit) choose(hit);
    } else if (e.key === 'Escape') {
      setHits(null);
    }
  }

  const listId = `${id}-results`;
  return (
    <div className="search" role="search">
      <label htmlFor={`${id}-input`} className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-expanded={!!hits}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
        placeholder={t('search.placeholder')}
        value={text}
        maxLength={100}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="search-input"
      />
      {error && (
        <p className="status status-error small" role="alert">
          {error.message}
        </p>
      )}
      {hits && (
        <ul id={listId} role="listbox" className="search-results" aria-label={t('search.label')} data-testid="search-results">
          {hits.length === 0 && <li className="muted">{t('search.noResults')}</li>}
          {hits.map((hit, i) => (
            <li key={`${hit.kind}-${hit.id}`} id={`${listId}-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : ''} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(hit)}>
              <span className="hit-name">{hit.name}</span>
              <span className="hit-kind">{t(`search.kind.${hit.kind}`)}</span>
              {hit.context && <span className="hit-context">{hit.context}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
