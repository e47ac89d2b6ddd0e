/**
 * The page in a real browser under the CSP the local server sends, which is the one CloudFront sends on AWS
 * (shared/web/security-headers.ts): the upload page and the dashboard load and work without a single CSP
 * violation (an inline script or style attribute would be one), and the report preview, under its own CSP,
 * shows the e-mail's inline styles that the page's `style-src 'self'` would strip.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploaderUnits } from '../../shared/vn/units.js';
import { CSP_HEADER, pageCspDirectives, serializeCsp } from '../../shared/web/security-headers.js';
import { type LocalStack, startTestStack } from '../support/local-stack.js';
import { SAMPLES } from '../support/samples.js';
import { signInBrowser } from './support/admin-session.js';
import { type Browser, launchBrowser } from './support/browser.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const WAIT = { timeout: 20_000, interval: 200 };
const VERDICT_TIMEOUT_MS = 60_000;

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ admin: { centreEmails: [STAFF] } });
  browser = await launchBrowser({ timezoneId: 'Asia/Ho_Chi_Minh' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

/** A page that records every CSP violation its documents report (directive and what was blocked). */
async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations?.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return { page, violations: () => page.evaluate(() => window.cspViolations ?? []) };
}

describe('the page under the AWS CSP', () => {
  it('the upload page shows the unit and takes a roster, with no CSP violation', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(stack.inviteLink('546'));
    await expect.poll(() => page.getByText('Huyện Vĩnh Thạnh').isVisible(), WAIT).toBe(true);
    await page.getByLabel('Chọn tệp trên máy tính…').setInputFiles(SAMPLES.s01);
    await page.getByRole('button', { name: 'Tải danh sách lên' }).click();
    await page.getByRole('heading', { name: 'Danh sách đã được chấp nhận: 3 cán bộ' }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('the dashboard opens every view with no CSP violation', async () => {
    await signInBrowser(stack, browser, STAFF);
    const { page, violations } = await watchedPage();
    await page.goto(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    for (const tab of await page.locator('.tabs__tab').all()) {
      await tab.click();
      await expect.poll(() => tab.getAttribute('aria-pressed'), WAIT).toBe('true');
    }
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it("the report preview keeps the e-mail's layout under its own CSP, which the page's would strip", async () => {
    await signInBrowser(stack, browser, STAFF);
    const url = `${stack.baseUrl}/api/admin/report/preview?period=2026-10`;
    const bodyPadding = (page: Page) => page.evaluate(() => getComputedStyle(document.body).paddingTop);

    const { page, violations } = await watchedPage();
    await page.goto(url);
    expect(await page.locator('h1').innerText()).toMatch(/10\/2026/);
    expect(await bodyPadding(page)).toBe('16px');
    expect(await violations()).toEqual([]);
    await page.close();

    // The same document under the page's CSP (what CloudFront sent on /api/* before): the styles are gone,
    // and the watcher above sees it (so an empty list there means something).
    const { page: stripped, violations: strippedViolations } = await watchedPage();
    await stripped.route(url, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), [CSP_HEADER.toLowerCase()]: serializeCsp(pageCspDirectives(stack.s3Url)) } });
    });
    await stripped.goto(url);
    expect(await bodyPadding(stripped)).toBe('0px');
    expect((await strippedViolations()).some((violation) => violation.startsWith('style-src'))).toBe(true);
    await stripped.close();
  });
});
