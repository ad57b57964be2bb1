import { useMemo, useState, type FormEvent } from 'react';
import type { Feature, Geometry } from 'geojson';
import { DecisionInput, type ApplicationDetail, type ApplicationSummary, type CheckResult } from '@registry/shared/schemas/permits';
import type { Verdict } from '@registry/shared/enums';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Async, ErrorMessage } from '../../components/status';
import { useT2 } from '../../i18n/part2.translate';
import type { Part2Key } from '../../i18n/part2.vi';
import { zodFieldErrors, type FieldErrors } from '../dashboard/form-errors';
import { EvidenceMap } from './evidence-map';
import '../dashboard/dashboard.css';
import './officer.css';

const DAY_MS = 86_400_000;

export function VerdictBadge({ verdict }: { verdict: Verdict | null }) {
  const { t2 } = useT2();
  if (!verdict) return <span className="p2-badge p2-badge-none">—</span>;
  const cls = verdict === 'pass' ? 'p2-badge-ok' : verdict === 'warn' ? 'p2-badge-warn' : 'p2-badge-fail';
  return <span className={`p2-badge ${cls}`} data-verdict={verdict}>{t2(`verdict.${verdict}` as Part2Key)}</span>;
}

/** The permit officer's desk: the queue, then one application with its checks drawn on the map, the decision and the letter. */
export default function DeskPage() {
  const [openId, setOpenId] = useState<number | null>(() => Number(new URLSearchParams(location.search).get('application')) || null);
  const open = (id: number | null) => {
    setOpenId(id);
    const url = id ? `${location.pathname}?application=${id}` : location.pathname;
    history.replaceState(null, '', url);
  };
  return <section className="page p2-page">{openId ? <ApplicationView id={openId} onBack={() => open(null)} /> : <Queue onOpen={open} />}</section>;
}

