/**
 * The month's first report on the embedded stack derives each unit's roster figures from the month before's
 * frozen snapshot and counts again only the units changed since: a roster flipped, an earlier first receipt,
 * a grants file naming one of the unit's officials, a grant dated in the month. Every derived month is
 * checked against counting every roster from scratch, and the requests show what was read.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestGrants } from '../../shared/pipeline/ingest-grants.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { loadReportData } from '../../shared/report/load.js';
import { produceReport, type ReportDeps } from '../../shared/report/run.js';
import type { ReportStore } from '../../shared/store/reports.js';
import { objectOrderKey } from '../../shared/store/store.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import type { GrantsVerdict } from '../../shared/validate-grants.js';
import { useLocalStack } from '../support/local-stack.js';
import { recordRequests, reportDataWriter, type SeenRequest } from '../support/report-data.js';
import { NGO_MAY, NOI_VU, PHU_CAT, TT_VINH_THANH, VINH_THANH } from '../unit/report/fixtures.js';

let clock = new Date('2021-06-20T03:00:00Z');
const stackRef = useLocalStack({ now: () => clock });
let deps: ReportDeps;
/** Every DynamoDB request, with the partition (or index partition) a Query read. */
let requests: SeenRequest[] = [];

/** Officials with ID numbers of their own per unit, so a grants file finds each on exactly one roster. */
const people = (series: number, count: number, workUnitCode: string) =>
  Array.from({ length: count }, (_, index) => ({ idNumber: `0520890${series}${String(index).padStart(4, '0')}`, workUnitCode }));
const PHU_CAT_PEOPLE = people(1, 3, NGO_MAY);
const VINH_THANH_PEOPLE = people(2, 2, TT_VINH_THANH);
const NOI_VU_PEOPLE = people(3, 1, NOI_VU);

const { writeRoster: writePeople } = reportDataWriter(() => stackRef.current, () => clock);
/** A roster version written and flipped at `clock`, received by S3 at `receivedAt`, as process-upload does. */
const writeRoster = (unit: string, versionId: string, receivedAt: string, officials: readonly { idNumber: string; workUnitCode: string }[]) =>
  writePeople(unit, versionId, receivedAt, officials.map((official) => ({ ...official, idHash: stackRef.current.deps.hashPersonId(official.idNumber) })));

/** A grants file of these officials (all dated `grantedAt`) through the intake's own ingestion, at `clock`. */
async function ingestGrantsFile(officials: readonly { idNumber: string }[], grantedAt: string) {
  const verdict: GrantsVerdict = {
    form: 'grants',
    unit: CENTRE_UNIT,
    accepted: true,
    rows: officials.map((official, index) => ({ row: index + 7, name: null, unit: null, idNumber: official.idNumber, phone: null, grantedAt, ok: true })),
    issues: [],
    skipped: [],
  };
  const outcome = await ingestGrants(stackRef.current.deps, verdict, { orderKey: objectOrderKey(clock, '0B'), receivedAt: clock, uploadId: `g-${clock.getTime()}` });
  expect(outcome).toMatchObject({ accepted: true, recorded: officials.length });
}

/** The report of an ended month at `at` (08:00 on the 1st of the next month, in Vietnam, as scheduled). */
async function reportAt(period: string, at: string) {
  clock = new Date(at);
  requests.length = 0;
  return (await produceReport({ ...deps, now: () => clock }, period)).report;
}

/**
 * The month's rosters as the report keeps them equal the same rosters counted from scratch (through a store
 * view in which no month was ever frozen, and that writes nothing).
 */
async function expectSameAsCountedFromScratch(period: string) {
  const deadlines = { roster: deps.rosterDeadline, grants: deps.config.grantsDeadline, resultsDay: deps.config.resultsDueDay };
  const kept = await loadReportData(deps.source, deps.reports, { period, now: clock, deadlines });
  expect(kept.rostersFrozen).toBe(true);
  const view: ReportStore = { ...deps.reports, getFrozenRosters: async () => undefined, putFrozenRosters: async () => undefined, putMonthTotals: async () => undefined };
  expect(kept.rosters).toEqual((await loadReportData(deps.source, view, { period, now: clock, deadlines })).rosters);
}

const unitOf = (report: Awaited<ReturnType<typeof reportAt>>, code: string) => {
  const found = report.units.find((u) => u.unitCode === code);
  if (!found) throw new Error(`no unit ${code}`);
  return found;
};
const rosterRowsRead = () => requests.filter((r) => r.command === 'QueryCommand' && r.pk?.startsWith('ROSTER#')).map((r) => r.pk);
const grantsRead = () => requests.filter((r) => r.command === 'BatchGetItemCommand' || r.pk === 'GRANTS').length;
const everyPointerRead = () => requests.some((r) => r.pk === 'ROSTERS');

beforeAll(async () => {
  const stack = stackRef.current;
  await writeRoster(PHU_CAT, 'pc-1', '2021-06-20T03:00:00.000Z', PHU_CAT_PEOPLE);
  await writeRoster(VINH_THANH, 'vt-1', '2021-06-27T03:00:00.000Z', VINH_THANH_PEOPLE);
  await writeRoster(NOI_VU, 'nv-1', '2021-06-24T03:00:00.000Z', NOI_VU_PEOPLE);
  const { grants, hashPersonId } = stack.deps;
  const source = { orderKey: objectOrderKey(clock, '01'), receivedAt: clock, source: 'test' };
  await grants.recordGrants(
    [
      ...PHU_CAT_PEOPLE.map((official) => ({ idHash: hashPersonId(official.idNumber), grantedAt: '2021-06-28' })),
      // Recorded long before its date (the store allows it; a file cannot): it counts from November on.
      { idHash: hashPersonId(NOI_VU_PEOPLE[0]?.idNumber ?? ''), grantedAt: '2021-11-20' },
    ],
    source,
  );
  requests = recordRequests(stack, 'recordDerivationRequests');
  deps = reportDepsFrom(stack.deps, loadReportConfig({}));
});

