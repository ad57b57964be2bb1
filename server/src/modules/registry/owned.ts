import type { ResourceDescriptor } from './resource';

// Pieces shared by the carrier-owned asset descriptors.

export const ownerCode = `(SELECT c.code FROM carriers c WHERE c.id = t.owner_carrier_id)`;

/** Owned by a carrier; carrier users write their own; others' planned objects are private. */
export const carrierOwned = {
  owner: { column: 'owner_carrier_id', field: 'ownerCarrierId' },
  write: 'owner',
  lifecycle: true,
  plannedIsPrivate: true,
} satisfies Partial<ResourceDescriptor>;

/** Sort keys every asset has besides id, code and timestamps. */
export const assetSorts = { status: { expr: 't.status', cast: 'text' } } satisfies ResourceDescriptor['sorts'];

/** Geodesic length in metres, maintained from the line. */
export const lengthDerived = { length_m: 'ST_Length(t.geom::geography)' };

/** Active occupancy count of a passive structure (`column` = pole_id, conduit_id…). */
export const occupied = (column: string) =>
  `coalesce((SELECT sum(o.count) FROM occupancies o WHERE o.${column} = t.id AND (o.until IS NULL OR o.until >= CURRENT_DATE)), 0)::int`;

export const occupancyTenant = (column: string) => (p: (v: unknown) => string, v: unknown) =>
  `EXISTS (SELECT 1 FROM occupancies o WHERE o.${column} = t.id AND o.carrier_id = ${p(v)} AND (o.until IS NULL OR o.until >= CURRENT_DATE))`;
