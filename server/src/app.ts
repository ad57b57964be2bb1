import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { Config } from './config';
import type { Database } from './db/client';
import dbPlugin from './plugins/db';
import errorHandler from './plugins/error-handler';
import authPlugin from './plugins/auth';
import openapi from './plugins/openapi';
import responseHeaders from './plugins/response-headers';
import compression from './plugins/compression';
import { AccessLog, bufferedStdout } from './plugins/access-log';
import { serializerCompiler } from './plugins/serializer';
import { fastValidatorCompiler } from './plugins/fast-validation';
import healthRoutes from './modules/health/health.routes';
import authRoutes from './modules/auth/auth.routes';
import { createAuthService } from './modules/auth/auth.service';
import aboutRoutes from './modules/about/about.routes';
import { createAboutService } from './modules/about/about.service';
import searchRoutes from './modules/search/search.routes';
import { createSearchService } from './modules/search/search.service';
import { createRegistryEvents, type RegistryEvents } from './lib/events';
import { createProvinceGuard, type ProvinceGuard } from './modules/geo/province-guard';
import importRoutes, { importLimits } from './modules/imports/imports.routes';
import { createImportsService } from './modules/imports/imports.service';
import { recomputeFullCoverage } from './modules/coverage/coverage.recompute';
import exportRoutes from './modules/exports/exports.routes';
import { sitesResource } from './modules/sites/sites.descriptor';
import { createExportsService } from './modules/exports/exports.service';
import { conduitsResource, manholesResource, polesResource, trenchesResource } from './modules/passive/passive.descriptors';
import kpiRoutes from './modules/kpi/kpi.routes';
import { createKpiService } from './modules/kpi/kpi.service';
import tilesRoutes from './modules/tiles/tiles.routes';
import { createTileService } from './modules/tiles/tiles.service';
import ogcRoutes from './modules/ogc/ogc.routes';
import coverageRoutes from './modules/coverage/coverage.routes';
import { createCoverageService } from './modules/coverage/coverage.service';
import { createOgcService } from './modules/ogc/ogc.service';
import { createRegistryService } from './modules/registry/registry.service';
import resourceRoutes from './modules/registry/registry.plugin';
import { createAttachmentService } from './modules/registry/attachments';
import { createHistoryService } from './modules/history/history.service';
import historyRoutes from './modules/history/history.routes';
import sitesRoutes from './modules/sites/sites.routes';
import { createSitesService } from './modules/sites/sites.service';
import { tenancyKind } from './modules/sites/tenancies';
import passiveRoutes from './modules/passive/passive.routes';
import { sectorsResource } from './modules/sectors/sectors.descriptor';
import { fibreRoutesResource } from './modules/fibre-routes/fibre-routes.descriptor';
import { accessPointsResource } from './modules/access-points/access-points.descriptor';
import { carriersResource } from './modules/carriers/carriers.descriptor';
import { zonesResource } from './modules/zones/zones.descriptor';
import { adminUnitsResource } from './modules/admin-units/admin-units.descriptor';
import { villagesResource } from './modules/villages/villages.descriptor';
import { locationsResource } from './modules/locations/locations.descriptor';
import usersRoutes from './modules/users/users.routes';
import { createUsersService } from './modules/users/users.service';
import { recomputeAfterChange } from './modules/coverage/coverage.service';
import permitRoutes from './modules/permits/permits.routes';
import { createPermitsService } from './modules/permits/permits.service';
import { coverageWhatIfFromEngine } from './modules/permits/coverage-what-if';
import sharingRoutes from './modules/sharing/sharing.routes';
import { createSharingService } from './modules/sharing/sharing.service';
import coUseRoutes from './modules/co-use/co-use.routes';
import { createCoUseService } from './modules/co-use/co-use.service';

export interface BuildAppOptions {
  config: Config;
  /** Use this database instead of opening one from config (tests). */
  database?: Database;
  logger?: FastifyServerOptions['logger'];
}

/**
 * The whole server, without listen(): tests call app.inject() or listen on
 * port 0 themselves. Every plugin and route module is registered here, so
 * this file is the map of the server.
 */
