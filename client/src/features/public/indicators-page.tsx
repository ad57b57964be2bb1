import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import type { CoverageSummary } from '../../api/types';
import { Async } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/vi';

// The plan's computed indicators (COVERAGE_INDICATORS in the shared coverage schema; listed
// here so the zod runtime stays out of this public page's bundle).
const CODES = ['villages_mobile_broadband_pct', 'villages_ftth_pct', 'households_fibre_ready_pct', 'bts_site_sharing_pct'] as const;

/** The plan's computed indicators per district, open to everyone, with the open-data links. */
export default function IndicatorsPage() {
  const { t, percentValue, dateTime } = useI18n();
  const province = useResource<CoverageSummary>('summary/province', (signal) => api('/api/coverage/summary', { signal }));
  const districts = useResource<CoverageSummary>('summary/district', (signal) => api('/api/coverage/summary', { signal, query: { level: 'district' } }));

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
          {/* Units the plan's indicators are not defined on (e.g. a successor province) show no row. */}
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
      <h1>{t('indicators.title')}</h1>
      <p>{t('indicators.intro')}</p>
      <Async resource={province}>{(s) => table(s, t('indicators.province'))}</Async>
      <Async resource={districts}>
        {(s) => (
          <>
            {table(s, t('planner.district'))}
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
