/**
 * Upload tokens and keyed hashes, all derived from one secret (so there is one thing to rotate).
 *
 * A token is `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`: it names the unit, the form, the
 * period, the expiry and when it was issued, and anyone holding it may upload for that unit until it
 * expires or the centre revokes the holder's links issued before a given instant (`revoke`). It carries no
 * personal data (it travels in URLs). Keys are derived with HKDF under distinct labels, so a token MAC can
 * never be replayed as a person hash or the other way round.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { InputError, TokenError } from './errors.js';
import { addMonths, formatPeriod, PERIOD_PATTERN, vietnamMonth } from './vn/time.js';

/**
 * What a link collects: a unit's roster (Appendix 2), a month's results (accounts created per official),
 * or the permission grants the centre recorded on the portal.
 */
export const UPLOAD_FORMS = ['roster', 'results', 'grants'] as const;
export type UploadForm = (typeof UPLOAD_FORMS)[number];

/**
 * The province centre (TT PVHCC) as the holder of a link: it uploads the portal's monthly statistics for
 * every unit (`results`) and the grants it recorded (`grants`). Not a unit of the directory, so a centre
 * token can never pass for a district's.
 */
export const CENTRE_UNIT = 'ttpvhcc';

/** Which forms each kind of holder may be given a link for. */
export const FORMS_BY_HOLDER = {
  unit: ['roster', 'results'],
  centre: ['results', 'grants'],
} as const satisfies Record<string, readonly UploadForm[]>;

/** Whether a link for `form` may be issued to `unit` (a uploader unit code, or `CENTRE_UNIT`). */
export function formAllowedFor(unit: string, form: UploadForm): boolean {
  const allowed: readonly UploadForm[] = unit === CENTRE_UNIT ? FORMS_BY_HOLDER.centre : FORMS_BY_HOLDER.unit;
  return allowed.includes(form);
}

export interface TokenClaims {
  unit: string;
  form: UploadForm;
  /** The month the upload is about, `YYYY-MM`, within `periodBounds` of the issue and of every use. */
  period: string;
  expiresAt: Date;
  /**
   * When the link was issued (ms precision): a revocation voids the holder's links issued before it. Links
   * issued before revocation existed carry none and count as issued at the epoch: valid until a revoke.
   */
  issuedAt?: Date;
}

/** The first month a link may be about: the 2021 letter's year; nothing before it was ever collected. */
export const FIRST_PERIOD = '2021-01';

/** The months a link may be about at `now`: from `FIRST_PERIOD` to next month, in Vietnam time. */
export function periodBounds(now: Date): { first: string; last: string } {
  return { first: FIRST_PERIOD, last: addMonths(vietnamMonth(now), 1) };
}

/** Whether `period` is a `YYYY-MM` month within `periodBounds(now)`. */
export function isPeriodInBounds(period: string, now: Date): boolean {
  const { first, last } = periodBounds(now);
  return PERIOD_PATTERN.test(period) && period >= first && period <= last;
}

/** Why `period` cannot be a link's, in Vietnamese, or undefined when it can. */
export function periodOutOfBoundsReason(period: string, now: Date): string | undefined {
  if (isPeriodInBounds(period, now)) return undefined;
  const { first, last } = periodBounds(now);
  const range = `từ ${formatPeriod(first)} đến ${formatPeriod(last)} (tháng sau)`;
  if (!PERIOD_PATTERN.test(period)) return `Kỳ báo cáo "${period}" phải có dạng YYYY-MM, ${range}.`;
  return period < first
    ? `Kỳ báo cáo ${formatPeriod(period)} quá cũ: hệ thống chỉ nhận kỳ ${range}.`
    : `Kỳ báo cáo ${formatPeriod(period)} quá xa: hệ thống chỉ nhận kỳ ${range}.`;
}

const TOKEN_VERSION = 'v1';
// A generous bound: real tokens are ~160 characters; anything much longer is not ours.
const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

export const UNIT_CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export { PERIOD_PATTERN };

const wireClaimsSchema = z.strictObject({
  unit: z.string().regex(UNIT_CODE_PATTERN),
  form: z.enum(UPLOAD_FORMS),
  period: z.string().regex(PERIOD_PATTERN),
  /** Expiry, epoch seconds. */
  exp: z.number().int().positive(),
  /** Issue time, epoch milliseconds (seconds would leave a link issued in the second of a revoke ambiguous). */
  iat: z.number().int().nonnegative().optional(),
});

