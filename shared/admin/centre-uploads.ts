/**
 * The centre's own uploads from the dashboard: the grants it recorded on the portal and the portal's monthly
 * statistics. The dashboard asks for a presigned POST for the centre (`CENTRE_UNIT`) through the very function
 * a clerk's link uses, sends the file straight to S3, and the file takes the same S3 event → process-upload
 * path as any other; then it reads the verdict and, for statistics, the rows no roster lists.
 */
import { AdminRefusal, NotFoundError } from '../errors.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { uploadAsSeenAt } from '../pipeline/processing-deadline.js';
import {
  type CreatedUpload,
  presignUploadFor,
  type UploadFileRequest,
  type UploadStatusView,
  uploadStatusView,
} from '../pipeline/uploads.js';
import type { ResultsStore } from '../store/results.js';
import type { UploadStatus } from '../store/types.js';
import { CENTRE_UNIT, FORMS_BY_HOLDER, isPeriodInBounds } from '../tokens.js';
import { holdsPersonalNumber } from '../vn/text.js';
import { vietnamMonth } from '../vn/time.js';
import type { AuditAction, AuditEntry } from './audit.js';

/** What the centre sends: the grants it recorded, or the portal's statistics for a month. */
export const CENTRE_UPLOAD_FORMS = FORMS_BY_HOLDER.centre;
export type CentreUploadForm = (typeof CENTRE_UPLOAD_FORMS)[number];

/** The audit action each of the centre's uploads is recorded under. */
export const CENTRE_UPLOAD_AUDIT = {
  grants: 'grants-imported',
  results: 'statistics-uploaded',
} as const satisfies Record<CentreUploadForm, AuditAction>;

export type CentreUploadRequest = UploadFileRequest &
  ({ form: 'grants' } | { form: 'results'; period: string });

export interface StartedCentreUpload extends CreatedUpload {
  form: CentreUploadForm;
  period: string;
}

/**
 * A presigned POST for one of the centre's files, bounded by the staff member's session. Statistics are
 * about the month asked (bounded like a link's: 01/2021 to next month); grants are not monthly and are filed
 * under the current month, as a centre grants link is.
 */
export async function startCentreUpload(
  deps: PipelineDeps,
  request: CentreUploadRequest,
  sessionExpiresAt: Date,
): Promise<StartedCentreUpload> {
  const now = deps.now();
  const period = request.form === 'results' ? request.period : vietnamMonth(now);
  if (!isPeriodInBounds(period, now)) throw new AdminRefusal('bad-period');
  const created = await presignUploadFor(
    deps,
    { unit: CENTRE_UNIT, form: request.form, period, expiresAt: sessionExpiresAt },
    { fileName: request.fileName, contentType: request.contentType, size: request.size },
  );
  return { ...created, form: request.form, period };
}

/** The verdict of one of the centre's uploads, in the shape the upload page reads; a unit's upload is not found here. */
export async function centreUploadStatus(deps: PipelineDeps, uploadId: string): Promise<UploadStatusView> {
  const stored = await deps.store.getUpload(uploadId);
  if (!stored || stored.unit !== CENTRE_UNIT) throw new NotFoundError('centre upload');
  return uploadStatusView(deps, stored);
}

/** A row of the centre's statistics that no roster listed when the file was accepted. */
export interface UnattributedRow {
  /** The row number Excel shows in the centre's file. */
  row: number;
  /** The name as the file gives it; null when it has none, or holds digits that may be an ID or phone number. */
  name: string | null;
  accountsCreated: number;
}

export interface UnattributedRows {
  period: string;
  /** The centre's file in force for the month, or null when it sent none. */
  file: { uploadId: string; receivedAt: string; rowCount: number } | null;
  rows: UnattributedRow[];
  accountsCreated: number;
}

/**
 * The rows of the centre's current statistics for `period` that no roster listed, for staff to fix the
 * roster or the file. Only the row, the name and the count: the store read never touches the ID or phone
 * hashes, and a name holding six digits or more is not repeated (it may be a number typed in the wrong cell).
 */
export async function unattributedRows(deps: { results: Pick<ResultsStore, 'getCurrentResults'> }, period: string): Promise<UnattributedRows> {
  const current = await deps.results.getCurrentResults(period, CENTRE_UNIT);
  if (!current) return { period, file: null, rows: [], accountsCreated: 0 };
  const rows = current.rows
    .filter((row) => row.unit === null)
    .map((row) => ({
      row: row.row,
      name: row.name === null || holdsPersonalNumber(row.name) ? null : row.name,
      accountsCreated: row.count,
    }));
  return {
    period,
    file: { uploadId: current.pointer.uploadId, receivedAt: current.pointer.receivedAt, rowCount: current.pointer.rowCount },
    rows,
    accountsCreated: rows.reduce((sum, row) => sum + row.accountsCreated, 0),
  };
}

/** How a file sent from the dashboard fared, as the audit view shows it beside the entry: counts only. */
export interface AuditedUpload {
  status: UploadStatus;
  accepted: boolean | null;
  rows: number | null;
  issues: number | null;
}

/**
 * Each audit entry with the verdict of the upload it started, if any (one GetItem per such entry: the
 * centre sends a few files a month). An entry is written when the file is sent, so the trail also shows a
 * file that was rejected or never arrived, and who tried.
 */
export async function withUploadOutcomes(
  deps: Pick<PipelineDeps, 'store' | 'now'>,
  entries: readonly AuditEntry[],
): Promise<(AuditEntry & { upload: AuditedUpload | null })[]> {
  const now = deps.now();
  return Promise.all(
    entries.map(async (entry) => {
      const stored = entry.detail.uploadId ? await deps.store.getUpload(entry.detail.uploadId) : undefined;
      if (!stored) return { ...entry, upload: null };
      const upload = uploadAsSeenAt(stored, now);
      return { ...entry, upload: { status: upload.status, accepted: upload.accepted, rows: upload.rowsRead, issues: upload.issueCount } };
    }),
  );
}
