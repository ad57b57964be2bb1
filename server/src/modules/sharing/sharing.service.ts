import type { SharedCapacityInput, SharedStructure } from '@registry/shared/schemas/permits';
import type { RequestContext } from '../../context';
import type { Database } from '../../db/client';
import { UnauthenticatedError, ValidationError } from '../../errors';
import type { ProvinceGuard } from '../geo/province-guard';
import type { AnyGeometry } from '@registry/shared/geo/geometry';
import { selectSharedCapacity } from './sharing.queries';

export interface SharingServiceDeps {
  database: Database;
  provinceGuard: ProvinceGuard;
}

/** Round metres to decimetres. */
const roundM = (m: number) => Math.round(m * 10) / 10;

/**
 * "Find shared capacity": what a carrier must consult before asking to build.
 * The owner's contact is confidential (carriers.contact_*): department staff
 * and the owner see it; another carrier asks through a co-use request, which
 * the department can follow.
 */
export function createSharingService(deps: SharingServiceDeps) {
  const { db } = deps.database;
  return {
    async findSharedCapacity(ctx: RequestContext, input: SharedCapacityInput): Promise<{ items: SharedStructure[]; radiusM: number }> {
      const actor = ctx.actor;
      if (actor.kind !== 'user') throw new UnauthenticatedError();
      const problems = await deps.provinceGuard.check(input.geometry as AnyGeometry, 'geometry');
      if (problems.length > 0) throw new ValidationError(problems);
      const found = await selectSharedCapacity(db, input.geometry, input.radiusM, input.kinds, input.limit);
      const seesContact = (ownerId: number) => actor.role !== 'carrier' || actor.carrierId === ownerId;
      return {
        radiusM: input.radiusM,
        items: found.map((f) => ({
          kind: f.kind,
          id: f.id,
          code: f.code,
          type: f.type,
          heightM: f.height_m,
          status: f.status,
          owner: { id: f.owner_id, code: f.owner_code, name: f.owner_name, website: f.owner_website },
          contact: seesContact(f.owner_id) ? { name: f.contact_name, phone: f.contact_phone, email: f.contact_email } : null,
          unit: f.unit,
          capacityTotal: f.total,
          capacityUsed: f.used,
          capacityFree: f.total - f.used,
          distanceM: roundM(f.distance_m),
          geometry: JSON.parse(f.geojson) as SharedStructure['geometry'],
        })),
      };
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
