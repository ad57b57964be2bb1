import { useMemo, useState, type FormEvent } from 'react';
import type { Feature } from 'geojson';
import { ASSET_STATUSES, STRUCTURE_TYPES, TECHNOLOGIES, type AssetStatus, type StructureType, type Technology } from '@registry/shared/enums';
import { LIMITS } from '@registry/shared/limits';
import { CreateSectorInput, CreateSiteInput, CreateTenancyInput, UpdateSectorInput, UpdateSiteInput, type Sector, type Site, type Tenancy } from '@registry/shared/schemas/sites';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import type { Carrier, Page } from '../../api/types';
import { SubmitRow } from '../../components/form';
import { Async, ItemTable } from '../../components/status';
import { useT2 } from '../../i18n/part2.translate';
import { useSession } from '../../session/session';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../dashboard/form-errors';
import { EvidenceMap } from '../officer/evidence-map';
import { HistoryPanel } from '../history/history-panel';

// Register or edit one of the carrier's own sites with its sectors and other
// carriers' tenancies. The form is checked with the API's own zod schemas
// (CreateSiteInput for the whole site, the sector and tenancy schemas for each
// row), and the messages are the ones the API would answer, in the user's
// language; an error the server still finds is shown against the same field.

/** A site as its owner reads it (GET /api/sites/:id): every field, sectors and tenancies. */
type OwnSite = Site & { sectors: Sector[]; tenancies: Tenancy[] };

interface SectorRow {
  id?: number;
  version?: number;
  code: string;
  technology: Technology;
  bandMhz: string;
  azimuthDeg: string;
  beamwidthDeg: string;
  antennaHeightM: string;
}
interface TenancyRow {
  id?: number;
  carrierId: string;
  since: string;
  contractRef: string;
  monthlyRentVnd: string;
}
interface SiteForm {
  id?: number;
  version?: number;
  code: string;
  name: string;
  point: [number, number] | null;
  structureType: StructureType;
  heightM: string;
  tenantCapacity: string;
  status: AssetStatus;
  address: string;
  contractRef: string;
  monthlyRentVnd: string;
  sectors: SectorRow[];
  tenancies: TenancyRow[];
}

const EMPTY: SiteForm = { code: '', name: '', point: null, structureType: 'greenfield_tower', heightM: '30', tenantCapacity: '3', status: 'active', address: '', contractRef: '', monthlyRentVnd: '', sectors: [], tenancies: [] };

/** Optional numeric text: '' → undefined, else a number (NaN stays, so the schema names it). */
const num = (s: string) => (s.trim() === '' ? undefined : Number(s.replace(',', '.')));
const text = (s: string) => (s.trim() === '' ? null : s.trim());

function fromDetail(d: OwnSite, ownerCarrierId: number | null): SiteForm {
  const site = d;
  return {
    id: site.id,
    version: site.version,
    code: site.code,
    name: site.name ?? '',
    point: (site.geometry.coordinates as [number, number]) ?? null,
    structureType: site.structureType,
    heightM: String(site.heightM),
    tenantCapacity: String(site.tenantCapacity),
    status: site.status,
    address: site.address ?? '',
    contractRef: site.contractRef ?? '',
    monthlyRentVnd: site.monthlyRentVnd == null ? '' : String(site.monthlyRentVnd),
    sectors: d.sectors
      .filter((s) => s.status !== 'decommissioned')
      .map((s) => ({ id: s.id, version: s.version, code: s.code, technology: s.technology, bandMhz: String(s.bandMhz), azimuthDeg: String(s.azimuthDeg), beamwidthDeg: String(s.beamwidthDeg), antennaHeightM: String(s.antennaHeightM) })),
    tenancies: d.tenancies
      .filter((t) => t.until === null && t.carrierId !== ownerCarrierId)
      .map((t) => ({ id: t.id, carrierId: String(t.carrierId), since: t.since, contractRef: t.contractRef ?? '', monthlyRentVnd: t.monthlyRentVnd == null ? '' : String(t.monthlyRentVnd) })),
  };
}

