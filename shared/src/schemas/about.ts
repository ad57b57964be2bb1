import { z } from 'zod';

// GET /api/about: what dataset is loaded (the demo dataset says it is
// synthetic), its sources and licences, and the client's settings.
export const DatasetFacts = z.object({
  name: z.string(),
  province: z.string().nullable(),
  synthetic: z.boolean(),
  /** "synthetic demo data" for the generated demo dataset. */
  label: z.string().nullable(),
  seed: z.union([z.number(), z.string()]).nullable(),
  generatorVersion: z.union([z.number(), z.string()]).nullable(),
  /** How each kind of row was made (generated datasets). */
  methods: z.record(z.string(), z.string()),
  /** Sources and licences, one line each. */
  attribution: z.array(z.string()),
  loadedAt: z.string().nullable(),
});
export type DatasetFacts = z.infer<typeof DatasetFacts>;

export const About = z.object({
  /** Null when no dataset is loaded. */
  dataset: DatasetFacts.nullable(),
  settings: z.object({
    /** Optional external basemap style; null = the registry's own vector tiles only. */
    basemapStyleUrl: z.string().nullable(),
  }),
  links: z.object({ ogc: z.string(), docs: z.string(), tiles: z.string() }),
});
export type About = z.infer<typeof About>;
