import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { APPLICATION_KINDS, APPLICATION_STATUSES, CO_USE_STATUSES, VERDICTS } from '@registry/shared/enums';
import { geometry } from '../columns/geometry';
import { users } from './accounts';
import { carriers } from './carriers';
import { createdAt, inList, updatedAt, version } from './common';
import { conduits, poles, trenches } from './passive';
import { sites, siteTenancies } from './sites';
import { fibreRoutes } from './fibre';

export const permitApplications = pgTable(
  'permit_applications',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Public reference, e.g. GP-2026-00017. */
    reference: text().notNull().unique(),
    kind: text().notNull(),
    applicantCarrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    status: text().notNull().default('draft'),
    currentRevision: integer().notNull().default(1),
    createdBy: integer().references(() => users.id, { onDelete: 'set null' }),
    submittedAt: timestamp({ withTimezone: true }),
    decidedAt: timestamp({ withTimezone: true }),
    decidedBy: integer().references(() => users.id, { onDelete: 'set null' }),
    decisionReason: text(),
    /** Number of the decision letter, e.g. 123/QĐ-STTTT. */
    decisionNumber: text(),
    /** The asset an approval created. */
    siteId: integer().references(() => sites.id, { onDelete: 'set null' }),
    fibreRouteId: integer().references(() => fibreRoutes.id, { onDelete: 'set null' }),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('permit_applications_applicant_idx').on(t.applicantCarrierId),
    index('permit_applications_status_idx').on(t.status),
    check('permit_applications_kind_chk', inList('kind', APPLICATION_KINDS)),
    check('permit_applications_status_chk', inList('status', APPLICATION_STATUSES)),
    check('permit_applications_decision_chk', sql`status NOT IN ('approved', 'rejected') OR (decision_reason IS NOT NULL AND decided_at IS NOT NULL)`),
  ],
);

/** Submitted facts are frozen: an amendment is a new revision with its own checks. */
export const permitRevisions = pgTable(
  'permit_revisions',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    applicationId: integer()
      .notNull()
      .references(() => permitApplications.id, { onDelete: 'cascade' }),
    revision: integer().notNull(),
    /** Proposed point (site) or line (route). */
    geom: geometry('Geometry').notNull(),
    /** Structure type, height, technologies, sectors, tenants, placement per segment, fibre count… */
    facts: jsonb().notNull(),
    justification: text(),
    frozen: boolean().notNull().default(false),
    createdBy: integer().references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('permit_revisions_uq').on(t.applicationId, t.revision),
    index('permit_revisions_geom_gix').using('gist', t.geom),
    check('permit_revisions_geom_valid_chk', sql`ST_IsValid(geom)`),
    check('permit_revisions_revision_chk', sql`revision >= 1`),
  ],
);

/** Compliance rules are data: radii, thresholds and which verdict blocks. */
export const permitRules = pgTable('permit_rules', {
  id: text().primaryKey(),
  nameVi: text().notNull(),
  nameEn: text().notNull(),
  appliesTo: text().array().notNull(),
  params: jsonb().notNull(),
  /** A fail of a blocking rule prevents approval. */
  blocking: boolean().notNull().default(true),
  enabled: boolean().notNull().default(true),
  version: version(),
  updatedAt: updatedAt(),
});

export const permitCheckResults = pgTable(
  'permit_check_results',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    revisionId: integer()
      .notNull()
      .references(() => permitRevisions.id, { onDelete: 'cascade' }),
    ruleId: text()
      .notNull()
      .references(() => permitRules.id, { onDelete: 'restrict' }),
    verdict: text().notNull(),
    message: text().notNull(),
    /** Object ids, distances in metres, zone names, capacities. */
    evidence: jsonb().notNull(),
    /** Geometries to draw for the officer. */
    evidenceGeom: geometry('Geometry'),
    checkedAt: createdAt(),
  },
  (t) => [
    index('permit_check_results_revision_idx').on(t.revisionId),
    check('permit_check_results_verdict_chk', inList('verdict', VERDICTS)),
  ],
);

/** Drawings and photos; the bytes live on disk under the storage folder, named by SHA-256. */
export const permitAttachments = pgTable(
  'permit_attachments',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    applicationId: integer()
      .notNull()
      .references(() => permitApplications.id, { onDelete: 'cascade' }),
    revision: integer().notNull(),
    filename: text().notNull(),
    contentType: text().notNull(),
    sizeBytes: bigint({ mode: 'number' }).notNull(),
    sha256: text().notNull(),
    uploadedBy: integer().references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('permit_attachments_application_idx').on(t.applicationId),
    check('permit_attachments_type_chk', sql`content_type IN ('application/pdf', 'image/jpeg', 'image/png')`),
    check('permit_attachments_size_chk', sql`size_bytes > 0`),
  ],
);

/** A carrier asks a structure's owner for space; an accepted request creates the tenancy. */
export const coUseRequests = pgTable(
  'co_use_requests',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    requesterCarrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    ownerCarrierId: integer()
      .notNull()
      .references(() => carriers.id, { onDelete: 'restrict' }),
    siteId: integer().references(() => sites.id, { onDelete: 'cascade' }),
    poleId: integer().references(() => poles.id, { onDelete: 'cascade' }),
    conduitId: integer().references(() => conduits.id, { onDelete: 'cascade' }),
    trenchId: integer().references(() => trenches.id, { onDelete: 'cascade' }),
    applicationId: integer().references(() => permitApplications.id, { onDelete: 'set null' }),
    status: text().notNull().default('pending'),
    message: text(),
    /** Ducts / positions asked for (passive structures). */
    quantity: integer().notNull().default(1),
    answerReason: text(),
    deadline: timestamp({ withTimezone: true }).notNull(),
    answeredAt: timestamp({ withTimezone: true }),
    answeredBy: integer().references(() => users.id, { onDelete: 'set null' }),
    tenancyId: integer().references(() => siteTenancies.id, { onDelete: 'set null' }),
    createdBy: integer().references(() => users.id, { onDelete: 'set null' }),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('co_use_requests_owner_idx').on(t.ownerCarrierId),
    index('co_use_requests_requester_idx').on(t.requesterCarrierId),
    check('co_use_requests_status_chk', inList('status', CO_USE_STATUSES)),
    check('co_use_requests_one_structure_chk', sql`num_nonnulls(site_id, pole_id, conduit_id, trench_id) = 1`),
    check('co_use_requests_not_self_chk', sql`requester_carrier_id <> owner_carrier_id`),
    check('co_use_requests_answer_chk', sql`status <> 'declined' OR answer_reason IS NOT NULL`),
    check('co_use_requests_quantity_chk', sql`quantity > 0`),
  ],
);

