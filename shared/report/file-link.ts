/**
 * The download link of a report workbook too large to attach: `<PUBLIC_BASE_URL>/api/report-files/<token>`.
 *
 * Why not an S3 presigned URL in the mail: on AWS it would be signed with the function role's temporary
 * credentials and die with them (hours), while the mail promises seven days. The token here is ours: an
 * HMAC-signed claim (object key, period, expiry) under a key derived from the token secret with its own
 * label (`reportFileLinkKey`), so it lives exactly as long as it says; the API checks it and answers with a
 * fresh 5-minute presigned GET of the object. It carries no personal data (the key names a month only).
 *
 * A token is `r1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { reportFileLinkKey } from '../tokens.js';
import { PERIOD_PATTERN } from '../vn/time.js';

/** Where a workbook too large to attach is kept, for its download link. */
export const REPORTS_PREFIX = 'reports/';
/** How long the link in the mail works: seven days. */
export const REPORT_LINK_TTL_SECONDS = 7 * 24 * 3600;
/** The API route that turns a link into a download. */
export const REPORT_FILES_PATH = '/api/report-files';
/** How long the redirect to S3 works: long enough to start the download, short enough not to be kept. */
export const REPORT_DOWNLOAD_TTL_SECONDS = 5 * 60;

const TOKEN_VERSION = 'r1';
const MAC_BYTES = 32;
// Real tokens are ~190 characters; anything much longer is not ours.
const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Only report workbooks can be named: a signed claim can never reach an upload or an annotated file. */
const REPORT_KEY_PATTERN = /^reports\/\d{4}-\d{2}\/[a-z0-9]+-[a-z0-9-]+\.xlsx$/;

const wireClaimsSchema = z.strictObject({
  key: z.string().regex(REPORT_KEY_PATTERN),
  period: z.string().regex(PERIOD_PATTERN),
  /** Expiry, epoch seconds. */
  exp: z.number().int().positive(),
});

export interface ReportFileClaims {
  /** The object key under `REPORTS_PREFIX`. */
  key: string;
  /** The report's month, `YYYY-MM`. */
  period: string;
  expiresAt: Date;
}

/** Why a link is refused; the API says each in Vietnamese. */
export const REPORT_LINK_REFUSALS = ['malformed', 'forged', 'expired'] as const;
export type ReportLinkRefusal = (typeof REPORT_LINK_REFUSALS)[number];

export type ReportLinkCheck = { ok: true; claims: ReportFileClaims } | { ok: false; reason: ReportLinkRefusal };

function mac(secret: string, signedPart: string): Buffer {
  return createHmac('sha256', reportFileLinkKey(secret)).update(signedPart).digest();
}

/** The object key of a report workbook stored at `storedAt`, under `REPORTS_PREFIX`. */
export function reportObjectKey(period: string, fileName: string, storedAt: Date): string {
  return `${REPORTS_PREFIX}${period}/${storedAt.getTime().toString(36)}-${fileName}`;
}

export function issueReportFileToken(claims: ReportFileClaims, secret: string): string {
  const wire = wireClaimsSchema.parse({ key: claims.key, period: claims.period, exp: Math.floor(claims.expiresAt.getTime() / 1000) });
  const signedPart = `${TOKEN_VERSION}.${Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')}`;
  return `${signedPart}.${mac(secret, signedPart).toString('base64url')}`;
}

/** The link the mail carries, on the page's own public origin. */
export function reportFileUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${REPORT_FILES_PATH}/${token}`;
}

/**
 * The claims of a genuine, unexpired link, or why not. The signature is checked, in constant time, before
 * the payload is even parsed.
 */
export function verifyReportFileToken(token: string, secret: string, now: Date): ReportLinkCheck {
  const parts = token.length > MAX_TOKEN_LENGTH ? [] : token.split('.');
  const [version, payload, signature] = parts;
  if (parts.length !== 3 || version !== TOKEN_VERSION || !payload || !signature || !BASE64URL.test(payload) || !BASE64URL.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const given = Buffer.from(signature, 'base64url');
  // Canonical encoding only: the spare bits of the last character would let several strings stand for one link.
  if (given.toString('base64url') !== signature) return { ok: false, reason: 'malformed' };
  // A MAC of the wrong length is a link cut short when copied, not a forgery.
  if (given.length !== MAC_BYTES) return { ok: false, reason: 'malformed' };
  if (!timingSafeEqual(given, mac(secret, `${version}.${payload}`))) return { ok: false, reason: 'forged' };

  let wire: z.infer<typeof wireClaimsSchema>;
  try {
    wire = wireClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    // Signed by us yet unreadable: a link of a future format. Not usable either way.
    return { ok: false, reason: 'malformed' };
  }
  const expiresAt = new Date(wire.exp * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { key: wire.key, period: wire.period, expiresAt } };
}
