/**
 * Sign-in by e-mail: a link for an address on the allow-list, mailed (or printed by the CLI), exchanged once
 * for a session. The request answers the same whatever the address, so the page tells nobody who is staff.
 */
import type { Logger } from '../logger.js';
import type { AdminStore } from '../store/admin.js';
import { AdminRefusal, InputError } from '../errors.js';
import { type SendMail, signInMail } from './mail.js';
import { type AdminSettings, isCentreEmail, normalizeEmail } from './settings.js';
import {
  type AdminSession,
  addressKey,
  hashSignInNonce,
  issueSession,
  NONCE_PATTERN,
  newSignInNonce,
  SIGN_IN_LINK_TTL_MS,
  signInUrl,
} from './session.js';
import { MESSAGES } from '../messages.js';

export interface SignInDeps {
  settings: AdminSettings;
  store: Pick<AdminStore, 'putSignInLink' | 'consumeSignInLink' | 'appendAudit'>;
  secret: string;
  now: () => Date;
}

/** A stored one-time link for an allowed address; an `InputError` for any other address. */
export async function createSignInLink(
  deps: SignInDeps,
  email: string,
  publicBaseUrl: string,
): Promise<{ url: string; expiresAt: Date }> {
  const address = normalizeEmail(email);
  if (!isCentreEmail(deps.settings, address)) {
    throw new InputError(MESSAGES.CENTRE_EMAIL_NOT_ALLOWED);
  }
  const nonce = newSignInNonce();
  const expiresAt = new Date(deps.now().getTime() + SIGN_IN_LINK_TTL_MS);
  await deps.store.putSignInLink({ nonceHash: hashSignInNonce(nonce), email: address, expiresAt });
  return { url: signInUrl(publicBaseUrl, nonce), expiresAt };
}

/**
 * How many sign-in mails may go out: per address, as many as a person could want in a link's lifetime
 * (mail bombing one inbox stops there), and for everyone together a cap a handful of staff never reach
 * (a script cycling through the allow-list stops there, and so does the SES bill).
 */
export const SIGN_IN_MAIL_LIMITS = {
  perAddress: { limit: 5, windowMs: SIGN_IN_LINK_TTL_MS },
  global: { limit: 30, windowMs: SIGN_IN_LINK_TTL_MS },
} as const;
/** The global quota's subject (an address's is its HMAC, `addressKey`). */
const GLOBAL_QUOTA = 'ALL';

export type SignInRequestDeps = SignInDeps & {
  store: Pick<AdminStore, 'putSignInLink' | 'takeSignInQuota'>;
  sendMail: SendMail;
  logger: Logger;
};

/** Takes one send from the address's quota, then from everyone's; names the limit that refused it, if any. */
async function takeSignInMailQuota(deps: SignInRequestDeps, address: string): Promise<'per-address' | 'global' | undefined> {
  const now = deps.now();
  // The address's own quota first, so one person's repeated requests do not use up everyone's.
  if (!(await deps.store.takeSignInQuota(addressKey(deps.secret, address), SIGN_IN_MAIL_LIMITS.perAddress, now))) return 'per-address';
  if (!(await deps.store.takeSignInQuota(GLOBAL_QUOTA, SIGN_IN_MAIL_LIMITS.global, now))) return 'global';
  return undefined;
}

/**
 * Mails a sign-in link when `email` is allowed and within its limits; otherwise does nothing. Either way the
 * caller answers the same. The address is never logged (an unknown one may be a stranger's).
 */
export async function requestSignIn(deps: SignInRequestDeps, email: string): Promise<void> {
  const address = normalizeEmail(email);
  if (!isCentreEmail(deps.settings, address)) {
    deps.logger.info('admin sign-in asked for an address not on the allow-list');
    return;
  }
  const base = deps.settings.publicBaseUrl;
  if (base === null) {
    deps.logger.warn('admin sign-in mail not sent: PUBLIC_BASE_URL (motcua:publicBaseUrl) is not configured');
    return;
  }
  const limitReached = await takeSignInMailQuota(deps, address);
  if (limitReached) {
    deps.logger.warn('admin sign-in mail not sent: limit reached', { limit: limitReached });
    return;
  }
  const { url, expiresAt } = await createSignInLink(deps, address, base);
  await deps.sendMail(signInMail(address, url, expiresAt));
  deps.logger.info('admin sign-in link mailed');
}

/** Exchanges a link's nonce for a session; `AdminRefusal('link-invalid')` when unknown, used or expired. */
export async function completeSignIn(deps: SignInDeps, nonce: string): Promise<{ cookie: string; session: AdminSession }> {
  if (!NONCE_PATTERN.test(nonce)) throw new AdminRefusal('link-invalid');
  const now = deps.now();
  const email = await deps.store.consumeSignInLink(hashSignInNonce(nonce), now);
  // Checked again on the way in: an address taken off the allow-list after its link was sent is refused.
  if (email === undefined || !isCentreEmail(deps.settings, email)) throw new AdminRefusal('link-invalid');
  const issued = issueSession(deps.secret, email, now);
  await deps.store.appendAudit({ at: now, actor: email, action: 'signed-in', detail: {} });
  return issued;
}
