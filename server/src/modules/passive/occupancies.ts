import { CreateOccupancyInput, Occupancy, OccupancyForCarrier, OccupancyResponse, UpdateOccupancyInput } from '@registry/shared/schemas/passive';
import type { AttachmentKind } from '../registry/attachments';
import { PASSIVE } from './passive.descriptors';

/** Per-tenant occupancy (ducts, positions) of each passive structure kind. */
export const occupancyKinds: AttachmentKind[] = PASSIVE.map(({ resource, column, capacity }) => ({
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
}));
