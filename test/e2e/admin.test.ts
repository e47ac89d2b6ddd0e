/**
 * A member of the centre's staff in a real browser against the embedded stack: asks for a sign-in link on
 * /admin, opens it from the local SES inbox, sees the units, issues an upload link that a clerk can open,
 * finds it in the audit trail, reminds the units that have not sent their roster; the page fits a 1024 px laptop; a used sign-in link is refused.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploaderUnits } from '../../shared/vn/units.js';
import { inbox, mailsTo, signInLinkOf } from '../integration/admin-support.js';
import { type LocalStack, startTestStack } from '../support/local-stack.js';
import { type Browser, launchBrowser } from './support/browser.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
/** The Units view reads every unit's uploads: allow it a few seconds on a busy machine. */
const WAIT = { timeout: 20_000, interval: 200 };

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

async function openPage(url: string, width = 1280): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 800 });
  await page.goto(url);
  return page;
}

/** Asks for a link on the page and returns the one the inbox received. */
async function requestLinkThroughThePage(page: Page): Promise<string> {
  const before = (await mailsTo(stack, STAFF)).length;
  await page.getByLabel('Địa chỉ thư điện tử').fill(STAFF);
  await page.getByRole('button', { name: 'Gửi đường dẫn đăng nhập' }).click();
  await expect.poll(() => page.locator('#sign-in-sent').isVisible(), WAIT).toBe(true);
  const mails = await mailsTo(stack, STAFF);
  expect(mails.length).toBe(before + 1);
  const latest = mails.at(-1);
  if (!latest) throw new Error('no mail');
  return signInLinkOf(latest).url;
}

describe('the centre\'s dashboard in a browser', () => {
  let signInUrl: string;

  it('signs in through the link mailed to the local inbox', async () => {
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#sign-in').isVisible(), WAIT).toBe(true);
    signInUrl = await requestLinkThroughThePage(page);
    expect((await inbox(stack)).at(-1)?.subject).toBe('Đường dẫn đăng nhập trang quản trị');

    await page.goto(signInUrl);
    await expect.poll(() => page.locator('#who-email').innerText(), WAIT).toBe(STAFF);
    // The one-time link leaves the address bar once used.
    expect(new URL(page.url()).hash).toBe('');
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.close();
  });

  it('shows which units are missing, and issues a link a clerk can open', async () => {
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.getByLabel('Lọc').selectOption('missing');
    expect(await page.locator('#units-table tbody tr[data-unit="548"]').innerText()).toContain('Chưa nộp');

    await page.getByRole('button', { name: 'Đường dẫn tải lên' }).click();
    await page.getByLabel('Đơn vị', { exact: true }).selectOption('548');
    await page.getByRole('button', { name: 'Tạo đường dẫn' }).click();
    const linkField = page.locator('#links-table tbody tr[data-unit="548"] input');
    await expect.poll(() => linkField.count(), WAIT).toBe(1);
    const uploadUrl = await linkField.inputValue();
    expect(uploadUrl.startsWith(`${stack.baseUrl}/u/`)).toBe(true);

    const clerk = await openPage(uploadUrl);
    await expect.poll(() => clerk.locator('#unit-name').innerText(), WAIT).toContain('Huyện Phù Cát');
    await clerk.close();

    await page.getByRole('button', { name: 'Nhật ký thao tác' }).click();
    await expect.poll(() => page.locator('#audit-table tbody').innerText(), WAIT).toContain('Cấp đường dẫn tải lên');
    expect(await page.locator('#audit-table tbody').innerText()).toContain(STAFF);
    await page.close();
  });

  it('sends a reminder to every unit still missing its roster, after a confirmation naming them', async () => {
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.getByRole('button', { name: 'Nhắc nộp' }).click();
    let confirmation = '';
    page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Gửi thư nhắc' }).click();
    await expect.poll(() => page.locator('#reminders-summary').innerText(), WAIT).toContain(`Đã gửi ${uploaderUnits().length} thư nhắc`);
    expect(confirmation).toContain('Huyện Phù Cát');
    const [mail] = await mailsTo(stack, '548@don-vi.example.invalid');
    expect(mail?.subject).toBe('Nhắc gửi danh sách cán bộ làm việc tại bộ phận một cửa (mẫu Phụ lục 2)');

    // Pressed again the same day: nobody gets a second mail.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Gửi thư nhắc' }).click();
    await expect.poll(() => page.locator('#reminders-summary').innerText(), WAIT).toContain('Đã gửi 0 thư nhắc');
    expect(await mailsTo(stack, '548@don-vi.example.invalid')).toHaveLength(1);
    await page.close();
  });

  it('fits a 1024 px laptop screen without sideways scrolling of the page', async () => {
    const page = await openPage(`${stack.baseUrl}/admin`, 1024);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    await page.close();
  });

  it('refuses a sign-in link used before, with a Vietnamese message', async () => {
    await browser.context.clearCookies();
    const page = await openPage(signInUrl);
    await expect.poll(() => page.locator('#error').innerText(), WAIT).toContain('Đường dẫn đăng nhập không dùng được');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    await page.close();
  });
});