function sectorBody(s: SectorRow) {
  return { code: s.code.trim(), technology: s.technology, bandMhz: num(s.bandMhz), azimuthDeg: num(s.azimuthDeg), beamwidthDeg: num(s.beamwidthDeg), antennaHeightM: num(s.antennaHeightM) };
}
function tenancyBody(t: TenancyRow) {
  return { carrierId: num(t.carrierId), ...(t.since ? { since: t.since } : {}), contractRef: text(t.contractRef), monthlyRentVnd: num(t.monthlyRentVnd) ?? null };
}

/** The create body of the whole form: what CreateSiteInput checks (and what POST /api/sites takes). */
export function siteCreateBody(f: SiteForm) {
  return {
    code: f.code.trim(),
    name: text(f.name),
    geometry: { type: 'Point' as const, coordinates: f.point ?? [] },
    structureType: f.structureType,
    heightM: num(f.heightM),
    tenantCapacity: num(f.tenantCapacity),
    status: f.status,
    address: text(f.address),
    contractRef: text(f.contractRef),
    monthlyRentVnd: num(f.monthlyRentVnd) ?? null,
    sectors: f.sectors.map(sectorBody),
    tenancies: f.tenancies.map(tenancyBody),
  };
}

export function MySites() {
  const { t2 } = useT2();
  const { user } = useSession();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const [refresh, setRefresh] = useState(0);
  // Shown above the editor: saving a new site replaces its form by the saved site's.
  const [flash, setFlash] = useState<string | null>(null);
  const saved = (id: number, message: string) => {
    setFlash(message);
    setSelected(id);
    setRefresh((n) => n + 1);
  };
  const sites = useResource<Page<{ id: number; code: string; name: string | null; status: string; heightM: number; tenantCount: number; freeCapacity: number }>>(`my-sites-${refresh}`, (signal) =>
    api('/api/sites', { signal, query: { owner: user?.carrierId ?? undefined, sort: '-updatedAt', limit: 50 } }),
  );
  return (
    <div className="p2-desk-grid" data-testid="my-sites">
      <div className="p2-card">
        <div className="p2-header">
          <h2>{t2('carrier.mySites')}</h2>
          <button type="button" onClick={() => { setSelected('new'); setFlash(null); }} data-testid="site-new">
            {t2('carrier.newSiteRecord')}
          </button>
        </div>
        <ItemTable
          resource={sites}
          row={(s) => (
            <tr key={s.id} data-site={s.code} className={selected === s.id ? 'p2-selected' : undefined}>
              <th scope="row">{s.code}</th>
              <td>{s.name ?? ''}</td>
              <td>{s.status}</td>
              <td className="p2-num">{s.heightM} m</td>
              <td className="p2-num">
                {s.tenantCount}/{s.tenantCount + s.freeCapacity}
              </td>
              <td>
                <button type="button" className="p2-link" onClick={() => { setSelected(s.id); setFlash(null); }} data-testid="site-edit">
                  {t2('carrier.edit')}
                </button>
              </td>
            </tr>
          )}
        />
      </div>
      <div>
        {flash && (
          <p className="p2-ok" role="status" data-testid="site-saved">
            {flash}
          </p>
        )}
        {selected === 'new' && <SiteEditor key="new" initial={EMPTY} onSaved={saved} />}
        {typeof selected === 'number' && <LoadedSiteEditor key={`${selected}-${refresh}`} id={selected} onSaved={saved} />}
      </div>
    </div>
  );
}

function LoadedSiteEditor({ id, onSaved }: { id: number; onSaved: (id: number, message: string) => void }) {
  const { user } = useSession();
  const detail = useResource<OwnSite>(`site-${id}`, (signal) => api(`/api/sites/${id}`, { signal }));
  return (
    <Async resource={detail}>
      {(d) => (
        <>
          <SiteEditor initial={fromDetail(d, user?.carrierId ?? null)} original={d} onSaved={onSaved} />
          <div className="p2-card">
            <HistoryPanel resource="sites" id={id} />
          </div>
        </>
      )}
    </Async>
  );
}

