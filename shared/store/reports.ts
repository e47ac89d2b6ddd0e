/**
 * The monthly report's own items, all in the month's partition `PERIOD#<period>` (beside the intake's
 * `RESULTS#<scope>` pointers), so that everything a past month needs is one or two Queries:
 *
 * | item                                   | sk                              | what                                                   |
 * | -------------------------------------- | ------------------------------- | ------------------------------------------------------ |
 * | roster snapshot header                 | `SNAPSHOT`                      | written last: unit count, block count, freeze id, when, grants deadline |
 * | roster snapshot block                  | `SNAPSHOT@<freezeId>#<n>`       | many units' officials and grants as the month ended, each with its roster version and next grant date |
 * | roster snapshot of one unit (before issue 10) | `SNAPSHOT#<unit>`        | one unit, when the header has no freeze id            |
 * | roster members block (before)          | `MEMBERS@<hash>#<n>`            | keyed ID hashes an earlier version kept; deleted       |
 * | month totals header                    | `TOTALS`                        | written last: the files' fingerprint and chain, block counts, unattributed accounts |
 * | month totals block                     | `TOTALS#<chain>#U<n>` / `#R<n>` | many units' figures and running totals / unattributed rows |
 * | the report's send mark                 | `REPORT`                        | claim (with a lease), then sent, per month             |
 *
 * - Rosters change after a month ends; its report must not. The first report of an ended month freezes
 *   each unit's officials and grants (blocks, then the header: first writer wins), and later reports read
 *   that back. Block keys carry a hash of their content, so a writer that loses the race never overwrites
 *   the winner's blocks (it deletes its own), and a retry of the same freeze rewrites the same keys.
 * - Each unit's frozen figures name the roster version they were counted from and the first grant date
 *   after the month, so the next month's first report derives its own from them: only the units changed
 *   since (shared/report/load.ts) are counted again. Aggregates only: no keyed ID hash is kept here.
 * - A month's figures are kept with the running totals through it (the report's "since 7/2021" column) and
 *   the chain of every month's files up to it (shared/report/model.ts): a later or corrected file in that
 *   month or any month before changes the chain, and the totals are recomputed. Blocks are keyed by chain;
 *   a header names the chain whose blocks are complete, and replacing it deletes the blocks it named.
 * - Many units to an item (a JSON array, checked with zod both ways, under DynamoDB's 400 KB): a kept month
 *   of 10,000 units is a handful of items, one Query, not 10,000 items.
 * - Sending is claimed with a conditional write and a lease, and marked sent after SES accepted the mail.
 * - Items of the earlier per-unit figures (`FIGURES`, `FIGURES#<unit>`) are no longer read: the first report
 *   after this change recomputes every month's totals from the files once.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError, DependencyError } from '../errors.js';
import type { FrozenRosters, FrozenRosterSnapshot, MonthTotals } from '../report/types.js';
import { batchWrite, type WriteRequest } from './batch.js';
import { dynamoCall as call, parseItem, queryItems, type TableAccess } from './query.js';

const key = {
  period: (period: string) => `PERIOD#${period}`,
  snapshot: 'SNAPSHOT',
  legacySnapshotPrefix: 'SNAPSHOT#',
  snapshotBlockPrefix: (freezeId: string) => `SNAPSHOT@${freezeId}#`,
  membersPrefix: 'MEMBERS@',
  totals: 'TOTALS',
  totalsBlockPrefix: (chain: string) => `TOTALS#${chain}#`,
  report: 'REPORT',
} as const;

const TOTALS_BLOCK_KINDS = { units: 'U', unattributed: 'R' } as const;
type TotalsBlockKind = keyof typeof TOTALS_BLOCK_KINDS;
const blockSk = (prefix: string, index: number) => `${prefix}${String(index).padStart(4, '0')}`;

/**
 * A block's JSON stays under this many bytes: DynamoDB's item limit is 400 KB (names and keys included), and
 * a Query page (1 MB) then still holds three blocks.
 */
