/**
 * When an upload still `pending` or `processing` is given up for lost. Reads only: nothing is written, so a
 * late event or verdict still lands and wins.
 *
 * `processing`: on AWS an S3 event reaches process-upload through SQS: a failed delivery comes back after
 * the queue's visibility timeout, and after `MAX_RECEIVE_COUNT` deliveries the message moves to the
 * dead-letter queue (and its alarm) without anything marking the upload `failed`. Every delivery that gets
 * as far as the upload item stamps `updatedAt`, so once the last stamp is older than every delivery could
 * take, none is coming: readers answer `failed` (with what to do) instead of `processing` for ever.
 *
 * `pending`: the upload is recorded when the page asks for its presigned POST, before the browser sends the
 * file. A transfer that was cancelled or failed leaves nothing behind to say so; once the POST has expired
 * and any file sent in time would have been announced, none is coming: readers answer `failed` with
 * `UPLOAD_NOT_RECEIVED` ("upload again") instead of "waiting to be checked" for ever.
 */
import type { UploadRecord } from '../store/types.js';
import type { FailureCode } from './process-upload.js';

/**
 * Lifetime of the presigned POST (uploads.ts re-exports it): short enough that a leaked form is soon
 * useless, long enough for a slow district connection. Defined here because uploads.ts imports this
 * module, and the bounds below are computed from it when the module loads.
 */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/**
 * Mirrors `UPLOAD_QUEUE_VISIBILITY` in infra/intake-stack.ts: six times the process-upload timeout
 * (`FUNCTION_SIZES.workbook.timeout`, 90 s, in infra/constructs/intake-function.ts).
 */
export const UPLOAD_QUEUE_VISIBILITY_TIMEOUT_SECONDS = 6 * 90;
/** Mirrors `MAX_RECEIVE_COUNT` in infra/constructs/queues.ts. */
export const UPLOAD_QUEUE_MAX_RECEIVE_COUNT = 5;

/**
 * 45 minutes. A failed delivery's message is visible again one visibility timeout after it was received,
 * and each delivery ends within the function timeout, so the last one ends within
 * (receives − 1) × visibility + timeout of the first: visibility × receives covers that with room to spare.
 * (A backlog beyond the function's concurrency can hold a visible message back longer; should its delivery
 * then succeed, the verdict it records simply replaces the `failed` reading.)
 */
export const PROCESSING_GIVE_UP_MS = UPLOAD_QUEUE_VISIBILITY_TIMEOUT_SECONDS * UPLOAD_QUEUE_MAX_RECEIVE_COUNT * 1000;

/**
 * 45 minutes after the presigned POST expires, the same bound as for `processing`. A transfer begun just
 * before the POST expires may still be streaming after it: the largest file allowed (5 MB) over a 64 kbit/s
 * line takes about 11 minutes.
 * Once stored, S3 announces the object through the upload queue within seconds, and the first delivery's
 * first write (`beginProcessing`) turns the upload `processing`; only deliveries failing before that write
 * keep it `pending`, and they retry on the very schedule `PROCESSING_GIVE_UP_MS` was built to outlast
 * (its real envelope is 37.5 minutes, leaving the rest for the transfer). Should a crawl of a transfer and
 * a run of such failures together outlast it, the verdict is still recorded and replaces the reading.
 */
export const UPLOAD_ARRIVAL_GRACE_MS = PROCESSING_GIVE_UP_MS;

/** 60 minutes after the POST was issued (its `createdAt`): past it, no file sent with it can still arrive. */
export const PENDING_GIVE_UP_MS = UPLOAD_URL_TTL_SECONDS * 1000 + UPLOAD_ARRIVAL_GRACE_MS;

/** The failure code answered for an upload whose processing was given up for lost (never stored). */
export const PROCESSING_ABANDONED: FailureCode = 'PROCESSING_ABANDONED';

/**
 * The failure code answered for a `pending` upload whose file never arrived (never stored): the one
 * process-upload records when the announced object is gone, which the API answers as `UPLOAD_NOT_RECEIVED`.
 */
export const UPLOAD_NEVER_RECEIVED: FailureCode = 'OBJECT_MISSING';

/**
 * The failure code stored for an upload the clerk cancelled before its file was sent (`POST
 * /api/uploads/<id>/cancel`): contract 3's statuses are fixed, so a cancelled upload is `failed` with it.
 */
export const UPLOAD_CANCELLED = 'UPLOAD_CANCELLED';

/** True when `upload` is still `processing` but no delivery of its event can still be running or come. */
export function isProcessingAbandoned(upload: Pick<UploadRecord, 'status' | 'updatedAt'>, now: Date): boolean {
  return upload.status === 'processing' && isOlderThan(upload.updatedAt, PROCESSING_GIVE_UP_MS, now);
}

/** True when `upload` is still `pending` but no file sent with its POST can still arrive or be announced. */
export function isUploadNeverReceived(upload: Pick<UploadRecord, 'status' | 'createdAt'>, now: Date): boolean {
  return upload.status === 'pending' && isOlderThan(upload.createdAt, PENDING_GIVE_UP_MS, now);
}

/** The upload as a reader should see it at `now`: a lost `processing` or a never-sent `pending` reads as `failed`. */
export function uploadAsSeenAt<T extends UploadRecord>(upload: T, now: Date): T {
  if (isProcessingAbandoned(upload, now)) return { ...upload, status: 'failed', failureCode: PROCESSING_ABANDONED };
  if (isUploadNeverReceived(upload, now)) return { ...upload, status: 'failed', failureCode: UPLOAD_NEVER_RECEIVED };
  return upload;
}

function isOlderThan(isoTime: string, ms: number, now: Date): boolean {
  const since = Date.parse(isoTime);
  return Number.isFinite(since) && now.getTime() - since > ms;
}
