import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AnswerCoUseRequestInput, CoUseListQuery, CoUsePage, CoUseReport, CoUseRequest, CreateCoUseRequestInput } from '@registry/shared/schemas/permits';
import { expectedVersion, setEtag } from '../../lib/versioning';
import type { CoUseService } from './co-use.service';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const tags = ['co-use'];

export default async function coUseRoutes(app: FastifyInstance, { service }: { service: CoUseService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/co-use/requests',
    {
      preHandler: app.requireRole('carrier'),
      schema: {
        tags,
        summary: "Ask a structure's owner for space (a site tenancy, pole positions, ducts) (roles: carrier; admin names requesterCarrierId)",
        querystring: z.object({ requesterCarrierId: z.coerce.number().int().positive().optional() }),
        body: CreateCoUseRequestInput,
        response: { 201: CoUseRequest },
      },
    },
    async (request, reply) => {
      const created = await service.create(request.ctx(), request.body, request.query.requesterCarrierId);
      setEtag(reply, created.version);
      reply.status(201);
      return created;
    },
  );

  r.get(
    '/api/co-use/requests',
    { preHandler: app.requireUser, schema: { tags, summary: 'Co-use requests (carriers: those they sent or received; department: all)', querystring: CoUseListQuery, response: { 200: CoUsePage } } },
    async (request) => service.list(request.ctx(), request.query),
  );

  r.get('/api/co-use/requests/:id', { preHandler: app.requireUser, schema: { tags, summary: 'One co-use request', params: IdParams, response: { 200: CoUseRequest } } }, async (request, reply) => {
    const found = await service.get(request.ctx(), request.params.id);
    setEtag(reply, found.version);
    return found;
  });

  r.post(
    '/api/co-use/requests/:id/answer',
    {
      preHandler: app.requireRole('carrier'),
      schema: { tags, summary: "The owner's answer: accept (creates the tenancy) or decline with a reason (roles: the owner carrier)", params: IdParams, body: AnswerCoUseRequestInput, response: { 200: CoUseRequest } },
    },
    async (request, reply) => {
      const answered = await service.answer(request.ctx(), request.params.id, request.body.decision, request.body.reason, expectedVersion(request, request.body.version));
      setEtag(reply, answered.version);
      return answered;
    },
  );

  r.post(
    '/api/co-use/requests/:id/withdraw',
    {
      preHandler: app.requireRole('carrier'),
      schema: { tags, summary: 'Withdraw a pending request (roles: the requester)', params: IdParams, body: z.object({ version: z.number().int().optional() }), response: { 200: CoUseRequest } },
    },
    async (request, reply) => {
      const withdrawn = await service.withdraw(request.ctx(), request.params.id, expectedVersion(request, request.body.version));
      setEtag(reply, withdrawn.version);
      return withdrawn;
    },
  );

  r.get(
    '/api/co-use/reports/owners',
    { preHandler: app.requireRole('officer', 'planner'), schema: { tags, summary: 'Per owner: requests received, accepted, declined (with reasons), lapsed — who refuses to share (roles: officer, planner, admin)', response: { 200: CoUseReport } } },
    async (request) => service.ownerReport(request.ctx()),
  );
}
