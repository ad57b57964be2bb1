// COPY … FROM STDIN helpers: rows are rendered as COPY text, optionally fed
// into a hash (the checksum of the synthetic output), and streamed with
// back-pressure so memory stays bounded however many rows there are.
//
// Rows are written straight into 1 MB buffers, not concatenated as strings:
// for the half-million rows of a province the strings (and the garbage
// collector behind them) cost more than generating the rows.
import type { Hash } from 'node:crypto';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { round7 } from './geo';

/** A point written as hex EWKB (SRID 4326), its coordinates rounded to 7 decimals (≈ 1 cm). */
export class CopyPoint {
  constructor(
    readonly lon: number,
    readonly lat: number,
  ) {}
}

export type CopyValue = string | number | boolean | null | undefined | readonly string[] | CopyPoint;

function escapeText(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

const CHUNK = 1 << 20;
const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).toUpperCase().padStart(2, '0');
  HEX[2 * i] = h.charCodeAt(0);
  HEX[2 * i + 1] = h.charCodeAt(1);
}
// Little-endian EWKB header of a Point with an SRID, SRID 4326.
const POINT_HEADER = Buffer.from('0101000020E6100000', 'latin1');
const coords = new Float64Array(2);
const coordBytes = new Uint8Array(coords.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Accumulates COPY text lines in a buffer. */
class LineWriter {
  buf = Buffer.allocUnsafe(CHUNK + (64 << 10));
  pos = 0;

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Takes the bytes written so far and starts a fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(CHUNK + (64 << 10));
    this.pos = 0;
    return out;
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Column i's last string and where its bytes are: a column that repeats (kind, method, status) is copied, not encoded. */
  private lastText: (string | undefined)[] = [];
  private lastBuf: Buffer[] = [];
  private lastStart: number[] = [];
  private lastEnd: number[] = [];

  private column(i: number, s: string): void {
    if (this.lastText[i] === s) {
      const from = this.lastBuf[i]!;
      const end = this.lastEnd[i]!;
      let start = this.lastStart[i]!;
      this.room(end - start);
      const buf = this.buf;
      let p = this.pos;
      while (start < end) buf[p++] = from[start++]!;
      this.pos = p;
      return;
    }
    const start = this.pos;
    this.text(s);
    // Offsets survive room(): a buffer only grows by copying its bytes as they are.
    this.lastText[i] = s;
    this.lastBuf[i] = this.buf;
    this.lastStart[i] = start;
    this.lastEnd[i] = this.pos;
  }

  private text(s: string): void {
    const len = s.length;
    this.room(len * 3);
    const start = this.pos;
    // ASCII without specials (most values): one pass, no native call.
    const buf = this.buf;
    let p = start;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || c === 92 || c === 9 || c === 10 || c === 13) break;
      buf[p++] = c;
    }
    if (i === len) this.pos = p;
    else this.utf8(s, start);
  }

  private utf8(s: string, start: number): void {
    const n = this.buf.write(s, start, 'utf8');
    // Tab, newline, carriage return and backslash are single bytes in UTF-8
    // and never part of a multi-byte sequence: scan the bytes just written.
    for (let i = start; i < start + n; i++) {
      const b = this.buf[i]!;
      if (b === 92 || b === 9 || b === 10 || b === 13) {
        const escaped = escapeText(s);
        this.room(escaped.length * 3);
        this.pos = start + this.buf.write(escaped, start, 'utf8');
        return;
      }
    }
    this.pos = start + n;
  }

  private integer(v: number): void {
    this.room(24);
    if (v < 0) {
      this.buf[this.pos++] = 45;
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      this.buf[--p] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  private point(lon: number, lat: number): void {
    this.room(50);
    POINT_HEADER.copy(this.buf, this.pos);
    let p = this.pos + POINT_HEADER.length;
    coords[0] = round7(lon);
    coords[1] = round7(lat);
    for (let d = 0; d < 2; d++)
      for (let k = 0; k < 8; k++) {
        const b = coordBytes[d * 8 + (LITTLE_ENDIAN ? k : 7 - k)]!;
        this.buf[p++] = HEX[2 * b]!;
        this.buf[p++] = HEX[2 * b + 1]!;
      }
    this.pos = p;
  }

  line(values: readonly CopyValue[]): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (i) this.byte(9);
      if (v === null || v === undefined) {
        this.byte(92);
        this.byte(78);
      } else if (typeof v === 'string') this.column(i, v);
      else if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new Error(`COPY: non-finite number in column ${i}`);
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) this.integer(v);
        else this.text(String(v));
      } else if (typeof v === 'boolean') this.byte(v ? 116 : 102);
      else if (v instanceof CopyPoint) this.point(v.lon, v.lat);
      else this.text(arrayLiteral(v));
    }
    this.byte(10);
  }
}

/** One row as a COPY text line (for tests and small uses; copyRows writes bytes directly). */
export function copyLine(values: readonly CopyValue[]): string {
  const w = new LineWriter();
  w.line(values);
  return w.take().toString('utf8');
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
  const writer = new LineWriter();
  let count = 0;
  let reported = 0;
  for (const row of rows) {
    writer.line(row);
    count++;
    if (writer.pos > CHUNK) {
      const chunk = writer.take();
      target.hash?.update(chunk);
      const ok = stream.write(chunk);
      if (!ok) await new Promise<void>((resolve) => stream.once('drain', resolve));
      if (failed) throw failed;
      if (count - reported >= 50_000) {
        target.onRows?.(table, count);
        reported = count;
      }
    }
  }
  if (writer.pos) {
    const chunk = writer.take();
    target.hash?.update(chunk);
    stream.write(chunk);
  }
  stream.end();
  await finished;
  target.onRows?.(table, count);
  return count;
}
