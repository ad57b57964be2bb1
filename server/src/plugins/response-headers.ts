import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

// The headers every response carries, set once per reply from one object
// built at start-up: the security headers @fastify/helmet wrote (helmet's
// defaults with this app's Content-Security-Policy; COEP off, as the map loads
// cross-origin tiles) and the request id. @fastify/helmet rebuilt helmet's
// middleware for every request (parsing the CSP directives again each time:
// about 5% of the server's CPU under bench:api), and the request id was set in
// an async onSend hook, one more promise per request.

export interface ResponseHeaderOptions {
  /** Extra origins the browser may connect to (the basemap's style server). */
  connectSrc?: string[];
}

/** The Content-Security-Policy: helmet's defaults as this app overrode them, in helmet's order. */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['base-uri', ["'self'"]],
    ['font-src', ["'self'", 'data:']],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['object-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['script-src-attr', ["'none'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['upgrade-insecure-requests', []],
    ['worker-src', ["'self'", 'blob:']],
    ['child-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", ...connectSrc]],
  ];
  return directives.map(([name, values]) => (values.length ? `${name} ${values.join(' ')}` : name)).join(';');
}

/** Every security header, lower-case names, as helmet 8 sets them by default. */
export function securityHeaders(options: ResponseHeaderOptions = {}): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': contentSecurityPolicy(options.connectSrc),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  });
}

/**
 * Registered first, so that the headers are on every reply a route or the
 * not-found handler sends, errors included (Fastify keeps headers set before
 * an error; an onRequest hook that throws stops the ones after it, not this).
 */
export default fp(async function responseHeaders(app: FastifyInstance, options: ResponseHeaderOptions) {
  const headers = securityHeaders(options);
  const names = Object.keys(headers);
  const values = names.map((name) => headers[name]!);
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    for (let i = 0; i < names.length; i += 1) reply.header(names[i]!, values[i]);
    reply.header('x-request-id', request.id);
    done();
  });
});
