/**
 * The embedded stack for one test file: free ports, DynamoDB in memory, S3 in a temp dir, stopped after the
 * file. Plus the client side of an upload as the page does it: ask the API for a presigned POST, send the
 * file to S3 with a multipart form, wait for the processing.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../infra/local/stack.js';
import { unitByCode, unitsInScope } from '../../shared/vn/units.js';
import { buildRosterXlsx } from './workbooks.js';

export type { LocalStack };

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({ port: 0, quiet: true, logLevel: 'ERROR', retryDelaysMs: [20, 50], ...options });
}

/** Starts a stack before the file's tests and stops it after; read `.current` inside tests. */
export function useLocalStack(options: LocalStackOptions = {}): { readonly current: LocalStack } {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(options);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return {
    get current(): LocalStack {
      if (!stack) throw new Error('local stack not started');
      return stack;
    },
  };
}

/** The token in an invite link `<base>/u/<token>`. */
export function tokenOf(link: string): string {
  const token = new URL(link).pathname.split('/u/')[1];
  if (!token) throw new Error('not an invite link');
  return token;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(
  stack: LocalStack,
  path: string,
  init: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface PresignedPost {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/** POSTs the file to S3 with the presigned form, exactly as a browser form would (the file field last). */
export async function postToS3(presigned: PresignedPost, bytes: Uint8Array, fileName: string, contentType = XLSX_TYPE): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob([Buffer.from(bytes)], { type: contentType }), fileName);
  return fetch(presigned.url, { method: 'POST', body: form });
}

export interface UploadResult {
  uploadId: string;
  presigned: PresignedPost;
  status: Record<string, unknown> & { status: string; accepted: boolean | null; rows: number | null; issues: { code: string; row: number | null; severity: string; message: string }[]; reportUrl: string | null };
}

/** The whole client side of one upload; resolves once the stack has processed the S3 event. */
export async function uploadFile(
  stack: LocalStack,
  token: string,
  input: { path?: string; bytes?: Uint8Array; fileName?: string; contentType?: string },
): Promise<UploadResult> {
  const bytes = input.bytes ?? new Uint8Array(await readFile(input.path ?? ''));
  const fileName = input.fileName ?? basename(input.path ?? 'danh-sach.xlsx');
  const contentType = input.contentType ?? XLSX_TYPE;
  const created = await api<PresignedPost>(stack, '/api/uploads', {
    json: { token, fileName, contentType, size: bytes.byteLength },
  });
  if (created.status !== 201) throw new Error(`POST /api/uploads answered ${created.status}`);
  const posted = await postToS3(created.body, bytes, fileName, contentType);
  if (!posted.ok) throw new Error(`S3 POST answered ${posted.status}`);
  await stack.whenIdle();
  const status = await api<UploadResult['status']>(stack, `/api/uploads/${created.body.uploadId}`, { token });
  return { uploadId: created.body.uploadId, presigned: created.body, status: status.body };
}

// ── Rosters to upload ─────────────────────────────────────────────────────────────────────────────────

export interface Person {
  name: string;
  /** As a clerk writes it in the "Đơn vị" column. */
  unit: string;
  idNumber: string;
  phone: string;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'] as const;
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hữu'] as const;
const GIVEN = ['An', 'Bình', 'Cường', 'Dung', 'Giang', 'Hải', 'Khánh', 'Lan', 'Mai', 'Nam', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Uyên', 'Vy'] as const;

/**
 * `count` distinct, valid officials of a district (its own one-stop shop and its communes). `series`
 * (0–99) keeps ID and phone numbers of different batches apart: the same series and index give the same
 * person, which is how a test puts one person on two rosters.
 */
export function districtPeople(district: string, count: number, series: number, start = 0): Person[] {
  const places = unitsInScope(district);
  return Array.from({ length: count }, (_, offset) => {
    const i = start + offset;
    const place = places[i % places.length];
    const placeName = place ? place.name.replace(/^(Huyện|Thị xã|Thành phố|Xã|Phường|Thị trấn) /, (type) => type.toLowerCase()) : '';
    const serial = `${String(series).padStart(2, '0')}${String(i).padStart(4, '0')}`;
    return {
      name: `${FAMILY[i % FAMILY.length]} ${MIDDLE[Math.floor(i / FAMILY.length) % MIDDLE.length]} ${GIVEN[Math.floor(i / 60) % GIVEN.length]}`,
      unit: `BPMC ${placeName}`,
      // 052 Bình Định, 0 = man born in the 1900s, 85 = born 1985.
      idNumber: `052085${serial}`,
      phone: `0914${serial}`,
    };
  });
}

/** An Appendix 2 workbook sent by `sender` (e.g. "UBND huyện Phù Cát"), IDs and phones typed as text. */
export async function rosterWorkbook(sender: string, people: readonly Person[]): Promise<Uint8Array> {
  return buildRosterXlsx({
    sender,
    rows: people.map((p, i) => [i + 1, p.name, p.unit, p.idNumber, p.phone]),
  });
}

/** "UBND huyện Phù Cát" for 548, as the sender line of a district's roster reads. */
export function senderLine(district: string): string {
  const name = unitByCode(district)?.name ?? district;
  return `UBND ${name.replace(/^(Huyện|Thị xã|Thành phố) /, (type) => type.toLowerCase())}`;
}
