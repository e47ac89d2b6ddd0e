/**
 * Monthly results (accounts created per official) in the one table, with the same version/pointer pattern
 * as rosters (see store.ts):
 *
 * | item                | pk                                          | sk                 | attributes |
 * | ------------------- | ------------------------------------------- | ------------------ | ---------- |
 * | results version row | `RESULTS#<period>#<scope>#<versionId>`      | `ROW#<row, 7 digits>` | row, idHash, phoneHash, name, count, unit, workUnitCode |
 * | results pointer     | `PERIOD#<period>`                           | `RESULTS#<scope>`  | period, scope, versionId, uploadId, orderKey, receivedAt, firstReceivedAt, rowCount, total, updatedAt, previousVersionId |
 *
 * `scope` is the uploader: a unit code, or the centre (`CENTRE_UNIT`). A version is written in full before
 * the pointer of its scope and month flips to it, conditionally on its order key being newer (the flip and
 * its ordering rule: shared/store/pointer.ts); a newer file
 * of the same scope and month replaces the older one, and readers only ever follow pointers. Rows are
 * attributed to a unit when the file is accepted, so a past month does not move when rosters change.
 * Everything a report needs is a Query keyed by period: the pointers of a month (one Query), then each
 * pointed version's rows (one paged Query each, projected to what it counts). Never a Scan.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchWrite, type WriteRequest } from './batch.js';
import { flipPointer } from './pointer.js';
import { dynamoCall, parseItem, queryParsed, type TableAccess } from './query.js';
import type { FlipResult } from './types.js';

export interface ResultsPointer {
  period: string;
  scope: string;
  versionId: string;
  uploadId: string;
  orderKey: string;
  /** When S3 received the file of the current version. */
  receivedAt: string;
  /** When S3 received the earliest accepted file of this scope and month: the deadline is judged on it. */
  firstReceivedAt: string;
  rowCount: number;
  /** Sum of the counts of the current version. */
  total: number;
  updatedAt: string;
  previousVersionId: string | null;
}

export interface ResultsEntry {
  /** Excel row number in the uploaded file. */
  row: number;
  /** Keyed hash of the ID number, when the row gave one. */
  idHash: string | null;
  /** Keyed hash of the normalized mobile number, when the row gave one. */
  phoneHash: string | null;
  name: string | null;
  count: number;
  /** The uploader unit the row counts for; null = no current roster lists the person ("chưa xác định đơn vị"). */
  unit: string | null;
  /** The commune/department the person works at per the roster at ingestion, or null. */
  workUnitCode: string | null;
}

/**
 * A row as the report counts it: no name, and the keyed hashes only when the month's files need them (the
 * centre's file and a unit's return both name people: the centre's figure wins); else both are null.
 */
export type CountedEntry = Omit<ResultsEntry, 'name'>;

/** A row of a results file as staff may see it: no keyed hash, so nothing that stands for an ID or phone. */
export type ResultsRowView = Pick<ResultsEntry, 'row' | 'name' | 'count' | 'unit'>;

/** A scope's file in force for a month and its rows. */
export interface CurrentResults {
  pointer: ResultsPointer;
  rows: ResultsRowView[];
}

export interface ResultsFlipRequest {
  period: string;
  scope: string;
  versionId: string;
  uploadId: string;
  orderKey: string;
  receivedAt: Date;
  rowCount: number;
  total: number;
}

const keys = {
  version: (period: string, scope: string, versionId: string) => `RESULTS#${period}#${scope}#${versionId}`,
  row: (row: number) => `ROW#${String(row).padStart(7, '0')}`,
  pointer: (period: string, scope: string) => ({ pk: `PERIOD#${period}`, sk: `RESULTS#${scope}` }),
  periodPk: (period: string) => `PERIOD#${period}`,
  pointerPrefix: 'RESULTS#',
} as const;

const pointerSchema = z.object({
  period: z.string(),
  scope: z.string(),
  versionId: z.string(),
  uploadId: z.string(),
  orderKey: z.string(),
  receivedAt: z.string(),
  firstReceivedAt: z.string(),
  rowCount: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  updatedAt: z.string(),
  previousVersionId: z.string().nullable().default(null),
});

const entrySchema = z.object({
  row: z.number().int().positive(),
  idHash: z.string().nullable(),
  phoneHash: z.string().nullable(),
  name: z.string().nullable(),
  count: z.number().int().nonnegative(),
  unit: z.string().nullable(),
  workUnitCode: z.string().nullable(),
});

