/**
 * The security headers of the page (the upload page and the dashboard), in one place: CloudFront's response
 * headers policy (`infra/constructs/web-front.ts`) is built from these values and the local server
 * (`infra/local/stack.ts`) sends them, so `npm start` and the browser tests run the page under the CSP it
 * gets on AWS. Pure: no AWS import.
 *
 * Rule shared by both: a response that carries its own Content-Security-Policy keeps it (the report preview
 * below); every other response gets the page's.
 */

/** A CSP as a table: directive → sources (an empty list for a directive without sources, e.g. `sandbox`). */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * The page's CSP. `uploadsOrigin` is where the page POSTs files and reads the answer (presigned POST): the
 * uploads bucket's `https://` host on AWS, the policy proxy in front of s3rver locally.
 */
export function pageCspDirectives(uploadsOrigin: string): CspDirectives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'", uploadsOrigin],
    'form-action': ["'self'", uploadsOrigin],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/**
 * The report preview (`GET /api/admin/report/preview`): the report e-mail's HTML as leadership receives it,
 * opened in its own tab. Mail bodies style with inline `style` attributes and draw the chart with tables
 * (`shared/report/email.ts`): no script, no image, no stylesheet, no form. So inline styles and nothing
 * else; `sandbox` gives the document an opaque origin, so even a script slipped into a unit's name could
 * not reach the dashboard's API with the staff member's cookie.
 */
export const REPORT_PREVIEW_CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  sandbox: [],
};

export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** A CSP header back into its table (directive names lower-cased, as browsers read them). */
export function parseCsp(header: string): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = sources;
  }
  return directives;
}

export const REPORT_PREVIEW_CSP = serializeCsp(REPORT_PREVIEW_CSP_DIRECTIVES);

/** The upload token is in the page's URL: never send it to another site in a Referer header. */
export const REFERRER_POLICY = 'no-referrer';
export const FRAME_OPTIONS = 'DENY';
export const CONTENT_TYPE_OPTIONS = 'nosniff';
export const HSTS = { maxAgeSeconds: 365 * 24 * 3600, includeSubdomains: true } as const;

export const CSP_HEADER = 'Content-Security-Policy';

/**
 * The headers as the page's server sends them. `https: false` (the local server, plain HTTP) leaves out
 * HSTS: browsers ignore it over HTTP, and a year-long pin on `localhost` would outlive the stack.
 */
export function pageSecurityHeaders(options: { uploadsOrigin: string; https: boolean }): Readonly<Record<string, string>> {
  return {
    [CSP_HEADER]: serializeCsp(pageCspDirectives(options.uploadsOrigin)),
    'X-Content-Type-Options': CONTENT_TYPE_OPTIONS,
    'X-Frame-Options': FRAME_OPTIONS,
    'Referrer-Policy': REFERRER_POLICY,
    ...(options.https
      ? { 'Strict-Transport-Security': `max-age=${HSTS.maxAgeSeconds}${HSTS.includeSubdomains ? '; includeSubDomains' : ''}` }
      : {}),
  };
}

/**
 * Adds the page's headers to a response, as CloudFront's policy does: every header is set, except a CSP the
 * response already carries (the API's own, for the report preview), which is kept.
 */
export function applyPageSecurityHeaders(headers: Headers, pageHeaders: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(pageHeaders)) {
    if (name === CSP_HEADER && headers.has(CSP_HEADER)) continue;
    headers.set(name, value);
  }
}
