import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { ApplicationStatus, Placement } from '@registry/shared/enums';
import { bboxOf, type AnyGeometry, type BBox, type Position } from '@registry/shared/geo/geometry';
import type {
  ApplicationDetail,
  ApplicationListQuery,
  ApplicationSummary,
  Attachment,
  CheckReport,
  PermitRule,
  Proposal,
  RouteFacts,
  SiteFacts,
  UpdatePermitRuleInput,
} from '@registry/shared/schemas/permits';
import { Proposal as ProposalSchema } from '@registry/shared/schemas/permits';
import type { RequestContext } from '../../context';
import type { Database, DbOrTx } from '../../db/client';
import { ConflictError, ForbiddenError, NotFoundError, PayloadTooLargeError, UnauthenticatedError, UnprocessableError, ValidationError } from '../../errors';
import type { RegistryEvents } from '../../lib/events';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import { assertVersion, type ExpectedVersion } from '../../lib/versioning';
import type { ProvinceGuard } from '../geo/province-guard';
import { recordChange, recordChanges, type ChangeRecord } from '../history/change-log';
import { buildDecisionLetter, type DecisionLetter } from './decision-letter';
import { ATTACHMENT_REASONS, attachmentPath, cleanFilename, detectAttachmentType, storeAttachment, type AttachmentType } from './attachments';
import type { CoverageWhatIf } from './checks/coverage-gain.rule';
import { ruleImplementations, runChecks, selectRules, toReport, type RanCheck } from './checks/run-checks';
import type { RuleCheck } from './checks/rule';
import {
  insertCheckResults,
  insertRevision,
  nextDecisionNumber,
  nextReference,
  selectApplication,
  selectAttachments,
  selectHistory,
  selectRevision,
  selectRevisions,
  selectStoredChecks,
  selectSummaries,
  selectSummary,
  toIso,
  type ApplicationRow,
} from './permits.queries';
import { arrayParam, readNumberSetting, rows } from './sql';

export interface PermitsServiceDeps {
  database: Database;
  events: RegistryEvents;
  provinceGuard: ProvinceGuard;
  /** Attachments are stored under <storageDir>/permits. */
  storageDir: string;
  /** Hard upper bound for one attachment; the settings row permit_attachment_max_bytes may lower it. */
  attachmentMaxBytes: number;
  /** The coverage engine's what-if for a candidate site, when it exists. */
  coverageWhatIf?: CoverageWhatIf | null;
  /** The coverage engine's incremental recompute, inside the transaction that builds a site. */
  recomputeCoverage?: ((tx: DbOrTx, change: { siteIds?: number[]; sectorIds?: number[] }, triggeredBy: number | null) => Promise<unknown>) | null;
}

type UserActor = Extract<RequestContext['actor'], { kind: 'user' }>;

const OPEN_STATUSES: ApplicationStatus[] = ['submitted', 'under_review'];
const OBJECT_TYPE = 'permit_application';

function userOf(ctx: RequestContext): UserActor {
  if (ctx.actor.kind !== 'user') throw new UnauthenticatedError();
  return ctx.actor;
}

const forbidden = (en: string, vi: string) => new ForbiddenError(en, { en, vi });
const conflict = (en: string, vi: string, extra: Record<string, unknown> = {}) => new ConflictError(en, extra, [], { en, vi });

/** Who may read an application: admins all; carriers their own; officers and planners everything filed (not drafts). */
function assertCanRead(actor: UserActor, app: Pick<ApplicationRow, 'applicantCarrierId' | 'status'>): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'carrier') {
    if (actor.carrierId !== app.applicantCarrierId) throw forbidden("Another carrier's application", 'Hồ sơ của doanh nghiệp khác');
    return;
  }
  if (app.status === 'draft') throw forbidden('A draft is visible to its applicant only', 'Hồ sơ nháp chỉ doanh nghiệp nộp được xem');
}

/** The applicant's own users (and admins) act for the applicant. */
function assertApplicant(actor: UserActor, app: Pick<ApplicationRow, 'applicantCarrierId'>): void {
  if (actor.role === 'admin') return;
  if (actor.role !== 'carrier') throw forbidden('Only the applicant may do this', 'Chỉ doanh nghiệp nộp hồ sơ được thực hiện');
  if (actor.carrierId !== app.applicantCarrierId) throw forbidden("Another carrier's application", 'Hồ sơ của doanh nghiệp khác');
}

/**
 * Locks an application for a state change and checks, in this order, that it
 * exists, that the actor is its applicant (when `applicant` is given), that
 * the caller's version is current, and that its status allows `verb`.
 */
async function lockApplication(
  tx: DbOrTx,
  id: number,
  check: { applicant?: UserActor; expected?: ExpectedVersion; allowed?: ApplicationStatus[]; verb?: string },
): Promise<ApplicationRow> {
  const app = await selectApplication(tx, id, true);
  if (!app) throw new NotFoundError('Application', id);
  if (check.applicant) assertApplicant(check.applicant, app);
  if (check.expected !== undefined) assertVersion(check.expected, app.version, 'The application');
  if (check.allowed) assertStatus(app, check.allowed, check.verb ?? 'change');
  return app;
}

function assertDepartment(actor: UserActor, roles: ('officer' | 'planner')[]): void {
  if (actor.role === 'admin') return;
  if (!(roles as string[]).includes(actor.role)) throw forbidden('Your role may not do this', 'Vai trò của bạn không được phép thực hiện thao tác này');
}

