import type { z } from 'zod';
import { project } from '@registry/shared/schemas/registry-common';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors';
import type { ResourceDescriptor, Scope } from './resource';

// Object-level rules, one place. Messages name the rule so a refused caller
// knows why; existence-private objects answer 404 like absent ones.

const OTHER_CARRIER = {
  vi: 'Đối tượng thuộc nhà mạng khác: chỉ nhà mạng sở hữu (hoặc quản trị viên) được sửa',
  en: "Another carrier's object: only its owner (or an admin) may change it",
};

/** The public may read only resources that have public rows. */
export function assertCanRead(d: ResourceDescriptor, scope: Scope): void {
  if (scope.kind === 'public' && !d.publicRead) throw new UnauthenticatedError();
}

/** Whether the caller's role may write this kind of resource at all (before looking at a row). */
export function assertWritePolicy(d: ResourceDescriptor, scope: Scope): void {
  if (scope.kind === 'public') throw new UnauthenticatedError();
  if (scope.kind === 'staff' && scope.role === 'admin') return;
  if (d.write === 'admin') throw new ForbiddenError(`Only admins may change ${d.name}`);
  if (d.write === 'planner' && !(scope.kind === 'staff' && scope.role === 'planner')) throw new ForbiddenError(`Only planners and admins may change ${d.name}`);
  if (d.write === 'owner' && scope.kind !== 'carrier') throw new ForbiddenError(`Only the owning carrier or an admin may change ${d.name}`);
}

/** A carrier writes only rows its carrier owns. */
export function assertOwns(d: ResourceDescriptor, scope: Scope, ownerId: unknown): void {
  assertWritePolicy(d, scope);
  if (d.write !== 'owner' || scope.kind !== 'carrier') return;
  if (ownerId !== scope.carrierId) throw new ForbiddenError(OTHER_CARRIER.en, OTHER_CARRIER);
}

export function assertAdmin(scope: Scope, what: string): void {
  if (scope.kind === 'public') throw new UnauthenticatedError();
  if (!(scope.kind === 'staff' && scope.role === 'admin')) throw new ForbiddenError(`Only admins may ${what}`);
}

/** The JS twin of the SQL visibility rule, for rows already loaded. */
export function isVisible(d: ResourceDescriptor, scope: Scope, row: Record<string, unknown>): boolean {
  if (scope.kind === 'staff') return true;
  if (scope.kind === 'public') return Boolean(d.publicRead);
  if (d.plannedIsPrivate && d.owner && row.status === 'planned') return row[d.owner.field] === scope.carrierId;
  return true;
}

export function assertVisible(d: ResourceDescriptor, scope: Scope, row: Record<string, unknown> | null, id: number): asserts row is Record<string, unknown> {
  if (!row || !isVisible(d, scope, row)) throw new NotFoundError(d.label, id);
}

/** The view a scope sees a row through: staff and the owner the full one. */
export function viewFor(d: ResourceDescriptor, scope: Scope, row: Record<string, unknown>): z.ZodObject<z.ZodRawShape> {
  if (scope.kind === 'staff') return d.views.full;
  if (scope.kind === 'carrier') return d.owner && row[d.owner.field] === scope.carrierId ? d.views.full : d.views.others;
  if (!d.views.public) throw new UnauthenticatedError();
  return d.views.public;
}

/** A row as the caller may see it: unlisted fields never leave. */
export function projectFor(d: ResourceDescriptor, scope: Scope, row: Record<string, unknown>): Record<string, unknown> {
  return project(viewFor(d, scope, row), row);
}
