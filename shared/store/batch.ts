/**
 * BatchWriteItem in chunks of 25 and BatchGetItem in chunks of 100 (the DynamoDB maximums) with a few chunks
 * in flight, and a bounded retry of UnprocessedItems / UnprocessedKeys. The SDK's retry strategy already retries throttled *requests*; UnprocessedItems come back
 * in a successful response, so only the caller can resend them.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../errors.js';

export const BATCH_WRITE_MAX_ITEMS = 25;
export const BATCH_GET_MAX_KEYS = 100;
/**
 * Chunks in flight. 16 rather than 4: a 20,000-row roster is 800 requests, and with 4 in flight on the local
 * stack the writer waited on dynalite's thread and dynalite on the writer (POST → verdict 17–25 s against
 * 14–15 s with 8 or 16, same rounds; docs/PERFORMANCE.md). On DynamoDB each request is one round trip of
 * ~10–30 ms, so 16 also cuts a large file's write time there; throttling comes back as UnprocessedItems
 * or a retried error and is backed off below.
 */
const BATCH_WRITE_CONCURRENCY = 16;
const MAX_UNPROCESSED_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 50;

export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Runs `task` over `items` with at most `limit` running at once. On a failure no new task starts, the
 * running ones are awaited, then the first failure is thrown: nothing keeps writing after the caller has
 * returned (on Lambda such work would freeze and resume inside the next invocation).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `pending` with `send` until nothing comes back unprocessed: a bounded number of attempts, with
 * exponential backoff and full jitter between them, as AWS recommends for unprocessed items and keys.
 */
async function untilProcessed<T>(what: string, pending: T[], send: (batch: T[]) => Promise<T[]>): Promise<void> {
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_UNPROCESSED_ATTEMPTS) throw new DependencyError(`DynamoDB ${what} (${pending.length} still unprocessed)`);
    try {
      pending = await send(pending);
    } catch (error) {
      throw new DependencyError(`DynamoDB ${what}`, { cause: error });
    }
    if (pending.length > 0) await sleep(Math.random() * BASE_BACKOFF_MS * 2 ** attempt);
  }
}

async function writeOneBatch(doc: DynamoDBDocumentClient, tableName: string, requests: WriteRequest[]): Promise<void> {
  await untilProcessed('BatchWriteItem', requests, async (batch) => {
    const response = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
    return (response.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
  });
}

/** Writes every request; the order between batches is not defined (callers write idempotent, keyed items). */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  concurrency = BATCH_WRITE_CONCURRENCY,
): Promise<void> {
  await mapWithConcurrency(chunk(requests, BATCH_WRITE_MAX_ITEMS), concurrency, (batch) =>
    writeOneBatch(doc, tableName, batch),
  );
}

async function getOneBatch(doc: DynamoDBDocumentClient, tableName: string, keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await untilProcessed('BatchGetItem', keys, async (batch) => {
    const response = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch } } }));
    found.push(...(response.Responses?.[tableName] ?? []));
    return (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  });
  return found;
}

/**
 * The items of these keys that exist (BatchGetItem, 100 keys a request, a few in flight, unprocessed keys
 * resent with backoff as for writes), in no particular order.
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  concurrency = 4,
): Promise<Record<string, unknown>[]> {
  const pages = await mapWithConcurrency(chunk(keys, BATCH_GET_MAX_KEYS), concurrency, (batch) => getOneBatch(doc, tableName, batch));
  return pages.flat();
}
