/**
 * A member of the centre's staff in a real browser against the embedded stack: asks for a sign-in link on
 * /admin, opens it from the local SES inbox, sees the units, issues an upload link that a clerk can open,
 * finds it in the audit trail, reminds the units that have not sent their roster, revokes a unit's links,
 * imports grants and uploads the month's statistics in the dashboard itself (verdicts, the marked workbook,
 * the rows no roster lists), previews and sends the month's report; the page fits a 1024 px laptop; a used
 * sign-in link is refused.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploaderUnits } from '../../shared/vn/units.js';
import { EXPORT_HEADER } from '../../shared/pipeline/export-roster.js';
import { clearInbox, inbox, mailsTo, signInLinkOf } from '../integration/admin-support.js';
import {
  districtPeople,
  type LocalStack,
  type Person,
  rosterWorkbook,
  senderLine,
  startTestStack,
  tokenOf,
  uploadFile,
} from '../support/local-stack.js';
import { buildGrantsXlsx, buildResultsXlsx } from '../support/workbooks.js';
import { type Browser, launchBrowser } from './support/browser.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
/** The Units view reads every unit's uploads: allow it a few seconds on a busy machine. */
const WAIT = { timeout: 20_000, interval: 200 };

const PHU_CAT = districtPeople('548', 2, 81);
/** Someone on no roster: a grants file naming them is refused, the statistics cannot credit them to a unit. */
const STRANGER = districtPeople('548', 1, 82)[0] as Person;

let stack: LocalStack;
let browser: Browser;
let scratch: string;

