import { sql, type SQL } from 'drizzle-orm';
import type { ApplicationKind, ApplicationStatus, Verdict } from '@registry/shared/enums';
import type { ApplicationSummary, Attachment, EvidenceFeature, RevisionView } from '@registry/shared/schemas/permits';
import type { Localized } from '@registry/shared/messages';
import type { DbOrTx } from '../../db/client';
import type { RanCheck } from './checks/run-checks';
import { arrayParam, geomFromGeoJson, rows } from './sql';

// SQL of the permit desk. Takes a database or transaction handle; returns plain objects.

/** Timestamps arrive as Date or, through drizzle's raw execute, as PostgreSQL text; both leave as ISO 8601. */
export const toIso = (value: unknown): string => {
  if (value instanceof Date) return value.toISOString();
  const parsed = new Date(String(value));
  return Number.isNaN(parsed.getTime()) ? String(value) : parsed.toISOString();
};
export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
export const toIsoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : toIso(value));

/** Worst verdict of a revision's stored checks, as SQL. */
const worstVerdictSql = (revisionId: SQL) => sql`(SELECT CASE max(CASE k.verdict WHEN 'fail' THEN 2 WHEN 'warn' THEN 1 ELSE 0 END)
    WHEN 2 THEN 'fail' WHEN 1 THEN 'warn' WHEN 0 THEN 'pass' END FROM permit_check_results k WHERE k.revision_id = ${revisionId})`;

interface SummaryRow {
  id: number;
  reference: string;
  kind: ApplicationKind;
  applicant_carrier_id: number;
  applicant_code: string;
  applicant_name: string;
  status: ApplicationStatus;
  current_revision: number;
  geojson: string;
  worst_verdict: Verdict | null;
  submitted_at: Date | null;
  decided_at: Date | null;
  decision_reason: string | null;
  decision_number: string | null;
  site_id: number | null;
  fibre_route_id: number | null;
  asset_status: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  sort_at: Date;
}

const SUMMARY_SELECT = sql`SELECT a.id, a.reference, a.kind, a.applicant_carrier_id, c.code AS applicant_code, c.name AS applicant_name, a.status,
       a.current_revision, ST_AsGeoJSON(r.geom, 7) AS geojson, ${worstVerdictSql(sql`r.id`)} AS worst_verdict,
       a.submitted_at, a.decided_at, a.decision_reason, a.decision_number, a.site_id, a.fibre_route_id, a.version, a.created_at, a.updated_at,
       coalesce((SELECT s.status::text FROM sites s WHERE s.id = a.site_id), (SELECT f.status::text FROM fibre_routes f WHERE f.id = a.fibre_route_id)) AS asset_status,
       coalesce(a.submitted_at, a.created_at) AS sort_at
  FROM permit_applications a
  JOIN carriers c ON c.id = a.applicant_carrier_id
  JOIN permit_revisions r ON r.application_id = a.id AND r.revision = a.current_revision`;

