/**
 * A clerk whose transfer broke off (closed tab, cut line): the upload was announced to the API but the file
 * never reached S3. An hour later the page must say so and ask for the file again, not wait for ever.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Browser, launchBrowser } from './support/browser.js';
import { type E2eStack, startE2eStack } from './support/stack.js';

let clock = Date.now();
let stack: E2eStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startE2eStack({ now: () => new Date(clock) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it('an upload whose file never arrived reads as "not received", with a request to upload again', async () => {
  const invite = stack.inviteLink('546');
  const announced = await fetch(`${stack.baseUrl}/api/uploads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: invite.token, fileName: 'danh-sach.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 7000 }),
  });
  expect(announced.status).toBe(201);
  clock += 61 * 60_000;

  const page = await browser.context.newPage();
  await page.goto(invite.url);
  const history = page.getByRole('region', { name: 'Các lần tải lên trước' });
  const row = history.getByRole('row').filter({ hasText: 'danh-sach.xlsx' });
  await expect.poll(() => row.innerText()).toContain('Chưa kiểm tra được');
  await row.getByRole('button', { name: 'Xem kết quả' }).click();
  await expect.poll(() => page.locator('#verdict-heading').innerText()).toBe('Hệ thống chưa nhận được tệp này');
  expect(await page.locator('#verdict').innerText()).toContain('Vui lòng tải tệp lên lại');
  await page.close();
});
