// The uniform error body every endpoint returns, and its stable codes.
export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  /** Field path, dot-separated (`sectors.0.azimuthDeg`); empty for the body as a whole. */
  path: string;
  message: string;
  /** Machine-readable reason, e.g. `too_big`, `swapped_coordinates`. */
  reason?: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[]; requestId: string };
}
