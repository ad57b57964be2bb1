import { useEffect, useState } from 'react';
import type { FeatureCollection, Geometry } from 'geojson';
import { COVERAGE_TECHNOLOGIES, type CoverageTechnology } from '@registry/shared/enums';
import { api, type ApiError } from '../../api/client';
import { useResource } from '../../api/use-resource';
import type { AdminUnit, Carrier, Page, SuggestionsResult, VillageCoverageDetail, VillageCoverageItem, VillageCoveragePage } from '../../api/types';
import { Async, ErrorMessage } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import type { CoverageMode } from '../../map/overlays';
import { bboxOfGeometry } from '../../lib/geo/bbox';
import type { MapControls } from '../map/map-page';
import { VillageTable } from './village-table';

import { belowTargetPath, technologyOfMode } from './below-target-query';
import { takePrefetched } from '../../api/prefetch';

export { technologyOfMode };

interface Props {
  controls: MapControls;
  mode: CoverageMode;
  carrierCode: string | null;
  carriers: Carrier[];
}

/** Ranked gap-closing placements as map points labelled with rank and households added. */
export function suggestionsToFeatures(result: SuggestionsResult): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: result.picks.map((p) => ({
      type: 'Feature',
      id: p.rank,
      properties: { rank: p.rank, households: p.newlyCoveredUnits, kind: p.kind, siteCode: p.siteCode },
      geometry: p.geometry as unknown as Geometry,
    })),
  };
}

