/**
 * The monthly report on the embedded stack: rosters, grants and results written through the real store
 * modules, the report read back with Queries only, the e-mail read back from aws-ses-v2-local's store with
 * its workbook opened by exceljs, and the once-per-month rule (a repeated run, `force`, a failing SES).
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMonthlyReportHandler } from '../../functions/monthly-report/app.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { type ReportDeps, produceReport, sendReport } from '../../shared/report/run.js';
import { REPORT_SHEETS } from '../../shared/report/workbook.js';
import { createReportStore } from '../../shared/store/reports.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { AUGUST_CENTRE, GRANTS, JULY_CENTRE, JULY_PHU_CAT, JULY_VINH_THANH, PHU_CAT, ROSTERS, VINH_THANH, entry } from '../unit/report/fixtures.js';
import { useLocalStack } from '../support/local-stack.js';
import { reportDataWriter } from '../support/report-data.js';

const SENDER = 'bao-cao@ttpvhcc.binhdinh.gov.vn';
const RECIPIENTS = ['chanh-van-phong@binhdinh.gov.vn', 'pho-chu-tich@binhdinh.gov.vn'];
/** 08:00 on 1 September 2021 in Vietnam: July and August have ended. */
const NOW = new Date('2021-09-01T01:00:00Z');
// The stack's API shares the report's clock: the 7-day link a report of NOW carries is judged at NOW.
const stackRef = useLocalStack({ now: () => NOW });
const { deliveryOf, writeRoster, writeResults } = reportDataWriter(() => stackRef.current, NOW);

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { html?: string; text?: string };
  attachments: { filename?: string; contentType: string; content: string }[];
}

