import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './common';

/** Facts about the loaded dataset (name, seed, attribution, metric CRS) and app settings. */
export const settings = pgTable('settings', {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  updatedAt: updatedAt(),
});
