import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { AnswerCoUseRequestInput, CreateCoUseRequestInput, type CoUseRequest, type SharedStructureKind } from '@registry/shared/schemas/permits';
import { LIMITS } from '@registry/shared/limits';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { SubmitRow } from '../../components/form';
import { Async, ErrorMessage } from '../../components/status';
import { useT2 } from '../../i18n/part2.translate';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../dashboard/form-errors';

/** Map layers whose objects can be shared, and the co-use API's name for each. */
export const SHAREABLE_LAYERS: Record<string, SharedStructureKind> = { sites: 'site', poles: 'pole', conduits: 'conduit', trenches: 'trench' };

/**
 * The send of a co-use form: the body is checked with the API's own zod schema
 * first (field errors worded as the API words them), then posted; a refusal
 * shows the server's message and its field paths the same way. Resolves with
 * the answer, or null when the body or the server refused it.
 */
function useCheckedPost() {
  const { locale } = useT2();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function post<T>(schema: z.ZodType, input: unknown, path: string): Promise<T | null> {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error, locale));
      return null;
    }
    setErrors({});
    setBusy(true);
    setError(null);
    try {
      return await api<T>(path, { method: 'POST', body: parsed.data });
    } catch (e) {
      const apiError = e as ApiError;
      setErrors(apiFieldErrors(apiError));
      setError(apiError);
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { errors, error, busy, post };
}

/** A co-use request for one structure: quantity and a message, checked with the API's own schema. */
export function CoUseRequestForm({ kind, id, code, applicationId, onSent }: { kind: SharedStructureKind; id: number; code?: string | null; applicationId?: number; onSent?: (r: CoUseRequest) => void }) {
  const { t2 } = useT2();
  const [quantity, setQuantity] = useState('1');
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState<CoUseRequest | null>(null);
  const { errors, error, busy, post } = useCheckedPost();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = { structure: { kind, id }, quantity: Number(quantity), ...(message.trim() ? { message: message.trim() } : {}), ...(applicationId ? { applicationId } : {}) };
    const r = await post<CoUseRequest>(CreateCoUseRequestInput, input, '/api/co-use/requests');
    if (!r) return;
    setSent(r);
    onSent?.(r);
  }

  if (sent) return <p className="p2-ok" role="status" data-testid="co-use-sent">{t2('carrier.requestSent', { id: String(sent.id) })}</p>;
  return (
    <form className="p2-card form p2-co-use-form" onSubmit={submit} noValidate data-testid="co-use-form">
      <strong>
        {t2('carrier.requestCoUse')} {code ?? ''}
      </strong>
      <label htmlFor={`co-use-qty-${kind}-${id}`}>{t2('carrier.coUse.quantity')}</label>
      <input id={`co-use-qty-${kind}-${id}`} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} aria-invalid={errors.quantity ? true : undefined} />
      {errors.quantity && <span className="p2-field-error" role="alert">{errors.quantity}</span>}
      <label htmlFor={`co-use-msg-${kind}-${id}`}>{t2('carrier.coUse.message')}</label>
      <textarea id={`co-use-msg-${kind}-${id}`} rows={2} maxLength={LIMITS.textMaxLength} value={message} onChange={(e) => setMessage(e.target.value)} />
      <SubmitRow error={error} busy={busy} testId="co-use-send">
        {t2('carrier.coUse.send')}
      </SubmitRow>
    </form>
  );
}

/** Requests other carriers sent for this carrier's structures: accept, or decline with a mandatory reason. */
export function CoUseInbox() {
  const { t2, date } = useT2();
  const inbox = useResource<{ items: CoUseRequest[] }>('co-use-in', (signal) => api('/api/co-use/requests', { signal, query: { direction: 'incoming', status: 'pending' } }));
  const [answered, setAnswered] = useState<string | null>(null);
  return (
    <div className="p2-card" data-testid="co-use-inbox">
      <h2>{t2('carrier.coUse')}</h2>
      {answered && <p className="p2-ok" role="status">{answered}</p>}
      <Async resource={inbox} empty={(d) => d.items.length === 0}>
        {(d) => (
          <ul className="p2-co-use-list">
            {d.items.map((r) => (
              <li key={r.id} data-request={r.id}>
                <div>
                  <strong>#{r.id}</strong> {r.requesterCarrierCode} → {r.structure.kind} <strong>{r.structure.code}</strong> ×{r.quantity} <span className="p2-muted small">({date(r.createdAt)} → {date(r.deadline)})</span>
                </div>
                {r.message && <q className="small">{r.message}</q>}
                <AnswerForm
                  request={r}
                  onAnswered={() => {
                    setAnswered(t2('carrier.coUse.answered', { id: String(r.id) }));
                    inbox.reload();
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </Async>
    </div>
  );
}

function AnswerForm({ request, onAnswered }: { request: CoUseRequest; onAnswered: () => void }) {
  const { t2 } = useT2();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const { errors, error, busy, post } = useCheckedPost();

  async function send(decision: 'accept' | 'decline') {
    const input = { decision, ...(decision === 'decline' ? { reason: reason.trim() } : {}), version: request.version };
    if ((await post<CoUseRequest>(AnswerCoUseRequestInput, input, `/api/co-use/requests/${request.id}/answer`)) !== null) onAnswered();
  }

  const reasonId = `decline-reason-${request.id}`;
  return (
    <div className="p2-answer">
      {!declining ? (
        <div className="p2-actions">
          <button type="button" onClick={() => void send('accept')} disabled={busy} data-testid="co-use-accept">
            {t2('carrier.accept')}
          </button>
          <button type="button" onClick={() => setDeclining(true)} disabled={busy} data-testid="co-use-decline">
            {t2('carrier.decline')}
          </button>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send('decline');
          }}
          data-testid="decline-form"
        >
          <label htmlFor={reasonId}>{t2('carrier.coUse.declineReason')}</label>
          <textarea id={reasonId} rows={2} required value={reason} maxLength={LIMITS.textMaxLength} onChange={(e) => setReason(e.target.value)} aria-invalid={errors.reason ? true : undefined} aria-describedby={errors.reason ? `${reasonId}-error` : undefined} />
          {errors.reason && (
            <span id={`${reasonId}-error`} className="p2-field-error" role="alert" data-testid="error-reason">
              {errors.reason}
            </span>
          )}
          <div className="p2-actions">
            <button type="submit" className="primary" disabled={busy}>
              {t2('carrier.coUse.confirmDecline')}
            </button>
            <button type="button" onClick={() => setDeclining(false)}>
              {t2('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {error && <ErrorMessage error={error} />}
    </div>
  );
}
