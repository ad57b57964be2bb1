import type pg from 'pg';
import type { About, DatasetFacts } from '@registry/shared/schemas/about';

export interface AboutService {
  about(): Promise<About>;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const scalar = (v: unknown): number | string | null => (typeof v === 'number' || typeof v === 'string' ? v : null);

/** The stored `settings.dataset` value, projected to the public facts (row counts, checksums stay inside). */
export function datasetFacts(value: Json): DatasetFacts {
  const methods: Record<string, string> = {};
  if (value.methods && typeof value.methods === 'object') {
    for (const [k, v] of Object.entries(value.methods as Json)) if (typeof v === 'string') methods[k] = v;
  }
  return {
    name: str(value.name) ?? 'dataset',
    province: str(value.province),
    synthetic: value.synthetic === true,
    label: str(value.label),
    seed: scalar(value.seed),
    generatorVersion: scalar(value.generatorVersion),
    methods,
    attribution: Array.isArray(value.attribution) ? value.attribution.filter((a): a is string => typeof a === 'string') : [],
    loadedAt: str(value.loadedAt),
  };
}

export function createAboutService({ pool, basemapStyleUrl }: { pool: pg.Pool; basemapStyleUrl: string }): AboutService {
  return {
    async about() {
      const r = await pool.query<{ value: Json }>(`SELECT value FROM settings WHERE key = 'dataset'`);
      const row = r.rows[0];
      return {
        dataset: row ? datasetFacts(row.value) : null,
        settings: { basemapStyleUrl: basemapStyleUrl || null },
        links: { ogc: '/ogc', docs: '/docs', tiles: '/tiles' },
      };
    },
  };
}
