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

/** Why the centre's dashboard refuses a request; the API maps each reason to a status and a Vietnamese message. */
export const ADMIN_REFUSALS = {
  /** No session cookie, or one that is forged, expired or unreadable. */
  'sign-in-required': 'ADMIN_SIGN_IN_REQUIRED',
  /** A sign-in link that is unknown, already used or past its 15 minutes. */
  'link-invalid': 'ADMIN_LINK_INVALID',
  /** A state-changing request without the session's CSRF token. */
  csrf: 'ADMIN_CSRF',
  /** A unit code that is not a district or department of the catalogue. */
  'unknown-unit': 'ADMIN_UNKNOWN_UNIT',
  /** The unit has no e-mail address in the address list. */
  'no-unit-email': 'ADMIN_NO_UNIT_EMAIL',
  /** A link for a month before 01/2021 or after next month. */
  'bad-period': 'ADMIN_BAD_PERIOD',
  /** Mails with links need the page's configured public address (`PUBLIC_BASE_URL`). */
  'no-public-url': 'ADMIN_NO_PUBLIC_URL',
} as const;

export type AdminRefusalReason = keyof typeof ADMIN_REFUSALS;
export type AdminRefusalCode = (typeof ADMIN_REFUSALS)[AdminRefusalReason];

export class AdminRefusal extends AppError {
  declare readonly code: AdminRefusalCode;
  readonly reason: AdminRefusalReason;
  constructor(reason: AdminRefusalReason, options?: { cause?: unknown }) {
    super(ADMIN_REFUSALS[reason], `admin request refused: ${reason}`, options);
    this.reason = reason;
  }
}

/** Message of an unknown thrown value, for logs only (never for a response). */
export function describeError(error: unknown): { name: string; code?: string; message: string } {
  if (error instanceof AppError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: String(error) };
}
