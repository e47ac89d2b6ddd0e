/**
 * The page's security headers module: a CSP table survives being written and read back, a response's own CSP
 * is kept while every other header is the page's (CloudFront's rule on /api/*), and HSTS only over HTTPS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPageSecurityHeaders,
  CSP_HEADER,
  type CspDirectives,
  pageCspDirectives,
  pageSecurityHeaders,
  parseCsp,
  REPORT_PREVIEW_CSP,
  REPORT_PREVIEW_CSP_DIRECTIVES,
  serializeCsp,
} from '../../../shared/web/security-headers.js';

const UPLOADS = 'https://motcuaintake-uploads-123.s3.ap-southeast-1.amazonaws.com';
const token = fc.stringMatching(/^[a-z0-9'.:/-]{1,20}$/);

describe('a CSP written and read back', () => {
  it('is the same table, whatever its directives and sources', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,15}$/), fc.array(token, { maxLength: 4 })), (directives: CspDirectives) => {
        expect(parseCsp(serializeCsp(directives))).toEqual(directives);
      }),
    );
  });

  it.each([
    ['the page', serializeCsp(pageCspDirectives(UPLOADS)), pageCspDirectives(UPLOADS)],
    ['the report preview', REPORT_PREVIEW_CSP, REPORT_PREVIEW_CSP_DIRECTIVES],
  ])('%s', (_what, header, directives) => {
    expect(parseCsp(header)).toEqual(directives);
  });
});

describe('the headers a response gets', () => {
  const page = pageSecurityHeaders({ uploadsOrigin: UPLOADS, https: false });

  it('keeps a CSP the response set itself and gives it every other header of the page', () => {
    const headers = new Headers({ [CSP_HEADER]: REPORT_PREVIEW_CSP, 'X-Frame-Options': 'SAMEORIGIN' });
    applyPageSecurityHeaders(headers, page);
    expect(headers.get(CSP_HEADER)).toBe(REPORT_PREVIEW_CSP);
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("gives a response without a CSP the page's", () => {
    const headers = new Headers();
    applyPageSecurityHeaders(headers, page);
    expect(parseCsp(headers.get(CSP_HEADER) ?? '')).toEqual(pageCspDirectives(UPLOADS));
  });

  it.each([
    [false, null],
    [true, 'max-age=31536000; includeSubDomains'],
  ])('over HTTPS %s: HSTS %s', (https, hsts) => {
    expect(pageSecurityHeaders({ uploadsOrigin: UPLOADS, https })['Strict-Transport-Security'] ?? null).toBe(hsts);
  });
});
