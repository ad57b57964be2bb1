import { z } from 'zod';
import { ROLES } from '../enums';
import { LIMITS } from '../limits';
import { Id, Meta, Name, Version } from './registry-common';

// User accounts, managed by admins. Password hashes never leave the server;
// demo accounts are made only by the demo dataset, never through the API.

export const User = z.object({
  ...Meta,
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES),
  carrierId: z.number().int().nullable(),
  locale: z.enum(['vi', 'en']),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  demo: z.boolean(),
});
export type User = z.infer<typeof User>;

const Username = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[a-zA-Z0-9_.@-]+$/, { message: 'invalid_format: letters, digits and _ . @ - only' });
const Password = z.string().min(1).max(200);

const roleCarrierRule = (v: { role?: string; carrierId?: number | null }) =>
  v.role === undefined || (v.role === 'carrier') === (v.carrierId !== undefined && v.carrierId !== null);
const roleCarrierIssue = { message: 'required: carrierId is required for role carrier and only for it', path: ['carrierId'] };

export const CreateUserInput = z
  .strictObject({
    username: Username,
    displayName: Name,
    email: z.string().email().max(LIMITS.nameMaxLength).nullable().optional(),
    password: Password,
    role: z.enum(ROLES),
    carrierId: Id.nullable().optional(),
    locale: z.enum(['vi', 'en']).optional(),
  })
  .refine(roleCarrierRule, roleCarrierIssue);
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const UpdateUserInput = z.strictObject({
  displayName: Name.optional(),
  email: z.string().email().max(LIMITS.nameMaxLength).nullable().optional(),
  password: Password.optional(),
  role: z.enum(ROLES).optional(),
  carrierId: Id.nullable().optional(),
  locale: z.enum(['vi', 'en']).optional(),
  disabled: z.boolean().optional(),
  /** Clears a lockout after failed logins. */
  unlock: z.literal(true).optional(),
  version: Version.optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export const UserListQuery = z.object({
  role: z.enum(ROLES).optional(),
  carrierId: z.coerce.number().int().positive().optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
