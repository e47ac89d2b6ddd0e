/**
 * The intake end to end on the embedded stack, through the real SDK and the real wiring: the API hands out
 * a presigned POST, the file goes to s3rver by a multipart POST, s3rver's event reaches process-upload
 * URL-encoded as AWS would send it, and the verdict and the roster land in DynamoDB.
 * Everything written to stdout/stderr meanwhile is captured: no ID or phone number may appear in it.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEventKey, encodeEventKey, putObject } from '../../shared/aws/s3.js';
import { rosterStates } from '../../shared/pipeline/rosters.js';
import { SAMPLES } from '../support/samples.js';
import {
  api,
  districtPeople,
  type Person,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  tokenOf,
  uploadFile,
  useLocalStack,
} from '../support/local-stack.js';
import { captureOutput } from '../support/captured-output.js';

const stack = useLocalStack({ logLevel: 'DEBUG' });

/** s01 (Vĩnh Thạnh) and s03 (Hoài Ân): the personal data typed in them. */
const SAMPLE_PERSONAL_DATA = [
  '052083020001', '0914020001', '052188020002', '0914020002', '052190020003', '0914020003',
  '052080022001', '05218002200', '0916022001', '052083022005',
];
const generated: Person[] = [];
const captured = captureOutput();


const link = (unit: string) => tokenOf(stack.current.inviteLink(unit));

async function uploadPeople(unit: string, people: Person[]) {
  generated.push(...people);
  return uploadFile(stack.current, link(unit), { bytes: await rosterWorkbook(senderLine(unit), people), fileName: 'danh sach.xlsx' });
}

async function currentNames(unit: string): Promise<string[]> {
  return (await stack.current.deps.store.listCurrentOfficials(unit)).map((o) => o.name);
}

async function sheetNames(url: string): Promise<string[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
  return workbook.worksheets.map((sheet) => sheet.name);
}

