import { CreateSiteInput, Site, SiteForCarrier, SitePublic, SiteResponse, UpdateSiteInput } from '@registry/shared/schemas/sites';
import type { ResourceDescriptor } from '../registry/resource';
import { assetSorts, carrierOwned, ownerCode } from '../registry/owned';

export const tenantCount = '(SELECT count(*) FROM site_tenancies st WHERE st.site_id = t.id AND st.until IS NULL)::int';
const free = `(t.tenant_capacity - ${tenantCount})`;

/**
 * Sites. Public: sites marked isPublic once permitted or active. Carriers:
 * others' sites without the commercial fields, planned ones hidden. The
 * village and commune a site stands in are derived from its point.
 */
export const sitesResource: ResourceDescriptor = {
  ...carrierOwned,
  name: 'sites',
  objectType: 'site',
  table: 'sites',
  label: 'Site',
  idType: 'integer',
  views: { full: Site, others: SiteForCarrier, public: SitePublic },
  response: SiteResponse,
  createInput: CreateSiteInput,
  updateInput: UpdateSiteInput,
  fields: {
    ownerCarrierCode: { read: ownerCode, column: null },
    tenantCount: { read: tenantCount, column: null },
    freeCapacity: { read: free, column: null },
    villageId: { column: null },
    adminUnitId: { column: null },
    commissionedOn: { type: 'date' },
    permittedUntil: { type: 'date' },
    synthetic: { column: null },
  },
  geometry: { column: 'geom', store: 'Point' },
  publicRead: { where: "(t.is_public AND t.status IN ('permitted', 'active'))" },
  nestedKeys: ['sectors', 'tenancies'],
  derived: {
    village_id: '(SELECT v.id FROM villages v WHERE ST_Intersects(v.boundary, t.geom) ORDER BY v.id LIMIT 1)',
    // The finest unit in force that contains the point.
    admin_unit_id: `(SELECT a.id FROM admin_units a LEFT JOIN admin_levels l ON l.code = a.level
                      WHERE a.valid_to IS NULL AND ST_Intersects(a.boundary, t.geom)
                      ORDER BY l.rank DESC NULLS LAST, a.id LIMIT 1)`,
  },
  filters: {
    kind: (p, v) => `t.structure_type = ${p(v)}`,
    tenant: (p, v) => `EXISTS (SELECT 1 FROM site_tenancies st WHERE st.site_id = t.id AND st.carrier_id = ${p(v)} AND st.until IS NULL)`,
    technology: (p, v) => `EXISTS (SELECT 1 FROM sectors se WHERE se.site_id = t.id AND se.technology = ${p(v)} AND se.status <> 'decommissioned')`,
    minFreeCapacity: (p, v) => `${free} >= ${p(v)}`,
  },
  sorts: { ...assetSorts, heightM: { expr: 't.height_m', cast: 'real' }, freeCapacity: { expr: free, cast: 'bigint' } },
  coverage: 'siteIds',
  references: [
    { what: 'sectors', sql: 'SELECT 1 FROM sectors WHERE site_id = $1 LIMIT 1' },
    { what: 'site_tenancies (other carriers)', sql: 'SELECT 1 FROM site_tenancies st JOIN sites s ON s.id = st.site_id WHERE st.site_id = $1 AND st.carrier_id <> s.owner_carrier_id LIMIT 1' },
    { what: 'permit_applications', sql: 'SELECT 1 FROM permit_applications WHERE site_id = $1 LIMIT 1' },
  ],
};
