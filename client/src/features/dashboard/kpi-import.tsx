import { useState, type ChangeEvent } from 'react';
import type { BulkKpiObservationsResult, KpiDashboardUnit } from '@registry/shared/schemas/kpi';
import { api, type ApiError } from '../../api/client';
import { useT2 } from '../../i18n/part2.translate';
import { kpiRowsFromCsv, type KpiCsvRow } from './parse-csv';

interface RowError {
  row: number;
  path: string;
  message: string;
}

/** A planner's CSV of reported values: read in the browser, checked by the API (dry run), then written all at once. */
export function KpiImport({ units, onDone }: { units: KpiDashboardUnit[]; onDone: () => void }) {
  const { t2 } = useT2();
  const [rows, setRows] = useState<KpiCsvRow[] | null>(null);
  const [errors, setErrors] = useState<RowError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setRows(null);
    setErrors([]);
    setMessage(null);
    setChecked(false);
    if (!file) return;
    try {
      const text = await file.text();
      const parsed = kpiRowsFromCsv(text, new Map(units.map((u) => [u.code, u.id])), {
        missingColumn: (name) => t2('dash.import.missingColumn', { name }),
        unknownUnit: (code) => t2('dash.import.unknownUnit', { code }),
        notNumber: t2('dash.import.notNumber'),
      });
      setErrors(parsed.problems);
      setRows(parsed.problems.length ? null : parsed.rows);
      if (!parsed.problems.length) await send(parsed.rows, true);
    } catch (e) {
      setMessage(t2('dash.import.parseError', { message: (e as Error).message }));
    }
  }

  async function send(data: KpiCsvRow[], dryRun: boolean) {
    setBusy(true);
    try {
      const result = await api<BulkKpiObservationsResult>('/api/kpi/observations/bulk', { method: 'POST', body: { rows: data, dryRun } });
      setErrors(result.errors);
      if (result.errors.length === 0) {
        setMessage(t2(dryRun ? 'dash.import.ok' : 'dash.import.done', { created: result.created, updated: result.updated }));
        setChecked(dryRun);
        if (!dryRun) {
          setRows(null);
          onDone();
        }
      } else setMessage(t2('dash.import.errors', { n: new Set(result.errors.map((e) => e.row)).size }));
    } catch (e) {
      const error = e as ApiError;
      setErrors(error.details.map((d) => ({ row: Number(/^rows\.(\d+)/.exec(d.path)?.[1] ?? -1), path: d.path.replace(/^rows\.\d+\.?/, ''), message: d.message })));
      setMessage(error.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="p2-card" data-testid="kpi-import">
      <h2>{t2('dash.import.title')}</h2>
      <p className="muted small">{t2('dash.import.hint')}</p>
      <label className="button">
        {t2('dash.import.file')}
        <input type="file" accept=".csv,text/csv" onChange={pick} className="p2-visually-hidden" data-testid="kpi-import-file" />
      </label>
      {rows && <p className="small">{t2('dash.import.preview', { n: rows.length })}</p>}
      {message && (
        <p className={errors.length ? 'p2-form-error' : 'p2-ok'} role="status">
          {message}
        </p>
      )}
      {errors.length > 0 && (
        <table className="p2-table" data-testid="kpi-import-errors">
          <thead>
            <tr>
              <th scope="col">{t2('dash.import.row')}</th>
              <th scope="col">{t2('dash.import.field')}</th>
              <th scope="col">{t2('dash.import.message')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={i}>
                <td>{e.row < 0 ? '—' : e.row + 2}</td>
                <td>
                  <code>{e.path}</code>
                </td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows && checked && errors.length === 0 && (
        <button type="button" className="primary" disabled={busy} onClick={() => void send(rows, false)}>
          {t2('dash.import.commit', { n: rows.length })}
        </button>
      )}
    </div>
  );
}
