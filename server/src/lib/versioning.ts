import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, PreconditionFailedError, ValidationError } from '../errors';

// Optimistic concurrency. Every object carries `version`; responses send it
// as a strong ETag ("<version>"). An update must name the version it read,
// by If-Match or in the body; a stale one is refused with the current version
// (412 for If-Match, 409 for the body) and nothing is written.

export function etagFor(version: number): string {
  return `"${version}"`;
}

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', etagFor(version));
}

export interface ExpectedVersion {
  version: number;
  source: 'if-match' | 'body';
}

/** The version the client claims to have read; 400 when it sent none. */
export function expectedVersion(request: FastifyRequest, bodyVersion: number | undefined): ExpectedVersion {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && header.trim() !== '') {
    const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
    if (!m) throw new ValidationError([{ path: 'If-Match', message: 'If-Match must be an ETag like "3"', reason: 'invalid_format' }]);
    return { version: Number(m[1]), source: 'if-match' };
  }
  if (bodyVersion === undefined) {
    throw new ValidationError([{ path: 'version', message: 'Send the version you read (body "version" or If-Match)', reason: 'required' }]);
  }
  return { version: bodyVersion, source: 'body' };
}

/** Throws the right conflict when the stored version differs from the expected one. */
export function assertVersion(expected: ExpectedVersion, current: number, what: string): void {
  if (expected.version === current) return;
  const message = `${what} has changed since version ${expected.version}; the current version is ${current}`;
  const localized = { vi: `Đối tượng đã được sửa (phiên bản hiện tại ${current}); hãy tải lại rồi sửa lại`, en: message };
  const extra = { currentVersion: current };
  if (expected.source === 'if-match') throw new PreconditionFailedError(message, extra, localized);
  throw new ConflictError(message, extra, [{ path: 'version', message, reason: 'stale_version' }], localized);
}