const HKDF_SALT = 'motcua-intake';
const KEY_LABELS = {
  token: 'upload-token/v1',
  person: 'person-id-hash/v1',
  phone: 'person-phone-hash/v1',
  adminSession: 'admin-session/v1',
  reportFileLink: 'report-file-link/v1',
} as const;

function deriveKey(secret: string, label: (typeof KEY_LABELS)[keyof typeof KEY_LABELS]): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, label, 32));
}

function mac(secret: string, signedPart: string): Buffer {
  return createHmac('sha256', deriveKey(secret, KEY_LABELS.token)).update(signedPart).digest();
}

/**
 * A signed token for `claims`, issued at `claims.issuedAt` (default: now). A period outside
 * `periodBounds` of the issue time is refused with an `InputError` saying why, in Vietnamese.
 */
export function issueToken(claims: TokenClaims, secret: string): string {
  const issuedAt = claims.issuedAt ?? new Date();
  const outOfBounds = periodOutOfBoundsReason(claims.period, issuedAt);
  if (outOfBounds) throw new InputError(outOfBounds);
  const wire = wireClaimsSchema.parse({
    unit: claims.unit,
    form: claims.form,
    period: claims.period,
    exp: Math.floor(claims.expiresAt.getTime() / 1000),
    iat: issuedAt.getTime(),
  });
  const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  const signedPart = `${TOKEN_VERSION}.${payload}`;
  return `${signedPart}.${mac(secret, signedPart).toString('base64url')}`;
}

/**
 * The claims of a genuine, unexpired token for a period within bounds. Throws `TokenError` ('missing' |
 * 'malformed' | 'forged' | 'expired' | 'bad-period'); the signature is checked before the payload is even
 * parsed, in constant time. Revocation needs the store: `shared/pipeline/uploads.ts` checks it next.
 */
export function verifyToken(token: string | undefined | null, secret: string, now: Date): TokenClaims {
  if (token === undefined || token === null || token.length === 0) throw new TokenError('missing');
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed');
  const parts = token.split('.');
  const [version, payload, signature] = parts;
  if (
    parts.length !== 3 ||
    version !== TOKEN_VERSION ||
    payload === undefined ||
    signature === undefined ||
    !BASE64URL.test(payload) ||
    !BASE64URL.test(signature)
  ) {
    throw new TokenError('malformed');
  }
  const given = Buffer.from(signature, 'base64url');
  // Canonical encoding only: otherwise the spare bits of the last character let several strings stand for one token.
  if (given.toString('base64url') !== signature) throw new TokenError('malformed');
  const expected = mac(secret, `${version}.${payload}`);
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) throw new TokenError('forged');

  let wire: z.infer<typeof wireClaimsSchema>;
  try {
    wire = wireClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch (error) {
    // Signed by us yet unreadable: a token of a future format, or a bug. Either way not usable.
    throw new TokenError('malformed', { cause: error });
  }
  const expiresAt = new Date(wire.exp * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new TokenError('expired');
  // Tokens signed before periods were bounded (or by a caller that skipped the check) may name any month.
  if (!isPeriodInBounds(wire.period, now)) throw new TokenError('bad-period');
  return {
    unit: wire.unit,
    form: wire.form,
    period: wire.period,
    expiresAt,
    ...(wire.iat === undefined ? {} : { issuedAt: new Date(wire.iat) }),
  };
}

/**
 * A function giving the keyed hash of an ID number (hex HMAC-SHA256 under a key derived from the secret):
 * how the store finds the same person on several rosters without an ID number in any key.
 */
export function personIdHasher(secret: string): (idNumber: string) => string {
  const key = deriveKey(secret, KEY_LABELS.person);
  return (idNumber) => createHmac('sha256', key).update(idNumber, 'utf8').digest('hex');
}

/**
 * The keyed hash of a normalized mobile number, under its own key: monthly results may name an official by
 * phone alone, and are matched to rosters without a phone number in any key.
 */
export function personPhoneHasher(secret: string): (phone: string) => string {
  const key = deriveKey(secret, KEY_LABELS.phone);
  return (phone) => createHmac('sha256', key).update(phone, 'utf8').digest('hex');
}

/**
 * The key that signs the centre staff's dashboard sessions (and their CSRF tokens), under its own label:
 * a session can never pass for an upload token, nor the other way round.
 */
export function adminSessionKey(secret: string): Buffer {
  return deriveKey(secret, KEY_LABELS.adminSession);
}

/**
 * The key that signs the download links of report workbooks too large to attach, under its own label: such
 * a link can never pass for an upload token or a session, nor the other way round.
 */
export function reportFileLinkKey(secret: string): Buffer {
  return deriveKey(secret, KEY_LABELS.reportFileLink);
}
