import type { z } from 'zod';
import { reasonMessage, type Locale } from '@registry/shared/messages';

/** Field path → message, in the words the API uses for the same reason. */
export type FieldErrors = Record<string, string>;

/**
 * Zod issues as the server's error handler words them (see
 * server/src/plugins/error-handler.ts): the reason's shared message, with the
 * bound for too_small / too_big; a refinement that carries `reason:` uses that
 * reason's message. So the form shows what the API would answer.
 */
export function zodFieldErrors(error: z.ZodError, locale: Locale): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (out[path]) continue;
    const own = issue.code === 'custom' || (issue.message && /^[a-z_]+:/.test(issue.message)) ? /^([a-z_]+):/.exec(issue.message)?.[1] : undefined;
    const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
    const reason = own ?? (missing ? 'required' : issue.code);
    let message = reasonMessage(reason, locale);
    const bound = issue as { minimum?: number | bigint; maximum?: number | bigint };
    if (issue.code === 'too_small' && bound.minimum !== undefined) message += ` (min ${bound.minimum})`;
    if (issue.code === 'too_big' && bound.maximum !== undefined) message += ` (max ${bound.maximum})`;
    out[path] = message;
  }
  return out;
}

/** An API error's details as field errors; the top-level message goes to the first named field when it names one. */
export function apiFieldErrors(error: { message: string; details?: { path: string; message: string }[] }): FieldErrors {
  const out: FieldErrors = {};
  const details = error.details ?? [];
  details.forEach((d, i) => {
    if (!d.path || out[d.path]) return;
    out[d.path] = i === 0 && error.message.includes(d.path) ? error.message : d.message;
  });
  return out;
}
