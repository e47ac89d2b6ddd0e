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
  hashSignInNonce,
  issueSession,
  NONCE_PATTERN,
  newSignInNonce,
  SIGN_IN_LINK_TTL_MS,
  signInUrl,
} from './session.js';

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
    throw new InputError('Địa chỉ thư này không có trong danh sách cán bộ Trung tâm được phép đăng nhập (CENTRE_EMAILS).');
  }
  const nonce = newSignInNonce();
  const expiresAt = new Date(deps.now().getTime() + SIGN_IN_LINK_TTL_MS);
  await deps.store.putSignInLink({ nonceHash: hashSignInNonce(nonce), email: address, expiresAt });
  return { url: signInUrl(publicBaseUrl, nonce), expiresAt };
}

/**
 * Mails a sign-in link when `email` is allowed; otherwise does nothing. Either way the caller answers the
 * same. The address is never logged (an unknown one may be a stranger's).
 */
export async function requestSignIn(deps: SignInDeps & { sendMail: SendMail; logger: Logger }, email: string): Promise<void> {
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