export const BLOCK_MAX_BYTES = 300_000;

/** `items` as JSON arrays of at most `maxBytes` each (an item larger than that gets a block of its own). */
export function packJson(items: readonly unknown[], maxBytes = BLOCK_MAX_BYTES): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const item of items) {
    const json = JSON.stringify(item);
    const size = Buffer.byteLength(json) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      blocks.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(json);
    bytes += size;
  }
  if (current.length > 0) blocks.push(`[${current.join(',')}]`);
  return blocks;
}

/** The items of packed blocks, each checked against `schema` (a malformed block is a dependency failure). */
function unpackJson<T>(schema: z.ZodType<T>, blocks: readonly string[]): T[] {
  return blocks.flatMap((block) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(block);
    } catch (error) {
      throw new DependencyError('DynamoDB report block of an unexpected shape', { cause: error });
    }
    return parseItem(z.array(schema), parsed);
  });
}

const contentHash = (blocks: readonly string[]) => createHash('sha256').update(blocks.join('\n')).digest('hex').slice(0, 16);

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

const snapshotEntry = z.object({
  unit: z.string(),
  officials: count,
  granted: count,
  grantedOnTime: count,
  rosterFirstReceivedAt: z.string().nullable(),
  byWorkUnit: z.record(z.string(), z.object({ officials: count, granted: count })),
  /** Absent on snapshots frozen before the next month could derive its own from them. */
  versionId: z.string().optional(),
  nextGrantDate: z.iso.date().nullable().optional(),
});
const snapshotHeader = z.object({
  unitCount: count,
  /** Absent on snapshots frozen before issue 10: one item per unit then. */
  freezeId: z.string().optional(),
  blockCount: count.optional(),
  frozenAt: z.string().optional(),
  grantsDeadline: z.iso.date().optional(),
});
const blockItem = z.object({ sk: z.string(), data: z.string() });

const unitTotalsEntry = z.object({
  unit: z.string(),
  /** This month's figures; null when the unit only has accounts from earlier months. */
  month: z.object({ accountsCreated: count, byWorkUnit: counts, firstReceivedAt: z.string().nullable() }).nullable(),
  cumulative: z.object({ accountsCreated: count, byWorkUnit: counts }),
});
const unattributedRowEntry = z.object({ row: z.number().int(), count });
const totalsHeader = z.object({
  fingerprint: z.string(),
  chain: z.string(),
  unitBlocks: count,
  rowBlocks: count,
  unattributedAccounts: count,
  cumulativeUnattributed: count,
});

