import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { gzip as gzipCallback, gzipSync, constants as zlibConstants } from 'node:zlib';
import pg from 'pg';
import type { BBox } from '@registry/shared/geo/geometry';
import type { Actor } from '../../context';
import { BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors';
import type { AssetsChanged, RegistryEvents } from '../../lib/events';
import { audienceOf, fieldsFor, findLayer, LAYERS, layerVisibleTo, PLAN_PERIOD_DATE, type Audience, type LayerDefinition } from '../layers/catalogue';
import { TileCache, type CachedTile } from './tile-cache';
import {
  BASEMAP_FIELDS,
  BASEMAP_LAYERS,
  basemapTileTemplate,
  carrierIdByCode,
  layerTileTemplate,
  provinceExtent,
  reachExtents,
  runTileQuery,
  type Reach,
  TILE_BUFFER,
  TILE_EXTENT,
  tileStatement,
  type TileStatement,
} from './tiles.queries';

const gzip = promisify(gzipCallback);

export const BASEMAP = 'basemap';
export const MAX_ZOOM = 22;
/**
 * Speed over ratio: tiles are made on the request path. Level 1 against the
 * level 4 used before: 0.8 vs 1.45 ms of CPU per tile over bench:tiles' list
 * (overview tiles of 120-170 kB: 2.1 vs 3.0 ms each), 5 % more bytes.
 */
const GZIP_LEVEL = 1;
/**
 * Up to this size gzip runs inline, in one call whose output buffer holds the
 * whole result (no chunk loop, no concatenation). Above it the thread pool
 * takes it so the event loop keeps serving; but the pool answers once per
 * 16 kB of output, each a hop back to the event loop, which cost the 120-170
 * kB overview tiles more CPU (and, on a busy machine, more waiting) than the
 * 2 ms they block the loop inline (level 1 deflates about 80 MB/s here, so
 * the largest inline tile blocks it ~12 ms).
 */
const INLINE_GZIP_MAX_BYTES = 1024 * 1024;

async function compress(mvt: Buffer): Promise<Buffer> {
  const options = { level: GZIP_LEVEL, memLevel: 9, strategy: zlibConstants.Z_DEFAULT_STRATEGY };
  if (mvt.length > INLINE_GZIP_MAX_BYTES) return gzip(mvt, options);
  // An output buffer of the input's size plus deflate's worst-case overhead holds any result in one pass.
  const out = gzipSync(mvt, { ...options, chunkSize: Math.max(16 * 1024, mvt.length + 1024) });
  // The result is a view of that buffer: copied out, so a cached tile holds its own bytes only (a copy is microseconds).
  return out.buffer.byteLength > out.length * 1.25 ? Buffer.from(out) : out;
}

export interface TileServiceDeps {
  pool: pg.Pool;
  /**
   * When given, tiles run on a pool of their own on this database with JIT
   * off: a tile query's cost estimate crosses jit_above_cost, and compiling
   * costs more (~150 ms) than the query. Its own pool also keeps a burst of
   * tile requests from starving the API's connections.
   */
  databaseUrl?: string;
  tilePoolSize?: number;
  /** Byte budget of the tile cache; 0 turns it off. */
  cacheBytes: number;
  /** How many tile statements may run at once (see tileTurns), wide ones one fewer; default: the CPU count + 1. */
  tileQuerySlots?: number;
  events?: RegistryEvents;
  /** How far an access point's FTTH reach may go (drop distance plus slack), metres: its edit drops the villages this close. */
  accessPointReachM?: number;
}

export interface TileRequest {
  source: string;
  z: number;
  x: number;
  y: number;
  actor: Actor;
  /** Villages: one carrier's shares instead of any carrier's. */
  carrierCode?: string;
  /** Basemap and admin units: the day the units are valid on. */
  date?: string;
}

export interface TileResult {
  /** gzip-compressed MVT; empty when the tile has no features. */
  gzip: Buffer;
  empty: boolean;
  etag: string | null;
  cacheHit: boolean;
  /** The response differs by caller (private caching). */
  personal: boolean;
}

export type TileService = ReturnType<typeof createTileService>;

const AS_IS: Reach = { grow: 'none', villages: false };
const VILLAGES_AS_IS: Reach = { grow: 'none', villages: true };
const FOOTPRINTS: Reach = { grow: 'footprints', villages: false };
const VILLAGES_IN_FOOTPRINTS: Reach = { grow: 'footprints', villages: true };

/** Which tile sources an edit of a layer touches, and how far. */
function touchedSources(layer: string, accessPointReachM: number): { source: string; reach: Reach }[] {
  switch (layer) {
    case 'sites':
      // A site's sectors hang on it; the coverage engine recomputed the villages under their old and new footprints.
      return [
        { source: 'sites', reach: AS_IS },
        { source: 'sectors', reach: FOOTPRINTS },
        { source: 'villages', reach: VILLAGES_IN_FOOTPRINTS },
      ];
    case 'sectors':
      return [
        { source: 'sectors', reach: FOOTPRINTS },
        { source: 'villages', reach: VILLAGES_IN_FOOTPRINTS },
      ];
    case 'access-points':
      return [
        { source: 'access-points', reach: AS_IS },
        { source: 'villages', reach: { grow: accessPointReachM, villages: true } },
      ];
    case 'locations':
      // Households moved or added: their village's shares are recomputed.
      return [{ source: 'villages', reach: VILLAGES_AS_IS }];
    case 'villages':
    case 'village-coverage':
    case 'coverage':
      return [
        { source: 'villages', reach: VILLAGES_AS_IS },
        { source: BASEMAP, reach: AS_IS },
      ];
    case 'admin-units':
      return [
        { source: 'admin-units', reach: AS_IS },
        { source: 'villages', reach: VILLAGES_AS_IS },
        { source: BASEMAP, reach: AS_IS },
      ];
    case 'carriers':
      // A renamed carrier code shows in every owned layer: drop them whole.
      return LAYERS.filter((l) => l.ownerSql).map((l) => ({ source: l.id, reach: 'all' as const }));
    default:
      return findLayer(layer) ? [{ source: layer, reach: AS_IS }] : [];
  }
}

function widen([minX, minY, maxX, maxY]: BBox, metres: number): BBox {
  if (metres === 0) return [minX, minY, maxX, maxY];
  const dLat = metres / 111_320;
  const cos = Math.max(Math.cos((Math.max(Math.abs(minY), Math.abs(maxY)) * Math.PI) / 180), 0.01);
  const dLon = metres / (111_320 * cos);
  return [minX - dLon, minY - dLat, maxX + dLon, maxY + dLat];
}

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Tiles up to this zoom are wide (a z10 tile is 39 km across): at national
 * scale thousands of features and 50-200 ms of PostgreSQL CPU each, against
 * 2-10 ms for a z12-z14 tile.
 */
const WIDE_MAX_ZOOM = 10;

/**
 * Turns for tile SQL (cache misses). At most `slots` statements run at once,
 * of which at most `wideSlots` are wide tiles; waiting narrow tiles go before
 * waiting wide ones, each kind in arrival order, and a waiting tile holds no
 * connection.
 *
 * Why: a tile's SQL is CPU-bound. With as many statements running as there
 * are connections, the scheduler shares the cores among all of them, so on
 * two cores with eight connections every tile took ~4x its own CPU time, and
 * a 3 ms dense tile behind a 190 ms overview tile waited for the overview
 * tile's share. Queued in turn instead, a tile waits for the ones ahead of it
 * and then runs at full speed: the same throughput, a shorter tail, and the
 * tiles a user pans through are not held up by the wide ones around them.
 */
export function tileTurns(slots: number, wideSlots: number) {
  let running = 0;
  let wideRunning = 0;
  const narrowQueue: (() => void)[] = [];
  const wideQueue: (() => void)[] = [];
  const dispatch = () => {
    while (running < slots) {
      let next = narrowQueue.shift();
      if (!next && wideRunning < wideSlots) {
        next = wideQueue.shift();
        if (next) wideRunning++;
      }
      if (!next) return;
      running++;
      next();
    }
  };
  return async <T>(wide: boolean, task: () => Promise<T>): Promise<T> => {
    const free = running < slots && narrowQueue.length === 0 && (!wide || (wideRunning < wideSlots && wideQueue.length === 0));
    if (free) {
      running++;
      if (wide) wideRunning++;
    } else {
      await new Promise<void>((resolve) => (wide ? wideQueue : narrowQueue).push(resolve));
    }
    try {
      return await task();
    } finally {
      running--;
      if (wide) wideRunning--;
      dispatch();
    }
  };
}

/** Session settings of the tile connections (the benchmark gives pgbench the same through PGOPTIONS). */
export const TILE_SESSION_OPTIONS = '-c jit=off';

export function createTileService(deps: TileServiceDeps) {
  const ownPool = deps.databaseUrl
    ? new pg.Pool({ connectionString: deps.databaseUrl, max: deps.tilePoolSize ?? 8, options: TILE_SESSION_OPTIONS, application_name: 'telecom-registry-tiles' })
    : null;
  const pool = ownPool ?? deps.pool;
  const cache = new TileCache(deps.cacheBytes, TILE_BUFFER / TILE_EXTENT);
  // Wide tiles may fill every core; the one slot more keeps a narrow tile
  // running beside them (national, 8 connections, 2 cores: 2 slots with one
  // wide held the mixed list to 0.38 x pgbench; 3 with two wide, 0.87 and a
  // dense-tile p99 of 38 ms, against 220 ms with no turns).
  const slots = Math.max(2, deps.tileQuerySlots ?? availableParallelism() + 1);
  const turn = tileTurns(slots, slots - 1);
  const accessPointReachM = deps.accessPointReachM ?? 2_000;
  /** Compiled tile statements by variant (source, audience kind, carrier coverage, day). */
  const statements = new Map<string, TileStatement>();
  const carrierIds = new Map<string, number | null>();

  /**
   * Invalidations still waiting for their extents from the database (footprints,
   * villages): tile requests wait for them, so none is answered from a tile the
   * edit made stale.
   */
  let pendingInvalidation: Promise<void> | null = null;

  function onAssetsChanged(change: AssetsChanged) {
    if (change.layers.includes('carriers')) carrierIds.clear();
    const wanted = new Map<string, Reach[]>();
    for (const layer of change.layers) {
      for (const { source, reach } of touchedSources(layer, accessPointReachM)) {
        const reaches = wanted.get(source) ?? [];
        if (!reaches.some((r) => JSON.stringify(r) === JSON.stringify(reach))) wanted.set(source, [...reaches, reach]);
      }
    }
    const now: [string, BBox[]][] = [];
    const later: [string, Reach[]][] = [];
    for (const [source, reaches] of wanted) {
      if (change.bboxes.length === 0 || reaches.includes('all')) now.push([source, []]);
      else if (reaches.every((r) => r !== 'all' && !r.villages && r.grow !== 'footprints')) {
        now.push([source, reaches.flatMap((r) => change.bboxes.map((b) => widen(b, r !== 'all' && typeof r.grow === 'number' ? r.grow : 0)))]);
      } else later.push([source, reaches]);
    }
    for (const [source, bboxes] of now) cache.invalidate(source, bboxes);
    if (later.length === 0) return;
    // Tiles made from here on may predate the edit's extents being known: not cached.
    for (const [source] of later) cache.bump(source);
    const work = Promise.all(
      later.map(async ([source, reaches]) => {
        try {
          const boxes: BBox[] = [];
          for (const reach of reaches) if (reach !== 'all') boxes.push(...(await reachExtents(pool, change.bboxes, reach)));
          cache.invalidate(source, boxes.length > 0 ? boxes : change.bboxes);
        } catch {
          cache.invalidate(source, []); // extents unknown: drop the source's tiles
        }
      }),
    ).then(() => undefined);
    const previous = pendingInvalidation;
    const settled = (previous ? Promise.all([previous, work]).then(() => undefined) : work).finally(() => {
      if (pendingInvalidation === settled) pendingInvalidation = null;
    });
    pendingInvalidation = settled;
  }
  deps.events?.on('assets-changed', onAssetsChanged);

  /** A variant's statement, built and compiled on its first request only. */
  function statementFor(key: string, name: string | undefined, make: () => string): TileStatement {
    let statement = statements.get(key);
    if (!statement) {
      // Past days (?date=) are unbounded: keep the map from growing without end.
      if (statements.size >= 1000) statements.clear();
      statement = tileStatement(name, make());
      statements.set(key, statement);
    }
    return statement;
  }

  async function resolveCoverageCarrier(layer: LayerDefinition, audience: Audience, code: string | undefined): Promise<number | null> {
    if (code === undefined || code === '') return null;
    if (layer.id !== 'villages') throw new BadRequestError('carrier= applies to the villages layer only', [{ path: 'carrier', message: 'villages only', reason: 'invalid_value' }]);
    if (audience.kind === 'public') throw new UnauthenticatedError('Per-carrier coverage needs a login or an API token');
    if (!carrierIds.has(code)) carrierIds.set(code, await carrierIdByCode(pool, code));
    const id = carrierIds.get(code) ?? null;
    if (id === null) throw new NotFoundError('Carrier', code);
    if (audience.kind === 'carrier' && audience.carrierId !== id) throw new ForbiddenError("A carrier may see only its own per-carrier coverage");
    return id;
  }

  function checkAddress(z: number, x: number, y: number) {
    const n = 2 ** z;
    if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM || !Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n) {
      throw new BadRequestError(`No tile ${z}/${x}/${y}`, [{ path: 'z/x/y', message: `zoom 0..${MAX_ZOOM}, x and y 0..2^z-1`, reason: 'out_of_range' }]);
    }
  }

  function checkDay(date: string | undefined): string {
    if (date === undefined || date === '') return PLAN_PERIOD_DATE;
    if (!DAY.test(date)) throw new BadRequestError('date must be YYYY-MM-DD', [{ path: 'date', message: 'YYYY-MM-DD', reason: 'invalid_format' }]);
    return date;
  }

  async function makeTile(key: string, source: string, z: number, x: number, y: number, statement: TileStatement, values: Record<string, unknown>): Promise<CachedTile> {
    const epoch = cache.epoch(source);
    const mvt = await turn(z <= WIDE_MAX_ZOOM, () => runTileQuery(pool, statement, values));
    const empty = mvt.length === 0;
    const gzip = empty ? mvt : await compress(mvt);
    const tile: CachedTile = {
      source,
      z,
      x,
      y,
      empty,
      gzip,
      // Of the compressed bytes (a third of the tile's; gzip at a fixed level is deterministic, so equal tiles get equal tags).
      etag: empty ? '' : `W/"${createHash('sha1').update(gzip).digest('base64url').slice(0, 22)}"`,
    };
    cache.set(key, tile, epoch);
    return tile;
  }

  return {
    cache,
    onAssetsChanged,

    async close() {
      await ownPool?.end();
    },

    async getTile(request: TileRequest): Promise<TileResult> {
      const { source, z, x, y } = request;
      checkAddress(z, x, y);
      const audience = audienceOf(request.actor);
      let key: string;
      let statement: TileStatement;
      let values: Record<string, unknown>;
      let personal = false;
      if (source === BASEMAP) {
        const day = checkDay(request.date);
        if (z > BASEMAP_LAYERS.province.maxZoom) return { gzip: Buffer.alloc(0), empty: true, etag: null, cacheHit: false, personal };
        key = `${source}|${day}|${z}/${x}/${y}`;
        statement = statementFor(`basemap|${day}`, day === PLAN_PERIOD_DATE ? 'tile:basemap' : undefined, () => basemapTileTemplate(day));
        values = { z, x, y };
      } else {
        const layer = findLayer(source);
        if (!layer) throw new NotFoundError('Tile layer', source);
        if (!layerVisibleTo(layer, audience)) throw new UnauthenticatedError(`The ${source} layer is not open data: log in or send an API token`);
        const coverageCarrier = await resolveCoverageCarrier(layer, audience, request.carrierCode);
        const day = layer.id === 'admin-units' ? checkDay(request.date) : undefined;
        if (z < layer.minZoom || z > layer.maxZoom) return { gzip: Buffer.alloc(0), empty: true, etag: null, cacheHit: false, personal };
        const who = audience.kind === 'carrier' ? `c${audience.carrierId}` : audience.kind;
        personal = audience.kind !== 'public';
        key = `${source}|${who}|${coverageCarrier ?? ''}|${day ?? ''}|${z}/${x}/${y}`;
        values = { z, x, y };
        if (audience.kind === 'carrier') values.carrier = audience.carrierId;
        if (coverageCarrier !== null) values.cov_carrier = coverageCarrier;
        statement = statementFor(
          `${source}|${audience.kind}|${coverageCarrier !== null}|${day ?? ''}`,
          day === undefined || day === PLAN_PERIOD_DATE ? `tile:${source}:${audience.kind}:${coverageCarrier !== null ? 'c' : 'a'}` : undefined,
          () => layerTileTemplate(layer, audience, { coverageCarrier: coverageCarrier !== null, day }),
        );
      }
      if (pendingInvalidation) await pendingInvalidation;
      const cached = cache.get(key);
      if (cached) return { gzip: cached.gzip, empty: cached.empty, etag: cached.etag || null, cacheHit: true, personal };
      const tile = await makeTile(key, source, z, x, y, statement, values);
      return { gzip: tile.gzip, empty: tile.empty, etag: tile.etag || null, cacheHit: false, personal };
    },

    /** The exact statement text a tile request runs (for the benchmark and tests). */
    tileTemplate(source: string, audience: Audience = { kind: 'public' }): string {
      if (source === BASEMAP) return basemapTileTemplate(PLAN_PERIOD_DATE);
      const layer = findLayer(source);
      if (!layer) throw new NotFoundError('Tile layer', source);
      return layerTileTemplate(layer, audience, { day: layer.id === 'admin-units' ? PLAN_PERIOD_DATE : undefined });
    },

    /** TileJSON 3.0.0 for a source, listing the fields this caller's tiles carry. */
    async tileJson(source: string, actor: Actor, baseUrl: string, query: { carrier?: string; date?: string }) {
      const audience = audienceOf(actor);
      const bounds = (await provinceExtent(pool)) ?? [102, 8, 110, 23.5];
      const center = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 9];
      const params = new URLSearchParams();
      if (query.carrier) params.set('carrier', query.carrier);
      if (query.date) params.set('date', checkDay(query.date));
      const suffix = params.size > 0 ? `?${params}` : '';
      const common = {
        tilejson: '3.0.0',
        version: '1.0.0',
        scheme: 'xyz',
        attribution: 'Sở Thông tin và Truyền thông — telecom infrastructure registry',
        bounds,
        center,
        tiles: [`${baseUrl}/tiles/${source}/{z}/{x}/{y}.mvt${suffix}`],
      };
      if (source === BASEMAP) {
        return {
          ...common,
          name: 'basemap',
          description: `Administrative basemap valid on ${checkDay(query.date)} (default: the plan's units, ${PLAN_PERIOD_DATE}); ?date=YYYY-MM-DD picks another day. Empty tiles answer 204.`,
          minzoom: 0,
          maxzoom: BASEMAP_LAYERS.province.maxZoom,
          vector_layers: Object.entries(BASEMAP_LAYERS).map(([id, z]) => ({ id, fields: BASEMAP_FIELDS[id as keyof typeof BASEMAP_LAYERS], minzoom: z.minZoom, maxzoom: z.maxZoom })),
        };
      }
      const layer = findLayer(source);
      if (!layer) throw new NotFoundError('Tile layer', source);
      if (!layerVisibleTo(layer, audience)) throw new UnauthenticatedError(`The ${source} layer is not open data: log in or send an API token`);
      if (query.carrier) await resolveCoverageCarrier(layer, audience, query.carrier);
      const fields = fieldsFor(layer, audience.kind === 'carrier' ? 'carrier-own' : audience);
      const overview = layer.overview ? ` Up to z${layer.overview.maxZoom} tiles carry only ${layer.overview.fields.join(', ')} on a ${layer.overview.extent}-unit grid.` : '';
      const notes =
        (layer.id === 'villages' ? " Shares are of any carrier; ?carrier=CODE gives one carrier's shares (logged-in callers; a carrier only its own)." : '') +
        overview +
        (audience.kind === 'carrier' && layer.ownerSql ? " Confidential fields are set only on your own carrier's features." : '');
      return {
        ...common,
        name: layer.id,
        description: `${layer.title} (${layer.titleVi}). ${layer.description}${notes} Empty tiles answer 204.`,
        minzoom: layer.minZoom,
        maxzoom: layer.maxZoom,
        vector_layers: [
          { id: layer.id, description: layer.title, minzoom: layer.minZoom, maxzoom: layer.maxZoom, fields: Object.fromEntries(fields.map((f) => [f.name, `${f.type}: ${f.description}`])) },
        ],
      };
    },
  };
}
