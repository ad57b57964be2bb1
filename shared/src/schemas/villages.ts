import { z } from 'zod';
import { AREA_CLASSES } from '../enums';
import { AreaInput, Code, GeometryOut, Id, Meta, Name, PointInput, Version, responseOf } from './registry-common';

// Villages are public reference data. Locations (households, buildings) are
// read by logged-in users only: they are where people live.

export const Village = z.object({
  ...Meta,
  code: z.string(),
  name: z.string(),
  communeId: z.number().int(),
  geometry: GeometryOut,
  population: z.number().int(),
  households: z.number().int(),
  areaClass: z.enum(AREA_CLASSES),
  mountainous: z.boolean(),
  synthetic: z.boolean(),
});
export type Village = z.infer<typeof Village>;
export const VillageResponse = responseOf(Village, Village, Village);

const villageFields = {
  code: Code,
  name: Name,
  communeId: Id,
  geometry: AreaInput,
  population: z.number().int().min(0).optional(),
  households: z.number().int().min(0).optional(),
  areaClass: z.enum(AREA_CLASSES),
  mountainous: z.boolean().optional(),
};
export const CreateVillageInput = z.strictObject(villageFields);
export type CreateVillageInput = z.infer<typeof CreateVillageInput>;
export const UpdateVillageInput = CreateVillageInput.partial().extend({ version: Version.optional() });

export const LOCATION_KINDS = ['household', 'business', 'public', 'other'] as const;
export const Location = z.object({
  ...Meta,
  code: z.string(),
  villageId: z.number().int(),
  geometry: GeometryOut,
  units: z.number().int(),
  kind: z.enum(LOCATION_KINDS),
  synthetic: z.boolean(),
});
export type Location = z.infer<typeof Location>;
export const LocationResponse = responseOf(Location, Location);

const locationFields = {
  code: Code,
  villageId: Id,
  geometry: PointInput,
  units: z.number().int().min(1).max(100_000).optional(),
  kind: z.enum(LOCATION_KINDS).optional(),
};
export const CreateLocationInput = z.strictObject(locationFields);
export type CreateLocationInput = z.infer<typeof CreateLocationInput>;
export const UpdateLocationInput = CreateLocationInput.partial().extend({ version: Version.optional() });
