/**
 * When an upload still `processing` is given up for lost. On AWS an S3 event reaches process-upload through
 * SQS: a failed delivery comes back after the queue's visibility timeout, and after `MAX_RECEIVE_COUNT`
 * deliveries the message moves to the dead-letter queue (and its alarm) without anything marking the upload
 * `failed`. Every delivery that gets as far as the upload item stamps `updatedAt`, so once the last stamp is
 * older than every delivery could take, none is coming: readers answer `failed` (with what to do) instead
 * of `processing` for ever. Reads only; nothing is written, so a late verdict (an operator redriving the
 * dead-letter queue) still lands and wins.
 *
 * (An upload whose event never reached the function at all stays `pending`: the item cannot tell it from
 * a link that was asked for and never used.)
 */
import type { UploadRecord } from '../store/types.js';
import type { FailureCode } from './process-upload.js';

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

/** The failure code answered for an upload whose processing was given up for lost (never stored). */
export const PROCESSING_ABANDONED: FailureCode = 'PROCESSING_ABANDONED';

/** True when `upload` is still `processing` but no delivery of its event can still be running or come. */
export function isProcessingAbandoned(upload: Pick<UploadRecord, 'status' | 'updatedAt'>, now: Date): boolean {
  if (upload.status !== 'processing') return false;
  const since = Date.parse(upload.updatedAt);
  return Number.isFinite(since) && now.getTime() - since > PROCESSING_GIVE_UP_MS;
}

/** The upload as a reader should see it at `now`: a lost `processing` reads as `failed`. */
export function uploadAsSeenAt<T extends UploadRecord>(upload: T, now: Date): T {
  if (!isProcessingAbandoned(upload, now)) return upload;
  return { ...upload, status: 'failed', failureCode: PROCESSING_ABANDONED };
}