function Queue({ onOpen }: { onOpen: (id: number) => void }) {
  const { t2, date } = useT2();
  const [verdict, setVerdict] = useState('');
  const [kind, setKind] = useState('');
  const [minAgeDays, setMinAgeDays] = useState('');
  const key = `queue:${verdict}:${kind}:${minAgeDays}`;
  const queue = useResource<{ items: ApplicationSummary[]; total: number }>(key, (signal) =>
    api('/api/permits/queue', { signal, query: { verdict: verdict || undefined, kind: kind || undefined, minAgeDays: minAgeDays || undefined, limit: 200 } }),
  );
  return (
    <>
      <h1>{t2('desk.title')}</h1>
      <fieldset className="p2-filters">
        <legend>{t2('desk.filters')}</legend>
        <label>
          {t2('desk.verdict')}{' '}
          <select value={verdict} onChange={(e) => setVerdict(e.target.value)} data-testid="filter-verdict">
            <option value="">{t2('common.all')}</option>
            {(['pass', 'warn', 'fail'] as const).map((v) => (
              <option key={v} value={v}>
                {t2(`verdict.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t2('desk.kind')}{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t2('common.all')}</option>
            <option value="site">{t2('desk.kind.site')}</option>
            <option value="route">{t2('desk.kind.route')}</option>
          </select>
        </label>
        <label>
          {t2('desk.minAge')}{' '}
          <input type="number" min={0} value={minAgeDays} onChange={(e) => setMinAgeDays(e.target.value)} style={{ width: '5rem' }} />
        </label>
      </fieldset>
      <Async resource={queue}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="muted">{t2('desk.empty')}</p>
          ) : (
            <table className="p2-table" data-testid="desk-queue">
              <thead>
                <tr>
                  <th scope="col">{t2('desk.reference')}</th>
                  <th scope="col">{t2('desk.kind')}</th>
                  <th scope="col">{t2('desk.applicant')}</th>
                  <th scope="col">{t2('desk.submitted')}</th>
                  <th scope="col">{t2('desk.age')}</th>
                  <th scope="col">{t2('desk.verdict')}</th>
                  <th scope="col">{t2('desk.statusCol')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a) => (
                  <tr key={a.id} data-reference={a.reference}>
                    <th scope="row">
                      <button type="button" className="p2-link" onClick={() => onOpen(a.id)}>
                        {a.reference}
                      </button>
                    </th>
                    <td>{t2(a.kind === 'site' ? 'desk.kind.site' : 'desk.kind.route')}</td>
                    <td>{a.applicantCarrierName}</td>
                    <td>{a.submittedAt ? date(a.submittedAt) : '—'}</td>
                    <td className="p2-num">{a.submittedAt ? Math.floor((Date.now() - Date.parse(a.submittedAt)) / DAY_MS) : '—'}</td>
                    <td>
                      <VerdictBadge verdict={a.worstVerdict} />
                    </td>
                    <td>{t2(`status.${a.status}` as Part2Key)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </>
  );
}

/** A check's evidence as map features, labelled; the proposal itself is always drawn. */
export function evidenceFeatures(geometry: Geometry | null, checks: CheckResult[], selected: string | null): Feature[] {
  const out: Feature[] = [];
  if (geometry) out.push({ type: 'Feature', geometry, properties: { role: 'proposal' } });
  for (const c of checks) {
    if (selected !== null && c.ruleId !== selected) continue;
    for (const f of c.features) {
      const p = f.properties;
      const label = typeof p.code === 'string' ? p.code : typeof p.name === 'string' ? p.name : undefined;
      out.push({ type: 'Feature', geometry: f.geometry as unknown as Geometry, properties: { ...p, ruleId: c.ruleId, ...(label ? { label } : {}) } });
    }
  }
  return out;
}

function ApplicationView({ id, onBack }: { id: number; onBack: () => void }) {
  const { t2 } = useT2();
  const detail = useResource<ApplicationDetail>(`application:${id}`, (signal) => api(`/api/permits/applications/${id}`, { signal }));
  return (
    <>
      <button type="button" className="p2-link p2-no-print" onClick={onBack}>
        {t2('desk.back')}
      </button>
      <Async resource={detail}>{(a) => <Application a={a} reload={detail.reload} />}</Async>
    </>
  );
}

function Application({ a, reload }: { a: ApplicationDetail; reload: () => void }) {
  const { t2, locale } = useT2();
  const [selected, setSelected] = useState<string | null>(null);
  const revision = a.revisions.at(-1);
  const checks = revision?.checks ?? [];
  const features = useMemo(() => evidenceFeatures(a.geometry as unknown as Geometry, checks, selected), [a.geometry, checks, selected]);
  const gain = checks.find((c) => c.ruleId.includes('coverage'));
  return (
    <div data-testid="application-view" data-status={a.status}>
      <h1>
        {a.reference} · {t2(a.kind === 'site' ? 'desk.kind.site' : 'desk.kind.route')} · {a.applicantCarrierName}
      </h1>
      <p>
        {t2('desk.statusCol')}: <strong data-testid="application-status">{t2(`status.${a.status}` as Part2Key)}</strong> <VerdictBadge verdict={a.worstVerdict} />
      </p>
      <div className="p2-desk-grid">
        <div>
          <h2>{t2('desk.checks')}</h2>
          <table className="p2-table" data-testid="checks">
            <thead>
              <tr>
                <th scope="col">{t2('desk.rule')}</th>
                <th scope="col">{t2('desk.verdict')}</th>
                <th scope="col">{t2('desk.evidence')}</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((c) => (
                <tr key={c.ruleId} className={selected === c.ruleId ? 'p2-selected' : undefined} data-rule={c.ruleId}>
                  <th scope="row">
                    {locale === 'vi' ? c.nameVi : c.nameEn}
                    {c.blocking && c.verdict === 'fail' ? <span className="p2-muted small"> ({t2('desk.blocking')})</span> : null}
                  </th>
                  <td>
                    <VerdictBadge verdict={c.verdict} />
                  </td>
                  <td>
                    <span className="small">{c.message}</span>
                    {c.features.length > 0 && (
                      <>
                        {' '}
                        <button type="button" className="p2-link small" onClick={() => setSelected(selected === c.ruleId ? null : c.ruleId)}>
                          {t2('desk.showOnMap')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {gain && (
            <p data-testid="coverage-gain">
              <strong>{t2('desk.coverageGain')}:</strong> {gain.message}
            </p>
          )}
          <details>
            <summary>{t2('desk.facts')}</summary>
            <pre className="small">{JSON.stringify(revision?.facts ?? {}, null, 2)}</pre>
          </details>
        </div>
        <EvidenceMap features={features} />
      </div>
      {(a.status === 'submitted' || a.status === 'under_review') && <DecisionForm a={a} onDone={reload} />}
      {(a.status === 'approved' || a.status === 'rejected') && <Letter a={a} />}
    </div>
  );
}

function Letter({ a }: { a: ApplicationSummary }) {
  const { t2 } = useT2();
  const html = `/api/permits/applications/${a.id}/decision-letter.html`;
  function print() {
    const w = window.open(html, '_blank');
    w?.addEventListener('load', () => w.print());
  }
  return (
    <div className="p2-card p2-no-print" data-testid="decision-letter">
      <p className="p2-ok">{t2('desk.decided', { number: a.decisionNumber ?? '' })}</p>
      <p>{a.decisionReason}</p>
      <p className="p2-actions">
        <a className="button" href={html} target="_blank" rel="noopener" data-testid="letter-html">
          {t2('desk.letter')}
        </a>
        <a className="button" href={`/api/permits/applications/${a.id}/decision-letter.pdf`} download>
          {t2('desk.letterPdf')}
        </a>
        <button type="button" className="button" onClick={print}>
          {t2('desk.printLetter')}
        </button>
      </p>
    </div>
  );
}

function DecisionForm({ a, onDone }: { a: ApplicationDetail; onDone: () => void }) {
  const { t2, locale } = useT2();
  const [decision, setDecision] = useState<'approve' | 'reject'>('approve');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parsed = DecisionInput.safeParse({ decision, reason, version: a.version });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error, locale));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      let version = a.version;
      // A submitted application is taken under review first: the decision follows the review.
      if (a.status === 'submitted') version = (await api<ApplicationSummary>(`/api/permits/applications/${a.id}/review`, { method: 'POST', body: { version } })).version;
      await api<ApplicationSummary>(`/api/permits/applications/${a.id}/decision`, { method: 'POST', body: { ...parsed.data, version } });
      onDone();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="p2-card form p2-no-print" onSubmit={submit} data-testid="decision-form" noValidate>
      <h2>{t2('desk.decision')}</h2>
      <div role="radiogroup" className="p2-actions">
        <label>
          <input type="radio" name="decision" value="approve" checked={decision === 'approve'} onChange={() => setDecision('approve')} /> {t2('desk.approve')}
        </label>
        <label>
          <input type="radio" name="decision" value="reject" checked={decision === 'reject'} onChange={() => setDecision('reject')} /> {t2('desk.reject')}
        </label>
      </div>
      <label htmlFor="decision-reason">{t2('desk.reason')}</label>
      <textarea id="decision-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={errors.reason ? true : undefined} aria-describedby={errors.reason ? 'decision-reason-error' : undefined} />
      {errors.reason && (
        <span id="decision-reason-error" className="p2-field-error" role="alert" data-testid="error-reason">
          {errors.reason}
        </span>
      )}
      {error && <ErrorMessage error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t2('common.working') : t2('desk.decide')}
      </button>
    </form>
  );
}
