import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { AppError } from '../../../errors';
import { ImportFileError } from '../import-errors';
import { utf8Guard } from './encoding';
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

/**
 * Streams a CSV as records keyed by header. UTF-8 with or without BOM;
 * legacy Vietnamese encodings are refused with a message. The delimiter is
 * detected from the header line; `meta.decimalComma` is set for `;` files.
 */
export async function* readCsv(source: AsyncIterable<Buffer>, meta: ReaderMeta): AsyncGenerator<RawRecord> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  while (!done) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
    if (next.value.includes(0x0a) || headBytes > 1 << 20) break;
  }
  const first = Buffer.concat(head);
  const headerLine = first.subarray(0, Math.max(0, first.indexOf(0x0a)) || first.length).toString('utf8');
  const delimiter = detectDelimiter(headerLine);
  meta.decimalComma = delimiter === ';';

  async function* rest() {
    yield first;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const parser = parse({
    bom: true,
    delimiter,
    columns: (header: string[]) => header.map((h) => h.trim()),
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  });
  pipeline(Readable.from(rest()), utf8Guard(), parser, () => undefined);
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      yield { properties: record };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(`The CSV cannot be read: ${message}`);
  }
}
