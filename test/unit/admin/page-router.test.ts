/** The CloudFront Function in front of the page bucket serves the dashboard at /admin, as the local server does. */
import { describe, expect, it } from 'vitest';
import { PAGE_ROUTER_CODE } from '../../../infra/constructs/web-front.js';

type Handler = (event: { request: { uri: string } }) => { uri: string };
const handler = new Function(`${PAGE_ROUTER_CODE}; return handler;`)() as Handler;

describe('page router', () => {
  it.each([
    ['/admin', '/admin/index.html'],
    ['/admin/', '/admin/index.html'],
    ['/admin/admin.js', '/admin/admin.js'],
    ['/admin/admin.css', '/admin/admin.css'],
    ['/u/v1.abc.def', '/index.html'],
    ['/static/app.js', '/static/app.js'],
  ])('%s → %s', (uri, expected) => {
    expect(handler({ request: { uri } }).uri).toBe(expected);
  });
});
