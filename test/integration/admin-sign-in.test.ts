/**
 * Sign-in to the centre's dashboard on the embedded stack: the mail through the local SES inbox, the same
 * answer for any address, limits on how many links are mailed (the same answer again), one-time and
 * 15-minute links, the session cookie's flags and lifetime, CSRF protection, and an upload token that opens
 * no admin route.
 */
import { describe, expect, it } from 'vitest';
import { API_ERRORS, type ApiErrorCode } from '../../functions/api/errors.js';
import { createApiApp } from '../../functions/api/app.js';
import { SESSION_COOKIE, SIGN_IN_LINK_TTL_MS, SESSION_TTL_MS } from '../../shared/admin/session.js';
import { parseAdminSettings } from '../../shared/admin/settings.js';
import { SIGN_IN_MAIL_LIMITS } from '../../shared/admin/sign-in.js';
import { tokenOf, useLocalStack } from '../support/local-stack.js';
import { captureOutput } from '../support/captured-output.js';
import { adminApi, clearInbox, exchange, inbox, mailsTo, signIn, signInLinkOf } from './admin-support.js';

const STAFF = 'can-bo.mot@ttpvhcc.binhdinh.gov.vn';
const OTHER_STAFF = 'can-bo.hai@ttpvhcc.binhdinh.gov.vn';
const STRANGER = 'nguoi-la@example.com';
const SENDER = 'khong-tra-loi@ttpvhcc.binhdinh.gov.vn';
const { perAddress: PER_ADDRESS, global: GLOBAL } = SIGN_IN_MAIL_LIMITS;
/** Enough staff to reach the global cap without any of them reaching their own, and one more. */
const CROWD = Array.from({ length: Math.ceil(GLOBAL.limit / PER_ADDRESS.limit) + 1 }, (_, i) => `can-bo.${i + 3}@ttpvhcc.binhdinh.gov.vn`);

let clock = new Date('2026-11-10T02:00:00Z');
const stack = useLocalStack({
  now: () => clock,
  logLevel: 'INFO',
  admin: { centreEmails: [STAFF, OTHER_STAFF, ...CROWD], mailSender: SENDER },
});

/** Everything the stack logs (stdout and stderr), to check what a refusal writes. */
const captured = captureOutput();

/** Moves the clock past every limit's window: the next requests start with a full quota. */
function nextWindow(): void {
  clock = new Date(clock.getTime() + Math.max(PER_ADDRESS.windowMs, GLOBAL.windowMs) + 1000);
}

function expectRefusal(answer: { status: number; body: unknown }, code: ApiErrorCode) {
  expect(answer.status).toBe(API_ERRORS[code].status);
  expect(answer.body).toEqual({ error: { code, message: API_ERRORS[code].message } });
}

const askForLink = (email: string) =>
  fetch(`${stack.current.baseUrl}/api/admin/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });

describe('asking for a sign-in link', () => {
  it('answers an allowed and a stranger\'s address alike, and mails only the allowed one, from the configured sender', async () => {
    await clearInbox(stack.current);
    const allowed = await askForLink(STAFF);
    const stranger = await askForLink(STRANGER);
    expect([allowed.status, stranger.status]).toEqual([202, 202]);
    expect(await allowed.text()).toBe(await stranger.text());

    const mails = await inbox(stack.current);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.destination.to).toEqual([STAFF]);
    expect(mail?.from).toContain(SENDER);
    expect(mail?.subject).toBe('Đường dẫn đăng nhập trang quản trị');
    const link = mail ? signInLinkOf(mail) : undefined;
    expect(link?.url.startsWith(`${stack.current.baseUrl}/admin#dang-nhap=`)).toBe(true);
  });

  it('takes the address however it is typed (case, spaces)', async () => {
    await clearInbox(stack.current);
    await askForLink(`  ${STAFF.toUpperCase()} `);
    expect(await mailsTo(stack.current, STAFF)).toHaveLength(1);
  });

  it.each([
    ['no body', undefined],
    ['not an address field', { mail: STAFF }],
    ['an empty address', { email: '' }],
  ])('refuses a malformed request (%s) with a Vietnamese message and sends nothing', async (_label, json) => {
    await clearInbox(stack.current);
    const answer = await adminApi(stack.current, undefined, '/sign-in', { method: 'POST', ...(json ? { json } : {}) });
    expectRefusal(answer, 'BAD_REQUEST');
    expect(await inbox(stack.current)).toHaveLength(0);
  });
});

