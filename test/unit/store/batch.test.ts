/**
 * Batch reads and writes resend what DynamoDB leaves unprocessed (a throttled partition answers a batch
 * request successfully, with some keys or items handed back), and give up with a typed error after a bounded
 * number of attempts. The emulator never leaves anything unprocessed, so a fake client answers here.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DependencyError } from '../../../shared/errors.js';
import { batchGet, batchWrite } from '../../../shared/store/batch.js';

type Key = { pk: string; sk: string };
const TABLE = 'motcua-test';
const keys = (count: number): Key[] => Array.from({ length: count }, (_, index) => ({ pk: 'GRANTS', sk: `PERSON#${index}` }));

/** A client whose `send` answers each request with `answer` (given the request's input), keeping the inputs. */
function fakeClient(answer: (input: Record<string, unknown>) => Record<string, unknown>) {
  const inputs: Record<string, unknown>[] = [];
  const doc = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      return answer(command.input);
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, inputs };
}
const keysOf = (input: Record<string, unknown>) => (input.RequestItems as Record<string, { Keys: Key[] }>)[TABLE]?.Keys ?? [];

afterEach(() => {
  vi.useRealTimers();
});

describe('batchGet', () => {
  it('asks for 100 keys a request and returns every item found', async () => {
    const { doc, inputs } = fakeClient((input) => ({ Responses: { [TABLE]: keysOf(input).filter((_, index) => index % 2 === 0) } }));
    const found = await batchGet(doc, TABLE, keys(250));
    expect(inputs.map((input) => keysOf(input).length)).toEqual([100, 100, 50]);
    expect(found).toHaveLength(50 + 50 + 25);
  });

  it('resends the keys left unprocessed until none is left', async () => {
    const { doc, inputs } = fakeClient((input) => {
      const [first, ...rest] = keysOf(input);
      // Each answer serves one key and hands the others back.
      return { Responses: { [TABLE]: first ? [first] : [] }, UnprocessedKeys: rest.length > 0 ? { [TABLE]: { Keys: rest } } : {} };
    });
    const found = await batchGet(doc, TABLE, keys(3));
    expect(found.map((item) => (item as Key).sk).sort()).toEqual(['PERSON#0', 'PERSON#1', 'PERSON#2']);
    expect(inputs.map((input) => keysOf(input).length)).toEqual([3, 2, 1]);
  });
});

describe('batchWrite', () => {
  it('gives up with a DependencyError after 8 attempts when items stay unprocessed', async () => {
    vi.useFakeTimers();
    const { doc, inputs } = fakeClient((input) => ({ UnprocessedItems: input.RequestItems }));
    const writing = batchWrite(doc, TABLE, keys(2).map((key) => ({ PutRequest: { Item: key } })));
    const outcome = expect(writing).rejects.toThrow(DependencyError);
    await vi.runAllTimersAsync();
    await outcome;
    expect(inputs).toHaveLength(8);
  });

  it('turns a failed request into a DependencyError that keeps its cause', async () => {
    const cause = new Error('ProvisionedThroughputExceededException');
    const doc = { send: async () => Promise.reject(cause) } as unknown as DynamoDBDocumentClient;
    const failure = await batchWrite(doc, TABLE, [{ PutRequest: { Item: { pk: 'A', sk: 'B' } } }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DependencyError);
    expect((failure as DependencyError).cause).toBe(cause);
  });
});
