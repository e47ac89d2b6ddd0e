/**
 * The one table's key schema (contract: `pk`/`sk`, GSIs `gsi1` and `gsi2` projecting ALL, TTL attribute
 * `ttl`). The CDK app declares the same shape; the local stack creates it with `ensureTable`.
 */
import {
  type CreateTableCommandInput,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../errors.js';

export const TTL_ATTRIBUTE = 'ttl';
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: TTL_ATTRIBUTE } as const;
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';
/** Each index is keyed by `<name>pk` / `<name>sk` and projects ALL (the contract). */
export const TABLE_INDEXES = [GSI1, GSI2].map((indexName) => ({ indexName, partitionKey: `${indexName}pk`, sortKey: `${indexName}sk` }));
/**
 * The indexes each kind of reader queries, and so the only ones its role may Query: gsi2 for lists (roster
 * pointers, a unit's uploads, links); gsi1 for the roster pointers changed in a month, which only the report
 * reads (the report function, and the dashboard that previews and sends it).
 */
export const QUERIED_INDEXES = { intake: [GSI2], report: [GSI1, GSI2] } as const satisfies Record<string, readonly string[]>;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey])].map(
      stringKey,
    ),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/** Creates the table unless it exists (a restart of `npm start` finds it in `.data/`). */
export async function ensureTable(dynamodb: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return 'existed';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw new DependencyError('DynamoDB DescribeTable', { cause: error });
  }
  try {
    await dynamodb.send(new CreateTableCommand(tableDefinition(tableName)));
    return 'created';
  } catch (error) {
    if (error instanceof ResourceInUseException) return 'existed';
    throw new DependencyError('DynamoDB CreateTable', { cause: error });
  }
}
