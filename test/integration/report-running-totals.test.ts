/**
 * The report's running totals on the embedded stack: a kept month reads two months' figures, not every month
 * since July 2021; a replaced or late file in a past month moves the totals of every month from it on and
 * reads only that file again; the month in progress is computed live on top of the last kept month. How the
 * month's first report derives rosters from the month before: report-derivation.test.ts.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { type ReportDeps, produceReport } from '../../shared/report/run.js';
import { createReportStore, type ReportStore } from '../../shared/store/reports.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { useLocalStack } from '../support/local-stack.js';
import { recordRequests, reportDataWriter, type SeenRequest } from '../support/report-data.js';
import {
  AUGUST_CENTRE,
  entry,
  GRANTS,
  JULY_CENTRE,
  JULY_PHU_CAT,
  JULY_VINH_THANH,
  NGO_MAY,
  NOI_VU,
  PHU_CAT,
  ROSTERS,
  TT_VINH_THANH,
  VINH_THANH,
} from '../unit/report/fixtures.js';

/** 08:00 on 1 October 2021 in Vietnam: July, August and September have ended, October is in progress. */
const NOW = new Date('2021-10-01T01:00:00Z');
const stackRef = useLocalStack({ now: () => NOW });
const { deliveryOf, writeRoster, writeResults: writeResultsFile } = reportDataWriter(() => stackRef.current, NOW);
/** As the intake does: the rows of the file it replaced go. */
const writeResults = (...[period, scope, versionId, receivedAt, entries]: Parameters<typeof writeResultsFile>) =>
  writeResultsFile(period, scope, versionId, receivedAt, entries, { deleteReplaced: true });

let deps: ReportDeps;
let reports: ReportStore;
/** Every DynamoDB request of the report, with the partition a Query read. */
let requests: SeenRequest[];




const unitOf = (report: Awaited<ReturnType<typeof produceReport>>['report'], code: string) => {
  const found = report.units.find((u) => u.unitCode === code);
  if (!found) throw new Error(`no unit ${code}`);
  return found;
};
const resultsRowsRead = () => requests.filter((r) => r.command === 'QueryCommand' && r.pk?.startsWith('RESULTS#')).map((r) => r.pk);

beforeAll(async () => {
  const stack = stackRef.current;
  for (const roster of ROSTERS) await writeRoster(roster.unit, `r-${roster.unit}`, roster.firstReceivedAt ?? NOW.toISOString(), roster.officials);
  for (const grant of GRANTS) {
    await stack.deps.grants.recordGrants([{ idHash: grant.idHash, grantedAt: grant.grantedAt }], { ...deliveryOf(grant.recordedAt), source: 'test' });
  }
  await writeResults('2021-07', CENTRE_UNIT, 'c-jul', '2021-08-02T02:00:00.000Z', JULY_CENTRE);
  await writeResults('2021-07', PHU_CAT, 'pc-jul', '2021-08-04T02:00:00.000Z', JULY_PHU_CAT);
  await writeResults('2021-07', VINH_THANH, 'vt-jul-2', '2021-08-03T05:00:00.000Z', JULY_VINH_THANH);
  await writeResults('2021-08', CENTRE_UNIT, 'c-aug', '2021-09-07T02:00:00.000Z', AUGUST_CENTRE);
  await writeResults('2021-09', CENTRE_UNIT, 'c-sep', '2021-10-02T02:00:00.000Z', [entry(7, 'p1', 2, PHU_CAT, NGO_MAY)]);

  requests = recordRequests(stack, 'recordReportRequests');
  deps = { ...reportDepsFrom(stack.deps, loadReportConfig({})), now: () => NOW };
  reports = createReportStore({ doc: stack.clients.doc, tableName: stack.tableName });
});

