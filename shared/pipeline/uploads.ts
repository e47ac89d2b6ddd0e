/**
 * The upload API's domain steps: hand out a presigned POST for a token, answer an upload's status, list a
 * unit's uploads. Each step checks the token first and changes nothing when anything is wrong.
 */
import { incomingKey, presignDownload, presignUpload } from '../aws/s3.js';
import { NotFoundError, TokenError, UploadRefusal } from '../errors.js';
import type { UploadStatus } from '../store/types.js';
import { type TokenClaims, verifyToken } from '../tokens.js';
import { type Issue, makeIssue } from '../verdict.js';
import { isUploaderUnit, unitByCode } from '../vn/units.js';
import type { PipelineDeps } from './deps.js';
import type { FailureCode } from './process-upload.js';
import { UPLOAD_URL_TTL_SECONDS, uploadAsSeenAt } from './processing-deadline.js';

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

/** The token's claims, refusing a unit that is not (or no longer) an uploader: such a token admits no one. */
export function authorize(deps: PipelineDeps, token: string | undefined): TokenClaims {
  const claims = verifyToken(token, deps.tokenSecret, deps.now());
  if (!isUploaderUnit(claims.unit)) throw new TokenError('wrong-unit');
  return claims;
}

export interface CreateUploadRequest {
  token: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface CreatedUpload {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export const REPORT_URL_TTL_SECONDS = 5 * 60;

export async function createUpload(deps: PipelineDeps, request: CreateUploadRequest): Promise<CreatedUpload> {
  const claims = authorize(deps, request.token);
  if (claims.form !== 'roster') throw new UploadRefusal('FORM_NOT_SUPPORTED');
  if (request.size < 1) throw new UploadRefusal('FILE_EMPTY');
  if (request.size > deps.config.maxUploadBytes) throw new UploadRefusal('FILE_TOO_LARGE');
  const kind = uploadFileKind(request.fileName, request.contentType);

  const now = deps.now();
  const uploadId = deps.newUploadId();
  const key = incomingKey(claims.unit, uploadId, kind.extension);
  // Never outlive the token that allowed it.
  const ttlSeconds = Math.max(
    1,
    Math.min(UPLOAD_URL_TTL_SECONDS, Math.floor((claims.expiresAt.getTime() - now.getTime()) / 1000)),
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
    unit: claims.unit,
    form: claims.form,
    period: claims.period,
    objectKey: key,
    fileName: request.fileName.trim(),
    contentType: kind.contentType,
    declaredSize: request.size,
    createdAt: now,
  });
  deps.logger.info('upload link issued', { uploadId, unit: claims.unit, declaredSize: request.size });
  return { uploadId, url: presigned.url, fields: presigned.fields, expiresAt: presigned.expiresAt.toISOString() };
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
}

/**
 * An upload's state for its unit. A `processing` one whose every delivery is over, or a `pending` one whose
 * file can no longer arrive, reads as `failed` (processing-deadline.ts).
 */
export async function getUploadStatus(deps: PipelineDeps, token: string | undefined, uploadId: string): Promise<UploadStatusView> {
  const claims = authorize(deps, token);
  const stored = await deps.store.getUpload(uploadId);
  if (!stored) throw new NotFoundError('upload');
  const upload = uploadAsSeenAt(stored, deps.now());
  if (upload.unit !== claims.unit) throw new TokenError('wrong-unit');
  const reportUrl = upload.annotatedKey
    ? await presignDownload(deps.clients.s3, {
        bucket: deps.config.bucketName,
        key: upload.annotatedKey,
        downloadName: `ket-qua-kiem-tra-${upload.uploadId}.xlsx`,
        expiresInSeconds: REPORT_URL_TTL_SECONDS,
      })
    : null;
  const issues =
    upload.status === 'failed' ? [failureIssue((upload.failureCode ?? 'VALIDATION_FAILED') as FailureCode)] : upload.issues;
  return {
    uploadId: upload.uploadId,
    status: upload.status,
    accepted: upload.accepted,
    rows: upload.rowsRead,
    issues,
    reportUrl,
    fileName: upload.fileName,
    createdAt: upload.createdAt,
  };
}

/** A failed upload still tells the clerk what to do, as a file-level issue (a file that never arrived: send it again). */
function failureIssue(code: FailureCode): Issue {
  return makeIssue(code === 'OBJECT_MISSING' ? 'UPLOAD_NOT_RECEIVED' : 'PROCESSING_FAILED');
}

export interface UploadListView {
  unit: { code: string; name: string };
  form: TokenClaims['form'];
  period: string;
  expiresAt: string;
  uploads: { uploadId: string; fileName: string; status: UploadStatus; accepted: boolean | null; rows: number | null; createdAt: string }[];
}

export async function listUploadsForToken(deps: PipelineDeps, token: string | undefined): Promise<UploadListView> {
  const claims = authorize(deps, token);
  const now = deps.now();
  const uploads = (await deps.store.listUploads(claims.unit)).map((upload) => uploadAsSeenAt(upload, now));
  return {
    unit: { code: claims.unit, name: unitByCode(claims.unit)?.name ?? claims.unit },
    form: claims.form,
    period: claims.period,
    expiresAt: claims.expiresAt.toISOString(),
    uploads: uploads.map((u) => ({
      uploadId: u.uploadId,
      fileName: u.fileName,
      status: u.status,
      accepted: u.accepted,
      rows: u.rowsRead,
      createdAt: u.createdAt,
    })),
  };
}
