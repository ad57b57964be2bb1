import { AppError } from '../../../errors';
import { ImportFileError } from '../import-errors';
import { guessLegacyEncoding, legacyEncodingError } from './encoding';
import type { RawRecord, ReaderMeta } from './types';

/** The field delimiter of a CSV, from its header line: the most frequent of `,` `;` and tab. */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const count = (c: string) => headerLine.split(c).length - 1;
  const candidates: [',' | ';' | '\t', number][] = [
    [',', count(',')],
    [';', count(';')],
    ['\t', count('\t')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ',';
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 CSV split into records while the text streams in: quoted fields
 * (with `""` for a quote, and line breaks inside), one of `,` `;` tab as the
 * delimiter, CRLF or LF, empty lines skipped, unquoted values trimmed. Lines
 * without a quote take a fast path (`split`), which is most lines of most
 * files; a record cut by a chunk boundary waits for the next chunk.
 */
export class CsvSplitter {
  private text = '';

  constructor(private readonly delimiter: string) {}

  push(chunk: string, final: boolean): string[][] {
    const text = this.text + chunk;
    const n = text.length;
    const delimiter = this.delimiter;
    const out: string[][] = [];
    // Index of the next `"` at or after the scan position (-1: none left, -2: not looked for yet).
    let nextQuote = -2;
    let i = 0;
    while (i < n) {
      const nl = text.indexOf('\n', i);
      if (nl === -1 && !final) break;
      const end = nl === -1 ? n : nl;
      if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
      if (nextQuote === -1 || nextQuote > end) {
        const lineEnd = end > i && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        const line = text.slice(i, lineEnd);
        i = end + 1;
        if (line.length === 0 || line.trim().length === 0) continue;
        const fields = line.split(delimiter);
        for (let k = 0; k < fields.length; k++) {
          const f = fields[k]!;
          const c0 = f.charCodeAt(0);
          const cl = f.charCodeAt(f.length - 1);
          if (c0 <= 0x20 || cl <= 0x20) fields[k] = f.trim();
        }
        out.push(fields);
        continue;
      }
      const record = this.slowRecord(text, i, final);
      if (!record) break;
      i = record.next;
      if (record.fields.length > 1 || record.fields[0] !== '') out.push(record.fields);
    }
    this.text = i >= n ? '' : text.slice(i);
    return out;
  }

  /** A record with quotes in it, char by char; null when the text ends before the record does. */
  private slowRecord(text: string, start: number, final: boolean): { fields: string[]; next: number } | null {
    const n = text.length;
    const delimiter = this.delimiter;
    const fields: string[] = [];
    let j = start;
    for (;;) {
      while (j < n && text[j] !== delimiter && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j += 1;
      if (j < n && text.charCodeAt(j) === QUOTE) {
        j += 1;
        let value = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            if (final) throw new ImportFileError('The CSV has a quoted field that never ends');
            return null;
          }
          value += text.slice(j, q);
          if (q + 1 >= n && !final) return null;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          j = q + 1;
          break;
        }
        // Anything between the closing quote and the delimiter is ignored (spaces, normally).
        while (j < n && text[j] !== delimiter && text.charCodeAt(j) !== LF) j += 1;
        fields.push(value);
      } else {
        let k = j;
        while (k < n && text[k] !== delimiter && text.charCodeAt(k) !== LF) k += 1;
        fields.push(text.slice(j, k).trim());
        j = k;
      }
      if (j >= n) {
        if (!final) return null;
        return { fields, next: n };
      }
      if (text[j] === delimiter) {
        j += 1;
        continue;
      }
      return { fields, next: j + 1 };
    }
  }
}

/**
 * Streams a CSV as batches of records keyed by header. UTF-8 with or without
 * BOM; legacy Vietnamese encodings are refused with a message. The delimiter
 * is detected from the header line; `meta.decimalComma` is set for `;` files.
 * Rows with fewer cells than the header lack the missing keys; extra cells
 * are ignored.
 */
export async function* readCsvBatches(
  source: AsyncIterable<Buffer>,
  meta: ReaderMeta,
  /** For formats whose files may lack the header line: the headers to use when the first row is data. */
  headersFor?: (firstRow: string[]) => string[] | null,
): AsyncGenerator<RawRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let splitter: CsvSplitter | null = null;
  let pending = '';
  let headers: string[] | null = null;
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw legacyEncodingError(chunk ? guessLegacyEncoding(chunk) : 'windows-1258');
    }
  };
  const toRecords = (rows: string[][]): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const row of rows) {
      if (!headers) {
        const fixed = headersFor?.(row) ?? null;
        headers = fixed ?? row.map((h) => h.trim());
        if (!fixed) continue;
      }
      const properties: Record<string, string> = {};
      const count = Math.min(row.length, headers.length);
      for (let k = 0; k < count; k++) properties[headers[k]!] = row[k]!;
      out.push({ properties });
    }
    return out;
  };
  const feed = (text: string, final: boolean): RawRecord[] => {
    if (!splitter) {
      pending += text;
      const nl = pending.indexOf('\n');
      if (nl === -1 && !final && pending.length < 1 << 20) return [];
      const delimiter = detectDelimiter(nl === -1 ? pending : pending.slice(0, nl));
      meta.decimalComma = delimiter === ';';
      splitter = new CsvSplitter(delimiter);
      text = pending;
      pending = '';
    }
    return toRecords(splitter.push(text, final));
  };
  try {
    for await (const chunk of source) {
      const batch = feed(decode(chunk), false);
      if (batch.length > 0) yield batch;
    }
    const batch = feed(decode(), true);
    if (batch.length > 0) yield batch;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(`The CSV cannot be read: ${message}`);
  }
}

/** One record at a time. */
export async function* readCsv(source: AsyncIterable<Buffer>, meta: ReaderMeta): AsyncGenerator<RawRecord> {
  for await (const batch of readCsvBatches(source, meta)) yield* batch;
}
