import { useMemo, useState, type FormEvent } from 'react';
import type { Feature } from 'geojson';
import { STRUCTURE_TYPES, TECHNOLOGIES, type StructureType, type Technology } from '@registry/shared/enums';
import { LIMITS } from '@registry/shared/limits';
import { Proposal, type ApplicationSummary, type CoUseRequest, type SharedStructure } from '@registry/shared/schemas/permits';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { ErrorMessage, ItemTable } from '../../components/status';
import { useT2 } from '../../i18n/part2.translate';
import type { Part2Key } from '../../i18n/part2.vi';
import { zodFieldErrors, type FieldErrors } from '../dashboard/form-errors';
import { EvidenceMap } from '../officer/evidence-map';
import { VerdictBadge, evidenceFeatures } from '../officer/desk-page';
import '../dashboard/dashboard.css';
import '../officer/officer.css';
import './carrier.css';
import { CoUseInbox } from './co-use';
import { FiledNotice, PrecheckReport, useApplicationFiling, useCapacityText } from './application-filing';
import { RouteApplication } from './route-application';
import { MySites } from './site-editor';

/** A carrier's screen: register a site by clicking the map, pre-check it, file it, follow it; co-use requests. */
type Tab = 'apply' | 'route' | 'sites';
const TABS: Tab[] = ['apply', 'route', 'sites'];

export default function CarrierPage() {
  const { t2 } = useT2();
  const [refresh, setRefresh] = useState(0);
  const [tab, setTab] = useState<Tab>('apply');
  return (
    <section className="page p2-page">
      <h1>{t2('carrier.title')}</h1>
      <div className="p2-tabs" role="tablist" aria-label={t2('carrier.tabs')}>
        {TABS.map((id) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'p2-tab p2-tab-active' : 'p2-tab'} onClick={() => setTab(id)} data-testid={`tab-${id}`}>
            {t2(`carrier.tab.${id}` as Part2Key)}
          </button>
        ))}
      </div>
      {tab === 'apply' && <NewSite onFiled={() => setRefresh((n) => n + 1)} />}
      {tab === 'route' && <RouteApplication onFiled={() => setRefresh((n) => n + 1)} />}
      {tab === 'sites' && <MySites />}
      <div className="p2-columns">
        <MyApplications key={`a${refresh}`} />
        <CoUseInbox />
      </div>
    </section>
  );
}

