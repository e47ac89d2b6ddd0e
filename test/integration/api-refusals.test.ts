/**
 * What the upload API refuses, and how, on the embedded stack. Old Excel and Word files are *accepted* by
 * the API on purpose: the clerk then gets the validator's precise Vietnamese message on how to convert
 * them (README "What a roster must look like"); a type the system cannot even name is refused at once
 * (415). An oversized request is 413, and a file name never keeps control or bidi characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanFileName } from '../../shared/pipeline/uploads.js';
import { type ApiAnswer, api, type PresignedPost, tokenOf, uploadFile, useLocalStack, XLSX_TYPE } from '../support/local-stack.js';
import { buildDocxBytes, buildOle2Bytes, buildRosterXlsx } from '../support/workbooks.js';

const stack = useLocalStack();

type ErrorBody = { error: { code: string; message: string } };
type ListBody = { uploads: { uploadId: string; fileName: string }[] };

function createUpload(token: string, body: Record<string, unknown>): Promise<ApiAnswer<PresignedPost & ErrorBody>> {
  return api<PresignedPost & ErrorBody>(stack.current, '/api/uploads', { json: { token, size: 1000, ...body } });
}

describe('file kinds', () => {
  it.each([
    ['an old Excel file', 'danh sach.xls', 'application/vnd.ms-excel', ['Workbook'], 'FILE_XLS_FORMAT', 'Lưu thành (File → Save As)'],
    ['a Word 97 file', 'danh sach.doc', 'application/msword', ['WordDocument'], 'FILE_WORD_DOCUMENT', 'Đây là tệp Word'],
    ['a Word file', 'danh sach.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', null, 'FILE_WORD_DOCUMENT', 'Đây là tệp Word'],
  ])('%s is taken (201) and answered with how to convert it, not a bare refusal', async (_label, fileName, contentType, streams, code, advice) => {
    const token = tokenOf(stack.current.inviteLink('548'));
    const bytes = streams ? buildOle2Bytes(streams) : buildDocxBytes();
    const result = await uploadFile(stack.current, token, { bytes, fileName, contentType });
    expect(result.status.status).toBe('rejected');
    expect(result.status.issues).toEqual([expect.objectContaining({ code, row: null, severity: 'error' })]);
    expect(result.status.issues[0]?.message).toContain(advice);
  });

  it.each([
    ['a PDF', 'danh sach.pdf', 'application/pdf'],
    ['a picture', 'danh sach.jpg', 'image/jpeg'],
    ['a program', 'danh sach.exe', 'application/octet-stream'],
    ['a ZIP archive', 'danh sach.zip', 'application/zip'],
    ['a file with no extension', 'danh sach', XLSX_TYPE],
    ['an .xlsx name with a PDF type', 'danh sach.xlsx', 'application/pdf'],
  ])('%s is refused at once with 415 and what to send instead', async (_label, fileName, contentType) => {
    const token = tokenOf(stack.current.inviteLink('548'));
    const answer = await createUpload(token, { fileName, contentType });
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe('UNSUPPORTED_TYPE');
    expect(answer.body.error.message).toContain('.xlsx');
  });
});

describe('request size', () => {
  it('answers 413 in Vietnamese to a request body over 16 KB, and creates no upload', async () => {
    const token = tokenOf(stack.current.inviteLink('546'));
    const answer = await createUpload(token, { fileName: `${'a'.repeat(20_000)}.xlsx`, contentType: XLSX_TYPE });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({ code: 'REQUEST_TOO_LARGE', message: expect.stringContaining('Yêu cầu gửi lên quá lớn') });
    const list = await api<ListBody>(stack.current, '/api/uploads', { token });
    expect(list.body.uploads).toEqual([]);
  });

  it('answers 413 to a declared file size over the limit', async () => {
    const token = tokenOf(stack.current.inviteLink('546'));
    const answer = await createUpload(token, { fileName: 'danh sach.xlsx', contentType: XLSX_TYPE, size: 6 * 1024 * 1024 });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('FILE_TOO_LARGE');
  });
});

describe('file names', () => {
  it.each([
    ['a NUL', 'danh\u0000 sach.xlsx', 'danh sach.xlsx'],
    ['a bell and a tab', 'danh\u0007\tsach.xlsx', 'danh sach.xlsx'],
    ['a line break', 'danh sach\r\n2021.xlsx', 'danh sach 2021.xlsx'],
    ['a C1 next-line and an escape', 'danh\u0085sach\u001B.xlsx', 'danh sach.xlsx'],
    ['a right-to-left override', 'danh sach\u202Excod.xlsx', 'danh sachxcod.xlsx'],
    ['bidi isolates and marks', '\u2066danh\u2069 sach\u200F\u061C.xlsx', 'danh sach.xlsx'],
    ['zero-width characters and a BOM', '\uFEFFdanh\u200B sach\u200D.xlsx', 'danh sach.xlsx'],
    ['a line separator', 'danh\u2028sach.xlsx', 'danh sach.xlsx'],
    ['decomposed Vietnamese', 'danh sa\u0301ch ca\u0301n bo\u0302\u0323.xlsx', 'danh sách cán bộ.xlsx'],
  ])('strips %s: the stored and listed name is clean', async (_label, fileName, stored) => {
    const token = tokenOf(stack.current.inviteLink('547'));
    const created = await createUpload(token, { fileName, contentType: XLSX_TYPE });
    expect(created.status).toBe(201);
    const list = await api<ListBody>(stack.current, '/api/uploads', { token });
    const listed = list.body.uploads.find((u) => u.uploadId === created.body.uploadId);
    expect(listed?.fileName).toBe(stored);
    const status = await api<{ fileName: string }>(stack.current, `/api/uploads/${created.body.uploadId}`, { token });
    expect(status.body.fileName).toBe(stored);
    expect((await stack.current.deps.store.getUpload(created.body.uploadId))?.fileName).toBe(stored);
  });

  it.each([
    ['only control characters', '\u0000\u0007\u202E'],
    ['only spaces and bidi marks', ' \u200E \u200F '],
  ])('refuses a name of %s (400), and creates no upload', async (_label, fileName) => {
    const token = tokenOf(stack.current.inviteLink('549'));
    const answer = await createUpload(token, { fileName, contentType: XLSX_TYPE });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BAD_REQUEST');
    expect((await api<ListBody>(stack.current, '/api/uploads', { token })).body.uploads).toEqual([]);
  });

  it('a cleaned name still gets its file checked: a real roster under a disguised name is processed', async () => {
    const token = tokenOf(stack.current.inviteLink('546'));
    const bytes = await buildRosterXlsx();
    const result = await uploadFile(stack.current, token, { bytes, fileName: 'danh\u202E sach.xlsx' });
    expect(['accepted', 'rejected']).toContain(result.status.status);
    expect(result.status.fileName).toBe('danh sach.xlsx');
  });
});

describe('cleanFileName', () => {
  const hidden = fc.constantFrom('\u0000', '\u0007', '\u001B', '\u007F', '\u0090', '\u200B', '\u200E', '\u202A', '\u202E', '\u2066', '\u2069', '\uFEFF', '\u00AD');
  const visible = fc.constantFrom(...'danh sách cán bộ 2021-06 (1)_ĐƠN.xlsx');
  const name = fc.array(fc.oneof(visible, hidden, fc.constantFrom('\t', '\n', '\u2028')), { maxLength: 60 }).map((chars) => chars.join(''));

  it('leaves no control, format or separator character, whatever is mixed in, and is idempotent', () => {
    fc.assert(
      fc.property(name, (raw) => {
        const cleaned = cleanFileName(raw);
        expect(cleaned).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
        expect(cleaned).not.toMatch(/^\s|\s$|\s{2}/);
        expect(cleanFileName(cleaned)).toBe(cleaned);
      }),
    );
  });

  it('keeps every visible character of the name, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(visible, hidden), { maxLength: 60 }), (chars) => {
        const visibleOnly = chars.filter((c) => !/[\p{Cc}\p{Cf}]/u.test(c)).join('');
        expect(cleanFileName(chars.join(''))).toBe(visibleOnly.normalize('NFC').replace(/\s+/g, ' ').trim());
      }),
    );
  });
});
