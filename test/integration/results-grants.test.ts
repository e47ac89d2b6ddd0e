/**
 * Monthly results and permission grants taken in over the embedded stack, as the centre and the units do
 * it: upload links for the centre and for a unit, the S3 events delivered by the test (so that it can
 * repeat and reorder them), the store read back through the same modules the report uses, and the CLI's
 * `grants import` against the running stack, round trip with `export-roster` included.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as grantsCommand } from '../../cli/commands/grants.js';
import { EXPORT_HEADER, buildRosterExport } from '../../shared/pipeline/export-roster.js';
import { grantsByUnit } from '../../shared/pipeline/grants-status.js';
import { rosterVersionId } from '../../shared/pipeline/process-upload.js';
import { provinceOfficials } from '../../shared/pipeline/rosters.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import {
  api,
  districtPeople,
  type LocalStack,
  type Person,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  startTestStack,
  tokenOf,
  XLSX_TYPE,
} from '../support/local-stack.js';
import { runCli } from '../support/cli.js';
import { buildGrantsXlsx, buildResultsXlsx, type CellInput, FORM_LAYOUT } from '../support/workbooks.js';

interface S3Notification {
  Records: { s3: { object: { sequencer: string } } }[];
}
interface Sent {
  uploadId: string;
  token: string;
  event: S3Notification;
}
type Status = { status: string; accepted: boolean | null; rows: number | null; issues: { code: string; row: number | null; severity: string; message: string }[]; reportUrl: string | null };

let stack: LocalStack;
let dataDir: string;
let scratch: string;
const PHU_CAT = '548';
const VINH_THANH = '546';
/** Officials of two districts; series keep their ID and phone numbers apart from other test files. */
const phuCat = districtPeople(PHU_CAT, 3, 61);
const vinhThanh = districtPeople(VINH_THANH, 2, 62);
/** Someone on no roster at all. */
const stranger = districtPeople(PHU_CAT, 1, 63)[0] as Person;
const person = (people: Person[], index: number) => people[index] as Person;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'motcua-intake-data-'));
  scratch = await mkdtemp(join(tmpdir(), 'motcua-intake-out-'));
  stack = await startTestStack({ dataDir, processEvents: false });
  vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
  vi.stubEnv('MOTCUA_TARGET', '');
  for (const [unit, people] of [
    [PHU_CAT, phuCat],
    [VINH_THANH, vinhThanh],
  ] as const) {
    const sent = await send(stack.inviteLink(unit), await rosterWorkbook(senderLine(unit), people));
    expect((await deliver(sent)).status).toBe('accepted');
  }
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** The file through the API and S3, as the page sends it; the event is recorded, not processed yet. */
async function send(link: string, bytes: Uint8Array, fileName = 'tep.xlsx'): Promise<Sent> {
  const token = tokenOf(link);
  const created = await api<PresignedPost>(stack, '/api/uploads', { json: { token, fileName, contentType: XLSX_TYPE, size: bytes.byteLength } });
  expect(created.status).toBe(201);
  expect((await postToS3(created.body, bytes, fileName)).ok).toBe(true);
  const event = stack.events.find((e) => JSON.stringify(e).includes(created.body.uploadId)) as S3Notification | undefined;
  if (!event) throw new Error('s3rver emitted no event');
  // Event times order different uploads; two within one millisecond would tie.
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { uploadId: created.body.uploadId, token, event };
}

async function deliver(sent: Sent): Promise<Status> {
  await stack.deliver(sent.event);
  await stack.whenIdle();
  return (await api<Status>(stack, `/api/uploads/${sent.uploadId}`, { token: sent.token })).body;
}

const versionOf = (sent: Sent) => rosterVersionId(sent.uploadId, sent.event.Records[0]?.s3.object.sequencer ?? '');
const resultsRow = (index: number, p: Person | null, count: CellInput, by: 'id' | 'phone' | 'both' = 'both'): CellInput[] => [
  index,
  p?.name ?? null,
  by === 'phone' ? null : (p?.idNumber ?? null),
  by === 'id' ? null : (p?.phone ?? null),
  count,
];
const codes = (status: Status) => status.issues.map((i) => [i.row, i.code]);

