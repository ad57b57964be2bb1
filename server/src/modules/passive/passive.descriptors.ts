import {
  Conduit, ConduitForCarrier, ConduitResponse, CreateConduitInput, CreateManholeInput, CreateOccupancyInput, CreatePoleInput, CreateTrenchInput,
  Occupancy, OccupancyForCarrier, OccupancyResponse, UpdateOccupancyInput,
  Manhole, ManholeForCarrier, ManholeResponse, Pole, PoleForCarrier, PoleResponse, Trench, TrenchForCarrier, TrenchResponse,
  UpdateConduitInput, UpdateManholeInput, UpdatePoleInput, UpdateTrenchInput,
} from '@registry/shared/schemas/passive';
import { createNested, type AttachmentKind } from '../registry/attachments';
import type { ResourceDescriptor } from '../registry/resource';
import { assetSorts, carrierOwned, lengthDerived, occupancyTenant, occupied, ownerCode } from '../registry/owned';

// Shared passive structures. Free capacity = total − max(owner's own use,
// running occupancies): what a carrier looks for before it builds.

function passive(base: Omit<ResourceDescriptor, 'owner' | 'write' | 'lifecycle' | 'idType' | 'references'> & { occupancyColumn: string }): ResourceDescriptor {
  const { occupancyColumn, ...rest } = base;
  const resource: ResourceDescriptor = {
    ...carrierOwned,
    idType: 'integer',
    ...rest,
    // `occupancies` in a create body: written after the structure, in its transaction (see occupancyKinds).
    nestedKeys: ['occupancies'],
    hooks: {
      afterCreate: async (w, row, input) => {
        await createNested(occupancyKindOf.get(resource)!, w, row, input.occupancies, 'occupancies');
      },
    },
    fields: { ownerCarrierCode: { read: ownerCode, column: null }, ...rest.fields },
    filters: { tenant: occupancyTenant(occupancyColumn), ...rest.filters },
    sorts: { ...assetSorts, ...rest.sorts },
    references: [{ what: 'occupancies', sql: `SELECT 1 FROM occupancies WHERE ${occupancyColumn} = $1 LIMIT 1` }],
  };
  return resource;
}

/** Each passive resource's occupancy kind (filled below, read by the create hook). */
const occupancyKindOf = new Map<ResourceDescriptor, AttachmentKind>();

const poleFree = `(t.positions_total - ${occupied('pole_id')})`;
export const polesResource = passive({
  name: 'poles',
  objectType: 'pole',
  table: 'poles',
  label: 'Pole',
  occupancyColumn: 'pole_id',
  views: { full: Pole, others: PoleForCarrier, public: null },
  response: PoleResponse,
  createInput: CreatePoleInput,
  updateInput: UpdatePoleInput,
  fields: { freeCapacity: { read: poleFree, column: null } },
  geometry: { column: 'geom', store: 'Point' },
  filters: { minFreeCapacity: (p, v) => `${poleFree} >= ${p(v)}`, kind: (p, v) => `t.material = ${p(v)}` },
  sorts: { heightM: { expr: 't.height_m', cast: 'real' } },
});

export const manholesResource = passive({
  name: 'manholes',
  objectType: 'manhole',
  table: 'manholes',
  label: 'Manhole',
  occupancyColumn: 'manhole_id',
  views: { full: Manhole, others: ManholeForCarrier, public: null },
  response: ManholeResponse,
  createInput: CreateManholeInput,
  updateInput: UpdateManholeInput,
  geometry: { column: 'geom', store: 'Point' },
  filters: { kind: (p, v) => `t.kind = ${p(v)}` },
});

const conduitFree = `(t.ducts_total - greatest(t.ducts_used, ${occupied('conduit_id')}))`;
export const conduitsResource = passive({
  name: 'conduits',
  objectType: 'conduit',
  table: 'conduits',
  label: 'Conduit',
  occupancyColumn: 'conduit_id',
  views: { full: Conduit, others: ConduitForCarrier, public: null },
  response: ConduitResponse,
  createInput: CreateConduitInput,
  updateInput: UpdateConduitInput,
  fields: { freeCapacity: { read: conduitFree, column: null }, lengthM: { column: null } },
  geometry: { column: 'geom', store: 'LineString' },
  derived: lengthDerived,
  filters: { minFreeCapacity: (p, v) => `${conduitFree} >= ${p(v)}` },
  sorts: { freeCapacity: { expr: conduitFree, cast: 'bigint' } },
});

const trenchFree = `(t.capacity_total - greatest(t.capacity_used, ${occupied('trench_id')}))`;
/** Trenches and utility tunnels, told apart by `kind`. */
export const trenchesResource = passive({
  name: 'trenches',
  objectType: 'trench',
  table: 'trenches',
  label: 'Trench or tunnel',
  occupancyColumn: 'trench_id',
  views: { full: Trench, others: TrenchForCarrier, public: null },
  response: TrenchResponse,
  createInput: CreateTrenchInput,
  updateInput: UpdateTrenchInput,
  fields: { freeCapacity: { read: trenchFree, column: null }, lengthM: { column: null } },
  geometry: { column: 'geom', store: 'LineString' },
  derived: lengthDerived,
  filters: { minFreeCapacity: (p, v) => `${trenchFree} >= ${p(v)}`, kind: (p, v) => `t.kind = ${p(v)}` },
  sorts: { freeCapacity: { expr: trenchFree, cast: 'bigint' } },
});

export const PASSIVE = [
  { resource: polesResource, column: 'pole_id', capacity: 't.positions_total' },
  { resource: manholesResource, column: 'manhole_id', capacity: null },
  { resource: conduitsResource, column: 'conduit_id', capacity: '(t.ducts_total - t.ducts_used)' },
  { resource: trenchesResource, column: 'trench_id', capacity: '(t.capacity_total - t.capacity_used)' },
] as const;

/** Per-tenant occupancy (ducts, positions) of each passive structure kind. */
export const occupancyKinds: AttachmentKind[] = PASSIVE.map(({ resource, column, capacity }) => {
  const kind: AttachmentKind = {
    segment: 'occupancies',
    objectType: 'occupancy',
    label: 'Occupancy',
    table: 'occupancies',
    parent: resource,
    parentColumn: column,
    parentField: 'structureId',
    full: Occupancy,
    others: OccupancyForCarrier,
    response: OccupancyResponse,
    createInput: CreateOccupancyInput,
    updateInput: UpdateOccupancyInput,
    dates: ['since', 'until'],
    capacity: capacity ? { total: capacity.replaceAll('t.', 'p.'), used: 'sum(a.count)' } : null,
  };
  occupancyKindOf.set(resource, kind);
  return kind;
});