const rowViewSchema = entrySchema.pick({ row: true, name: true, count: true, unit: true });
const countedSchema = entrySchema.omit({ name: true, idHash: true, phoneHash: true }).extend({
  idHash: z.string().nullable().default(null),
  phoneHash: z.string().nullable().default(null),
});

export type ResultsStore = ReturnType<typeof createResultsStore>;

export function createResultsStore(table: TableAccess) {
  const { doc, tableName: TableName } = table;

  async function getResultsPointer(period: string, scope: string): Promise<ResultsPointer | undefined> {
    const result = await dynamoCall('GetItem results pointer', () =>
      doc.send(new GetCommand({ TableName, Key: keys.pointer(period, scope), ConsistentRead: true })),
    );
    return result.Item ? parseItem(pointerSchema, result.Item) : undefined;
  }

  return {
    /** Writes every row of a version; idempotent (same keys, same values), so a retry simply rewrites. */
    async writeResultsVersion(period: string, scope: string, versionId: string, entries: readonly ResultsEntry[]): Promise<void> {
      const pk = keys.version(period, scope, versionId);
      const requests: WriteRequest[] = entries.map((entry) => ({
        PutRequest: {
          Item: { pk, sk: keys.row(entry.row), type: 'results-row', period, scope, versionId, ...entrySchema.parse(entry) },
        },
      }));
      await batchWrite(doc, TableName, requests);
    },

    /** Deletes the rows of a version no pointer leads to (a replaced or a losing one). */
    async deleteResultsVersion(period: string, scope: string, versionId: string): Promise<number> {
      const items = await queryParsed(
        table,
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.version(period, scope, versionId) },
          ProjectionExpression: 'pk, sk',
        },
        z.object({ pk: z.string(), sk: z.string() }),
      );
      await batchWrite(
        doc,
        TableName,
        items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
      );
      return items.length;
    },

    /**
     * Points the scope's month at `versionId` if it is newer than the current one; only after every row is
     * written (shared/store/pointer.ts). Same outcomes as the roster flip.
     */
    async flipResults(request: ResultsFlipRequest, now: Date): Promise<FlipResult> {
      return flipPointer(
        table,
        {
          what: 'results',
          key: keys.pointer(request.period, request.scope),
          versionId: request.versionId,
          uploadId: request.uploadId,
          orderKey: request.orderKey,
          receivedAt: request.receivedAt,
          attributes: { type: 'results-pointer', period: request.period, scope: request.scope, rowCount: request.rowCount, total: request.total },
          readCurrent: () => getResultsPointer(request.period, request.scope),
        },
        now,
      );
    },

    getResultsPointer,

    /** Every scope's current results file for the month (one Query on `PERIOD#<period>`). */
    async listResultsPointers(period: string): Promise<ResultsPointer[]> {
      return queryParsed(
        table,
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.periodPk(period), ':prefix': keys.pointerPrefix },
        },
        pointerSchema,
      );
    },

    /**
     * The rows of one version as the report counts them, in row order (paged Query), projected: never the
     * name, and the keyed hashes only when `personKeys` (a month with the centre's file and a unit's return).
     */
    async listCountedEntries(period: string, scope: string, versionId: string, options: { personKeys: boolean }): Promise<CountedEntry[]> {
      return queryParsed(
        table,
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.version(period, scope, versionId) },
          ProjectionExpression: `#row, #count, #unit, workUnitCode${options.personKeys ? ', idHash, phoneHash' : ''}`,
          ExpressionAttributeNames: { '#row': 'row', '#count': 'count', '#unit': 'unit' },
        },
        countedSchema,
      );
    },

    /**
     * The rows of the scope's current file for the month (a GetItem on its pointer, then one paged Query on
     * the version, projected so that the keyed hashes are never read), or undefined when it sent none. A flip
     * between the two reads deletes the rows just followed: the pointer is then read again, once.
     */
    async getCurrentResults(period: string, scope: string): Promise<CurrentResults | undefined> {
      const readRows = (versionId: string) =>
        queryParsed(
          table,
          {
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.version(period, scope, versionId) },
            ProjectionExpression: '#row, #name, #count, #unit',
            ExpressionAttributeNames: { '#row': 'row', '#name': 'name', '#count': 'count', '#unit': 'unit' },
          },
          rowViewSchema,
        );
      const pointer = await getResultsPointer(period, scope);
      if (!pointer) return undefined;
      const rows = await readRows(pointer.versionId);
      if (rows.length === pointer.rowCount) return { pointer, rows };
      const newer = await getResultsPointer(period, scope);
      if (!newer || newer.versionId === pointer.versionId) return { pointer, rows };
      return { pointer: newer, rows: await readRows(newer.versionId) };
    },
  };
}
