/**
 * A signed-in member of the centre's staff in the browser without going through the inbox: the session
 * cookie a stored sign-in link gives (as `cli admin-link` does), set as the page's sign-in sets it. For
 * browser tests about something else than signing in (test/e2e/admin.test.ts covers the mailed link).
 */
import { SESSION_COOKIE } from '../../../shared/admin/session.js';
import { SESSION_COOKIE_PATH } from '../../../functions/api/admin/app.js';
import { signIn } from '../../integration/admin-support.js';
import type { LocalStack } from '../../support/local-stack.js';
import type { Browser } from './browser.js';

export async function signInBrowser(stack: LocalStack, browser: Browser, email: string): Promise<void> {
  const client = await signIn(stack, email);
  await browser.context.addCookies([
    {
      name: SESSION_COOKIE,
      value: client.cookie.slice(`${SESSION_COOKIE}=`.length),
      domain: new URL(stack.baseUrl).hostname,
      path: SESSION_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
}
