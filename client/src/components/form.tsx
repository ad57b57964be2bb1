import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { ErrorMessage } from './status';

/** A form's last lines: the error of its last send (when there is one) above its one submit button, disabled while it is busy. */
export function SubmitRow({ error, busy, testId, children }: { error: ApiError | Error | null; busy: boolean; testId?: string; children: ReactNode }) {
  return (
    <>
      {error && <ErrorMessage error={error} />}
      <div className="p2-actions">
        <button type="submit" className="primary" disabled={busy} data-testid={testId}>
          {children}
        </button>
      </div>
    </>
  );
}
