/**
 * Small DynamoDB helpers shared by the stores (uploads and rosters, results, grants...): a paged Query (raw,
 * or parsing every item with zod on the way out), and the mapping of SDK failures to the project's typed errors.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { ConflictError, DependencyError } from '../errors.js';

export interface TableAccess {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** Runs one SDK call: a failed condition becomes a `ConflictError`, anything else a `DependencyError`. */
export async function dynamoCall<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isConditionFailure(error)) throw new ConflictError(what, { cause: error });
    throw new DependencyError(`DynamoDB ${what}`, { cause: error });
  }
}

/** The items of a Query, page after page, until there are no more or `limit` are read. */
export async function queryItems(
  table: TableAccess,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall('Query', () =>
      table.doc.send(new QueryCommand({ TableName: table.tableName, ...input, ExclusiveStartKey })),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && items.length < limit);
  return items.slice(0, limit);
}

/** Every page of a Query, each item parsed with `schema` (a malformed item is a dependency failure, not a crash later). */
export async function queryParsed<T>(
  table: TableAccess,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  schema: z.ZodType<T>,
): Promise<T[]> {
  return (await queryItems(table, input)).map((item) => parseItem(schema, item));
}

export function parseItem<T>(schema: z.ZodType<T>, item: unknown): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new DependencyError('DynamoDB item of an unexpected shape', { cause: parsed.error });
  return parsed.data;
}