describe('uploading a roster', () => {
  it('accepts Vĩnh Thạnh’s correct roster (s01) and makes it the unit’s current roster', async () => {
    const { uploadId, status } = await uploadFile(stack.current, link('546'), { path: SAMPLES.s01 });
    expect(status).toMatchObject({ uploadId, status: 'accepted', accepted: true, rows: 3, issues: [], reportUrl: null });
    const pointer = await stack.current.deps.store.getRosterPointer('546');
    expect(pointer).toMatchObject({ uploadId, officialCount: 3 });
    const officials = await stack.current.deps.store.listCurrentOfficials('546');
    expect(officials.map((o) => [o.row, o.name, o.workUnitCode, o.idNumber, o.phone])).toEqual([
      [7, 'Đinh Văn Thạnh', '546', '052083020001', '0914020001'],
      [8, 'Trần Thị Hảo', '21799', '052188020002', '0914020002'],
      [9, 'Đinh Thị Kim', '21790', '052190020003', '0914020003'],
    ]);
  });

  it('rejects Hoài Ân’s roster with errors (s03), keeps its annotated workbook, and changes no roster', async () => {
    const { uploadId, status } = await uploadFile(stack.current, link('544'), { path: SAMPLES.s03 });
    expect(status).toMatchObject({ uploadId, status: 'rejected', accepted: false, rows: 5 });
    const errorRows = [...new Set(status.issues.filter((i) => i.severity === 'error').map((i) => i.row))];
    expect(errorRows).toEqual([7, 8, 9, 10, 11]);
    expect(status.reportUrl).toContain(`/annotated/544/${uploadId}.xlsx`);
    expect(await sheetNames(status.reportUrl ?? '')).toContain('Lỗi');
    expect(await stack.current.deps.store.getRosterPointer('544')).toBeUndefined();
    // The API answers with counts and messages: never the personal data of the file.
    const answer = JSON.stringify(status);
    for (const value of SAMPLE_PERSONAL_DATA) expect(answer).not.toContain(value);
  });

  it('replaces the roster on re-upload: the new version only, the old rows gone', async () => {
    const first = await uploadPeople('548', districtPeople('548', 2, 10));
    const second = await uploadPeople('548', districtPeople('548', 3, 11, 10));
    expect([first.status.status, second.status.status]).toEqual(['accepted', 'accepted']);
    expect(await currentNames('548')).toEqual(districtPeople('548', 3, 11, 10).map((p) => p.name));
    const oldVersion = (await stack.current.deps.store.getUpload(first.uploadId))?.versionId ?? '';
    expect(oldVersion).not.toBe('');
    expect(await stack.current.deps.store.listVersionOfficials('548', oldVersion)).toEqual([]);
  });

  it('keeps the current roster when a later file is rejected', async () => {
    const good = await uploadPeople('545', districtPeople('545', 2, 12));
    const bad = await uploadFile(stack.current, link('545'), { path: SAMPLES.s03 });
    expect(bad.status.status).toBe('rejected');
    expect((await stack.current.deps.store.getRosterPointer('545'))?.uploadId).toBe(good.uploadId);
  });

  it('warns when a person is on another unit’s current roster, and flags them for the centre', async () => {
    // Đinh Văn Thạnh (s01, Vĩnh Thạnh's current roster) also listed by Phù Mỹ.
    const thanh: Person = { name: 'Đinh Văn Thạnh', unit: 'BPMC huyện Phù Mỹ', idNumber: '052083020001', phone: '0914020099' };
    const people = [...districtPeople('545', 1, 13), thanh];
    const { status } = await uploadPeople('545', people);
    expect(status).toMatchObject({ status: 'accepted', accepted: true, rows: 2 });
    const warning = status.issues.find((i) => i.code === 'ID_ON_OTHER_ROSTER');
    expect(warning).toMatchObject({ row: 8, column: 'idNumber', severity: 'warning' });
    // The clerk learns that another unit lists this person, never which (test/integration/cross-unit-privacy.test.ts).
    expect(warning?.message).not.toContain('Vĩnh Thạnh');
    expect(warning?.message).not.toContain(thanh.idNumber);
    // An accepted roster with a warning still comes back annotated, so the clerk sees where.
    expect(status.reportUrl).not.toBeNull();

    const flagged = (await stack.current.deps.store.listCurrentOfficials('545')).find((o) => o.idNumber === thanh.idNumber);
    expect(flagged?.sharedWith).toEqual(['546']);
    const states = await rosterStates(stack.current.deps.store, '2021-06-25');
    const shared = Object.fromEntries(states.map((s) => [s.unit.code, s.sharedOfficials]));
    expect(shared).toMatchObject({ '545': 1, '546': 1, '548': 0 });
  });

  it('refuses an object larger than the bound: S3 refuses the POST, and the reader one that got past the policy', async () => {
    const token = link('549');
    const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const created = await api<PresignedPost>(stack.current, '/api/uploads', {
      json: { token, fileName: 'to.xlsx', contentType: xlsxType, size: 1000 },
    });
    const sixMegabytes = new Uint8Array(6 * 1024 * 1024);
    const refused = await postToS3(created.body, sixMegabytes, 'to.xlsx');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>EntityTooLarge</Code>');
    // Written past the policy (a bug, a leaked credential): the reader's own bound still holds.
    const { clients, bucketName } = stack.current;
    await putObject(clients.s3, { bucket: bucketName, key: created.body.fields.key ?? '', body: sixMegabytes, contentType: xlsxType });
    await stack.current.whenIdle();
    const status = await api<{ status: string; issues: { code: string }[] }>(stack.current, `/api/uploads/${created.body.uploadId}`, { token });
    expect(status.body.status).toBe('rejected');
    expect(status.body.issues.map((i) => i.code)).toEqual(['FILE_TOO_LARGE']);
    expect(await stack.current.deps.store.getRosterPointer('549')).toBeUndefined();
  });

  it('delivers the key URL-encoded the way AWS does, and decodes it back', async () => {
    const keys = stack.current.events.flatMap((event) =>
      (event as { Records: { s3: { object: { key: string } } }[] }).Records.map((r) => r.s3.object.key),
    );
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^incoming\/[a-z0-9-]+\/[a-z0-9]+\.xlsx$/);
    expect(encodeEventKey('incoming/548/a b+c(1).xlsx')).toBe('incoming/548/a+b%2Bc(1).xlsx');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
        const encoded = encodeEventKey(key);
        expect(encoded).not.toMatch(/ /);
        expect(decodeEventKey(encoded)).toBe(key);
      }),
    );
    expect(decodeEventKey('incoming/%E0%A4%A.xlsx')).toBeUndefined();
  });
});

