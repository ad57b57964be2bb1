import { CreateSectorInput, Sector, SectorForCarrier, SectorResponse, UpdateSectorInput } from '@registry/shared/schemas/sites';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../errors';
import type { ResourceDescriptor, WriteContext } from '../registry/resource';
import { assetSorts } from '../registry/owned';

const onSite = (condition: string) => `t.site_id IN (SELECT s.id FROM sites s WHERE ${condition})`;

/**
 * The site a sector goes on must be one the caller can see; a carrier puts
 * sectors only on its own sites or sites where it holds a running tenancy;
 * staff may name any carrier with a running tenancy there (the owner has one).
 */
async function checkSite(w: WriteContext, input: Record<string, unknown>) {
  const site = await w.client.query<{ owner_carrier_id: number; status: string }>('SELECT owner_carrier_id, status FROM sites WHERE id = $1', [input.siteId]);
  const row = site.rows[0];
  const scope = w.scope;
  if (!row || (scope.kind === 'carrier' && row.status === 'planned' && row.owner_carrier_id !== scope.carrierId)) throw new NotFoundError('Site', String(input.siteId));
  if (input.carrierId === undefined) input.carrierId = row.owner_carrier_id;
  const tenancy = await w.client.query('SELECT 1 FROM site_tenancies WHERE site_id = $1 AND carrier_id = $2 AND until IS NULL', [input.siteId, input.carrierId]);
  if (tenancy.rows.length === 0 && row.owner_carrier_id !== input.carrierId) {
    if (scope.kind === 'carrier') throw new ForbiddenError('A carrier puts sectors only on its own sites or where it holds a running tenancy');
    throw new UnprocessableError('The carrier has no running tenancy on this site', [{ path: 'carrierId', message: 'No running tenancy on this site', reason: 'constraint' }]);
  }
}

export const sectorsResource: ResourceDescriptor = {
  name: 'sectors',
  objectType: 'sector',
  table: 'sectors',
  label: 'Sector',
  idType: 'integer',
  views: { full: Sector, others: SectorForCarrier, public: null },
  response: SectorResponse,
  createInput: CreateSectorInput,
  updateInput: UpdateSectorInput,
  fields: {
    siteCode: { read: '(SELECT s.code FROM sites s WHERE s.id = t.site_id)', column: null },
    carrierCode: { read: '(SELECT c.code FROM carriers c WHERE c.id = t.carrier_id)', column: null },
    geometry: { read: '(SELECT ST_AsGeoJSON(s.geom, 7)::json FROM sites s WHERE s.id = t.site_id)', column: null },
    rangeM: { column: null },
  },
  owner: { column: 'carrier_id', field: 'carrierId' },
  write: 'owner',
  lifecycle: true,
  plannedIsPrivate: true,
  filters: {
    siteId: (p, v) => `t.site_id = ${p(v)}`,
    technology: (p, v) => `t.technology = ${p(v)}`,
    bbox: (p, v) => {
      const [a, b, c, d] = v as number[];
      return onSite(`ST_Intersects(s.geom, ST_MakeEnvelope(${p(a)}, ${p(b)}, ${p(c)}, ${p(d)}, 4326))`);
    },
    adminUnitId: (p, v) => onSite(`ST_Intersects(s.geom, (SELECT boundary FROM admin_units WHERE id = ${p(v)}))`),
  },
  sorts: { ...assetSorts, technology: { expr: 't.technology', cast: 'text' }, bandMhz: { expr: 't.band_mhz', cast: 'real' } },
  coverage: 'sectorIds',
  hooks: { beforeCreate: checkSite },
};
