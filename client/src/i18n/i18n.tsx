import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from '@registry/shared/messages';
import { vi, type MessageKey } from './vi';
import { en } from './en';
import { createFormatters, type Formatters } from './format';

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = 'registry.locale';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface I18n extends Formatters {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
}

/** Fills `{name}` placeholders; numbers are formatted for the locale. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTIONARIES[locale][key] ?? key;
  if (!params) return text;
  const number = createFormatters(locale).number;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? number(value) : value;
  });
}

/** The language the visitor chose last time (Vietnamese by default). */
export function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'vi' || stored === 'en') return stored;
  } catch {
    // storage may be disabled; Vietnamese is the default
  }
  return 'vi';
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not persisted; still switched for this page
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, params) => translate(locale, key, params), ...createFormatters(locale) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** The locale outside React (the API client's Accept-Language). */
export function currentLocale(): Locale {
  return document.documentElement.lang === 'en' ? 'en' : 'vi';
}
