import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode, ErrorDetail } from '@registry/shared/errors';
import { ERROR_MESSAGES, pickLocale, reasonMessage, type Locale } from '@registry/shared/messages';
import { AppError } from '../errors';

interface ZodLikeIssue {
  code?: string;
  path?: PropertyKey[];
  message?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  keys?: string[];
  values?: unknown[];
}

/** Zod issues → details with a field path and a message in the caller's language. */
export function issuesToDetails(issues: readonly ZodLikeIssue[], locale: Locale, prefix = ''): ErrorDetail[] {
  return issues.map((issue) => {
    const reason = issue.code === 'invalid_type' && issue.message?.includes('received undefined') ? 'required' : (issue.code ?? 'custom');
    const custom = issue.code === 'custom' && issue.message && !issue.message.startsWith('Invalid');
    let message = custom && locale === 'en' ? issue.message! : reasonMessage(reason, locale);
    if (custom && locale === 'vi' && issue.message) {
      // Custom refinements carry their own reason code as `reason:…` when they have one.
      const m = /^([a-z_]+):/.exec(issue.message);
      message = m ? reasonMessage(m[1]!, 'vi') : issue.message;
    }
    if (issue.code === 'too_small' && issue.minimum !== undefined) message += ` (min ${issue.minimum})`;
    if (issue.code === 'too_big' && issue.maximum !== undefined) message += ` (max ${issue.maximum})`;
    if (issue.code === 'unrecognized_keys' && issue.keys) message += `: ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_value' && issue.values) message += `: ${issue.values.map(String).join(', ')}`;
    const path = [prefix, ...(issue.path ?? []).map(String)].filter(Boolean).join('.');
    const customReason = custom && issue.message ? /^([a-z_]+):/.exec(issue.message)?.[1] : undefined;
    return { path, message, reason: customReason ?? reason };
  });
}

function send(request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
  const body: ErrorBody & Record<string, unknown> = { error: { code, message, details, requestId: String(request.id), ...extra } };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Maps PostgreSQL errors that reach the handler to client errors where they are the client's. */
function fromPostgres(error: { code?: string; constraint?: string; detail?: string; column?: string }, locale: Locale) {
  const constraint = error.constraint ?? '';
  switch (error.code) {
    case '23505':
      return { status: 409, code: 'CONFLICT' as const, details: [{ path: constraint, message: reasonMessage('duplicate', locale), reason: 'duplicate' }] };
    case '23503':
      return error.detail?.includes('is still referenced')
        ? { status: 409, code: 'CONFLICT' as const, details: [{ path: constraint, message: reasonMessage('referenced', locale), reason: 'referenced' }] }
        : { status: 422, code: 'UNPROCESSABLE' as const, details: [{ path: constraint, message: reasonMessage('unknown_reference', locale), reason: 'unknown_reference' }] };
    case '23514':
    case '23502':
      return { status: 422, code: 'UNPROCESSABLE' as const, details: [{ path: constraint || error.column || '', message: reasonMessage('constraint', locale), reason: 'constraint' }] };
    case '22P02':
    case '22003':
    case '22023':
      return { status: 400, code: 'BAD_REQUEST' as const, details: [] };
    default:
      return null;
  }
}

export default fp(async function errorHandler(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) => {
    const locale = pickLocale(request.headers['accept-language']);
    const message = locale === 'vi' ? `Không có đường dẫn ${request.method} ${request.url.split('?')[0]}` : `No route ${request.method} ${request.url.split('?')[0]}`;
    return send(request, reply, 404, 'NOT_FOUND', message);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const locale = pickLocale(request.headers['accept-language']);
    if (error instanceof AppError) {
      const message = error.localized ? error.localized[locale] : locale === 'en' ? error.message : ERROR_MESSAGES[error.code].vi;
      const details = error.details.map((d) => (locale === 'vi' && d.reason ? { ...d, message: reasonMessage(d.reason, 'vi') } : d));
      return send(request, reply, error.statusCode, error.code, message, details, error.extra);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const details = issuesToDetails(
        error.validation.map((v) => ({
          ...(v.params as ZodLikeIssue),
          code: v.keyword,
          message: v.message,
          path: v.instancePath.split('/').filter(Boolean),
        })),
        locale,
        where === 'body' ? '' : where,
      );
      return send(request, reply, 400, 'VALIDATION_FAILED', ERROR_MESSAGES.VALIDATION_FAILED[locale], details);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response failed its schema');
      return send(request, reply, 500, 'INTERNAL', ERROR_MESSAGES.INTERNAL[locale]);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(request, reply, 413, 'PAYLOAD_TOO_LARGE', ERROR_MESSAGES.PAYLOAD_TOO_LARGE[locale]);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(request, reply, 415, 'BAD_REQUEST', locale === 'vi' ? 'Kiểu nội dung không được hỗ trợ' : 'Unsupported content type');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(request, reply, 400, 'BAD_REQUEST', locale === 'vi' ? 'JSON không hợp lệ' : 'Malformed JSON body');
    }
    if (error.statusCode === 429) return send(request, reply, 429, 'RATE_LIMITED', ERROR_MESSAGES.RATE_LIMITED[locale]);
    if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
      return send(request, reply, 400, 'BAD_REQUEST', locale === 'vi' ? 'JSON không hợp lệ' : 'Malformed JSON body');
    }
    const pgError = fromPostgres(error as unknown as { code?: string; constraint?: string; detail?: string }, locale);
    if (pgError) return send(request, reply, pgError.status, pgError.code, ERROR_MESSAGES[pgError.code][locale], pgError.details);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(request, reply, error.statusCode, 'BAD_REQUEST', error.message);
    }
    // A 5xx never leaks its message or stack: it is logged with the request id.
    request.log.error({ err: error }, 'unhandled error');
    return send(request, reply, 500, 'INTERNAL', ERROR_MESSAGES.INTERNAL[locale]);
  });
});
