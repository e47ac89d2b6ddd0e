/**
 * The centre's own files sent from the dashboard, over the embedded stack as the page does it: a presigned
 * POST from `/api/admin/uploads`, the file straight to S3, the S3 event through process-upload, the verdict
 * read back from the dashboard; grants recorded, the month's statistics attributed and the rows no roster
 * lists shown by row, name and count (never an ID or phone number); each sending in the audit trail with
 * its verdict. Nothing is stored for a bad request, and a clerk's link opens none of it.
 */
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../functions/api/errors.js';
import { unattributedRows } from '../../shared/admin/centre-uploads.js';
import type { ResultsStore } from '../../shared/store/results.js';
import { CENTRE_UNIT, periodBounds } from '../../shared/tokens.js';
import { addMonths } from '../../shared/vn/time.js';
import {
  districtPeople,
  type Person,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  tokenOf,
  uploadFile,
  useLocalStack,
  XLSX_TYPE,
} from '../support/local-stack.js';
import { buildGrantsXlsx, buildResultsXlsx } from '../support/workbooks.js';
import { type AdminClient, adminApi, signIn } from './admin-support.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const stack = useLocalStack({ admin: { centreEmails: [STAFF] } });

const PHU_CAT = districtPeople('548', 3, 91);
/** Someone on no roster: the statistics name them, no unit can be credited. */
const STRANGER = districtPeople('548', 1, 92)[0] as Person;
const person = (index: number) => PHU_CAT[index] as Person;
/** Any run of nine digits or more: an ID or phone number, or a piece of one. */
const LONG_DIGIT_RUN = /\d{9,}/;
/**
 * A body as JSON with upload ids blanked: an id ends in 12 random hex digits, which are all decimal often
 * enough (a few % of ids) to look like an ID number; ids are not personal data, and the check is for what is.
 */
const asJsonWithoutUploadIds = (value: unknown) => JSON.stringify(value, (key, field: unknown) => (key === 'uploadId' ? '<id>' : field));

interface Verdict {
  uploadId: string;
  status: string;
  accepted: boolean | null;
  rows: number | null;
  form: string;
  period: string;
  fileName: string;
  reportUrl: string | null;
  issues: { code: string; row: number | null; severity: string; message: string }[];
}
interface Unattributed {
  period: string;
  file: { uploadId: string; receivedAt: string; rowCount: number } | null;
  rows: { row: number; name: string | null; accountsCreated: number }[];
  accountsCreated: number;
}
interface AuditAnswer {
  entries: { actor: string; action: string; label: string; detail: Record<string, unknown>; upload: { status: string; rows: number | null } | null }[];
}

/** What the dashboard page does with a file: ask, send to S3, wait for processing, read the verdict. */
async function sendFromDashboard(client: AdminClient, request: { form: string; period?: string }, bytes: Uint8Array, fileName: string): Promise<Verdict> {
  const started = await adminApi<PresignedPost & { form: string; period: string }>(stack.current, client, '/uploads', {
    json: { ...request, fileName, contentType: XLSX_TYPE, size: bytes.byteLength },
  });
  expect(started.status).toBe(201);
  expect(started.body.fields.key).toBe(`incoming/${CENTRE_UNIT}/${started.body.uploadId}.xlsx`);
  expect((await postToS3(started.body, bytes, fileName)).ok).toBe(true);
  await stack.current.whenIdle();
  const verdict = await adminApi<Verdict>(stack.current, client, `/uploads/${started.body.uploadId}`);
  expect(verdict.status).toBe(200);
  return verdict.body;
}

const centreUploads = () => stack.current.deps.store.listUploads(CENTRE_UNIT);
const auditEntries = async (client: AdminClient) => (await adminApi<AuditAnswer>(stack.current, client, '/audit')).body.entries;