describe('the month’s first report, derived from the month before', () => {
  it('counts every roster when no month before was frozen', async () => {
    const july = await reportAt('2021-07', '2021-08-01T01:00:00Z');
    expect(everyPointerRead()).toBe(true);
    expect(rosterRowsRead().sort()).toEqual(['ROSTER#546#vt-1', 'ROSTER#548#pc-1', 'ROSTER#so-noi-vu#nv-1']);
    expect(unitOf(july, PHU_CAT)).toMatchObject({ officials: 3, granted: 3 });
    expect(unitOf(july, NOI_VU)).toMatchObject({ officials: 1, granted: 0 });
  });

  it('reads no roster and no grant when nothing changed, and answers what counting from scratch answers', async () => {
    const august = await reportAt('2021-08', '2021-09-01T01:00:00Z');
    expect(everyPointerRead()).toBe(false);
    expect(rosterRowsRead()).toEqual([]);
    expect(grantsRead()).toBe(0);
    expect(unitOf(august, PHU_CAT)).toMatchObject({ officials: 3, granted: 3, grantsStatus: 'on-time' });
    expect(unitOf(august, VINH_THANH)).toMatchObject({ officials: 2, granted: 0, rosterStatus: 'late' });
    await expectSameAsCountedFromScratch('2021-08');
  });

  it('counts again a unit whose roster flipped since, and only that one', async () => {
    clock = new Date('2021-09-10T03:00:00Z');
    await writeRoster(PHU_CAT, 'pc-2', '2021-09-10T03:00:00.000Z', [...PHU_CAT_PEOPLE, ...people(4, 1, NGO_MAY)]);
    const september = await reportAt('2021-09', '2021-10-01T01:00:00Z');
    expect(rosterRowsRead()).toEqual(['ROSTER#548#pc-2']);
    expect(unitOf(september, PHU_CAT)).toMatchObject({ officials: 4, granted: 3 });
    await expectSameAsCountedFromScratch('2021-09');
  });

  it('counts again the units a grants file names, with their officials’ grants only', async () => {
    clock = new Date('2021-10-12T03:00:00Z');
    await ingestGrantsFile(VINH_THANH_PEOPLE, '2021-10-11');
    const october = await reportAt('2021-10', '2021-11-01T01:00:00Z');
    expect(rosterRowsRead()).toEqual(['ROSTER#546#vt-1']);
    expect(requests.filter((r) => r.pk === 'GRANTS')).toEqual([]);
    expect(requests.filter((r) => r.command === 'BatchGetItemCommand')).toHaveLength(1);
    expect(unitOf(october, VINH_THANH)).toMatchObject({ officials: 2, granted: 2, grantsStatus: 'late' });
    expect(unitOf(october, NOI_VU)).toMatchObject({ granted: 0 });
    await expectSameAsCountedFromScratch('2021-10');
  });

  it('counts again a unit when one of its officials’ grant dates falls in the month, though nothing changed', async () => {
    const november = await reportAt('2021-11', '2021-12-01T01:00:00Z');
    expect(rosterRowsRead()).toEqual(['ROSTER#so-noi-vu#nv-1']);
    expect(unitOf(november, NOI_VU)).toMatchObject({ officials: 1, granted: 1 });
    await expectSameAsCountedFromScratch('2021-11');
  });

  it('counts again a unit whose earlier roster file arrived late, and judges its deadline on it', async () => {
    clock = new Date('2021-12-05T03:00:00Z');
    // An older file (received on 22/6, before the deadline) whose event comes now: it does not replace the
    // current roster, but the unit sent in time.
    expect(await writeRoster(VINH_THANH, 'vt-0', '2021-06-22T03:00:00.000Z', VINH_THANH_PEOPLE)).toMatchObject({ outcome: 'stale' });
    const december = await reportAt('2021-12', '2022-01-01T01:00:00Z');
    expect(rosterRowsRead()).toEqual(['ROSTER#546#vt-1']);
    expect(unitOf(december, VINH_THANH)).toMatchObject({ rosterStatus: 'on-time' });
    await expectSameAsCountedFromScratch('2021-12');
  });

  it('derives the month in progress the same way, and freezes nothing for it', async () => {
    clock = new Date('2022-01-10T03:00:00Z');
    await writeRoster(NOI_VU, 'nv-2', '2022-01-10T03:00:00.000Z', [...NOI_VU_PEOPLE, ...people(5, 1, NOI_VU)]);
    const january = await reportAt('2022-01', '2022-01-15T03:00:00Z');
    expect(january.provisional).toBe(true);
    expect(rosterRowsRead()).toEqual(['ROSTER#so-noi-vu#nv-2']);
    expect(unitOf(january, NOI_VU)).toMatchObject({ officials: 2, granted: 1 });
    expect(await deps.reports.getFrozenRosters('2022-01')).toBeUndefined();
  });

  it('deletes the roster members an earlier version kept with the month before last when it freezes a month', async () => {
    const { doc } = stackRef.current.clients;
    const TableName = stackRef.current.tableName;
    await doc.send(new PutCommand({ TableName, Item: { pk: 'PERIOD#2021-11', sk: 'MEMBERS@abc#0001', type: 'report-members-block', data: '[]' } }));
    await reportAt('2022-01', '2022-02-01T01:00:00Z');
    const left = await doc.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'PERIOD#2021-11', ':prefix': 'MEMBERS@' },
      }),
    );
    expect(left.Count).toBe(0);
  });
});
