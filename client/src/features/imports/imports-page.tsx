import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { IMPORT_ACTIONS, type ImportAction, type ImportAssetSpec, type ImportJob, type ImportRowResult } from '@registry/shared/schemas/imports';
import { api, ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Async, ErrorMessage } from '../../components/status';
import { currentLocale } from '../../i18n/i18n';
import { useT2 } from '../../i18n/part2.translate';
import type { Part2Key } from '../../i18n/part2.vi';
import { useSession } from '../../session/session';
import { rowErrorsCsv } from './row-errors-csv';
import '../dashboard/dashboard.css';
import './imports.css';

// Bulk import: choose the object type, the file's coordinate system (WGS 84 or
// VN-2000, from GET /api/imports/crs) and the file; the upload starts a dry run
// (a job) whose per-row results can be filtered and the errors downloaded; a
// file with no row errors is committed in one transaction, with a progress bar.

interface CrsItem {
  code: string;
  name: string;
  nameVi: string;
  kind: string;
  datum: string;
}
type JobWithRows = ImportJob & { rows: { items: ImportRowResult[]; total: number; nextAfter: number | null } };

const POLL_MS = 700;
const ROWS_PAGE = 100;
const RUNNING = new Set(['pending', 'validating', 'committing']);

/** Uploads the multipart form with XMLHttpRequest, for the upload's own progress events. */
function upload(form: FormData, csrf: string | null, onProgress: (fraction: number) => void): Promise<ImportJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', currentLocale());
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportJob);
      else {
        const e = (body as { error?: { message: string; code: never; details?: never[]; requestId?: string } } | null)?.error;
        reject(new ApiError(e?.message ?? `HTTP ${xhr.status}`, xhr.status, e?.code ?? 'INTERNAL', e?.details ?? [], e?.requestId ?? null));
      }
    };
    xhr.onerror = () => reject(new ApiError(currentLocale() === 'en' ? 'Cannot reach the server' : 'Không kết nối được máy chủ', 0, 'NETWORK'));
    xhr.send(form);
  });
}

