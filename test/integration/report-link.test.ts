/**
 * A report too large to attach, end to end on the embedded stack: the mail read back from aws-ses-v2-local
 * carries a link to our own origin, the API redirects it to S3 and the exact workbook comes down, for seven
 * days and not a second more; a forged or cut-short link gets a Vietnamese answer, and without a public
 * origin the report fails instead of mailing a dead link.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createMonthlyReportHandler } from '../../functions/monthly-report/app.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { REPORT_LINK_TTL_SECONDS } from '../../shared/report/file-link.js';
import { type ProducedReport, produceReport, type ReportDeps, sendReport } from '../../shared/report/run.js';
import { useLocalStack } from '../support/local-stack.js';

/** 08:00 on 1 September 2021 in Vietnam, when August's report is sent. */
const SENT_AT = new Date('2021-09-01T01:00:00Z');
const LINK_END = new Date(SENT_AT.getTime() + REPORT_LINK_TTL_SECONDS * 1000);
let clock = SENT_AT;
const stackRef = useLocalStack({ now: () => clock });

interface StoredEmail {
  body: { html?: string; text?: string };
  attachments: unknown[];
}

let deps: ReportDeps;
let produced: ProducedReport;
let link: string;

async function inbox(): Promise<StoredEmail[]> {
  const response = await fetch(`${stackRef.current.sesUrl}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

/** The same link with one character of its signature changed. */
function forged(url: string): string {
  const last = url.at(-2) === 'A' ? 'B' : 'A';
  return `${url.slice(0, -2)}${last}${url.at(-1)}`;
}

beforeAll(async () => {
  const stack = stackRef.current;
  await fetch(`${stack.sesUrl}/clear-store`, { method: 'POST' });
  deps = {
    ...reportDepsFrom(stack.deps, loadReportConfig({})),
    now: () => SENT_AT,
    // Any real workbook passes this: the test takes the path a >10 MB report takes on AWS.
    maxMessageBytes: 1000,
  };
  produced = await produceReport(deps, '2021-08');
  await expect(sendReport(deps, '2021-08', { force: false, produced })).resolves.toMatchObject({ outcome: 'sent', attached: false });
  const emails = await inbox();
  expect(emails).toHaveLength(1);
  expect(emails[0]?.attachments).toEqual([]);
  const found = emails[0]?.body.text?.match(/https?:\/\/\S+/)?.[0];
  if (!found) throw new Error('no link in the e-mail');
  link = found;
});

describe('the link in a report too large to attach', () => {
  it('points at our own API, not at S3, and downloads the exact workbook under its report name', async () => {
    expect(link.startsWith(`${stackRef.current.baseUrl}/api/report-files/`)).toBe(true);
    expect(link).not.toMatch(/X-Amz-/);
    const redirect = await fetch(link, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-tai-khoan-cong-dan-2021-08.xlsx"');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(produced.workbook);
  });

  it('still works in the last second of its seven days', async () => {
    clock = new Date(LINK_END.getTime() - 1000);
    try {
      expect((await fetch(link)).status).toBe(200);
    } finally {
      clock = SENT_AT;
    }
  });

  it.each([
    ['expired, seven days on', () => link, LINK_END, 410, 'REPORT_LINK_EXPIRED', 'Đường dẫn tải báo cáo đã hết hạn'],
    ['forged', () => forged(link), SENT_AT, 404, 'REPORT_LINK_INVALID', 'Đường dẫn tải báo cáo không hợp lệ'],
    ['cut short when copied', () => link.slice(0, -6), SENT_AT, 404, 'REPORT_LINK_MALFORMED', 'có thể bị thiếu ký tự khi sao chép'],
  ])('is refused %s, with a Vietnamese page and JSON', async (_name, url, at, status, code, message) => {
    clock = at;
    try {
      const page = await fetch(url(), { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(page.status).toBe(status);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await page.text();
      expect(text).toContain('<html lang="vi">');
      expect(text).toContain(message);
      const json = await fetch(url(), { headers: { accept: 'application/json' }, redirect: 'manual' });
      expect(json.status).toBe(status);
      expect(await json.json()).toEqual({ error: { code, message: expect.stringContaining(message) } });
    } finally {
      clock = SENT_AT;
    }
  });

  it('is never mailed dead: without a public origin the report fails, and the run errors for the alarm', async () => {
    const withoutOrigin: ReportDeps = { ...deps, fileLink: { ...deps.fileLink, publicBaseUrl: null } };
    const before = (await inbox()).length;
    await expect(sendReport(withoutOrigin, '2021-08', { force: true, produced })).rejects.toMatchObject({ name: 'ConfigError' });
    await expect(createMonthlyReportHandler(withoutOrigin)({ period: '2021-07' })).rejects.toMatchObject({ name: 'ConfigError' });
    expect(await inbox()).toHaveLength(before);
  });
});