function toSummary(r: SummaryRow): ApplicationSummary {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind,
    applicantCarrierId: r.applicant_carrier_id,
    applicantCarrierCode: r.applicant_code,
    applicantCarrierName: r.applicant_name,
    status: r.status,
    currentRevision: r.current_revision,
    geometry: JSON.parse(r.geojson) as ApplicationSummary['geometry'],
    worstVerdict: r.worst_verdict,
    submittedAt: toIsoOrNull(r.submitted_at),
    decidedAt: toIsoOrNull(r.decided_at),
    decisionReason: r.decision_reason,
    decisionNumber: r.decision_number,
    siteId: r.site_id,
    fibreRouteId: r.fibre_route_id,
    assetStatus: r.asset_status,
    version: r.version,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

export async function selectSummary(db: DbOrTx, id: number): Promise<ApplicationSummary | null> {
  const found = await rows<SummaryRow>(db, sql`${SUMMARY_SELECT} WHERE a.id = ${id}`);
  return found[0] ? toSummary(found[0]) : null;
}

export interface ListFilter {
  statuses?: ApplicationStatus[];
  kind?: ApplicationKind;
  adminUnitId?: number;
  verdict?: Verdict;
  minAgeDays?: number;
  applicantCarrierId?: number;
  /** Carriers: only their own. */
  onlyCarrierId?: number;
  /** Department roles (not admin) never see drafts. */
  hideDrafts?: boolean;
  after?: { at: string; id: number } | null;
  limit: number;
}

/** Applications oldest first (by submission, else creation), with keyset paging. */
export async function selectSummaries(db: DbOrTx, f: ListFilter): Promise<{ items: (ApplicationSummary & { sortAt: string })[]; total: number }> {
  const where: SQL[] = [sql`true`];
  if (f.statuses?.length) where.push(sql`a.status = ANY(${arrayParam(f.statuses)}::text[])`);
  if (f.kind) where.push(sql`a.kind = ${f.kind}`);
  if (f.adminUnitId) where.push(sql`EXISTS (SELECT 1 FROM admin_units u WHERE u.id = ${f.adminUnitId} AND ST_Intersects(u.boundary, r.geom))`);
  if (f.verdict) where.push(sql`${worstVerdictSql(sql`r.id`)} = ${f.verdict}`);
  if (f.minAgeDays !== undefined) where.push(sql`a.submitted_at <= now() - make_interval(secs => ${f.minAgeDays * 86_400})`);
  if (f.applicantCarrierId) where.push(sql`a.applicant_carrier_id = ${f.applicantCarrierId}`);
  if (f.onlyCarrierId) where.push(sql`a.applicant_carrier_id = ${f.onlyCarrierId}`);
  if (f.hideDrafts) where.push(sql`a.status <> 'draft'`);
  const filter = sql.join(where, sql` AND `);
  const page = f.after ? sql` AND (coalesce(a.submitted_at, a.created_at), a.id) > (${f.after.at}::timestamptz, ${f.after.id})` : sql``;
  const [found, count] = await Promise.all([
    rows<SummaryRow>(db, sql`${SUMMARY_SELECT} WHERE ${filter}${page} ORDER BY sort_at, a.id LIMIT ${f.limit + 1}`),
    rows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM permit_applications a JOIN permit_revisions r ON r.application_id = a.id AND r.revision = a.current_revision WHERE ${filter}`,
    ),
  ]);
  return { items: found.map((r) => ({ ...toSummary(r), sortAt: toIso(r.sort_at) })), total: count[0]?.n ?? 0 };
}

export interface ApplicationRow {
  id: number;
  reference: string;
  kind: ApplicationKind;
  applicantCarrierId: number;
  status: ApplicationStatus;
  currentRevision: number;
  version: number;
  siteId: number | null;
  fibreRouteId: number | null;
  submittedAt: Date | null;
}

/** The application row, locked for update when inside a transaction that changes it. */
export async function selectApplication(db: DbOrTx, id: number, forUpdate = false): Promise<ApplicationRow | null> {
  const found = await rows<ApplicationRow>(
    db,
    sql`SELECT id, reference, kind, applicant_carrier_id AS "applicantCarrierId", status, current_revision AS "currentRevision", version,
               site_id AS "siteId", fibre_route_id AS "fibreRouteId", submitted_at AS "submittedAt"
          FROM permit_applications WHERE id = ${id} ${forUpdate ? sql`FOR UPDATE` : sql``}`,
  );
  return found[0] ?? null;
}

export interface RevisionRow {
  id: number;
  revision: number;
  geojson: string;
  facts: Record<string, unknown>;
  justification: string | null;
  frozen: boolean;
  createdAt: Date;
}

export async function selectRevisions(db: DbOrTx, applicationId: number): Promise<RevisionRow[]> {
  return rows<RevisionRow>(
    db,
    sql`SELECT id, revision, ST_AsGeoJSON(geom, 7) AS geojson, facts, justification, frozen, created_at AS "createdAt"
          FROM permit_revisions WHERE application_id = ${applicationId} ORDER BY revision`,
  );
}

export async function selectRevision(db: DbOrTx, applicationId: number, revision: number): Promise<RevisionRow | null> {
  const found = await rows<RevisionRow>(
    db,
    sql`SELECT id, revision, ST_AsGeoJSON(geom, 7) AS geojson, facts, justification, frozen, created_at AS "createdAt"
          FROM permit_revisions WHERE application_id = ${applicationId} AND revision = ${revision}`,
  );
  return found[0] ?? null;
}

export async function nextReference(db: DbOrTx): Promise<string> {
  const found = await rows<{ n: number; y: number }>(db, sql`SELECT nextval('permit_reference_seq')::int AS n, extract(year FROM now())::int AS y`);
  return `GP-${found[0]!.y}-${String(found[0]!.n).padStart(5, '0')}`;
}

/** Number of a decision letter: "<n>/QĐ-STTTT" (Quyết định of the Sở Thông tin và Truyền thông). */
export async function nextDecisionNumber(db: DbOrTx): Promise<string> {
  const found = await rows<{ n: number }>(db, sql`SELECT nextval('permit_decision_number_seq')::int AS n`);
  return `${found[0]!.n}/QĐ-STTTT`;
}

export async function insertRevision(
  db: DbOrTx,
  values: { applicationId: number; revision: number; geometry: unknown; facts: unknown; justification: string | null; frozen: boolean; userId: number | null },
): Promise<number> {
  const found = await rows<{ id: number }>(
    db,
    sql`INSERT INTO permit_revisions (application_id, revision, geom, facts, justification, frozen, created_by)
        VALUES (${values.applicationId}, ${values.revision}, ${geomFromGeoJson(values.geometry)}, ${JSON.stringify(values.facts)}::jsonb,
                ${values.justification}, ${values.frozen}, ${values.userId})
        RETURNING id`,
  );
  return found[0]!.id;
}

/** Stores the checks of a revision: message in Vietnamese, both languages and the features in the evidence. */
export async function insertCheckResults(db: DbOrTx, revisionId: number, checks: RanCheck[]): Promise<void> {
  for (const c of checks) {
    const evidence = { ...c.evidence, message: c.message, features: c.features };
    await db.execute(
      sql`INSERT INTO permit_check_results (revision_id, rule_id, verdict, message, evidence, evidence_geom)
          VALUES (${revisionId}, ${c.rule.id}, ${c.verdict}, ${c.message.vi}, ${JSON.stringify(evidence)}::jsonb,
                  (SELECT ST_Collect(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326))
                     FROM jsonb_array_elements(${JSON.stringify(c.features)}::jsonb) f))`,
    );
  }
}

interface StoredCheck {
  revision_id: number;
  rule_id: string;
  name_vi: string;
  name_en: string;
  blocking: boolean;
  verdict: Verdict;
  message: string;
  evidence: Record<string, unknown> & { message?: Localized; features?: EvidenceFeature[] };
  checked_at: Date;
}

export async function selectStoredChecks(db: DbOrTx, revisionIds: number[], locale: 'vi' | 'en'): Promise<Map<number, RevisionView['checks']>> {
  const byRevision = new Map<number, RevisionView['checks']>();
  if (revisionIds.length === 0) return byRevision;
  const found = await rows<StoredCheck>(
    db,
    sql`SELECT k.revision_id, k.rule_id, p.name_vi, p.name_en, p.blocking, k.verdict, k.message, k.evidence, k.checked_at
          FROM permit_check_results k JOIN permit_rules p ON p.id = k.rule_id
         WHERE k.revision_id = ANY(${arrayParam(revisionIds)}::int[])
         ORDER BY k.revision_id, k.id`,
  );
  for (const k of found) {
    const { message, features, ...evidence } = k.evidence;
    const list = byRevision.get(k.revision_id) ?? [];
    list.push({
      ruleId: k.rule_id,
      nameVi: k.name_vi,
      nameEn: k.name_en,
      verdict: k.verdict,
      blocking: k.blocking,
      message: message?.[locale] ?? k.message,
      evidence,
      features: features ?? [],
      checkedAt: toIso(k.checked_at),
    });
    byRevision.set(k.revision_id, list);
  }
  return byRevision;
}

export async function selectAttachments(db: DbOrTx, applicationId: number): Promise<Attachment[]> {
  const found = await rows<{ id: number; revision: number; filename: string; content_type: string; size_bytes: number; sha256: string; created_at: Date }>(
    db,
    sql`SELECT id, revision, filename, content_type, size_bytes, sha256, created_at FROM permit_attachments WHERE application_id = ${applicationId} ORDER BY id`,
  );
  return found.map((a) => ({ id: a.id, revision: a.revision, filename: a.filename, contentType: a.content_type, sizeBytes: a.size_bytes, sha256: a.sha256, createdAt: toIso(a.created_at) }));
}

export async function selectHistory(db: DbOrTx, applicationId: number) {
  const found = await rows<{ at: Date; username: string | null; action: string; before: unknown; after: unknown; reason: string | null }>(
    db,
    sql`SELECT at, username, action, before, after, reason FROM change_log
         WHERE object_type = 'permit_application' AND object_id = ${String(applicationId)} ORDER BY at, id`,
  );
  return found.map((h) => ({ ...h, at: toIso(h.at) }));
}
