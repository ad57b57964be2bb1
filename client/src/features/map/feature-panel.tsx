import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import type { VillageCoverageDetail } from '../../api/types';
import { Async } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import type { SelectedFeature } from '../../map/registry-map';
import type { MapSelection } from '../../map/url-state';
import type { MapControls } from './map-page';
import { bboxOfGeometry } from '../../lib/geo/bbox';
import { contributorText, describeValue, factEntries, fieldKey, freeCapacityEntries, valueKey } from './facts';
import type { MessageKey } from '../../i18n/vi';

// Part 2: change history with a diff, and the co-use request button (features/history).
const PanelExtras = lazy(() => import('../history/feature-panel-extras'));

/** Registry resources behind each clickable layer (/api/{resource}/:id). */
export const RESOURCES: Record<string, string> = {
  sites: 'sites',
  sectors: 'sectors',
  'fibre-routes': 'fibre-routes',
  'access-points': 'access-points',
  poles: 'poles',
  manholes: 'manholes',
  conduits: 'conduits',
  trenches: 'trenches',
  zones: 'zones',
  villages: 'villages',
};

interface Props {
  selection: MapSelection;
  feature: SelectedFeature | null;
  controls: MapControls;
  onClose(): void;
}

/** The side panel of a clicked feature: its facts, tenants, free capacity and change history. */
export function FeaturePanel({ selection, feature, controls, onClose }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const resource = RESOURCES[selection.layer];
  // Opened from a link (?sel=) there are no tile attributes yet: the API answer names it.
  const [loadedTitle, setLoadedTitle] = useState<string | null>(null);
  const title = String(feature?.properties.name ?? feature?.properties.code ?? loadedTitle ?? `${selection.layer} #${selection.id}`);

  return (
    <aside className="feature-panel" aria-labelledby="feature-title" data-testid="feature-panel">
      <header className="panel-header">
        <h2 id="feature-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="icon" onClick={onClose} aria-label={t('panel.close')}>
          ×
        </button>
      </header>
      {selection.layer === 'villages' ? (
        <VillageFacts id={selection.id} controls={controls} onTitle={setLoadedTitle} />
      ) : resource ? (
        <ResourceFacts resource={resource} id={selection.id} tileProperties={feature?.properties ?? null} onTitle={setLoadedTitle} />
      ) : (
        <FactsTable entries={factEntries(feature?.properties ?? {})} />
      )}
      {resource && user && (
        <Suspense fallback={null}>
          <PanelExtras layer={selection.layer} resource={resource} id={selection.id} />
        </Suspense>
      )}
    </aside>
  );
}

function FactsTable({ entries }: { entries: [string, unknown][] }) {
  const { locale, t } = useI18n();
  const label = (name: string) => {
    const key = fieldKey(name) as MessageKey;
    const text = t(key);
    return text === key ? name : text;
  };
  const valueText = (name: string, value: unknown) => {
    const key = valueKey(name, value) as MessageKey | null;
    if (!key) return null;
    const text = t(key);
    return text === key ? null : text;
  };
  if (entries.length === 0) return null;
  return (
    <dl className="facts">
      {entries.map(([key, value]) => (
        <div key={key} className="fact">
          <dt>{label(key)}</dt>
          <dd>{valueText(key, value) ?? describeValue(value, locale)}</dd>
        </div>
      ))}
    </dl>
  );
}

function ResourceFacts({ resource, id, tileProperties, onTitle }: { resource: string; id: number; tileProperties: Record<string, unknown> | null; onTitle(title: string): void }) {
  const { t, locale } = useI18n();
  const detail = useResource<Record<string, unknown>>(`${resource}/${id}`, (signal) => api(`/api/${resource}/${id}`, { signal }));
  useEffect(() => {
    const name = detail.data?.name ?? detail.data?.code;
    if (typeof name === 'string') onTitle(name);
  }, [detail.data, onTitle]);
  return (
    <section>
      <h3>{t('panel.facts')}</h3>
      <Async resource={detail}>
        {(data) => {
          const tenancies = Array.isArray(data.tenancies) ? (data.tenancies as Record<string, unknown>[]) : null;
          const free = freeCapacityEntries({ ...(tileProperties ?? {}), ...data });
          return (
            <>
              <FactsTable entries={factEntries(data)} />
              {tenancies && (
                <>
                  <h3>{t('panel.tenants')}</h3>
                  <ul className="plain">
                    {tenancies.map((ten, i) => (
                      <li key={String(ten.id ?? i)}>
                        {String(ten.carrierCode ?? ten.carrierName ?? ten.carrierId ?? '')} {ten.since ? `· ${describeValue(ten.since, locale)}` : ''}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {free.length > 0 && (
                <>
                  <h3>{t('panel.freeCapacity')}</h3>
                  <FactsTable entries={free} />
                </>
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}

function VillageFacts({ id, controls, onTitle }: { id: number; controls: MapControls; onTitle(title: string): void }) {
  const { t, percent, number } = useI18n();
  const detail = useResource<VillageCoverageDetail>(`coverage/${id}`, (signal) => api(`/api/coverage/villages/${id}`, { signal }));
  // Opened from a link, the panel knows only the id until this answers.
  useEffect(() => {
    if (detail.data) onTitle(detail.data.village.name);
  }, [detail.data, onTitle]);
  return (
    <section>
      <Async resource={detail}>
        {(data) => (
          <>
            <dl className="facts">
              <div className="fact">
                <dt>{t('panel.code')}</dt>
                <dd>{data.village.code}</dd>
              </div>
              <div className="fact">
                <dt>{t('panel.households')}</dt>
                <dd>{number(data.village.totalUnits)}</dd>
              </div>
            </dl>
            <h3>{t('panel.coverage')}</h3>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{t('planner.technology')}</th>
                  <th scope="col">{t('planner.carrier')}</th>
                  <th scope="col">{t('planner.share')}</th>
                  <th scope="col">{t('panel.meets')}</th>
                </tr>
              </thead>
              <tbody>
                {data.shares.map((s) => (
                  <tr key={`${s.technology}-${s.carrierId ?? 0}`}>
                    <td>{s.technology}</td>
                    <td>{s.carrierCode ?? t('map.anyCarrier')}</td>
                    <td className="num">{percent(s.share)}</td>
                    <td className={s.meetsTarget ? 'ok' : 'bad'}>{s.meetsTarget ? t('panel.meets') : t('panel.notMeets')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="button-row">
              {Object.entries(data.gaps)
                .filter(([, g]) => g)
                .map(([tech, gap]) => (
                  <button
                    key={tech}
                    type="button"
                    onClick={() => {
                      controls.showGap(gap as never);
                      const box = bboxOfGeometry(gap as never);
                      if (box) controls.zoomTo(box);
                    }}
                  >
                    {t('panel.showGap')} {tech}
                  </button>
                ))}
            </div>
            {data.contributors && data.contributors.length > 0 && (
              <>
                <h3>{t('panel.coveredBy')}</h3>
                <ul className="plain small" data-testid="village-contributors">
                  {data.contributors.map((c) => (
                    <li key={`${c.kind}-${c.sourceId}-${c.technology}`}>
                      {contributorText(c, t)}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Async>
    </section>
  );
}