describe('grants imported from the dashboard', () => {
  it('records the dated officials through the same S3 event and validation as any upload, and says so', async () => {
    await uploadFile(stack.current, tokenOf(stack.current.inviteLink('548')), { bytes: await rosterWorkbook(senderLine('548'), PHU_CAT), fileName: 'phu-cat.xlsx' });
    const client = await signIn(stack.current, STAFF);
    const bytes = await buildGrantsXlsx({
      rows: [
        [1, person(0).name, 'Huyện Phù Cát', person(0).idNumber, person(0).phone, '28/06/2021'],
        [2, person(1).name, null, person(1).idNumber, null, '29/06/2021'],
        [3, person(2).name, null, person(2).idNumber, null, null],
      ],
    });
    const verdict = await sendFromDashboard(client, { form: 'grants' }, bytes, 'da-phan-quyen.xlsx');
    expect(verdict).toMatchObject({ status: 'accepted', accepted: true, rows: 3, form: 'grants', fileName: 'da-phan-quyen.xlsx' });
    const grants = await stack.current.deps.grants.listGrants();
    expect(grants.map((g) => g.idHash).sort()).toEqual([person(0), person(1)].map((p) => stack.current.deps.hashPersonId(p.idNumber)).sort());

    const [entry] = await auditEntries(client);
    expect(entry).toMatchObject({
      actor: STAFF,
      action: 'grants-imported',
      label: 'Nhập danh sách đã phân quyền',
      detail: { form: 'grants', uploadId: verdict.uploadId },
      upload: { status: 'accepted', rows: 3 },
    });
  });

  it('rejects a file naming someone on no roster: nothing recorded, the issues in Vietnamese and the marked workbook', async () => {
    const client = await signIn(stack.current, STAFF);
    const before = await stack.current.deps.grants.listGrants();
    const bytes = await buildGrantsXlsx({ rows: [[1, STRANGER.name, null, STRANGER.idNumber, null, '30/06/2021']] });
    const verdict = await sendFromDashboard(client, { form: 'grants' }, bytes, 'sai.xlsx');
    expect(verdict.status).toBe('rejected');
    expect(verdict.issues.map((i) => [i.row, i.code])).toContainEqual([4, 'GRANT_PERSON_NOT_ON_ROSTER']);
    expect(verdict.issues.every((i) => /[àáảãạăâđêôơư]/i.test(i.message))).toBe(true);
    expect(await stack.current.deps.grants.listGrants()).toEqual(before);

    const annotated = await fetch(`${stack.current.baseUrl}/api/admin/uploads/${verdict.uploadId}/annotated`, {
      headers: { cookie: client.cookie },
      redirect: 'manual',
    });
    expect(annotated.status).toBe(302);
    const workbook = await fetch(annotated.headers.get('location') ?? '');
    expect(workbook.status).toBe(200);
    expect((await auditEntries(client))[0]).toMatchObject({ action: 'grants-imported', upload: { status: 'rejected' } });
  });
});

describe("the month's statistics uploaded from the dashboard", () => {
  it('attributes the rows to units and lists those no roster lists by row, name and count, never a number', async () => {
    const client = await signIn(stack.current, STAFF);
    const bytes = await buildResultsXlsx({
      rows: [
        [1, person(0).name, person(0).idNumber, null, 12],
        [2, STRANGER.name, STRANGER.idNumber, STRANGER.phone, 7],
        [3, person(1).name, null, person(1).phone, 3],
        [4, 'Trần 052085930001', '052085930001', null, 2],
      ],
    });
    const verdict = await sendFromDashboard(client, { form: 'results', period: '2021-07' }, bytes, 'thong-ke-07-2021.xlsx');
    expect(verdict).toMatchObject({ status: 'accepted', rows: 4, form: 'results', period: '2021-07' });
    expect(verdict.issues.filter((i) => i.code === 'RESULTS_UNATTRIBUTED').map((i) => i.row)).toEqual([5, 7]);

    const list = await adminApi<Unattributed>(stack.current, client, '/results/unattributed?period=2021-07');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      period: '2021-07',
      file: { uploadId: verdict.uploadId, rowCount: 4 },
      // The name that holds an ID number is not repeated.
      rows: [
        { row: 5, name: STRANGER.name, accountsCreated: 7 },
        { row: 7, name: null, accountsCreated: 2 },
      ],
      accountsCreated: 9,
    });
    expect(asJsonWithoutUploadIds(list.body)).not.toMatch(LONG_DIGIT_RUN);
    expect(JSON.stringify(list.body)).not.toContain(stack.current.deps.hashPersonId(STRANGER.idNumber));

    const [entry] = await auditEntries(client);
    expect(entry).toMatchObject({ actor: STAFF, action: 'statistics-uploaded', detail: { form: 'results', period: '2021-07', uploadId: verdict.uploadId }, upload: { status: 'accepted' } });
    expect(asJsonWithoutUploadIds(await auditEntries(client))).not.toMatch(LONG_DIGIT_RUN);
  });

  it('says when the centre has sent nothing for the month', async () => {
    const client = await signIn(stack.current, STAFF);
    const list = await adminApi<Unattributed>(stack.current, client, '/results/unattributed?period=2021-08');
    expect(list.body).toEqual({ period: '2021-08', file: null, rows: [], accountsCreated: 0 });
  });
});

