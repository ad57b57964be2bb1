import { z } from 'zod';
import { TRENCH_KINDS } from '../enums';
import { LIMITS } from '../limits';
import { AssetStatus, Code, GeometryOut, Id, IsoDate, LineStringInput, Meta, PointInput, Version, responseOf } from './registry-common';

// Shared passive infrastructure (poles, manholes, conduits, trenches and
// utility tunnels) and per-tenant occupancy. Carriers consult others'
// structures (location, type, height, free capacity) before they build;
// occupancy contracts are confidential to the two parties and staff.

const owned = {
  ...Meta,
  code: z.string(),
  ownerCarrierId: z.number().int(),
  ownerCarrierCode: z.string(),
  geometry: GeometryOut,
  status: AssetStatus,
  synthetic: z.boolean(),
};
const ownedInput = {
  code: Code,
  ownerCarrierId: Id.optional(),
  status: AssetStatus.optional(),
};

export const CreateOccupancyInput = z.strictObject({
  /** Defaults to the caller's carrier. */
  carrierId: Id.optional(),
  slot: z.string().trim().min(1).max(LIMITS.codeMaxLength).nullable().optional(),
  count: z.number().int().min(1).max(LIMITS.ductsMax).optional(),
  since: IsoDate.optional(),
  until: IsoDate.nullable().optional(),
  contractRef: z.string().max(LIMITS.nameMaxLength).nullable().optional(),
});
/** Occupancy rows written with their structure, in the same transaction (create bodies only). */
const withOccupancies = { occupancies: z.array(CreateOccupancyInput).max(LIMITS.ductsMax).optional() };

export const Pole = z.object({
  ...owned,
  heightM: z.number(),
  material: z.enum(['concrete', 'steel', 'wood', 'composite']),
  positionsTotal: z.number().int(),
  freeCapacity: z.number().int(),
});
export const PoleForCarrier = Pole;
export const PoleResponse = responseOf(Pole, PoleForCarrier);
export const CreatePoleInput = z.strictObject({
  ...ownedInput,
  geometry: PointInput,
  heightM: z.number().gt(0).max(LIMITS.heightMaxMeters).optional(),
  material: z.enum(['concrete', 'steel', 'wood', 'composite']).optional(),
  positionsTotal: z.number().int().min(1).max(LIMITS.ductsMax).optional(),
  ...withOccupancies,
});
export const UpdatePoleInput = CreatePoleInput.omit({ occupancies: true }).partial().extend({ version: Version.optional() });

export const Manhole = z.object({
  ...owned,
  kind: z.enum(['manhole', 'handhole', 'chamber']),
  depthM: z.number().nullable(),
});
export const ManholeForCarrier = Manhole;
export const ManholeResponse = responseOf(Manhole, ManholeForCarrier);
export const CreateManholeInput = z.strictObject({
  ...ownedInput,
  geometry: PointInput,
  kind: z.enum(['manhole', 'handhole', 'chamber']).optional(),
  depthM: z.number().gt(0).max(100).nullable().optional(),
  ...withOccupancies,
});
export const UpdateManholeInput = CreateManholeInput.omit({ occupancies: true }).partial().extend({ version: Version.optional() });

export const Conduit = z.object({
  ...owned,
  ductsTotal: z.number().int(),
  ductsUsed: z.number().int(),
  freeCapacity: z.number().int(),
  diameterMm: z.number().int().nullable(),
  lengthM: z.number().nullable(),
});
export const ConduitForCarrier = Conduit;
export const ConduitResponse = responseOf(Conduit, ConduitForCarrier);
const ductsFields = {
  ...ownedInput,
  geometry: LineStringInput,
  ductsTotal: z.number().int().min(1).max(LIMITS.ductsMax),
  ductsUsed: z.number().int().min(0).max(LIMITS.ductsMax).optional(),
  diameterMm: z.number().int().min(1).max(2000).nullable().optional(),
};
const ductsFit = (v: { ductsTotal?: number; ductsUsed?: number }) => v.ductsUsed === undefined || v.ductsTotal === undefined || v.ductsUsed <= v.ductsTotal;
const ductsIssue = { message: 'used_exceeds_total: ducts used exceed ducts total', path: ['ductsUsed'] };
export const CreateConduitInput = z.strictObject({ ...ductsFields, ...withOccupancies }).refine(ductsFit, ductsIssue);
export const UpdateConduitInput = z.strictObject(ductsFields).partial().extend({ version: Version.optional() }).refine(ductsFit, ductsIssue);

export const Trench = z.object({
  ...owned,
  kind: z.enum(TRENCH_KINDS),
  capacityTotal: z.number().int(),
  capacityUsed: z.number().int(),
  freeCapacity: z.number().int(),
  lengthM: z.number().nullable(),
});
export const TrenchForCarrier = Trench;
export const TrenchResponse = responseOf(Trench, TrenchForCarrier);
const trenchFields = {
  ...ownedInput,
  geometry: LineStringInput,
  kind: z.enum(TRENCH_KINDS),
  capacityTotal: z.number().int().min(1).max(LIMITS.ductsMax),
  capacityUsed: z.number().int().min(0).max(LIMITS.ductsMax).optional(),
};
const capacityFit = (v: { capacityTotal?: number; capacityUsed?: number }) => v.capacityUsed === undefined || v.capacityTotal === undefined || v.capacityUsed <= v.capacityTotal;
const capacityIssue = { message: 'used_exceeds_total: capacity used exceeds capacity total', path: ['capacityUsed'] };
export const CreateTrenchInput = z.strictObject({ ...trenchFields, ...withOccupancies }).refine(capacityFit, capacityIssue);
export const UpdateTrenchInput = z.strictObject(trenchFields).partial().extend({ version: Version.optional() }).refine(capacityFit, capacityIssue);

// ---------------------------------------------------------------- occupancy

export const Occupancy = z.object({
  ...Meta,
  structureId: z.number().int(),
  carrierId: z.number().int(),
  carrierCode: z.string(),
  /** Duct or position label, e.g. "D3" or "P2". */
  slot: z.string().nullable(),
  count: z.number().int(),
  since: z.string(),
  until: z.string().nullable(),
  /** Confidential: the two parties and staff. */
  contractRef: z.string().nullable(),
});
export type Occupancy = z.infer<typeof Occupancy>;
export const OccupancyForCarrier = Occupancy.omit({ contractRef: true });
export const OccupancyResponse = responseOf(Occupancy, OccupancyForCarrier);

export type CreateOccupancyInput = z.infer<typeof CreateOccupancyInput>;
export const UpdateOccupancyInput = CreateOccupancyInput.omit({ carrierId: true }).extend({ version: Version.optional() });
export type UpdateOccupancyInput = z.infer<typeof UpdateOccupancyInput>;
