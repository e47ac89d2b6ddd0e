/**
 * The upload API over HTTP on the local server (the same Hono app API Gateway runs): a presigned POST whose
 * policy binds key, size and type (decoded here, since s3rver does not enforce it), the status and list of
 * a unit's uploads, and every refusal with its status, a Vietnamese message, and no change anywhere.
 */
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { API_ERRORS, type ApiErrorCode, apiErrorMessage } from '../../functions/api/errors.js';
import type { LambdaEvent } from 'hono/aws-lambda';
import { createApiApp, createApiHandler } from '../../functions/api/app.js';
import { DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_SUPPORT_CONTACT, loadConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';
import { CENTRE_UNIT, issueToken } from '../../shared/tokens.js';
import { api, type PresignedPost, tokenOf, useLocalStack, XLSX_TYPE } from '../support/local-stack.js';

const stack = useLocalStack();
const VIETNAMESE = /[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]/i;

const link = (unit: string, options: Parameters<typeof stack.current.inviteLink>[1] = {}) =>
  tokenOf(stack.current.inviteLink(unit, options));
const body = (token: string, overrides: Record<string, unknown> = {}) => ({
  token,
  fileName: 'Danh sách Phù Cát.xlsx',
  contentType: XLSX_TYPE,
  size: 20_000,
  ...overrides,
});

interface PolicyDocument {
  expiration: string;
  conditions: (Record<string, string> | [string, string | number, string | number])[];
}

function decodePolicy(fields: Record<string, string>): PolicyDocument {
  return JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as PolicyDocument;
}

function expectRefusal(answer: { status: number; body: unknown }, code: ApiErrorCode) {
  const message = apiErrorMessage(code, { maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES });
  expect(answer.status).toBe(API_ERRORS[code].status);
  expect(answer.body).toEqual({ error: { code, message } });
  expect(message).toMatch(VIETNAMESE);
  expect(message).not.toContain('{');
}

describe('POST /api/uploads', () => {
  it('answers a presigned POST whose policy binds the key, 1 byte–5 MiB, the content type and minutes of validity', async () => {
    const before = Date.now();
    const answer = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(link('548')) });
    expect(answer.status).toBe(201);
    const { uploadId, url, fields, expiresAt } = answer.body;
    expect(uploadId).toMatch(/^[a-z0-9]{21}$/);
    expect(url).toBe(`${stack.current.s3Url}/${stack.current.bucketName}`);
    expect(fields.key).toBe(`incoming/548/${uploadId}.xlsx`);
    expect(fields['Content-Type']).toBe(XLSX_TYPE);

    const policy = decodePolicy(fields);
    expect(policy.conditions).toContainEqual({ key: `incoming/548/${uploadId}.xlsx` });
    expect(policy.conditions).toContainEqual({ bucket: stack.current.bucketName });
    expect(policy.conditions).toContainEqual(['content-length-range', 1, DEFAULT_MAX_UPLOAD_BYTES]);
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', XLSX_TYPE]);
    const validForMs = new Date(policy.expiration).getTime() - before;
    expect(validForMs).toBeGreaterThan(60_000);
    expect(validForMs).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expect(new Date(expiresAt).getTime()).toBe(new Date(policy.expiration).getTime());
    // The clerk's file name (it may say anything) stays out of the key and the policy.
    expect(JSON.stringify(policy)).not.toContain('Phù Cát');
  });

  it('records the upload as pending, visible to its unit', async () => {
    const token = link('545');
    const created = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(token) });
    const status = await api(stack.current, `/api/uploads/${created.body.uploadId}`, { token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ uploadId: created.body.uploadId, status: 'pending', accepted: null, rows: null, issues: [], reportUrl: null });
  });

  it.each([
    ['a CSV saved by Excel', 'ds.csv', 'application/vnd.ms-excel', 'incoming/549/', '.csv', 'application/vnd.ms-excel'],
    ['an .xlsx the browser could not type', 'ds.XLSX', '', 'incoming/549/', '.xlsx', XLSX_TYPE],
    ['an old .xls (the validator explains how to convert it)', 'ds.xls', 'application/vnd.ms-excel', 'incoming/549/', '.xls', 'application/vnd.ms-excel'],
  ])('accepts %s and binds a matching content type', async (_label, fileName, contentType, prefix, extension, bound) => {
    const answer = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(link('549'), { fileName, contentType }) });
    expect(answer.status).toBe(201);
    expect(answer.body.fields.key?.startsWith(prefix)).toBe(true);
    expect(answer.body.fields.key?.endsWith(extension)).toBe(true);
    expect(decodePolicy(answer.body.fields).conditions).toContainEqual(['eq', '$Content-Type', bound]);
  });

  const expired = () =>
    issueToken({ unit: '550', form: 'roster', period: '2021-06', expiresAt: new Date(Date.now() - 1000) }, stack.current.tokenSecret);
  const forged = () =>
    issueToken({ unit: '550', form: 'roster', period: '2021-06', expiresAt: new Date(Date.now() + 3_600_000) }, 'x'.repeat(40));
  const commune = () =>
    issueToken({ unit: '21871', form: 'roster', period: '2021-06', expiresAt: new Date(Date.now() + 3_600_000) }, stack.current.tokenSecret);

  it.each<[string, () => unknown, ApiErrorCode]>([
    ['a body that is not JSON', () => 'not json', 'BAD_REQUEST'],
    ['a body without a token', () => ({ fileName: 'a.xlsx', contentType: XLSX_TYPE, size: 10 }), 'BAD_REQUEST'],
    ['a negative size', () => body(link('550'), { size: -1 }), 'BAD_REQUEST'],
    ['an empty file', () => body(link('550'), { size: 0 }), 'FILE_EMPTY'],
    ['a file over 5 MiB', () => body(link('550'), { size: DEFAULT_MAX_UPLOAD_BYTES + 1 }), 'FILE_TOO_LARGE'],
    ['a PDF', () => body(link('550'), { fileName: 'ds.pdf', contentType: 'application/pdf' }), 'UNSUPPORTED_TYPE'],
    ['an .xlsx claiming to be an image', () => body(link('550'), { contentType: 'image/png' }), 'UNSUPPORTED_TYPE'],
    ['a file without an extension', () => body(link('550'), { fileName: 'danhsach' }), 'UNSUPPORTED_TYPE'],
    ['a malformed token', () => body('v1.abc'), 'TOKEN_MALFORMED'],
    ['a token signed with another secret', () => body(forged()), 'TOKEN_FORGED'],
    ['an expired token', () => body(expired()), 'TOKEN_EXPIRED'],
    ['a genuine token of a unit that may not upload', () => body(commune()), 'TOKEN_WRONG_UNIT'],
    ['a grants link held by a unit (only the centre sends grants)', () => body(link('550', { form: 'grants' })), 'FORM_NOT_SUPPORTED'],
    ['a roster link held by the centre (it has no roster)', () => body(link(CENTRE_UNIT)), 'FORM_NOT_SUPPORTED'],
  ])('refuses %s with a Vietnamese message, recording nothing', async (_label, makeBody, code) => {
    const { deps } = stack.current;
    const before = [...(await deps.store.listUploads('550')), ...(await deps.store.listUploads(CENTRE_UNIT))];
    const payload = makeBody();
    const response = await fetch(`${stack.current.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    expectRefusal({ status: response.status, body: await response.json() }, code);
    expect([...(await deps.store.listUploads('550')), ...(await deps.store.listUploads(CENTRE_UNIT))]).toEqual(before);
  });

  it.each([
    ['a unit’s results link for a month', '549', 'results', 'Thị xã An Nhơn'],
    ['the centre’s results link', CENTRE_UNIT, 'results', 'Trung tâm Phục vụ hành chính công tỉnh'],
    ['the centre’s grants link', CENTRE_UNIT, 'grants', 'Trung tâm Phục vụ hành chính công tỉnh'],
  ] as const)('takes a file on %s, under the holder’s own prefix', async (_label, unit, form, name) => {
    const token = link(unit, { form, period: '2021-07' });
    const created = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(token, { fileName: 'thang-7.xlsx' }) });
    expect(created.status).toBe(201);
    expect(created.body.fields.key).toBe(`incoming/${unit}/${created.body.uploadId}.xlsx`);
    const list = await api<{ unit: unknown; form: string; period: string; uploads: { uploadId: string }[] }>(stack.current, '/api/uploads', { token });
    expect(list.body).toMatchObject({ unit: { code: unit, name }, form, period: '2021-07' });
    expect(list.body.uploads.map((u) => u.uploadId)).toContain(created.body.uploadId);
  });
});

describe('what a link may see', () => {
  it('a results link neither lists nor reads the unit’s roster uploads, nor another month’s results', async () => {
    const roster = link('547');
    const july = link('547', { form: 'results', period: '2021-07' });
    const august = link('547', { form: 'results', period: '2021-08' });
    const rosterUpload = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(roster, { fileName: 'danh-sach.xlsx' }) });
    const julyUpload = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(july, { fileName: 'thang-7.xlsx' }) });

    const listed = async (token: string) =>
      (await api<{ uploads: { fileName: string }[] }>(stack.current, '/api/uploads', { token })).body.uploads.map((u) => u.fileName);
    expect(await listed(july)).toEqual(['thang-7.xlsx']);
    expect(await listed(august)).toEqual([]);
    expect(await listed(roster)).toEqual(['danh-sach.xlsx']);

    expectRefusal(await api(stack.current, `/api/uploads/${rosterUpload.body.uploadId}`, { token: july }), 'NOT_FOUND');
    expectRefusal(await api(stack.current, `/api/uploads/${julyUpload.body.uploadId}`, { token: august }), 'NOT_FOUND');
    expectRefusal(await api(stack.current, `/api/uploads/${julyUpload.body.uploadId}`, { token: roster }), 'NOT_FOUND');
    expect((await api(stack.current, `/api/uploads/${julyUpload.body.uploadId}`, { token: july })).body).toMatchObject({
      status: 'pending',
      form: 'results',
      period: '2021-07',
    });
  });

  it('a roster link sees its unit’s rosters whatever month the link was issued in (a roster is not monthly)', async () => {
    const june = link('543', { period: '2021-06' });
    const created = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(june) });
    const later = link('543', { period: '2021-09' });
    expect((await api(stack.current, `/api/uploads/${created.body.uploadId}`, { token: later })).status).toBe(200);
  });
});

describe('POST /api/uploads/<uploadId>/cancel', () => {
  it('records an upload the clerk cancelled as failed with UPLOAD_CANCELLED, and says so in Vietnamese', async () => {
    const token = link('542');
    const created = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(token, { fileName: 'huy.xlsx' }) });
    const cancelled = await api<{ status: string; failureCode: string; issues: { code: string; message: string }[] }>(
      stack.current,
      `/api/uploads/${created.body.uploadId}/cancel`,
      { method: 'POST', token },
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'failed', failureCode: 'UPLOAD_CANCELLED' });
    expect(cancelled.body.issues.map((i) => i.code)).toEqual(['UPLOAD_CANCELLED']);
    expect(cancelled.body.issues[0]?.message).toMatch(VIETNAMESE);

    const list = await api<{ uploads: { uploadId: string; status: string; failureCode: string | null }[] }>(stack.current, '/api/uploads', { token });
    expect(list.body.uploads.find((u) => u.uploadId === created.body.uploadId)).toMatchObject({ status: 'failed', failureCode: 'UPLOAD_CANCELLED' });
  });

  it.each<[string, (uploadId: string) => { path: string; token?: string }, ApiErrorCode]>([
    ['without a token', (id) => ({ path: `/api/uploads/${id}/cancel` }), 'TOKEN_MISSING'],
    ['with another unit’s token', (id) => ({ path: `/api/uploads/${id}/cancel`, token: link('540') }), 'TOKEN_WRONG_UNIT'],
    ['for an unknown upload', () => ({ path: '/api/uploads/0000000000000000000000/cancel', token: link('542') }), 'NOT_FOUND'],
  ])('refuses a cancel %s and changes nothing', async (_label, request, code) => {
    const created = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(link('542')) });
    const { path, token } = request(created.body.uploadId);
    expectRefusal(await api(stack.current, path, { method: 'POST', ...(token === undefined ? {} : { token }) }), code);
    expect((await api(stack.current, `/api/uploads/${created.body.uploadId}`, { token: link('542') })).body).toMatchObject({ status: 'pending' });
  });
});

describe('GET /api/settings', () => {
  it('tells the page, without any token, the upload limit the API enforces and whom to call', async () => {
    const settings = await api(stack.current, '/api/settings');
    expect(settings.status).toBe(200);
    expect(settings.body).toEqual({ maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES, maxUploadLabel: '5 MB', support: DEFAULT_SUPPORT_CONTACT });
  });

  const environment = {
    TABLE_NAME: 'motcua-intake',
    BUCKET_NAME: 'motcua-uploads',
    TOKEN_SECRET: 'x'.repeat(40),
    MAX_UPLOAD_BYTES: String(2 * 1024 * 1024),
    SUPPORT_CONTACT: JSON.stringify({ name: 'Trung tâm Phục vụ hành chính công tỉnh Bình Định', phone: '0256 3 818 888' }),
    SUPPORT_CONTACT_EMAIL: 'hotro@binhdinh.gov.vn',
  };

  it('answers what the function is configured with, and its own refusals state the same limit', async () => {
    const app = createApiApp({ ...stack.current.deps, config: loadConfig(environment) });
    const settings = await app.request('/api/settings');
    expect(await settings.json()).toEqual({
      maxUploadBytes: 2 * 1024 * 1024,
      maxUploadLabel: '2 MB',
      support: { name: 'Trung tâm Phục vụ hành chính công tỉnh Bình Định', phone: '0256 3 818 888', email: 'hotro@binhdinh.gov.vn' },
    });
    const tooLarge = await app.request('/api/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body(link('550'), { size: 3 * 1024 * 1024 })),
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { message: string } }).error.message).toContain('(tối đa 2 MB)');
  });

  it.each([
    ['SUPPORT_CONTACT that is not JSON', { SUPPORT_CONTACT: '{name:' }],
    ['a support phone with letters', { SUPPORT_CONTACT_PHONE: 'gọi tổng đài' }],
    ['a support e-mail that is no address', { SUPPORT_CONTACT_EMAIL: 'hotro' }],
    ['an unknown field', { SUPPORT_CONTACT: JSON.stringify({ name: 'TT', fax: '1' }) }],
  ])('refuses %s at start-up, naming the variable', (_label, overrides) => {
    expect(() => loadConfig({ ...environment, ...overrides })).toThrow(ConfigError);
    expect(() => loadConfig({ ...environment, ...overrides })).toThrow(/SUPPORT_CONTACT/);
  });
});

describe('GET /api/template', () => {
  async function template(token: string | undefined): Promise<{ response: Response; sheet: ExcelJS.Worksheet | undefined }> {
    const response = await fetch(`${stack.current.baseUrl}/api/template`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    if (!response.ok) return { response, sheet: undefined };
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    return { response, sheet: workbook.worksheets[0] };
  }
  const rowText = (sheet: ExcelJS.Worksheet | undefined, row: number) =>
    ((sheet?.getRow(row).values as unknown[]) ?? []).slice(1).map((value) => String(value ?? ''));

  it.each([
    ['a district’s roster link', '548', 'roster', 'Phụ lục 2', 'Đơn vị cung cấp: UBND huyện Phù Cát', ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại']],
    ['a department’s roster link', 'so-noi-vu', 'roster', 'Phụ lục 2', 'Đơn vị cung cấp: Sở Nội vụ', ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại']],
    ['a results link', '548', 'results', 'Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021', 'Đơn vị cung cấp: UBND huyện Phù Cát', ['STT', 'Họ và tên', 'CMND/CCCD', 'Số điện thoại', 'Số tài khoản đã tạo']],
    ['the centre’s grants link', CENTRE_UNIT, 'grants', 'Danh sách cán bộ đã được phân quyền', 'Đơn vị cung cấp: Trung tâm Phục vụ hành chính công tỉnh', ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại', 'Ngày phân quyền']],
  ] as const)('builds the blank form of %s', async (_label, unit, form, title, sender, header) => {
    const { response, sheet } = await template(link(unit, { form, period: '2021-07' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="mau-[a-z0-9-]+\.xlsx"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(rowText(sheet, 1)[0]).toContain(title);
    expect(rowText(sheet, 4)[0]).toBe(sender);
    expect(rowText(sheet, 6)).toEqual(header);
  });

  it('comes through API Gateway as a binary body (base64), the same workbook', async () => {
    const handler = createApiHandler(stack.current.deps);
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/api/template',
      rawQueryString: '',
      headers: { host: 'example.execute-api.ap-southeast-1.amazonaws.com', authorization: `Bearer ${link('548')}` },
      body: null,
      requestContext: {
        accountId: '123456789012',
        apiId: 'example',
        authentication: null,
        authorizer: {},
        domainName: 'example.execute-api.ap-southeast-1.amazonaws.com',
        domainPrefix: 'example',
        http: { method: 'GET', path: '/api/template', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
        requestId: 'api-gateway-request',
        routeKey: '$default',
        stage: '$default',
        time: '20/Jun/2021:03:00:00 +0000',
        timeEpoch: 1624158000000,
      },
      isBase64Encoded: false,
    } as unknown as LambdaEvent;
    const answer = await handler(event);
    expect(answer).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(answer.body, 'base64') as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets[0]?.getCell('A4').value).toBe('Đơn vị cung cấp: UBND huyện Phù Cát');
  });

  it.each<[string, string | undefined, ApiErrorCode]>([
    ['no token', undefined, 'TOKEN_MISSING'],
    ['a malformed token', 'v1.abc', 'TOKEN_MALFORMED'],
  ])('refuses %s', async (_label, token, code) => {
    const { response } = await template(token);
    expectRefusal({ status: response.status, body: await response.json() }, code);
  });
});

describe('GET /api/uploads/<uploadId> and GET /api/uploads', () => {
  it('lists the unit’s own uploads, newest first, with the unit’s name and the link’s terms', async () => {
    const token = link('551', { period: '2021-06' });
    const first = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(token, { fileName: 'lan-1.xlsx' }) });
    const second = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(token, { fileName: 'lan-2.xlsx' }) });
    await api(stack.current, '/api/uploads', { json: body(link('540'), { fileName: 'khac.xlsx' }) });
    const list = await api<{ unit: unknown; form: string; period: string; uploads: { uploadId: string; fileName: string; status: string }[] }>(
      stack.current,
      '/api/uploads',
      { token },
    );
    expect(list.status).toBe(200);
    expect(list.body.unit).toEqual({ code: '551', name: 'Huyện Vân Canh' });
    expect(list.body).toMatchObject({ form: 'roster', period: '2021-06' });
    expect(list.body.uploads.map((u) => [u.uploadId, u.fileName, u.status])).toEqual([
      [second.body.uploadId, 'lan-2.xlsx', 'pending'],
      [first.body.uploadId, 'lan-1.xlsx', 'pending'],
    ]);
  });

  it('is never cached', async () => {
    const response = await fetch(`${stack.current.baseUrl}/api/uploads`, { headers: { authorization: `Bearer ${link('551')}` } });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it.each<[string, (uploadId: string) => { path: string; token?: string }, ApiErrorCode]>([
    ['no Authorization header', (id) => ({ path: `/api/uploads/${id}` }), 'TOKEN_MISSING'],
    ['another unit’s token', (id) => ({ path: `/api/uploads/${id}`, token: link('540') }), 'TOKEN_WRONG_UNIT'],
    ['a forged token', (id) => ({ path: `/api/uploads/${id}`, token: `${link('542').slice(0, -4)}AAAA` }), 'TOKEN_FORGED'],
    ['an unknown upload id', () => ({ path: '/api/uploads/0000000000000000000000', token: link('542') }), 'NOT_FOUND'],
    ['a malformed upload id', () => ({ path: '/api/uploads/..%2F..%2Fetc', token: link('542') }), 'NOT_FOUND'],
    ['a malformed upload id without a token', () => ({ path: '/api/uploads/..%2F..%2Fetc' }), 'TOKEN_MISSING'],
    ['the list without a token', () => ({ path: '/api/uploads' }), 'TOKEN_MISSING'],
  ])('answers %s with its status and a Vietnamese message', async (_label, request, code) => {
    const created = await api<PresignedPost>(stack.current, '/api/uploads', { json: body(link('542')) });
    const { path, token } = request(created.body.uploadId);
    expectRefusal(await api(stack.current, path, token === undefined ? {} : { token }), code);
    // And the upload itself is untouched.
    const still = await api(stack.current, `/api/uploads/${created.body.uploadId}`, { token: link('542') });
    expect(still.body).toMatchObject({ status: 'pending' });
  });

  it('answers an unknown API route with a JSON 404, not a page', async () => {
    expectRefusal(await api(stack.current, '/api/nothing-here'), 'NOT_FOUND');
  });
});
