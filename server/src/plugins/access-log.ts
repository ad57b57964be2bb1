import { writeSync } from 'node:fs';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

// The access log: one JSON line per request, written when the response has
// been sent, instead of Fastify's two ('incoming request', 'request
// completed'; buildApp passes this log controller). The line carries what an operator or
// DBA looks for: the request id (reqId, the same as change_log.request_id and
// the X-Request-Id header), method, URL, route pattern, status, duration in
// ms, body bytes, the user id (null for the public) and the client address;
// nothing is built when the logger is below info (bench:api runs silent).

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * Fastify's log controller with the two request lines replaced by one access
 * line (no hook: Fastify calls requestCompleted once the response is sent).
 */
export class AccessLog extends LogController {
  constructor() {
    super({ disableRequestLogging: false });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const log = reply.log;
    const level = error ? 'error' : 'info';
    if ((LEVELS[log.level] ?? Infinity) > LEVELS[level]!) return;
    const actor = request.actor as FastifyRequest['actor'] | undefined;
    const length = reply.getHeader('content-length');
    log[level](
      {
        method: request.method,
        url: request.url,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        bytes: length === undefined ? null : Number(length),
        user: actor?.kind === 'user' ? actor.userId : null,
        ip: request.ip,
        ...(error ? { err: error } : {}),
      },
      error ? 'request errored' : 'request',
    );
  }
}

/**
 * A log destination that gathers lines and writes them to stdout in batches
 * (at most every 50 ms or 64 KiB, and on exit), instead of one write(2) per
 * line as pino's default synchronous destination does: one system call per
 * batch instead of one per request. One per process, shared by every app. A crash that kills the
 * process without an exit event (SIGKILL, OOM) loses at most the last 50 ms.
 */
export function bufferedStdout() {
  stdoutBuffer ??= createBufferedStdout();
  return stdoutBuffer;
}

let stdoutBuffer: ReturnType<typeof createBufferedStdout> | undefined;

function createBufferedStdout(maxBytes = 64 * 1024, maxDelayMs = 50) {
  let pending: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | null = null;
  const take = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const text = pending.join('');
    pending = [];
    bytes = 0;
    return text;
  };
  const flush = () => {
    if (pending.length) process.stdout.write(take());
  };
  // On exit the event loop is gone: what is left goes out synchronously.
  process.once('exit', () => {
    if (!pending.length) return;
    try {
      writeSync(1, take());
    } catch {
      // stdout closed or full: nothing else to write the log to
    }
  });
  return {
    write(line: string) {
      pending.push(line);
      bytes += line.length;
      if (bytes >= maxBytes) flush();
      else if (!timer) {
        timer = setTimeout(flush, maxDelayMs);
        timer.unref();
      }
    },
    flush,
  };
}