const cli = (args: string[]) => runCli(grantsCommand, args);

describe("the centre's monthly statistics", () => {
  let sent: Sent;
  let status: Status;
  beforeAll(async () => {
    const bytes = await buildResultsXlsx({
      rows: [
        resultsRow(1, person(phuCat, 0), 10, 'id'),
        resultsRow(2, person(vinhThanh, 1), 20, 'phone'),
        resultsRow(3, stranger, 5),
        resultsRow(4, person(phuCat, 2), 0),
      ],
    });
    sent = await send(stack.inviteLink(CENTRE_UNIT, { form: 'results', period: '2021-07' }), bytes, 'thong-ke-thang-7.xlsx');
    status = await deliver(sent);
  });

  it('is accepted, with a warning (not an error) for the row no roster lists', () => {
    expect(status).toMatchObject({ status: 'accepted', accepted: true, rows: 4 });
    expect(codes(status)).toEqual([[FORM_LAYOUT.firstDataRow + 2, 'RESULTS_UNATTRIBUTED']]);
    expect(status.issues[0]?.message).toContain('chưa xác định đơn vị');
    for (const issue of status.issues) expect(issue.message).not.toMatch(/\d{6,}/);
  });

  it('attributes each row to the unit whose current roster lists the person: by ID, by phone, or to none', async () => {
    const [pointer] = await stack.deps.results.listResultsPointers('2021-07');
    expect(pointer).toMatchObject({ period: '2021-07', scope: CENTRE_UNIT, uploadId: sent.uploadId, rowCount: 4, total: 35, previousVersionId: null });
    const entries = await stack.deps.results.listCountedEntries('2021-07', CENTRE_UNIT, pointer?.versionId ?? '', { personKeys: true });
    expect(entries.map((e) => [e.row, e.unit, e.count])).toEqual([
      [FORM_LAYOUT.firstDataRow, PHU_CAT, 10],
      [FORM_LAYOUT.firstDataRow + 1, VINH_THANH, 20],
      [FORM_LAYOUT.firstDataRow + 2, null, 5],
      [FORM_LAYOUT.firstDataRow + 3, PHU_CAT, 0],
    ]);
    expect(entries[0]).toMatchObject({ idHash: stack.deps.hashPersonId(person(phuCat, 0).idNumber), phoneHash: null });
    expect(entries[1]).toMatchObject({ idHash: null, phoneHash: stack.deps.hashPhone(person(vinhThanh, 1).phone) });
    expect(entries[2]?.workUnitCode).toBeNull();
    expect(entries[0]?.workUnitCode).toMatch(/^\d+$/);
  });

  it('keeps no ID or phone number in clear in the stored rows', async () => {
    const [pointer] = await stack.deps.results.listResultsPointers('2021-07');
    // Every attribute of every stored row, read raw (the report's own read is projected).
    const stored = JSON.stringify(
      await stack.clients.doc.send(
        new QueryCommand({
          TableName: stack.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `RESULTS#2021-07#${CENTRE_UNIT}#${pointer?.versionId ?? ''}` },
        }),
      ),
    );
    expect(stored).toContain('"count"');
    for (const p of [...phuCat, ...vinhThanh, stranger]) {
      expect(stored).not.toContain(p.idNumber);
      expect(stored).not.toContain(p.phone);
    }
  });

  it('changes nothing when the same event comes again', async () => {
    const before = await stack.deps.results.listResultsPointers('2021-07');
    expect(await deliver(sent)).toMatchObject({ status: 'accepted' });
    expect(await stack.deps.results.listResultsPointers('2021-07')).toEqual(before);
  });
});

