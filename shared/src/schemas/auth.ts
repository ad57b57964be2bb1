import { z } from 'zod';
import { ROLES } from '../enums';
import { LIMITS } from '../limits';

export const LoginInput = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const CurrentUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  carrierId: z.number().int().nullable(),
  carrierCode: z.string().nullable(),
  locale: z.enum(['vi', 'en']),
});
export type CurrentUser = z.infer<typeof CurrentUser>;

export const Session = z.object({
  user: CurrentUser.nullable(),
  /** Send back as the X-CSRF-Token header on every state-changing request. */
  csrfToken: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

export const CreateTokenInput = z.object({
  name: z.string().trim().min(1).max(LIMITS.nameMaxLength),
  /** Days until expiry, at most two years. */
  expiresInDays: z.number().int().min(1).max(730).default(90),
});
export type CreateTokenInput = z.infer<typeof CreateTokenInput>;

export const ApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreatedApiToken = ApiToken.extend({
  /** Shown once; only its hash is stored. */
  token: z.string(),
});
