/**
 * A district clerk's visit, in a real browser against the embedded stack (dynalite, s3rver, the very
 * same API and processing code): open the invite link, upload a roster, read the verdict, download the
 * marked-up workbook. Runs with `npm run test:e2e` (needs Chromium: `bash .ci/install-browser.sh`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../functions/api/errors.js';
import { SAMPLES } from '../support/samples.js';
import { type Browser, launchBrowser } from './support/browser.js';
import { type E2eStack, startE2eStack } from './support/stack.js';

const ACCEPTED_HEADING = 'Danh sách đã được chấp nhận: 3 cán bộ';
const REJECTED_HEADING = 'Danh sách chưa hợp lệ — vui lòng sửa các lỗi dưới đây rồi tải lên lại';
const LINK_INVALID =
  'Đường dẫn không hợp lệ hoặc đã hết hạn. Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được cấp đường dẫn mới.';
const LINK_EXPIRED = API_ERRORS.TOKEN_EXPIRED.message;
const LINK_TRUNCATED = API_ERRORS.TOKEN_MALFORMED.message;
const LINK_FORGED = API_ERRORS.TOKEN_FORGED.message;
const VERDICT_TIMEOUT_MS = 30_000;
/** The personal data typed into s03 (IDs and phones): a page may point at the cells, never repeat them. */
const S03_PERSONAL_DATA = ['052080022001', '05218002200', '0916022001', '0256 3870 123', '052083022005'];
/** Not Vietnam: the page must show Vietnam time whatever the office PC's clock zone is. */
const BROWSER_TIME_ZONE = 'Europe/Paris';

let stack: E2eStack;
let browser: Browser;
let downloadsDir: string;

beforeAll(async () => {
  downloadsDir = await mkdtemp(join(tmpdir(), 'motcua-e2e-downloads-'));
  stack = await startE2eStack();
  browser = await launchBrowser({ timezoneId: BROWSER_TIME_ZONE });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (downloadsDir) await rm(downloadsDir, { recursive: true, force: true });
});

/** A fresh tab that records every request it makes, so tests can say what went over the wire. */
async function openPage(
  url: string,
  options: { width?: number; prepare?: (page: Page) => Promise<void> } = {},
): Promise<{ page: Page; requests: Request[] }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: options.width ?? 1280, height: 900 });
  await options.prepare?.(page);
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  await page.goto(url);
  return { page, requests };
}

async function uploadFile(page: Page, path: string): Promise<void> {
  await page.getByLabel('Chọn tệp trên máy tính…').setInputFiles(path);
  await page.getByRole('button', { name: 'Tải danh sách lên' }).click();
}

function vietnamTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')} ${part('hour')}:${part('minute')}`;
}

async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

