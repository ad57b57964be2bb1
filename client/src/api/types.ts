// Response types of the endpoints the client reads. Type-only imports from the
// shared schemas: the zod runtime stays out of the browser bundle.
import type { z } from 'zod';
import type * as coverage from '@registry/shared/schemas/coverage';
import type * as carriers from '@registry/shared/schemas/carriers';
import type * as adminUnits from '@registry/shared/schemas/admin-units';
import type * as history from '@registry/shared/schemas/history';

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export type VillageCoveragePage = z.infer<typeof coverage.VillageCoveragePage>;
export type VillageCoverageItem = VillageCoveragePage['items'][number];
export type VillageCoverageDetail = z.infer<typeof coverage.VillageCoverageDetail>;
export type CoverageSummary = z.infer<typeof coverage.CoverageSummary>;
export type WhatIfResult = z.infer<typeof coverage.WhatIfResult>;
export type WhatIfInput = z.input<typeof coverage.WhatIfInput>;
export type SuggestionsResult = z.infer<typeof coverage.SuggestionsResult>;
export type CoverageParametersResponse = z.infer<typeof coverage.CoverageParametersResponse>;
export type Carrier = z.infer<typeof carriers.CarrierResponse>;
export type AdminUnit = z.infer<typeof adminUnits.AdminUnitResponse>;
export type ChangeLogEntry = z.infer<typeof history.ChangeLogEntry>;
