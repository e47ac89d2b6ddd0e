/**
 * The local server sends the page's security headers from the same module CloudFront's policy is built from
 * (shared/web/security-headers.ts), with the local S3 as the uploads origin, so the page runs here under the
 * CSP it gets on AWS; the report preview keeps its own CSP, which lets the e-mail's inline styles through and
 * nothing else.
 */
import { describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE_OPTIONS,
  FRAME_OPTIONS,
  pageCspDirectives,
  parseCsp,
  REFERRER_POLICY,
  REPORT_PREVIEW_CSP_DIRECTIVES,
} from '../../shared/web/security-headers.js';
import { api, type PresignedPost, tokenOf, useLocalStack, XLSX_TYPE } from '../support/local-stack.js';
import { signIn } from './admin-support.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const stack = useLocalStack({ admin: { centreEmails: [STAFF] } });

const cspOf = (response: Response) => parseCsp(response.headers.get('content-security-policy') ?? '');

describe('the page on the local server', () => {
  it.each([
    ['the upload page', () => '/'],
    ['an upload link', () => new URL(stack.current.inviteLink('548')).pathname],
    ['the dashboard', () => '/admin'],
    ['the dashboard script', () => '/admin/admin.js'],
    ['the upload page script', () => '/static/app.js'],
    ['the stylesheet', () => '/static/styles.css'],
    ['an API answer', () => '/api/settings'],
    ['an API refusal', () => '/api/uploads'],
    ['a missing page', () => '/khong-co-trang-nay'],
  ])('%s carries the page CSP of the CDK policy, with the local S3 as the uploads origin', async (_what, path) => {
    const response = await fetch(`${stack.current.baseUrl}${path()}`);
    await response.arrayBuffer();
    expect(cspOf(response)).toEqual(pageCspDirectives(stack.current.s3Url));
    expect(response.headers.get('x-frame-options')).toBe(FRAME_OPTIONS);
    expect(response.headers.get('x-content-type-options')).toBe(CONTENT_TYPE_OPTIONS);
    expect(response.headers.get('referrer-policy')).toBe(REFERRER_POLICY);
    // Plain HTTP: no HSTS pin on localhost.
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('lets the page send a file where the API tells it to (the presigned POST), and nowhere else', async () => {
    const presigned = await api<PresignedPost>(stack.current, '/api/uploads', {
      json: { token: tokenOf(stack.current.inviteLink('548')), fileName: 'danh-sach.xlsx', contentType: XLSX_TYPE, size: 2048 },
    });
    expect(presigned.status).toBe(201);
    const csp = cspOf(await fetch(`${stack.current.baseUrl}/`));
    const uploadsOrigin = new URL(presigned.body.url).origin;
    expect(csp['connect-src']).toEqual(["'self'", uploadsOrigin]);
    expect(csp['form-action']).toEqual(["'self'", uploadsOrigin]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'"]);
  });
});

describe('the report preview', () => {
  it('keeps its own CSP: the e-mail\'s inline styles, no script, no outside resource, no framing', async () => {
    const client = await signIn(stack.current, STAFF);
    const response = await fetch(`${stack.current.baseUrl}/api/admin/report/preview?period=2026-10`, { headers: { cookie: client.cookie } });
    const html = await response.text();
    expect(response.status).toBe(200);
    const csp = cspOf(response);
    expect(csp).toEqual(REPORT_PREVIEW_CSP_DIRECTIVES);
    expect(csp['style-src']).toEqual(["'unsafe-inline'"]);
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['script-src']).toBeUndefined();
    // What the policy must allow is what the mail uses: inline styles, and nothing it would block.
    expect(html).toMatch(/style="[^"]+"/);
    expect(html).not.toMatch(/<(script|img|link|style|iframe|object|form)\b/i);
    expect(response.headers.get('x-frame-options')).toBe(FRAME_OPTIONS);
    expect(response.headers.get('x-content-type-options')).toBe(CONTENT_TYPE_OPTIONS);
  });
});