describe("a unit's own return", () => {
  it('counts every row for the unit, warns about people not on its roster, and is replaced by a corrected file', async () => {
    const link = stack.inviteLink(PHU_CAT, { form: 'results', period: '2021-07' });
    const first = await send(link, await buildResultsXlsx({ rows: [resultsRow(1, person(phuCat, 0), 7), resultsRow(2, stranger, 3)] }));
    const firstStatus = await deliver(first);
    expect(firstStatus).toMatchObject({ status: 'accepted' });
    expect(codes(firstStatus)).toEqual([[FORM_LAYOUT.firstDataRow + 1, 'RESULTS_NOT_ON_UNIT_ROSTER']]);
    const firstPointer = await stack.deps.results.getResultsPointer('2021-07', PHU_CAT);
    expect(firstPointer).toMatchObject({ total: 10, rowCount: 2 });
    const firstEntries = await stack.deps.results.listCountedEntries('2021-07', PHU_CAT, versionOf(first), { personKeys: true });
    expect(firstEntries.map((e) => e.unit)).toEqual([PHU_CAT, PHU_CAT]);

    const corrected = await send(link, await buildResultsXlsx({ rows: [resultsRow(1, person(phuCat, 0), 8), resultsRow(2, person(phuCat, 1), 4)] }));
    expect((await deliver(corrected)).issues).toEqual([]);
    const pointer = await stack.deps.results.getResultsPointer('2021-07', PHU_CAT);
    expect(pointer).toMatchObject({ versionId: versionOf(corrected), previousVersionId: versionOf(first), total: 12, firstReceivedAt: firstPointer?.firstReceivedAt });
    expect(await stack.deps.results.listCountedEntries('2021-07', PHU_CAT, versionOf(first), { personKeys: true })).toEqual([]);
    // The centre's file of the same month is another scope: untouched.
    expect((await stack.deps.results.getResultsPointer('2021-07', CENTRE_UNIT))?.total).toBe(35);
  });

  it('ends in the in-order state whatever the order and repetition of the events', async () => {
    const link = stack.inviteLink(VINH_THANH, { form: 'results', period: '2021-08' });
    const older = await send(link, await buildResultsXlsx({ title: 'Kết quả tháng 8 năm 2021', rows: [resultsRow(1, person(vinhThanh, 0), 1)] }));
    const newer = await send(link, await buildResultsXlsx({ title: 'Kết quả tháng 8 năm 2021', rows: [resultsRow(1, person(vinhThanh, 0), 2), resultsRow(2, person(vinhThanh, 1), 3)] }));
    await deliver(newer);
    await deliver(older);
    await deliver(newer);
    await deliver(older);
    const pointer = await stack.deps.results.getResultsPointer('2021-08', VINH_THANH);
    expect(pointer).toMatchObject({ versionId: versionOf(newer), total: 5 });
    // The older file arrived first: the deadline is judged on it, even though it came late to processing.
    const olderStatus = await stack.deps.store.getUpload(older.uploadId);
    expect(pointer?.firstReceivedAt).toBe(olderStatus?.receivedAt);
    expect(await stack.deps.results.listCountedEntries('2021-08', VINH_THANH, versionOf(older), { personKeys: true })).toEqual([]);
    expect((await stack.deps.results.listCountedEntries('2021-08', VINH_THANH, versionOf(newer), { personKeys: true })).map((e) => e.count)).toEqual([2, 3]);
  });
});

describe('a results file with errors', () => {
  // A wrong cell comes back marked in the clerk's workbook; a file-level refusal has no cell to mark.
  it.each<[string, string, CellInput[][], string | undefined, string, boolean]>([
    ['a decimal count', '2021-09', [resultsRow(1, person(phuCat, 0), 2.5)], undefined, 'COUNT_NOT_WHOLE', true],
    ['the same person twice', '2021-09', [resultsRow(1, person(phuCat, 0), 1), resultsRow(2, person(phuCat, 0), 2)], undefined, 'RESULTS_PERSON_DUPLICATE', true],
    ['a title naming another month', '2021-09', [resultsRow(1, person(phuCat, 0), 1)], 'Kết quả hỗ trợ tạo tài khoản công dân tháng 10/2021', 'RESULTS_PERIOD_MISMATCH', false],
  ])('is rejected for %s and changes nothing', async (_, period, rows, title, code, marked) => {
    const bytes = await buildResultsXlsx({ rows, ...(title ? { title } : {}) });
    const status = await deliver(await send(stack.inviteLink(PHU_CAT, { form: 'results', period }), bytes));
    expect(status).toMatchObject({ status: 'rejected', accepted: false });
    expect(status.issues.map((i) => i.code)).toContain(code);
    expect(status.reportUrl !== null).toBe(marked);
    expect(await stack.deps.results.listResultsPointers(period)).toEqual([]);
  });
});

