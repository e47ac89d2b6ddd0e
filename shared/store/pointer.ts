/**
 * The version-pointer flip that rosters (store.ts) and monthly results (results.ts) share. A version is
 * written in full before its pointer is flipped to it, and readers only ever follow pointers, so nobody sees
 * a partial or mixed file; the flip is conditional on the new version being newer, so a retry, a duplicate
 * event or a file that arrives late can never put an older version back.
 *
 * "Newer" is the order key `<eventTime>#<sequencer>` (`objectOrderKey` in store.ts). AWS documents
 * `sequencer` as comparable (after right-padding the shorter with zeros) only between events *of the same
 * key*, and each upload has its own key; so the S3 event time (ms, when S3 finished the request) orders
 * different uploads, and the padded sequencer orders two objects written to one key within the same
 * millisecond. Duplicate events carry the same order key, so they can neither flip twice nor resurrect an
 * older version.
 *
 * The pointer remembers the version it replaced (`previousVersionId`), so that deleting the replaced rows
 * survives a crash right after the flip: the retry finds its version already current and is told to delete
 * the previous one's rows, and so is the next flip. Each store keeps its own key shapes and attributes.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, DependencyError } from '../errors.js';
import { dynamoCall, type TableAccess } from './query.js';
import type { FlipResult } from './types.js';

/** What a lost flip needs to know of the pointer in place. */
export interface CurrentPointer {
  versionId: string;
  previousVersionId: string | null;
  firstReceivedAt: string;
}

export interface PointerFlip {
  /** Names the pointer in error messages: "roster", "results". */
  what: string;
  key: { pk: string; sk: string };
  versionId: string;
  uploadId: string;
  orderKey: string;
  /** When S3 received the file of this version. */
  receivedAt: Date;
  /** The store's own attributes of the pointer (type, owner, counts, index keys), set on every flip. */
  attributes: Readonly<Record<string, string | number>>;
  /**
   * Set on a flip and on an earlier first receipt (both change what a report reads of the pointer), so a
   * reader can find the pointers changed since a time without reading them all (rosters: store.ts).
   */
  changeMark?: Readonly<Record<string, string>>;
  /** Reads the pointer consistently, after the condition failed. */
  readCurrent: () => Promise<CurrentPointer | undefined>;
}

/** Distinct version ids other than `current` (a version is never obsolete to its own pointer). */
function obsoleteVersions(current: string, candidates: readonly (string | null)[]): string[] {
  return [...new Set(candidates.filter((id): id is string => id !== null && id !== current))];
}

/** `SET` clauses for `attributes`, with placeholder names and values prefixed by `prefix`. */
function setClauses(attributes: Readonly<Record<string, string | number>>, prefix: string) {
  const names: Record<string, string> = {};
  const values: Record<string, string | number> = {};
  const sets = Object.entries(attributes).map(([name, value], index) => {
    names[`#${prefix}${index}`] = name;
    values[`:${prefix}${index}`] = value;
    return `#${prefix}${index} = :${prefix}${index}`;
  });
  return { names, values, sets };
}

/** Points `flip.key` at `flip.versionId` if its order key is newer than the current one's. */
export async function flipPointer(table: TableAccess, flip: PointerFlip, now: Date): Promise<FlipResult> {
  const { doc, tableName: TableName } = table;
  const received = flip.receivedAt.toISOString();
  const own = setClauses({ ...flip.attributes, ...flip.changeMark }, 'a');
  const mark = setClauses(flip.changeMark ?? {}, 'm');
  try {
    const result = await dynamoCall(`UpdateItem flip ${flip.what}`, () =>
      doc.send(
        new UpdateCommand({
          TableName,
          Key: flip.key,
          // Operands read the item as it was before the update: `previousVersionId` gets the old `versionId`.
          UpdateExpression: `SET ${[
            ...own.sets,
            'previousVersionId = if_not_exists(versionId, :none)',
            'versionId = :version',
            'uploadId = :upload',
            'orderKey = :k',
            'receivedAt = :received',
            'firstReceivedAt = if_not_exists(firstReceivedAt, :received)',
            'updatedAt = :now',
          ].join(', ')}`,
          ConditionExpression: 'attribute_not_exists(pk) OR orderKey < :k',
          ...(own.sets.length > 0 ? { ExpressionAttributeNames: own.names } : {}),
          ExpressionAttributeValues: {
            ...own.values,
            ':none': null,
            ':version': flip.versionId,
            ':upload': flip.uploadId,
            ':k': flip.orderKey,
            ':received': received,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    const previous = result.Attributes;
    const previousVersionId = typeof previous?.versionId === 'string' ? previous.versionId : null;
    const replacedByPrevious = typeof previous?.previousVersionId === 'string' ? previous.previousVersionId : null;
    return {
      outcome: 'flipped',
      previousVersionId,
      obsoleteVersionIds: obsoleteVersions(flip.versionId, [previousVersionId, replacedByPrevious]),
    };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  const current = await flip.readCurrent();
  if (!current) throw new DependencyError(`DynamoDB ${flip.what} pointer vanished during flip`);
  if (current.versionId === flip.versionId) {
    return { outcome: 'already-current', obsoleteVersionIds: obsoleteVersions(flip.versionId, [current.previousVersionId]) };
  }
  // An older file that arrived late still counts for the deadline: it was received when it was.
  if (received < current.firstReceivedAt) {
    try {
      await dynamoCall(`UpdateItem ${flip.what} first received`, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: flip.key,
            UpdateExpression: `SET ${['firstReceivedAt = :received', ...mark.sets].join(', ')}`,
            ConditionExpression: 'firstReceivedAt > :received',
            ...(mark.sets.length > 0 ? { ExpressionAttributeNames: mark.names } : {}),
            ExpressionAttributeValues: { ':received': received, ...mark.values },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return { outcome: 'stale', currentVersionId: current.versionId };
}
