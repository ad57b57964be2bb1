import type { Locale } from '@registry/shared/messages';

export interface Formatters {
  /** 12.345 (vi) / 12,345 (en). */
  number(value: number, maximumFractionDigits?: number): string;
  /** A share 0..1 as a percentage: 0.955 → "95,5%" (vi), "95.5%" (en). */
  percent(share: number, maximumFractionDigits?: number): string;
  /** A value already in percent units (95.5 → "95,5%"). */
  percentValue(value: number, maximumFractionDigits?: number): string;
  date(value: string | Date): string;
  dateTime(value: string | Date): string;
}

const TAGS: Record<Locale, string> = { vi: 'vi-VN', en: 'en-GB' };
const cache = new Map<Locale, Formatters>();

export function createFormatters(locale: Locale): Formatters {
  const cached = cache.get(locale);
  if (cached) return cached;
  const tag = TAGS[locale];
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const percentFormats = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let f = numberFormats.get(digits);
    if (!f) numberFormats.set(digits, (f = new Intl.NumberFormat(tag, { maximumFractionDigits: digits })));
    return f;
  };
  const percentFormat = (digits: number) => {
    let f = percentFormats.get(digits);
    if (!f) percentFormats.set(digits, (f = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: digits })));
    return f;
  };
  const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium' });
  const dateTimeFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  const formatters: Formatters = {
    number: (value, digits = 1) => numberFormat(digits).format(value),
    percent: (share, digits = 1) => percentFormat(digits).format(share),
    percentValue: (value, digits = 1) => percentFormat(digits).format(value / 100),
    date: (value) => dateFormat.format(typeof value === 'string' ? new Date(value) : value),
    dateTime: (value) => dateTimeFormat.format(typeof value === 'string' ? new Date(value) : value),
  };
  cache.set(locale, formatters);
  return formatters;
}
