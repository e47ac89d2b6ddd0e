/**
 * What the page says once an upload is over, in a real browser against the embedded stack: a cancelled
 * upload, a file refused as a whole, a wrong "Đơn vị cung cấp" line, an accepted roster's printable receipt,
 * an old entry a later file replaced; and a page for each form a link can carry.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITY_STYLE } from '../../shared/workbook/annotate.js';
import { districtPeople, rosterWorkbook, senderLine } from '../support/local-stack.js';
import { SAMPLES } from '../support/samples.js';
import { type Browser, launchBrowser } from './support/browser.js';
import { type E2eStack, startE2eStack } from './support/stack.js';

const VERDICT_TIMEOUT_MS = 30_000;
const REPLACED = 'Đã được thay thế bằng tệp nộp sau';
/** s01 (Vĩnh Thạnh): its ID and phone numbers, which no receipt may show. */
const S01_PERSONAL_DATA = ['052083020001', '0914020001', '052188020002', '0914020002', '052190020003', '0914020003'];

let stack: E2eStack;
let browser: Browser;
let downloadsDir: string;

beforeAll(async () => {
  downloadsDir = await mkdtemp(join(tmpdir(), 'motcua-e2e-outcomes-'));
  stack = await startE2eStack();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (downloadsDir) await rm(downloadsDir, { recursive: true, force: true });
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

async function choose(page: Page, file: string | { name: string; buffer: Buffer }): Promise<void> {
  const chooser = page.getByLabel('Chọn tệp trên máy tính…');
  if (typeof file === 'string') await chooser.setInputFiles(file);
  else await chooser.setInputFiles({ name: file.name, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file.buffer });
}

async function upload(page: Page, file: string | { name: string; buffer: Buffer }): Promise<void> {
  await choose(page, file);
  await page.getByRole('button', { name: 'Tải danh sách lên' }).click();
}

async function roster(sender: string, unit: string, series: number, name: string) {
  return { name, buffer: Buffer.from(await rosterWorkbook(sender, districtPeople(unit, 2, series))) };
}

const historyRow = (page: Page, fileName: string) =>
  page.getByRole('table', { name: 'Các lần tải lên trước' }).getByRole('row').filter({ hasText: fileName });

describe('after an upload', () => {
  it('records an upload the clerk cancelled, and history says "Đã hủy" instead of waiting for ever', async () => {
    const link = stack.inviteLink('547');
    const page = await openPage(link.url);
    // The transfer to S3 never completes, so the clerk has time to cancel it.
    await page.route((url) => url.pathname.startsWith('/motcua-uploads'), () => undefined);
    await upload(page, SAMPLES.s02);
    await page.getByText('Đang tải tệp lên').waitFor();
    await page.getByRole('button', { name: 'Hủy tải lên' }).click();

    await page.getByText('Đã hủy tải lên').waitFor();
    await expect.poll(() => historyRow(page, 's02-tay-son-lon-xon.xlsx').innerText()).toContain('Đã hủy');
    const [listed] = (await stack.listUploads(link.token)).uploads;
    expect(listed).toMatchObject({ status: 'failed', failureCode: 'UPLOAD_CANCELLED' });

    await historyRow(page, 's02-tay-son-lon-xon.xlsx').getByRole('button', { name: 'Xem kết quả' }).click();
    await expect.poll(() => page.locator('#verdict-heading').innerText()).toBe('Đã hủy');
    await page.close();
  });

  it('records a cancel made while the API was still recording the upload', async () => {
    const link = stack.inviteLink('549');
    const page = await openPage(link.url);
    // The API's answer is held until the clerk has clicked "Hủy tải lên".
    let release: () => void = () => undefined;
    const clicked = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => url.pathname === '/api/uploads',
      async (route) => {
        if (route.request().method() === 'POST') await clicked;
        await route.continue();
      },
    );
    await upload(page, SAMPLES.s02);
    await page.getByText('Đang chuẩn bị tải lên').waitFor();
    await page.getByRole('button', { name: 'Hủy tải lên' }).click();
    release();

    await expect.poll(() => historyRow(page, 's02-tay-son-lon-xon.xlsx').innerText().catch(() => '')).toContain('Đã hủy');
    const [listed] = (await stack.listUploads(link.token)).uploads;
    expect(listed).toMatchObject({ status: 'failed', failureCode: 'UPLOAD_CANCELLED' });
    await page.close();
  });

  it('does not offer a marked-up workbook for a file refused as a whole (nothing in it to mark)', async () => {
    const page = await openPage(stack.inviteLink('550').url);
    await upload(page, { name: 'danh-sach.xlsx', buffer: Buffer.from('Đây không phải là bảng tính, chỉ là chữ.') });
    await page.getByRole('heading', { name: /chưa hợp lệ/ }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    expect(await page.getByRole('link', { name: 'Tải tệp đã đánh dấu lỗi' }).isVisible()).toBe(false);
    expect(await page.getByText('các ô có lỗi được tô màu').isVisible()).toBe(false);
    await page.close();
  });

  it('lists a wrong "Đơn vị cung cấp" line with its row, and marks that line in the workbook', async () => {
    const page = await openPage(stack.inviteLink('546').url);
    // Vĩnh Thạnh's link, Phù Cát's sender line.
    await upload(page, await roster(senderLine('548'), '546', 62, 'nham-don-vi.xlsx'));
    await page.getByRole('heading', { name: /chưa hợp lệ/ }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    const senderIssue = page.locator('#issues-body tr').filter({ hasText: 'Đơn vị cung cấp' });
    expect(await senderIssue.locator('td').first().innerText()).toBe('4');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải tệp đã đánh dấu lỗi' }).click(),
    ]);
    const saved = join(downloadsDir, 'nham-don-vi.xlsx');
    await download.saveAs(saved);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(saved);
    const cell = workbook.worksheets[0]?.getCell('A4');
    expect(cell?.fill?.type === 'pattern' ? cell.fill.fgColor?.argb : undefined).toBe(SEVERITY_STYLE.error.fill);
    await page.close();
  });

  it('shows an accepted roster as a receipt: reference number, time, names and units, no ID or phone; it prints alone', async () => {
    const link = stack.inviteLink('546');
    const page = await openPage(link.url);
    await upload(page, SAMPLES.s01);
    await page.getByRole('heading', { name: 'Danh sách đã được chấp nhận: 3 cán bộ' }).waitFor({ timeout: VERDICT_TIMEOUT_MS });

    const receipt = page.locator('#receipt');
    const [accepted] = (await stack.listUploads(link.token)).uploads;
    expect(await receipt.locator('#receipt-number').innerText()).toBe(accepted?.uploadId);
    expect(await receipt.locator('#receipt-time').innerText()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    const rows = await receipt.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
    );
    expect(rows.map(([number, name]) => [number, name])).toEqual([
      ['1', 'Đinh Văn Thạnh'],
      ['2', 'Trần Thị Hảo'],
      ['3', 'Đinh Thị Kim'],
    ]);
    expect(rows[0]?.[2]).toBe('Huyện Vĩnh Thạnh');
    for (const row of rows) expect(row[2]?.length).toBeGreaterThan(3);
    const pageText = await page.locator('body').innerText();
    for (const personal of S01_PERSONAL_DATA) expect(pageText).not.toContain(personal);

    // On a phone the receipt's table becomes cards, with no sideways scrolling.
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ media: 'print' });
    expect(await receipt.isVisible()).toBe(true);
    expect(await page.locator('#upload-form').isVisible()).toBe(false);
    expect(await page.locator('.site-footer').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'In biên nhận' }).isVisible()).toBe(false);
    await page.close();
  });

  it('says an old rejected entry was replaced once a later file was accepted, instead of asking to fix it', async () => {
    const page = await openPage(stack.inviteLink('544').url);
    await upload(page, SAMPLES.s03);
    await page.getByRole('heading', { name: /chưa hợp lệ/ }).waitFor({ timeout: VERDICT_TIMEOUT_MS });
    await upload(page, await roster(senderLine('544'), '544', 63, 'hoai-an-da-sua.xlsx'));
    await page.getByRole('heading', { name: 'Danh sách đã được chấp nhận: 2 cán bộ' }).waitFor({ timeout: VERDICT_TIMEOUT_MS });

    const old = historyRow(page, 's03-hoai-an-co-loi.xlsx');
    await expect.poll(() => old.innerText()).toContain(REPLACED);
    expect(await historyRow(page, 'hoai-an-da-sua.xlsx').innerText()).toContain('Đã chấp nhận');
    await old.getByRole('button', { name: 'Xem kết quả' }).click();
    await expect.poll(() => page.locator('#verdict-heading').innerText()).toBe(REPLACED);
    // Its issues stay listed for reference, but nothing asks the clerk to fix and upload it again.
    const asks = `${await page.locator('#verdict-heading').innerText()} ${await page.locator('#verdict-detail').innerText()} ${await page.locator('#issues-heading').innerText()}`;
    expect(asks).not.toMatch(/vui lòng sửa|rồi tải lên lại|lỗi cần sửa/i);
    expect(await page.getByRole('link', { name: 'Tải tệp đã đánh dấu lỗi' }).isVisible()).toBe(false);
    await page.close();
  });
});

