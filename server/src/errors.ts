import type { ErrorCode, ErrorDetail } from '@registry/shared/errors';
import type { Localized } from '@registry/shared/messages';

// Typed errors thrown by services; one handler maps them to HTTP statuses.
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra fields merged into the error body (e.g. the current version on a conflict). */
    readonly extra: Record<string, unknown> = {},
    /** The message in both languages, when the service has one. */
    readonly localized?: Localized,
  ) {
    super(message);
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('BAD_REQUEST', 400, message, details);
  }
}

export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = 'The request is invalid') {
    super('VALIDATION_FAILED', 400, message, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Log in or send a valid API token') {
    super('UNAUTHENTICATED', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role may not do this', localized?: Localized) {
    super('FORBIDDEN', 403, message, [], {}, localized);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id?: string | number) {
    super('NOT_FOUND', 404, id === undefined ? `${what} not found` : `${what} ${id} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}, details: ErrorDetail[] = [], localized?: Localized) {
    super('CONFLICT', 409, message, details, extra, localized);
  }
}

/** A stale If-Match header. */
export class PreconditionFailedError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}, localized?: Localized) {
    super('PRECONDITION_FAILED', 412, message, [], extra, localized);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', 413, message);
  }
}

export class UnprocessableError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('UNPROCESSABLE', 422, message, details);
  }
}

export class UnavailableError extends AppError {
  constructor(message: string) {
    super('UNAVAILABLE', 503, message);
  }
}
