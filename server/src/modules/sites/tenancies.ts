import { CreateTenancyInput, Tenancy, TenancyForCarrier, TenancyResponse, UpdateTenancyInput } from '@registry/shared/schemas/sites';
import type { AttachmentKind } from '../registry/attachments';
import { sitesResource } from './sites.descriptor';

/** Which carriers have equipment on a site; running tenancies may not exceed its tenant capacity. */
export const tenancyKind: AttachmentKind = {
  segment: 'tenancies',
  objectType: 'site_tenancy',
  label: 'Tenancy',
  table: 'site_tenancies',
  parent: sitesResource,
  parentColumn: 'site_id',
  parentField: 'siteId',
  full: Tenancy,
  others: TenancyForCarrier,
  response: TenancyResponse,
  createInput: CreateTenancyInput,
  updateInput: UpdateTenancyInput,
  dates: ['since', 'until'],
  capacity: { total: 'p.tenant_capacity', used: 'count(*)' },
};
