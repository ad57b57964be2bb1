import { z } from 'zod';
import { STRUCTURE_TYPES, TECHNOLOGIES } from '../enums';
import { LIMITS } from '../limits';
import { AssetStatus, Code, GeometryOut, Id, IsoDate, LongText, Meta, Name, PointInput, Version, responseOf } from './registry-common';

// Sites (BTS, towers, rooftops, small cells), their tenancies and sectors.
// Three views: `Site` (staff and the owner), `SiteForCarrier` (other
// carriers: location, type, height and free capacity, no commercial fields),
// `SitePublic` (the open-data map).

const Rent = z.number().int().min(0).max(1e12);

// ---------------------------------------------------------------- tenancies

export const Tenancy = z.object({
  ...Meta,
  siteId: z.number().int(),
  carrierId: z.number().int(),
  carrierCode: z.string(),
  since: z.string(),
  until: z.string().nullable(),
  position: z.string().nullable(),
  /** Confidential: the two parties and staff. */
  contractRef: z.string().nullable(),
  monthlyRentVnd: z.number().nullable(),
});
export type Tenancy = z.infer<typeof Tenancy>;
export const TenancyForCarrier = Tenancy.omit({ contractRef: true, monthlyRentVnd: true });
export const TenancyResponse = responseOf(Tenancy, TenancyForCarrier);

export const CreateTenancyInput = z.strictObject({
  carrierId: Id.optional(),
  since: IsoDate.optional(),
  until: IsoDate.nullable().optional(),
  position: z.string().max(LIMITS.nameMaxLength).nullable().optional(),
  contractRef: z.string().max(LIMITS.nameMaxLength).nullable().optional(),
  monthlyRentVnd: Rent.nullable().optional(),
});
export type CreateTenancyInput = z.infer<typeof CreateTenancyInput>;
export const UpdateTenancyInput = CreateTenancyInput.omit({ carrierId: true }).extend({ version: Version.optional() });
export type UpdateTenancyInput = z.infer<typeof UpdateTenancyInput>;

// ---------------------------------------------------------------- sectors

export const Sector = z.object({
  ...Meta,
  siteId: z.number().int(),
  siteCode: z.string(),
  carrierId: z.number().int(),
  carrierCode: z.string(),
  code: z.string(),
  technology: z.enum(TECHNOLOGIES),
  bandMhz: z.number(),
  azimuthDeg: z.number(),
  beamwidthDeg: z.number(),
  antennaHeightM: z.number(),
  tiltDeg: z.number(),
  maplDb: z.number().nullable(),
  status: AssetStatus,
  rangeM: z.number().nullable(),
  cellIdentity: z.string().nullable(),
  /** The site's point, for maps. */
  geometry: GeometryOut,
});
export type Sector = z.infer<typeof Sector>;
// Sectors have no commercial fields: other carriers see the radio facts too.
export const SectorForCarrier = Sector;
export const SectorResponse = responseOf(Sector, SectorForCarrier);

const sectorFields = {
  code: Code,
  technology: z.enum(TECHNOLOGIES),
  bandMhz: z.number().min(LIMITS.bandMinMHz).max(LIMITS.bandMaxMHz),
  azimuthDeg: z.number().min(0).max(LIMITS.azimuthMaxDeg).optional(),
  beamwidthDeg: z.number().gt(0).max(LIMITS.beamwidthMaxDeg).optional(),
  antennaHeightM: z.number().gt(0).max(LIMITS.antennaHeightMaxMeters),
  tiltDeg: z.number().min(LIMITS.tiltMinDeg).max(LIMITS.tiltMaxDeg).optional(),
  maplDb: z.number().min(LIMITS.maplMinDb).max(LIMITS.maplMaxDb).nullable().optional(),
  status: AssetStatus.optional(),
  cellIdentity: z.string().max(LIMITS.codeMaxLength).nullable().optional(),
  /** Defaults to the caller's carrier (carrier users) or the site's owner. */
  carrierId: Id.optional(),
};

