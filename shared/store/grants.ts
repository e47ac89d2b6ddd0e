/**
 * Permission grants (step 3 of the letter): one item per person, keyed by the keyed hash of the ID number,
 * so a grant survives re-uploaded rosters (it belongs to the person, not to a roster version).
 *
 * | item  | pk       | sk                 | attributes |
 * | ----- | -------- | ------------------ | ---------- |
 * | grant | `GRANTS` | `PERSON#<idHash>`  | idHash, grantedAt (`YYYY-MM-DD`), recordedAt (ISO), orderKey, uploadId or source |
 *
 * A later file replaces a person's date; an earlier file arriving late (an out-of-order S3 event) does not:
 * each write is conditional on the file's order key being at least the stored one, so a duplicate rewrites
 * the same values and a stale one changes nothing. All grants are one paged Query on `GRANTS` (a province
 * has hundreds to a few thousand officials); some people's grants, one BatchGetItem per hundred.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError } from '../errors.js';
import { batchGet, mapWithConcurrency } from './batch.js';
import { dynamoCall, parseItem, queryParsed, type TableAccess } from './query.js';

export interface Grant {
  idHash: string;
  /** The day the portal permission was granted, `YYYY-MM-DD`. */
  grantedAt: string;
  /** When the file (or the CLI import) that recorded it was received, ISO. */
  recordedAt: string;
}

export interface GrantInput {
  idHash: string;
  grantedAt: string;
}

/** Where a batch of grants comes from: an upload (with its S3 order key) or a CLI import. */
export interface GrantSource {
  /** Comparable as a string: later sources win (S3 order key, or the import time in the same shape). */
  orderKey: string;
  receivedAt: Date;
  uploadId?: string;
  /** e.g. `cli` for `grants import`. */
  source?: string;
}

export interface RecordGrantsResult {
  written: number;
  /** Grants left as they were because a later file had already recorded them. */
  superseded: number;
}

const GRANTS_PK = 'GRANTS';
const personSk = (idHash: string) => `PERSON#${idHash}`;
const WRITE_CONCURRENCY = 8;

const grantSchema = z.object({
  idHash: z.string().min(1),
  grantedAt: z.iso.date(),
  recordedAt: z.string(),
});

export type GrantsStore = ReturnType<typeof createGrantsStore>;

export function createGrantsStore(table: TableAccess) {
  const { doc, tableName: TableName } = table;
  return {
    /**
     * Records each person's grant unless a later source already did. One conditional write per person (a
     * batch write cannot be conditional); grants are imported a few times a year, so the count is small.
     */
    async recordGrants(grants: readonly GrantInput[], source: GrantSource): Promise<RecordGrantsResult> {
      const recordedAt = source.receivedAt.toISOString();
      const outcomes = await mapWithConcurrency(grants, WRITE_CONCURRENCY, async (grant) => {
        try {
          await dynamoCall('UpdateItem grant', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: { pk: GRANTS_PK, sk: personSk(grant.idHash) },
                UpdateExpression:
                  'SET #type = :type, idHash = :id, grantedAt = :date, recordedAt = :recorded, orderKey = :k, uploadId = :upload, #source = :source',
                ConditionExpression: 'attribute_not_exists(pk) OR orderKey <= :k',
                ExpressionAttributeNames: { '#type': 'type', '#source': 'source' },
                ExpressionAttributeValues: {
                  ':type': 'grant',
                  ':id': grant.idHash,
                  ':date': grant.grantedAt,
                  ':recorded': recordedAt,
                  ':k': source.orderKey,
                  ':upload': source.uploadId ?? null,
                  ':source': source.source ?? (source.uploadId ? 'upload' : 'import'),
                },
              }),
            ),
          );
          return 'written' as const;
        } catch (error) {
          if (error instanceof ConflictError) return 'superseded' as const;
          throw error;
        }
      });
      return {
        written: outcomes.filter((o) => o === 'written').length,
        superseded: outcomes.filter((o) => o === 'superseded').length,
      };
    },

    /** The grants of these people that are recorded (BatchGetItem: a report re-deriving a few units). */
    async getGrants(idHashes: readonly string[]): Promise<Grant[]> {
      const keys = [...new Set(idHashes)].map((idHash) => ({ pk: GRANTS_PK, sk: personSk(idHash) }));
      const items = await batchGet(doc, TableName, keys);
      return items.map((item) => parseItem(grantSchema, item));
    },

    /** Every recorded grant (paged Query on `GRANTS`). */
    async listGrants(): Promise<Grant[]> {
      return queryParsed(
        table,
        { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': GRANTS_PK } },
        grantSchema,
      );
    },
  };
}
