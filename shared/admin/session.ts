/**
 * The centre staff's sign-in and session, pure parts (no store, no AWS):
 *
 * - a **sign-in link** carries a random 32-byte nonce in its fragment (`/admin#dang-nhap=<nonce>`): a
 *   fragment never reaches a server, a proxy log or a mail scanner's request, and the page exchanges it for
 *   a session with a POST. Only the nonce's SHA-256 is stored, so a copy of the table signs nobody in.
 * - a **session** is a signed cookie `s1.<base64url(JSON)>.<HMAC>` naming the address and a random session
 *   id, valid 8 hours, under a key derived from the token secret with its own label (`adminSessionKey`).
 * - **signing out** records the session id until the session's expiry; `requireSession` refuses it after.
 * - the **CSRF token** is the HMAC of the session id under the same key: the page reads it from
 *   `GET /api/admin/session` and sends it in a header with every state-changing request. A cross-site form
 *   can neither read it nor set the header, and SameSite=Strict already keeps the cookie off such requests.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { adminSessionKey } from '../tokens.js';

export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 8 * 3600_000;
export const SESSION_COOKIE = 'motcua_admin';
export const CSRF_HEADER = 'x-csrf-token';
/** The fragment key of a sign-in link; the page reads it and removes it from the address bar. */
export const SIGN_IN_FRAGMENT = 'dang-nhap';
export const ADMIN_PATH = '/admin';

const SESSION_VERSION = 's1';
const MAX_COOKIE_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface AdminSession {
  email: string;
  sessionId: string;
  expiresAt: Date;
}

const wireSession = z.strictObject({
  e: z.email(),
  s: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  x: z.number().int().positive(),
});

/** A fresh nonce for a sign-in link (256 bits, base64url: 43 characters). */
export function newSignInNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps of a nonce: its SHA-256, hex. A nonce has 256 bits, so no key is needed against guessing. */
export function hashSignInNonce(nonce: string): string {
  return createHash('sha256').update(nonce, 'utf8').digest('hex');
}

export function signInUrl(publicBaseUrl: string, nonce: string): string {
  return `${publicBaseUrl}${ADMIN_PATH}#${SIGN_IN_FRAGMENT}=${nonce}`;
}

function sign(key: Buffer, signedPart: string): Buffer {
  return createHmac('sha256', key).update(signedPart).digest();
}

/** A new session for `email`, as the cookie value. */
export function issueSession(secret: string, email: string, now: Date): { cookie: string; session: AdminSession } {
  const session: AdminSession = {
    email,
    sessionId: randomBytes(18).toString('base64url'),
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  };
  const wire = wireSession.parse({ e: email, s: session.sessionId, x: Math.floor(session.expiresAt.getTime() / 1000) });
  const signedPart = `${SESSION_VERSION}.${Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')}`;
  return { cookie: `${signedPart}.${sign(adminSessionKey(secret), signedPart).toString('base64url')}`, session };
}

/** The session a cookie value stands for, or undefined when it is absent, malformed, forged or expired. */
export function readSession(secret: string, cookie: string | undefined, now: Date): AdminSession | undefined {
  if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return undefined;
  const [version, payload, signature, ...rest] = cookie.split('.');
  if (rest.length > 0 || version !== SESSION_VERSION || !payload || !signature) return undefined;
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return undefined;
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(adminSessionKey(secret), `${version}.${payload}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let wire: z.infer<typeof wireSession>;
  try {
    wire = wireSession.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return undefined; // signed by us but unreadable: a future format; sign in again
  }
  const expiresAt = new Date(wire.x * 1000);
  if (expiresAt.getTime() <= now.getTime()) return undefined;
  return { email: wire.e, sessionId: wire.s, expiresAt };
}

/**
 * What the store may key an address by (hex HMAC under the session key, with its own prefix): a copy of the
 * table does not say who asked for sign-in links.
 */
export function addressKey(secret: string, email: string): string {
  return sign(adminSessionKey(secret), `address.${email}`).toString('hex');
}

/** The CSRF token of a session (stateless: recomputed from the session id). */
export function csrfToken(secret: string, session: Pick<AdminSession, 'sessionId'>): string {
  return sign(adminSessionKey(secret), `csrf.${session.sessionId}`).toString('base64url');
}

export function isValidCsrfToken(secret: string, session: Pick<AdminSession, 'sessionId'>, given: string | undefined): boolean {
  if (!given || given.length > 128) return false;
  const expected = Buffer.from(csrfToken(secret, session), 'utf8');
  const received = Buffer.from(given, 'utf8');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