/** A sector inside a site body (the site id is implied). */
export const NestedSectorInput = z.strictObject(sectorFields);
export const CreateSectorInput = z.strictObject({ ...sectorFields, siteId: Id });
export type CreateSectorInput = z.infer<typeof CreateSectorInput>;
export const UpdateSectorInput = z
  .strictObject({ ...sectorFields, siteId: Id })
  .omit({ siteId: true, carrierId: true })
  .partial()
  .extend({ version: Version.optional() });
export type UpdateSectorInput = z.infer<typeof UpdateSectorInput>;

// ---------------------------------------------------------------- sites

export const Site = z.object({
  ...Meta,
  code: z.string(),
  name: z.string().nullable(),
  ownerCarrierId: z.number().int(),
  ownerCarrierCode: z.string(),
  geometry: GeometryOut,
  structureType: z.enum(STRUCTURE_TYPES),
  heightM: z.number(),
  tenantCapacity: z.number().int(),
  /** Carriers with a running tenancy, the owner included. */
  tenantCount: z.number().int(),
  freeCapacity: z.number().int(),
  status: AssetStatus,
  villageId: z.number().int().nullable(),
  adminUnitId: z.number().int().nullable(),
  address: z.string().nullable(),
  commissionedOn: z.string().nullable(),
  permittedUntil: z.string().nullable(),
  /** Confidential commercial fields. */
  contractRef: z.string().nullable(),
  monthlyRentVnd: z.number().nullable(),
  privateContact: z.string().nullable(),
  isPublic: z.boolean(),
  synthetic: z.boolean(),
});
export type Site = z.infer<typeof Site>;
export const SiteForCarrier = Site.omit({ contractRef: true, monthlyRentVnd: true, privateContact: true });
export const SitePublic = Site.pick({
  id: true,
  version: true,
  code: true,
  name: true,
  ownerCarrierId: true,
  ownerCarrierCode: true,
  geometry: true,
  structureType: true,
  heightM: true,
  status: true,
  villageId: true,
  adminUnitId: true,
});
export const SiteResponse = responseOf(Site, SiteForCarrier, SitePublic);
/** One site with its sectors and tenancies (each through the caller's view). */
export const SiteDetail = SiteResponse.extend({ sectors: z.array(SectorResponse), tenancies: z.array(TenancyResponse) });

const siteFields = {
  code: Code,
  name: Name.nullable().optional(),
  /** Defaults to the caller's carrier; required for staff. */
  ownerCarrierId: Id.optional(),
  geometry: PointInput,
  structureType: z.enum(STRUCTURE_TYPES),
  heightM: z.number().gt(0).max(LIMITS.heightMaxMeters),
  tenantCapacity: z.number().int().min(1).max(LIMITS.tenantCapacityMax).optional(),
  status: AssetStatus.optional(),
  address: LongText.nullable().optional(),
  commissionedOn: IsoDate.nullable().optional(),
  permittedUntil: IsoDate.nullable().optional(),
  contractRef: z.string().max(LIMITS.nameMaxLength).nullable().optional(),
  monthlyRentVnd: Rent.nullable().optional(),
  privateContact: z.string().max(LIMITS.nameMaxLength).nullable().optional(),
  isPublic: z.boolean().optional(),
};

/** A site with its sectors and other carriers' tenancies, written in one transaction. */
export const CreateSiteInput = z.strictObject({
  ...siteFields,
  sectors: z.array(NestedSectorInput).max(64).optional(),
  tenancies: z.array(CreateTenancyInput).max(LIMITS.tenantCapacityMax).optional(),
});
export type CreateSiteInput = z.infer<typeof CreateSiteInput>;
export const UpdateSiteInput = z.strictObject(siteFields).partial().extend({ version: Version.optional() });
export type UpdateSiteInput = z.infer<typeof UpdateSiteInput>;
export type SiteDetail = z.infer<typeof SiteDetail>;