describe('permission grants', () => {
  it('are recorded from a centre link, with warnings where the name or unit disagrees with the roster', async () => {
    const bytes = await buildGrantsXlsx({
      rows: [
        [1, person(phuCat, 0).name, 'Huyện Phù Cát', person(phuCat, 0).idNumber, person(phuCat, 0).phone, '28/06/2021'],
        [2, 'Tên Khác Hẳn', 'Huyện Phù Cát', person(phuCat, 1).idNumber, null, new Date(Date.UTC(2021, 5, 29))],
        [3, person(phuCat, 2).name, null, person(phuCat, 2).idNumber, null, null],
      ],
    });
    const status = await deliver(await send(stack.inviteLink(CENTRE_UNIT, { form: 'grants' }), bytes));
    expect(status).toMatchObject({ status: 'accepted', accepted: true, rows: 3 });
    expect(codes(status)).toEqual([[FORM_LAYOUT.firstDataRow + 1, 'GRANT_NAME_MISMATCH']]);
    const grants = new Map((await stack.deps.grants.listGrants()).map((g) => [g.idHash, g.grantedAt]));
    expect(grants.get(stack.deps.hashPersonId(person(phuCat, 0).idNumber))).toBe('2021-06-28');
    expect(grants.get(stack.deps.hashPersonId(person(phuCat, 1).idNumber))).toBe('2021-06-29');
    expect(grants.has(stack.deps.hashPersonId(person(phuCat, 2).idNumber))).toBe(false);
  });

  it('reject the whole file when one person is on no current roster, recording nothing', async () => {
    const before = await stack.deps.grants.listGrants();
    const bytes = await buildGrantsXlsx({
      rows: [
        [1, person(vinhThanh, 0).name, null, person(vinhThanh, 0).idNumber, null, '30/06/2021'],
        [2, stranger.name, null, stranger.idNumber, null, '30/06/2021'],
      ],
    });
    const status = await deliver(await send(stack.inviteLink(CENTRE_UNIT, { form: 'grants' }), bytes));
    expect(status).toMatchObject({ status: 'rejected' });
    expect(codes(status)).toEqual([[FORM_LAYOUT.firstDataRow + 1, 'GRANT_PERSON_NOT_ON_ROSTER']]);
    expect(await stack.deps.grants.listGrants()).toEqual(before);
  });

  it("keep the later file's date whatever the order and repetition of the events", async () => {
    const link = stack.inviteLink(CENTRE_UNIT, { form: 'grants' });
    const who = person(vinhThanh, 0);
    const earlier = await send(link, await buildGrantsXlsx({ rows: [[1, who.name, null, who.idNumber, null, '20/06/2021']] }));
    const later = await send(link, await buildGrantsXlsx({ rows: [[1, who.name, null, who.idNumber, null, '22/06/2021']] }));
    await deliver(later);
    await deliver(earlier);
    await deliver(later);
    const grant = (await stack.deps.grants.listGrants()).find((g) => g.idHash === stack.deps.hashPersonId(who.idNumber));
    expect(grant?.grantedAt).toBe('2021-06-22');
  });

  it('survive a re-uploaded roster: they belong to the person', async () => {
    const again = await send(stack.inviteLink(PHU_CAT), await rosterWorkbook(senderLine(PHU_CAT), [person(phuCat, 1), person(phuCat, 0), person(phuCat, 2)]));
    expect((await deliver(again)).status).toBe('accepted');
    const officials = await provinceOfficials(stack.deps.store, stack.deps.grants);
    const granted = officials.filter((o) => o.uploaderCode === PHU_CAT).map((o) => [o.name, o.grantedAt]);
    expect(granted).toEqual([
      [person(phuCat, 1).name, '2021-06-29'],
      [person(phuCat, 0).name, '2021-06-28'],
      [person(phuCat, 2).name, null],
    ]);
  });

  it('round trip: export-roster, "Ngày phân quyền" filled in, grants import; a later import replaces a date', async () => {
    const exported = await buildRosterExport(await provinceOfficials(stack.deps.store, stack.deps.grants), new Date());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(exported) as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const dateColumn = EXPORT_HEADER.indexOf('Ngày phân quyền') + 1;
    const idColumn = EXPORT_HEADER.indexOf('CMND/CCCD') + 1;
    expect(dateColumn).toBeGreaterThan(0);
    const fill: Record<string, string> = {
      [person(vinhThanh, 0).idNumber]: '01/07/2021',
      [person(vinhThanh, 1).idNumber]: '02/07/2021',
      [person(phuCat, 0).idNumber]: '03/07/2021',
    };
    sheet.eachRow((row) => {
      const date = fill[String(row.getCell(idColumn).value)];
      if (date) row.getCell(dateColumn).value = date;
    });
    const file = join(scratch, 'da-phan-quyen.xlsx');
    await writeFile(file, Buffer.from(await workbook.xlsx.writeBuffer()));

    const { code, stdout } = await cli(['import', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('ĐÃ GHI NHẬN ngày phân quyền của 4 cán bộ');
    for (const p of [...phuCat, ...vinhThanh]) {
      expect(stdout).not.toContain(p.idNumber);
      expect(stdout).not.toContain(p.phone);
    }
    const grants = new Map((await stack.deps.grants.listGrants()).map((g) => [g.idHash, g.grantedAt]));
    expect(grants.get(stack.deps.hashPersonId(person(vinhThanh, 0).idNumber))).toBe('2021-07-01');
    expect(grants.get(stack.deps.hashPersonId(person(vinhThanh, 1).idNumber))).toBe('2021-07-02');
    // Filled over the exported date: the later import wins.
    expect(grants.get(stack.deps.hashPersonId(person(phuCat, 0).idNumber))).toBe('2021-07-03');
    // Exported with its date and handed back unchanged: the same date again.
    expect(grants.get(stack.deps.hashPersonId(person(phuCat, 1).idNumber))).toBe('2021-06-29');

    const reexported = await provinceOfficials(stack.deps.store, stack.deps.grants);
    expect(reexported.filter((o) => o.grantedAt !== null)).toHaveLength(4);
  });

  // After the round trip: Phù Cát 2 of 3 granted (29/6 and 3/7), Vĩnh Thạnh both (1/7 and 2/7).
  it.each([
    ['2021-06-30', { officials: 3, granted: 2, grantedOnTime: 1, deadline: 'missing' }, { officials: 2, granted: 2, grantedOnTime: 0, deadline: 'late' }],
    ['2021-07-31', { officials: 3, granted: 2, grantedOnTime: 2, deadline: 'missing' }, { officials: 2, granted: 2, grantedOnTime: 2, deadline: 'on-time' }],
  ])('counts granted officials per unit against the grants deadline %s', async (deadline, phuCatGrants, vinhThanhGrants) => {
    const byUnit = await grantsByUnit(stack.deps.store, stack.deps.grants, deadline);
    expect(byUnit.get(PHU_CAT)).toEqual(phuCatGrants);
    expect(byUnit.get(VINH_THANH)).toEqual(vinhThanhGrants);
  });

  it('import exits 1 on a rejected file and 2 on misuse', async () => {
    const bad = join(scratch, 'sai.xlsx');
    await writeFile(bad, await buildGrantsXlsx({ rows: [[1, 'An', null, person(phuCat, 0).idNumber, null, '01/01/2030']] }));
    const rejected = await cli(['import', bad]);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('KHÔNG ĐƯỢC GHI NHẬN');
    expect(rejected.stdout).toContain('tương lai');
    await expect(grantsCommand(['import', join(scratch, 'khong-co.xlsx')])).rejects.toThrow('Không tìm thấy tệp');
    await expect(grantsCommand(['export', bad])).rejects.toThrow('grants export');
  });

  it('import --json prints counts and issues, never a row', async () => {
    const file = join(scratch, 'json.xlsx');
    await writeFile(file, await buildGrantsXlsx({ rows: [[1, person(vinhThanh, 0).name, null, person(vinhThanh, 0).idNumber, null, '01/07/2021']] }));
    const { code, stdout } = await cli(['import', file, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ form: 'grants', accepted: true, recorded: 1, superseded: 0, notGranted: 0, rows: 1, issues: [] });
  });
});