describe('the upload page, for a district clerk', () => {
  it('shows the unit and the link expiry, accepts a correct roster and lists it among earlier uploads', async () => {
    const link = stack.inviteLink('546');
    const { page, requests } = await openPage(link.url);

    await expect.poll(() => page.getByText('Huyện Vĩnh Thạnh').isVisible()).toBe(true);
    await expect.poll(() => page.getByText(vietnamTime(link.expiresAt.toISOString())).isVisible()).toBe(true);
    expect(await page.getByText('Đơn vị chưa tải lên lần nào.').isVisible()).toBe(true);

    await uploadFile(page, SAMPLES.s01);

    const heading = page.getByRole('heading', { name: ACCEPTED_HEADING });
    await heading.waitFor({ timeout: VERDICT_TIMEOUT_MS });
    // Focus moves to the verdict, so a screen reader reads it and the clerk sees it without scrolling.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verdict');
    expect(await page.getByRole('link', { name: 'Tải tệp đã đánh dấu lỗi' }).isVisible()).toBe(false);

    const history = page.getByRole('table', { name: 'Các lần tải lên trước' });
    await expect.poll(() => history.getByRole('row').filter({ hasText: 'Đã chấp nhận' }).count()).toBe(1);
    const row = history.getByRole('row').filter({ hasText: 's01-vinh-thanh-hop-le.xlsx' });
    expect(await row.innerText()).toContain('Đã chấp nhận');
    const [earlier] = (await stack.listUploads(link.token)).uploads;
    expect(earlier?.fileName).toBe('s01-vinh-thanh-hop-le.xlsx');
    expect(await row.innerText()).toContain(vietnamTime(earlier?.createdAt ?? ''));

    // The token travels in the page's own address only; the API gets it in a header or the JSON body.
    expect(page.url()).toBe(link.url);
    const apiRequests = requests.filter((request) => new URL(request.url()).pathname.startsWith('/api/'));
    expect(apiRequests.length).toBeGreaterThan(2);
    for (const request of apiRequests) expect(request.url()).not.toContain(link.token);
    await page.close();
  });

  it('rejects a roster with mistakes, lists every issue by row and column, and gives the marked-up workbook', async () => {
    const link = stack.inviteLink('544');
    const { page } = await openPage(link.url);
    await uploadFile(page, SAMPLES.s03);

    await page.getByRole('heading', { name: REJECTED_HEADING }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    const issues = page.getByRole('table', { name: /^Các lỗi cần sửa/ });
    const issueRows = await issues.locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => cell.textContent ?? '')),
    );
    const errorRows = issueRows.filter(([, , severity]) => severity === 'Lỗi').map(([row]) => Number(row));
    expect([...new Set(errorRows)].sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11]);
    const columnsOf = (row: number) => issueRows.filter(([r]) => r === String(row)).map(([, column]) => column);
    expect(columnsOf(8)).toContain('CMND/CCCD');
    expect(columnsOf(9)).toContain('Số điện thoại');
    expect(columnsOf(11)).toContain('Đơn vị');
    for (const [, , , message] of issueRows) expect(message?.length).toBeGreaterThan(20);

    const verdictText = await page.locator('#verdict').innerText();
    for (const personal of S03_PERSONAL_DATA) expect(verdictText).not.toContain(personal);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải tệp đã đánh dấu lỗi' }).click(),
    ]);
    // Named after the clerk's own file, so they find it among their downloads.
    expect(download.suggestedFilename()).toBe('s03-hoai-an-co-loi - ket qua kiem tra.xlsx');
    const saved = join(downloadsDir, 'annotated.xlsx');
    await download.saveAs(saved);
    const annotated = new ExcelJS.Workbook();
    await annotated.xlsx.readFile(saved);
    expect(annotated.getWorksheet('Lỗi')).toBeDefined();
    await page.close();
  });

  it('still downloads the marked-up workbook after the clerk has spent a while reading the issues', async () => {
    const { page, requests } = await openPage(stack.inviteLink('544').url, { prepare: (p) => p.clock.install() });
    await uploadFile(page, SAMPLES.s03);
    await page.getByRole('heading', { name: REJECTED_HEADING }).waitFor({ timeout: VERDICT_TIMEOUT_MS });

    // The link shown with the verdict is signed for minutes only; past that, the page asks for a new one.
    await page.clock.fastForward('05:00');
    const looksBefore = requests.filter((request) => /\/api\/uploads\/[^/]+$/.test(request.url())).length;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải tệp đã đánh dấu lỗi' }).click(),
    ]);
    const looksAfter = requests.filter((request) => /\/api\/uploads\/[^/]+$/.test(request.url())).length;
    expect(looksAfter).toBe(looksBefore + 1);
    const saved = join(downloadsDir, 'annotated-later.xlsx');
    await download.saveAs(saved);
    const annotated = new ExcelJS.Workbook();
    await annotated.xlsx.readFile(saved);
    expect(annotated.getWorksheet('Lỗi')).toBeDefined();
    expect(page.url()).toContain('/u/');
    await page.close();
  });

  it.each([
    ['an old Excel file (.xls)', 'danh-sach.xls', 1_000, 'định dạng Excel cũ (.xls)'],
    ['a Word document', 'cong-van.docx', 1_000, 'Đây là tệp Word'],
    ['a PDF', 'danh-sach.pdf', 1_000, 'Hệ thống chỉ nhận tệp Excel (.xlsx, .xlsm) hoặc .csv'],
    ['an empty file', 'danh-sach.xlsx', 0, 'Tệp rỗng'],
    ['a file over 5 MB', 'danh-sach.xlsx', 5 * 1024 * 1024 + 1, 'Tệp quá lớn (tối đa 5 MB)'],
  ])('explains %s before uploading anything', async (_what, name, size, message) => {
    const { page, requests } = await openPage(stack.inviteLink('546').url);
    const chooser = page.getByLabel('Chọn tệp trên máy tính…');
    await chooser.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(size, 0x41) });
    await page.getByRole('button', { name: 'Tải danh sách lên' }).click();

    const alert = page.getByRole('alert').filter({ hasText: message });
    await alert.waitFor();
    expect(requests.filter((request) => request.method() === 'POST')).toEqual([]);
    await page.close();
  });

  // The server says which: an expired link needs a new one, a truncated one only needs copying again.
  it.each([
    ['an expired link', (s: E2eStack) => s.inviteLink('546', { expiresAt: new Date(Date.now() - 60_000) }).url, LINK_EXPIRED],
    ['a forged link', (s: E2eStack) => `${s.inviteLink('546').url.slice(0, -4)}AAAA`, LINK_FORGED],
    ['a link cut short when copied', (s: E2eStack) => s.inviteLink('546').url.slice(0, -10), LINK_TRUNCATED],
    ['a garbled link', (s: E2eStack) => `${s.baseUrl}/u/not-a-token`, LINK_TRUNCATED],
    ['no token at all', (s: E2eStack) => `${s.baseUrl}/`, LINK_INVALID],
  ])('given %s, shows the reason and no upload form', async (_what, linkOf, reason) => {
    const { page } = await openPage(linkOf(stack));
    await page.getByText(reason).waitFor();
    expect(await page.getByRole('button', { name: 'Tải danh sách lên' }).isVisible()).toBe(false);
    expect(await page.getByLabel('Chọn tệp trên máy tính…').isVisible()).toBe(false);
    await page.close();
  });

  it('fits a 320 px wide screen, issue table included, with no sideways scrolling', async () => {
    const { page } = await openPage(stack.inviteLink('544').url, { width: 320 });
    await page.getByText('Huyện Hoài Ân').waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);

    await uploadFile(page, SAMPLES.s03);
    await page.getByRole('heading', { name: REJECTED_HEADING }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.close();
  });

  it('says so when the check takes more than two minutes, and fetches the verdict again on request', async () => {
    const { page } = await openPage(stack.inviteLink('547').url, {
      // The page's clock is ours to move: two minutes pass without the test waiting for them.
      prepare: (p) => p.clock.install(),
    });
    // The processing function is made to look stuck: every look at the upload answers "processing".
    const isUploadStatus = (url: URL) => /^\/api\/uploads\/[^/]+$/.test(url.pathname);
    let looks = 0;
    await page.route(isUploadStatus, async (route) => {
      looks += 1;
      const uploadId = new URL(route.request().url()).pathname.split('/').pop();
      await route.fulfill({
        json: { uploadId, status: 'processing', accepted: null, rows: null, issues: [], reportUrl: null },
      });
    });

    await uploadFile(page, SAMPLES.s02);
    await page.getByText('Đã tải tệp lên').waitFor({ timeout: VERDICT_TIMEOUT_MS });
    await expect.poll(() => looks).toBeGreaterThan(0);
    await page.clock.fastForward('02:01');

    await page.getByText('Hệ thống đang xử lý lâu hơn bình thường…').waitFor();
    expect(await page.getByRole('heading', { name: ACCEPTED_HEADING }).count()).toBe(0);

    await page.unroute(isUploadStatus);
    await page.getByRole('button', { name: 'Kiểm tra lại kết quả' }).click();
    await page.getByRole('heading', { name: ACCEPTED_HEADING }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    await page.close();
  });

  it('offers the blank Appendix 2 template for download, the link’s unit filled in', async () => {
    const { page, requests } = await openPage(stack.inviteLink('546').url);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Tải mẫu Phụ lục 2/ }).click(),
    ]);
    const saved = join(downloadsDir, 'template.xlsx');
    await download.saveAs(saved);
    const template = new ExcelJS.Workbook();
    await template.xlsx.readFile(saved);
    const header = template.worksheets[0]?.getRow(6).values;
    expect(header).toEqual([undefined, 'STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại']);
    expect(template.worksheets[0]?.getCell('A4').value).toBe('Đơn vị cung cấp: UBND huyện Vĩnh Thạnh');
    // Fetched with the token in a header, never in an address.
    const templateRequest = requests.find((request) => new URL(request.url()).pathname === '/api/template');
    expect(templateRequest?.headers().authorization).toMatch(/^Bearer /);
    await page.close();
  });
});
