/**
 * The client side of the centre's dashboard for tests: the local SES inbox, sign-in through it or through a
 * stored link, and requests carrying the session cookie and the CSRF token as the page sends them.
 */
import * as z from 'zod';
import { CSRF_HEADER, SESSION_COOKIE, SIGN_IN_FRAGMENT } from '../../shared/admin/session.js';
import { parseAdminSettings } from '../../shared/admin/settings.js';
import { createSignInLink } from '../../shared/admin/sign-in.js';
import { createAdminStore } from '../../shared/store/admin.js';
import type { LocalStack } from '../support/local-stack.js';

const inboxSchema = z.object({
  emails: z.array(
    z.object({
      from: z.string(),
      destination: z.object({ to: z.array(z.string()) }),
      subject: z.string(),
      body: z.object({ text: z.string().optional(), html: z.string().optional() }),
      at: z.number(),
    }),
  ),
});
export type InboxMail = z.infer<typeof inboxSchema>['emails'][number];

export async function inbox(stack: LocalStack): Promise<InboxMail[]> {
  return inboxSchema.parse(await (await fetch(`${stack.sesUrl}/store`)).json()).emails;
}

export async function clearInbox(stack: LocalStack): Promise<void> {
  await fetch(`${stack.sesUrl}/clear-store`, { method: 'POST' });
}

export async function mailsTo(stack: LocalStack, address: string): Promise<InboxMail[]> {
  return (await inbox(stack)).filter((mail) => mail.destination.to.includes(address));
}

/** The sign-in link in a mail's text, and its nonce. */
export function signInLinkOf(mail: InboxMail): { url: string; nonce: string } {
  const match = new RegExp(`(http\\S+#${SIGN_IN_FRAGMENT}=([A-Za-z0-9_-]+))`).exec(mail.body.text ?? '');
  if (!match?.[1] || !match[2]) throw new Error('no sign-in link in the mail');
  return { url: match[1], nonce: match[2] };
}

export interface AdminClient {
  cookie: string;
  csrfToken: string;
  email: string;
  setCookie: string;
}

/** Exchanges a nonce for a session as the page does. */
export async function exchange(stack: LocalStack, nonce: string): Promise<{ response: Response; client?: AdminClient }> {
  const response = await fetch(`${stack.baseUrl}/api/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nonce }),
  });
  if (response.status !== 200) return { response };
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const body = z.object({ email: z.string(), csrfToken: z.string() }).parse(await response.clone().json());
  return { response, client: { cookie, csrfToken: body.csrfToken, email: body.email, setCookie } };
}

/**
 * Signs in with a stored one-time link, as `npm run cli -- admin-link` makes: the mailed path is rate-limited
 * per address (admin-sign-in.test.ts drives it), and the other tests sign the same person in many times.
 */
export async function signIn(stack: LocalStack, email: string): Promise<AdminClient> {
  const { deps } = stack;
  const store = createAdminStore({ doc: deps.clients.doc, tableName: deps.config.tableName });
  const settings = deps.config.admin ?? parseAdminSettings({});
  const link = await createSignInLink({ settings, store, secret: deps.tokenSecret, now: deps.now }, email, stack.baseUrl);
  const nonce = new URL(link.url).hash.slice(`#${SIGN_IN_FRAGMENT}=`.length);
  const { client } = await exchange(stack, nonce);
  if (!client) throw new Error('sign-in refused');
  return client;
}

export async function adminApi<T = Record<string, unknown>>(
  stack: LocalStack,
  client: AdminClient | undefined,
  path: string,
  init: { method?: string; json?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...init.headers };
  if (client) headers.cookie = client.cookie;
  if (client && init.csrf !== false) headers[CSRF_HEADER] = client.csrfToken;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.baseUrl}/api/admin${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export { SESSION_COOKIE };
