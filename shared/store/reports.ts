/**
 * The monthly report's own items, all in the month's partition `PERIOD#<period>` (beside the intake's
 * `RESULTS#<scope>` pointers), so that everything a past month needs is one or two Queries:
 *
 * | item                                   | sk                    | what                                                      |
 * | -------------------------------------- | --------------------- | --------------------------------------------------------- |
 * | roster snapshot of one unit            | `SNAPSHOT#<unit>`     | officials, granted, per work unit, as the month ended     |
 * | roster snapshot header                 | `SNAPSHOT`            | written last: the snapshot is complete (unit count)       |
 * | month figures of one unit              | `FIGURES#<unit>`      | accounts created, per work unit, first file received      |
 * | month figures header                   | `FIGURES`             | written last: fingerprint of the files, unattributed rows |
 * | the report's send mark                 | `REPORT`              | claim (with a lease), then sent, per month                |
 *
 * - Rosters change after a month ends; its report must not. The first report of an ended month freezes
 *   each unit's officials and grants (`SNAPSHOT#…`, then the header), and later reports read that back.
 * - A month's figures are kept with the fingerprint of the results files they came from: a later or
 *   corrected file changes the fingerprint, and the figures are recomputed (unit items whose fingerprint
 *   is not the header's are stale and ignored).
 * - Sending is claimed with a conditional write and a lease, and marked sent after SES accepted the mail.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError, DependencyError } from '../errors.js';
import type { MonthResults, RosterSnapshot } from '../report/types.js';
import { batchWrite, type WriteRequest } from './batch.js';
import { dynamoCall as call, parseItem, queryParsed, type TableAccess } from './query.js';

const key = {
  period: (period: string) => `PERIOD#${period}`,
  snapshot: 'SNAPSHOT',
  snapshotOf: (unit: string) => `SNAPSHOT#${unit}`,
  figures: 'FIGURES',
  figuresOf: (unit: string) => `FIGURES#${unit}`,
  report: 'REPORT',
} as const;

const counts = z.record(z.string(), z.number().int().nonnegative());

const snapshotItem = z.object({
  unit: z.string(),
  officials: z.number().int().nonnegative(),
  granted: z.number().int().nonnegative(),
  grantedOnTime: z.number().int().nonnegative(),
  rosterFirstReceivedAt: z.string().nullable(),
  byWorkUnit: z.record(z.string(), z.object({ officials: z.number().int().nonnegative(), granted: z.number().int().nonnegative() })),
});
const snapshotHeader = z.object({ unitCount: z.number().int().nonnegative() });

const figuresItem = z.object({
  unit: z.string(),
  fingerprint: z.string(),
  accountsCreated: z.number().int().nonnegative(),
  byWorkUnit: counts,
  firstReceivedAt: z.string().nullable(),
});
const figuresHeader = z.object({
  fingerprint: z.string(),
  unattributedRows: z.array(z.object({ row: z.number().int(), count: z.number().int().nonnegative() })),
  unattributedAccounts: z.number().int().nonnegative(),
});

export const SEND_STATES = ['sending', 'sent', 'failed'] as const;
export type SendState = (typeof SEND_STATES)[number];

const sendMarkItem = z.object({
  state: z.enum(SEND_STATES),
  claimId: z.string(),
  leaseUntil: z.string(),
  sentAt: z.string().nullable().default(null),
  messageId: z.string().nullable().default(null),
  sendCount: z.number().int().nonnegative().default(0),
});
export type SendMark = z.infer<typeof sendMarkItem>;

export type ClaimOutcome =
  | { outcome: 'claimed'; claimId: string }
  /** Already sent (a repeated or retried run); `--force` resends. */
  | { outcome: 'already-sent'; mark: SendMark }
  /** Another run holds an unexpired claim: it may be sending right now. */
  | { outcome: 'in-progress'; mark: SendMark };

export type ReportStore = ReturnType<typeof createReportStore>;

