import { hash, verify } from '@node-rs/argon2';
import { LIMITS } from '@registry/shared/limits';

// Argon2id with OWASP's second recommended profile (19 MiB, t=2, p=1).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const PASSWORD_REASONS = {
  tooShort: 'too_short',
  tooSimple: 'too_simple',
} as const;

/** Minimum strength: length, and at least three of lower/upper/digit/symbol. */
export function checkPasswordStrength(password: string): { valid: true } | { valid: false; reason: string } {
  if (password.length < LIMITS.passwordMinLength) return { valid: false, reason: PASSWORD_REASONS.tooShort };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) return { valid: false, reason: PASSWORD_REASONS.tooSimple };
  return { valid: true };
}
