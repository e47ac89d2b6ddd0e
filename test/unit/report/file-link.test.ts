/**
 * The 7-day link to a report workbook too large to attach: accepted while genuine and unexpired, refused
 * (with the reason the API words in Vietnamese) when expired, forged, cut short or signed for another use.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  issueReportFileToken,
  REPORT_LINK_TTL_SECONDS,
  type ReportLinkCheck,
  reportFileUrl,
  reportObjectKey,
  verifyReportFileToken,
} from '../../../shared/report/file-link.js';
import { adminSessionKey, issueToken, reportFileLinkKey } from '../../../shared/tokens.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const ISSUED = new Date('2021-09-01T01:00:00Z');
const EXPIRES = new Date(ISSUED.getTime() + REPORT_LINK_TTL_SECONDS * 1000);
const KEY = reportObjectKey('2021-08', 'bao-cao-tai-khoan-cong-dan-2021-08.xlsx', ISSUED);
const TOKEN = issueReportFileToken({ key: KEY, period: '2021-08', expiresAt: EXPIRES }, SECRET);

/** The same claims signed with `key`: what a link made for another purpose (or by someone else) looks like. */
function signedWith(key: Buffer): string {
  const [version, payload] = TOKEN.split('.');
  const signedPart = `${version}.${payload}`;
  return `${signedPart}.${createHmac('sha256', key).update(signedPart).digest('base64url')}`;
}

const tamperedPayload = (() => {
  const [version, payload, mac] = TOKEN.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  const longer = Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 86_400 })).toString('base64url');
  return `${version}.${longer}.${mac}`;
})();

const uploadToken = issueToken({ unit: '548', form: 'roster', period: '2021-08', expiresAt: EXPIRES, issuedAt: ISSUED }, SECRET);

describe('report file links', () => {
  it.each<[string, string, Date, ReportLinkCheck]>([
    ['a fresh link', TOKEN, ISSUED, { ok: true, claims: { key: KEY, period: '2021-08', expiresAt: EXPIRES } }],
    ['a link on its last second', TOKEN, new Date(EXPIRES.getTime() - 1000), { ok: true, claims: { key: KEY, period: '2021-08', expiresAt: EXPIRES } }],
    ['a link past its 7 days', TOKEN, EXPIRES, { ok: false, reason: 'expired' }],
    ['a link with a lengthened expiry', tamperedPayload, ISSUED, { ok: false, reason: 'forged' }],
    ['a link signed with another secret', issueReportFileToken({ key: KEY, period: '2021-08', expiresAt: EXPIRES }, `${SECRET}-other`), ISSUED, { ok: false, reason: 'forged' }],
    ['a link signed under the session label', signedWith(adminSessionKey(SECRET)), ISSUED, { ok: false, reason: 'forged' }],
    ['an upload token', uploadToken, ISSUED, { ok: false, reason: 'malformed' }],
    ['a link cut short when copied', TOKEN.slice(0, -5), ISSUED, { ok: false, reason: 'malformed' }],
    ['a link cut before its signature', TOKEN.slice(0, TOKEN.lastIndexOf('.')), ISSUED, { ok: false, reason: 'malformed' }],
    ['nothing', '', ISSUED, { ok: false, reason: 'malformed' }],
    ['a very long string', 'r1.'.padEnd(5000, 'a'), ISSUED, { ok: false, reason: 'malformed' }],
  ])('%s', (_name, token, now, expected) => {
    expect(verifyReportFileToken(token, SECRET, now)).toEqual(expected);
  });

  it('is signed under its own key label, not the upload tokens\' or the sessions\'', () => {
    expect(signedWith(reportFileLinkKey(SECRET))).toBe(TOKEN);
  });

  it('cannot name an object outside reports/', () => {
    expect(() => issueReportFileToken({ key: 'incoming/548/abc.xlsx', period: '2021-08', expiresAt: EXPIRES }, SECRET)).toThrow();
  });

  it('points at the public origin, whatever trailing slash the setting has', () => {
    expect(reportFileUrl('https://d1.cloudfront.net/', 'r1.x.y')).toBe('https://d1.cloudfront.net/api/report-files/r1.x.y');
  });
});
