import { useMemo } from 'react';
import type { Locale } from '@registry/shared/messages';
import { useI18n } from './i18n';
import { part2Vi, type Part2Key } from './part2.vi';
import { part2En } from './part2.en';

const DICTIONARIES: Record<Locale, Record<Part2Key, string>> = { vi: part2Vi, en: part2En };

export type Translate2 = (key: Part2Key, params?: Record<string, string | number>) => string;

/** Fills `{name}` placeholders; numbers use the locale's formatting. */
export function translate2(locale: Locale, key: Part2Key, params: Record<string, string | number> | undefined, formatNumber: (n: number) => string): string {
  const text = DICTIONARIES[locale][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** The part-2 screens' strings in the language the shell has chosen, plus the shell's formatters. */
export function useT2() {
  const i18n = useI18n();
  return useMemo(() => {
    const t2: Translate2 = (key, params) => translate2(i18n.locale, key, params, (n) => i18n.number(n, 2));
    return { ...i18n, t2 };
  }, [i18n]);
}