describe('running totals kept with each month', () => {
  it('reads two months’ kept figures for a kept month, whatever the number of months before it', async () => {
    const first = await produceReport(deps, '2021-09');
    expect(unitOf(first.report, PHU_CAT)).toMatchObject({ accountsCreated: 2, previousMonth: 21, cumulative: 42 });
    expect(first.report.totals).toMatchObject({ accountsCreated: 2, cumulative: 58 });

    requests.length = 0;
    const kept = await produceReport(deps, '2021-09');
    expect(kept.report.units).toEqual(first.report.units);
    expect(kept.report.totals).toEqual(first.report.totals);
    // The frozen rosters, each month's pointers (3), the kept totals of September and August: no file read again.
    expect(requests.map((r) => r.command).sort()).toEqual(Array(1 + 3 + 2).fill('QueryCommand'));
    expect(resultsRowsRead()).toEqual([]);
  });

  it('keeps a month of figures in a few items, not one per unit', async () => {
    const stack = stackRef.current;
    const items = await stack.clients.doc.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'PERIOD#2021-09', ':prefix': 'TOTALS' },
      }),
    );
    // The header and one block of units (no unattributed rows in September).
    expect(items.Count).toBe(2);
    const september = await reports.getMonthTotals('2021-09');
    expect(september?.cumulative.units[PHU_CAT]).toEqual({ accountsCreated: 42, byWorkUnit: { [NGO_MAY]: 35, '21856': 7 } });
  });

  it('moves every later month’s cumulative when a past month’s file is replaced, reading only that month’s files', async () => {
    await writeResults('2021-07', VINH_THANH, 'vt-jul-3', '2021-09-20T02:00:00.000Z', [
      entry(7, 'v1', 3, VINH_THANH, TT_VINH_THANH),
      entry(8, 'v2', 3, VINH_THANH, TT_VINH_THANH),
    ]);
    requests.length = 0;
    const september = await produceReport(deps, '2021-09');
    expect(unitOf(september.report, VINH_THANH)).toMatchObject({ accountsCreated: 0, cumulative: 6 });
    expect(unitOf(september.report, VINH_THANH).communes.find((c) => c.unitCode === TT_VINH_THANH)).toMatchObject({ cumulative: 6 });
    expect(september.report.totals).toMatchObject({ accountsCreated: 2, cumulative: 54 });
    // July is recomputed from its current files (the centre's figure wins over a unit's across files); August
    // and September keep their own figures and only add them to the new totals.
    expect(resultsRowsRead().sort()).toEqual(['RESULTS#2021-07#546#vt-jul-3', 'RESULTS#2021-07#548#pc-jul', 'RESULTS#2021-07#ttpvhcc#c-jul']);

    // August was recomputed with it and kept: reported again, it reads no file and shows the new total.
    requests.length = 0;
    const august = await produceReport(deps, '2021-08');
    expect(unitOf(august.report, VINH_THANH)).toMatchObject({ previousMonth: 6, cumulative: 6 });
    expect(resultsRowsRead()).toEqual([]);
  });

  it('counts a late file for a past month in that month and every later total', async () => {
    await writeResults('2021-08', NOI_VU, 'nv-aug', '2021-09-25T02:00:00.000Z', [entry(7, 'n1', 4, NOI_VU, NOI_VU)]);
    requests.length = 0;
    const { report } = await produceReport(deps, '2021-09');
    expect(unitOf(report, NOI_VU)).toMatchObject({ accountsCreated: 0, previousMonth: 4, change: -4, cumulative: 4 });
    expect(report.totals).toMatchObject({ previousMonth: 25, cumulative: 58 });
    expect(resultsRowsRead().sort()).toEqual(['RESULTS#2021-08#so-noi-vu#nv-aug', 'RESULTS#2021-08#ttpvhcc#c-aug']);
  });

  it('computes the month in progress live on top of the last kept month, and keeps nothing for it', async () => {
    const before = await produceReport(deps, '2021-10');
    expect(before.report).toMatchObject({ provisional: true });
    expect(unitOf(before.report, PHU_CAT)).toMatchObject({ accountsCreated: 0, previousMonth: 2, cumulative: 42 });
    await writeResults('2021-10', CENTRE_UNIT, 'c-oct', '2021-10-01T00:30:00.000Z', [entry(7, 'p2', 5, PHU_CAT, NGO_MAY)]);
    const after = await produceReport(deps, '2021-10');
    expect(unitOf(after.report, PHU_CAT)).toMatchObject({ accountsCreated: 5, cumulative: 47 });
    expect(await reports.getMonthTotals('2021-10')).toBeUndefined();
  });

  it('still reads a month frozen one item per unit, as before the packed snapshots', async () => {
    const { doc } = stackRef.current.clients;
    const put = (item: Record<string, unknown>) =>
      doc.send(new PutCommand({ TableName: stackRef.current.tableName, Item: { pk: 'PERIOD#2021-06', ...item } }));
    await put({ sk: 'SNAPSHOT', type: 'report-snapshot-header', period: '2021-06', unitCount: 1, frozenAt: NOW.toISOString() });
    await put({
      sk: `SNAPSHOT#${PHU_CAT}`,
      type: 'report-snapshot',
      period: '2021-06',
      unit: PHU_CAT,
      officials: 7,
      granted: 2,
      grantedOnTime: 2,
      rosterFirstReceivedAt: '2021-06-20T03:00:00.000Z',
      byWorkUnit: { [NGO_MAY]: { officials: 7, granted: 2 } },
    });
    const { report } = await produceReport(deps, '2021-06');
    expect(unitOf(report, PHU_CAT)).toMatchObject({ officials: 7, granted: 2 });
    expect(report.totals.officials).toBe(7);
  });
});