function download(filename: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function ImportsPage() {
  const { t2 } = useT2();
  const [jobId, setJobId] = useState<string | null>(null);
  return (
    <section className="page p2-page" data-testid="imports-page">
      <h1>{t2('imports.title')}</h1>
      {jobId ? (
        <JobView id={jobId} onNew={() => setJobId(null)} />
      ) : (
        <UploadForm onStarted={setJobId} />
      )}
    </section>
  );
}

function UploadForm({ onStarted }: { onStarted: (id: string) => void }) {
  const { t2, locale } = useT2();
  const { user } = useSession();
  const types = useResource<{ items: ImportAssetSpec[] }>('import-types', (signal) => api('/api/imports/asset-types', { signal }));
  const crsList = useResource<{ items: CrsItem[] }>('import-crs', (signal) => api('/api/imports/crs', { signal }));
  const [assetType, setAssetType] = useState('sites');
  const [crs, setCrs] = useState('EPSG:4326');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const allowed = (types.data?.items ?? []).filter((s) => user?.role === 'admin' || s.roles.includes(user?.role as never));
  const spec = allowed.find((s) => s.type === assetType);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const me = await api<{ csrfToken: string | null }>('/api/auth/me');
      const form = new FormData();
      form.append('assetType', assetType);
      form.append('crs', crs);
      form.append('file', file, file.name);
      const job = await upload(form, me.csrfToken, setProgress);
      onStarted(job.id);
    } catch (e) {
      setError(e as ApiError);
      setProgress(null);
    }
  }

  const groups = new Map<string, CrsItem[]>();
  for (const c of crsList.data?.items ?? []) groups.set(c.datum, [...(groups.get(c.datum) ?? []), c]);

  return (
    <div className="p2-columns">
      <form className="p2-card form" onSubmit={submit} data-testid="import-form" noValidate>
        <label htmlFor="import-type">{t2('imports.assetType')}</label>
        <select id="import-type" value={assetType} onChange={(e) => setAssetType(e.target.value)}>
          {allowed.map((s) => (
            <option key={s.type} value={s.type}>
              {s.type}
            </option>
          ))}
        </select>
        {spec && (
          <p className="small p2-muted" data-testid="import-columns">
            {t2('imports.columns', {
              columns: [...spec.fields.map((f) => `${f.name}${f.required ? '*' : ''}`), ...(spec.carrierOwned ? ['carrier'] : []), ...(spec.geometry === 'point' ? ['lon', 'lat'] : spec.geometry === 'none' ? [] : ['wkt'])].join(', '),
            })}
          </p>
        )}
        <label htmlFor="import-crs">{t2('imports.crs')}</label>
        <select id="import-crs" value={crs} onChange={(e) => setCrs(e.target.value)} data-testid="import-crs">
          {[...groups.entries()].map(([datum, items]) => (
            <optgroup key={datum} label={datum}>
              {items.map((c) => (
                <option key={c.code} value={c.code}>
                  {locale === 'vi' ? c.nameVi : c.name} ({c.code})
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <label htmlFor="import-file">{t2('imports.file')}</label>
        <input id="import-file" type="file" accept=".csv,.geojson,.json,.kml,.kmz,.zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
        {error && <ErrorMessage error={error} />}
        {progress !== null && (
          <div role="status">
            {t2('imports.uploading')} <progress className="p2-progress" max={1} value={progress} />
          </div>
        )}
        <div className="p2-actions">
          <button type="submit" className="primary" disabled={!file || progress !== null} data-testid="import-upload">
            {t2('imports.upload')}
          </button>
        </div>
      </form>
      <RecentImports />
    </div>
  );
}

function RecentImports() {
  const { t2, dateTime } = useT2();
  const list = useResource<{ items: ImportJob[] }>('imports-recent', (signal) => api('/api/imports', { signal }));
  return (
    <div className="p2-card">
      <h2>{t2('imports.recent')}</h2>
      <Async resource={list} empty={(d) => d.items.length === 0}>
        {(d) => (
          <table className="p2-table">
            <tbody>
              {d.items.slice(0, 10).map((j) => (
                <tr key={j.id}>
                  <td>{dateTime(j.createdAt)}</td>
                  <td>{j.filename ?? j.assetType}</td>
                  <td>{t2(`imports.status.${j.status}` as Part2Key)}</td>
                  <td className="p2-num">{j.rowsRead}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
    </div>
  );
}

function JobView({ id, onNew }: { id: string; onNew: () => void }) {
  const { t2, number } = useT2();
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [action, setAction] = useState<ImportAction | ''>('');
  const [job, setJob] = useState<JobWithRows | null>(null);
  const [extraRows, setExtraRows] = useState<ImportRowResult[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [commitStarted, setCommitStarted] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const fetchJob = useCallback(
    (after = 0) => api<JobWithRows>(`/api/imports/${id}`, { query: { errorsOnly: errorsOnly ? 'true' : undefined, action: action || undefined, after, limit: ROWS_PAGE } }),
    [id, errorsOnly, action],
  );

  // Poll while the job runs; stop once it is validated, committed, failed or cancelled.
  useEffect(() => {
    let stopped = false;
    async function tick() {
      try {
        const j = await fetchJob();
        if (stopped) return;
        setJob(j);
        setExtraRows([]);
        setError(null);
        setNow(Date.now());
        if (RUNNING.has(j.status)) timer.current = setTimeout(() => void tick(), POLL_MS);
      } catch (e) {
        if (!stopped) setError(e as ApiError);
      }
    }
    void tick();
    return () => {
      stopped = true;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [fetchJob, commitStarted]);

  async function moreRows() {
    const after = (extraRows.at(-1) ?? job?.rows.items.at(-1))?.row ?? 0;
    const j = await fetchJob(after);
    setExtraRows((rows) => [...rows, ...j.rows.items]);
  }

  async function downloadErrors() {
    const all: ImportRowResult[] = [];
    let after = 0;
    for (;;) {
      const page = await api<JobWithRows>(`/api/imports/${id}`, { query: { errorsOnly: 'true', after, limit: 1000 } });
      all.push(...page.rows.items);
      if (page.rows.nextAfter === null || page.rows.items.length === 0) break;
      after = page.rows.nextAfter;
    }
    const base = (job?.filename ?? 'import').replace(/\.[^.]+$/, '');
    download(`${base}-errors.csv`, rowErrorsCsv(all), 'text/csv;charset=utf-8');
  }

  async function commit() {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/imports/${id}/commit`, { method: 'POST' });
      setCommitStarted(Date.now());
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    setBusy(true);
    try {
      await api(`/api/imports/${id}/cancel`, { method: 'POST' });
      setCommitStarted(Date.now());
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  if (!job) return error ? <ErrorMessage error={error} /> : <p className="status">{t2('common.loading')}</p>;
  const rows = [...job.rows.items, ...extraRows];
  const actions = IMPORT_ACTIONS.filter((a) => (job.actions[a] ?? 0) > 0)
    .map((a) => `${t2(`imports.action.${a}` as Part2Key)} ${number(job.actions[a] ?? 0)}`)
    .join(', ');
  const nextAfter = extraRows.length > 0 ? (rows.length < job.rows.total ? rows.at(-1)!.row : null) : job.rows.nextAfter;

  return (
    <div className="p2-import-job" data-testid="import-job" data-status={job.status}>
      <div className="p2-card">
        <h2>
          {job.filename ?? job.assetType} · {job.assetType} · {job.crs}
        </h2>
        <p data-testid="import-status">
          <strong>{t2('imports.status', { status: t2(`imports.status.${job.status}` as Part2Key) })}</strong> — {t2('imports.summary', { read: job.rowsRead, valid: job.rowsValid, errors: job.errorCount })}
        </p>
        {actions && <p className="small">{t2('imports.actions', { list: actions })}</p>}
        {job.message && <p className="p2-form-error">{job.message}</p>}
        {job.warnings.length > 0 && (
          <ul className="small">
            {job.warnings.map((w, i) => (
              <li key={i}>
                {t2('imports.warnings')}: {w.message}
              </li>
            ))}
          </ul>
        )}
        <CommitProgress job={job} startedAt={commitStarted} now={now} />
        {error && <ErrorMessage error={error} />}
        <div className="p2-actions">
          {job.status === 'validated' && job.errorCount === 0 && (
            <button type="button" className="primary" onClick={() => void commit()} disabled={busy} data-testid="import-commit">
              {t2('imports.commit')}
            </button>
          )}
          {(job.status === 'validated' || job.status === 'validating' || job.status === 'pending') && (
            <button type="button" onClick={() => void cancel()} disabled={busy}>
              {t2('imports.cancel')}
            </button>
          )}
          {job.errorCount > 0 && (
            <button type="button" onClick={() => void downloadErrors()} data-testid="import-download-errors">
              {t2('imports.downloadErrors')}
            </button>
          )}
          {!RUNNING.has(job.status) && (
            <button type="button" onClick={onNew} data-testid="import-new">
              {t2('imports.newImport')}
            </button>
          )}
        </div>
        {job.status === 'validated' && job.errorCount > 0 && <p className="p2-form-error" data-testid="import-fix-first">{t2('imports.fixFirst')}</p>}
      </div>

      <div className="p2-card">
        <h2>{t2('imports.dryRun')}</h2>
        <div className="p2-filters" role="group" aria-label={t2('common.filter')}>
          <label>
            <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} data-testid="import-errors-only" /> {t2('imports.errorsOnly')}
          </label>
          <label>
            {t2('imports.byAction')}{' '}
            <select value={action} onChange={(e) => setAction(e.target.value as ImportAction | '')} data-testid="import-action-filter">
              <option value="">{t2('common.all')}</option>
              {IMPORT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t2(`imports.action.${a}` as Part2Key)}
                </option>
              ))}
            </select>
          </label>
          <span className="small p2-muted">{job.rows.total}</span>
        </div>
        {rows.length === 0 ? (
          <p className="p2-muted">{t2('imports.noRows')}</p>
        ) : (
          <div className="p2-table-wrap">
            <table className="p2-table" data-testid="import-rows">
              <thead>
                <tr>
                  <th scope="col" className="p2-num">{t2('imports.row')}</th>
                  <th scope="col">{t2('imports.code')}</th>
                  <th scope="col">{t2('imports.action')}</th>
                  <th scope="col">{t2('imports.errors')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.row} data-row={r.row} className={r.errors.length > 0 ? 'p2-row-error' : undefined}>
                    <td className="p2-num">{r.row}</td>
                    <td>{r.code ?? '—'}</td>
                    <td>{t2(`imports.action.${r.action}` as Part2Key)}</td>
                    <td>
                      {r.errors.length > 0 && (
                        <ul className="p2-row-errors">
                          {r.errors.map((e, i) => (
                            <li key={i}>
                              <code>{e.path}</code>: {e.message}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextAfter !== null && (
          <button type="button" className="p2-link" onClick={() => void moreRows()}>
            {t2('imports.more')}
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * The commit's progress. The server writes every row in one transaction, in
 * batches, and reports rowsWritten after each: the bar fills batch by batch
 * (indeterminate only until the first batch), then full with the count written.
 */
function CommitProgress({ job, startedAt, now }: { job: ImportJob; startedAt: number | null; now: number }) {
  const { t2 } = useT2();
  if (job.status !== 'committing' && job.status !== 'committed') return null;
  const total = (job.actions.create ?? 0) + (job.actions.update ?? 0) + (job.actions.siteCreate ?? 0) || job.rowsValid || job.rowsRead;
  const done = job.status === 'committed';
  return (
    <div className="p2-commit-progress" role="status" aria-live="polite" data-testid="import-progress">
      <progress className="p2-progress" max={Math.max(total, 1)} value={done ? Math.max(total, 1) : job.rowsWritten > 0 ? job.rowsWritten : undefined} data-testid="import-progress-bar" />
      <span className="small">
        {done ? t2('imports.committed', { n: job.rowsWritten }) : `${t2('imports.progress', { written: job.rowsWritten, total })}${startedAt ? ` · ${Math.max(0, Math.round((now - startedAt) / 1000))} s` : ''}`}
      </span>
    </div>
  );
}
