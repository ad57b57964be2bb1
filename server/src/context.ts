import type { Role } from '@registry/shared/enums';
import type { Locale } from '@registry/shared/messages';

/** Who is calling: a logged-in user (by session or API token) or the public. */
export type Actor =
  | { kind: 'public' }
  | {
      kind: 'user';
      userId: number;
      username: string;
      displayName: string;
      role: Role;
      /** Set for carrier users: the one carrier they act for. */
      carrierId: number | null;
      via: 'session' | 'token';
    };

/** What a service needs to know about the request, without knowing Fastify. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  locale: Locale;
}

export const PUBLIC_ACTOR: Actor = { kind: 'public' };

export function actorRole(actor: Actor): Role | 'public' {
  return actor.kind === 'user' ? actor.role : 'public';
}

/** Scripts, benchmarks and the loader act as the system. */
export function systemContext(): RequestContext {
  return {
    actor: { kind: 'user', userId: 0, username: 'system', displayName: 'System', role: 'admin', carrierId: null, via: 'token' },
    requestId: 'system',
    locale: 'en',
  };
}
