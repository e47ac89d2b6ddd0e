/**
 * Small DynamoDB helpers shared by the per-period stores (results, grants): a paged Query that parses every
 * item with zod on the way out, and the mapping of SDK failures to the project's typed errors.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
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

/** Every page of a Query, each item parsed with `schema` (a malformed item is a dependency failure, not a crash later). */
export async function queryParsed<T>(
  table: TableAccess,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  schema: z.ZodType<T>,
): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall('Query', () =>
      table.doc.send(new QueryCommand({ TableName: table.tableName, ...input, ExclusiveStartKey })),
    );
    for (const item of page.Items ?? []) items.push(parseItem(schema, item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export function parseItem<T>(schema: z.ZodType<T>, item: unknown): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new DependencyError('DynamoDB item of an unexpected shape', { cause: parsed.error });
  return parsed.data;
}
