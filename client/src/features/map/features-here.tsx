import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { FeatureInView, RegistryMap, SelectedFeature } from '../../map/registry-map';
import { OVERLAYS } from '../../map/overlays';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/vi';
import { inViewDetail } from './facts';

/** The overlay label of a selection layer (villages have none: the coverage layer names them). */
function kindLabel(layer: string): MessageKey {
  if (layer === 'villages') return 'search.kind.village';
  const def = OVERLAYS.find((o) => o.tileLayer === layer || o.id === layer);
  return def?.label ?? 'map.layers';
}

interface Props {
  map: RegistryMap | null;
  onOpen(feature: SelectedFeature): void;
}

/**
 * The map's features for the keyboard: a button opens a listbox of the
 * clickable features drawn in the view (points first, nearest the centre
 * first); Up/Down move through them and mark the current one on the map,
 * Enter opens it in the side panel as a click would, Escape closes the list.
 */
export function FeaturesHere({ map, onOpen }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [items, setItems] = useState<FeatureInView[] | null>(null);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const open = items !== null;

  const collect = () => {
    if (!map) return;
    setItems(map.featuresInView());
    setActive(0);
  };

  // The list follows the view while it is open (after the camera stops and tiles are in).
  useEffect(() => {
    if (!map || !open) return;
    const refresh = () => setItems(map.featuresInView());
    map.map.on('moveend', refresh);
    return () => {
      map.map.off('moveend', refresh);
    };
  }, [map, open]);

  useEffect(() => {
    if (open) listRef.current?.focus();
  }, [open]);

  // The current entry is outlined on the map; nothing once the list closes.
  const current = items?.[Math.min(active, items.length - 1)] ?? null;
  useEffect(() => {
    map?.setFocus(current?.geometry ?? null);
  }, [map, current]);
  useEffect(() => () => map?.setFocus(null), [map]);

  function close() {
    setItems(null);
  }

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (!items) return;
    const last = items.length - 1;
    if (e.key === 'ArrowDown') setActive((a) => Math.min(last, a + 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(Math.max(0, last));
    else if (e.key === 'Enter' || e.key === ' ') {
      if (current) {
        onOpen(current);
        close();
      }
    } else if (e.key === 'Escape') close();
    else return;
    e.preventDefault();
  }

  const listId = `${id}-features`;
  return (
    <div className="features-here" data-testid="features-here">
      <button type="button" onClick={() => (open ? close() : collect())} aria-expanded={open} aria-controls={listId} disabled={!map} data-testid="features-here-toggle">
        {t('featuresHere.open')}
      </button>
      {open && (
        <div className="features-here-panel">
          <p className="muted small" id={`${id}-hint`}>
            {items.length === 0 ? t('featuresHere.none') : `${t('featuresHere.count', { count: items.length })}. ${t('featuresHere.hint')}`}
          </p>
          {items.length > 0 && (
            <ul
              ref={listRef}
              id={listId}
              role="listbox"
              tabIndex={0}
              aria-label={t('featuresHere.list')}
              aria-describedby={`${id}-hint`}
              aria-activedescendant={current ? `${listId}-${active}` : undefined}
              onKeyDown={onKeyDown}
              className="features-here-list"
              data-testid="features-here-list"
            >
              {items.map((item, i) => (
                <li
                  key={`${item.selection.layer}:${item.selection.id}`}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'active' : ''}
                  data-selection={`${item.selection.layer}:${item.selection.id}`}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => {
                    onOpen(item);
                    close();
                  }}
                >
                  <span className="hit-name">{item.label ?? `#${item.selection.id}`}</span> <span className="hit-kind">{t(kindLabel(item.selection.layer))}</span>{' '}
                  <span className="hit-detail">{inViewDetail(item.properties, item.label, t)}</span>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="link small" onClick={collect}>
            {t('featuresHere.refresh')}
          </button>
        </div>
      )}
    </div>
  );
}
