import { z } from 'zod';
import { AREA_CLASSES } from '../enums';
import { AreaInput, Code, GeometryOut, Id, IsoDate, Meta, Name, Version, responseOf } from './registry-common';

// Administrative units are public reference data; planners and admins maintain them.

export const AdminUnit = z.object({
  ...Meta,
  code: z.string(),
  name: z.string(),
  unitType: z.string(),
  level: z.string(),
  parentId: z.number().int().nullable(),
  geometry: GeometryOut.nullable(),
  population: z.number().int().nullable(),
  populationYear: z.number().int().nullable(),
  households: z.number().int().nullable(),
  areaClass: z.enum(AREA_CLASSES).nullable(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  source: z.string(),
});
export type AdminUnit = z.infer<typeof AdminUnit>;
export const AdminUnitResponse = responseOf(AdminUnit, AdminUnit, AdminUnit);

const unitFields = {
  code: Code,
  name: Name,
  unitType: Name,
  level: z.string().trim().min(1).max(40),
  parentId: Id.nullable().optional(),
  geometry: AreaInput.nullable().optional(),
  population: z.number().int().min(0).nullable().optional(),
  populationYear: z.number().int().min(1900).max(2100).nullable().optional(),
  households: z.number().int().min(0).nullable().optional(),
  areaClass: z.enum(AREA_CLASSES).nullable().optional(),
  validFrom: IsoDate,
  validTo: IsoDate.nullable().optional(),
  source: Name,
};
export const CreateAdminUnitInput = z.strictObject(unitFields);
export type CreateAdminUnitInput = z.infer<typeof CreateAdminUnitInput>;
export const UpdateAdminUnitInput = CreateAdminUnitInput.partial().extend({ version: Version.optional() });
