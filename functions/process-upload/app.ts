/**
 * The process-upload function: S3 ObjectCreated notifications, delivered directly or inside SQS messages
 * (the AWS app puts a queue with a dead-letter queue in between, with `reportBatchItemFailures`).
 * Parse, decode the key, hand each object to `processUpload`; retryable failures are thrown (S3) or
 * reported per message (SQS), so the platform redelivers exactly those. Each verdict (accepted, rejected)
 * and each permanent failure is counted in CloudWatch metrics when a `Metrics` is given (on Lambda,
 * handler.ts); locally none is, so `npm start` and the tests print no metric lines.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse } from 'aws-lambda';
import * as z from 'zod';
import { decodeEventKey } from '../../shared/aws/s3.js';
import { type LambdaHandler, safeError, withLambdaContext } from '../../shared/logger.js';
import type { PipelineDeps } from '../../shared/pipeline/deps.js';
import { type ProcessOutcome, processUpload, type UploadedObject } from '../../shared/pipeline/process-upload.js';
import type { Store } from '../../shared/store/store.js';
import type { UploadForm } from '../../shared/tokens.js';
import { type CountedOutcome, FORM_DIMENSION, UPLOAD_METRICS } from './metrics.js';

const s3Record = z.object({
  eventSource: z.literal('aws:s3').optional(),
  eventName: z.string(),
  eventTime: z.iso.datetime({ offset: true }),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().default(0),
      eTag: z.string().optional(),
      sequencer: z.string().regex(/^[0-9A-Fa-f]{1,32}$/),
    }),
  }),
});
const s3Event = z.object({ Records: z.array(z.unknown()) });
const s3TestEvent = z.object({ Event: z.literal('s3:TestEvent') });
const sqsEvent = z.object({
  Records: z
    .array(z.object({ eventSource: z.literal('aws:sqs'), messageId: z.string(), body: z.string() }))
    .min(1),
});

/** On Lambda the runtime passes the context (logged as `function_request_id`…); the local stack passes none. */
export type ProcessUploadHandler = LambdaHandler<unknown, SQSBatchResponse | undefined>;

export interface ProcessUploadOptions {
  /** Where outcome counts go (Powertools EMF on Lambda); none: not counted. */
  metrics?: Metrics;
}

/** The outcomes that are counted: a verdict or a permanent failure (not duplicates, stale or foreign events). */
function countedOutcome(outcome: ProcessOutcome): CountedOutcome | undefined {
  return outcome.kind === 'accepted' || outcome.kind === 'rejected' || outcome.kind === 'failed' ? outcome.kind : undefined;
}

/**
 * `processUpload` with the form of the upload it began on. The outcome does not carry the form and a
 * lookup would cost a read per file, so the store's own `beginProcessing` answer is observed instead.
 */
async function processObservingForm(deps: PipelineDeps, object: UploadedObject): Promise<{ outcome: ProcessOutcome; form?: UploadForm }> {
  let form: UploadForm | undefined;
  const beginProcessing: Store['beginProcessing'] = async (...args) => {
    const begun = await deps.store.beginProcessing(...args);
    if (begun.outcome === 'started') form = begun.upload.form;
    return begun;
  };
  const outcome = await processUpload({ ...deps, store: { ...deps.store, beginProcessing } }, object);
  return form ? { outcome, form } : { outcome };
}

/** One count, published at once: nothing is buffered across records, invocations or concurrent deliveries. */
function count(metrics: Metrics, outcome: CountedOutcome, form: UploadForm): void {
  metrics.addDimension(FORM_DIMENSION, form);
  metrics.addMetric(UPLOAD_METRICS[outcome], MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

export function createProcessUploadHandler(deps: PipelineDeps, options: ProcessUploadOptions = {}): ProcessUploadHandler {
  const log = deps.logger;
  const { metrics } = options;

  async function processAndCount(object: UploadedObject): Promise<void> {
    if (!metrics) {
      await processUpload(deps, object);
      return;
    }
    const { outcome, form } = await processObservingForm(deps, object);
    const counted = countedOutcome(outcome);
    // A verdict or a failure always follows a started processing, so its form is known.
    if (counted && form) count(metrics, counted, form);
  }

  /** Processes every ObjectCreated record of one S3 notification; throws if one needs a retry. */
  async function handleNotification(notification: unknown): Promise<void> {
    if (s3TestEvent.safeParse(notification).success) return;
    const parsed = s3Event.safeParse(notification);
    if (!parsed.success) throw new Error('not an S3 event notification');
    for (const raw of parsed.data.Records) {
      const record = s3Record.safeParse(raw);
      if (!record.success) throw new Error('malformed S3 event record');
      const { eventName, eventTime, s3 } = record.data;
      if (!eventName.startsWith('ObjectCreated:')) continue;
      const key = decodeEventKey(s3.object.key);
      if (key === undefined) {
        log.warn('S3 event key is not URL-encoded as AWS does; ignored');
        continue;
      }
      const object: UploadedObject = {
        bucket: s3.bucket.name,
        key,
        size: s3.object.size,
        sequencer: s3.object.sequencer,
        eventTime: new Date(eventTime),
        ...(s3.object.eTag ? { eTag: s3.object.eTag } : {}),
      };
      await processAndCount(object);
    }
  }

  return withLambdaContext(log, async (event) => {
    const sqs = sqsEvent.safeParse(event);
    if (!sqs.success) {
      // Direct S3 invocation (async): throwing makes Lambda retry the whole event.
      await handleNotification(event);
      return undefined;
    }
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of sqs.data.Records) {
      try {
        await handleNotification(JSON.parse(message.body));
      } catch (error) {
        // Redelivered by SQS; after maxReceiveCount it lands in the dead-letter queue (and its alarm).
        log.error('upload event failed; will be retried', { messageId: message.messageId, ...safeError(error) });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  });
}
