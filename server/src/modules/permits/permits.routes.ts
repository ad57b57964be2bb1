import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AmendApplicationInput,
  ApplicationDetail,
  ApplicationListQuery,
  ApplicationPage,
  ApplicationSummary,
  Attachment,
  CheckReport,
  CreateApplicationInput,
  DecisionInput,
  PermitRule,
  PreCheckInput,
  ReportBuiltInput,
  TransitionInput,
  UpdateDraftInput,
  UpdatePermitRuleInput,
} from '@registry/shared/schemas/permits';
import { systemContext } from '../../context';
import { expectedVersion, setEtag } from '../../lib/versioning';
import { ATTACHMENT_TYPES } from './attachments';
import { renderDecisionLetterHtml, renderDecisionLetterPdf } from './decision-letter';
import type { PermitsService } from './permits.service';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const AttachmentParams = IdParams.extend({ attachmentId: z.coerce.number().int().positive() });
const tags = ['permits'];

export interface PermitRoutesOptions {
  service: PermitsService;
  /** Largest attachment body accepted on the wire, bytes. */
  attachmentBodyLimit: number;
  /** How often permitted-but-unbuilt sites are checked for lapse; 0 = never (tests). */
  expirySweepMs: number;
}

/**
 * The permit desk: pre-check, applications and their lifecycle, the
 * officers' queue and decisions, attachments, decision letters, and the
 * rules as data.
 */
