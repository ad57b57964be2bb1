import type pg from 'pg';

// A lean way to run the hot reads (a list page, a site's detail): one named
// statement, parameters as text, and the first row's columns as the text
// PostgreSQL sent, with none of pg's per-query machinery. pg's Query copies
// its config object, asks for the portal's row description on every
// execution (Describe) and parses it into field objects, builds a Result and
// a row object through the type parsers, and wraps it all in a promise per
// layer (pool, client). Under bench:api that was about a tenth of the
// server's CPU for a one-row answer that is mostly one JSON text column.
//
// This is a pg "submittable" (the extension point pg-cursor and
// pg-query-stream use): the client hands it the connection when it is its
// turn and calls its handle* methods with the backend's messages. It sends
// Parse the first time the connection sees the statement's name (then
// remembered as pg's own Query does), and Bind / Execute / Sync in one write,
// without Describe: the columns come back in text format, in the order the
// statement lists them, and the caller knows what they are.

/** The columns of the first row, as text (null for SQL NULL); null when there was no row. */
export type TextRow = (string | null)[];

interface Connection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(query: { text: string; name: string; types?: unknown[] }): void;
  bind(config: { statement: string; values: (string | null)[] }): void;
  execute(config?: Record<string, never>): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

type Callback = (error: Error | null, row: TextRow | null) => void;

/** A parameter as the text PostgreSQL reads: the hot reads bind numbers and strings only. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  throw new TypeError(`oneRow binds numbers and strings only, not ${typeof value}`);
}

class OneRowQuery {
  /** Set by pg (pool.query's or client.query's callback argument). */
  callback?: Callback;
  private row: TextRow | null = null;
  private done = false;
  readonly values: (string | null)[];

  constructor(
    readonly name: string,
    readonly text: string,
    values: readonly unknown[],
  ) {
    this.values = values.map(asText);
  }

  submit(connection: Connection): Error | null {
    const previous = connection.parsedStatements[this.name] ?? connection.submittedNamedStatements[this.name];
    if (previous !== undefined && previous !== this.text) return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
    connection.stream.cork?.();
    try {
      if (previous === undefined) {
        connection.parse({ text: this.text, name: this.name });
        connection.submittedNamedStatements[this.name] = this.text;
      }
      connection.bind({ statement: this.name, values: this.values });
      connection.execute();
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(): void {}
  handleDataRow(message: { fields: TextRow }): void {
    if (this.row === null) this.row = message.fields;
  }
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: Connection): void {
    connection.sendCopyFail('No source stream defined');
  }
  handleCopyData(): void {}
  handleError(error: Error): void {
    this.finish(error, null);
  }
  handleReadyForQuery(): void {
    this.finish(null, this.row);
  }

  private finish(error: Error | null, row: TextRow | null) {
    if (this.done) return;
    this.done = true;
    this.callback?.(error, row);
  }
}

/** A pool or a checked-out client: both take a submittable with a callback (the pool releases its client after it). */
type Runner = { query(query: OneRowQuery, callback: Callback): unknown };

/**
 * Runs a named statement and resolves to its first row's columns as text, or
 * null when it returned no row. Errors reject as pg's own queries do (a
 * DatabaseError with the backend's fields).
 */
export function oneRow(db: Pick<pg.Pool | pg.PoolClient, 'query'>, statement: { name: string; text: string; values: readonly unknown[] }): Promise<TextRow | null> {
  return new Promise((resolve, reject) => {
    let query: OneRowQuery;
    try {
      query = new OneRowQuery(statement.name, statement.text, statement.values);
    } catch (error) {
      reject(error as Error);
      return;
    }
    (db as unknown as Runner).query(query, (error, row) => (error ? reject(error) : resolve(row)));
  });
}
