import { z } from 'zod';
import { COVERAGE_TECHNOLOGIES } from '../enums';
import { LIMITS } from '../limits';
import { GeometryOut, Id, PointInput } from './registry-common';

// Coverage API: stored village results, roll-ups against the plan's targets,
// what-if previews, gap-closing suggestions and the model's parameters.

/** The plan's indicators the registry computes from stored coverage (kpi_indicators codes). */
export const COVERAGE_INDICATORS = {
  villagesMobileBroadband: 'villages_mobile_broadband_pct',
  villagesFtth: 'villages_ftth_pct',
  householdsFibreReady: 'households_fibre_ready_pct',
  btsSiteSharing: 'bts_site_sharing_pct',
} as const;

export const CoverageTechnology = z.enum(COVERAGE_TECHNOLOGIES);
/** Radio technologies a candidate site may carry (coverage is computed for 4G and 5G). */
export const RadioTechnology = z.enum(['4G', '5G']);
export const BandMHz = z.number().min(LIMITS.bandMinMHz).max(LIMITS.bandMaxMHz);
export const HeightM = z.number().gt(0).max(LIMITS.heightMaxMeters);

const boolParam = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const CoverageParameter = z.object({
  key: z.string(),
  value: z.number(),
  unit: z.string(),
  descriptionVi: z.string(),
  descriptionEn: z.string(),
  minValue: z.number().nullable(),
  maxValue: z.number().nullable(),
  updatedAt: z.string(),
});
export type CoverageParameter = z.infer<typeof CoverageParameter>;

/** The model's parameters and method, returned with every result. */
export const ModelDisclosure = z.object({
  parametersHash: z.string(),
  metricSrid: z.number().int(),
  parameters: z.record(z.string(), z.number()),
  method: z.string(),
});
export type ModelDisclosure = z.infer<typeof ModelDisclosure>;

export const CoverageParametersResponse = z.object({
  items: z.array(CoverageParameter),
  model: ModelDisclosure,
  lastFullRun: z.object({ id: z.number().int(), startedAt: z.string(), finishedAt: z.string().nullable(), parametersHash: z.string() }).nullable(),
});

export const UpdateCoverageParameterInput = z.strictObject({ value: z.number().finite() });
export const UpdateCoverageParametersInput = z.strictObject({
  values: z.record(z.string().min(1).max(LIMITS.codeMaxLength), z.number().finite()),
  /** Recompute all stored results now (default). */
  recompute: z.boolean().default(true),
});
export type UpdateCoverageParametersInput = z.infer<typeof UpdateCoverageParametersInput>;

export const VILLAGE_COVERAGE_SORTS = ['uncovered_desc', 'uncovered_asc', 'share_asc', 'share_desc', 'code'] as const;

