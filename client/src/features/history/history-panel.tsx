import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type ApiError } from '../../api/client';
import type { ChangeLogEntry, Page } from '../../api/types';
import { ErrorMessage, Loading } from '../../components/status';
import { useT2 } from '../../i18n/part2.translate';
import type { Part2Key } from '../../i18n/part2.vi';
import { BOOKKEEPING_FIELDS, changedEntries, diffJson, formatDiffValue, type DiffEntry } from './json-diff';
import './history.css';

/**
 * Change history of one registry object (GET /api/{resource}/{id}/history):
 * who, when, what, why, and per entry a diff of before/after with the changed
 * fields highlighted. Used by the map's feature panel and the carrier screens.
 */
export function HistoryPanel({ resource, id, pageSize = 10 }: { resource: string; id: number; pageSize?: number }) {
  const { t2 } = useT2();
  const [pages, setPages] = useState<ChangeLogEntry[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (after: string | null, signal?: AbortSignal) => {
      setLoading(true);
      try {
        const page = await api<Page<ChangeLogEntry>>(`/api/${resource}/${id}/history`, { signal, query: { limit: pageSize, cursor: after ?? undefined } });
        setPages((p) => (after ? [...p, page.items] : [page.items]));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if ((e as Error).name !== 'AbortError') setError(e as ApiError);
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [resource, id, pageSize],
  );
  useEffect(() => {
    const controller = new AbortController();
    setPages([]);
    setCursor(null);
    setError(null);
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  const entries = pages.flat();
  return (
    <section className="p2-history" data-testid="history-panel">
      <h3>{t2('history.title')}</h3>
      {error ? (
        error.status === 403 || error.status === 401 ? <p className="p2-muted small">{t2('history.forbidden')}</p> : <ErrorMessage error={error} onRetry={() => void load(null)} />
      ) : entries.length === 0 ? (
        loading ? <Loading /> : <p className="p2-muted small">{t2('history.empty')}</p>
      ) : (
        <ol className="p2-history-list">
          {entries.map((e) => (
            <HistoryItem key={e.id} entry={e} />
          ))}
        </ol>
      )}
      {cursor && !error && (
        <button type="button" className="p2-link" onClick={() => void load(cursor)} disabled={loading}>
          {t2('history.more')}
        </button>
      )}
    </section>
  );
}

function HistoryItem({ entry }: { entry: ChangeLogEntry }) {
  const { t2, dateTime } = useT2();
  const [open, setOpen] = useState(false);
  const [showUnchanged, setShowUnchanged] = useState(false);
  const all = useMemo(() => diffJson(entry.before ?? null, entry.after ?? null), [entry]);
  const meaningful = useMemo(() => changedEntries(all).filter((d) => !BOOKKEEPING_FIELDS.includes(d.path)), [all]);
  const rows = showUnchanged ? all : meaningful;
  return (
    <li className="p2-history-item" data-testid="history-entry" data-action={entry.action}>
      <div>
        <time dateTime={entry.at}>{dateTime(entry.at)}</time> · <strong>{t2(`history.action.${entry.action}` as Part2Key)}</strong> · {entry.username ?? '—'}
        {entry.reason ? <span className="p2-muted"> · {entry.reason}</span> : null}
      </div>
      <div className="small">
        {meaningful.length > 0 && <span className="p2-muted">{t2('history.fields', { n: meaningful.length })}: {meaningful.slice(0, 4).map((d) => d.path).join(', ')}{meaningful.length > 4 ? '…' : ''} </span>}
        <button type="button" className="p2-link" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="history-toggle">
          {open ? t2('history.hideDiff') : t2('history.showDiff')}
        </button>
      </div>
      {open && (
        <div className="p2-diff">
          <label className="small">
            <input type="checkbox" checked={showUnchanged} onChange={(e) => setShowUnchanged(e.target.checked)} /> {t2('history.showUnchanged')}
          </label>
          {rows.length === 0 ? <p className="p2-muted small">{t2('history.noFields')}</p> : <DiffTable rows={rows} />}
        </div>
      )}
    </li>
  );
}

export function DiffTable({ rows }: { rows: DiffEntry[] }) {
  const { t2 } = useT2();
  return (
    <table className="p2-table p2-diff-table" data-testid="diff-table">
      <thead>
        <tr>
          <th scope="col">{t2('history.field')}</th>
          <th scope="col">{t2('history.before')}</th>
          <th scope="col">{t2('history.after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.path} className={`p2-diff-${d.kind}`} data-field={d.path} data-kind={d.kind}>
            <th scope="row">
              {d.path || '—'} <span className="p2-visually-hidden">({t2(`history.kind.${d.kind}` as Part2Key)})</span>
            </th>
            <td className={d.kind === 'changed' || d.kind === 'removed' ? 'p2-diff-before' : undefined}>{formatDiffValue(d.before)}</td>
            <td className={d.kind === 'changed' || d.kind === 'added' ? 'p2-diff-after' : undefined}>{formatDiffValue(d.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default HistoryPanel;
