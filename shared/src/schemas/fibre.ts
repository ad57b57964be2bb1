import { z } from 'zod';
import { ACCESS_POINT_KINDS, FIBRE_ROUTE_KINDS, PLACEMENTS } from '../enums';
import { LIMITS } from '../limits';
import { AssetStatus, Code, GeometryOut, Id, LineStringInput, Meta, Name, PointInput, Version, responseOf } from './registry-common';

// Fibre routes and FTTH access points. Neither has commercial fields, so other
// carriers see the same fields as the owner; neither is on the public map.

export const FibreRoute = z.object({
  ...Meta,
  code: z.string(),
  name: z.string().nullable(),
  ownerCarrierId: z.number().int(),
  ownerCarrierCode: z.string(),
  geometry: GeometryOut,
  kind: z.enum(FIBRE_ROUTE_KINDS),
  placement: z.enum(PLACEMENTS),
  fibreCount: z.number().int(),
  status: AssetStatus,
  lengthM: z.number().nullable(),
  synthetic: z.boolean(),
});
export type FibreRoute = z.infer<typeof FibreRoute>;
export const FibreRouteForCarrier = FibreRoute;
export const FibreRouteResponse = responseOf(FibreRoute, FibreRouteForCarrier);

const routeFields = {
  code: Code,
  name: Name.nullable().optional(),
  ownerCarrierId: Id.optional(),
  geometry: LineStringInput,
  kind: z.enum(FIBRE_ROUTE_KINDS),
  placement: z.enum(PLACEMENTS),
  fibreCount: z.number().int().min(1).max(LIMITS.fibreCountMax),
  status: AssetStatus.optional(),
};
export const CreateFibreRouteInput = z.strictObject(routeFields);
export type CreateFibreRouteInput = z.infer<typeof CreateFibreRouteInput>;
export const UpdateFibreRouteInput = CreateFibreRouteInput.partial().extend({ version: Version.optional() });

export const AccessPoint = z.object({
  ...Meta,
  code: z.string(),
  ownerCarrierId: z.number().int(),
  ownerCarrierCode: z.string(),
  geometry: GeometryOut,
  kind: z.enum(ACCESS_POINT_KINDS),
  portsTotal: z.number().int(),
  portsUsed: z.number().int(),
  freeCapacity: z.number().int(),
  status: AssetStatus,
  fibreRouteId: z.number().int().nullable(),
  synthetic: z.boolean(),
});
export type AccessPoint = z.infer<typeof AccessPoint>;
export const AccessPointForCarrier = AccessPoint;
export const AccessPointResponse = responseOf(AccessPoint, AccessPointForCarrier);

const accessPointFields = {
  code: Code,
  ownerCarrierId: Id.optional(),
  geometry: PointInput,
  kind: z.enum(ACCESS_POINT_KINDS),
  portsTotal: z.number().int().min(1).max(LIMITS.portsMax),
  portsUsed: z.number().int().min(0).max(LIMITS.portsMax).optional(),
  status: AssetStatus.optional(),
  fibreRouteId: Id.nullable().optional(),
};
const portsFit = (v: { portsTotal?: number; portsUsed?: number }) => v.portsUsed === undefined || v.portsTotal === undefined || v.portsUsed <= v.portsTotal;
const portsIssue = { message: 'used_exceeds_total: ports used exceed ports total', path: ['portsUsed'] };
export const CreateAccessPointInput = z.strictObject(accessPointFields).refine(portsFit, portsIssue);
export type CreateAccessPointInput = z.infer<typeof CreateAccessPointInput>;
export const UpdateAccessPointInput = z
  .strictObject(accessPointFields)
  .partial()
  .extend({ version: Version.optional() })
  .refine(portsFit, portsIssue);
