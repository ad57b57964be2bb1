import type { Locale } from '@registry/shared/messages';
import type { VillageCoverageDetail } from '../../api/types';
import { createFormatters } from '../../i18n/format';
import type { Translate } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/vi';

// Pure helpers for the feature panel: which fields of an API object are
// shown as facts, and how a value reads.

const HIDDEN = new Set(['geometry', 'geom', 'version', 'tenancies', 'sectors', 'occupancies', 'id', 'createdAt']);

/** Scalar fields worth showing, in the object's own order. */
export function factEntries(object: Record<string, unknown>): [string, unknown][] {
  // Internal ids (ownerCarrierId, villageId…) say nothing to a reader; codes and names do.
  return Object.entries(object).filter(([key, value]) => !HIDDEN.has(key) && !/Id$/.test(key) && value !== null && value !== undefined && value !== '' && typeof value !== 'object');
}

/** camelCase or snake_case field name → the dictionary key of its label. */
export function fieldKey(name: string): string {
  return `field.${name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}`;
}

/** Fields that say how much room is left: free tenant places, ports, ducts, positions. */
export function freeCapacityEntries(object: Record<string, unknown>): [string, unknown][] {
  const seen = new Set<string>();
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(object)) {
    if (!/free|spare/i.test(key) || typeof value !== 'number') continue;
    const norm = key.replace(/_/g, '').toLowerCase();
    if (seen.has(norm)) continue;
    seen.add(norm);
    out.push([key, value]);
  }
  return out;
}

export function describeValue(value: unknown, locale: Locale): string {
  const f = createFormatters(locale);
  if (typeof value === 'number') return f.number(value, 2);
  if (typeof value === 'boolean') return value ? (locale === 'vi' ? 'có' : 'yes') : locale === 'vi' ? 'không' : 'no';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return f.dateTime(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return f.date(value);
  return String(value);
}

/** Dictionary key naming an enumerated value (status, structure, route kind, placement, zone kind), if there is one. */
export function valueKey(field: string, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const prefix: Record<string, string> = { status: 'assetStatus', structureType: 'structure', structure_type: 'structure', placement: 'placement', kind: 'kind' };
  const p = prefix[field];
  return p ? `${p}.${value}` : null;
}

/**
 * One line of a village's "covered by" list: carrier, technology, the site or
 * access point and its kind, and the households it reaches when it reaches any
 * (an FTTH access point serves the village without a household count: no "· 0").
 */
export function contributorText(c: Pick<NonNullable<VillageCoverageDetail['contributors']>[number], 'kind' | 'carrierCode' | 'technology' | 'siteCode' | 'code' | 'unitsReached'>, t: Translate): string {
  const parts = [c.carrierCode, c.technology, `${c.siteCode ?? c.code} (${t(`panel.contributor.${c.kind}`)})`];
  if (c.unitsReached > 0) parts.push(t('panel.unitsReached', { count: c.unitsReached }));
  return parts.join(' · ');
}

/**
 * The second line of a "features in view" row, which tells apart features that
 * share a name (many sites are named after their hamlet): the feature's code
 * when the name is not already it, its owner or carrier, and its kind
 * (route, access point or zone kind; a sector's technology); a village, which has no owner, gives its
 * commune. Parts come from the tile's attributes, joined with " · ".
 */
export function inViewDetail(properties: Record<string, unknown>, label: string | null, t: Translate): string {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
  const parts: string[] = [];
  for (const code of [text(properties.code), text(properties.site_code)]) {
    if (code && code !== label && !parts.includes(code)) parts.push(code);
  }
  const party = text(properties.owner_name) ?? text(properties.owner) ?? text(properties.carrier);
  if (party) parts.push(party);
  for (const field of ['kind', 'technology']) {
    const value = text(properties[field]);
    if (!value) continue;
    const key = valueKey(field, value) as MessageKey | null;
    const named = key ? t(key) : value;
    parts.push(named === key ? value : named);
  }
  if (!party) {
    const commune = text(properties.commune);
    if (commune) parts.push(commune);
  }
  return parts.join(' · ');
}