export const VillageCoverageQuery = z.object({
  /** Any administrative unit (province, district, commune): villages inside it. */
  adminUnitId: z.coerce.number().int().positive().optional(),
  technology: CoverageTechnology.default('4G'),
  /** Results for one carrier instead of any carrier. */
  carrierId: z.coerce.number().int().positive().optional(),
  belowTarget: boolParam.optional(),
  sort: z.enum(VILLAGE_COVERAGE_SORTS).default('uncovered_desc'),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
export type VillageCoverageQuery = z.infer<typeof VillageCoverageQuery>;

export const VillageCoverageItem = z.object({
  id: z.number().int(),
  villageId: z.number().int(),
  code: z.string(),
  name: z.string(),
  communeId: z.number().int(),
  technology: CoverageTechnology,
  carrierId: z.number().int().nullable(),
  coveredUnits: z.number().int(),
  totalUnits: z.number().int(),
  uncoveredUnits: z.number().int(),
  share: z.number(),
  meetsTarget: z.boolean(),
  computedAt: z.string(),
  runId: z.number().int().nullable(),
});
export type VillageCoverageItem = z.infer<typeof VillageCoverageItem>;

export const VillageCoveragePage = z.object({
  items: z.array(VillageCoverageItem),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
  model: ModelDisclosure,
});

export const VillageCoverageShare = z.object({
  technology: CoverageTechnology,
  /** Null = any carrier. A carrier without a row covers no unit of the village. */
  carrierId: z.number().int().nullable(),
  carrierCode: z.string().nullable(),
  coveredUnits: z.number().int(),
  totalUnits: z.number().int(),
  share: z.number(),
  meetsTarget: z.boolean(),
  thresholdShare: z.number(),
  computedAt: z.string(),
});

export const CoverageContributor = z.object({
  kind: z.enum(['sector', 'access_point']),
  sourceId: z.number().int(),
  code: z.string(),
  siteId: z.number().int().nullable(),
  siteCode: z.string().nullable(),
  technology: CoverageTechnology,
  carrierId: z.number().int(),
  carrierCode: z.string(),
  rangeM: z.number().nullable(),
  footprintModel: z.string().nullable(),
  /** Units of this village inside this footprint or drop disc. */
  unitsReached: z.number().int(),
});

export const VillageCoverageDetail = z.object({
  village: z.object({ id: z.number().int(), code: z.string(), name: z.string(), communeId: z.number().int(), areaClass: z.string(), totalUnits: z.number().int() }),
  shares: z.array(VillageCoverageShare),
  /** Uncovered part of the village per technology (any carrier); null when nothing is left uncovered. */
  gaps: z.record(z.string(), GeometryOut.nullable()),
  /** Sites, sectors and access points reaching the village (logged-in users only). */
  contributors: z.array(CoverageContributor).nullable(),
  model: ModelDisclosure,
});
export type VillageCoverageDetail = z.infer<typeof VillageCoverageDetail>;

export const CoverageSummaryQuery = z.object({
  /** Level code of admin_levels (e.g. province, district, commune); default the top level. */
  level: z.string().min(1).max(LIMITS.codeMaxLength).optional(),
  /** Only units under this one. */
  parentId: z.coerce.number().int().positive().optional(),
  /** Target year; default the latest year with a target. */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /**
   * Only units valid on this date (YYYY-MM-DD): e.g. 2025-06-30 for the plan's 2023–2025 units, today for the
   * two-tier units of 1 July 2025. Absent: units of every period, as before the parameter existed.
   */
  asOf: z.iso.date({ message: 'invalid_format: a calendar date as YYYY-MM-DD' }).optional(),
});
export type CoverageSummaryQuery = z.infer<typeof CoverageSummaryQuery>;

export const IndicatorValue = z.object({
  code: z.string(),
  value: z.number().nullable(),
  numerator: z.number(),
  denominator: z.number(),
  target: z.number().nullable(),
  targetYear: z.number().int().nullable(),
  meetsTarget: z.boolean().nullable(),
});

/** A unit's validity (YYYY-MM-DD; validTo null: still valid). */
export const UnitPeriod = z.object({ validFrom: z.string(), validTo: z.string().nullable() });
export type UnitPeriod = z.infer<typeof UnitPeriod>;

/**
 * Which administrative scheme a summary's units are of: the date asked for and the validity periods of the units
 * listed, e.g. 2020-01-01 to 2025-06-30 for the plan's 2023–2025 units, 2025-07-01 onwards for the two-tier units.
 */
export const SummaryScheme = z.object({
  /** The units are those valid on this date (the query's asOf); null: units of every period. */
  asOf: z.string().nullable(),
  /** The distinct validity periods of the listed units, earliest first; two or more only without asOf. */
  periods: z.array(UnitPeriod),
});

export const CoverageSummary = z.object({
  level: z.string(),
  scheme: SummaryScheme,
  units: z.array(z.object({ adminUnitId: z.number().int(), code: z.string(), name: z.string(), level: z.string(), indicators: z.array(IndicatorValue) })),
  computedAt: z.string().nullable(),
  model: ModelDisclosure,
});
export type CoverageSummary = z.infer<typeof CoverageSummary>;

export const CandidateSector = z.strictObject({
  azimuthDeg: z.number().min(0).max(LIMITS.azimuthMaxDeg),
  beamwidthDeg: z.number().gt(0).max(LIMITS.beamwidthMaxDeg).optional(),
  antennaHeightM: HeightM.optional(),
  technology: RadioTechnology.optional(),
  bandMhz: BandMHz.optional(),
  maplDb: z.number().min(LIMITS.maplMinDb).max(LIMITS.maplMaxDb).optional(),
});

export const WhatIfInput = z.strictObject({
  geometry: PointInput,
  /** Antenna height above ground, metres (0 < h ≤ 300). */
  heightM: HeightM,
  technology: RadioTechnology,
  bandMhz: BandMHz,
  /** Carrier that would operate it; results are also given for that carrier. */
  carrierId: Id.optional(),
  /** Empty or absent: one omnidirectional antenna. */
  sectors: z.array(CandidateSector).max(12).default([]),
});
export type WhatIfInput = z.infer<typeof WhatIfInput>;

export const CandidateFootprint = z.object({
  technology: RadioTechnology,
  bandMhz: z.number(),
  azimuthDeg: z.number(),
  beamwidthDeg: z.number(),
  antennaHeightM: z.number(),
  maplDb: z.number(),
  rangeM: z.number(),
  model: z.string(),
  geometry: GeometryOut,
});

export const WhatIfVillage = z.object({
  villageId: z.number().int(),
  code: z.string(),
  name: z.string(),
  technology: CoverageTechnology,
  /** Null = any carrier. */
  carrierId: z.number().int().nullable(),
  totalUnits: z.number().int(),
  coveredBefore: z.number().int(),
  coveredAfter: z.number().int(),
  newlyCoveredUnits: z.number().int(),
  shareBefore: z.number(),
  shareAfter: z.number(),
  thresholdShare: z.number(),
  meetsTargetBefore: z.boolean(),
  meetsTargetAfter: z.boolean(),
  reachesTarget: z.boolean(),
});

export const WhatIfResult = z.object({
  areaClass: z.string(),
  footprints: z.array(CandidateFootprint),
  villages: z.array(WhatIfVillage),
  newlyCoveredUnits: z.record(z.string(), z.number().int()),
  villagesReachingTarget: z.array(z.number().int()),
  model: ModelDisclosure,
});
export type WhatIfResult = z.infer<typeof WhatIfResult>;

export const SuggestionsInput = z
  .strictObject({
    adminUnitId: Id.optional(),
    villageIds: z.array(Id).min(1).max(2000).optional(),
    technology: RadioTechnology.default('4G'),
    bandMhz: BandMHz.default(1800),
    carrierId: Id.optional(),
    maxPicks: z.number().int().min(1).max(100).optional(),
    gridSpacingM: z.number().min(100).max(10_000).optional(),
    newMastHeightM: HeightM.optional(),
  })
  .refine((v) => v.adminUnitId !== undefined || v.villageIds !== undefined, { message: 'required: give adminUnitId or villageIds', path: ['adminUnitId'] });
export type SuggestionsInput = z.infer<typeof SuggestionsInput>;

export const SuggestionPick = z.object({
  rank: z.number().int(),
  kind: z.enum(['sharing', 'grid', 'cluster']),
  /** The existing structure to share (kind sharing). */
  siteId: z.number().int().nullable(),
  siteCode: z.string().nullable(),
  spareTenantSlots: z.number().int().nullable(),
  geometry: GeometryOut,
  antennaHeightM: z.number(),
  rangeM: z.number(),
  model: z.string(),
  newlyCoveredUnits: z.number().int(),
  cumulativeUnits: z.number().int(),
});

export const SuggestionsResult = z.object({
  method: z.object({
    algorithm: z.string(),
    guarantee: z.string(),
    phases: z.array(z.string()),
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
    candidates: z.object({ sharing: z.number().int(), grid: z.number().int(), cluster: z.number().int() }),
    uncoveredUnits: z.number().int(),
  }),
  picks: z.array(SuggestionPick),
  villages: z.array(
    z.object({
      villageId: z.number().int(),
      code: z.string(),
      name: z.string(),
      totalUnits: z.number().int(),
      shareBefore: z.number(),
      shareAfter: z.number(),
      thresholdShare: z.number(),
      reachesTarget: z.boolean(),
    }),
  ),
  model: ModelDisclosure,
});
export type SuggestionsResult = z.infer<typeof SuggestionsResult>;
