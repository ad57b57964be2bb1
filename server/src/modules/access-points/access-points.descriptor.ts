import { AccessPoint, AccessPointForCarrier, AccessPointResponse, CreateAccessPointInput, UpdateAccessPointInput } from '@registry/shared/schemas/fibre';
import type { ResourceDescriptor } from '../registry/resource';
import { assetSorts, carrierOwned, ownerCode } from '../registry/owned';

const free = '(t.ports_total - t.ports_used)';

/** FTTH access points (cabinets, splitters, ODPs): FTTH reach is measured from their free ports. */
export const accessPointsResource: ResourceDescriptor = {
  ...carrierOwned,
  name: 'access-points',
  objectType: 'access_point',
  table: 'access_points',
  label: 'Access point',
  idType: 'integer',
  views: { full: AccessPoint, others: AccessPointForCarrier, public: null },
  response: AccessPointResponse,
  createInput: CreateAccessPointInput,
  updateInput: UpdateAccessPointInput,
  fields: { ownerCarrierCode: { read: ownerCode, column: null }, freeCapacity: { read: free, column: null } },
  geometry: { column: 'geom', store: 'Point' },
  filters: {
    kind: (p, v) => `t.kind = ${p(v)}`,
    minFreeCapacity: (p, v) => `${free} >= ${p(v)}`,
  },
  sorts: { ...assetSorts, freeCapacity: { expr: free, cast: 'bigint' } },
  coverage: 'accessPointIds',
};
