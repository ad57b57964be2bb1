import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CoverageParametersResponse,
  CoverageSummary,
  CoverageSummaryQuery,
  SuggestionsInput,
  SuggestionsResult,
  UpdateCoverageParametersInput,
  VillageCoverageDetail,
  VillageCoveragePage,
  VillageCoverageQuery,
  WhatIfInput,
  WhatIfResult,
} from '@registry/shared/schemas/coverage';
import type { CoverageService } from './coverage.service';

const IdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/**
 * Coverage: stored village results and roll-ups are public (aggregate shares;
 * contributing assets only for logged-in users); what-if and suggestions are
 * for planners and officers; parameters are read by anyone, edited by planners.
 */
export default async function coverageRoutes(app: FastifyInstance, { service }: { service: CoverageService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const planner = app.requireRole('planner');
  const plannerOrOfficer = app.requireRole('planner', 'officer');

  r.get(
    '/api/coverage/villages',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Village coverage for a technology (any carrier or one), filtered by administrative unit and below-target, sorted by uncovered households (roles: public)',
        querystring: VillageCoverageQuery,
        response: { 200: VillageCoveragePage },
      },
    },
    async (request) => service.listVillages(request.query),
  );

  r.get(
    '/api/coverage/villages/:id',
    {
      schema: {
        tags: ['coverage'],
        summary: 'One village: shares per technology and carrier, gap geometries, contributing sites and sectors (logged-in users) (roles: public)',
        params: IdParams,
        response: { 200: VillageCoverageDetail },
      },
    },
    async (request) => service.getVillage(request.params.id, request.actor),
  );

  r.get(
    '/api/coverage/summary',
    {
      schema: {
        tags: ['coverage'],
        summary: 'The plan\'s computed indicators (villages with mobile broadband, with FTTH, households able to get fibre, BTS site sharing) per unit of a level, against targets; units of either administrative scheme (asOf picks the units valid on a day), a village or site counting toward its commune and the mapped commune of the other scheme (roles: public)',
        querystring: CoverageSummaryQuery,
        response: { 200: CoverageSummary },
      },
    },
    async (request) => service.summary(request.query),
  );

  r.post(
    '/api/coverage/what-if',
    {
      preHandler: plannerOrOfficer,
      schema: {
        tags: ['coverage'],
        summary: 'Preview a candidate site without saving: villages whose coverage changes, before/after shares, households newly covered, villages reaching target (roles: planner, officer)',
        body: WhatIfInput,
        response: { 200: WhatIfResult },
      },
    },
    async (request) => service.whatIf(request.body),
  );

  r.post(
    '/api/coverage/suggestions',
    {
      preHandler: plannerOrOfficer,
      schema: {
        tags: ['coverage'],
        summary: 'Ranked placements closing the gaps of an area\'s flagged villages: sharing first, then new points; greedy maximum coverage (roles: planner, officer)',
        body: SuggestionsInput,
        response: { 200: SuggestionsResult },
      },
    },
    async (request) => service.suggestions(request.body),
  );

  r.get(
    '/api/coverage/parameters',
    { schema: { tags: ['coverage'], summary: 'The coverage model\'s parameters and method, as used by the stored results (roles: public)', response: { 200: CoverageParametersResponse } } },
    async () => service.getParameters(),
  );

  r.put(
    '/api/coverage/parameters',
    {
      preHandler: planner,
      schema: {
        tags: ['coverage'],
        summary: 'Set parameter values and recompute every stored result with them (roles: planner)',
        body: UpdateCoverageParametersInput,
        response: { 200: CoverageParametersResponse },
      },
    },
    async (request) => service.updateParameters(request.actor, request.body),
  );
}