async function inbox(): Promise<StoredEmail[]> {
  const response = await fetch(`${stackRef.current.sesUrl}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

let deps: ReportDeps;
let commands: string[];




beforeAll(async () => {
  const stack = stackRef.current;
  for (const roster of ROSTERS) {
    await writeRoster(roster.unit, `r-${roster.unit}`, roster.firstReceivedAt ?? NOW.toISOString(), roster.officials);
  }
  for (const grant of GRANTS) {
    await stack.deps.grants.recordGrants([{ idHash: grant.idHash, grantedAt: grant.grantedAt }], { ...deliveryOf(grant.recordedAt), source: 'test' });
  }
  await writeResults('2021-07', CENTRE_UNIT, 'c-jul', '2021-08-02T02:00:00.000Z', JULY_CENTRE);
  await writeResults('2021-07', PHU_CAT, 'pc-jul', '2021-08-04T02:00:00.000Z', JULY_PHU_CAT);
  // Vĩnh Thạnh sent 1 + 1 first, then a corrected file: only the correction counts.
  await writeResults('2021-07', VINH_THANH, 'vt-jul-1', '2021-08-03T02:00:00.000Z', [entry(7, 'v1', 1, VINH_THANH, null), entry(8, 'v2', 1, VINH_THANH, null)]);
  await writeResults('2021-07', VINH_THANH, 'vt-jul-2', '2021-08-03T05:00:00.000Z', JULY_VINH_THANH);
  await writeResults('2021-08', CENTRE_UNIT, 'c-aug', '2021-09-07T02:00:00.000Z', AUGUST_CENTRE);

  commands = [];
  stack.clients.doc.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countReportCommands' },
  );
  deps = {
    ...reportDepsFrom(stack.deps, loadReportConfig({ REPORT_SENDER: SENDER, REPORT_RECIPIENTS: RECIPIENTS.join(',') })),
    now: () => NOW,
  };
  await fetch(`${stack.sesUrl}/clear-store`, { method: 'POST' });
});

describe('the report over data written through the store', () => {
  it('equals the sums of the files that went in, read with Queries only', async () => {
    commands.length = 0;
    const { report } = await produceReport(deps, '2021-07');
    expect(report.totals).toMatchObject({ officials: 6, granted: 4, accountsCreated: 35, cumulative: 35 });
    const byUnit = Object.fromEntries(report.units.map((u) => [u.unitCode, u]));
    expect(byUnit[PHU_CAT]).toMatchObject({ accountsCreated: 19, rosterStatus: 'on-time', resultsStatus: 'on-time' });
    expect(byUnit[VINH_THANH]).toMatchObject({ accountsCreated: 10, rosterStatus: 'late', resultsStatus: 'on-time' });
    expect(report.unattributed).toMatchObject({ officials: 1, accountsCreated: 6 });
    expect(commands).toContain('QueryCommand');
    expect(commands).not.toContain('ScanCommand');
  });

  it('keeps an ended month as it was when rosters change later, while the month in progress moves', async () => {
    await produceReport(deps, '2021-08');
    await writeRoster(PHU_CAT, 'r-548-b', '2021-09-01T00:30:00.000Z', [...(ROSTERS[0]?.officials ?? []), { idHash: 'id-p4', workUnitCode: PHU_CAT }]);
    const august = await produceReport(deps, '2021-08');
    expect(august.report.units.find((u) => u.unitCode === PHU_CAT)).toMatchObject({ officials: 3, accountsCreated: 21, cumulative: 40 });
    expect(august.report.totals).toMatchObject({ accountsCreated: 21, previousMonth: 35, change: -14 });
    // Reported again, an ended month costs one Query for its rosters, one per month since July for its results
    // pointers, and one for each of its own and the previous month's kept figures (with their running totals).
    commands.length = 0;
    await produceReport(deps, '2021-08');
    expect(commands.filter((c) => c === 'QueryCommand')).toHaveLength(1 + 2 + 2);
    const september = await produceReport(deps, '2021-09');
    expect(september.report).toMatchObject({ provisional: true, provisionalNote: 'số liệu tạm tính' });
    expect(september.report.units.find((u) => u.unitCode === PHU_CAT)?.officials).toBe(4);
  });

  it('picks up a results file that arrives after the month was first reported', async () => {
    await writeResults('2021-08', VINH_THANH, 'vt-aug', '2021-09-05T02:00:00.000Z', [entry(7, 'v1', 3, VINH_THANH, null)]);
    const { report } = await produceReport(deps, '2021-08');
    expect(report.units.find((u) => u.unitCode === VINH_THANH)).toMatchObject({ accountsCreated: 3, resultsStatus: 'on-time' });
    expect(report.totals.accountsCreated).toBe(24);
  });
});

describe('the report e-mail', () => {
  it('arrives once in the SES inbox, in Vietnamese, with the workbook whose totals are the report’s', async () => {
    const handler = createMonthlyReportHandler(deps);
    // The scheduled run at 08:00 on 1 August (Vietnam) reports on July; its retry changes nothing.
    const first = await handler({ scheduledTime: '2021-08-01T01:00:00Z' });
    const second = await handler({ scheduledTime: '2021-08-01T01:00:00Z' });
    expect(first).toMatchObject({ period: '2021-07', outcome: 'sent' });
    expect(second).toMatchObject({ period: '2021-07', outcome: 'already-sent', messageId: first.messageId });

    const emails = await inbox();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    if (!email) throw new Error('no e-mail');
    expect(email.subject).toBe('Báo cáo kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021');
    expect(email.destination.to.join(', ').split(/,\s*/)).toEqual(RECIPIENTS);
    expect(email.body.text).toContain('Số tài khoản công dân tạo trong tháng: 35');
    expect(email.body.text).toContain('Chưa báo cáo số liệu tháng');
    expect(email.body.html).toContain('Huyện Phù Cát');
    expect(email.body.html).not.toMatch(/<img|https?:\/\/(?!www\.w3)/);
    for (const body of [email.body.text ?? '', email.body.html ?? '']) {
      expect(body).not.toMatch(/05208900\d{4}|036643\d{4}/);
    }
    const [attachment] = email.attachments;
    expect(attachment).toMatchObject({ filename: 'bao-cao-tai-khoan-cong-dan-2021-07.xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(attachment?.content ?? '', 'base64') as unknown as ArrayBuffer);
    const total = workbook.getWorksheet(REPORT_SHEETS.summary)?.getRow(9).values as unknown[];
    expect(total.slice(2, 9)).toEqual(['Toàn tỉnh', 6, 4, 35, undefined, undefined, 35]);
  });

  it('sends again only when forced, and says so', async () => {
    const before = (await inbox()).length;
    const forced = await sendReport(deps, '2021-07', { force: true });
    expect(forced).toMatchObject({ outcome: 'sent', forced: true });
    expect(await inbox()).toHaveLength(before + 1);
    const mark = await createReportStore({ doc: stackRef.current.clients.doc, tableName: stackRef.current.tableName }).getSendMark('2021-07');
    expect(mark).toMatchObject({ state: 'sent', sendCount: 2 });
  });

  it('retries a throttled SES with the SDK’s backoff and sends one e-mail', async () => {
    const before = (await inbox()).length;
    let attempts = 0;
    const ses = stackRef.current.clients.ses;
    const name = 'injectThrottling';
    ses.middlewareStack.add(
      (next) => async (args) => {
        attempts += 1;
        if (attempts <= 2) throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
        return next(args);
      },
      { step: 'deserialize', name },
    );
    try {
      await expect(sendReport(deps, '2021-08', { force: false })).resolves.toMatchObject({ outcome: 'sent' });
    } finally {
      ses.middlewareStack.remove(name);
    }
    expect(attempts).toBe(3);
    expect(await inbox()).toHaveLength(before + 1);
  });

  it('fails loudly when SES refuses, gives the month back, and the next run sends it', async () => {
    const before = (await inbox()).length;
    const ses = stackRef.current.clients.ses;
    const name = 'injectRejection';
    ses.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } });
      },
      { step: 'deserialize', name },
    );
    const handler = createMonthlyReportHandler(deps);
    try {
      await expect(handler({ period: '2021-09' })).rejects.toMatchObject({ name: 'DependencyError' });
    } finally {
      ses.middlewareStack.remove(name);
    }
    expect(await inbox()).toHaveLength(before);
    await expect(handler({ period: '2021-09' })).resolves.toMatchObject({ outcome: 'sent' });
    expect(await inbox()).toHaveLength(before + 1);
  });

  it('links the workbook, stored under reports/, through our own origin for seven days, when attaching it would pass the size limit', async () => {
    const linked = await sendReport({ ...deps, maxMessageBytes: 1000 }, '2021-08', { force: true });
    expect(linked).toMatchObject({ outcome: 'sent', attached: false });
    const email = (await inbox()).at(-1);
    expect(email?.attachments).toEqual([]);
    const url = email?.body.text?.match(/https?:\/\/\S+/)?.[0];
    if (!url) throw new Error('no link in the e-mail');
    // The mail's link is the page's origin, signed by us; it redirects to a short-lived GET of the object.
    expect(url.startsWith(`${stackRef.current.baseUrl}/api/report-files/`)).toBe(true);
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location') ?? '');
    expect(location.pathname).toMatch(/\/reports\/2021-08\/[a-z0-9]+-bao-cao-tai-khoan-cong-dan-2021-08\.xlsx$/);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    const download = await fetch(location);
    expect(download.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await download.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet(REPORT_SHEETS.summary)?.getCell('B9').value).toBe('Toàn tỉnh');
  });
});
