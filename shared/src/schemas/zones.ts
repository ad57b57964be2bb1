import { z } from 'zod';
import { ZONE_KINDS } from '../enums';
import { Code, GeometryOut, IsoDate, LongText, Meta, Name, Version, ZoneGeometryInput, responseOf } from './registry-common';

// Planning zones are public planning information: everyone reads them;
// planners and admins maintain them.

export const Zone = z.object({
  ...Meta,
  code: z.string(),
  name: z.string(),
  kind: z.enum(ZONE_KINDS),
  geometry: GeometryOut,
  maxHeightM: z.number().nullable(),
  bufferM: z.number().nullable(),
  legalBasis: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
});
export type Zone = z.infer<typeof Zone>;
export const ZoneResponse = responseOf(Zone, Zone, Zone);

const zoneFields = {
  code: Code,
  name: Name,
  kind: z.enum(ZONE_KINDS),
  geometry: ZoneGeometryInput,
  maxHeightM: z.number().gt(0).max(1000).nullable().optional(),
  bufferM: z.number().min(0).max(1000).nullable().optional(),
  legalBasis: LongText.nullable().optional(),
  validFrom: IsoDate.nullable().optional(),
  validTo: IsoDate.nullable().optional(),
};
const heightRule = (v: { kind?: string; maxHeightM?: number | null }) => v.kind === undefined || (v.kind === 'height_limit') === (v.maxHeightM !== undefined && v.maxHeightM !== null);
const heightIssue = { message: 'required: maxHeightM is required for height_limit zones and only for them', path: ['maxHeightM'] };
export const CreateZoneInput = z.strictObject(zoneFields).refine(heightRule, heightIssue);
export type CreateZoneInput = z.infer<typeof CreateZoneInput>;
export const UpdateZoneInput = z.strictObject(zoneFields).partial().extend({ version: Version.optional() });
