import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Feature } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import { FIBRE_ROUTE_KINDS, PLACEMENTS, type FibreRouteKind, type Placement } from '@registry/shared/enums';
import { LIMITS } from '@registry/shared/limits';
import { Proposal } from '@registry/shared/schemas/permits';
import { ErrorMessage } from '../../components/status';
import { useT2 } from '../../i18n/part2.translate';
import type { RegistryMap } from '../../map/registry-map';
import { OverlayMapFrame, useOverlayMap } from '../../map/overlay-map';
import { DEFAULT_VIEW, type MapView } from '../../map/url-state';
import { zodFieldErrors, type FieldErrors } from '../dashboard/form-errors';
import { evidenceFeatures } from '../officer/desk-page';
import { CoUseRequestForm } from './co-use';
import { FiledNotice, PrecheckReport, useApplicationFiling, useCapacityText } from './application-filing';
import { SNAP_TOLERANCE_PX, lineLengthMeters, snapVertex, type RouteVertex, type SnapCandidate } from './route-snap';

// A route application (fibre route, in conduit, trench or aerial): the carrier
// draws the line vertex by vertex on the registry map; a click within
// SNAP_TOLERANCE_PX of a drawn pole or manhole snaps to it (queryRenderedFeatures
// on their layers). Before filing, the live pre-check and the structures with
// spare capacity along the line (poles, conduits, trenches) are drawn on the map.

