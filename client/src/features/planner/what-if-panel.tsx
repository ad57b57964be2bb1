import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { FeatureCollection, Geometry } from 'geojson';
import { DEFAULT_PARAMETERS, maplDbFor, parameter, PARAMETER_KEYS } from '@registry/shared/radio/parameters';
import { solveRange } from '@registry/shared/radio/range';
import { LIMITS } from '@registry/shared/limits';
import { api, type ApiError } from '../../api/client';
import type { Carrier, WhatIfInput, WhatIfResult } from '../../api/types';
import { ErrorMessage } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { candidateFootprints, sectorAzimuths } from '../../lib/geo/footprint';
import type { MapControls } from '../map/map-page';
import { VillageTable } from './village-table';

interface Props {
  controls: MapControls;
  active: boolean;
  /** The candidate's new position after a map click or drag. */
  moved: [number, number] | null;
  carriers: Carrier[];
}

type Radio = '4G' | '5G';

/** A coordinate as the form shows it: six decimals (~0.1 m), no trailing zeros (not 106.19461783920341). */
export function coordinateText(value: number): string {
  return String(Number(value.toFixed(6)));
}

/** Builds the what-if request from the form. */
export function whatIfRequest(form: { lon: number; lat: number; heightM: number; technology: Radio; bandMhz: number; sectors: number; carrierId: number | null }): WhatIfInput {
  const azimuths = form.sectors > 1 ? sectorAzimuths(form.sectors) : [];
  return {
    geometry: { type: 'Point', coordinates: [form.lon, form.lat] },
    heightM: form.heightM,
    technology: form.technology,
    bandMhz: form.bandMhz,
    ...(form.carrierId ? { carrierId: form.carrierId } : {}),
    sectors: azimuths.map((azimuthDeg) => ({ azimuthDeg })),
  };
}

/**
 * A candidate site placed by click or drag, with height, technology, band and
 * sectors; shows its footprints at once (a local preview with the model's
 * default parameters) and, on Compute, the server's before/after per village.
 * Nothing is saved.
 */
