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
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map(stringKey),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [GSI1, GSI2].map((name) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: `${name}pk`, KeyType: 'HASH' as const },
        { AttributeName: `${name}sk`, KeyType: 'RANGE' as const },
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
