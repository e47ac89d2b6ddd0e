/**
 * Why the dashboard refuses a request. Kept beside the admin domain (the shared catalogue in
 * `shared/errors.ts` is another team's file); the API maps each reason to a code and a Vietnamese message.
 */
import { AppError } from '../errors.js';

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
