import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { ROLES } from '@registry/shared/enums';
import { carriers } from './carriers';
import { createdAt, inList, updatedAt, version } from './common';

export const users = pgTable(
  'users',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    username: text().notNull(),
    displayName: text().notNull(),
    email: text(),
    passwordHash: text().notNull(),
    role: text().notNull(),
    /** Set exactly when role = 'carrier': the one carrier this user acts for. */
    carrierId: integer().references(() => carriers.id, { onDelete: 'restrict' }),
    locale: text().notNull().default('vi'),
    disabled: boolean().notNull().default(false),
    failedLogins: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
    /** Accounts of the demo dataset; never created outside it. */
    demo: boolean().notNull().default(false),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(sql`lower(${t.username})`),
    check('users_role_chk', inList('role', ROLES)),
    check('users_carrier_role_chk', sql`(role = 'carrier') = (carrier_id IS NOT NULL)`),
    check('users_locale_chk', sql`locale IN ('vi', 'en')`),
  ],
);

/** Browser sessions: the cookie holds a random id; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Personal API tokens for carriers' own systems: hashed at rest, shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** First characters of the token, to recognise it in a list. */
    prefix: text().notNull(),
    tokenHash: text().notNull().unique(),
    createdAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);