/** The header row (row 6) of a blank form, as text. */
function headerOf(sheet: ExcelJS.Worksheet | undefined): unknown[] {
  return ((sheet?.getRow(6).values as unknown[] | undefined) ?? []).slice(1);
}

describe('a page for each form', () => {
  async function downloadTemplate(page: Page, name: RegExp): Promise<ExcelJS.Worksheet | undefined> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    const saved = join(downloadsDir, download.suggestedFilename());
    await download.saveAs(saved);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(saved);
    return workbook.worksheets[0];
  }

  it('a unit’s results link: the month in the title, the replacement rule, the month’s blank form', async () => {
    const page = await openPage(stack.inviteLink('548', { form: 'results', period: '2021-07' }).url);
    await page.getByRole('heading', { name: 'Tải lên kết quả hỗ trợ tạo tài khoản công dân' }).waitFor();
    await page.getByText('Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021').waitFor();
    await page
      .getByText(
        'Tệp được chấp nhận sau sẽ thay thế tệp trước của cùng đơn vị và cùng tháng; nếu Trung tâm và đơn vị cùng báo cáo một cán bộ trong tháng, số liệu của Trung tâm được dùng.',
      )
      .waitFor();
    const sheet = await downloadTemplate(page, /Tải mẫu kết quả tháng 07\/2021/);
    expect(sheet?.getCell('A1').value).toBe('Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021');
    expect(sheet?.getCell('A4').value).toBe('Đơn vị cung cấp: UBND huyện Phù Cát');
    expect(headerOf(sheet)).toEqual(['STT', 'Họ và tên', 'CMND/CCCD', 'Số điện thoại', 'Số tài khoản đã tạo']);
    // The clerk sends results, not a roster: the upload card and its button say so.
    expect(await page.locator('#upload-heading').innerText()).toBe('Tải kết quả lên');
    expect(await page.getByRole('button', { name: 'Tải kết quả lên' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Tải kết quả lên' }).click();
    await expect.poll(() => page.locator('#file-error').innerText()).toBe('Vui lòng chọn tệp trước khi bấm “Tải kết quả lên”.');
    await page.close();
  });

  it('the centre’s grants link: named as the centre, the grants list to fill in', async () => {
    const page = await openPage(stack.inviteLink('ttpvhcc', { form: 'grants' }).url);
    await page.getByRole('heading', { name: 'Tải lên danh sách cán bộ đã được phân quyền' }).waitFor();
    expect(await page.locator('#unit-name').innerText()).toBe('Trung tâm Phục vụ hành chính công tỉnh');
    const sheet = await downloadTemplate(page, /Tải mẫu danh sách phân quyền/);
    expect(headerOf(sheet)).toEqual(['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại', 'Ngày phân quyền']);
    expect(await page.getByRole('button', { name: 'Tải danh sách phân quyền lên' }).isVisible()).toBe(true);
    await page.close();
  });

  it('names whom to call in the footer, from configuration, even when the link is bad', async () => {
    const page = await openPage(`${stack.baseUrl}/u/not-a-token`);
    await expect.poll(() => page.locator('#support').innerText()).toBe('Cần hỗ trợ? Liên hệ Trung tâm Phục vụ hành chính công tỉnh Bình Định.');
    await page.close();
  });
});