function NewSite({ onFiled }: { onFiled: () => void }) {
  const { t2, locale } = useT2();
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [structureType, setStructureType] = useState<StructureType>('greenfield_tower');
  const [heightM, setHeightM] = useState('30');
  const [tenantCapacity, setTenantCapacity] = useState('3');
  const [technologies, setTechnologies] = useState<Technology[]>(['4G']);
  const [address, setAddress] = useState('');
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sent, setSent] = useState<string | null>(null);
  const filing = useApplicationFiling(onFiled);
  const { report, nearby, filed, error, setError, busy } = filing;
  const capacityText = useCapacityText();

  function proposal() {
    const body = {
      kind: 'site' as const,
      geometry: { type: 'Point' as const, coordinates: point ?? [] },
      facts: {
        structureType,
        heightM: Number(heightM),
        tenantCapacity: Number(tenantCapacity),
        technologies,
        sectors: technologies.map((technology) => ({ technology, bandMhz: technology === '5G' ? 3500 : 1800, azimuthDeg: 0, beamwidthDeg: 360, antennaHeightM: Math.max(1, Number(heightM) - 2) })),
        ...(address.trim() ? { address: address.trim() } : {}),
        ...(justification.trim() ? { sharingJustification: justification.trim() } : {}),
      },
    };
    const parsed = Proposal.safeParse(body);
    const fieldErrors: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error, locale);
    if (!point) fieldErrors['geometry.coordinates'] = t2('carrier.noPosition');
    setErrors(fieldErrors);
    return Object.keys(fieldErrors).length === 0 && parsed.success ? parsed.data : null;
  }

  function precheck() {
    const p = proposal();
    if (p) void filing.precheck(p, { radiusM: 1000, kinds: ['site', 'pole'], limit: 20 });
  }

  function file(event: FormEvent) {
    event.preventDefault();
    const p = proposal();
    if (p) void filing.file(p);
  }

  async function requestCoUse(s: SharedStructure) {
    try {
      const r = await api<CoUseRequest>('/api/co-use/requests', { method: 'POST', body: { structure: { kind: s.kind, id: s.id }, quantity: 1 } });
      setSent(t2('carrier.requestSent', { id: String(r.id) }));
    } catch (e) {
      setError(e as ApiError);
    }
  }

  const features = useMemo<Feature[]>(() => {
    const out: Feature[] = report ? evidenceFeatures(point ? { type: 'Point', coordinates: point } : null, report.checks, null) : point ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties: { role: 'proposal' } }] : [];
    for (const s of nearby) out.push({ type: 'Feature', geometry: s.geometry as unknown as Feature['geometry'], properties: { role: 'capacity', label: `${s.code} (${s.capacityFree})` } });
    return out;
  }, [report, nearby, point]);

  const err = (path: string) => errors[path] && <span className="p2-field-error" role="alert" data-testid={`error-${path}`}>{errors[path]}</span>;

  return (
    <div className="p2-desk-grid">
      <form className="p2-card form" onSubmit={file} data-testid="new-site-form" noValidate>
        <h2>{t2('carrier.newSite')}</h2>
        <p className="small" data-testid="site-position">
          {point ? t2('carrier.position', { lat: point[1].toFixed(5), lon: point[0].toFixed(5) }) : t2('carrier.clickMap')}
        </p>
        {err('geometry.coordinates')}
        <label htmlFor="site-structure">{t2('carrier.structureType')}</label>
        <select id="site-structure" value={structureType} onChange={(e) => setStructureType(e.target.value as StructureType)}>
          {STRUCTURE_TYPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label htmlFor="site-height">{t2('carrier.height')}</label>
        <input id="site-height" inputMode="decimal" value={heightM} max={LIMITS.heightMaxMeters} onChange={(e) => setHeightM(e.target.value)} aria-invalid={errors['facts.heightM'] ? true : undefined} />
        {err('facts.heightM')}
        <label htmlFor="site-capacity">{t2('carrier.capacity')}</label>
        <input id="site-capacity" inputMode="numeric" value={tenantCapacity} onChange={(e) => setTenantCapacity(e.target.value)} aria-invalid={errors['facts.tenantCapacity'] ? true : undefined} />
        {err('facts.tenantCapacity')}
        <fieldset>
          <legend>{t2('carrier.technologies')}</legend>
          {TECHNOLOGIES.map((tech) => (
            <label key={tech} style={{ marginRight: '.75rem' }}>
              <input type="checkbox" checked={technologies.includes(tech)} onChange={(e) => setTechnologies((ts) => (e.target.checked ? [...ts, tech] : ts.filter((x) => x !== tech)))} /> {tech}
            </label>
          ))}
        </fieldset>
        {err('facts.technologies')}
        <label htmlFor="site-address">{t2('carrier.address')}</label>
        <input id="site-address" value={address} maxLength={LIMITS.nameMaxLength} onChange={(e) => setAddress(e.target.value)} />
        <label htmlFor="site-justification">{t2('carrier.justification')}</label>
        <textarea id="site-justification" rows={2} value={justification} onChange={(e) => setJustification(e.target.value)} />
        {error && <ErrorMessage error={error} />}
        <div className="p2-actions">
          <button type="button" onClick={precheck} disabled={busy} data-testid="precheck">
            {t2('carrier.precheck')}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="file">
            {t2('carrier.file')}
          </button>
        </div>
        {filed && <FiledNotice filed={filed} testId="filed" />}
        {report && <PrecheckReport report={report} testId="precheck-report" />}
        {nearby.length > 0 && (
          <div data-testid="nearby-capacity">
            <h3>{t2('carrier.nearby')}</h3>
            <ul className="small">
              {nearby.map((s) => (
                <li key={`${s.kind}${s.id}`}>
                  <strong>{s.code}</strong> ({s.owner.code}) — {capacityText(s)}{' '}
                  <button type="button" className="p2-link" onClick={() => void requestCoUse(s)}>
                    {t2('carrier.requestCoUse')}
                  </button>
                </li>
              ))}
            </ul>
            {sent && <p className="p2-ok">{sent}</p>}
          </div>
        )}
      </form>
      <EvidenceMap features={features} placing onPick={(lonLat) => { setPoint(lonLat); filing.reset(); }} fit={false} testId="carrier-map" />
    </div>
  );
}

function MyApplications() {
  const { t2, date } = useT2();
  const apps = useResource<{ items: ApplicationSummary[] }>('my-applications', (signal) => api('/api/permits/applications', { signal, query: { limit: 50 } }));
  const [error, setError] = useState<ApiError | null>(null);
  const [built, setBuilt] = useState<string | null>(null);
  const [builtIds, setBuiltIds] = useState<number[]>([]);
  async function reportBuilt(a: ApplicationSummary) {
    setError(null);
    try {
      await api(`/api/permits/applications/${a.id}/built`, { method: 'POST', body: { version: a.version } });
      setBuilt(t2('carrier.builtDone', { reference: a.reference }));
      setBuiltIds((ids) => [...ids, a.id]);
      apps.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }
  return (
    <div className="p2-card" data-testid="my-applications">
      <h2>{t2('carrier.myApplications')}</h2>
      {error && <ErrorMessage error={error} />}
      {built && (
        <p className="p2-ok" role="status" data-testid="built-done">
          {built}
        </p>
      )}
      <ItemTable
        resource={apps}
        row={(a) => (
          <tr key={a.id} data-reference={a.reference}>
            <th scope="row">{a.reference}</th>
            <td>{t2(`status.${a.status}` as Part2Key)}</td>
            <td>
              <VerdictBadge verdict={a.worstVerdict} />
            </td>
            <td>{a.submittedAt ? date(a.submittedAt) : '—'}</td>
            <td>
              {a.status === 'approved' && a.assetStatus === 'permitted' && !builtIds.includes(a.id) && (
                <button type="button" className="p2-link" onClick={() => void reportBuilt(a)} data-testid="report-built">
                  {t2('carrier.reportBuilt')}
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </div>
  );
}