function assertStatus(app: ApplicationRow, allowed: ApplicationStatus[], what: string): void {
  if (!allowed.includes(app.status)) {
    throw conflict(`Cannot ${what} an application that is ${app.status}`, `Không thể thực hiện với hồ sơ đang ở trạng thái ${app.status}`, {
      status: app.status,
      allowed,
    });
  }
}

/** Metres along a line by the equirectangular approximation (fine for choosing a dominant placement). */
function segmentLengthM(a: Position, b: Position): number {
  const lat = ((a[1] + b[1]) / 2) * (Math.PI / 180);
  const dx = (b[0] - a[0]) * 111_320 * Math.cos(lat);
  const dy = (b[1] - a[1]) * 110_574;
  return Math.hypot(dx, dy);
}

export function dominantPlacement(coordinates: Position[], facts: RouteFacts): Placement {
  const byPlacement = new Map<Placement, number>();
  facts.segments.forEach((s, i) => byPlacement.set(s.placement, (byPlacement.get(s.placement) ?? 0) + segmentLengthM(coordinates[i]!, coordinates[i + 1]!)));
  return [...byPlacement.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

export function createPermitsService(deps: PermitsServiceDeps) {
  const { db } = deps.database;
  let implementations: Record<string, RuleCheck> = ruleImplementations(deps.coverageWhatIf ?? null);

  async function validateProposal(proposal: Proposal, path = 'geometry'): Promise<void> {
    const problems = await deps.provinceGuard.check(proposal.geometry as AnyGeometry, path);
    if (problems.length > 0) throw new ValidationError(problems);
  }

  /**
   * The carriers a site application intends to host: each an existing carrier,
   * listed once, not the applicant, and the applicant plus them within the
   * structure's tenant capacity (they become planned tenancies on approval).
   */
  async function validateTenants(handle: DbOrTx, proposal: Proposal, applicant: number, prefix: string): Promise<void> {
    if (proposal.kind !== 'site') return;
    const ids = proposal.facts.intendedTenantCarrierIds;
    if (ids.length === 0) return;
    const path = `${prefix}facts.intendedTenantCarrierIds`;
    const problems: { path: string; message: string; reason: string }[] = [];
    const known = new Set(
      (await rows<{ id: number }>(handle, sql`SELECT id FROM carriers WHERE id = ANY(${arrayParam(ids)}::int[])`)).map((r) => r.id),
    );
    ids.forEach((carrierId, i) => {
      if (carrierId === applicant) problems.push({ path: `${path}.${i}`, message: 'The applicant owns the structure; list only the carriers it will host', reason: 'invalid_value' });
      else if (ids.indexOf(carrierId) !== i) problems.push({ path: `${path}.${i}`, message: `Carrier ${carrierId} is listed twice`, reason: 'duplicate' });
      else if (!known.has(carrierId)) problems.push({ path: `${path}.${i}`, message: `No carrier ${carrierId}`, reason: 'unknown_reference' });
    });
    if (ids.length + 1 > proposal.facts.tenantCapacity) {
      problems.push({ path, message: `The applicant and ${ids.length} tenants exceed the tenant capacity of ${proposal.facts.tenantCapacity}`, reason: 'too_big' });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }

  async function loadForRead(actor: UserActor, id: number): Promise<ApplicationRow> {
    const app = await selectApplication(db, id);
    if (!app) throw new NotFoundError('Application', id);
    assertCanRead(actor, app);
    return app;
  }

  /** Runs the checks of a revision inside the transaction and stores them. */
  async function checkAndStore(tx: DbOrTx, app: ApplicationRow, revisionId: number, proposal: Proposal): Promise<RanCheck[]> {
    const result = await runChecks(tx, { proposal, applicantCarrierId: app.applicantCarrierId, applicationId: app.id }, { implementations, concurrent: false });
    await insertCheckResults(tx, revisionId, result.ran);
    return result.ran;
  }

  async function transition(
    tx: DbOrTx,
    ctx: RequestContext,
    app: ApplicationRow,
    to: ApplicationStatus,
    reason: string | null,
    set: ReturnType<typeof sql> = sql``,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await tx.execute(sql`UPDATE permit_applications SET status = ${to}, version = version + 1, updated_at = now() ${set} WHERE id = ${app.id}`);
    await recordChange(tx, ctx, {
      objectType: OBJECT_TYPE,
      objectId: app.id,
      action: 'transition',
      before: { status: app.status, revision: app.currentRevision },
      after: { status: to, revision: app.currentRevision, ...extra },
      reason,
    });
  }

  function proposalOf(kind: string, geojson: string, facts: unknown, justification: string | null): Proposal {
    return ProposalSchema.parse({ kind, geometry: JSON.parse(geojson), facts, justification: justification ?? undefined });
  }

  async function mustGetSummary(id: number): Promise<ApplicationSummary> {
    const summary = await selectSummary(db, id);
    if (!summary) throw new NotFoundError('Application', id);
    return summary;
  }

  function emit(layers: string[], geometry: AnyGeometry) {
    const bboxes: BBox[] = [bboxOf(geometry)];
    deps.events.emit('assets-changed', { layers, bboxes });
  }

  return {
    /** Tests and the coverage engine's late arrival: replace the what-if used by the coverage_gain rule. */
    setCoverageWhatIf(whatIf: CoverageWhatIf | null) {
      implementations = ruleImplementations(whatIf);
    },

    /** The checks for a proposal without filing it. */
    async preCheck(ctx: RequestContext, proposal: Proposal, applicantCarrierId?: number): Promise<CheckReport> {
      const actor = userOf(ctx);
      let applicant: number;
      if (actor.role === 'carrier') {
        if (applicantCarrierId !== undefined && applicantCarrierId !== actor.carrierId) throw forbidden('A carrier pre-checks for itself only', 'Doanh nghiệp chỉ kiểm tra trước cho chính mình');
        applicant = actor.carrierId!;
      } else {
        if (applicantCarrierId === undefined) throw new ValidationError([{ path: 'applicantCarrierId', message: 'Name the applicant carrier', reason: 'required' }]);
        applicant = applicantCarrierId;
      }
      await validateProposal(proposal, 'proposal.geometry');
      await validateTenants(db, proposal, applicant, 'proposal.');
      const result = await runChecks(db, { proposal, applicantCarrierId: applicant }, { implementations, concurrent: true });
      return toReport(result, ctx.locale);
    },

    async create(ctx: RequestContext, proposal: Proposal, applicantCarrierId?: number): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      let applicant: number;
      if (actor.role === 'carrier') applicant = actor.carrierId!;
      else if (actor.role === 'admin' && applicantCarrierId) applicant = applicantCarrierId;
      else if (actor.role === 'admin') throw new ValidationError([{ path: 'applicantCarrierId', message: 'An admin filing names the applicant carrier', reason: 'required' }]);
      else throw forbidden('Only carriers file applications', 'Chỉ doanh nghiệp viễn thông được nộp hồ sơ');
      await validateProposal(proposal);
      await validateTenants(db, proposal, applicant, '');
      const id = await db.transaction(async (tx) => {
        const reference = await nextReference(tx);
        const inserted = await rows<{ id: number }>(
          tx,
          sql`INSERT INTO permit_applications (reference, kind, applicant_carrier_id, status, current_revision, created_by)
              VALUES (${reference}, ${proposal.kind}, ${applicant}, 'draft', 1, ${actor.userId > 0 ? actor.userId : null}) RETURNING id`,
        );
        const appId = inserted[0]!.id;
        await insertRevision(tx, {
          applicationId: appId,
          revision: 1,
          geometry: proposal.geometry,
          facts: proposal.facts,
          justification: proposal.justification ?? null,
          frozen: false,
          userId: actor.userId > 0 ? actor.userId : null,
        });
        await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: appId, action: 'create', after: { reference, status: 'draft', proposal } });
        return appId;
      });
      return mustGetSummary(id);
    },

    async list(ctx: RequestContext, query: ApplicationListQuery) {
      const actor = userOf(ctx);
      const cursor = decodeCursor(query.cursor);
      const { items, total } = await selectSummaries(db, {
        statuses: query.status,
        kind: query.kind,
        adminUnitId: query.adminUnitId,
        verdict: query.verdict,
        minAgeDays: query.minAgeDays,
        applicantCarrierId: query.applicantCarrierId,
        onlyCarrierId: actor.role === 'carrier' ? actor.carrierId! : undefined,
        hideDrafts: actor.role === 'officer' || actor.role === 'planner',
        after: cursor ? { at: String(cursor.k), id: cursor.id } : null,
        limit: query.limit,
      });
      const page = items.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(({ sortAt: _sortAt, ...summary }) => summary),
        total,
        nextCursor: items.length > query.limit && last ? encodeCursor({ k: last.sortAt, id: last.id }) : null,
      };
    },

    async get(ctx: RequestContext, id: number): Promise<ApplicationDetail> {
      const actor = userOf(ctx);
      await loadForRead(actor, id);
      const [summary, revisions, attachments, history] = await Promise.all([mustGetSummary(id), selectRevisions(db, id), selectAttachments(db, id), selectHistory(db, id)]);
      const checks = await selectStoredChecks(
        db,
        revisions.map((r) => r.id),
        ctx.locale,
      );
      return {
        ...summary,
        revisions: revisions.map((r) => ({
          revision: r.revision,
          geometry: JSON.parse(r.geojson) as ApplicationDetail['geometry'],
          facts: r.facts,
          justification: r.justification,
          frozen: r.frozen,
          createdAt: toIso(r.createdAt),
          checks: checks.get(r.id) ?? [],
        })),
        attachments,
        history,
      };
    },

    /** Replaces a draft's proposal (applicant only; submitted facts are frozen). */
    async updateDraft(ctx: RequestContext, id: number, proposal: Proposal, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      if (actor.role !== 'carrier' && actor.role !== 'admin') throw forbidden('Only the applicant edits an application; submitted facts cannot be changed', 'Chỉ doanh nghiệp nộp hồ sơ được sửa; không ai được sửa nội dung đã nộp');
      await validateProposal(proposal, 'proposal.geometry');
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { applicant: actor, expected });
        if (app.status !== 'draft') {
          throw conflict('Submitted facts are frozen: file an amendment (a new revision) instead', 'Nội dung hồ sơ đã nộp không được sửa: hãy nộp bổ sung (phiên bản mới)', { status: app.status });
        }
        if (proposal.kind !== app.kind) throw new ValidationError([{ path: 'proposal.kind', message: `This application is for a ${app.kind}`, reason: 'invalid_value' }]);
        await validateTenants(tx, proposal, app.applicantCarrierId, 'proposal.');
        const before = await selectRevision(tx, id, app.currentRevision);
        await tx.execute(
          sql`UPDATE permit_revisions SET geom = ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(proposal.geometry)}), 4326),
                     facts = ${JSON.stringify(proposal.facts)}::jsonb, justification = ${proposal.justification ?? null}
               WHERE application_id = ${id} AND revision = ${app.currentRevision} AND NOT frozen`,
        );
        await tx.execute(sql`UPDATE permit_applications SET version = version + 1, updated_at = now() WHERE id = ${id}`);
        await recordChange(tx, ctx, {
          objectType: OBJECT_TYPE,
          objectId: id,
          action: 'update',
          before: before ? { geometry: JSON.parse(before.geojson), facts: before.facts, justification: before.justification } : null,
          after: proposal,
        });
      });
      return mustGetSummary(id);
    },

    /** draft → submitted: the facts freeze and the checks run. */
    async submit(ctx: RequestContext, id: number, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { applicant: actor, expected, allowed: ['draft'], verb: 'submit' });
        const revision = (await selectRevision(tx, id, app.currentRevision))!;
        const proposal = proposalOf(app.kind, revision.geojson, revision.facts, revision.justification);
        await tx.execute(sql`UPDATE permit_revisions SET frozen = true WHERE id = ${revision.id}`);
        const checks = await checkAndStore(tx, app, revision.id, proposal);
        await transition(tx, ctx, app, 'submitted', null, sql`, submitted_at = now()`, { checks: summarizeChecks(checks) });
      });
      return mustGetSummary(id);
    },

    /** A new frozen revision of a filed application, checked again; it goes back to the queue. */
    async amend(ctx: RequestContext, id: number, proposal: Proposal, reason: string, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      if (actor.role !== 'carrier' && actor.role !== 'admin') throw forbidden('Only the applicant amends an application', 'Chỉ doanh nghiệp nộp hồ sơ được nộp bổ sung');
      await validateProposal(proposal, 'proposal.geometry');
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { applicant: actor, expected, allowed: OPEN_STATUSES, verb: 'amend' });
        if (proposal.kind !== app.kind) throw new ValidationError([{ path: 'proposal.kind', message: `This application is for a ${app.kind}`, reason: 'invalid_value' }]);
        await validateTenants(tx, proposal, app.applicantCarrierId, 'proposal.');
        const revision = app.currentRevision + 1;
        const revisionId = await insertRevision(tx, {
          applicationId: id,
          revision,
          geometry: proposal.geometry,
          facts: proposal.facts,
          justification: proposal.justification ?? null,
          frozen: true,
          userId: actor.userId > 0 ? actor.userId : null,
        });
        const checks = await checkAndStore(tx, { ...app, currentRevision: revision }, revisionId, proposal);
        await tx.execute(sql`UPDATE permit_applications SET current_revision = ${revision} WHERE id = ${id}`);
        await transition(tx, ctx, { ...app, currentRevision: revision }, 'submitted', reason, sql``, { amendment: proposal, checks: summarizeChecks(checks) });
      });
      return mustGetSummary(id);
    },

    async withdraw(ctx: RequestContext, id: number, reason: string | null, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { applicant: actor, expected, allowed: ['draft', ...OPEN_STATUSES], verb: 'withdraw' });
        await transition(tx, ctx, app, 'withdrawn', reason);
      });
      return mustGetSummary(id);
    },

    /** submitted → under review (an officer takes it). */
    async startReview(ctx: RequestContext, id: number, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      assertDepartment(actor, ['officer']);
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { expected, allowed: ['submitted'], verb: 'start reviewing' });
        await transition(tx, ctx, app, 'under_review', null);
      });
      return mustGetSummary(id);
    },

    /**
     * Approve or reject with a mandatory reason. Approval is refused while a
     * blocking rule fails on the current revision. An approved site becomes a
     * `permitted` site that expires unless built within the validity period;
     * an approved route a `permitted` fibre route.
     */
    async decide(ctx: RequestContext, id: number, decision: 'approve' | 'reject', reason: string, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      assertDepartment(actor, ['officer']);
      let changed: { layers: string[]; geometry: AnyGeometry } | null = null;
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { expected, allowed: OPEN_STATUSES, verb: decision });
        const revision = (await selectRevision(tx, id, app.currentRevision))!;
        const number = await nextDecisionNumber(tx);
        const decidedBy = actor.userId > 0 ? actor.userId : null;
        if (decision === 'reject') {
          await transition(tx, ctx, app, 'rejected', reason, sql`, decided_at = now(), decided_by = ${decidedBy}, decision_reason = ${reason}, decision_number = ${number}`, {
            decisionNumber: number,
          });
          return;
        }
        const blocking = await rows<{ rule_id: string; message: string }>(
          tx,
          sql`SELECT k.rule_id, k.message FROM permit_check_results k JOIN permit_rules p ON p.id = k.rule_id
               WHERE k.revision_id = ${revision.id} AND k.verdict = 'fail' AND p.blocking ORDER BY k.id`,
        );
        if (blocking.length > 0) {
          throw new ConflictError(
            `A blocking rule fails: ${blocking.map((b) => b.rule_id).join(', ')}; reject it or ask the applicant for an amendment`,
            { blockingFailures: blocking.map((b) => b.rule_id) },
            blocking.map((b) => ({ path: `checks.${b.rule_id}`, message: b.message, reason: 'blocking_rule_failed' })),
            {
              en: `A blocking rule fails: ${blocking.map((b) => b.rule_id).join(', ')}; reject it or ask the applicant for an amendment`,
              vi: `Hồ sơ không đạt quy tắc bắt buộc: ${blocking.map((b) => b.rule_id).join(', ')}; hãy từ chối hoặc yêu cầu nộp bổ sung`,
            },
          );
        }
        const proposal = proposalOf(app.kind, revision.geojson, revision.facts, revision.justification);
        const records: ChangeRecord[] = [];
        let assetSet = sql``;
        if (proposal.kind === 'site') {
          const siteId = await insertPermittedSite(tx, app, proposal.geometry, proposal.facts);
          const site = await rows<Record<string, unknown>>(tx, sql`SELECT id, code, status, structure_type, height_m, tenant_capacity, permitted_until FROM sites WHERE id = ${siteId}`);
          records.push({ objectType: 'site', objectId: siteId, action: 'create', after: site[0], reason: `Permit ${app.reference} approved (${number})` });
          const planned = await insertPlannedTenancies(tx, app, siteId, proposal.facts);
          records.push(
            ...planned.map((t) => ({
              objectType: 'site_tenancy',
              objectId: t.id,
              action: 'create' as const,
              after: { id: t.id, siteId, carrierId: t.carrierId, since: t.since, position: t.position, planned: true },
              reason: `Intended tenant under permit ${app.reference} (${number}); counts toward site sharing once the site is built`,
            })),
          );
          assetSet = sql`, site_id = ${siteId}`;
          changed = { layers: ['sites'], geometry: proposal.geometry };
        } else {
          const route = await insertPermittedRoute(tx, app, proposal.geometry, proposal.facts);
          records.push({
            objectType: 'fibre_route',
            objectId: route.id,
            action: 'create',
            after: { id: route.id, code: app.reference, status: 'permitted', permittedUntil: route.permittedUntil },
            reason: `Permit ${app.reference} approved (${number})`,
          });
          const routeId = route.id;
          assetSet = sql`, fibre_route_id = ${routeId}`;
          changed = { layers: ['fibre_routes'], geometry: proposal.geometry };
        }
        await recordChanges(tx, ctx, records);
        await transition(
          tx,
          ctx,
          app,
          'approved',
          reason,
          sql`, decided_at = now(), decided_by = ${decidedBy}, decision_reason = ${reason}, decision_number = ${number} ${assetSet}`,
          { decisionNumber: number },
        );
      });
      if (changed) emit((changed as { layers: string[] }).layers, (changed as { geometry: AnyGeometry }).geometry);
      return mustGetSummary(id);
    },

    /**
     * The carrier reports an approved application built: a permitted site becomes
     * active with the planned sectors (its tenancies start on the commissioning
     * date); a permitted route becomes active. Refused once the permit lapsed.
     */
    async reportBuilt(ctx: RequestContext, id: number, commissionedOn: string | undefined, expected: ExpectedVersion): Promise<ApplicationSummary> {
      const actor = userOf(ctx);
      let changed: { layers: string[]; geometry: AnyGeometry } | null = null;
      await db.transaction(async (tx) => {
        const app = await lockApplication(tx, id, { applicant: actor, expected, allowed: ['approved'], verb: 'report built' });
        const table = app.kind === 'site' ? sql`sites` : sql`fibre_routes`;
        const assetId = app.kind === 'site' ? app.siteId : app.fibreRouteId;
        if (!assetId) throw conflict('The approved application has no permitted asset to report built', 'Hồ sơ đã chấp thuận không có công trình được cấp phép để báo cáo hoàn thành');
        const asset = (await rows<{ id: number; code: string; status: string; expired: boolean; geojson: string }>(
          tx,
          sql`SELECT id, code, status, coalesce(permitted_until < CURRENT_DATE, false) AS expired, ST_AsGeoJSON(geom) AS geojson FROM ${table} WHERE id = ${assetId} FOR UPDATE`,
        ))[0];
        const label = app.kind === 'site' ? { en: 'Site', vi: 'Trạm' } : { en: 'Route', vi: 'Tuyến cáp' };
        if (!asset) throw new NotFoundError(label.en, assetId);
        if (asset.status !== 'permitted' || asset.expired) {
          throw conflict(
            `${label.en} ${asset.code} is ${asset.expired ? 'past its permitted date' : asset.status}; it cannot be reported built`,
            `${label.vi} ${asset.code} đã hết hạn hoặc không còn ở trạng thái được cấp phép`,
            app.kind === 'site' ? { siteStatus: asset.status } : { routeStatus: asset.status },
          );
        }
        if (app.kind === 'route') {
          await tx.execute(sql`UPDATE fibre_routes SET status = 'active', version = version + 1, updated_at = now() WHERE id = ${asset.id}`);
          await recordChange(tx, ctx, {
            objectType: 'fibre_route',
            objectId: asset.id,
            action: 'update',
            before: { status: 'permitted' },
            after: { status: 'active', commissionedOn: commissionedOn ?? null },
            reason: `Built under permit ${app.reference}`,
          });
          await tx.execute(sql`UPDATE permit_applications SET version = version + 1, updated_at = now() WHERE id = ${id}`);
          await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: id, action: 'update', after: { routeBuilt: asset.id }, reason: 'Reported built' });
          changed = { layers: ['fibre_routes'], geometry: JSON.parse(asset.geojson) as AnyGeometry };
          return;
        }
        const site = asset;
        const revision = (await selectRevision(tx, id, app.currentRevision))!;
        const facts = revision.facts as SiteFacts;
        const commissioned = (await rows<{ d: string }>(
          tx,
          sql`UPDATE sites SET status = 'active', commissioned_on = coalesce(${commissionedOn ?? null}::date, CURRENT_DATE), version = version + 1, updated_at = now()
               WHERE id = ${site.id} RETURNING commissioned_on::text AS d`,
        ))[0]!.d;
        // The owner's and the planned tenants' tenancies run from the day the structure went into service.
        const started = await rows<{ id: number; carrierId: number; before: string }>(
          tx,
          sql`WITH o AS (SELECT id, since FROM site_tenancies WHERE site_id = ${site.id} AND until IS NULL AND since <> ${commissioned}::date FOR UPDATE)
              UPDATE site_tenancies t SET since = ${commissioned}::date, version = t.version + 1, updated_at = now()
                FROM o WHERE t.id = o.id
              RETURNING t.id, t.carrier_id AS "carrierId", o.since::text AS before`,
        );
        const sectorIds: number[] = [];
        for (const [i, s] of (facts.sectors ?? []).entries()) {
          const inserted = await rows<{ id: number }>(
            tx,
            sql`INSERT INTO sectors (site_id, carrier_id, code, technology, band_mhz, azimuth_deg, beamwidth_deg, antenna_height_m, tilt_deg, status)
                VALUES (${site.id}, ${app.applicantCarrierId}, ${`${site.code}-S${i + 1}`}, ${s.technology}, ${s.bandMhz}, ${s.azimuthDeg}, ${s.beamwidthDeg ?? 65},
                        ${s.antennaHeightM}, ${s.tiltDeg ?? 0}, 'active')
                RETURNING id`,
          );
          sectorIds.push(inserted[0]!.id);
        }
        if (deps.recomputeCoverage) await deps.recomputeCoverage(tx, { siteIds: [site.id], sectorIds }, actor.userId > 0 ? actor.userId : null);
        await recordChanges(tx, ctx, [
          { objectType: 'site', objectId: site.id, action: 'update', before: { status: 'permitted' }, after: { status: 'active', commissionedOn: commissioned }, reason: `Built under permit ${app.reference}` },
          ...started.map((t) => ({
            objectType: 'site_tenancy',
            objectId: t.id,
            action: 'update' as const,
            before: { since: t.before },
            after: { since: commissioned, carrierId: t.carrierId },
            reason: `Site built under permit ${app.reference}`,
          })),
          ...sectorIds.map((sid) => ({ objectType: 'sector', objectId: sid, action: 'create' as const, after: { siteId: site.id }, reason: `Built under permit ${app.reference}` })),
        ]);
        await tx.execute(sql`UPDATE permit_applications SET version = version + 1, updated_at = now() WHERE id = ${id}`);
        await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: id, action: 'update', after: { siteBuilt: site.id, sectors: sectorIds }, reason: 'Reported built' });
        changed = { layers: ['sites', 'sectors'], geometry: JSON.parse(site.geojson) as AnyGeometry };
      });
      if (changed) emit((changed as { layers: string[] }).layers, (changed as { geometry: AnyGeometry }).geometry);
      return mustGetSummary(id);
    },

    /**
     * Permitted sites and routes not reported built by their date lapse (status
     * decommissioned; a lapsed site's tenancies end), each with a change-log row.
     */
    async expirePermits(ctx: RequestContext): Promise<{ expiredSiteIds: number[]; expiredRouteIds: number[] }> {
      const lapsed = await db.transaction(async (tx) => {
        const sites = await rows<{ id: number; code: string; permitted_until: string; geojson: string }>(
          tx,
          sql`UPDATE sites SET status = 'decommissioned', version = version + 1, updated_at = now()
               WHERE status = 'permitted' AND permitted_until < CURRENT_DATE
               RETURNING id, code, permitted_until::text, ST_AsGeoJSON(geom) AS geojson`,
        );
        const routes = await rows<{ id: number; code: string; permitted_until: string; geojson: string }>(
          tx,
          sql`UPDATE fibre_routes SET status = 'decommissioned', version = version + 1, updated_at = now()
               WHERE status = 'permitted' AND permitted_until < CURRENT_DATE
               RETURNING id, code, permitted_until::text, ST_AsGeoJSON(geom) AS geojson`,
        );
        const ended =
          sites.length === 0
            ? []
            : await rows<{ id: number; site_id: number; carrier_id: number }>(
                tx,
                sql`UPDATE site_tenancies SET until = greatest(since, CURRENT_DATE), version = version + 1, updated_at = now()
                     WHERE site_id = ANY(${arrayParam(sites.map((s) => s.id))}::int[]) AND until IS NULL
                 RETURNING id, site_id, carrier_id`,
              );
        const lapse = (objectType: string, s: { id: number; permitted_until: string }): ChangeRecord => ({
          objectType,
          objectId: s.id,
          action: 'decommission',
          before: { status: 'permitted', permittedUntil: s.permitted_until },
          after: { status: 'decommissioned' },
          reason: `Permit lapsed: not built by ${s.permitted_until}`,
        });
        await recordChanges(tx, ctx, [
          ...sites.map((s) => lapse('site', s)),
          ...ended.map((t) => ({
            objectType: 'site_tenancy',
            objectId: t.id,
            action: 'update' as const,
            before: { until: null },
            after: { siteId: t.site_id, carrierId: t.carrier_id, ended: true },
            reason: 'Permit of the site lapsed',
          })),
          ...routes.map((r) => lapse('fibre_route', r)),
        ]);
        return { sites, routes };
      });
      const bboxes = (list: { geojson: string }[]) => list.map((s) => bboxOf(JSON.parse(s.geojson) as AnyGeometry));
      if (lapsed.sites.length > 0) deps.events.emit('assets-changed', { layers: ['sites'], bboxes: bboxes(lapsed.sites) });
      if (lapsed.routes.length > 0) deps.events.emit('assets-changed', { layers: ['fibre_routes'], bboxes: bboxes(lapsed.routes) });
      return { expiredSiteIds: lapsed.sites.map((s) => s.id), expiredRouteIds: lapsed.routes.map((r) => r.id) };
    },

    // ---------------------------------------------------------------- attachments

    async addAttachment(ctx: RequestContext, id: number, filename: string | undefined, declaredType: string | undefined, bytes: Buffer): Promise<Attachment> {
      const actor = userOf(ctx);
      const app = await selectApplication(db, id);
      if (!app) throw new NotFoundError('Application', id);
      assertApplicant(actor, app);
      assertStatus(app, ['draft', ...OPEN_STATUSES], 'attach a file to');
      const limit = Math.min(deps.attachmentMaxBytes, await readNumberSetting(db, 'permit_attachment_max_bytes', deps.attachmentMaxBytes));
      if (bytes.length > limit) throw new PayloadTooLargeError(`An attachment may be at most ${limit} bytes`);
      if (bytes.length === 0) throw new UnprocessableError('The file is empty', [{ path: 'body', message: 'The file is empty', reason: ATTACHMENT_REASONS.empty }]);
      const detected = detectAttachmentType(bytes);
      if (!detected) {
        throw new UnprocessableError('Only PDF, JPEG and PNG files are accepted (decided by content)', [
          { path: 'body', message: 'Only PDF, JPEG and PNG files are accepted', reason: ATTACHMENT_REASONS.unsupported },
        ]);
      }
      const declared = declaredType?.split(';')[0]?.trim().toLowerCase();
      if (declared && declared !== 'application/octet-stream' && declared !== detected) {
        throw new UnprocessableError(`The content is ${detected}, not ${declared}`, [{ path: 'content-type', message: `The content is ${detected}, not ${declared}`, reason: ATTACHMENT_REASONS.mismatch }]);
      }
      const stored = await storeAttachment(deps.storageDir, bytes);
      const name = cleanFilename(filename, detected);
      const inserted = await db.transaction(async (tx) => {
        const r = await rows<{ id: number }>(
          tx,
          sql`INSERT INTO permit_attachments (application_id, revision, filename, content_type, size_bytes, sha256, uploaded_by)
              VALUES (${id}, ${app.currentRevision}, ${name}, ${detected}, ${bytes.length}, ${stored.sha256}, ${actor.userId > 0 ? actor.userId : null}) RETURNING id`,
        );
        await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: id, action: 'update', after: { attachment: { id: r[0]!.id, filename: name, contentType: detected, sizeBytes: bytes.length, sha256: stored.sha256 } } });
        return r[0]!.id;
      });
      return (await selectAttachments(db, id)).find((a) => a.id === inserted)!;
    },

    async readAttachment(ctx: RequestContext, id: number, attachmentId: number): Promise<{ attachment: Attachment; bytes: Buffer }> {
      const actor = userOf(ctx);
      await loadForRead(actor, id);
      const attachment = (await selectAttachments(db, id)).find((a) => a.id === attachmentId);
      if (!attachment) throw new NotFoundError('Attachment', attachmentId);
      const bytes = await readFile(attachmentPath(deps.storageDir, attachment.sha256));
      return { attachment, bytes };
    },

    async deleteAttachment(ctx: RequestContext, id: number, attachmentId: number): Promise<void> {
      const actor = userOf(ctx);
      await db.transaction(async (tx) => {
        await lockApplication(tx, id, { applicant: actor, allowed: ['draft'], verb: 'remove an attachment from' });
        const removed = await rows<{ id: number; filename: string; sha256: string }>(
          tx,
          sql`DELETE FROM permit_attachments WHERE id = ${attachmentId} AND application_id = ${id} RETURNING id, filename, sha256`,
        );
        if (removed.length === 0) throw new NotFoundError('Attachment', attachmentId);
        await recordChange(tx, ctx, { objectType: OBJECT_TYPE, objectId: id, action: 'update', before: { attachment: removed[0] }, after: null });
      });
    },

    /** The decision letter of a decided application, as data for the HTML and PDF renderers. */
    async decisionLetter(ctx: RequestContext, id: number): Promise<DecisionLetter> {
      const actor = userOf(ctx);
      const app = await loadForRead(actor, id);
      if (app.status !== 'approved' && app.status !== 'rejected') {
        throw conflict('The application has no decision yet', 'Hồ sơ chưa có quyết định', { status: app.status });
      }
      return buildDecisionLetter(db, id);
    },

    // ---------------------------------------------------------------- rules

    async listRules(): Promise<PermitRule[]> {
      const found = await rows<PermitRule>(
        db,
        sql`SELECT id, name_vi AS "nameVi", name_en AS "nameEn", applies_to AS "appliesTo", params, blocking, enabled, version FROM permit_rules ORDER BY id`,
      );
      return found;
    },

    /** Rules are data: admins (and planners) edit params, blocking and enabled. */
    async updateRule(ctx: RequestContext, ruleId: string, input: UpdatePermitRuleInput, expected: ExpectedVersion): Promise<PermitRule> {
      const actor = userOf(ctx);
      assertDepartment(actor, ['planner']);
      await db.transaction(async (tx) => {
        const current = (await rows<PermitRule>(
          tx,
          sql`SELECT id, params, blocking, enabled, version FROM permit_rules WHERE id = ${ruleId} FOR UPDATE`,
        ))[0];
        if (!current) throw new NotFoundError('Rule', ruleId);
        assertVersion(expected, current.version, 'The rule');
        const params = input.params ? { ...current.params, ...input.params } : current.params;
        await tx.execute(
          sql`UPDATE permit_rules SET params = ${JSON.stringify(params)}::jsonb, blocking = ${input.blocking ?? current.blocking},
                     enabled = ${input.enabled ?? current.enabled}, version = version + 1, updated_at = now() WHERE id = ${ruleId}`,
        );
        await recordChange(tx, ctx, {
          objectType: 'permit_rule',
          objectId: ruleId,
          action: 'update',
          before: { params: current.params, blocking: current.blocking, enabled: current.enabled },
          after: { params, blocking: input.blocking ?? current.blocking, enabled: input.enabled ?? current.enabled },
        });
      });
      return (await this.listRules()).find((r) => r.id === ruleId)!;
    },

    /** The rule rows, for scripts. */
    selectRules: () => selectRules(db),
  };

  async function insertPermittedSite(tx: DbOrTx, app: ApplicationRow, geometry: AnyGeometry, facts: SiteFacts): Promise<number> {
    const months = await validityMonths(tx);
    const g = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)`;
    const inserted = await rows<{ id: number }>(
      tx,
      sql`INSERT INTO sites (code, name, owner_carrier_id, geom, structure_type, height_m, tenant_capacity, status, permitted_until, village_id, admin_unit_id, address)
          VALUES (${app.reference}, ${facts.address ?? app.reference}, ${app.applicantCarrierId}, ${g}, ${facts.structureType}, ${facts.heightM}, ${facts.tenantCapacity},
                  'permitted', (CURRENT_DATE + make_interval(months => ${months}))::date,
                  (SELECT v.id FROM villages v WHERE ST_Intersects(v.boundary, ${g}) ORDER BY v.id LIMIT 1),
                  (SELECT u.id FROM admin_units u JOIN admin_levels l ON l.code = u.level
                    WHERE u.boundary IS NOT NULL AND ST_Intersects(u.boundary, ${g}) AND (u.valid_to IS NULL OR u.valid_to >= CURRENT_DATE)
                    ORDER BY l.rank DESC, u.id LIMIT 1),
                  ${facts.address ?? null})
          RETURNING id`,
    );
    const siteId = inserted[0]!.id;
    // The owner has a tenancy row too (it counts toward the site-sharing rate's denominator only).
    await tx.execute(sql`INSERT INTO site_tenancies (site_id, carrier_id, position) VALUES (${siteId}, ${app.applicantCarrierId}, 'owner')`);
    return siteId;
  }

  async function insertPermittedRoute(tx: DbOrTx, app: ApplicationRow, geometry: AnyGeometry, facts: RouteFacts): Promise<{ id: number; permittedUntil: string }> {
    const coordinates = (geometry as { coordinates: Position[] }).coordinates;
    const placement = dominantPlacement(coordinates, facts);
    const months = await validityMonths(tx);
    const g = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)`;
    const inserted = await rows<{ id: number; permittedUntil: string }>(
      tx,
      sql`INSERT INTO fibre_routes (code, name, owner_carrier_id, geom, kind, placement, fibre_count, status, length_m, permitted_until)
          VALUES (${app.reference}, ${facts.name ?? app.reference}, ${app.applicantCarrierId}, ${g}, ${facts.kind}, ${placement}, ${facts.fibreCount}, 'permitted',
                  ST_Length(${g}::geography), (CURRENT_DATE + make_interval(months => ${months}))::date)
          RETURNING id, permitted_until::text AS "permittedUntil"`,
    );
    return inserted[0]!;
  }

  /**
   * The carriers the application intends to host, as tenancies on the permitted
   * site. They are planned while the site is: the sharing rate counts active
   * sites only, so they count once the site is reported built (their `since`
   * then becomes the commissioning date). A lapsed permit ends them.
   */
  async function insertPlannedTenancies(tx: DbOrTx, app: ApplicationRow, siteId: number, facts: SiteFacts) {
    const ids = [...new Set(facts.intendedTenantCarrierIds)].filter((c) => c !== app.applicantCarrierId).slice(0, Math.max(0, facts.tenantCapacity - 1));
    if (ids.length === 0) return [];
    return rows<{ id: number; carrierId: number; since: string; position: string }>(
      tx,
      sql`INSERT INTO site_tenancies (site_id, carrier_id, position)
          SELECT ${siteId}, c.id, ${`intended tenant (permit ${app.reference})`} FROM carriers c
           WHERE c.id = ANY(${arrayParam(ids)}::int[])
           ORDER BY array_position(${arrayParam(ids)}::int[], c.id)
          RETURNING id, carrier_id AS "carrierId", since::text AS since, position`,
    );
  }

  /** Months a permitted site or route has to be reported built (one setting for both; default 6). */
  async function validityMonths(tx: DbOrTx): Promise<number> {
    return Math.round(await readNumberSetting(tx, 'permit_site_validity_months', 6));
  }
}

function summarizeChecks(checks: RanCheck[]) {
  return checks.map((c) => ({ ruleId: c.rule.id, verdict: c.verdict }));
}

export type PermitsService = ReturnType<typeof createPermitsService>;
export type { AttachmentType };
