/**
 * The upload API's domain steps: hand out a presigned POST for a token, answer an upload's status, list the
 * link's uploads, cancel an upload whose file was not sent, build the link's blank form. Each step checks
 * the token first and changes nothing when anything is wrong. A link sees only the uploads of its own
 * holder and form (and month, for the monthly forms): a results link never reads a roster.
 */
import * as z from 'zod';
import { incomingKey, presignDownload, presignUpload } from '../aws/s3.js';
import { DEFAULT_SUPPORT_CONTACT, type SupportContact } from '../config.js';
import { NotFoundError, TokenError, UploadRefusal } from '../errors.js';
import { holderName, type TemplateRequest, templateBytes, templateFileName } from '../forms/templates.js';
import { createLinkRevocations, isRevoked } from '../store/link-revocations.js';
import type { UploadDetail, UploadRecord, UploadStatus } from '../store/types.js';
import { CENTRE_UNIT, formAllowedFor, type TokenClaims, type UploadForm, verifyToken } from '../tokens.js';
import { type Issue, makeIssue } from '../verdict.js';
import { isUploaderUnit, unitByCode } from '../vn/units.js';
import { formatMegabytes } from '../workbook/zip-guard.js';
import type { PipelineDeps } from './deps.js';
import { UPLOAD_CANCELLED, UPLOAD_NEVER_RECEIVED, UPLOAD_URL_TTL_SECONDS, uploadAsSeenAt } from './processing-deadline.js';

export { UPLOAD_URL_TTL_SECONDS };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const GENERIC_TYPES = ['', 'application/octet-stream', 'binary/octet-stream'];

/**
 * File kinds a clerk may send: the roster engine reads .xlsx and .csv, and answers the others (old .xls,
 * .ods, Word) with a precise Vietnamese message on how to convert them, which beats a bare refusal here.
 * Each lists the content types browsers report for it; the first is the one bound into the POST policy
 * when the browser reports none.
 */
