/**
 * SQS queues of the app: encrypted at rest, TLS only, and every work queue backed by a dead-letter queue
 * that keeps a failed message for the longest SQS allows, so an operator has two weeks to look at it.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** A message that failed this many deliveries moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
const DEAD_LETTER_RETENTION = Duration.days(14);

/** A queue that only ever receives failures. */
export function createDeadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue: its messages are failures kept for an operator, with an alarm on its depth.',
  });
  return queue;
}

export interface WorkQueue {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/**
 * A work queue in front of a function. `visibilityTimeout` must cover the consumer's timeout with room to
 * spare (AWS advises six times), else a message still in work is delivered a second time.
 */
export function createWorkQueue(scope: Construct, id: string, props: { visibilityTimeout: Duration }): WorkQueue {
  const deadLetterQueue = createDeadLetterQueue(scope, `${id}DeadLetters`);
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout,
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
  });
  return { queue, deadLetterQueue };
}
