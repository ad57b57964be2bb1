import type { ApiError } from '../../api/client';
import type { Carrier } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { COVERAGE_MODES, overlaysFor, type CoverageMode, type OverlayId } from '../../map/overlays';
import { PALETTE } from '../../map/layers/palette';
import type { MapView } from '../../map/url-state';
import { ErrorMessage } from '../../components/status';

interface Props {
  view: MapView;
  loggedIn: boolean;
  carriers: Carrier[];
  carriersError: ApiError | null;
  onToggle(id: OverlayId, on: boolean): void;
  onMode(mode: CoverageMode): void;
  onCarrier(code: string | null): void;
}

function Swatch({ colour, shape = 'box', dashed = false }: { colour: string; shape?: 'box' | 'dot' | 'line' | 'ring'; dashed?: boolean }) {
  return <span className={`swatch swatch-${shape}${dashed ? ' swatch-dashed' : ''}`} style={shape === 'ring' ? { borderColor: colour } : shape === 'line' ? { borderTopColor: colour } : { background: colour }} aria-hidden="true" />;
}

/** Overlay switches, each with its legend beneath it. */
export function LayerPanel({ view, loggedIn, carriers, carriersError, onToggle, onMode, onCarrier }: Props) {
  const { t, percent } = useI18n();
  const on = (id: OverlayId) => view.overlays.includes(id);
  const ramp = view.mode === 'HH_FIBRE' ? PALETTE.fibreRamp : PALETTE.shareRamp;
  return (
    <div className="layer-panel">
      <h2 className="panel-title">{t('map.layers')}</h2>
      <ul className="layer-list">
        {overlaysFor(loggedIn).map((overlay) => (
          <li key={overlay.id} className="layer-item">
            <label className="check">
              <input type="checkbox" checked={on(overlay.id)} onChange={(e) => onToggle(overlay.id, e.target.checked)} data-overlay={overlay.id} />
              {t(overlay.label)}
            </label>
            {on(overlay.id) && overlay.id === 'coverage' && (
              <div className="legend" aria-label={t('map.legend')}>
                <fieldset className="radio-row">
                  <legend>{t('map.coverageTechnology')}</legend>
                  {COVERAGE_MODES.map((mode) => (
                    <label key={mode} className="radio">
                      <input type="radio" name="coverage-mode" value={mode} checked={view.mode === mode} onChange={() => onMode(mode)} />
                      {t(`map.tech.${mode}`)}
                    </label>
                  ))}
                </fieldset>
                {/* One carrier's shares are not open data: the tile server asks for a login. */}
                {loggedIn && (
                  <>
                    <label htmlFor="coverage-carrier">{t('map.coverageCarrier')}</label>
                    <select id="coverage-carrier" value={view.carrier ?? ''} onChange={(e) => onCarrier(e.target.value || null)}>
                      <option value="">{t('map.anyCarrier')}</option>
                      {carriers.map((c) => (
                        <option key={c.id} value={c.code}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  </>
                )}
                {carriersError && <ErrorMessage error={carriersError} />}
                <ul className="legend-items">
                  {view.mode !== 'HH_FIBRE' && (
                    <li>
                      <Swatch colour={PALETTE.belowTarget} /> {t('map.legend.belowTarget')}
                    </li>
                  )}
                  <li className="legend-ramp">
                    <span className="ramp" style={{ background: `linear-gradient(to right, ${ramp.map(([s, c]) => `${c} ${s * 100}%`).join(', ')})` }} aria-hidden="true" />
                    <span className="ramp-labels">
                      <span>{percent(0)}</span>
                      <span>{t('map.legend.share')}</span>
                      <span>{percent(1)}</span>
                    </span>
                  </li>
                  <li>
                    <Swatch colour={PALETTE.noData} /> {t('map.legend.noData')}
                  </li>
                </ul>
              </div>
            )}
            {on(overlay.id) && overlay.id === 'gaps' && (
              <ul className="legend-items">
                <li>
                  <Swatch colour={PALETTE.gapFill} /> {t('map.layer.gaps')}
                </li>
              </ul>
            )}
            {on(overlay.id) && overlay.id === 'sites' && (
              <ul className="legend-items">
                {carriers.map((c) => (
                  <li key={c.id}>
                    <Swatch colour={c.colour ?? PALETTE.unknownCarrier} shape="dot" /> {c.name}
                  </li>
                ))}
                <li>
                  <Swatch colour={PALETTE.sharedSiteRing} shape="ring" /> {t('map.legend.sharedSite')}
                </li>
              </ul>
            )}
            {on(overlay.id) && overlay.id === 'fibre' && (
              <ul className="legend-items">
                {Object.entries(PALETTE.fibreKind).map(([kind, colour]) => (
                  <li key={kind}>
                    <Swatch colour={colour} shape="line" /> {t(`kind.${kind as 'backbone'}`)}
                  </li>
                ))}
                <li>
                  <Swatch colour="#555" shape="line" /> {t('placement.conduit')} / {t('placement.tunnel')}
                </li>
                <li>
                  <Swatch colour="#555" shape="line" dashed /> {t('placement.aerial')}
                </li>
              </ul>
            )}
            {on(overlay.id) && overlay.id === 'zones' && (
              <ul className="legend-items">
                {Object.entries(PALETTE.zoneKind).map(([kind, colour]) => (
                  <li key={kind}>
                    <Swatch colour={colour} /> {t(`zone.${kind as 'no_build'}`)}
                  </li>
                ))}
              </ul>
            )}
            {on(overlay.id) && overlay.id === 'access-points' && (
              <ul className="legend-items">
                {Object.entries(PALETTE.accessPointKind).map(([kind, colour]) => (
                  <li key={kind}>
                    <Swatch colour={colour} shape="dot" /> {kind.toUpperCase()}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <p className="muted small">{t('map.attribution')}</p>
    </div>
  );
}