/** The month's totals as blocks: every unit with figures this month or accounts before it, then unattributed rows. */
function totalsBlocks(totals: MonthTotals): Record<TotalsBlockKind, string[]> {
  const entries = Object.keys(totals.cumulative.units)
    .sort()
    .map((unit) => {
      const month = totals.units[unit];
      const cumulative = totals.cumulative.units[unit] ?? { accountsCreated: 0, byWorkUnit: {} };
      return unitTotalsEntry.parse({
        unit,
        month: month ? { accountsCreated: month.accountsCreated, byWorkUnit: month.byWorkUnit, firstReceivedAt: month.firstReceivedAt } : null,
        cumulative,
      });
    });
  return {
    units: packJson(entries),
    unattributed: packJson(totals.unattributed.rows.map((row) => unattributedRowEntry.parse(row))),
  };
}

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
    return queryItems(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': key.period(period), ':prefix': prefix },
    });
  }

  /** The data of the blocks whose key starts with `prefix`, in key order, if there are exactly `expected`. */
  function blocksUnder(items: readonly Record<string, unknown>[], prefix: string, expected: number): string[] | undefined {
    const blocks = items
      .filter((item) => typeof item.sk === 'string' && item.sk.startsWith(prefix))
      .map((item) => parseItem(blockItem, item))
      .sort((a, b) => (a.sk < b.sk ? -1 : 1));
    return blocks.length === expected ? blocks.map((block) => block.data) : undefined;
  }

  async function deleteKeys(period: string, sks: readonly string[]): Promise<void> {
    const pk = key.period(period);
    await batchWrite(doc, TableName, sks.map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })));
  }

  async function getMark(period: string): Promise<SendMark | undefined> {
    const result = await call('GetItem report mark', () =>
      doc.send(new GetCommand({ TableName, Key: { pk: key.period(period), sk: key.report }, ConsistentRead: true })),
    );
    return result.Item ? parseItem(sendMarkItem, result.Item) : undefined;
  }

  return {
    /** The frozen rosters of an ended month (one Query), or undefined when none is complete yet. */
    async getFrozenRosters(period: string): Promise<FrozenRosters | undefined> {
      const items = await queryPrefix(period, key.snapshot);
      const headerItem = items.find((item) => item.sk === key.snapshot);
      if (!headerItem) return undefined;
      const header = parseItem(snapshotHeader, headerItem);
      let snapshots: FrozenRosterSnapshot[];
      if (header.freezeId === undefined) {
        snapshots = items
          .filter((item) => typeof item.sk === 'string' && item.sk.startsWith(key.legacySnapshotPrefix))
          .map((item) => parseItem(snapshotEntry, item));
      } else {
        const blocks = blocksUnder(items, key.snapshotBlockPrefix(header.freezeId), header.blockCount ?? 0);
        if (!blocks) return undefined;
        snapshots = unpackJson(snapshotEntry, blocks);
      }
      if (snapshots.length !== header.unitCount) return undefined;
      return { snapshots, frozenAt: header.frozenAt ?? null, grantsDeadline: header.grantsDeadline ?? null };
    },

    /**
     * Freezes an ended month's rosters: the blocks, then the header that makes them visible (first writer
     * wins). `grantsDeadline` is the one the snapshots' on-time counts were made with.
     */
    async putFrozenRosters(period: string, snapshots: readonly FrozenRosterSnapshot[], input: { now: Date; grantsDeadline: string }): Promise<void> {
      const { now } = input;
      const pk = key.period(period);
      const blocks = packJson(snapshots.map((snapshot) => snapshotEntry.parse(snapshot)));
      const freezeId = contentHash(blocks);
      const prefix = key.snapshotBlockPrefix(freezeId);
      const sks = blocks.map((_, index) => blockSk(prefix, index + 1));
      await batchWrite(
        doc,
        TableName,
        blocks.map((data, index) => ({ PutRequest: { Item: { pk, sk: sks[index], type: 'report-snapshot-block', period, data } } })),
      );
      try {
        await call('PutItem snapshot header', () =>
          doc.send(
            new PutCommand({
              TableName,
              Item: {
                pk,
                sk: key.snapshot,
                type: 'report-snapshot-header',
                period,
                unitCount: snapshots.length,
                blockCount: blocks.length,
                freezeId,
                frozenAt: now.toISOString(),
                grantsDeadline: input.grantsDeadline,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // A concurrent run froze the month first (from the same data, or from data a moment older): its
        // snapshot stands; ours is removed unless it is the very same one.
        const winner = await call('GetItem snapshot header', () =>
          doc.send(new GetCommand({ TableName, Key: { pk, sk: key.snapshot }, ConsistentRead: true })),
        );
        if (winner.Item?.freezeId !== freezeId) await deleteKeys(period, sks);
      }
    },

    /**
     * Deletes the roster members an earlier version kept with a month (keyed ID hashes the next month's first
     * report read; it derives from the snapshot now): one Query for their keys, then batch deletes.
     */
    async deleteRosterMembers(period: string): Promise<void> {
      const items = await queryItems(table, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': key.period(period), ':prefix': key.membersPrefix },
        ProjectionExpression: 'sk',
      });
      await deleteKeys(
        period,
        items.map((item) => parseItem(z.object({ sk: z.string() }), item).sk),
      );
    },

    /**
     * A month's kept figures and running totals (one Query), or undefined when none are complete. The caller
     * compares their `chain` with the files' chain now.
     */
    async getMonthTotals(period: string): Promise<MonthTotals | undefined> {
      const items = await queryPrefix(period, key.totals);
      const headerItem = items.find((item) => item.sk === key.totals);
      if (!headerItem) return undefined;
      const header = parseItem(totalsHeader, headerItem);
      const prefix = key.totalsBlockPrefix(header.chain);
      const unitBlocks = blocksUnder(items, `${prefix}${TOTALS_BLOCK_KINDS.units}`, header.unitBlocks);
      const rowBlocks = blocksUnder(items, `${prefix}${TOTALS_BLOCK_KINDS.unattributed}`, header.rowBlocks);
      if (!unitBlocks || !rowBlocks) return undefined;
      const totals: MonthTotals = {
        period,
        fingerprint: header.fingerprint,
        chain: header.chain,
        units: {},
        unattributed: { rows: unpackJson(unattributedRowEntry, rowBlocks), accountsCreated: header.unattributedAccounts },
        cumulative: { units: {}, unattributed: header.cumulativeUnattributed },
      };
      for (const entry of unpackJson(unitTotalsEntry, unitBlocks)) {
        if (entry.month) totals.units[entry.unit] = entry.month;
        totals.cumulative.units[entry.unit] = entry.cumulative;
      }
      return totals;
    },

    /** The chain a month's kept totals were computed for (one small GetItem), or undefined when none are kept. */
    async getMonthTotalsChain(period: string): Promise<string | undefined> {
      const result = await call('GetItem totals header', () =>
        doc.send(new GetCommand({ TableName, Key: { pk: key.period(period), sk: key.totals }, ProjectionExpression: 'chain' })),
      );
      return result.Item ? parseItem(z.object({ chain: z.string() }), result.Item).chain : undefined;
    },

    /**
     * Keeps a month's figures and running totals: the blocks under their chain, then the header naming it,
     * then the blocks of the header it replaced (housekeeping: nothing reads them once the header moved on).
     */
    async putMonthTotals(totals: MonthTotals, now: Date): Promise<void> {
      const pk = key.period(totals.period);
      const prefix = key.totalsBlockPrefix(totals.chain);
      const blocks = totalsBlocks(totals);
      const requests: WriteRequest[] = (Object.keys(TOTALS_BLOCK_KINDS) as TotalsBlockKind[]).flatMap((kind) =>
        blocks[kind].map((data, index) => ({
          PutRequest: { Item: { pk, sk: blockSk(`${prefix}${TOTALS_BLOCK_KINDS[kind]}`, index + 1), type: 'report-totals-block', period: totals.period, data } },
        })),
      );
      await batchWrite(doc, TableName, requests);
      const header = totalsHeader.parse({
        fingerprint: totals.fingerprint,
        chain: totals.chain,
        unitBlocks: blocks.units.length,
        rowBlocks: blocks.unattributed.length,
        unattributedAccounts: totals.unattributed.accountsCreated,
        cumulativeUnattributed: totals.cumulative.unattributed,
      });
      const replaced = await call('PutItem totals header', () =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { pk, sk: key.totals, type: 'report-totals', period: totals.period, ...header, updatedAt: now.toISOString() },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      const old = totalsHeader.safeParse(replaced.Attributes);
      if (old.success && old.data.chain !== totals.chain) {
        const oldPrefix = key.totalsBlockPrefix(old.data.chain);
        await deleteKeys(totals.period, [
          ...Array.from({ length: old.data.unitBlocks }, (_, index) => blockSk(`${oldPrefix}${TOTALS_BLOCK_KINDS.units}`, index + 1)),
          ...Array.from({ length: old.data.rowBlocks }, (_, index) => blockSk(`${oldPrefix}${TOTALS_BLOCK_KINDS.unattributed}`, index + 1)),
        ]);
      }
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