describe('the name shown for a row no roster lists', () => {
  /** The centre's current file of one row, as the store hands it out. */
  const storeWith = (name: string | null): Pick<ResultsStore, 'getCurrentResults'> => ({
    getCurrentResults: async (period) => ({
      pointer: { period, scope: CENTRE_UNIT, versionId: 'v', uploadId: 'u', orderKey: 'k', receivedAt: '', firstReceivedAt: '', rowCount: 1, total: 3, updatedAt: '', previousVersionId: null },
      rows: [{ row: 4, name, count: 3, unit: null }],
    }),
  });
  it.each([
    ['a name as written', 'Nguyễn Thị Hoà', 'Nguyễn Thị Hoà'],
    ['a name with a short number (a namesake told apart)', 'Lê Văn An 2', 'Lê Văn An 2'],
    ['an ID number typed into the name', 'Trần An 052085930001', null],
    ['a phone number split by separators', 'Trần An 0914.020.999', null],
    ['a phone number in full-width digits', 'Trần An ０９１４０２０９９７', null],
    ['no name at all', null, null],
  ] as const)('%s', async (_, written, shown) => {
    const answer = await unattributedRows({ results: storeWith(written) }, '2021-07');
    expect(answer.rows).toEqual([{ row: 4, name: shown, accountsCreated: 3 }]);
  });
});

describe('what the new routes refuse', () => {
  const tooLate = addMonths(periodBounds(new Date()).last, 1);
  it.each([
    ['a roster (the centre sends none)', { form: 'roster' }, 'BAD_REQUEST'],
    ['statistics without a month', { form: 'results' }, 'BAD_REQUEST'],
    ['a month that is not one', { form: 'results', period: '2021-13x' }, 'BAD_REQUEST'],
    ['statistics before 01/2021', { form: 'results', period: '2020-12' }, 'ADMIN_BAD_PERIOD'],
    ['statistics for a month after next', { form: 'results', period: tooLate }, 'ADMIN_BAD_PERIOD'],
    ['an unknown field', { form: 'grants', unit: '548' }, 'BAD_REQUEST'],
    ['a kind of file no form is read from', { form: 'grants', fileName: 'danh-sach.exe' }, 'UNSUPPORTED_TYPE'],
    ['an empty file', { form: 'grants', size: 0 }, 'FILE_EMPTY'],
    ['a file over the limit', { form: 'grants', size: 50 * 1024 * 1024 }, 'FILE_TOO_LARGE'],
  ] as const)('refuses %s with a Vietnamese message, and stores nothing', async (_, request, code) => {
    const client = await signIn(stack.current, STAFF);
    const [uploadsBefore, auditBefore] = [await centreUploads(), await auditEntries(client)];
    const answer = await adminApi<{ error: { code: string; message: string } }>(stack.current, client, '/uploads', {
      json: { fileName: 'tep.xlsx', contentType: XLSX_TYPE, size: 1000, ...request },
    });
    expect(answer.status).toBe(API_ERRORS[code].status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).toMatch(/[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/);
    expect(answer.body.error.message).not.toContain('{limit}');
    expect(await centreUploads()).toEqual(uploadsBefore);
    expect(await auditEntries(client)).toEqual(auditBefore);
  });

  it('refuses a month out of bounds for the unattributed rows', async () => {
    const client = await signIn(stack.current, STAFF);
    expect((await adminApi(stack.current, client, '/results/unattributed?period=2020-12')).status).toBe(400);
    expect((await adminApi(stack.current, client, '/results/unattributed')).status).toBe(400);
  });

  it('refuses to start an upload without the CSRF token', async () => {
    const client = await signIn(stack.current, STAFF);
    const before = await centreUploads();
    const answer = await adminApi(stack.current, client, '/uploads', { json: { form: 'grants', fileName: 'a.xlsx', contentType: XLSX_TYPE, size: 10 }, csrf: false });
    expect(answer.status).toBe(403);
    expect(await centreUploads()).toEqual(before);
  });

  it("does not show a unit's upload as if it were the centre's", async () => {
    const client = await signIn(stack.current, STAFF);
    const [roster] = await stack.current.deps.store.listUploads('548');
    expect((await adminApi(stack.current, client, `/uploads/${roster?.uploadId}`)).status).toBe(404);
  });

  it("gives a clerk's upload link none of the new routes, even with its token as a bearer and as the CSRF header", async () => {
    const token = tokenOf(stack.current.inviteLink('548'));
    const [upload] = await centreUploads();
    const headers = { authorization: `Bearer ${token}`, 'x-csrf-token': token };
    const answers = await Promise.all([
      adminApi(stack.current, undefined, '/uploads', { headers, json: { form: 'grants', fileName: 'a.xlsx', contentType: XLSX_TYPE, size: 10 } }),
      adminApi(stack.current, undefined, `/uploads/${upload?.uploadId}`, { headers }),
      adminApi(stack.current, undefined, '/results/unattributed?period=2021-07', { headers }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
  });
});
