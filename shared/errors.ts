/**
 * The project's typed errors. Every error keeps its `cause` so logs show the whole chain, and carries a
 * stable `code`; handlers map these to responses and never put `message` or `cause` of an unknown
 * error in front of a user.
 */

export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The caller asked for something malformed or impossible (CLI misuse, bad request body). */
export class InputError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INPUT_INVALID', message, options);
  }
}

/**
 * An upload token is missing, forged, expired, for a month out of bounds, revoked, or for another unit.
 * `status` is the HTTP status to answer.
 */
export class TokenError extends AppError {
  readonly status: 401 | 403;
  constructor(
    reason: 'missing' | 'malformed' | 'forged' | 'expired' | 'bad-period' | 'revoked' | 'wrong-unit',
    options?: { cause?: unknown },
  ) {
    super(`TOKEN_${reason.toUpperCase().replace('-', '_')}`, `upload token ${reason}`, options);
    this.status = reason === 'wrong-unit' ? 403 : 401;
  }
}

/** Why an upload request is refused (besides token problems); the API maps each to a status and a message. */
export const UPLOAD_REFUSALS = ['FILE_EMPTY', 'FILE_TOO_LARGE', 'UNSUPPORTED_TYPE', 'FORM_NOT_SUPPORTED'] as const;
export type UploadRefusalCode = (typeof UPLOAD_REFUSALS)[number];

/** An upload request the rules refuse before anything is stored: empty, too large, a type we cannot read. */
export class UploadRefusal extends AppError {
  declare readonly code: UploadRefusalCode;
  constructor(code: UploadRefusalCode) {
    super(code, `upload refused: ${code}`);
  }
}

/** A record the caller referred to does not exist (or is not theirs to see). */
export class NotFoundError extends AppError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', `${what} not found`, options);
  }
}

/** A conditional write lost a race or met a newer version: the caller decides whether that is fine. */
export class ConflictError extends AppError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('CONFLICT', `${what}: condition failed`, options);
  }
}

/** Configuration missing or invalid at start-up (an environment variable, a context value). */
export class ConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}

/** A dependency (S3, DynamoDB, SES) failed; retried by the platform. */
export class DependencyError extends AppError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('DEPENDENCY_FAILED', `${what} failed`, options);
  }
}

/** Message of an unknown thrown value, for logs only (never for a response). */
export function describeError(error: unknown): { name: string; code?: string; message: string } {
  if (error instanceof AppError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: String(error) };
}
