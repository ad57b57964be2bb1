import { useState } from 'react';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import type { CoverageSummary } from '../../api/types';
import { Async } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/vi';

// The plan's computed indicators (COVERAGE_INDICATORS in the shared coverage schema; listed
// here so the zod runtime stays out of this public page's bundle).
const CODES = ['villages_mobile_broadband_pct', 'villages_ftth_pct', 'households_fibre_ready_pct', 'bts_site_sharing_pct'] as const;

/**
 * The two administrative schemes the registry holds: the plan's 2023–2025 units
 * (province → district → commune; its KPIs are defined on them) and the
 * two-tier units of 1 July 2025 (province → commune). The summary's `asOf`
 * picks the units valid on a day: the plan's last day, or today.
 */
type Scheme = 'plan' | 'current';
const PLAN_LAST_DAY = '2025-06-30';

/** Today as YYYY-MM-DD in the browser's time zone. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The plan's computed indicators per district (or, in the current scheme, per commune), open to everyone, with the open-data links. */
export default function IndicatorsPage() {
  const { t, percentValue, dateTime } = useI18n();
  const [scheme, setScheme] = useState<Scheme>('plan');
  const asOf = scheme === 'plan' ? PLAN_LAST_DAY : today();
  // The current scheme has no districts: its province's units below it are communes.
  const below = scheme === 'plan' ? 'district' : 'commune';
  const province = useResource<CoverageSummary>(`summary/province/${asOf}`, (signal) => api('/api/coverage/summary', { signal, query: { level: 'province', asOf } }));
  const units = useResource<CoverageSummary>(`summary/${below}/${asOf}`, (signal) => api('/api/coverage/summary', { signal, query: { level: below, asOf } }));

  const table = (summary: CoverageSummary, caption: string) => (
    <div className="table-scroll">
      <table className="table" data-testid={`indicators-${summary.level}`}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('indicators.unit')}</th>
            {CODES.map((code) => (
              <th key={code} scope="col" className="num">
                {t(`indicator.${code}` as MessageKey)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {/* Units with nothing to count (no village or site rolls up into them, e.g. a current commune outside the loaded province's old territory) show no row. */}
          {summary.units.filter((unit) => unit.indicators.some((i) => i.value !== null)).map((unit) => (
            <tr key={unit.adminUnitId}>
              <th scope="row">{unit.name}</th>
              {CODES.map((code) => {
                const v = unit.indicators.find((i) => i.code === code);
                return (
                  <td key={code} className={`num ${v?.meetsTarget === false ? 'bad' : v?.meetsTarget ? 'ok' : ''}`}>
                    {v?.value === null || v?.value === undefined ? '—' : percentValue(v.value)}
                    {v?.target !== null && v?.target !== undefined && (
                      <span className="muted small">
                        {' '}
                        / {percentValue(v.target, 0)}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

  return (
    <section className="page">
      <h1>{t(scheme === 'plan' ? 'indicators.title' : 'indicators.titleCurrent')}</h1>
      <fieldset className="radio-row" data-testid="scheme-switch">
        <legend>{t('indicators.scheme')}</legend>
        {(['plan', 'current'] as const).map((value) => (
          <label key={value} className="radio">
            <input type="radio" name="admin-scheme" value={value} checked={scheme === value} onChange={() => setScheme(value)} />
            {t(value === 'plan' ? 'indicators.schemePlan' : 'indicators.schemeCurrent')}
          </label>
        ))}
      </fieldset>
      <p>{t(scheme === 'plan' ? 'indicators.intro' : 'indicators.introCurrent')}</p>
      <Async resource={province}>{(s) => table(s, t('indicators.province'))}</Async>
      <Async resource={units}>
        {(s) => (
          <>
            {table(s, t(below === 'district' ? 'planner.district' : 'indicators.communes'))}
            {s.computedAt && (
              <p className="muted small">
                {t('indicators.computedAt')}: {dateTime(s.computedAt)}
              </p>
            )}
          </>
        )}
      </Async>
      <h2>{t('indicators.openData')}</h2>
      <ul>
        <li>
          <a href="/ogc">{t('indicators.ogc')}</a>
        </li>
        <li>
          {t('indicators.downloads')}: <a href="/ogc/collections/villages/items?f=json&limit=10000">{t('indicators.downloadVillages')}</a> ·{' '}
          <a href="/ogc/collections/sites/items?f=json&limit=10000">{t('indicators.downloadSites')}</a>
        </li>
        <li>
          <a href="/docs">{t('indicators.apiDocs')}</a>
        </li>
      </ul>
    </section>
  );
}
