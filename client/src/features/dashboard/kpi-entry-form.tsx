import { useState, type FormEvent } from 'react';
import { CreateKpiObservationInput, checkObservationValue, type KpiDashboardUnit, type KpiIndicator, type KpiObservation } from '@registry/shared/schemas/kpi';
import { api, ApiError } from '../../api/client';
import { useT2 } from '../../i18n/part2.translate';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from './form-errors';

/**
 * Enter one reported value. The form checks with the API's own schema and
 * value rule (shared/src/schemas/kpi.ts), so a percentage over 100 is refused
 * here with the message the API would give; the API checks again.
 */
export function KpiEntryForm({ indicators, units, onSaved }: { indicators: KpiIndicator[]; units: KpiDashboardUnit[]; onSaved: () => void }) {
  const { t2, locale, number } = useT2();
  const [indicatorCode, setIndicatorCode] = useState(indicators[0]?.code ?? '');
  const [adminUnitId, setAdminUnitId] = useState<number>(units[1]?.id ?? units[0]?.id ?? 0);
  const [period, setPeriod] = useState(String(new Date().getFullYear()));
  const [value, setValue] = useState('');
  const [source, setSource] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [existing, setExisting] = useState<{ id: number; version: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const indicator = indicators.find((i) => i.code === indicatorCode);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    setFormError(null);
    const numeric = value.trim() === '' ? Number.NaN : Number(value.replace(',', '.'));
    const body = { indicatorCode, adminUnitId, period: period.trim(), value: numeric, ...(source.trim() ? { source: source.trim() } : {}) };
    const fieldErrors: FieldErrors = {};
    const parsed = CreateKpiObservationInput.safeParse(body);
    if (!parsed.success) Object.assign(fieldErrors, zodFieldErrors(parsed.error, locale));
    if (indicator) {
      const check = checkObservationValue(indicator, numeric);
      if (!check.valid) fieldErrors.value = check.message[locale];
    }
    setErrors(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) return;
    setBusy(true);
    try {
      const saved = existing
        ? await api<KpiObservation>(`/api/kpi/observations/${existing.id}`, { method: 'PUT', body: { value: numeric, version: existing.version, ...(body.source ? { source: body.source } : {}) } })
        : await api<KpiObservation>('/api/kpi/observations', { method: 'POST', body });
      setExisting(null);
      setSaved(t2('dash.enter.saved', { indicator: locale === 'vi' ? indicator?.nameVi ?? '' : indicator?.nameEn ?? '', unit: saved.adminUnitName, period: saved.period, value: number(saved.value, 2) }));
      onSaved();
    } catch (e) {
      const error = e as ApiError;
      const extra = error as ApiError & { details: { path: string }[] };
      if (error.status === 409 && extra.details.some((d) => d.path === 'period')) {
        // The value exists: offer to overwrite it, naming its version.
        const page = await api<{ items: KpiObservation[] }>('/api/kpi/observations', { query: { indicator: indicatorCode, adminUnitId, period: body.period } });
        const found = page.items[0];
        if (found) {
          setExisting({ id: found.id, version: found.version });
          setFormError(t2('dash.enter.exists', { version: found.version }));
          return;
        }
      }
      const byField = apiFieldErrors(error);
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFormError(error.message);
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string) => ({ 'aria-invalid': errors[name] ? true : undefined, 'aria-describedby': errors[name] ? `kpi-${name}-error` : undefined });
  const error = (name: string) => errors[name] && (
    <span id={`kpi-${name}-error`} className="p2-field-error" role="alert" data-testid={`error-${name}`}>
      {errors[name]}
    </span>
  );

  return (
    <form className="form p2-card" onSubmit={submit} data-testid="kpi-entry-form" noValidate>
      <h2>{t2('dash.enter.title')}</h2>
      <label htmlFor="kpi-indicator">{t2('dash.enter.indicator')}</label>
      <select id="kpi-indicator" value={indicatorCode} onChange={(e) => { setIndicatorCode(e.target.value); setExisting(null); }} {...field('indicatorCode')}>
        {indicators.map((i) => (
          <option key={i.code} value={i.code}>
            {(locale === 'vi' ? i.nameVi : i.nameEn) + ` (${i.unit})`}
          </option>
        ))}
      </select>
      {error('indicatorCode')}
      <label htmlFor="kpi-unit">{t2('dash.enter.unit')}</label>
      <select id="kpi-unit" value={adminUnitId} onChange={(e) => { setAdminUnitId(Number(e.target.value)); setExisting(null); }} {...field('adminUnitId')}>
        {units.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
      {error('adminUnitId')}
      <label htmlFor="kpi-period">{t2('dash.enter.period')}</label>
      <input id="kpi-period" name="period" value={period} maxLength={10} onChange={(e) => { setPeriod(e.target.value); setExisting(null); }} {...field('period')} />
      {error('period')}
      <label htmlFor="kpi-value">
        {t2('dash.enter.value')} {indicator ? `(${indicator.unit})` : ''}
      </label>
      <input id="kpi-value" name="value" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} {...field('value')} />
      {error('value')}
      <label htmlFor="kpi-source">{t2('dash.enter.source')}</label>
      <input id="kpi-source" name="source" value={source} maxLength={200} onChange={(e) => setSource(e.target.value)} {...field('source')} />
      {error('source')}
      {formError && (
        <p className="p2-form-error" role="alert">
          {formError}
        </p>
      )}
      {saved && (
        <p className="p2-ok" role="status">
          {saved}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t2('common.working') : existing ? t2('dash.enter.overwrite') : t2('dash.enter.submit')}
      </button>
    </form>
  );
}