/** Fills "Ngày phân quyền" on every official's row of an exported workbook, as the centre's staff do. */
async function fillGrantDates(from: string, to: string, date: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(from);
  const sheet = workbook.worksheets[0];
  const dateColumn = EXPORT_HEADER.indexOf('Ngày phân quyền') + 1;
  const ids = new Set(PHU_CAT.map((p) => p.idNumber));
  const idColumn = EXPORT_HEADER.indexOf('CMND/CCCD') + 1;
  sheet?.eachRow((row) => {
    if (ids.has(String(row.getCell(idColumn).value))) row.getCell(dateColumn).value = date;
  });
  await workbook.xlsx.writeFile(to);
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'motcua-e2e-admin-'));
  stack = await startTestStack({ admin: { centreEmails: [STAFF] } });
  browser = await launchBrowser({ timezoneId: 'Asia/Ho_Chi_Minh' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
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

  it('revokes a unit\'s links: the clerk\'s old link then says it was revoked', async () => {
    const clerkUrl = stack.inviteLink('549');
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.getByRole('button', { name: 'Đường dẫn tải lên' }).click();
    await page.getByLabel('Đơn vị', { exact: true }).selectOption('549');
    let confirmation = '';
    page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Thu hồi mọi đường dẫn đã cấp cho đơn vị đã chọn' }).click();
    await expect.poll(() => page.locator('#status').innerText(), WAIT).toContain('Đã thu hồi');
    expect(confirmation).toContain('Thị xã An Nhơn');
    const clerk = await openPage(clerkUrl);
    await expect.poll(() => clerk.locator('body').innerText(), WAIT).toContain('thu hồi');
    await clerk.close();
    await page.close();
  });

  it('imports grants in the dashboard: the export, filled in, sent from the Roster tab; the verdict, then the units show them', async () => {
    await uploadFile(stack, tokenOf(stack.inviteLink('548')), { bytes: await rosterWorkbook(senderLine('548'), PHU_CAT), fileName: 'phu-cat.xlsx' });
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.getByRole('button', { name: 'Danh sách cán bộ' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải danh sách toàn tỉnh (Excel)' }).click()]);
    const filled = join(scratch, 'da-phan-quyen.xlsx');
    await fillGrantDates((await download.path()) ?? '', filled, '01/07/2021');

    // A file naming someone on no roster first: refused, nothing recorded, the issue and the marked workbook shown.
    const wrong = join(scratch, 'sai.xlsx');
    await writeFile(wrong, await buildGrantsXlsx({ rows: [[1, STRANGER.name, null, STRANGER.idNumber, null, '01/07/2021']] }));
    await page.getByLabel('Tệp đã điền ngày phân quyền').setInputFiles(wrong);
    await page.getByRole('button', { name: 'Gửi tệp ngày phân quyền' }).click();
    await expect.poll(() => page.locator('#grants-verdict').getAttribute('data-status'), WAIT).toBe('rejected');
    expect(await page.locator('#grants-verdict').innerText()).toContain('chưa hợp lệ');
    expect(await page.locator('#grants-verdict').innerText()).toMatch(/Lỗi, dòng 4: .*danh sách/);
    const [marked] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Tải tệp đánh dấu lỗi/ }).click()]);
    expect(marked.suggestedFilename()).toBe('sai - ket qua kiem tra.xlsx');
    expect(await stack.deps.grants.listGrants()).toHaveLength(0);

    await page.getByLabel('Tệp đã điền ngày phân quyền').setInputFiles(filled);
    await page.getByRole('button', { name: 'Gửi tệp ngày phân quyền' }).click();
    await expect.poll(() => page.locator('#grants-verdict').getAttribute('data-status'), WAIT).toBe('accepted');
    expect(await page.locator('#grants-verdict').innerText()).toContain('Đã ghi nhận ngày phân quyền');
    await expect.poll(() => page.locator('#grants-verdict .grants-total').innerText(), WAIT).toContain(`${PHU_CAT.length} trên ${PHU_CAT.length} cán bộ`);
    expect(await stack.deps.grants.listGrants()).toHaveLength(PHU_CAT.length);

    await page.locator('.tabs__tab[data-view="units"]').click();
    await expect.poll(() => page.locator('#units-table tbody tr[data-unit="548"]').innerText(), WAIT).toContain(`${PHU_CAT.length}/${PHU_CAT.length}`);
    await page.getByRole('button', { name: 'Nhật ký thao tác' }).click();
    await expect.poll(() => page.locator('#audit-table tbody').innerText(), WAIT).toContain('Nhập danh sách đã phân quyền');
    expect(await page.locator('#audit-table tbody tr').first().innerText()).toContain('Tệp: được chấp nhận');
    await page.close();
  });

  it("uploads the month's statistics in the dashboard and lists the rows no roster lists, without their numbers", async () => {
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.getByRole('button', { name: 'Số liệu tháng' }).click();
    await page.getByLabel('Tháng số liệu').fill('2021-07');
    await expect.poll(() => page.locator('#unattributed-summary').innerText(), WAIT).toContain('chưa gửi số liệu tháng 07/2021');
    const statistics = join(scratch, 'thong-ke-07-2021.xlsx');
    await writeFile(
      statistics,
      await buildResultsXlsx({
        rows: [
          [1, PHU_CAT[0]?.name ?? '', PHU_CAT[0]?.idNumber ?? '', null, 12],
          [2, STRANGER.name, STRANGER.idNumber, STRANGER.phone, 7],
        ],
      }),
    );
    await page.getByLabel('Tệp số liệu').setInputFiles(statistics);
    await page.getByRole('button', { name: 'Gửi số liệu tháng' }).click();
    await expect.poll(() => page.locator('#results-verdict').getAttribute('data-status'), WAIT).toBe('accepted');
    expect(await page.locator('#results-verdict').innerText()).toContain('trong đó 1 dòng chưa xác định được đơn vị');
    await expect.poll(() => page.locator('#unattributed-table tbody tr').count(), WAIT).toBe(1);
    const row = await page.locator('#unattributed-table tbody tr').innerText();
    expect(row).toContain(STRANGER.name);
    expect(row).toContain('7');
    const section = await page.locator('#view-results').innerText();
    expect(section).not.toMatch(/\d{9,}/);
    expect(section).not.toContain(STRANGER.phone);

    await page.getByRole('button', { name: 'Nhật ký thao tác' }).click();
    await expect.poll(() => page.locator('#audit-table tbody tr').first().innerText(), WAIT).toContain('Tải lên số liệu của Trung tâm');
    expect(await page.locator('#audit-table tbody tr').first().innerText()).toContain('tháng 07/2021');
    await page.close();
  });

  it('previews the month\'s report and sends it after a confirmation naming the recipients, warning when it was sent', async () => {
    const page = await openPage(`${stack.baseUrl}/admin`);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    await page.getByRole('button', { name: 'Báo cáo tháng' }).click();
    await page.getByRole('button', { name: 'Xem số liệu' }).click();
    await expect.poll(() => page.locator('#report-subject').innerText(), WAIT).toMatch(/\d{2}\/\d{4}/);
    const preview = await openPage(`${stack.baseUrl}${(await page.locator('#report-preview').getAttribute('href')) ?? ''}`);
    expect(await preview.locator('body').innerText()).toMatch(/\d{2}\/\d{4}/);
    await preview.close();

    await clearInbox(stack);
    let confirmation = '';
    page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await expect.poll(() => page.locator('#status').innerText(), WAIT).toContain('Đã gửi báo cáo');
    const recipients = (await page.locator('#report-recipients').innerText()).split(', ');
    for (const recipient of recipients) expect(confirmation).toContain(recipient);
    expect(await inbox(stack)).toHaveLength(1);

    // A second press warns that it was sent; declining sends nothing.
    page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await expect.poll(() => confirmation, WAIT).toContain('ĐÃ được gửi');
    expect(await inbox(stack)).toHaveLength(1);
    await page.close();
  });

  it('fits a 1024 px laptop screen without sideways scrolling of the page', async () => {
    const page = await openPage(`${stack.baseUrl}/admin`, 1024);
    await expect.poll(() => page.locator('#units-table tbody tr').count(), WAIT).toBe(uploaderUnits().length);
    // Every tab, the file-sending ones included.
    for (const tab of await page.locator('.tabs__tab').all()) {
      await tab.click();
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    }
    await page.close();
  });

  it('gives a clerk\'s upload page nothing of the admin API, even with its token', async () => {
    await browser.context.clearCookies();
    const invite = stack.inviteLink('548');
    const clerk = await openPage(invite);
    const statuses = await clerk.evaluate(async (token) => {
      const paths = ['/api/admin/session', '/api/admin/units', '/api/admin/audit', '/api/admin/export', '/api/admin/report', '/api/admin/results/unattributed?period=2021-07'];
      const answers = await Promise.all(paths.map((path) => fetch(path, { headers: { Authorization: `Bearer ${token}` } })));
      const post = (path: string, body: unknown) =>
        fetch(path, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-CSRF-Token': token },
          body: JSON.stringify(body),
        });
      const posts = await Promise.all([
        post('/api/admin/links', { units: 'all', form: 'roster' }),
        post('/api/admin/uploads', { form: 'grants', fileName: 'a.xlsx', contentType: '', size: 10 }),
      ]);
      return [...answers, ...posts].map((answer) => answer.status);
    }, tokenOf(invite));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
    await clerk.close();
  });

  it('refuses a sign-in link used before, with a Vietnamese message', async () => {
    await browser.context.clearCookies();
    const page = await openPage(signInUrl);
    await expect.poll(() => page.locator('#error').innerText(), WAIT).toContain('Đường dẫn đăng nhập không dùng được');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    await page.close();
  });
});
