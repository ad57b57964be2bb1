import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

// Response compression, replacing @fastify/compress (whose three hooks ran on
// every request, also for clients that asked for none): one synchronous
// onSend hook that returns at once unless the client accepts br or gzip, the
// body is of a compressible type and, when its size is known, at least
// `threshold` bytes. Bodies in memory are compressed in one call (brotli at
// quality 4, gzip at level 6: well under a millisecond for the API's pages)
// with an exact Content-Length; streams (exports) are piped through the
// encoder. A reply that already has a Content-Encoding (gzip tiles) is left
// alone. Request bodies are not decompressed (no client sends them encoded).

export interface CompressionOptions {
  /** Bodies smaller than this many bytes go out as they are. */
  threshold?: number;
}

const COMPRESSIBLE = /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)text(?:;|$)|(?:\+|\/)xml(?:;|$)/;
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

type Encoding = 'br' | 'gzip';

/** The encoding to answer an Accept-Encoding header with: br, else gzip, else none (q=0 refuses one). */
export function pickEncoding(header: string): Encoding | null {
  if (!/br|gzip|\*/i.test(header)) return null; // identity, deflate: nothing to parse
  let gzip = false;
  let any = false;
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(p));
    if (refused) continue;
    if (token === 'br') return 'br';
    if (token === 'gzip' || token === 'x-gzip') gzip = true;
    else if (token === '*') any = true;
  }
  return gzip || any ? 'gzip' : null;
}

function addVary(reply: FastifyReply) {
  const vary = reply.getHeader('vary');
  if (vary === undefined) reply.header('vary', 'Accept-Encoding');
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(String(vary))) reply.header('vary', `${String(vary)}, Accept-Encoding`);
}

// A route whose replies are already compressed, or must not be, says so in
// its config: `{ config: { compress: false } }`.
declare module 'fastify' {
  interface FastifyContextConfig {
    compress?: false;
  }
}

export default fp(async function compression(app: FastifyInstance, options: CompressionOptions) {
  const threshold = options.threshold ?? 1024;
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void) => {
    const accept = request.headers['accept-encoding'];
    if (!accept || payload === null || payload === undefined) return done(null, payload);
    const encoding = pickEncoding(accept);
    if (encoding === null || request.routeOptions.config.compress === false || reply.statusCode === 204 || reply.statusCode === 206 || reply.statusCode === 304) return done(null, payload);
    if (reply.hasHeader('content-encoding') || reply.hasHeader('content-range')) return done(null, payload);
    const type = reply.getHeader('content-type');
    if (!COMPRESSIBLE.test(type === undefined ? 'application/json' : String(type))) return done(null, payload);
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      if (Buffer.byteLength(payload) < threshold) return done(null, payload);
      let body: Buffer;
      try {
        body = encoding === 'br' ? zlib.brotliCompressSync(payload, BROTLI) : zlib.gzipSync(payload);
      } catch (error) {
        return done(error as Error);
      }
      addVary(reply);
      reply.header('content-encoding', encoding);
      reply.header('content-length', body.length);
      return done(null, body);
    }
    if (typeof (payload as Readable).pipe === 'function') {
      const encoder = encoding === 'br' ? zlib.createBrotliCompress(BROTLI) : zlib.createGzip();
      addVary(reply);
      reply.header('content-encoding', encoding);
      reply.removeHeader('content-length');
      pipeline(payload as Readable, encoder, (error) => {
        if (error) request.log.warn({ err: error }, 'compressed stream ended early');
      });
      return done(null, encoder);
    }
    return done(null, payload);
  });
});