describe('the table and the logs', () => {
  it('hold no ID or phone number in any key', async () => {
    const { clients, tableName } = stack.current;
    const items = (await clients.doc.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const keys = items.flatMap((item) => ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => String(item[name] ?? ''))).join('\n');
    expect(items.some((item) => item.type === 'roster-chunk')).toBe(true);
    for (const value of [...SAMPLE_PERSONAL_DATA, ...generated.flatMap((p) => [p.idNumber, p.phone])]) {
      expect(keys).not.toContain(value);
    }
  });

  it('captured during the whole run contain the upload ids and units, and no ID or phone number', () => {
    const output = captured.join('');
    expect(output).toContain('"uploadId"');
    expect(output).toContain('"unit":"546"');
    for (const value of [...SAMPLE_PERSONAL_DATA, ...generated.flatMap((p) => [p.idNumber, p.phone])]) {
      expect(output).not.toContain(value);
    }
  });
});

describe('what the page reads back', () => {
  it('an accepted roster lists its officials for the receipt (row, name, unit; never an ID or phone), until a later roster replaces it', async () => {
    const people = districtPeople('551', 2, 71);
    const first = await uploadPeople('551', people);
    const officials = (first.status as { officials?: unknown }).officials;
    expect(officials).toEqual([
      { row: 7, name: people[0]?.name, unitName: expect.any(String) },
      { row: 8, name: people[1]?.name, unitName: expect.any(String) },
    ]);
    const answer = JSON.stringify(first.status);
    for (const person of people) {
      expect(answer).not.toContain(person.idNumber);
      expect(answer).not.toContain(person.phone);
    }

    await uploadPeople('551', districtPeople('551', 1, 72));
    const again = await api<{ officials?: unknown[] }>(stack.current, `/api/uploads/${first.uploadId}`, { token: link('551') });
    expect(again.body.officials).toEqual([]);
  });

  it('the list says which accepted roster is in force, and which earlier entries it replaced', async () => {
    const token = link('543');
    const rejected = await uploadFile(stack.current, token, { path: SAMPLES.s03 });
    const older = await uploadPeople('543', districtPeople('543', 2, 73));
    const current = await uploadPeople('543', districtPeople('543', 2, 74));
    const later = await uploadFile(stack.current, token, { path: SAMPLES.s03 });
    const list = await api<{ currentUploadId: string; uploads: { uploadId: string; replaced: boolean }[] }>(stack.current, '/api/uploads', { token });
    expect(list.body.currentUploadId).toBe(current.uploadId);
    expect((await stack.current.deps.store.getRosterPointer('543'))?.uploadId).toBe(current.uploadId);
    const replaced = Object.fromEntries(list.body.uploads.map((u) => [u.uploadId, u.replaced]));
    expect(replaced).toEqual({
      [rejected.uploadId]: true,
      [older.uploadId]: true,
      [current.uploadId]: false,
      // Sent after the roster in force: still to be fixed.
      [later.uploadId]: false,
    });
  });

  it('a file that still arrives after its upload was cancelled is processed normally, its verdict replacing "cancelled"', async () => {
    const token = link('542');
    const bytes = await rosterWorkbook(senderLine('542'), districtPeople('542', 2, 75));
    const created = await api<PresignedPost>(stack.current, '/api/uploads', {
      json: { token, fileName: 'huy-roi.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: bytes.byteLength },
    });
    const cancelled = await api<{ status: string }>(stack.current, `/api/uploads/${created.body.uploadId}/cancel`, { method: 'POST', token });
    expect(cancelled.body.status).toBe('failed');

    expect((await postToS3(created.body, bytes, 'huy-roi.xlsx')).ok).toBe(true);
    await stack.current.whenIdle();
    const status = await api<{ status: string; failureCode: string | null }>(stack.current, `/api/uploads/${created.body.uploadId}`, { token });
    expect(status.body).toMatchObject({ status: 'accepted', failureCode: null });
    // And a cancel that comes after the file arrived changes nothing.
    const late = await api<{ status: string }>(stack.current, `/api/uploads/${created.body.uploadId}/cancel`, { method: 'POST', token });
    expect(late.body.status).toBe('accepted');
  });

  it('offers no annotated workbook for a file refused as a whole, and names the one it offers after the clerk’s file', async () => {
    const refused = await uploadFile(stack.current, link('550'), { bytes: new TextEncoder().encode('không phải bảng tính'), fileName: 'Danh sách.xlsx' });
    expect(refused.status.status).toBe('rejected');
    expect(refused.status.issues.every((issue) => issue.row === null)).toBe(true);
    expect(refused.status.reportUrl).toBeNull();

    const marked = await uploadFile(stack.current, link('540'), { path: SAMPLES.s03, fileName: 'Danh sách Quy Nhơn (lần 2).xlsx' });
    const response = await fetch(marked.status.reportUrl ?? '');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="Danh sach Quy Nhon (lan 2) - ket qua kiem tra.xlsx"');
  });
});
