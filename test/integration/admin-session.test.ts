/**
 * Signing out of the centre's dashboard on the embedded stack ends the session itself, not only the browser's
 * cookie: a copy of the cookie is refused afterwards with the Vietnamese "sign in again" message, for as long
 * as the session would have lasted; the person's other sessions go on.
 */
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../functions/api/errors.js';
import { SESSION_TTL_MS } from '../../shared/admin/session.js';
import { useLocalStack } from '../support/local-stack.js';
import { type AdminClient, adminApi, signIn } from './admin-support.js';

const STAFF = 'can-bo.mot@ttpvhcc.binhdinh.gov.vn';

let clock = new Date('2026-11-10T02:00:00Z');
const stack = useLocalStack({ now: () => clock, admin: { centreEmails: [STAFF] } });

const SIGN_IN_REQUIRED = {
  status: API_ERRORS.ADMIN_SIGN_IN_REQUIRED.status,
  body: { error: { code: 'ADMIN_SIGN_IN_REQUIRED', message: API_ERRORS.ADMIN_SIGN_IN_REQUIRED.message } },
};

const signOut = (client: AdminClient, csrf = true) =>
  fetch(`${stack.current.baseUrl}/api/admin/session`, {
    method: 'DELETE',
    headers: { cookie: client.cookie, ...(csrf ? { 'x-csrf-token': client.csrfToken } : {}) },
  });

describe('signing out', () => {
  it('refuses the same cookie afterwards, reads and changes alike, with the sign-in-again message', async () => {
    const client = await signIn(stack.current, STAFF);
    expect((await adminApi(stack.current, client, '/session')).status).toBe(200);
    expect((await signOut(client)).status).toBe(204);

    const linksBefore = await stack.current.deps.store.listLinkRecords();
    expect(await adminApi(stack.current, client, '/session')).toEqual(SIGN_IN_REQUIRED);
    expect(await adminApi(stack.current, client, '/units')).toEqual(SIGN_IN_REQUIRED);
    expect(await adminApi(stack.current, client, '/links', { json: { units: ['548'], form: 'roster' } })).toEqual(SIGN_IN_REQUIRED);
    expect(await stack.current.deps.store.listLinkRecords()).toEqual(linksBefore);
  });

  it('holds until the session would have expired', async () => {
    const signedInAt = clock;
    const client = await signIn(stack.current, STAFF);
    await signOut(client);
    clock = new Date(signedInAt.getTime() + SESSION_TTL_MS - 60_000);
    try {
      expect(await adminApi(stack.current, client, '/session')).toEqual(SIGN_IN_REQUIRED);
    } finally {
      clock = signedInAt;
    }
  });

  it('ends only that session: the same person signed in elsewhere goes on', async () => {
    const laptop = await signIn(stack.current, STAFF);
    const office = await signIn(stack.current, STAFF);
    await signOut(laptop);
    expect(await adminApi(stack.current, laptop, '/session')).toEqual(SIGN_IN_REQUIRED);
    expect(await adminApi(stack.current, office, '/session')).toMatchObject({ status: 200, body: { email: STAFF } });
  });

  it('needs the CSRF token: another site cannot sign a member of staff out', async () => {
    const client = await signIn(stack.current, STAFF);
    const forged = await signOut(client, false);
    expect(forged.status).toBe(API_ERRORS.ADMIN_CSRF.status);
    expect((await adminApi(stack.current, client, '/session')).status).toBe(200);
  });
});
