import type { ImportRowResult } from '@registry/shared/schemas/imports';

// The dry run's row errors as a CSV a carrier can open next to the file it
// uploaded (one line per error, row numbers as the server counts them: row 1
// is the line after the header). RFC 4180 quoting; a BOM so Excel reads UTF-8.

export const ROW_ERROR_COLUMNS = ['row', 'code', 'action', 'field', 'reason', 'message'] as const;

/** Quotes a field when it holds a comma, quote or line break (RFC 4180), and defuses spreadsheet formulas. */
export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would be run as a formula by spreadsheet programs (CSV injection).
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function rowErrorsCsv(rows: readonly ImportRowResult[]): string {
  const lines = [ROW_ERROR_COLUMNS.join(',')];
  for (const r of rows) {
    for (const e of r.errors) lines.push([r.row, r.code, r.action, e.path, e.reason, e.message].map(csvField).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
