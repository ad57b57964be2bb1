import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BulkKpiObservationsInput,
  BulkKpiObservationsResult,
  CreateKpiObservationInput,
  KpiDashboard,
  KpiDashboardQuery,
  KpiIndicatorList,
  KpiObservation,
  KpiObservationFilters,
  KpiObservationPage,
  UpdateKpiObservationInput,
} from '@registry/shared/schemas/kpi';
import { pickLocale, type Locale } from '@registry/shared/messages';
import { expectedVersion, setEtag } from '../../lib/versioning';
import { dashboardCsv, dashboardXlsx } from './kpi.export';
import type { KpiService } from './kpi.service';

const IdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

function exportLocale(request: FastifyRequest, lang: Locale | undefined): Locale {
  return lang ?? pickLocale(request.headers['accept-language']);
}

/** The plan's indicators: targets, reported observations (planners write), the dashboard and its exports. */
export default async function kpiRoutes(app: FastifyInstance, { service }: { service: KpiService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const writer = app.requireRole('planner');

  r.get(
    '/api/kpi/indicators',
    { schema: { tags: ['kpi'], summary: 'Every indicator of the plan with its province-wide 2025 target (roles: public)', response: { 200: KpiIndicatorList } } },
    async () => service.listIndicators(),
  );

  r.get(
    '/api/kpi/observations',
    {
      schema: {
        tags: ['kpi'],
        summary: 'Reported indicator values, filtered by indicator, admin unit and period (roles: public)',
        querystring: KpiObservationFilters,
        response: { 200: KpiObservationPage },
      },
    },
    async (request) => service.listObservations(request.query),
  );

  r.get(
    '/api/kpi/observations/:id',
    { schema: { tags: ['kpi'], summary: 'One reported value; ETag carries its version (roles: public)', params: IdParams, response: { 200: KpiObservation } } },
    async (request, reply) => {
      const o = await service.getObservation(request.params.id);
      setEtag(reply, o.version);
      return o;
    },
  );

  r.post(
    '/api/kpi/observations',
    {
      preHandler: writer,
      schema: {
        tags: ['kpi'],
        summary: 'Enter a reported value for a district (or the province) and period; percentages over 100 are refused (roles: planner, admin)',
        body: CreateKpiObservationInput,
        response: { 201: KpiObservation },
      },
    },
    async (request, reply) => {
      const o = await service.createObservation(request.ctx(), request.body);
      setEtag(reply, o.version);
      reply.status(201);
      return o;
    },
  );

  r.post(
    '/api/kpi/observations/bulk',
    {
      preHandler: writer,
      schema: {
        tags: ['kpi'],
        summary: 'Import many values at once, all or nothing; dryRun reports each bad row by index and field (roles: planner, admin)',
        body: BulkKpiObservationsInput,
        response: { 200: BulkKpiObservationsResult },
      },
    },
    async (request) => service.bulkUpsert(request.ctx(), request.body),
  );

  r.put(
    '/api/kpi/observations/:id',
    {
      preHandler: writer,
      schema: {
        tags: ['kpi'],
        summary: 'Change a value; send If-Match or body version (roles: planner, admin)',
        params: IdParams,
        body: UpdateKpiObservationInput,
        response: { 200: KpiObservation },
      },
    },
    async (request, reply) => {
      const o = await service.updateObservation(request.ctx(), request.params.id, request.body, expectedVersion(request, request.body.version));
      setEtag(reply, o.version);
      return o;
    },
  );

  r.delete(
    '/api/kpi/observations/:id',
    {
      preHandler: writer,
      schema: {
        tags: ['kpi'],
        summary: 'Remove a value; If-Match, when sent, must name the current version (roles: planner, admin)',
        params: IdParams,
        response: { 200: KpiObservation },
      },
    },
    async (request) => {
      const ifMatch = request.headers['if-match'];
      const expected = typeof ifMatch === 'string' && ifMatch.trim() !== '' ? expectedVersion(request, undefined) : null;
      return service.deleteObservation(request.ctx(), request.params.id, expected);
    },
  );

  r.get(
    '/api/kpi/dashboard',
    {
      schema: {
        tags: ['kpi'],
        summary: 'Every indicator, computed and reported, for the province and each district against its 2025 target, with the trend over periods (roles: public)',
        querystring: KpiDashboardQuery,
        response: { 200: KpiDashboard },
      },
    },
    async (request) => service.dashboard(request.query.provinceId),
  );

  r.get(
    '/api/kpi/dashboard.csv',
    { schema: { tags: ['kpi'], summary: 'The dashboard as CSV, one row per indicator, unit and period (roles: public)', querystring: KpiDashboardQuery } },
    async (request, reply) => {
      const dashboard = await service.dashboard(request.query.provinceId);
      const locale = exportLocale(request, request.query.lang);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kpi-dashboard-${dashboard.targetYear}.csv"`)
        .send(dashboardCsv(dashboard, locale));
    },
  );

  r.get(
    '/api/kpi/dashboard.xlsx',
    { schema: { tags: ['kpi'], summary: 'The dashboard as an Excel workbook: latest values against targets, and the trend (roles: public)', querystring: KpiDashboardQuery } },
    async (request, reply) => {
      const dashboard = await service.dashboard(request.query.provinceId);
      const locale = exportLocale(request, request.query.lang);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="kpi-dashboard-${dashboard.targetYear}.xlsx"`)
        .send(Buffer.from(dashboardXlsx(dashboard, locale)));
    },
  );
}
