import type { Localized } from '@registry/shared/messages';
import { AppError, PayloadTooLargeError } from '../../errors';

/** The file as a whole cannot be read (wrong encoding, not JSON, no header…). */
export class ImportFileError extends AppError {
  constructor(message: string, localized?: Localized, reason = 'unreadable_file') {
    super('UNPROCESSABLE', 422, message, [{ path: 'file', reason, message }], {}, localized);
  }
}

/** The upload passed the configured size or row count: 413, raised before the body is read to the end. */
export class ImportTooLargeError extends PayloadTooLargeError {
  constructor(readonly limit: 'bytes' | 'rows', value: number) {
    super(limit === 'bytes' ? `The file is larger than the ${value}-byte import limit` : `The file has more than the ${value}-row import limit`);
  }
}
