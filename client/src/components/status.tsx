import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('status.loading')}
    </div>
  );
}

/** Shows the server's own message (and its request id), never a blank panel. */
export function ErrorMessage({ error, onRetry, title }: { error: ApiError | Error; onRetry?: () => void; title?: string }) {
  const { t } = useI18n();
  const requestId = 'requestId' in error ? (error.requestId as string | null) : null;
  const details = 'details' in error ? (error.details as { path: string; message: string }[]) : [];
  return (
    <div className="status status-error" role="alert">
      <strong>{title ?? t('status.error')}</strong>
      <p className="error-message">{error.message}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>{d.path ? `${d.path}: ${d.message}` : d.message}</li>
          ))}
        </ul>
      )}
      {requestId && (
        <p className="muted small">
          {t('status.requestId')}: <code>{requestId}</code>
        </p>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('status.retry')}
        </button>
      )}
    </div>
  );
}

interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** Loading, error or content: the three states every data panel has. */
export function Async<T>({ resource, children, empty }: { resource: Resource<T>; children: (data: T) => ReactNode; empty?: (data: T) => boolean }) {
  const { t } = useI18n();
  if (resource.error) return <ErrorMessage error={resource.error} onRetry={resource.reload} />;
  if (resource.data === null) return <Loading />;
  if (empty?.(resource.data)) return <p className="status muted">{t('status.empty')}</p>;
  return <>{children(resource.data)}</>;
}

/** A list's items as the rows of a table (`row` gives each its <tr>), through Async: the empty note when there are none. */
export function ItemTable<I>({ resource, row }: { resource: Resource<{ items: I[] }>; row: (item: I) => ReactNode }) {
  return (
    <Async resource={resource} empty={(d) => d.items.length === 0}>
      {(d) => (
        <table className="p2-table">
          <tbody>{d.items.map((item) => row(item))}</tbody>
        </table>
      )}
    </Async>
  );
}