describe('limits on sign-in mails', () => {
  const minutes = PER_ADDRESS.windowMs / 60_000;

  it(`mails one address at most ${PER_ADDRESS.limit} links in ${minutes} minutes, answers the next request as the first, and logs the refusal without the address`, async () => {
    nextWindow();
    await clearInbox(stack.current);
    const logsBefore = captured.length;
    const first = await askForLink(STAFF);
    const firstAnswer = { status: first.status, body: await first.text() };
    for (let sent = 1; sent < PER_ADDRESS.limit; sent += 1) expect((await askForLink(STAFF)).status).toBe(202);
    expect(await mailsTo(stack.current, STAFF)).toHaveLength(PER_ADDRESS.limit);

    const over = await askForLink(STAFF);
    expect({ status: over.status, body: await over.text() }).toEqual(firstAnswer);
    const stranger = await askForLink(STRANGER);
    expect({ status: stranger.status, body: await stranger.text() }).toEqual(firstAnswer);
    expect(await mailsTo(stack.current, STAFF)).toHaveLength(PER_ADDRESS.limit);
    // The limit is the address's own: a colleague still gets a link.
    await askForLink(OTHER_STAFF);
    expect(await mailsTo(stack.current, OTHER_STAFF)).toHaveLength(1);

    const logs = captured.slice(logsBefore).join('');
    expect(logs).toMatch(/sign-in mail not sent: limit reached.*per-address/);
    expect(logs.toLowerCase()).not.toContain(STAFF);
    expect(logs.toLowerCase()).not.toContain(STRANGER);
  });

  it(`counts the last ${minutes} minutes, not a fixed quarter of an hour`, async () => {
    nextWindow();
    await clearInbox(stack.current);
    const early = PER_ADDRESS.limit - 2;
    for (let sent = 0; sent < early; sent += 1) await askForLink(OTHER_STAFF);
    clock = new Date(clock.getTime() + PER_ADDRESS.windowMs / 2);
    await askForLink(OTHER_STAFF);
    await askForLink(OTHER_STAFF);
    await askForLink(OTHER_STAFF); // over the limit: the early ones are still within the window
    expect(await mailsTo(stack.current, OTHER_STAFF)).toHaveLength(PER_ADDRESS.limit);

    // Once the early ones are out of the window, that many more are mailed, and no more.
    clock = new Date(clock.getTime() + PER_ADDRESS.windowMs / 2 + 1000);
    for (let sent = 0; sent <= early; sent += 1) await askForLink(OTHER_STAFF);
    expect(await mailsTo(stack.current, OTHER_STAFF)).toHaveLength(PER_ADDRESS.limit + early);
  });

  it(`mails at most ${GLOBAL.limit} links in ${GLOBAL.windowMs / 60_000} minutes to all staff together, answering the next request alike`, async () => {
    nextWindow();
    await clearInbox(stack.current);
    const logsBefore = captured.length;
    const [last, ...others] = [...CROWD].reverse();
    if (!last) throw new Error('no staff');
    let requested = 0;
    let firstAnswer: { status: number; body: string } | undefined;
    for (const address of others) {
      for (let sent = 0; sent < PER_ADDRESS.limit && requested < GLOBAL.limit; sent += 1, requested += 1) {
        const answer = await askForLink(address);
        firstAnswer ??= { status: answer.status, body: await answer.text() };
      }
    }
    expect(await inbox(stack.current)).toHaveLength(GLOBAL.limit);

    const over = await askForLink(last);
    expect({ status: over.status, body: await over.text() }).toEqual(firstAnswer);
    expect(await inbox(stack.current)).toHaveLength(GLOBAL.limit);
    expect(await mailsTo(stack.current, last)).toHaveLength(0);
    expect(captured.slice(logsBefore).join('')).toMatch(/sign-in mail not sent: limit reached.*global/);

    nextWindow();
    await askForLink(last);
    expect(await mailsTo(stack.current, last)).toHaveLength(1);
  });
});