export const UPLOAD_FILE_KINDS = {
  xlsx: [XLSX],
  xlsm: ['application/vnd.ms-excel.sheet.macroenabled.12', XLSX],
  csv: ['text/csv', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel', 'text/plain'],
  xls: ['application/vnd.ms-excel'],
  ods: ['application/vnd.oasis.opendocument.spreadsheet'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  doc: ['application/msword'],
} as const satisfies Record<string, readonly string[]>;
type FileKind = keyof typeof UPLOAD_FILE_KINDS;

/** Breaks and tabs (C0, C1's NEL, Unicode line and paragraph separators): they stood between words. */
const BREAKS_IN_FILE_NAMES = /[\t\n\v\f\r\u0085\u2028\u2029]/gu;
/**
 * Characters a file name never needs and that only hide or disguise it: the other C0/C1 controls (NUL,
 * bell, escape) and format characters (the bidi overrides and isolates that make `tep\u202Eslx.exe` read
 * as `tepexe.xls`, zero-width characters, BOM).
 */
const INVISIBLE_IN_FILE_NAMES = /[\p{Cc}\p{Cf}]/gu;

/**
 * The file name as stored and shown back: NFC, breaks turned into spaces, invisible and control characters
 * removed, runs of spaces collapsed, trimmed. Stripped rather than refused: they arrive by copy-paste, and
 * the clerk recognizes their file by its name.
 */
export function cleanFileName(fileName: string): string {
  return fileName
    .normalize('NFC')
    .replace(BREAKS_IN_FILE_NAMES, ' ')
    .replace(INVISIBLE_IN_FILE_NAMES, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The extension and the content type to bind, or an `UNSUPPORTED_TYPE` refusal. */
export function uploadFileKind(fileName: string, contentType: string): { extension: FileKind; contentType: string } {
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(fileName.trim())?.[1]?.toLowerCase();
  if (!extension || !Object.hasOwn(UPLOAD_FILE_KINDS, extension)) throw new UploadRefusal('UNSUPPORTED_TYPE');
  const kind = extension as FileKind;
  const allowed: readonly string[] = UPLOAD_FILE_KINDS[kind];
  const type = contentType.trim().toLowerCase().split(';')[0]?.trim() ?? '';
  if (allowed.includes(type)) return { extension: kind, contentType: type };
  if (GENERIC_TYPES.includes(type)) return { extension: kind, contentType: allowed[0] ?? XLSX };
  throw new UploadRefusal('UNSUPPORTED_TYPE');
}

/**
 * The token's claims, refusing a holder that is neither an uploader unit (or no longer one) nor the centre
 * (such a token admits no one), and a link the centre revoked (`revoke`: one consistent GetItem per
 * request, so a revoke holds from the next request on). Whether the holder may send its form is
 * `createUpload`'s question.
 */
export async function authorize(deps: PipelineDeps, token: string | undefined): Promise<TokenClaims> {
  const claims = verifyToken(token, deps.tokenSecret, deps.now());
  if (claims.unit !== CENTRE_UNIT && !isUploaderUnit(claims.unit)) throw new TokenError('wrong-unit');
  const revocation = await createLinkRevocations({ doc: deps.clients.doc, tableName: deps.config.tableName }).revocationOf(claims.unit);
  if (isRevoked(claims.issuedAt, revocation)) throw new TokenError('revoked');
  return claims;
}

/** Monthly forms are about one month; a roster is not, so a roster link sees its unit's rosters of any month. */
function isMonthly(form: UploadForm): boolean {
  return form !== 'roster';
}

/** Whether the link `claims` may see `upload`: its own holder, form and (for monthly forms) month. */
function visibleTo(claims: TokenClaims, upload: Pick<UploadRecord, 'unit' | 'form' | 'period'>): boolean {
  return upload.unit === claims.unit && upload.form === claims.form && (!isMonthly(claims.form) || upload.period === claims.period);
}

/** An upload id as the API hands it out (newUploadId in deps.ts): anything else names no upload. */
export const UPLOAD_ID_PATTERN = /^[a-z0-9]{8,40}$/;

/**
 * The file fields of an upload request as a route's boundary parses them (the name cleaned before its length
 * is checked: a name of control characters only is no name).
 */
export const UPLOAD_FILE_FIELDS = {
  fileName: z.string().max(1024).transform(cleanFileName).pipe(z.string().min(1).max(255)),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
} as const;

/** The file a caller means to send, as the page describes it before sending it. */
export interface UploadFileRequest {
  fileName: string;
  contentType: string;
  size: number;
}

export interface CreateUploadRequest extends UploadFileRequest {
  token: string;
}

export interface CreatedUpload {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/**
 * Who an upload is for and until when it may be sent: a link's claims, or the centre's dashboard sending for
 * the centre (its session's expiry then bounds the presigned POST).
 */
export type UploadHolder = Pick<TokenClaims, 'unit' | 'form' | 'period' | 'expiresAt'>;

export const REPORT_URL_TTL_SECONDS = 5 * 60;

export async function createUpload(deps: PipelineDeps, request: CreateUploadRequest): Promise<CreatedUpload> {
  const claims = await authorize(deps, request.token);
  return presignUploadFor(deps, claims, request);
}

/**
 * The one way an upload is started, whoever asks (a clerk's link or the centre's dashboard): the holder's form
 * and the file are checked, the upload recorded `pending`, and a presigned POST to
 * `incoming/<holder>/<uploadId>.<ext>` handed out. The file then takes the same S3 event → process-upload path
 * as every other: nothing here skips validation.
 */
export async function presignUploadFor(deps: PipelineDeps, holder: UploadHolder, request: UploadFileRequest): Promise<CreatedUpload> {
  if (!formAllowedFor(holder.unit, holder.form)) throw new UploadRefusal('FORM_NOT_SUPPORTED');
  if (request.size < 1) throw new UploadRefusal('FILE_EMPTY');
  if (request.size > deps.config.maxUploadBytes) throw new UploadRefusal('FILE_TOO_LARGE');
  const fileName = cleanFileName(request.fileName);
  const kind = uploadFileKind(fileName, request.contentType);

  const now = deps.now();
  const uploadId = deps.newUploadId();
  const key = incomingKey(holder.unit, uploadId, kind.extension);
  // Never outlive the token (or session) that allowed it.
  const ttlSeconds = Math.max(
    1,
    Math.min(UPLOAD_URL_TTL_SECONDS, Math.floor((holder.expiresAt.getTime() - now.getTime()) / 1000)),
  );
  const presigned = await presignUpload(deps.clients.s3, {
    bucket: deps.config.bucketName,
    key,
    contentType: kind.contentType,
    maxBytes: deps.config.maxUploadBytes,
    expiresInSeconds: ttlSeconds,
    now,
  });
  await deps.store.createUpload({
    uploadId,
    unit: holder.unit,
    form: holder.form,
    period: holder.period,
    objectKey: key,
    fileName,
    contentType: kind.contentType,
    declaredSize: request.size,
    createdAt: now,
  });
  deps.logger.info('upload link issued', { uploadId, unit: holder.unit, form: holder.form, declaredSize: request.size });
  return { uploadId, url: presigned.url, fields: presigned.fields, expiresAt: presigned.expiresAt.toISOString() };
}

/** One official of an accepted roster, as its receipt shows them: never an ID or phone number. */
export interface ReceiptOfficial {
  row: number;
  name: string;
  unitName: string;
}

export interface UploadStatusView {
  uploadId: string;
  status: UploadStatus;
  accepted: boolean | null;
  /** Number of data rows read: a count, never the rows. */
  rows: number | null;
  issues: Issue[];
  reportUrl: string | null;
  fileName: string;
  createdAt: string;
  form: UploadForm;
  period: string;
  /** A stable code when `status` is `failed` (`UPLOAD_CANCELLED` for an upload the clerk cancelled). */
  failureCode: string | null;
  /** An accepted roster's officials, for its receipt (absent otherwise, and empty once a later roster replaced it). */
  officials?: ReceiptOfficial[];
}

/**
 * An upload's state for its link. A `processing` one whose every delivery is over, or a `pending` one whose
 * file can no longer arrive, reads as `failed` (processing-deadline.ts). Another holder's upload is refused
 * (403); an upload of another form or month is, to this link, no upload at all (404).
 */
export async function getUploadStatus(deps: PipelineDeps, token: string | undefined, uploadId: string): Promise<UploadStatusView> {
  const claims = await authorize(deps, token);
  const stored = await deps.store.getUpload(uploadId);
  if (!stored) throw new NotFoundError('upload');
  if (stored.unit !== claims.unit) throw new TokenError('wrong-unit');
  if (!visibleTo(claims, stored)) throw new NotFoundError('upload of another form or month');
  return uploadStatusView(deps, stored);
}

/**
 * An upload's verdict as the upload page and the dashboard show it, once the caller has checked it may see
 * it. A `processing` upload whose every delivery is over, or a `pending` one whose file can no longer arrive,
 * reads as `failed` (processing-deadline.ts).
 */
export async function uploadStatusView(deps: PipelineDeps, stored: UploadDetail): Promise<UploadStatusView> {
  const upload = uploadAsSeenAt(stored, deps.now());
  const issues = upload.status === 'failed' ? [failureIssue(upload.failureCode)] : upload.issues;
  // A file refused as a whole (a Word file, an old .xls) has no cell to mark: its workbook would only repeat the message.
  const hasCellsToMark = issues.some((issue) => issue.row !== null);
  const reportUrl =
    upload.annotatedKey && hasCellsToMark
      ? await presignDownload(deps.clients.s3, {
          bucket: deps.config.bucketName,
          key: upload.annotatedKey,
          downloadName: annotatedFileName(upload.fileName),
          expiresInSeconds: REPORT_URL_TTL_SECONDS,
        })
      : null;
  const officials =
    upload.status === 'accepted' && upload.form === 'roster' && upload.versionId
      ? (await deps.store.listVersionReceipt(upload.unit, upload.versionId)).map((official) => ({
          row: official.row,
          name: official.name,
          unitName: unitByCode(official.workUnitCode)?.name ?? official.workUnitCode,
        }))
      : undefined;
  return {
    uploadId: upload.uploadId,
    status: upload.status,
    accepted: upload.accepted,
    rows: upload.rowsRead,
    issues,
    reportUrl,
    // Cleaned on the way out too: uploads stored before names were cleaned may still carry such characters.
    fileName: cleanFileName(upload.fileName),
    createdAt: upload.createdAt,
    form: upload.form,
    period: upload.period,
    failureCode: upload.status === 'failed' ? (upload.failureCode ?? null) : null,
    ...(officials ? { officials } : {}),
  };
}

/**
 * The annotated workbook's name: the clerk's own file's, so they recognize it among their downloads.
 * ASCII only (it travels in a quoted header): diacritics are dropped, anything else unsafe becomes "-".
 */
export function annotatedFileName(fileName: string): string {
  const base = fileName
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9 ._()-]+/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .slice(0, 100);
  return `${base || 'danh-sach'} - ket qua kiem tra.xlsx`;
}

/** A failed upload still tells the clerk what happened and what to do, as a file-level issue. */
function failureIssue(code: string | null): Issue {
  if (code === UPLOAD_CANCELLED) return makeIssue('UPLOAD_CANCELLED');
  return makeIssue(code === UPLOAD_NEVER_RECEIVED ? 'UPLOAD_NOT_RECEIVED' : 'PROCESSING_FAILED');
}

export interface UploadListItem {
  uploadId: string;
  fileName: string;
  status: UploadStatus;
  accepted: boolean | null;
  rows: number | null;
  createdAt: string;
  failureCode: string | null;
  /** A later accepted file took this one's place (the unit's roster, or its file for the month). */
  replaced: boolean;
}

export interface UploadListView {
  unit: { code: string; name: string };
  form: TokenClaims['form'];
  period: string;
  expiresAt: string;
  /** The accepted upload in force: the unit's current roster, or its file for the month; null when none. */
  currentUploadId: string | null;
  uploads: UploadListItem[];
}

/**
 * The accepted upload in force among `uploads`: the one with the newest S3 order key, which is exactly the
 * rule the roster pointer (and the results pointer) flips by, so no extra read is needed to know it.
 */
function uploadInForce(uploads: readonly UploadRecord[]): UploadRecord | undefined {
  let current: UploadRecord | undefined;
  for (const upload of uploads) {
    if (upload.status !== 'accepted' || upload.objectVersion === null) continue;
    if (!current || (current.objectVersion ?? '') < upload.objectVersion) current = upload;
  }
  return current;
}

/** Grants add up; the other forms replace: a later accepted file takes the place of every earlier one. */
function isReplacedBy(upload: UploadRecord, current: UploadRecord | undefined, form: UploadForm): boolean {
  if (!current || form === 'grants' || upload.uploadId === current.uploadId) return false;
  if (upload.status === 'accepted') return true;
  const settled = upload.status === 'rejected' || upload.status === 'failed';
  return settled && upload.createdAt < current.createdAt;
}

export async function listUploadsForToken(deps: PipelineDeps, token: string | undefined): Promise<UploadListView> {
  const claims = await authorize(deps, token);
  const now = deps.now();
  const uploads = (await deps.store.listUploads(claims.unit))
    .map((upload) => uploadAsSeenAt(upload, now))
    .filter((upload) => visibleTo(claims, upload));
  const current = claims.form === 'grants' ? undefined : uploadInForce(uploads);
  return {
    unit: { code: claims.unit, name: holderName(claims.unit) },
    form: claims.form,
    period: claims.period,
    expiresAt: claims.expiresAt.toISOString(),
    currentUploadId: current?.uploadId ?? null,
    uploads: uploads.map((u) => ({
      uploadId: u.uploadId,
      fileName: cleanFileName(u.fileName),
      status: u.status,
      accepted: u.accepted,
      rows: u.rowsRead,
      createdAt: u.createdAt,
      failureCode: u.status === 'failed' ? (u.failureCode ?? null) : null,
      replaced: isReplacedBy(u, current, claims.form),
    })),
  };
}

/**
 * The clerk cancelled the transfer: the upload is recorded `failed` with `UPLOAD_CANCELLED` (contract 3's
 * statuses are fixed), so history says "cancelled" instead of "waiting to be checked". Only a `pending`
 * upload whose file has not been announced changes. Should the file still arrive complete (the cancel came
 * after the last byte), it is processed normally and its verdict replaces the cancellation: the verdict is
 * what the system now holds, and the page shows it.
 */
export async function cancelUpload(deps: PipelineDeps, token: string | undefined, uploadId: string): Promise<UploadStatusView> {
  const claims = await authorize(deps, token);
  const stored = await deps.store.getUpload(uploadId);
  if (!stored) throw new NotFoundError('upload');
  if (stored.unit !== claims.unit) throw new TokenError('wrong-unit');
  if (!visibleTo(claims, stored)) throw new NotFoundError('upload of another form or month');
  const cancelled = await deps.store.cancelUpload(uploadId, UPLOAD_CANCELLED, deps.now());
  deps.logger.info('upload cancelled by the clerk', { uploadId, unit: claims.unit, changed: cancelled });
  return getUploadStatus(deps, token, uploadId);
}

/** What the page needs before any token is checked: the upload limit the API enforces, and whom to call. */
export interface PageSettings {
  maxUploadBytes: number;
  /** The limit as the page writes it ("5 MB"). */
  maxUploadLabel: string;
  support: SupportContact;
}

export function pageSettings(deps: PipelineDeps): PageSettings {
  return {
    maxUploadBytes: deps.config.maxUploadBytes,
    maxUploadLabel: formatMegabytes(deps.config.maxUploadBytes),
    support: deps.config.supportContact ?? DEFAULT_SUPPORT_CONTACT,
  };
}

/** The link's blank form: the roster with its unit filled in, the month's results, or the grants list. */
export async function templateForToken(
  deps: PipelineDeps,
  token: string | undefined,
): Promise<{ fileName: string; bytes: Uint8Array }> {
  const claims = await authorize(deps, token);
  const request: TemplateRequest = { form: claims.form, unit: claims.unit, period: claims.period };
  return { fileName: templateFileName(request), bytes: await templateBytes(request) };
}
