/**
 * One catalogue, every surface, in a real browser: the upload page and the dashboard load the messages they
 * share with the API, the validator and the CLI from one served file (web/static/messages.js, under the
 * page's CSP), and a clerk or a member of staff reads, word for word, what the other surfaces say.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS, apiErrorMessage } from '../../functions/api/errors.js';
import { MESSAGES_SCRIPT_PATH } from '../../scripts/build-messages.js';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/config.js';
import { ISSUES } from '../../shared/issues.js';
import { fillMessage, MESSAGES } from '../../shared/messages.js';
import { COLUMN_LABELS } from '../../shared/workbook/annotate.js';
import { type LocalStack, startTestStack } from '../support/local-stack.js';
import { SAMPLES } from '../support/samples.js';
import { signInBrowser } from './support/admin-session.js';
import { type Browser, launchBrowser } from './support/browser.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const WAIT = { timeout: 20_000, interval: 200 };
const UPLOAD_ACTION = 'Tải danh sách lên';
const GRANTS_ACTION = 'Gửi tệp ngày phân quyền';

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ admin: { centreEmails: [STAFF] } });
  browser = await launchBrowser({ timezoneId: 'Asia/Ho_Chi_Minh' });
  await signInBrowser(stack, browser, STAFF);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

declare global {
  interface Window {
    MOTCUA_MESSAGES?: unknown;
    MOTCUA_COLUMN_LABELS?: unknown;
  }
}

async function uploadPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(stack.inviteLink('546'));
  await expect.poll(() => page.getByText('Huyện Vĩnh Thạnh').isVisible(), WAIT).toBe(true);
  return page;
}

async function grantsView(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${stack.baseUrl}/admin`);
  await page.getByRole('button', { name: 'Danh sách cán bộ', exact: true }).click();
  await page.locator('#grants-send').waitFor(WAIT);
  return page;
}

/** What S3 answers a refused POST with: an XML document whose <Code> says why. */
const s3Refusal = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

describe('the served catalogue', () => {
  it('is the committed file, as JavaScript, from the pages’ own origin', async () => {
    const response = await fetch(`${stack.baseUrl}/static/messages.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(await response.text()).toBe(readFileSync(MESSAGES_SCRIPT_PATH, 'utf8'));
  });

  it.each([
    ['the upload page', uploadPage],
    ['the dashboard', grantsView],
  ])('%s runs with exactly the catalogue', async (_surface, open) => {
    const page = await open();
    expect(await page.evaluate(() => window.MOTCUA_MESSAGES)).toEqual(MESSAGES);
    expect(await page.evaluate(() => window.MOTCUA_COLUMN_LABELS)).toEqual(COLUMN_LABELS);
    await page.close();
  });
});

describe('the upload page says what the validator and the API say', () => {
  it.each([
    ['an old Excel file', 'danh-sach.xls', 1_000, ISSUES.FILE_XLS_FORMAT.message()],
    ['a Word document', 'cong-van.doc', 1_000, ISSUES.FILE_WORD_DOCUMENT.message()],
    ['an OpenDocument sheet', 'danh-sach.ods', 1_000, ISSUES.FILE_ODS_FORMAT.message()],
    ['a PDF', 'danh-sach.pdf', 1_000, API_ERRORS.UNSUPPORTED_TYPE.message],
    ['an empty file', 'danh-sach.xlsx', 0, API_ERRORS.FILE_EMPTY.message],
    [
      'a file over the limit',
      'danh-sach.xlsx',
      DEFAULT_MAX_UPLOAD_BYTES + 1,
      apiErrorMessage('FILE_TOO_LARGE', { maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES }),
    ],
  ])('for %s', async (_what, name, size, expected) => {
    const page = await uploadPage();
    await page.getByLabel('Chọn tệp trên máy tính…').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(size, 0x41) });
    await expect.poll(() => page.locator('#file-error').innerText(), WAIT).toBe(expected);
    await page.close();
  });
});

describe('the upload page and the dashboard explain the same storage refusals in the same words', () => {
  const send = {
    'the upload page': async () => {
      const page = await uploadPage();
      return {
        page,
        error: page.locator('#file-error'),
        action: UPLOAD_ACTION,
        send: async (file?: string) => {
          if (file) await page.getByLabel('Chọn tệp trên máy tính…').setInputFiles(file);
          await page.getByRole('button', { name: UPLOAD_ACTION }).click();
        },
      };
    },
    'the dashboard': async () => {
      const page = await grantsView();
      return {
        page,
        error: page.locator('#error'),
        action: GRANTS_ACTION,
        send: async (file?: string) => {
          if (file) await page.locator('#grants-file').setInputFiles(file);
          await page.locator('#grants-send').click();
        },
      };
    },
  } as const;
  const surfaces = Object.keys(send) as (keyof typeof send)[];

  it.each(surfaces)('%s: no file chosen', async (surface) => {
    const { page, error, action, send: sendFile } = await send[surface]();
    await sendFile();
    await expect.poll(() => error.innerText(), WAIT).toBe(fillMessage('NO_FILE', { action }));
    await page.close();
  });

  // S3 refusing a POST the API signed is a fault the emulators do not produce on demand: it is injected.
  it.each(
    surfaces.flatMap((surface) => [
      [surface, 'a POST that expired on a slow link', 403, s3Refusal('AccessDenied', 'Request has expired'), (action: string) => fillMessage('UPLOAD_EXPIRED', { action })],
      [surface, 'a file larger than the policy allows', 400, s3Refusal('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'), () => fillMessage('FILE_TOO_LARGE', { limit: '5 MB' })],
      [surface, 'an empty file', 400, s3Refusal('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size'), () => MESSAGES.FILE_EMPTY],
      [surface, 'any other refusal', 403, s3Refusal('AccessDenied', 'Access Denied'), () => MESSAGES.STORAGE_REFUSED],
    ] as const),
  )('%s: %s', async (surface, _what, status, body, expected) => {
    const { page, error, action, send: sendFile } = await send[surface]();
    await page.route(`${stack.s3Url}/**`, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status, contentType: 'application/xml', headers: { 'Access-Control-Allow-Origin': stack.baseUrl }, body })
        : route.continue(),
    );
    await sendFile(SAMPLES.s01);
    await expect.poll(() => error.innerText(), WAIT).toBe(expected(action));
    await page.close();
  });
});