describe('following the link', () => {
  it('starts an 8-hour session in an HttpOnly, SameSite=Strict cookie scoped to the admin API', async () => {
    await clearInbox(stack.current);
    await askForLink(STAFF);
    const [mail] = await mailsTo(stack.current, STAFF);
    if (!mail) throw new Error('no mail');
    const { response, client } = await exchange(stack.current, signInLinkOf(mail).nonce);
    expect(response.status).toBe(200);
    const flags = (client?.setCookie ?? '').split(';').map((part) => part.trim());
    expect(flags[0]?.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/api/admin', `Max-Age=${SESSION_TTL_MS / 1000}`]));
    // Plain HTTP locally: a Secure cookie would never come back.
    expect(flags).not.toContain('Secure');

    const session = await adminApi<{ email: string }>(stack.current, client, '/session');
    expect(session).toMatchObject({ status: 200, body: { email: STAFF } });
  });

  it('marks the cookie Secure when the page is served over HTTPS', async () => {
    await clearInbox(stack.current);
    await askForLink(STAFF);
    const [mail] = await mailsTo(stack.current, STAFF);
    if (!mail) throw new Error('no mail');
    const app = createApiApp(stack.current.deps);
    const response = await app.request('https://intake.example.gov.vn/api/admin/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nonce: signInLinkOf(mail).nonce }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/;\s*Secure/);
  });

  it('works once: the second use of the same link is refused', async () => {
    await clearInbox(stack.current);
    await askForLink(STAFF);
    const [mail] = await mailsTo(stack.current, STAFF);
    if (!mail) throw new Error('no mail');
    const { nonce } = signInLinkOf(mail);
    const [first, second] = await Promise.all([exchange(stack.current, nonce), exchange(stack.current, nonce)]);
    expect([first.response.status, second.response.status].sort()).toEqual([200, 401]);
    const again = await exchange(stack.current, nonce);
    expectRefusal({ status: again.response.status, body: await again.response.json() }, 'ADMIN_LINK_INVALID');
  });

  it('expires after 15 minutes', async () => {
    await clearInbox(stack.current);
    await askForLink(OTHER_STAFF);
    const [mail] = await mailsTo(stack.current, OTHER_STAFF);
    if (!mail) throw new Error('no mail');
    const issuedAt = clock;
    clock = new Date(issuedAt.getTime() + SIGN_IN_LINK_TTL_MS + 1000);
    try {
      const { response } = await exchange(stack.current, signInLinkOf(mail).nonce);
      expectRefusal({ status: response.status, body: await response.json() }, 'ADMIN_LINK_INVALID');
    } finally {
      clock = issuedAt;
    }
  });

  it.each([
    ['an unknown nonce', 'A'.repeat(43)],
    ['a truncated nonce', 'abc'],
  ])('refuses %s', async (_label, nonce) => {
    const { response } = await exchange(stack.current, nonce);
    expectRefusal({ status: response.status, body: await response.json() }, 'ADMIN_LINK_INVALID');
  });
});

describe('the session', () => {
  it('ends after 8 hours', async () => {
    const client = await signIn(stack.current, STAFF);
    const start = clock;
    clock = new Date(start.getTime() + SESSION_TTL_MS + 1000);
    try {
      expectRefusal(await adminApi(stack.current, client, '/session'), 'ADMIN_SIGN_IN_REQUIRED');
    } finally {
      clock = start;
    }
  });

  it('ends when the address is taken off the allow-list', async () => {
    const client = await signIn(stack.current, OTHER_STAFF);
    expect((await adminApi(stack.current, client, '/session')).status).toBe(200);
    const config = stack.current.deps.config;
    const narrowed = createApiApp({ ...stack.current.deps, config: { ...config, admin: { ...(config.admin ?? parseAdminSettings({})), centreEmails: [STAFF] } } });
    const answer = await narrowed.request(`${stack.current.baseUrl}/api/admin/session`, { headers: { cookie: client.cookie } });
    expect(answer.status).toBe(401);
  });

  it('refuses a cookie altered by hand', async () => {
    const client = await signIn(stack.current, STAFF);
    const [name, value = ''] = client.cookie.split('=');
    const [version, payload = '', mac] = value.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, e: STRANGER }), 'utf8').toString('base64url');
    const answer = await adminApi(stack.current, { ...client, cookie: `${name}=${version}.${forged}.${mac}` }, '/session');
    expectRefusal(answer, 'ADMIN_SIGN_IN_REQUIRED');
  });

  it('refuses a state change without the CSRF token, and changes nothing', async () => {
    const client = await signIn(stack.current, STAFF);
    const before = await stack.current.deps.store.listLinkRecords();
    const request = { json: { units: ['548'], form: 'roster' } };
    expectRefusal(await adminApi(stack.current, client, '/links', { ...request, csrf: false }), 'ADMIN_CSRF');
    expectRefusal(
      await adminApi(stack.current, client, '/links', { ...request, csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } }),
      'ADMIN_CSRF',
    );
    expect(await stack.current.deps.store.listLinkRecords()).toEqual(before);
    expect((await adminApi(stack.current, client, '/links', request)).status).toBe(201);
  });

  it('signs out: the cookie is cleared', async () => {
    const client = await signIn(stack.current, STAFF);
    const response = await fetch(`${stack.current.baseUrl}/api/admin/session`, {
      method: 'DELETE',
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });
});

describe('a clerk\'s upload link', () => {
  const routes = [
    ['GET', '/session'],
    ['DELETE', '/session'],
    ['GET', '/units'],
    ['POST', '/links'],
    ['POST', '/links/send'],
    ['GET', '/audit'],
    ['GET', '/no-such-route'],
  ] as const;

  it.each(routes)('opens no admin route: %s %s', async (method, path) => {
    const token = tokenOf(stack.current.inviteLink('548'));
    const response = await fetch(`${stack.current.baseUrl}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-csrf-token': token },
      ...(method === 'POST' ? { body: JSON.stringify({ units: ['548'], form: 'roster' }) } : {}),
    });
    expectRefusal({ status: response.status, body: await response.json() }, 'ADMIN_SIGN_IN_REQUIRED');
  });
});
