import { useMemo, useState } from 'react';
import { indicatorMaxValue, type KpiDashboard, type KpiDashboardIndicator } from '@registry/shared/schemas/kpi';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Async } from '../../components/status';
import { useSession } from '../../session/session';
import { useT2 } from '../../i18n/part2.translate';
import { BarChart, TrendChart } from './charts';
import { KpiEntryForm } from './kpi-entry-form';
import { KpiImport } from './kpi-import';
import './dashboard.css';

/** The plan dashboard: every indicator for the province and per district against its 2025 target. */
export default function DashboardPage() {
  const resource = useResource<KpiDashboard>('kpi-dashboard', (signal) => api('/api/kpi/dashboard', { signal }));
  return (
    <section className="page p2-page" data-testid="kpi-dashboard">
      <Async resource={resource}>{(data) => <Dashboard data={data} reload={resource.reload} />}</Async>
    </section>
  );
}

function Dashboard({ data, reload }: { data: KpiDashboard; reload: () => void }) {
  const { t2, locale, number } = useT2();
  const { can } = useSession();
  const [selected, setSelected] = useState<string>(data.indicators[0]?.code ?? '');
  const [districtId, setDistrictId] = useState<number | null>(null);
  const province = data.units[0];
  const districts = data.units.slice(1);
  const indicator = data.indicators.find((i) => i.code === selected) ?? data.indicators[0];
  const name = (i: { nameVi: string; nameEn: string }) => (locale === 'vi' ? i.nameVi : i.nameEn);
  const fmt = (n: number) => number(n, 1);
  const unitName = useMemo(() => new Map(data.units.map((u) => [u.id, u.name])), [data.units]);
  const exportQuery = `?lang=${locale}${province ? `&provinceId=${province.id}` : ''}`;

  return (
    <>
      <header className="p2-header">
        <div>
          <h1>{t2('dash.title')}</h1>
          {province && <p className="muted">{t2('dash.subtitle', { province: province.name, year: String(data.targetYear) })}</p>}
        </div>
        <div className="p2-actions">
          <a className="button" href={`/api/kpi/dashboard.csv${exportQuery}`} download data-testid="export-csv">
            {t2('dash.exportCsv')}
          </a>
          <a className="button" href={`/api/kpi/dashboard.xlsx${exportQuery}`} download data-testid="export-xlsx">
            {t2('dash.exportXlsx')}
          </a>
        </div>
      </header>

      <h2>{t2('dash.indicator')}</h2>
      <div className="p2-table-wrap">
        <table className="p2-table" data-testid="indicator-table">
          <thead>
            <tr>
              <th scope="col">{t2('dash.indicator')}</th>
              <th scope="col">{t2('dash.kind')}</th>
              <th scope="col">{t2('dash.province')}</th>
              <th scope="col">{t2('dash.period')}</th>
              <th scope="col">{t2('dash.target', { year: String(data.targetYear) })}</th>
              <th scope="col">{t2('dash.status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.indicators.map((ind) => {
              const p = ind.units.find((u) => u.adminUnitId === province?.id);
              return (
                <tr key={ind.code} className={ind.code === indicator?.code ? 'p2-selected' : undefined} data-indicator={ind.code}>
                  <th scope="row">
                    <button type="button" className="p2-link" onClick={() => setSelected(ind.code)} aria-pressed={ind.code === indicator?.code}>
                      {name(ind)}
                    </button>
                  </th>
                  <td>{t2(ind.kind === 'computed' ? 'dash.kind.computed' : 'dash.kind.reported')}</td>
                  <td className="p2-num" title={p?.aggregated ? t2('dash.rolledUp') : undefined}>
                    {p?.value == null ? '—' : `${fmt(p.value)} ${ind.unit}`}
                    {p?.aggregated ? ' *' : ''}
                  </td>
                  <td>{p?.period ?? '—'}</td>
                  <td className="p2-num">{ind.target ? `${fmt(ind.target.targetValue)} ${ind.unit}` : '—'}</td>
                  <td>
                    <Status meets={p?.meetsTarget ?? null} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">* {t2('dash.rolledUp')}</p>

      {indicator && (
        <IndicatorCharts
          indicator={indicator}
          data={data}
          districtId={districtId}
          setDistrictId={setDistrictId}
          unitName={unitName}
          name={name(indicator)}
          fmt={fmt}
        />
      )}

      {can('planner') && (
        <div className="p2-columns">
          <KpiEntryForm indicators={data.indicators.filter((i) => i.kind === 'reported')} units={[...(province ? [province] : []), ...districts]} onSaved={reload} />
          <KpiImport units={data.units} onDone={reload} />
        </div>
      )}
    </>
  );
}

function Status({ meets }: { meets: boolean | null }) {
  const { t2 } = useT2();
  if (meets === null) return <span className="p2-badge p2-badge-none">{t2('dash.noData')}</span>;
  return meets ? <span className="p2-badge p2-badge-ok">{t2('dash.meets')}</span> : <span className="p2-badge p2-badge-below">{t2('dash.below')}</span>;
}

function IndicatorCharts({
  indicator,
  data,
  districtId,
  setDistrictId,
  unitName,
  name,
  fmt,
}: {
  indicator: KpiDashboardIndicator;
  data: KpiDashboard;
  districtId: number | null;
  setDistrictId: (id: number | null) => void;
  unitName: Map<number, string>;
  name: string;
  fmt: (n: number) => string;
}) {
  const { t2 } = useT2();
  const province = data.units[0];
  const target = indicator.target?.targetValue ?? null;
  const byUnit = new Map(indicator.units.map((u) => [u.adminUnitId, u]));
  const bars = data.units.map((u, i) => {
    const v = byUnit.get(u.id);
    return { key: u.id, label: i === 0 ? t2('dash.province') : u.name, value: v?.value ?? null, meets: v?.meetsTarget ?? null, emphasis: i === 0 };
  });
  const series = [province, data.units.find((u) => u.id === districtId)]
    .filter((u): u is NonNullable<typeof u> => !!u)
    .map((u, i) => ({ key: u.id, name: i === 0 ? t2('dash.province') : u.name, points: byUnit.get(u.id)?.trend ?? [] }));
  const targetLabel = target === null ? '' : t2('dash.targetLine', { value: `${fmt(target)} ${indicator.unit}` });
  return (
    <div className="p2-charts">
      <figure>
        <figcaption>
          <h2>{t2('dash.byDistrict', { indicator: name })}</h2>
          {indicator.kind === 'computed' && <p className="muted small">{t2('dash.computedNote', { period: data.currentPeriod })}</p>}
        </figcaption>
        <BarChart bars={bars} target={target} cap={indicatorMaxValue(indicator)} title={t2('dash.byDistrict', { indicator: name })} description={t2('dash.chartLabel', { indicator: name })} targetLabel={targetLabel} format={fmt} />
      </figure>
      <figure>
        <figcaption>
          <h2>{t2('dash.trend', { indicator: name })}</h2>
          <label>
            {t2('dash.district')}{' '}
            <select value={districtId ?? ''} onChange={(e) => setDistrictId(e.target.value ? Number(e.target.value) : null)} data-testid="trend-district">
              <option value="">{t2('dash.province')}</option>
              {data.units.slice(1).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        </figcaption>
        <TrendChart series={series} target={target} cap={indicatorMaxValue(indicator)} title={t2('dash.trend', { indicator: name })} description={t2('dash.trendLabel', { indicator: name })} targetLabel={targetLabel} format={fmt} />
      </figure>
      <div className="p2-table-wrap">
        <table className="p2-table" data-testid="district-table">
          <caption>{t2('dash.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t2('dash.district')}</th>
              <th scope="col">{t2('dash.value')}</th>
              <th scope="col">{t2('dash.period')}</th>
              <th scope="col">{t2('dash.status')}</th>
            </tr>
          </thead>
          <tbody>
            {indicator.units.map((u) => (
              <tr key={u.adminUnitId}>
                <th scope="row">{u.adminUnitId === province?.id ? t2('dash.province') : unitName.get(u.adminUnitId)}</th>
                <td className="p2-num">{u.value === null ? '—' : `${fmt(u.value)} ${indicator.unit}`}</td>
                <td>{u.period ?? '—'}</td>
                <td>
                  <Status meets={u.meetsTarget} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