export default async function permitRoutes(app: FastifyInstance, { service, attachmentBodyLimit, expirySweepMs }: PermitRoutesOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyUser = app.requireUser;
  const applicantRoles = app.requireRole('carrier');
  const officers = app.requireRole('officer');

  // Attachments arrive as the raw file body (Content-Type: the file's type);
  // the type that counts is the one read from the bytes.
  app.addContentTypeParser([...ATTACHMENT_TYPES, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: attachmentBodyLimit }, (_request, body, done) => done(null, body));

  const versionOf = (request: FastifyRequest, body: { version?: number } | undefined) => expectedVersion(request, body?.version);

  r.post(
    '/api/permits/pre-check',
    {
      preHandler: app.requireRole('carrier', 'officer', 'planner'),
      schema: { tags, summary: 'Run the compliance checks for a proposed site or route without filing it (roles: carrier for itself; officer, planner, admin name the applicant)', body: PreCheckInput, response: { 200: CheckReport } },
    },
    async (request) => service.preCheck(request.ctx(), request.body.proposal, request.body.applicantCarrierId),
  );

  r.get('/api/permits/rules', { preHandler: anyUser, schema: { tags, summary: 'The compliance rules and their params (roles: any user)', response: { 200: z.object({ items: z.array(PermitRule) }) } } }, async () => ({
    items: await service.listRules(),
  }));

  r.patch(
    '/api/permits/rules/:id',
    {
      preHandler: app.requireRole('planner'),
      schema: { tags, summary: 'Edit a rule: params (merged), blocking, enabled (roles: planner, admin)', params: z.object({ id: z.string().max(64) }), body: UpdatePermitRuleInput, response: { 200: PermitRule } },
    },
    async (request, reply) => {
      const rule = await service.updateRule(request.ctx(), request.params.id, request.body, versionOf(request, request.body));
      setEtag(reply, rule.version);
      return rule;
    },
  );

  r.post(
    '/api/permits/applications',
    {
      preHandler: applicantRoles,
      schema: {
        tags,
        summary: 'File a draft application for a new site or route (roles: carrier; admin names applicantCarrierId)',
        querystring: z.object({ applicantCarrierId: z.coerce.number().int().positive().optional() }),
        body: CreateApplicationInput,
        response: { 201: ApplicationSummary },
      },
    },
    async (request, reply) => {
      const created = await service.create(request.ctx(), request.body, request.query.applicantCarrierId);
      setEtag(reply, created.version);
      reply.status(201);
      return created;
    },
  );

  r.get(
    '/api/permits/applications',
    { preHandler: anyUser, schema: { tags, summary: 'Applications I may see (carriers: their own, drafts included)', querystring: ApplicationListQuery, response: { 200: ApplicationPage } } },
    async (request) => service.list(request.ctx(), request.query),
  );

  r.get(
    '/api/permits/queue',
    {
      preHandler: app.requireRole('officer', 'planner'),
      schema: {
        tags,
        summary: 'The officers’ queue: submitted and under-review applications, oldest first; filter by admin unit (district), worst verdict, age, applicant',
        querystring: ApplicationListQuery,
        response: { 200: ApplicationPage },
      },
    },
    async (request) => service.list(request.ctx(), { ...request.query, status: request.query.status ?? ['submitted', 'under_review'] }),
  );

  r.get(
    '/api/permits/applications/:id',
    { preHandler: anyUser, schema: { tags, summary: 'An application with every revision, its checks and evidence geometry, attachments and history', params: IdParams, response: { 200: ApplicationDetail } } },
    async (request, reply) => {
      const detail = await service.get(request.ctx(), request.params.id);
      setEtag(reply, detail.version);
      return detail;
    },
  );

  r.put(
    '/api/permits/applications/:id',
    {
      preHandler: applicantRoles,
      schema: { tags, summary: 'Replace a draft’s proposal (roles: the applicant; submitted facts are frozen → 409)', params: IdParams, body: UpdateDraftInput, response: { 200: ApplicationSummary } },
    },
    async (request, reply) => {
      const updated = await service.updateDraft(request.ctx(), request.params.id, request.body.proposal, versionOf(request, request.body));
      setEtag(reply, updated.version);
      return updated;
    },
  );

  /** A POST on an application (a lifecycle step): the step's body, the result's ETag. */
  const transitionRoute = <B extends z.ZodType<{ version?: number }>>(
    path: string,
    summary: string,
    preHandler: ReturnType<typeof app.requireRole>,
    body: B,
    act: (request: FastifyRequest, id: number, body: z.infer<B>) => Promise<z.infer<typeof ApplicationSummary>>,
  ) =>
    r.post(`/api/permits/applications/:id/${path}`, { preHandler, schema: { tags, summary, params: IdParams, body, response: { 200: ApplicationSummary } } }, async (request, reply) => {
      const result = await act(request, request.params.id, request.body as z.infer<B>);
      setEtag(reply, result.version);
      return result;
    });

  transitionRoute('submit', 'Submit a draft: the facts freeze and the checks run (roles: the applicant)', applicantRoles, TransitionInput, (request, id, body) =>
    service.submit(request.ctx(), id, versionOf(request, body)),
  );
  transitionRoute('withdraw', 'Withdraw an application not yet decided (roles: the applicant)', applicantRoles, TransitionInput, (request, id, body) =>
    service.withdraw(request.ctx(), id, body.reason ?? null, versionOf(request, body)),
  );
  transitionRoute('review', 'Take a submitted application under review (roles: officer)', officers, TransitionInput, (request, id, body) =>
    service.startReview(request.ctx(), id, versionOf(request, body)),
  );
  transitionRoute('amendments', 'Amend a filed application: a new frozen revision with its own checks (roles: the applicant)', applicantRoles, AmendApplicationInput, (request, id, body) =>
    service.amend(request.ctx(), id, body.proposal, body.reason, versionOf(request, body)),
  );
  transitionRoute('decision', 'Approve or reject with a mandatory reason (roles: officer); approval is refused while a blocking rule fails', officers, DecisionInput, (request, id, body) =>
    service.decide(request.ctx(), id, body.decision, body.reason, versionOf(request, body)),
  );
  transitionRoute(
    'built',
    'Report an approved application built: the permitted site becomes active with its planned sectors and tenants, a permitted route active (roles: the applicant)',
    applicantRoles,
    ReportBuiltInput,
    (request, id, body) => service.reportBuilt(request.ctx(), id, body.commissionedOn, versionOf(request, body)),
  );

  r.post(
    '/api/permits/applications/:id/attachments',
    {
      preHandler: applicantRoles,
      bodyLimit: attachmentBodyLimit,
      schema: {
        tags,
        summary: 'Attach a drawing or photo: send the file as the body (PDF, JPEG or PNG, checked by content), its name in ?filename= (roles: the applicant)',
        params: IdParams,
        querystring: z.object({ filename: z.string().max(255).optional() }),
        response: { 201: Attachment },
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const created = await service.addAttachment(request.ctx(), request.params.id, request.query.filename, request.headers['content-type'], body);
      reply.status(201);
      return created;
    },
  );

  r.get(
    '/api/permits/applications/:id/attachments/:attachmentId',
    { preHandler: anyUser, schema: { tags, summary: 'Download an attachment', params: AttachmentParams } },
    async (request, reply) => {
      const { attachment, bytes } = await service.readAttachment(request.ctx(), request.params.id, request.params.attachmentId);
      reply
        .type(attachment.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`)
        .header('cache-control', 'private, max-age=0');
      return reply.send(bytes);
    },
  );

  r.delete(
    '/api/permits/applications/:id/attachments/:attachmentId',
    { preHandler: applicantRoles, schema: { tags, summary: 'Remove an attachment from a draft (roles: the applicant)', params: AttachmentParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await service.deleteAttachment(request.ctx(), request.params.id, request.params.attachmentId);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/permits/applications/:id/decision-letter.html',
    { preHandler: anyUser, schema: { tags, summary: 'The decision letter, printable HTML in Vietnamese administrative layout', params: IdParams } },
    async (request, reply) => {
      const letter = await service.decisionLetter(request.ctx(), request.params.id);
      return reply.type('text/html; charset=utf-8').send(renderDecisionLetterHtml(letter));
    },
  );

  r.get(
    '/api/permits/applications/:id/decision-letter.pdf',
    { preHandler: anyUser, schema: { tags, summary: 'The decision letter as PDF', params: IdParams } },
    async (request, reply) => {
      const letter = await service.decisionLetter(request.ctx(), request.params.id);
      const pdf = await renderDecisionLetterPdf(letter);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="quyet-dinh-${letter.reference}.pdf"`)
        .send(pdf);
    },
  );

  r.post(
    '/api/permits/expire',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Lapse permitted sites and routes not reported built by their date now (also runs periodically) (roles: admin)',
        response: { 200: z.object({ expiredSiteIds: z.array(z.number().int()), expiredRouteIds: z.array(z.number().int()) }) },
      },
    },
    async (request) => service.expirePermits(request.ctx()),
  );

  if (expirySweepMs > 0) {
    const timer = setInterval(() => {
      service.expirePermits(systemContext()).catch((error: unknown) => app.log.error({ err: error }, 'permit expiry sweep failed'));
    }, expirySweepMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
}