/** Flagged villages sorted by uncovered households; a row zooms the map to the village and draws its gap. */
export function BelowTargetPanel({ controls, mode, carrierCode, carriers }: Props) {
  const { t, number, percent } = useI18n();
  const [technology, setTechnology] = useState<CoverageTechnology>(technologyOfMode(mode));
  const [districtId, setDistrictId] = useState<number | null>(null);
  const [rowError, setRowError] = useState<ApiError | null>(null);
  const [activeRow, setActiveRow] = useState<number | null>(null);
  const [suggestions, setSuggestions] = useState<SuggestionsResult | null>(null);
  const [suggesting, setSuggesting] = useState(false);
  const [suggestError, setSuggestError] = useState<ApiError | null>(null);
  const carrierId = carriers.find((c) => c.code === carrierCode)?.id ?? null;

  const districts = useResource<Page<AdminUnit>>('districts', (signal) => api('/api/admin-units', { signal, query: { level: 'district', limit: 1000, sort: 'name' } }));
  const key = `below/${technology}/${districtId ?? ''}/${carrierId ?? ''}`;
  const query = { technology, adminUnitId: districtId, carrierId };
  const villages = useResource<VillageCoveragePage>(key, (signal) => {
    const path = belowTargetPath(query);
    return takePrefetched<VillageCoveragePage>(path) ?? api(path, { signal });
  });
  // Pages after the first, appended by "show more"; dropped when the filters change.
  const [more, setMore] = useState<{ key: string; items: VillageCoverageItem[]; nextCursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => {
    setMore(null);
    setMoreError(null);
  }, [key]);
  const extra = more?.key === key ? more : null;
  const nextCursor = extra ? extra.nextCursor : (villages.data?.nextCursor ?? null);

  async function showMore() {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api<VillageCoveragePage>(belowTargetPath({ ...query, cursor: nextCursor }));
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (e) {
      setMoreError(e as ApiError);
    } finally {
      setLoadingMore(false);
    }
  }

  /** Every flagged village's id (up to the suggestion service's 2,000), fetched when not all are listed yet. */
  async function flaggedIds(): Promise<number[]> {
    const listed = [...(villages.data?.items ?? []), ...(extra?.items ?? [])].map((v) => v.villageId);
    if (!nextCursor) return listed;
    const ids = [...listed];
    let cursor: string | null = nextCursor;
    while (cursor && ids.length < 2000) {
      const page: VillageCoveragePage = await api<VillageCoveragePage>(belowTargetPath({ ...query, limit: 1000, cursor }));
      ids.push(...page.items.map((v) => v.villageId));
      cursor = page.nextCursor;
    }
    return ids;
  }

  async function zoomToVillage(villageId: number) {
    setActiveRow(villageId);
    setRowError(null);
    try {
      const detail = await api<VillageCoverageDetail>(`/api/coverage/villages/${villageId}`);
      const gap = (detail.gaps[technology] ?? null) as Geometry | null;
      controls.showGap(gap);
      let box = bboxOfGeometry(gap);
      if (!box) box = bboxOfGeometry((await api<{ geometry: Geometry }>(`/api/villages/${villageId}`)).geometry);
      if (box) controls.zoomTo(box, 14);
      controls.select({ selection: { layer: 'villages', id: villageId }, properties: { name: detail.village.name, code: detail.village.code }, geometry: null });
    } catch (e) {
      setRowError(e as ApiError);
    }
  }

  async function suggest() {
    setSuggesting(true);
    setSuggestError(null);
    try {
      const body = districtId ? { adminUnitId: districtId } : { villageIds: (await flaggedIds()).slice(0, 2000) };
      const result = await api<SuggestionsResult>('/api/coverage/suggestions', {
        method: 'POST',
        body: { ...body, technology: technology === 'FTTH' ? '4G' : technology, ...(carrierId ? { carrierId } : {}) },
      });
      setSuggestions(result);
      controls.setSuggestions(suggestionsToFeatures(result));
    } catch (e) {
      setSuggestError(e as ApiError);
    } finally {
      setSuggesting(false);
    }
  }

  return (
    <div className="below-target" data-testid="below-target">
      <h2 className="panel-title">{t('planner.belowTarget')}</h2>
      <div className="filters">
        <div>
          <label htmlFor="below-district">{t('planner.district')}</label>
          <select id="below-district" value={districtId ?? ''} onChange={(e) => setDistrictId(e.target.value ? Number(e.target.value) : null)}>
            <option value="">{t('planner.allDistricts')}</option>
            {districts.data?.items.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          {districts.error && <ErrorMessage error={districts.error} onRetry={districts.reload} />}
        </div>
        <div>
          <label htmlFor="below-technology">{t('planner.technology')}</label>
          <select id="below-technology" value={technology} onChange={(e) => setTechnology(e.target.value as CoverageTechnology)}>
            {COVERAGE_TECHNOLOGIES.map((tech) => (
              <option key={tech} value={tech}>
                {tech}
              </option>
            ))}
          </select>
        </div>
      </div>
      {rowError && <ErrorMessage error={rowError} />}
      <Async resource={villages}>
        {(page) => (
          <>
            <p className="muted small" data-testid="below-count" data-total={page.total}>
              {t('planner.count', { count: page.total })}
            </p>
            <VillageTable testId="below-table" numericColumns={[t('planner.uncoveredHouseholds'), t('planner.share')]}>
              {[...page.items, ...(extra?.items ?? [])].map((v) => (
                <tr key={v.villageId} className={activeRow === v.villageId ? 'active' : ''} data-village-id={v.villageId}>
                  <td>
                    <button type="button" className="link" onClick={() => void zoomToVillage(v.villageId)} aria-label={t('planner.zoomTo', { name: v.name })}>
                      {v.name}
                    </button>
                    <span className="muted small"> {v.code}</span>
                  </td>
                  <td className="num">{number(v.uncoveredUnits)}</td>
                  <td className="num">{percent(v.share)}</td>
                </tr>
              ))}
            </VillageTable>
            {moreError && <ErrorMessage error={moreError} onRetry={() => void showMore()} />}
            {nextCursor && (
              <button type="button" onClick={() => void showMore()} disabled={loadingMore} data-testid="below-more">
                {loadingMore ? t('status.loading') : t('planner.showMore', { shown: page.items.length + (extra?.items.length ?? 0), count: page.total })}
              </button>
            )}
          </>
        )}
      </Async>
      <h3>{t('planner.suggestions')}</h3>
      <button type="button" onClick={() => void suggest()} disabled={suggesting || !villages.data}>
        {suggesting ? t('planner.running') : t('planner.showSuggestions')}
      </button>
      {suggestError && <ErrorMessage error={suggestError} />}
      {suggestions && (
        <table className="table compact" data-testid="suggestions-table">
          <thead>
            <tr>
              <th scope="col">{t('planner.rank')}</th>
              <th scope="col">{t('panel.code')}</th>
              <th scope="col" className="num">
                {t('planner.addsHouseholds')}
              </th>
            </tr>
          </thead>
          <tbody>
            {suggestions.picks.map((p) => (
              <tr key={p.rank}>
                <td>{p.rank}</td>
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      const box = bboxOfGeometry(p.geometry as unknown as Geometry);
                      if (box) controls.zoomTo(box, 13);
                    }}
                  >
                    {p.siteCode ?? p.kind}
                  </button>
                </td>
                <td className="num">+{number(p.newlyCoveredUnits)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
