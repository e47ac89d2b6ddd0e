/** The session cookie and CSRF token: what a forged, altered or expired value gets. */
import { describe, expect, it } from 'vitest';
import { csrfToken, isValidCsrfToken, issueSession, readSession, SESSION_TTL_MS } from '../../../shared/admin/session.js';
import { issueToken } from '../../../shared/tokens.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const NOW = new Date('2026-11-10T02:00:00Z');
const { cookie, session } = issueSession(SECRET, 'ttpvhcc@binhdinh.gov.vn', NOW);

describe('readSession', () => {
  it('reads back the address and an expiry 8 hours later', () => {
    expect(readSession(SECRET, cookie, NOW)).toEqual(session);
    expect(session.expiresAt.getTime() - NOW.getTime()).toBe(SESSION_TTL_MS);
  });

  const [version, payload, mac] = cookie.split('.');
  it.each([
    ['no cookie', undefined, NOW],
    ['an empty cookie', '', NOW],
    ['the moment it expires', cookie, new Date(NOW.getTime() + SESSION_TTL_MS)],
    ['another secret', cookie, NOW, 'another-secret-of-at-least-thirty-two-characters'],
    ['another version', `s2.${payload}.${mac}`, NOW],
    ['a changed payload', `${version}.${payload}A.${mac}`, NOW],
    ['a missing signature', `${version}.${payload}`, NOW],
    ['an extra part', `${cookie}.x`, NOW],
    ['an upload token', issueToken({ unit: '548', form: 'roster', period: '2026-11', expiresAt: new Date(NOW.getTime() + 3600_000) }, SECRET), NOW],
    ['a huge value', 'x'.repeat(5000), NOW],
  ])('refuses %s', (_label, value, now, secret = SECRET) => {
    expect(readSession(secret, value, now)).toBeUndefined();
  });
});

describe('CSRF token', () => {
  it('accepts the session\'s own token only', () => {
    const other = issueSession(SECRET, 'ttpvhcc@binhdinh.gov.vn', NOW).session;
    expect(isValidCsrfToken(SECRET, session, csrfToken(SECRET, session))).toBe(true);
    expect(isValidCsrfToken(SECRET, session, csrfToken(SECRET, other))).toBe(false);
    expect(isValidCsrfToken(SECRET, session, undefined)).toBe(false);
    expect(isValidCsrfToken(SECRET, session, '')).toBe(false);
  });
});