const SOURCE = 'route-draw';
const SNAP_LAYERS = ['poles-circle', 'manholes-circle'];
const LAYER_OF: Record<string, string> = { 'poles-circle': 'poles', 'manholes-circle': 'manholes' };
const LAYERS: LayerSpecification[] = [
  { id: 'rd-buffer', type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': ['match', ['get', 'role'], 'zone', '#c0262d', '#0b57d0'], 'fill-opacity': 0.12 } },
  { id: 'rd-evidence-line', type: 'line', source: SOURCE, filter: ['all', ['==', ['geometry-type'], 'LineString'], ['!=', ['get', 'role'], 'proposal']], paint: { 'line-color': '#1f8a70', 'line-width': 5, 'line-opacity': 0.7 } },
  { id: 'rd-line', type: 'line', source: SOURCE, filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'role'], 'proposal']], paint: { 'line-color': '#111', 'line-width': 3, 'line-dasharray': [2, 1] } },
  { id: 'rd-capacity', type: 'circle', source: SOURCE, filter: ['all', ['==', ['geometry-type'], 'Point'], ['!=', ['get', 'role'], 'vertex']], paint: { 'circle-radius': 7, 'circle-color': '#1f8a70', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
  { id: 'rd-vertex', type: 'circle', source: SOURCE, filter: ['==', ['get', 'role'], 'vertex'], paint: { 'circle-radius': 6, 'circle-color': ['case', ['get', 'snapped'], '#e8893a', '#111'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
  { id: 'rd-label', type: 'symbol', source: SOURCE, filter: ['has', 'label'], layout: { 'text-field': ['get', 'label'], 'text-size': 11, 'text-offset': [0, 1.2], 'text-anchor': 'top' }, paint: { 'text-color': '#111', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
];

/** Where the default dataset's poles begin; the map starts close enough to draw them. */
const START = { zoom: 16, lat: 21.2448, lon: 106.1075 };

const VIEW = { ...DEFAULT_VIEW, camera: START, overlays: ['coverage', 'poles', 'manholes', 'conduits', 'trenches', 'fibre', 'zones'] as MapView['overlays'] };

/** Placing mode: every map click is a vertex, snapped to a pole or manhole drawn near it. */
function snappedVertex(lonLat: [number, number], registryMap: RegistryMap): RouteVertex {
  const m = registryMap.map;
  const p = m.project(lonLat);
  const layers = SNAP_LAYERS.filter((id) => m.getLayer(id));
  const r = SNAP_TOLERANCE_PX;
  const found = layers.length ? m.queryRenderedFeatures([[p.x - r, p.y - r], [p.x + r, p.y + r]], { layers }) : [];
  const candidates: SnapCandidate[] = found.flatMap((f) => {
    if (f.geometry.type !== 'Point') return [];
    const ll = f.geometry.coordinates as [number, number];
    const q = m.project(ll);
    return [{ x: q.x, y: q.y, lonLat: ll, layer: LAYER_OF[f.layer.id] ?? f.layer.id, id: Number(f.id ?? f.properties?.id), code: (f.properties?.code as string | undefined) ?? null }];
  });
  return snapVertex({ x: p.x, y: p.y, lonLat }, candidates);
}

function DrawMap({ features, onVertex }: { features: Feature[]; onVertex: (v: RouteVertex) => void }) {
  const overlay = useOverlayMap({ view: VIEW, source: SOURCE, layers: LAYERS, features, onPick: (lonLat, map) => onVertex(snappedVertex(lonLat, map)), handle: '__routeMap' });
  const { map, ready } = overlay;
  useEffect(() => {
    if (ready) map?.setPlacing(true);
  }, [map, ready]);
  return <OverlayMapFrame overlay={overlay} testId="route-map" />;
}

export function RouteApplication({ onFiled }: { onFiled: () => void }) {
  const { t2, locale, number } = useT2();
  const [vertices, setVertices] = useState<RouteVertex[]>([]);
  const [kind, setKind] = useState<FibreRouteKind>('access');
  const [placement, setPlacement] = useState<Placement>('aerial');
  const [fibreCount, setFibreCount] = useState('24');
  const [name, setName] = useState('');
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [asking, setAsking] = useState<string | null>(null);
  const filing = useApplicationFiling(onFiled);
  const { report, nearby, filed, error, busy } = filing;
  const capacityText = useCapacityText();

  const coords = vertices.map((v) => v.lonLat);
  const lengthM = lineLengthMeters(coords);

  function changed(next: RouteVertex[]) {
    setVertices(next);
    filing.reset();
  }

  function proposal() {
    const body = {
      kind: 'route' as const,
      geometry: { type: 'LineString' as const, coordinates: coords },
      facts: { kind, fibreCount: Number(fibreCount), segments: coords.slice(1).map(() => ({ placement })), ...(name.trim() ? { name: name.trim() } : {}) },
      ...(justification.trim() ? { justification: justification.trim() } : {}),
    };
    const parsed = Proposal.safeParse(body);
    const fe: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error, locale);
    if (coords.length < 2) fe['geometry.coordinates'] = t2('carrier.route.needTwo');
    setErrors(fe);
    return Object.keys(fe).length === 0 && parsed.success ? parsed.data : null;
  }

  function precheck() {
    const p = proposal();
    if (p) void filing.precheck(p, { radiusM: 200, kinds: ['pole', 'conduit', 'trench'], limit: 50 });
  }

  function file(event: FormEvent) {
    event.preventDefault();
    const p = proposal();
    if (p) void filing.file(p);
  }

  const features = useMemo<Feature[]>(() => {
    const out: Feature[] = [];
    if (report) out.push(...evidenceFeatures(null, report.checks, null).filter((f) => f.properties?.role !== 'proposal'));
    for (const s of nearby) out.push({ type: 'Feature', geometry: s.geometry as unknown as Feature['geometry'], properties: { role: 'capacity', label: `${s.code} (${s.capacityFree})` } });
    if (coords.length >= 2) out.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: coords }, properties: { role: 'proposal' } });
    vertices.forEach((v, i) => out.push({ type: 'Feature', geometry: { type: 'Point', coordinates: v.lonLat }, properties: { role: 'vertex', snapped: v.snappedTo !== null, label: v.snappedTo?.code ?? String(i + 1) } }));
    return out;
  }, [report, nearby, vertices, coords]);

  const err = (path: string) =>
    errors[path] && (
      <span className="p2-field-error" role="alert" data-testid={`error-${path}`}>
        {errors[path]}
      </span>
    );

  return (
    <div className="p2-desk-grid">
      <form className="p2-card form" onSubmit={file} noValidate data-testid="route-form">
        <h2>{t2('carrier.route.title')}</h2>
        <p className="small">{t2('carrier.route.hint', { px: SNAP_TOLERANCE_PX })}</p>
        <p data-testid="route-vertices">{t2('carrier.route.vertices', { n: vertices.length, m: number(lengthM, 0) })}</p>
        {vertices.length > 0 && (
          <ol className="small p2-vertex-list">
            {vertices.map((v, i) => (
              <li key={i} data-snapped={v.snappedTo ? v.snappedTo.code ?? v.snappedTo.id : undefined}>
                {v.lonLat[1].toFixed(5)}, {v.lonLat[0].toFixed(5)} {v.snappedTo && <strong>— {t2('carrier.route.snapped', { code: v.snappedTo.code ?? `#${v.snappedTo.id}` })}</strong>}
              </li>
            ))}
          </ol>
        )}
        <div className="p2-actions">
          <button type="button" onClick={() => changed(vertices.slice(0, -1))} disabled={vertices.length === 0}>
            {t2('carrier.route.undo')}
          </button>
          <button type="button" onClick={() => changed([])} disabled={vertices.length === 0}>
            {t2('carrier.route.clear')}
          </button>
        </div>
        {err('geometry.coordinates')}
        <label htmlFor="route-kind">{t2('carrier.route.kind')}</label>
        <select id="route-kind" value={kind} onChange={(e) => setKind(e.target.value as FibreRouteKind)}>
          {FIBRE_ROUTE_KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <label htmlFor="route-placement">{t2('carrier.route.placement')}</label>
        <select id="route-placement" value={placement} onChange={(e) => setPlacement(e.target.value as Placement)}>
          {PLACEMENTS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <label htmlFor="route-fibres">{t2('carrier.route.fibreCount')}</label>
        <input id="route-fibres" inputMode="numeric" value={fibreCount} onChange={(e) => setFibreCount(e.target.value)} aria-invalid={errors['facts.fibreCount'] ? true : undefined} />
        {err('facts.fibreCount')}
        <label htmlFor="route-name">{t2('carrier.route.name')}</label>
        <input id="route-name" value={name} maxLength={LIMITS.nameMaxLength} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="route-justification">{t2('carrier.justification')}</label>
        <textarea id="route-justification" rows={2} value={justification} onChange={(e) => setJustification(e.target.value)} />
        {error && <ErrorMessage error={error} />}
        <div className="p2-actions">
          <button type="button" onClick={precheck} disabled={busy} data-testid="route-precheck">
            {t2('carrier.precheck')}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="route-file">
            {t2('carrier.file')}
          </button>
        </div>
        {filed && <FiledNotice filed={filed} testId="route-filed" />}
        {report && <PrecheckReport report={report} testId="route-precheck-report" />}
        {nearby.length > 0 && (
          <div data-testid="route-nearby">
            <h3>{t2('carrier.nearby')}</h3>
            <ul className="small">
              {nearby.map((s) => (
                <li key={`${s.kind}${s.id}`}>
                  <strong>{s.code}</strong> ({s.kind}, {s.owner.code}) — {capacityText(s)}{' '}
                  <button type="button" className="p2-link" onClick={() => setAsking(`${s.kind}:${s.id}`)}>
                    {t2('carrier.requestCoUse')}
                  </button>
                  {asking === `${s.kind}:${s.id}` && <CoUseRequestForm kind={s.kind} id={s.id} code={s.code} />}
                </li>
              ))}
            </ul>
          </div>
        )}
      </form>
      <DrawMap features={features} onVertex={(v) => changed([...vertices, v])} />
    </div>
  );
}
