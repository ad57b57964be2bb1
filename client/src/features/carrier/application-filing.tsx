import { useState } from 'react';
import type { Proposal, ApplicationSummary, CheckReport, SharedStructure } from '@registry/shared/schemas/permits';
import { api, type ApiError } from '../../api/client';
import { useT2 } from '../../i18n/part2.translate';
import type { Part2Key } from '../../i18n/part2.vi';
import { VerdictBadge } from '../officer/desk-page';

// What a carrier's site form and route form share: the live pre-check with the
// structures that have spare capacity near the proposal, filing (draft, then
// submit) and how the outcome reads.

/** Which structures with spare capacity to look for around the proposal. */
export interface CapacitySearch {
  radiusM: number;
  kinds: SharedStructure['kind'][];
  limit: number;
}

export function useApplicationFiling(onFiled: () => void) {
  const [report, setReport] = useState<CheckReport | null>(null);
  const [nearby, setNearby] = useState<SharedStructure[]>([]);
  const [filed, setFiled] = useState<ApplicationSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  /** The pre-check report and the nearby structures with room left, side by side. */
  const precheck = (proposal: Proposal, capacity: CapacitySearch) =>
    run(async () => {
      const [r, n] = await Promise.all([
        api<CheckReport>('/api/permits/pre-check', { method: 'POST', body: { proposal } }),
        api<{ items: SharedStructure[] }>('/api/sharing/capacity', { method: 'POST', body: { geometry: proposal.geometry, ...capacity } }),
      ]);
      setReport(r);
      setNearby(n.items.filter((s) => s.capacityFree > 0));
    });

  /** Saves the proposal as a draft and submits it. */
  const file = (proposal: Proposal) =>
    run(async () => {
      const draft = await api<ApplicationSummary>('/api/permits/applications', { method: 'POST', body: proposal });
      setFiled(await api<ApplicationSummary>(`/api/permits/applications/${draft.id}/submit`, { method: 'POST', body: { version: draft.version } }));
      onFiled();
    });

  /** The proposal changed: what was checked or filed no longer applies. */
  const reset = () => {
    setReport(null);
    setNearby([]);
    setFiled(null);
  };

  return { report, nearby, filed, error, setError, busy, precheck, file, reset };
}

/** "Filed as …" with the application's status and worst verdict. */
export function FiledNotice({ filed, testId }: { filed: ApplicationSummary; testId: string }) {
  const { t2 } = useT2();
  return (
    <p className="p2-ok" role="status" data-testid={testId}>
      {t2('carrier.filed', { reference: filed.reference })} — {t2(`status.${filed.status}` as Part2Key)} <VerdictBadge verdict={filed.worstVerdict} />
    </p>
  );
}

/** The pre-check's verdict and each rule's outcome. */
export function PrecheckReport({ report, testId }: { report: CheckReport; testId: string }) {
  const { t2, locale } = useT2();
  return (
    <div data-testid={testId}>
      <h3>
        {t2('carrier.precheckTitle')} <VerdictBadge verdict={report.worstVerdict} />
      </h3>
      <ul className="small">
        {report.checks.map((c) => (
          <li key={c.ruleId} data-rule={c.ruleId}>
            <VerdictBadge verdict={c.verdict} /> {locale === 'vi' ? c.nameVi : c.nameEn}: {c.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "— 2 free places, 120 m away" after a nearby structure's code. */
export function useCapacityText() {
  const { t2, number } = useT2();
  return (s: SharedStructure) => `${t2('carrier.free', { n: s.capacityFree, unit: t2(`carrier.units.${s.unit}` as Part2Key) })}, ${t2('carrier.distance', { m: number(s.distanceM, 0) })}`;
}
