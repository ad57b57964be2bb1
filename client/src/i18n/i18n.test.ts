import { describe, expect, it } from 'vitest';
import { createFormatters } from './format';
import { vi } from './vi';
import { en } from './en';

describe('locale formatting', () => {
  it('formats a share as a Vietnamese percentage with a decimal comma', () => {
    expect(createFormatters('vi').percent(0.955)).toBe('95,5%');
    expect(createFormatters('en').percent(0.955)).toBe('95.5%');
  });
  it('groups thousands by locale', () => {
    expect(createFormatters('vi').number(12345)).toBe('12.345');
    expect(createFormatters('en').number(12345)).toBe('12,345');
  });
});

describe('dictionaries', () => {
  it('have the same keys and no empty text', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const text of [...Object.values(vi), ...Object.values(en)]) expect(text.trim()).not.toBe('');
  });
  it('keep the same placeholders in both languages', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) expect(placeholders(en[key])).toEqual(placeholders(vi[key]));
  });
});