export async function buildApp({ config, database, logger }: BuildAppOptions): Promise<FastifyInstance> {
  const loggerOptions = logger ?? { level: config.LOG_LEVEL };
  const app = Fastify({
    // JSON lines to stdout in batches (one write per batch, not per line) unless a stream or transport is given;
    // a silent logger is none at all (Fastify would still build a child logger for every request).
    logger:
      typeof loggerOptions !== 'object' || 'stream' in loggerOptions || 'transport' in loggerOptions
        ? loggerOptions
        : loggerOptions.level === 'silent'
          ? false
          : { ...loggerOptions, stream: bufferedStdout() },
    // One access-log line per request (plugins/access-log.ts) instead of Fastify's two.
    logController: new AccessLog(),
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: true,
  });
  // zod's, with hand-written checks in front for the hottest inputs (a list's bbox and limit, an :id).
  app.setValidatorCompiler(fastValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // First: the security headers and X-Request-Id go on every reply, errors included.
  await app.register(responseHeaders, { connectSrc: config.BASEMAP_STYLE_URL ? [new URL(config.BASEMAP_STYLE_URL).origin] : [] });
  await app.register(errorHandler);
  await app.register(compression, { threshold: 1024 });
  await app.register(rateLimit, { global: false });
  await app.register(dbPlugin, { url: config.DATABASE_URL, database });
  await app.register(authPlugin, { cookieSecure: config.COOKIE_SECURE });
  await app.register(openapi);

  const pool = app.database.pool;
  // Shared by the modules below: post-commit change notifications and the province check.
  const events = createRegistryEvents();
  const provinceGuard = createProvinceGuard(pool, config.PROVINCE_MARGIN_M);
  app.decorate('events', events);
  app.decorate('provinceGuard', provinceGuard);
  await app.register(healthRoutes);
  await app.register(authRoutes, {
    service: createAuthService({
      pool,
      sessionTtlHours: config.SESSION_TTL_HOURS,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockMinutes: config.LOGIN_LOCK_MINUTES,
    }),
  });

  await app.register(aboutRoutes, { service: createAboutService({ pool, basemapStyleUrl: config.BASEMAP_STYLE_URL }) });
  await app.register(searchRoutes, { service: createSearchService({ pool }) });
  // Bulk import (streamed, dry run then one-transaction commit) and export.
  const limits = importLimits(config);
  await app.register(importRoutes, { limits, service: createImportsService({ pool, events, provinceGuard, limits, recomputeCoverage: recomputeFullCoverage }) });
  const exportable = [sitesResource, sectorsResource, fibreRoutesResource, accessPointsResource, polesResource, manholesResource, conduitsResource, trenchesResource, zonesResource, villagesResource, locationsResource];
  await app.register(exportRoutes, { resources: exportable, service: createExportsService({ pool, resources: exportable }) });

  // Open data: vector tiles (role-aware, cached, invalidated by 'assets-changed') and OGC API – Features.
  await app.register(tilesRoutes, { service: createTileService({ pool, databaseUrl: config.DATABASE_URL, cacheBytes: config.TILE_CACHE_BYTES, tileQuerySlots: config.TILE_QUERY_SLOTS || undefined, events }) });
  await app.register(ogcRoutes, { service: createOgcService({ pool }) });

  await app.register(kpiRoutes, { service: createKpiService({ db: app.database.db }) });
  await app.register(coverageRoutes, { service: createCoverageService({ pool, provinceGuard }) });

  // The registry API: every asset type over /api/<resource>, one transaction per write
  // (change log + coverage recompute inside, 'assets-changed' after commit).
  const registry = createRegistryService({ pool, events, provinceGuard, coverage: { recomputeAfterChange } });
  const history = createHistoryService({ pool });
  const tenancies = createAttachmentService(tenancyKind, registry);
  events.on('assets-changed', (change) => {
    if (change.layers.includes('admin-units')) provinceGuard.refresh();
  });
  await app.register(sitesRoutes, { registry, history, tenancies, sites: createSitesService(registry, tenancies) });
  await app.register(passiveRoutes, { registry, history });
  await app.register(resourceRoutes, {
    registry,
    history,
    resources: [
      { resource: sectorsResource, tag: 'sites' },
      { resource: fibreRoutesResource, tag: 'fibre' },
      { resource: accessPointsResource, tag: 'fibre' },
      { resource: carriersResource, tag: 'carriers' },
      { resource: zonesResource, tag: 'planning' },
      { resource: adminUnitsResource, tag: 'geography' },
      { resource: villagesResource, tag: 'geography' },
      { resource: locationsResource, tag: 'geography' },
    ],
  });
  await app.register(usersRoutes, { service: createUsersService({ pool }) });
  await app.register(historyRoutes, { service: history });

  // The permit desk: applications, automatic checks (rules as data), officer decisions and
  // letters; shared-capacity search and co-use requests between carriers.
  const permits = createPermitsService({
    database: app.database,
    events,
    provinceGuard,
    storageDir: config.STORAGE_DIR,
    attachmentMaxBytes: config.UPLOAD_LIMIT_BYTES,
    coverageWhatIf: coverageWhatIfFromEngine,
    recomputeCoverage: recomputeAfterChange,
  });
  await app.register(permitRoutes, { service: permits, attachmentBodyLimit: config.UPLOAD_LIMIT_BYTES, expirySweepMs: 60 * 60 * 1000 });
  await app.register(sharingRoutes, { service: createSharingService({ database: app.database, provinceGuard }) });
  await app.register(coUseRoutes, { service: createCoUseService({ database: app.database, events }) });

  await registerClient(app, config);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    events: RegistryEvents;
    provinceGuard: ProvinceGuard;
  }
}

/** Serves the built client at / with a fallback to index.html for client routes. */
async function registerClient(app: FastifyInstance, config: Config) {
  const dist = config.CLIENT_DIST ? resolve(config.CLIENT_DIST) : '';
  if (!dist || !existsSync(join(dist, 'index.html'))) return;
  await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false, index: ['index.html'] });
  const apiPrefixes = ['/api', '/ogc', '/tiles', '/docs', '/healthz'];
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (apiPrefixes.some((p) => path === p || path.startsWith(`${p}/`)) || /\.[a-z0-9]+$/i.test(path)) {
      return reply.callNotFound();
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
