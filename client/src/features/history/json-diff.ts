// A field-by-field diff of two JSON values (a change-log row's before and
// after), for the history panel. Pure: no React, no DOM; tested in
// json-diff.test.ts.
//
// Objects are walked key by key into dotted paths (`sectors.1.bandMhz`);
// arrays by index. A GeoJSON geometry ({type, coordinates}) is one leaf, so a
// moved point reads as one changed field rather than two changed numbers.

export type DiffKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffEntry {
  /** Dotted path of the field; '' for a scalar at the top level. */
  path: string;
  kind: DiffKind;
  before: unknown;
  after: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A GeoJSON geometry compares as a whole. */
export function isGeometry(value: unknown): boolean {
  return isPlainObject(value) && typeof value.type === 'string' && ('coordinates' in value || 'geometries' in value);
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function isContainer(value: unknown): boolean {
  return (Array.isArray(value) || isPlainObject(value)) && !isGeometry(value);
}

function join(prefix: string, key: string | number): string {
  return prefix === '' ? String(key) : `${prefix}.${key}`;
}

function walk(before: unknown, after: unknown, path: string, out: DiffEntry[]): void {
  const hasBefore = before !== undefined;
  const hasAfter = after !== undefined;
  if (!hasBefore && !hasAfter) return;
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = Array.isArray(before)
      ? Array.from({ length: Math.max(before.length, (after as unknown[]).length) }, (_, i) => i)
      : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
    for (const key of keys) {
      walk((before as Record<string | number, unknown>)[key], (after as Record<string | number, unknown>)[key], join(path, key), out);
    }
    return;
  }
  // One side a container, the other absent: list its leaves as added/removed.
  if (!hasBefore && isContainer(after)) return walk(Array.isArray(after) ? [] : {}, after, path, out);
  if (!hasAfter && isContainer(before)) return walk(before, Array.isArray(before) ? [] : {}, path, out);
  const kind: DiffKind = !hasBefore ? 'added' : !hasAfter ? 'removed' : jsonEqual(before, after) ? 'unchanged' : 'changed';
  out.push({ path, kind, before, after });
}

/**
 * Every leaf field of `before` and `after` with what happened to it. A null
 * `before` (a create) makes every field `added`; a null `after` (a delete)
 * every field `removed`. Entries follow the key order of `before`, then the
 * keys only `after` has.
 */
export function diffJson(before: unknown, after: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(before === null ? undefined : before, after === null ? undefined : after, '', out);
  return out;
}

/** Only what changed (added, removed, changed). */
export function changedEntries(entries: DiffEntry[]): DiffEntry[] {
  return entries.filter((e) => e.kind !== 'unchanged');
}

/** Fields that change on every write and say nothing about what the user changed. */
export const BOOKKEEPING_FIELDS: readonly string[] = ['version', 'updatedAt', 'createdAt'];

/** A value as one short line for the diff table. */
export function formatDiffValue(value: unknown, maxLength = 120): string {
  if (value === undefined) return '';
  if (value === null) return '∅';
  if (isGeometry(value)) {
    const g = value as { type: string; coordinates?: unknown };
    if (g.type === 'Point' && Array.isArray(g.coordinates)) return `Point (${(g.coordinates as number[]).map((n) => Number(n).toFixed(6)).join(', ')})`;
    if (g.type === 'LineString' && Array.isArray(g.coordinates)) return `LineString (${g.coordinates.length} điểm/vertices)`;
    return g.type;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value as Json);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