function SiteEditor({ initial, original, onSaved }: { initial: SiteForm; original?: OwnSite; onSaved: (id: number, message: string) => void }) {
  const { t2, locale } = useT2();
  const [form, setForm] = useState<SiteForm>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const carriers = useResource<Page<Carrier>>('carriers', (signal) => api('/api/carriers', { signal, query: { limit: 100 } }));
  const set = <K extends keyof SiteForm>(key: K, value: SiteForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setSector = (i: number, patch: Partial<SectorRow>) => setForm((f) => ({ ...f, sectors: f.sectors.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const setTenancy = (i: number, patch: Partial<TenancyRow>) => setForm((f) => ({ ...f, tenancies: f.tenancies.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const editing = form.id !== undefined;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const body = siteCreateBody(form);
    const parsed = CreateSiteInput.safeParse(body);
    if (!parsed.success) {
      const fe = zodFieldErrors(parsed.error, locale);
      if (!form.point) fe['geometry.coordinates'] = t2('carrier.noPosition');
      setErrors(fe);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      let id: number;
      let version: number;
      if (!editing) {
        const created = await api<OwnSite>('/api/sites', { method: 'POST', body: parsed.data });
        id = created.id;
        version = created.version;
      } else {
        id = form.id!;
        const { sectors: _s, tenancies: _t, ...siteFields } = parsed.data;
        const update = UpdateSiteInput.parse({ ...siteFields, version: form.version });
        const updated = await api<{ version: number }>(`/api/sites/${id}`, { method: 'PATCH', body: update });
        version = updated.version;
        await saveSectors(id);
        await saveTenancies(id);
      }
      onSaved(id, t2('carrier.saved', { code: form.code, version: String(version) }));
    } catch (e) {
      const apiError = e as ApiError;
      setError(apiError);
      setErrors(apiFieldErrors(apiError));
    } finally {
      setBusy(false);
    }
  }

  /** Sectors of an existing site: new rows created, changed rows patched with their version, removed rows decommissioned. */
  async function saveSectors(siteId: number) {
    const before = new Map((original?.sectors ?? []).map((s) => [s.id, s]));
    for (const [i, row] of form.sectors.entries()) {
      const body = sectorBody(row);
      if (row.id === undefined) {
        await api('/api/sectors', { method: 'POST', body: CreateSectorInput.parse({ ...body, siteId }) }).catch((e: ApiError) => Promise.reject(prefixed(e, `sectors.${i}`)));
        continue;
      }
      const old = before.get(row.id);
      before.delete(row.id);
      const changed = !old || (['code', 'technology', 'bandMhz', 'azimuthDeg', 'beamwidthDeg', 'antennaHeightM'] as const).some((k) => String(old[k]) !== String(body[k]));
      if (changed) await api(`/api/sectors/${row.id}`, { method: 'PATCH', body: UpdateSectorInput.parse({ ...body, version: row.version }) }).catch((e: ApiError) => Promise.reject(prefixed(e, `sectors.${i}`)));
    }
    for (const gone of before.values()) if (gone.status !== 'decommissioned') await api(`/api/sectors/${gone.id}`, { method: 'DELETE' });
  }

  async function saveTenancies(siteId: number) {
    const kept = new Set(form.tenancies.filter((t) => t.id !== undefined).map((t) => t.id));
    for (const [i, row] of form.tenancies.entries()) {
      if (row.id !== undefined) continue;
      await api(`/api/sites/${siteId}/tenancies`, { method: 'POST', body: CreateTenancyInput.parse(tenancyBody(row)) }).catch((e: ApiError) => Promise.reject(prefixed(e, `tenancies.${i}`)));
    }
    for (const t of original?.tenancies ?? []) {
      if (t.until === null && t.carrierId !== original?.ownerCarrierId && !kept.has(t.id)) await api(`/api/sites/${siteId}/tenancies/${t.id}`, { method: 'DELETE' });
    }
  }

  const features = useMemo<Feature[]>(() => (form.point ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: form.point }, properties: { role: 'proposal', label: form.code } }] : []), [form.point, form.code]);
  const err = (path: string) =>
    errors[path] && (
      <span className="p2-field-error" role="alert" data-testid={`error-${path}`}>
        {errors[path]}
      </span>
    );
  const inv = (path: string) => (errors[path] ? true : undefined);

  return (
    <form className="p2-card form" onSubmit={save} noValidate data-testid="site-editor">
      <h2>{editing ? t2('carrier.editSite', { code: initial.code }) : t2('carrier.newRecord')}</h2>
      <EvidenceMap features={features} placing onPick={(p) => set('point', p)} fit={editing} testId="site-editor-map" />
      <p className="small" data-testid="site-editor-position">
        {form.point ? t2('carrier.position', { lat: form.point[1].toFixed(5), lon: form.point[0].toFixed(5) }) : t2('carrier.clickMap')}
      </p>
      {err('geometry.coordinates') ?? err('geometry')}
      <div className="p2-form-grid">
        <label htmlFor="se-code">{t2('carrier.code')}</label>
        <input id="se-code" value={form.code} maxLength={LIMITS.codeMaxLength} onChange={(e) => set('code', e.target.value)} aria-invalid={inv('code')} />
        {err('code')}
        <label htmlFor="se-name">{t2('carrier.name')}</label>
        <input id="se-name" value={form.name} maxLength={LIMITS.nameMaxLength} onChange={(e) => set('name', e.target.value)} />
        <label htmlFor="se-type">{t2('carrier.structureType')}</label>
        <select id="se-type" value={form.structureType} onChange={(e) => set('structureType', e.target.value as StructureType)}>
          {STRUCTURE_TYPES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <label htmlFor="se-height">{t2('carrier.height')}</label>
        <input id="se-height" inputMode="decimal" value={form.heightM} onChange={(e) => set('heightM', e.target.value)} aria-invalid={inv('heightM')} />
        {err('heightM')}
        <label htmlFor="se-capacity">{t2('carrier.capacity')}</label>
        <input id="se-capacity" inputMode="numeric" value={form.tenantCapacity} onChange={(e) => set('tenantCapacity', e.target.value)} aria-invalid={inv('tenantCapacity')} />
        {err('tenantCapacity')}
        <label htmlFor="se-status">{t2('carrier.status')}</label>
        <select id="se-status" value={form.status} onChange={(e) => set('status', e.target.value as AssetStatus)}>
          {ASSET_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <label htmlFor="se-address">{t2('carrier.address')}</label>
        <input id="se-address" value={form.address} onChange={(e) => set('address', e.target.value)} />
        <label htmlFor="se-contract">{t2('carrier.contractRef')}</label>
        <input id="se-contract" value={form.contractRef} onChange={(e) => set('contractRef', e.target.value)} aria-invalid={inv('contractRef')} />
        {err('contractRef')}
        <label htmlFor="se-rent">{t2('carrier.rent')}</label>
        <input id="se-rent" inputMode="numeric" value={form.monthlyRentVnd} onChange={(e) => set('monthlyRentVnd', e.target.value)} aria-invalid={inv('monthlyRentVnd')} />
        {err('monthlyRentVnd')}
      </div>

      <fieldset data-testid="sector-rows">
        <legend>{t2('carrier.sectors')}</legend>
        <table className="p2-table p2-compact-inputs">
          <thead>
            <tr>
              <th scope="col">{t2('carrier.sectorCode')}</th>
              <th scope="col">{t2('carrier.technology')}</th>
              <th scope="col">{t2('carrier.band')}</th>
              <th scope="col">{t2('carrier.azimuth')}</th>
              <th scope="col">{t2('carrier.beamwidth')}</th>
              <th scope="col">{t2('carrier.antennaHeight')}</th>
              <th scope="col">
                <span className="p2-visually-hidden">{t2('carrier.removeRow')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {form.sectors.map((s, i) => (
              <tr key={s.id ?? `n${i}`}>
                <td>
                  <input aria-label={`${t2('carrier.sectorCode')} ${i + 1}`} value={s.code} onChange={(e) => setSector(i, { code: e.target.value })} aria-invalid={inv(`sectors.${i}.code`)} />
                  {err(`sectors.${i}.code`)}
                </td>
                <td>
                  <select aria-label={`${t2('carrier.technology')} ${i + 1}`} value={s.technology} onChange={(e) => setSector(i, { technology: e.target.value as Technology })}>
                    {TECHNOLOGIES.map((tech) => (
                      <option key={tech}>{tech}</option>
                    ))}
                  </select>
                </td>
                {(['bandMhz', 'azimuthDeg', 'beamwidthDeg', 'antennaHeightM'] as const).map((k) => (
                  <td key={k}>
                    <input aria-label={`${k} ${i + 1}`} inputMode="decimal" size={5} value={s[k]} onChange={(e) => setSector(i, { [k]: e.target.value })} aria-invalid={inv(`sectors.${i}.${k}`)} data-testid={`sector-${i}-${k}`} />
                    {err(`sectors.${i}.${k}`)}
                  </td>
                ))}
                <td>
                  <button type="button" className="p2-link" onClick={() => setForm((f) => ({ ...f, sectors: f.sectors.filter((_, j) => j !== i) }))} aria-label={`${t2('carrier.removeRow')} ${i + 1}`}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          onClick={() => setForm((f) => ({ ...f, sectors: [...f.sectors, { code: `${f.code || 'S'}-${f.sectors.length + 1}`, technology: '4G', bandMhz: '1800', azimuthDeg: String((f.sectors.length * 120) % 360), beamwidthDeg: '65', antennaHeightM: String(Math.max(1, Number(f.heightM) - 2 || 28)) }] }))}
          data-testid="sector-add"
        >
          {t2('carrier.addSector')}
        </button>
      </fieldset>

      <fieldset data-testid="tenancy-rows">
        <legend>{t2('carrier.tenancies')}</legend>
        {form.tenancies.map((ten, i) => (
          <div key={ten.id ?? `n${i}`} className="p2-tenancy-row">
            <select aria-label={`${t2('carrier.tenantCarrier')} ${i + 1}`} value={ten.carrierId} disabled={ten.id !== undefined} onChange={(e) => setTenancy(i, { carrierId: e.target.value })} aria-invalid={inv(`tenancies.${i}.carrierId`)}>
              <option value="">—</option>
              {(carriers.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code}
                </option>
              ))}
            </select>
            <input type="date" aria-label={`${t2('carrier.since')} ${i + 1}`} value={ten.since} disabled={ten.id !== undefined} onChange={(e) => setTenancy(i, { since: e.target.value })} />
            <input aria-label={`${t2('carrier.contractRef')} ${i + 1}`} placeholder={t2('carrier.contractRef')} value={ten.contractRef} disabled={ten.id !== undefined} onChange={(e) => setTenancy(i, { contractRef: e.target.value })} />
            <button type="button" className="p2-link" onClick={() => setForm((f) => ({ ...f, tenancies: f.tenancies.filter((_, j) => j !== i) }))}>
              ×
            </button>
            {err(`tenancies.${i}.carrierId`)}
          </div>
        ))}
        <button type="button" onClick={() => setForm((f) => ({ ...f, tenancies: [...f.tenancies, { carrierId: '', since: '', contractRef: '', monthlyRentVnd: '' }] }))}>
          {t2('carrier.addTenancy')}
        </button>
      </fieldset>

      <SubmitRow error={error} busy={busy} testId="site-save">
        {t2('carrier.saveSite')}
      </SubmitRow>
    </form>
  );
}

/** An API error on one nested request, with its field paths under the row's path. */
function prefixed(e: ApiError, prefix: string): ApiError {
  for (const d of e.details) d.path = d.path ? `${prefix}.${d.path}` : prefix;
  return e;
}
