// COPY … FROM STDIN helpers: rows are rendered as COPY text, optionally fed
// into a hash (the checksum of the synthetic output), and streamed with
// back-pressure so memory stays bounded however many rows there are.
import type { Hash } from 'node:crypto';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | null | undefined | readonly string[];

const SPECIAL = /[\\\t\n\r]/;

function escapeText(s: string): string {
  // Codes, names and geometry text almost never hold a special character:
  // test once instead of running the replacement on every value.
  if (!SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) line += '\t';
    if (v === null || v === undefined) line += '\\N';
    else if (typeof v === 'string') line += escapeText(v);
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`COPY: non-finite number in column ${i}`);
      line += String(v);
    } else if (typeof v === 'boolean') line += v ? 't' : 'f';
    else line += escapeText(arrayLiteral(v));
  }
  return `${line}\n`;
}

export interface CopyTarget {
  client: pg.ClientBase;
  hash?: Hash;
  onRows?: (table: string, rows: number) => void;
}

/** Streams rows into `table (columns)`; returns the number of rows written. */
export async function copyRows(target: CopyTarget, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
  const stream = target.client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  let failed: Error | null = null;
  stream.on('error', (e: Error) => {
    failed = e;
  });
  target.hash?.update(`#${table}(${columns.join(',')})\n`);
  let chunk = '';
  let count = 0;
  let reported = 0;
  for (const row of rows) {
    chunk += copyLine(row);
    count++;
    if (chunk.length > 1 << 20) {
      target.hash?.update(chunk);
      const ok = stream.write(chunk);
      chunk = '';
      if (!ok) await new Promise<void>((resolve) => stream.once('drain', resolve));
      if (failed) throw failed;
      if (count - reported >= 50_000) {
        target.onRows?.(table, count);
        reported = count;
      }
    }
  }
  if (chunk) {
    target.hash?.update(chunk);
    stream.write(chunk);
  }
  stream.end();
  await finished;
  target.onRows?.(table, count);
  return count;
}
