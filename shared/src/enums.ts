// Value sets used by the database CHECK constraints, the zod schemas and the
// client's forms. Defined once here so the three can never disagree.

export const ROLES = ['admin', 'planner', 'officer', 'carrier'] as const;
export type Role = (typeof ROLES)[number];
/** Anonymous callers are the public; they have no user row. */
export type Actor = Role | 'public';

export const TECHNOLOGIES = ['2G', '3G', '4G', '5G'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];
/** What coverage is computed for: two radio technologies and fibre-to-the-home. */
export const COVERAGE_TECHNOLOGIES = ['4G', '5G', 'FTTH'] as const;
export type CoverageTechnology = (typeof COVERAGE_TECHNOLOGIES)[number];

export const AREA_CLASSES = ['urban', 'suburban', 'rural'] as const;
export type AreaClass = (typeof AREA_CLASSES)[number];

export const LICENCE_KINDS = ['mobile', 'fixed', 'infrastructure'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];

/** Lifecycle of every physical asset. */
export const ASSET_STATUSES = ['planned', 'permitted', 'active', 'decommissioned'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const STRUCTURE_TYPES = ['greenfield_tower', 'rooftop', 'monopole', 'pole_mounted', 'small_cell', 'indoor'] as const;
export type StructureType = (typeof STRUCTURE_TYPES)[number];

export const FIBRE_ROUTE_KINDS = ['backbone', 'distribution', 'access', 'drop'] as const;
export type FibreRouteKind = (typeof FIBRE_ROUTE_KINDS)[number];

export const PLACEMENTS = ['aerial', 'conduit', 'direct_buried', 'tunnel'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const ACCESS_POINT_KINDS = ['cabinet', 'splitter', 'odp'] as const;
export type AccessPointKind = (typeof ACCESS_POINT_KINDS)[number];

export const TRENCH_KINDS = ['trench', 'utility_tunnel'] as const;
export type TrenchKind = (typeof TRENCH_KINDS)[number];

export const ZONE_KINDS = ['no_build', 'height_limit', 'underground_required', 'planned_tower_area'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

export const APPLICATION_KINDS = ['site', 'route'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

export const APPLICATION_STATUSES = ['draft', 'submitted', 'under_review', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const VERDICTS = ['pass', 'warn', 'fail'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const CO_USE_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn', 'expired'] as const;
export type CoUseStatus = (typeof CO_USE_STATUSES)[number];

export const CHANGE_ACTIONS = ['create', 'update', 'delete', 'decommission', 'transition', 'import'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

export const IMPORT_STATUSES = ['pending', 'validating', 'validated', 'committing', 'committed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const INDICATOR_KINDS = ['computed', 'reported'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Renders a value list as a SQL IN-list for CHECK constraints. Values are
 * compile-time constants from this file, never user input. */
export function sqlInList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
