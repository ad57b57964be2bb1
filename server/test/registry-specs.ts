import { unique } from './helpers';
import { line, point, siteBody, square } from './registry-fixtures';

// One row per resource: a valid body, a valid patch, and its rules, so CRUD
// and the permission matrix run table-driven over every asset type.

export interface ResourceSpec {
  name: string;
  writer: 'owner' | 'planner' | 'admin';
  publicRead: boolean;
  lifecycle: boolean;
  /** A valid create body; ctx gives ids of the fixtures it may need. */
  body: (ctx: SpecContext) => Record<string, unknown>;
  patch: Record<string, unknown>;
}

export interface SpecContext {
  ownerCarrierId?: number;
  siteId: number;
  provinceId: number;
  communeId: number;
  villageId: number;
}

const owned = (body: Record<string, unknown>, ctx: SpecContext) => (ctx.ownerCarrierId ? { ...body, ownerCarrierId: ctx.ownerCarrierId } : body);

export const SPECS: ResourceSpec[] = [
  { name: 'sites', writer: 'owner', publicRead: true, lifecycle: true, body: (c) => owned(siteBody(), c), patch: { heightM: 45 } },
  {
    name: 'sectors',
    writer: 'owner',
    publicRead: false,
    lifecycle: true,
    body: (c) => ({ siteId: c.siteId, code: unique('X'), technology: '4G', bandMhz: 1800, antennaHeightM: 30, ...(c.ownerCarrierId ? { carrierId: c.ownerCarrierId } : {}) }),
    patch: { azimuthDeg: 120 },
  },
  { name: 'fibre-routes', writer: 'owner', publicRead: false, lifecycle: true, body: (c) => owned({ code: unique('F'), geometry: line(), kind: 'access', placement: 'aerial', fibreCount: 24 }, c), patch: { fibreCount: 48 } },
  { name: 'access-points', writer: 'owner', publicRead: false, lifecycle: true, body: (c) => owned({ code: unique('AP'), geometry: point(), kind: 'odp', portsTotal: 16, portsUsed: 2 }, c), patch: { portsUsed: 3 } },
  { name: 'poles', writer: 'owner', publicRead: false, lifecycle: true, body: (c) => owned({ code: unique('P'), geometry: point() }, c), patch: { heightM: 10 } },
  { name: 'manholes', writer: 'owner', publicRead: false, lifecycle: true, body: (c) => owned({ code: unique('M'), geometry: point() }, c), patch: { depthM: 2 } },
  { name: 'conduits', writer: 'owner', publicRead: false, lifecycle: true, body: (c) => owned({ code: unique('CD'), geometry: line(), ductsTotal: 4 }, c), patch: { ductsUsed: 1 } },
  { name: 'trenches', writer: 'owner', publicRead: false, lifecycle: true, body: (c) => owned({ code: unique('TR'), geometry: line(), kind: 'utility_tunnel', capacityTotal: 10 }, c), patch: { capacityUsed: 2 } },
  { name: 'zones', writer: 'planner', publicRead: true, lifecycle: false, body: () => ({ code: unique('Z'), name: 'Vùng cấm', kind: 'no_build', geometry: square() }), patch: { name: 'Vùng cấm xây dựng' } },
  {
    name: 'admin-units',
    writer: 'planner',
    publicRead: true,
    lifecycle: false,
    body: (c) => ({ code: unique('U'), name: 'Xã Thử', unitType: 'Xã', level: 'commune', parentId: c.provinceId, geometry: square(106.1, 21.15), validFrom: '2024-01-01', source: 'test' }),
    patch: { population: 100 },
  },
  { name: 'villages', writer: 'planner', publicRead: true, lifecycle: false, body: (c) => ({ code: unique('V'), name: 'Thôn Thử', communeId: c.communeId, geometry: square(106.1, 21.15, 0.005), areaClass: 'rural' }), patch: { population: 50 } },
  { name: 'locations', writer: 'planner', publicRead: false, lifecycle: false, body: (c) => ({ code: unique('L'), villageId: c.villageId, geometry: point(106.101, 21.151) }), patch: { units: 2 } },
  { name: 'carriers', writer: 'admin', publicRead: true, lifecycle: false, body: () => ({ code: unique('K'), name: 'Nhà mạng', legalName: 'Công ty Nhà mạng', licenceKinds: ['mobile'], contactPhone: '0900' }), patch: { website: 'https://example.vn' } },
];
