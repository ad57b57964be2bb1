import { boolean, check, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { LICENCE_KINDS, sqlInList } from '@registry/shared/enums';
import { createdAt, syntheticColumns, updatedAt, version } from './common';

export const carriers = pgTable(
  'carriers',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Short stable code, e.g. VTL, VNPT. */
    code: text().notNull().unique(),
    name: text().notNull(),
    legalName: text().notNull(),
    licenceKinds: text().array().notNull(),
    /** Mobile network codes under MCC 452 (OpenCelliD import maps them). */
    mobileNetworkCodes: text().array().notNull().default(sql`'{}'::text[]`),
    website: text(),
    /** Confidential: visible to the carrier itself, planners, officers and admins. */
    contactName: text(),
    contactPhone: text(),
    contactEmail: text(),
    colour: text().notNull().default('#666666'),
    active: boolean().notNull().default(true),
    ...syntheticColumns(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  () => [
    check('carriers_licence_kinds_chk', sql.raw(`licence_kinds <@ ARRAY[${sqlInList(LICENCE_KINDS)}]::text[]`)),
    check('carriers_colour_chk', sql`colour ~ '^#[0-9a-fA-F]{6}$'`),
  ],
);