export function WhatIfPanel({ controls, active, moved, carriers }: Props) {
  const { t, number, percent } = useI18n();
  const [position, setPosition] = useState<[number, number] | null>(null);
  // What the longitude/latitude fields show: typed text stays as typed, a map click or drag writes six decimals.
  const [lonText, setLonText] = useState('');
  const [latText, setLatText] = useState('');
  const [placing, setPlacing] = useState(false);
  const [heightM, setHeightM] = useState(30);
  const [technology, setTechnology] = useState<Radio>('4G');
  const [bandMhz, setBandMhz] = useState(1800);
  const [sectors, setSectors] = useState(3);
  const [carrierId, setCarrierId] = useState<number | null>(null);
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState(false);

  useEffect(() => {
    if (!moved) return;
    setPosition(moved);
    setLonText(coordinateText(moved[0]));
    setLatText(coordinateText(moved[1]));
    setPlacing(false);
    setResult(null);
  }, [moved]);

  useEffect(() => {
    controls.setPlacing(active && placing);
  }, [active, placing, controls]);

  const preview = useMemo<FeatureCollection | null>(() => {
    if (!position) return null;
    try {
      const { maplDb } = maplDbFor(DEFAULT_PARAMETERS, technology, bandMhz);
      const range = solveRange({ frequencyMHz: bandMhz, antennaHeightM: heightM, handsetHeightM: parameter(DEFAULT_PARAMETERS, PARAMETER_KEYS.handsetHeightM), areaClass: 'rural', maplDb });
      return candidateFootprints({ lon: position[0], lat: position[1], rangeM: range.rangeM, sectors, beamwidthDeg: parameter(DEFAULT_PARAMETERS, PARAMETER_KEYS.beamwidthDeg) });
    } catch {
      return null;
    }
  }, [position, technology, bandMhz, heightM, sectors]);

  const serverFootprints = useMemo<FeatureCollection | null>(
    () => (result ? { type: 'FeatureCollection', features: result.footprints.map((f) => ({ type: 'Feature', properties: { rangeM: f.rangeM }, geometry: f.geometry as unknown as Geometry })) } : null),
    [result],
  );

  useEffect(() => {
    controls.setCandidate(position, serverFootprints ?? preview);
  }, [position, preview, serverFootprints, controls]);

  // Villages change colour on the map: the any-carrier rows of the candidate's technology.
  const changed = useMemo(() => (result ? result.villages.filter((v) => v.technology === technology && v.carrierId === null && v.coveredAfter !== v.coveredBefore) : []), [result, technology]);
  useEffect(() => {
    controls.setWhatIf(result ? changed.map((v) => ({ villageId: v.villageId, share: v.shareAfter, meets: v.meetsTargetAfter })) : null);
  }, [result, changed, controls]);

  async function run(event: FormEvent) {
    event.preventDefault();
    if (!position) return;
    setRunning(true);
    setError(null);
    try {
      setResult(await api<WhatIfResult>('/api/coverage/what-if', { method: 'POST', body: whatIfRequest({ lon: position[0], lat: position[1], heightM, technology, bandMhz, sectors, carrierId }) }));
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setRunning(false);
    }
  }

  function typed(axis: 0 | 1, text: string) {
    (axis === 0 ? setLonText : setLatText)(text);
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) return;
    const next: [number, number] = position ? [...position] : [0, 0];
    next[axis] = value;
    setPosition(next);
    setResult(null);
  }

  function clear() {
    setPosition(null);
    setLonText('');
    setLatText('');
    setResult(null);
    setPlacing(false);
    controls.setWhatIf(null);
  }

  const households = changed.reduce((sum, v) => sum + v.newlyCoveredUnits, 0);
  return (
    <form className="what-if form" onSubmit={run} data-testid="what-if">
      <h2 className="panel-title">{t('planner.whatIf')}</h2>
      <p className="muted small">{t('planner.whatIfHint')}</p>
      <button type="button" onClick={() => setPlacing((p) => !p)} aria-pressed={placing} data-testid="place-candidate">
        {placing ? t('planner.placing') : t('planner.place')}
      </button>
      <div className="grid-2">
        <div>
          <label htmlFor="wi-lon">{t('planner.lon')}</label>
          <input id="wi-lon" type="number" step="0.000001" value={lonText} required onChange={(e) => typed(0, e.target.value)} />
        </div>
        <div>
          <label htmlFor="wi-lat">{t('planner.lat')}</label>
          <input id="wi-lat" type="number" step="0.000001" value={latText} required onChange={(e) => typed(1, e.target.value)} />
        </div>
        <div>
          <label htmlFor="wi-height">{t('planner.height')}</label>
          <input id="wi-height" type="number" min={1} max={LIMITS.heightMaxMeters} step={1} value={heightM} onChange={(e) => setHeightM(Number(e.target.value))} />
        </div>
        <div>
          <label htmlFor="wi-tech">{t('planner.technology')}</label>
          <select id="wi-tech" value={technology} onChange={(e) => setTechnology(e.target.value as Radio)}>
            <option value="4G">4G</option>
            <option value="5G">5G</option>
          </select>
        </div>
        <div>
          <label htmlFor="wi-band">{t('planner.band')}</label>
          <input id="wi-band" type="number" min={LIMITS.bandMinMHz} max={LIMITS.bandMaxMHz} value={bandMhz} onChange={(e) => setBandMhz(Number(e.target.value))} />
        </div>
        <div>
          <label htmlFor="wi-sectors">{t('planner.sectors')}</label>
          <input id="wi-sectors" type="number" min={1} max={12} value={sectors} onChange={(e) => setSectors(Number(e.target.value))} />
        </div>
        <div className="span-2">
          <label htmlFor="wi-carrier">{t('planner.carrier')}</label>
          <select id="wi-carrier" value={carrierId ?? ''} onChange={(e) => setCarrierId(e.target.value ? Number(e.target.value) : null)}>
            <option value="">{t('map.anyCarrier')}</option>
            {carriers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="button-row">
        <button type="submit" className="primary" disabled={!position || running} data-testid="run-what-if">
          {running ? t('planner.running') : t('planner.run')}
        </button>
        <button type="button" onClick={clear} disabled={!position}>
          {t('planner.clear')}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {result && (
        <section aria-live="polite">
          <p className="small">
            <strong>{t('planner.summary', { villages: changed.length, households })}</strong> — {t('planner.notSaved')}
          </p>
          {changed.length === 0 ? (
            <p className="muted">{t('planner.noChange')}</p>
          ) : (
            <VillageTable testId="what-if-table" numericColumns={[t('planner.before'), t('planner.after'), t('planner.addsHouseholds')]}>
              {changed.map((v) => (
                <tr key={v.villageId} className={v.reachesTarget ? 'ok' : ''}>
                  <td>{v.name}</td>
                  <td className={`num ${v.meetsTargetBefore ? 'ok' : 'bad'}`}>{percent(v.shareBefore)}</td>
                  <td className={`num ${v.meetsTargetAfter ? 'ok' : 'bad'}`}>{percent(v.shareAfter)}</td>
                  <td className="num">+{number(v.newlyCoveredUnits)}</td>
                </tr>
              ))}
            </VillageTable>
          )}
        </section>
      )}
    </form>
  );
}
