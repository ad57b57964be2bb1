import { z } from 'zod';
import { LICENCE_KINDS } from '../enums';
import { LIMITS } from '../limits';
import { Code, Meta, Name, Version, responseOf } from './registry-common';

// Carriers. Contacts are confidential: the carrier itself and staff see them;
// other carriers and the public see the public register entry.

export const Carrier = z.object({
  ...Meta,
  code: z.string(),
  name: z.string(),
  legalName: z.string(),
  licenceKinds: z.array(z.enum(LICENCE_KINDS)),
  mobileNetworkCodes: z.array(z.string()),
  website: z.string().nullable(),
  colour: z.string(),
  active: z.boolean(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
});
export type Carrier = z.infer<typeof Carrier>;
export const CarrierPublic = Carrier.omit({ contactName: true, contactPhone: true, contactEmail: true });
export const CarrierForCarrier = CarrierPublic;
export const CarrierResponse = responseOf(Carrier, CarrierForCarrier, CarrierPublic);

const carrierFields = {
  code: Code,
  name: Name,
  legalName: Name,
  licenceKinds: z.array(z.enum(LICENCE_KINDS)).min(1),
  mobileNetworkCodes: z.array(z.string().regex(/^\d{2,3}$/, { message: 'invalid_format: a 2- or 3-digit MNC' })).max(10).optional(),
  website: z.string().url().max(LIMITS.nameMaxLength).nullable().optional(),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'invalid_format: a colour as #rrggbb' }).optional(),
  active: z.boolean().optional(),
  contactName: z.string().max(LIMITS.nameMaxLength).nullable().optional(),
  contactPhone: z.string().max(40).nullable().optional(),
  contactEmail: z.string().email().max(LIMITS.nameMaxLength).nullable().optional(),
};
export const CreateCarrierInput = z.strictObject(carrierFields);
export type CreateCarrierInput = z.infer<typeof CreateCarrierInput>;
export const UpdateCarrierInput = CreateCarrierInput.partial().extend({ version: Version.optional() });