export function createReportStore(table: TableAccess) {
  const { doc, tableName: TableName } = table;

  /** Every item of the month's partition whose sort key starts with `prefix` (one paged Query). */
  function queryPrefix(period: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryParsed(
      table,
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': key.period(period), ':prefix': prefix },
      },
      z.record(z.string(), z.unknown()),
    );
  }

  async function getMark(period: string): Promise<SendMark | undefined> {
    const result = await call('GetItem report mark', () =>
      doc.send(new GetCommand({ TableName, Key: { pk: key.period(period), sk: key.report }, ConsistentRead: true })),
    );
    return result.Item ? parseItem(sendMarkItem, result.Item) : undefined;
  }

  return {
    /** The frozen rosters of an ended month (one Query), or undefined when none is complete yet. */
    async getRosterSnapshots(period: string): Promise<RosterSnapshot[] | undefined> {
      const items = await queryPrefix(period, key.snapshot);
      const header = items.find((item) => item.sk === key.snapshot);
      if (!header) return undefined;
      const { unitCount } = parseItem(snapshotHeader, header);
      const snapshots = items.filter((item) => item !== header).map((item) => parseItem(snapshotItem, item));
      return snapshots.length === unitCount ? snapshots : undefined;
    },

    /** Freezes an ended month's rosters: every unit, then the header that makes them visible. */
    async putRosterSnapshots(period: string, snapshots: readonly RosterSnapshot[], now: Date): Promise<void> {
      const pk = key.period(period);
      const requests: WriteRequest[] = snapshots.map((snapshot) => ({
        PutRequest: { Item: { pk, sk: key.snapshotOf(snapshot.unit), type: 'report-snapshot', period, ...snapshot } },
      }));
      await batchWrite(doc, TableName, requests);
      // First writer wins: a concurrent run froze the same month from the same data, or from data a moment older.
      try {
        await call('UpdateItem snapshot header', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: { pk, sk: key.snapshot },
              UpdateExpression: 'SET #type = :type, period = :period, unitCount = :count, frozenAt = :now',
              ConditionExpression: 'attribute_not_exists(pk)',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':type': 'report-snapshot-header', ':period': period, ':count': snapshots.length, ':now': now.toISOString() },
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    },

    /** A month's cached figures if they were computed from the files named by `fingerprint` (one Query). */
    async getMonthResults(period: string, fingerprint: string): Promise<MonthResults | undefined> {
      const items = await queryPrefix(period, key.figures);
      const headerItem = items.find((item) => item.sk === key.figures);
      if (!headerItem) return undefined;
      const header = parseItem(figuresHeader, headerItem);
      if (header.fingerprint !== fingerprint) return undefined;
      const units: MonthResults['units'] = {};
      for (const item of items) {
        if (item === headerItem) continue;
        const figures = parseItem(figuresItem, item);
        if (figures.fingerprint !== fingerprint) continue;
        units[figures.unit] = { accountsCreated: figures.accountsCreated, byWorkUnit: figures.byWorkUnit, firstReceivedAt: figures.firstReceivedAt };
      }
      return {
        period,
        fingerprint,
        units,
        unattributed: { rows: header.unattributedRows, accountsCreated: header.unattributedAccounts },
      };
    },

    /** Keeps a month's figures: units first, then the header naming their fingerprint. */
    async putMonthResults(results: MonthResults, now: Date): Promise<void> {
      const pk = key.period(results.period);
      const requests: WriteRequest[] = Object.entries(results.units).map(([unit, figures]) => ({
        PutRequest: { Item: { pk, sk: key.figuresOf(unit), type: 'report-figures', unit, fingerprint: results.fingerprint, ...figures } },
      }));
      await batchWrite(doc, TableName, requests);
      await call('UpdateItem figures header', () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk, sk: key.figures },
            UpdateExpression: 'SET #type = :type, fingerprint = :fp, unattributedRows = :rows, unattributedAccounts = :accounts, updatedAt = :now',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':type': 'report-figures-header',
              ':fp': results.fingerprint,
              ':rows': results.unattributed.rows,
              ':accounts': results.unattributed.accountsCreated,
              ':now': now.toISOString(),
            },
          }),
        ),
      );
    },

    getSendMark: getMark,

    /**
     * Claims the sending of `period`'s report until `leaseUntil`. Succeeds when nothing was sent, when an
     * earlier attempt failed, or when an earlier claim's lease ran out without a "sent" mark (that run died,
     * perhaps after SES took the mail: sending again is the lesser harm). `force` also takes a sent month.
     */
    async claimSend(period: string, input: { claimId: string; now: Date; leaseUntil: Date; force: boolean }): Promise<ClaimOutcome> {
      try {
        await call('UpdateItem claim report', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: { pk: key.period(period), sk: key.report },
              UpdateExpression: 'SET #type = :type, period = :period, #state = :sending, claimId = :claim, leaseUntil = :lease, claimedAt = :now',
              ConditionExpression: `attribute_not_exists(pk) OR #state = :failed OR (#state = :sending AND leaseUntil < :now)${input.force ? ' OR #state = :sent' : ''}`,
              ExpressionAttributeNames: { '#type': 'type', '#state': 'state' },
              ExpressionAttributeValues: {
                ':type': 'report-mark',
                ':period': period,
                ':sending': 'sending',
                ':failed': 'failed',
                ':claim': input.claimId,
                ':lease': input.leaseUntil.toISOString(),
                ':now': input.now.toISOString(),
                ...(input.force ? { ':sent': 'sent' } : {}),
              },
            }),
          ),
        );
        return { outcome: 'claimed', claimId: input.claimId };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
      const mark = await getMark(period);
      if (!mark) throw new DependencyError('DynamoDB report mark vanished during claim');
      return mark.state === 'sent' ? { outcome: 'already-sent', mark } : { outcome: 'in-progress', mark };
    },

    /** Marks the month sent, if this run still holds the claim. */
    async markSent(period: string, input: { claimId: string; messageId: string; now: Date }): Promise<void> {
      await call('UpdateItem report sent', () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: key.period(period), sk: key.report },
            UpdateExpression: 'SET #state = :sent, sentAt = :now, messageId = :message ADD sendCount :one',
            ConditionExpression: 'claimId = :claim',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sent': 'sent', ':now': input.now.toISOString(), ':message': input.messageId, ':claim': input.claimId, ':one': 1 },
          }),
        ),
      );
    },

    /** Gives the claim back after a failed send, so the next run (a retry) may claim at once. */
    async releaseClaim(period: string, claimId: string): Promise<void> {
      try {
        await call('UpdateItem report release', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: { pk: key.period(period), sk: key.report },
              UpdateExpression: 'SET #state = :failed',
              ConditionExpression: 'claimId = :claim AND #state = :sending',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':failed': 'failed', ':claim': claimId, ':sending': 'sending' },
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    },
  };
}
