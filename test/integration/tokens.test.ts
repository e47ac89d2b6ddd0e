/**
 * Upload tokens: a link works for its unit until it expires, and any change to it — or a link signed with
 * another secret — is refused. Person hashes: stable per secret, unrelated across secrets, never the ID.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, TokenError } from '../../shared/errors.js';
import { FIRST_PERIOD, issueToken, personIdHasher, type TokenClaims, UPLOAD_FORMS, verifyToken } from '../../shared/tokens.js';
import { monthsBetween } from '../../shared/vn/time.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const NOW = new Date('2021-06-20T03:00:00Z');
const IN_A_WEEK = new Date('2021-06-27T03:00:00Z');
const JUNE_2021_STARTS = new Date('2021-06-01T00:00:00+07:00');

const claimsArbitrary = fc.record({
  unit: fc.constantFrom('540', '548', '551', 'so-noi-vu', 'trung-tam-phuc-vu-hanh-chinh-cong'),
  form: fc.constantFrom(...UPLOAD_FORMS),
  // Every month a link may name when issued in June 2021 and used on NOW: 2021-01 to 2021-07 (next month).
  period: fc.constantFrom(...monthsBetween(FIRST_PERIOD, '2021-07')),
  // Whole seconds: the token carries the expiry in epoch seconds.
  expiresAt: fc.integer({ min: NOW.getTime() / 1000 + 1, max: NOW.getTime() / 1000 + 90 * 86_400 }).map((s) => new Date(s * 1000)),
  // Milliseconds: a revoke must tell apart links issued just before and just after it.
  issuedAt: fc.integer({ min: JUNE_2021_STARTS.getTime(), max: NOW.getTime() }).map((ms) => new Date(ms)),
});

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

describe('upload tokens', () => {
  it('gives back exactly the claims it was issued with, before expiry', () => {
    fc.assert(
      fc.property(claimsArbitrary, (claims: TokenClaims) => {
        expect(verifyToken(issueToken(claims, SECRET), SECRET, NOW)).toEqual(claims);
      }),
    );
  });

  it('refuses a token from the moment it expires', () => {
    const token = issueToken({ unit: '548', form: 'roster', period: '2021-06', expiresAt: IN_A_WEEK }, SECRET);
    expect(reasonOf(() => verifyToken(token, SECRET, new Date(IN_A_WEEK.getTime() - 1000)))).toBeUndefined();
    expect(reasonOf(() => verifyToken(token, SECRET, IN_A_WEEK))).toBe('TOKEN_EXPIRED');
  });

  it('refuses any single-character change as forged or malformed', () => {
    const token = issueToken({ unit: '548', form: 'roster', period: '2021-06', expiresAt: IN_A_WEEK }, SECRET);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const changed = token.slice(0, index) + replacement + token.slice(index + 1);
        expect(['TOKEN_FORGED', 'TOKEN_MALFORMED']).toContain(reasonOf(() => verifyToken(changed, SECRET, NOW)));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['no token at all', undefined, 'TOKEN_MISSING'],
    ['an empty token', '', 'TOKEN_MISSING'],
    ['a random word', 'hello', 'TOKEN_MALFORMED'],
    ['a token of an unknown version', `v2.${'a'.repeat(20)}.${'b'.repeat(43)}`, 'TOKEN_MALFORMED'],
    ['a token with a space', 'v1.abc def.ghi', 'TOKEN_MALFORMED'],
    ['a very long token', `v1.${'a'.repeat(5000)}.${'b'.repeat(43)}`, 'TOKEN_MALFORMED'],
    ['a short signature', 'v1.eyJ1bml0IjoiNTQ4In0.AAAA', 'TOKEN_FORGED'],
  ])('refuses %s', (_label, token, reason) => {
    expect(reasonOf(() => verifyToken(token, SECRET, NOW))).toBe(reason);
  });

  it('refuses a genuine-looking token signed with another secret', () => {
    const token = issueToken({ unit: '548', form: 'roster', period: '2021-06', expiresAt: IN_A_WEEK }, `${SECRET}-other`);
    expect(reasonOf(() => verifyToken(token, SECRET, NOW))).toBe('TOKEN_FORGED');
  });

  it('refuses a payload rewritten to another unit, even re-encoded properly', () => {
    const token = issueToken({ unit: '548', form: 'roster', period: '2021-06', expiresAt: IN_A_WEEK }, SECRET);
    const [version, payload, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const rewritten = Buffer.from(JSON.stringify({ ...claims, unit: '546' })).toString('base64url');
    expect(reasonOf(() => verifyToken(`${version}.${rewritten}.${mac}`, SECRET, NOW))).toBe('TOKEN_FORGED');
  });

  it('answers the HTTP status the API needs: 401 for a bad link, 403 for the wrong unit', () => {
    expect(new TokenError('expired').status).toBe(401);
    expect(new TokenError('wrong-unit').status).toBe(403);
  });

  it('carries no personal data: the payload holds unit, form, period, expiry and issue time only', () => {
    const token = issueToken({ unit: '548', form: 'roster', period: '2021-06', expiresAt: IN_A_WEEK }, SECRET);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as object;
    expect(Object.keys(payload).sort()).toEqual(['exp', 'form', 'iat', 'period', 'unit']);
  });
});

describe('the month a link names', () => {
  /** A token signed as an older issuer would have: any month, no issue time. */
  function legacyToken(period: string): string {
    const payload = Buffer.from(JSON.stringify({ unit: '548', form: 'results', period, exp: IN_A_WEEK.getTime() / 1000 })).toString('base64url');
    const genuine = issueToken({ unit: '548', form: 'results', period: '2021-06', expiresAt: IN_A_WEEK, issuedAt: NOW }, SECRET);
    // Re-sign the rewritten payload the way issueToken signs: v1.<payload>, HMAC under the derived token key.
    const [version] = genuine.split('.');
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'motcua-intake', 'upload-token/v1', 32));
    const mac = createHmac('sha256', key).update(`${version}.${payload}`).digest('base64url');
    return `${version}.${payload}.${mac}`;
  }

  it.each([
    ['the first month of the letter’s year', '2021-01', true],
    ['the current month (June 2021 in Vietnam)', '2021-06', true],
    ['next month', '2021-07', true],
    ['the month before 2021', '2020-12', false],
    ['a month long before the letter', '2019-01', false],
    ['two months ahead', '2021-08', false],
    ['a year ahead', '2022-06', false],
  ])('is issued for %s (%s): %s', (_label, period, issued) => {
    const issue = () => issueToken({ unit: '548', form: 'results', period, expiresAt: IN_A_WEEK, issuedAt: NOW }, SECRET);
    if (issued) expect(verifyToken(issue(), SECRET, NOW).period).toBe(period);
    else expect(issue).toThrow(InputError);
  });

  it('says in Vietnamese which months a link may name', () => {
    const issue = () => issueToken({ unit: '548', form: 'results', period: '2019-01', expiresAt: IN_A_WEEK, issuedAt: NOW }, SECRET);
    expect(issue).toThrow('Kỳ báo cáo 01/2019 quá cũ: hệ thống chỉ nhận kỳ từ 01/2021 đến 07/2021 (tháng sau).');
  });

  it('reads "next month" in Vietnam time: on 31 May 2021 at 18:00 UTC it is already June there, so July may be named', () => {
    const lateMay = new Date('2021-05-31T18:00:00Z');
    const token = issueToken({ unit: '548', form: 'results', period: '2021-07', expiresAt: IN_A_WEEK, issuedAt: lateMay }, SECRET);
    expect(verifyToken(token, SECRET, lateMay).period).toBe('2021-07');
  });

  it.each([['2019-01'], ['2020-12'], ['2021-09'], ['2099-12']])(
    'refuses a genuine older token for %s when it is used (bad period, 401)',
    (period) => {
      expect(reasonOf(() => verifyToken(legacyToken(period), SECRET, NOW))).toBe('TOKEN_BAD_PERIOD');
      expect(new TokenError('bad-period').status).toBe(401);
    },
  );

  it('keeps a genuine older token without an issue time valid for a month within bounds', () => {
    const claims = verifyToken(legacyToken('2021-05'), SECRET, NOW);
    expect(claims).toEqual({ unit: '548', form: 'results', period: '2021-05', expiresAt: IN_A_WEEK });
  });
});

describe('person hashes', () => {
  const idNumber = fc.stringMatching(/^0\d{11}$/);

  it('are stable for one secret, differ between IDs, and never contain the ID', () => {
    const hash = personIdHasher(SECRET);
    fc.assert(
      fc.property(idNumber, idNumber, (a, b) => {
        expect(hash(a)).toBe(personIdHasher(SECRET)(a));
        expect(hash(a)).toMatch(/^[0-9a-f]{64}$/);
        expect(hash(a)).not.toContain(a);
        if (a !== b) expect(hash(a)).not.toBe(hash(b));
      }),
    );
  });

  it('differ under another secret (a leaked table without the secret reveals nothing linkable)', () => {
    fc.assert(
      fc.property(idNumber, (id) => {
        expect(personIdHasher(SECRET)(id)).not.toBe(personIdHasher(`${SECRET}!`)(id));
      }),
    );
  });
});
