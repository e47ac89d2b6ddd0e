/**
 * The DynamoDB access of the pipeline: the only module that knows item shapes. One table, no transactions
 * (dynalite has none, and none are needed):
 *
 * | item                 | pk                          | sk            | gsi1pk / gsi1sk                 | gsi2pk / gsi2sk                |
 * | -------------------- | --------------------------- | ------------- | ------------------------------- | ------------------------------ |
 * | upload               | `UPLOAD#<uploadId>`         | `UPLOAD`      | –                               | `UPLOADS#<unit>` / `<createdAt>#<uploadId>` |
 * | roster version chunk | `ROSTER#<unit>#<versionId>` | `CHUNK#<n, 5 digits>` | –                    | –                              |
 * | roster version row (before chunks) | `ROSTER#<unit>#<versionId>` | `ROW#<row>` | – (rows written before issue 10 carry `PERSON#<idHash>` / `<unit>#<versionId>`) | – |
 * | current roster       | `UNIT#<unit>`               | `ROSTER`      | `ROSTER_CHANGES#<month>` / `<changedAt>#<unit>` | `ROSTERS` / `<unit>` |
 * | link record          | `UNIT#<unit>`               | `LINKS#<form>` | –                              | `LINKS` / `<unit>#<form>`      |
 * | link revocation      | `UNIT#<unit>`               | `LINKS`       | –                               | `REVOCATIONS` / `<unit>`       |
 * | roster version marker | `UNIT#<unit>`              | `VERSION#<versionId>` | –                       | –                              |
 *
 * - An upload is fetched by id alone, so the API can tell "another unit's upload" (403) from "no such
 *   upload" (404); a unit's uploads are listed newest first from gsi2. Issues are kept as gzipped JSON in the
 *   item (they repeat the same messages, so they shrink ~10×), or beside the upload in S3 when even that
 *   passes ~300 KB (items max out at 400 KB).
 * - A roster *version* is written in full before the unit's *pointer* is flipped to it. Its officials are
 *   packed many to an item (*chunks*, see `packRosterChunks`): a 20,000-row roster is 200 items, not
 *   20,000, which is what a large upload's write time and write units were spent on. Versions written one
 *   item per official before are still read (both shapes in the same Query) and deleted. Readers follow
 *   the pointer, so a half-written version is invisible, and a retry rewrites the same keys and flips. The flip is conditional on the new version being newer; rows of
 *   a version that lost (or of the one it replaced) are deleted afterwards, as housekeeping that also keeps
 *   personal data no longer than needed. The pointer remembers the version it replaced
 *   (`previousVersionId`), so that deletion survives a crash right after the flip: the retry finds its
 *   version already current and deletes the previous one's rows, and so does the next flip.
 * - A *version marker* in the unit's partition is written before a version's first row and deleted after
 *   its last: whatever a crash leaves behind, a Query on `UNIT#<unit>` lists every version whose rows may
 *   still exist, so rows no pointer leads to are found without a Scan (see shared/pipeline/orphan-versions.ts).
 * - "Newer" is the order key `<eventTime>#<sequencer>` (`objectOrderKey`); why it orders uploads, and the
 *   flip itself, shared with monthly results: shared/store/pointer.ts.
 * - Idempotency of processing needs no extra table: the upload item remembers the order key of the object
 *   it processed and its status; a duplicate of a finished object is recognized and dropped, a retry of an
 *   unfinished one runs again over idempotent writes (same keys, same values).
 * - Officials are matched across units in memory, from every current version's items projected to the keyed
 *   ID hashes and the names (O(units) Queries, never one per row). Rows no longer carry gsi1 keys (two
 *   index writes saved per row; older rows still do, under `PERSON#` keys nothing reads).
 * - A roster pointer sits on gsi1 under the Vietnam month of its latest change (a flip, an earlier first
 *   receipt, a grants file naming one of its officials), so the month's first report derives each unit's
 *   figures from the month before and re-reads only the units changed since (shared/report/load.ts).
 *   ID and phone numbers sit in clear only in row attributes (encrypted at rest by DynamoDB), never in keys.
 * - Every list status/export/report need is a Query: pointers of all units on gsi2 `ROSTERS`, a version's
 *   rows by pk, a unit's uploads on gsi2, the issued links of all units on gsi2 `LINKS`.
 * - A link record counts the upload links issued to a unit for a form, and keeps the latest one's issue and
 *   expiry times (never the token). `LINKS` alone is the unit's link revocation: the instant before which its
 *   links are void (shared/store/link-revocations.ts, checked by the API on every request).
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { ConflictError, DependencyError } from '../errors.js';
import { UPLOAD_FORMS } from '../tokens.js';
import type { Issue } from '../verdict.js';
import { batchWrite, mapWithConcurrency, type WriteRequest } from './batch.js';
import { flipPointer } from './pointer.js';
import { dynamoCall as call, parseItem, queryItems, type TableAccess } from './query.js';
import { vietnamMonth } from '../vn/time.js';
import { GSI1, GSI2 } from './table.js';
import {
  type BeginOutcome,
  FINAL_STATUSES,
  type FlipRequest,
  type FlipResult,
  type NewUpload,
  type Official,
  type OfficialInput,
  type ObjectVersion,
  type RosterPointer,
  type UploadDetail,
  type UploadRecord,
  UPLOAD_STATUSES,
  type UploadStatus,
  type VerdictOutcome,
  type LinkIssue,
  type LinkRecord,
  type VersionMarker,
  type VersionOrigin,
} from './types.js';

/** One person a current roster lists, as cross-unit matching needs them: the keyed ID hash and the name only. */
export interface RosterPersonKey {
  unit: string;
  idHash: string;
  name: string;
}

/** Where oversized issue lists go (S3 beside the upload). */
export interface IssueOverflow {
  keyFor(unit: string, uploadId: string): string;
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
}

export interface StoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  overflow: IssueOverflow;
  /** Gzipped issues above this size go to S3. */
  inlineIssuesMaxBytes?: number;
  /** Pending uploads never sent are dropped by TTL after this long (AWS only; dynalite ignores TTL). */
  pendingTtlSeconds?: number;
}

const INLINE_ISSUES_MAX_BYTES = 300_000;
const PENDING_TTL_SECONDS = 7 * 24 * 3600;
const LOOKUP_CONCURRENCY = 8;
/** Wider than any sequencer S3 emits (16–20 hex digits today), so right-padding never truncates. */
export const SEQUENCER_WIDTH = 32;
const VERSION_MARKER_PREFIX = 'VERSION#';

const key = {
  upload: (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: 'UPLOAD' }),
  uploadsOf: (unit: string) => `UPLOADS#${unit}`,
  rosterPointer: (unit: string) => ({ pk: `UNIT#${unit}`, sk: 'ROSTER' }),
  unitPartition: (unit: string) => `UNIT#${unit}`,
  versionMarker: (unit: string, versionId: string) => ({ pk: `UNIT#${unit}`, sk: `${VERSION_MARKER_PREFIX}${versionId}` }),
  rosterPointers: 'ROSTERS',
  rosterChanges: (month: string) => `ROSTER_CHANGES#${month}`,
  linkRecord: (unit: string, form: string) => ({ pk: `UNIT#${unit}`, sk: `LINKS#${form}` }),
  linkRecords: 'LINKS',
  version: (unit: string, versionId: string) => `ROSTER#${unit}#${versionId}`,
  chunk: (index: number) => `CHUNK#${String(index).padStart(5, '0')}`,
} as const;

/** The order key of an S3 object event: event time, then the sequencer right-padded with zeros (AWS's rule). */
export function objectOrderKey(eventTime: Date, sequencer: string): string {
  const normalized = sequencer.toUpperCase();
  if (!/^[0-9A-F]{1,32}$/.test(normalized)) throw new RangeError('sequencer must be 1–32 hex digits');
  return `${eventTime.toISOString()}#${normalized.padEnd(SEQUENCER_WIDTH, '0')}`;
}

type Item = Record<string, unknown>;
const str = (item: Item, name: string): string => (typeof item[name] === 'string' ? (item[name] as string) : '');
const optStr = (item: Item, name: string): string | null => (typeof item[name] === 'string' ? (item[name] as string) : null);
const optNum = (item: Item, name: string): number | null => (typeof item[name] === 'number' ? (item[name] as number) : null);

function statusOf(item: Item): UploadStatus {
  const status = UPLOAD_STATUSES.find((s) => s === item.status);
  if (!status) throw new DependencyError('DynamoDB upload item without a known status');
  return status;
}

export type Store = ReturnType<typeof createStore>;

/** A row of a clerk's receipt, as the store reads it back (parsed on the way out as on the way in). */
const receiptRowItem = z.object({ row: z.number().int().default(0), name: z.string(), workUnitCode: z.string() });
export type ReceiptRow = z.infer<typeof receiptRowItem>;

/**
 * A chunk keeps its officials in three JSON arrays of the same length and order, one attribute each, so that
 * a Query projects only what its reader needs: `receipt` (row, name, work unit: a clerk's receipt), plus
 * `idHashes` for cross-unit matching, plus `personal` (ID and phone numbers, `sharedWith`) only for readers
 * of the whole roster. JSON strings rather than DynamoDB lists of maps: one attribute value for the SDK to
 * marshal and for DynamoDB (dynalite) to validate per chunk, instead of ~8 per official; the item size, and
 * so the write units, is about the same.
 */
const CHUNK_ATTRIBUTES = { receipt: 'receipt', idHashes: 'idHashes', personal: 'personal' } as const;
const personalEntry = z.object({ idNumber: z.string(), phone: z.string(), sharedWith: z.array(z.string()) });
const receiptEntries = z.array(z.object({ row: z.number().int(), name: z.string(), workUnitCode: z.string() }));
const idHashEntries = z.array(z.string());
const personalEntries = z.array(personalEntry);

/**
 * At most this many officials to a chunk: ~20 KB (an official is ~200 bytes), so a 20,000-row roster is 200
 * items, 8 BatchWriteItem requests written side by side instead of 800, and an item costs the write units of
 * its bytes (20 for 100 officials, where one item each cost at least 100).
 */
export const CHUNK_MAX_OFFICIALS = 100;
/** And at most this many bytes of JSON: DynamoDB's item limit is 400 KB, keys and attribute names included. */
export const CHUNK_MAX_BYTES = 300_000;

export interface RosterChunk {
  officialCount: number;
  receipt: string;
  idHashes: string;
  personal: string;
}

/**
 * `officials` cut into chunks, in the order given, of at most `maxOfficials` officials and `maxBytes` bytes of
 * JSON (an official larger than that alone gets a chunk of its own). Deterministic, so a retry rewrites the
 * same items with the same values.
 */
export function packRosterChunks(
  officials: readonly OfficialInput[],
  maxOfficials = CHUNK_MAX_OFFICIALS,
  maxBytes = CHUNK_MAX_BYTES,
): RosterChunk[] {
  const chunks: RosterChunk[] = [];
  let receipt: string[] = [];
  let idHashes: string[] = [];
  let personal: string[] = [];
  let bytes = 0;
  const close = () => {
    if (receipt.length === 0) return;
    chunks.push({ officialCount: receipt.length, receipt: `[${receipt.join(',')}]`, idHashes: `[${idHashes.join(',')}]`, personal: `[${personal.join(',')}]` });
    receipt = [];
    idHashes = [];
    personal = [];
    bytes = 0;
  };
  for (const official of officials) {
    const parts = [
      JSON.stringify({ row: official.row, name: official.name, workUnitCode: official.workUnitCode }),
      JSON.stringify(official.idHash),
      JSON.stringify({ idNumber: official.idNumber, phone: official.phone, sharedWith: official.sharedWith }),
    ] as const;
    // Each part plus its comma; the brackets of the three arrays.
    const size = parts.reduce((sum, part) => sum + Buffer.byteLength(part) + 1, 0);
    if (receipt.length >= maxOfficials || (receipt.length > 0 && bytes + size + 6 > maxBytes)) close();
    receipt.push(parts[0]);
    idHashes.push(parts[1]);
    personal.push(parts[2]);
    bytes += size;
  }
  close();
  return chunks;
}

/** One JSON attribute of a chunk, checked against `schema` (a malformed chunk is a dependency failure, not a crash later). */
function chunkPart<T>(item: Record<string, unknown>, name: string, schema: z.ZodType<T[]>): T[] {
  const text = item[name];
  if (typeof text !== 'string') throw new DependencyError(`DynamoDB roster chunk without ${name}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DependencyError(`DynamoDB roster chunk with malformed ${name}`, { cause: error });
  }
  return parseItem(schema, parsed);
}

/** The receipt entries of a chunk, with each one's ID hash (what matching reads: never an ID or phone number). */
function chunkPeople(item: Record<string, unknown>): { receipt: z.infer<typeof receiptEntries>; idHashes: string[] } {
  const receipt = chunkPart(item, CHUNK_ATTRIBUTES.receipt, receiptEntries);
  const idHashes = chunkPart(item, CHUNK_ATTRIBUTES.idHashes, idHashEntries);
  if (idHashes.length !== receipt.length) throw new DependencyError('DynamoDB roster chunk with arrays of different lengths');
  return { receipt, idHashes };
}

const isChunk = (item: Record<string, unknown>): boolean => typeof item.sk === 'string' && item.sk.startsWith('CHUNK#');

/** One entry per row, in row order: a version half-written one item per official and rewritten in chunks lists each row once. */
function byRow<T extends { row: number }>(entries: readonly T[]): T[] {
  const rows = new Map<number, T>();
  for (const entry of entries) if (!rows.has(entry.row)) rows.set(entry.row, entry);
  return [...rows.values()].sort((a, b) => a.row - b.row);
}

export function createStore(options: StoreOptions) {
  const { doc, tableName: TableName, overflow } = options;
  const inlineMax = options.inlineIssuesMaxBytes ?? INLINE_ISSUES_MAX_BYTES;
  const pendingTtl = options.pendingTtlSeconds ?? PENDING_TTL_SECONDS;

  const table: TableAccess = { doc, tableName: TableName };
  const queryAll = (input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>, limit?: number): Promise<Item[]> =>
    queryItems(table, input, limit);

  function toUpload(item: Item): UploadRecord {
    return {
      uploadId: str(item, 'uploadId'),
      unit: str(item, 'unit'),
      form: UPLOAD_FORMS.find((form) => form === item.form) ?? 'roster',
      period: str(item, 'period'),
      objectKey: str(item, 'objectKey'),
      fileName: str(item, 'fileName'),
      contentType: str(item, 'contentType'),
      declaredSize: optNum(item, 'declaredSize') ?? 0,
      status: statusOf(item),
      accepted: typeof item.accepted === 'boolean' ? item.accepted : null,
      rowsRead: optNum(item, 'rowsRead'),
      issueCount: optNum(item, 'issueCount'),
      annotatedKey: optStr(item, 'annotatedKey'),
      createdAt: str(item, 'createdAt'),
      updatedAt: str(item, 'updatedAt'),
      receivedAt: optStr(item, 'receivedAt'),
      objectVersion: optStr(item, 'objectVersion'),
      versionId: optStr(item, 'versionId'),
      failureCode: optStr(item, 'failureCode'),
    };
  }

  async function decodeIssues(item: Item): Promise<Issue[]> {
    let compressed: Uint8Array | undefined;
    if (item.issuesGz instanceof Uint8Array) compressed = item.issuesGz;
    else if (typeof item.issuesKey === 'string') compressed = await overflow.get(item.issuesKey);
    if (!compressed) return [];
    return JSON.parse(gunzipSync(compressed).toString('utf8')) as Issue[];
  }

  function toPointer(item: Item): RosterPointer {
    return {
      unit: str(item, 'unit'),
      versionId: str(item, 'versionId'),
      uploadId: str(item, 'uploadId'),
      orderKey: str(item, 'orderKey'),
      officialCount: optNum(item, 'officialCount') ?? 0,
      receivedAt: str(item, 'receivedAt'),
      firstReceivedAt: str(item, 'firstReceivedAt'),
      updatedAt: str(item, 'updatedAt'),
      previousVersionId: optStr(item, 'previousVersionId'),
    };
  }

  function toOfficial(item: Item): Official {
    return {
      unit: str(item, 'unit'),
      versionId: str(item, 'versionId'),
      row: optNum(item, 'row') ?? 0,
      name: str(item, 'name'),
      workUnitCode: str(item, 'workUnitCode'),
      idNumber: str(item, 'idNumber'),
      phone: str(item, 'phone'),
      idHash: str(item, 'idHash'),
      sharedWith: Array.isArray(item.sharedWith) ? item.sharedWith.filter((u): u is string => typeof u === 'string') : [],
    };
  }

  async function getUploadItem(uploadId: string): Promise<Item | undefined> {
    const result = await call('GetItem upload', () =>
      doc.send(new GetCommand({ TableName, Key: key.upload(uploadId), ConsistentRead: true })),
    );
    return result.Item as Item | undefined;
  }

  async function getPointer(unit: string): Promise<RosterPointer | undefined> {
    const result = await call('GetItem roster pointer', () =>
      doc.send(new GetCommand({ TableName, Key: key.rosterPointer(unit), ConsistentRead: true })),
    );
    return result.Item ? toPointer(result.Item as Item) : undefined;
  }

  function officialsOfChunk(unit: string, versionId: string, item: Item): Official[] {
    const { receipt, idHashes } = chunkPeople(item);
    const personal = chunkPart(item, CHUNK_ATTRIBUTES.personal, personalEntries);
    if (personal.length !== receipt.length) throw new DependencyError('DynamoDB roster chunk with arrays of different lengths');
    return receipt.map((entry, index) => ({
      unit,
      versionId,
      ...entry,
      idHash: idHashes[index] ?? '',
      ...(personal[index] ?? { idNumber: '', phone: '', sharedWith: [] }),
    }));
  }

  /** A version's officials, from its chunks and from items written one per official before chunks. */
  async function listVersionOfficials(unit: string, versionId: string): Promise<Official[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': key.version(unit, versionId) },
    });
    return byRow(items.flatMap((item) => (isChunk(item) ? officialsOfChunk(unit, versionId, item) : [toOfficial(item)])));
  }

  /** Files the pointer on gsi1 under the Vietnam month and the time of `now`: `listChangedRosterPointers` finds it there. */
  const changeMark = (unit: string, now: Date) => ({
    gsi1pk: key.rosterChanges(vietnamMonth(now)),
    gsi1sk: `${now.toISOString()}#${unit}`,
    changedAt: now.toISOString(),
  });

  async function listRosterPointers(): Promise<RosterPointer[]> {
    const items = await queryAll({
      IndexName: GSI2,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': key.rosterPointers },
    });
    return items.map(toPointer);
  }

  async function listOtherCurrentPersonKeys(exceptUnit: string): Promise<RosterPersonKey[]> {
    const pointers = (await listRosterPointers()).filter((pointer) => pointer.unit !== exceptUnit);
    const rosters = await mapWithConcurrency(pointers, LOOKUP_CONCURRENCY, async ({ unit, versionId }) => {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.version(unit, versionId) },
        // A chunk's receipt and ID hashes, or an older item's own two attributes (`name` is a reserved word).
        ProjectionExpression: `sk, idHash, #name, ${CHUNK_ATTRIBUTES.receipt}, ${CHUNK_ATTRIBUTES.idHashes}`,
        ExpressionAttributeNames: { '#name': 'name' },
      });
      return items.flatMap((item) => {
        if (!isChunk(item)) return [{ unit, idHash: str(item, 'idHash'), name: str(item, 'name') }];
        const { receipt, idHashes } = chunkPeople(item);
        return receipt.map((entry, index) => ({ unit, idHash: idHashes[index] ?? '', name: entry.name }));
      });
    });
    return rosters.flat();
  }

  return {
    // ── Uploads ────────────────────────────────────────────────────────────────────────────────────────
    async createUpload(upload: NewUpload): Promise<void> {
      const createdAt = upload.createdAt.toISOString();
      await call('PutItem upload', () =>
        doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...key.upload(upload.uploadId),
              type: 'upload',
              uploadId: upload.uploadId,
              unit: upload.unit,
              form: upload.form,
              period: upload.period,
              objectKey: upload.objectKey,
              fileName: upload.fileName,
              contentType: upload.contentType,
              declaredSize: upload.declaredSize,
              status: 'pending' satisfies UploadStatus,
              createdAt,
              updatedAt: createdAt,
              gsi2pk: key.uploadsOf(upload.unit),
              gsi2sk: `${createdAt}#${upload.uploadId}`,
              ttl: Math.floor(upload.createdAt.getTime() / 1000) + pendingTtl,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async getUpload(uploadId: string): Promise<UploadDetail | undefined> {
      const item = await getUploadItem(uploadId);
      if (!item) return undefined;
      return { ...toUpload(item), issues: await decodeIssues(item) };
    },

    /** A unit's uploads, newest first, without their issues. */
    async listUploads(unit: string, limit = 50): Promise<UploadRecord[]> {
      const items = await queryAll(
        {
          IndexName: GSI2,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': key.uploadsOf(unit) },
          ScanIndexForward: false,
          Limit: Math.min(limit, 100),
        },
        limit,
      );
      return items.map(toUpload);
    },

    /**
     * Claims the processing of one object of an upload. Reads first to tell why not, then writes
     * conditionally so that two racing deliveries cannot both move the upload backwards.
     */
    async beginProcessing(uploadId: string, unit: string, object: ObjectVersion, now: Date): Promise<BeginOutcome> {
      const item = await getUploadItem(uploadId);
      if (!item || str(item, 'unit') !== unit) return { outcome: 'unknown' };
      const seen = optStr(item, 'objectVersion');
      const status = statusOf(item);
      if (seen !== null && seen > object.orderKey) return { outcome: 'stale' };
      if (seen === object.orderKey && FINAL_STATUSES.includes(status)) return { outcome: 'duplicate' };
      try {
        const result = await call('UpdateItem begin processing', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: key.upload(uploadId),
              UpdateExpression:
                'SET #status = :processing, objectVersion = :k, receivedAt = :received, updatedAt = :now REMOVE #ttl, failureCode',
              ConditionExpression:
                'attribute_exists(pk) AND (attribute_not_exists(objectVersion) OR objectVersion < :k OR (objectVersion = :k AND NOT #status IN (:accepted, :rejected)))',
              ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
              ExpressionAttributeValues: {
                ':processing': 'processing',
                ':accepted': 'accepted',
                ':rejected': 'rejected',
                ':k': object.orderKey,
                ':received': object.receivedAt.toISOString(),
                ':now': now.toISOString(),
              },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        );
        return { outcome: 'started', upload: toUpload((result.Attributes ?? item) as Item) };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const again = await getUploadItem(uploadId);
        return again && optStr(again, 'objectVersion') === object.orderKey ? { outcome: 'duplicate' } : { outcome: 'stale' };
      }
    },

    /** Records the verdict of the object `orderKey`; false when a newer object of the upload took over. */
    async recordVerdict(uploadId: string, orderKey: string, outcome: VerdictOutcome, now: Date): Promise<boolean> {
      const item = await getUploadItem(uploadId);
      if (!item) return false;
      const compressed = gzipSync(Buffer.from(JSON.stringify(outcome.issues), 'utf8'));
      let issuesAttribute: { name: 'issuesGz'; value: Uint8Array } | { name: 'issuesKey'; value: string };
      if (compressed.byteLength <= inlineMax) {
        issuesAttribute = { name: 'issuesGz', value: compressed };
      } else {
        const issuesKey = overflow.keyFor(str(item, 'unit'), uploadId);
        await overflow.put(issuesKey, compressed);
        issuesAttribute = { name: 'issuesKey', value: issuesKey };
      }
      const stale = issuesAttribute.name === 'issuesGz' ? 'issuesKey' : 'issuesGz';
      try {
        await call('UpdateItem verdict', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: key.upload(uploadId),
              UpdateExpression: `SET #status = :status, accepted = :accepted, rowsRead = :rows, issueCount = :count, ${issuesAttribute.name} = :issues, annotatedKey = :annotated, versionId = :version, updatedAt = :now REMOVE ${stale}, failureCode`,
              ConditionExpression: 'objectVersion = :k',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':status': outcome.status,
                ':accepted': outcome.accepted,
                ':rows': outcome.rowsRead,
                ':count': outcome.issues.length,
                ':issues': issuesAttribute.value,
                ':annotated': outcome.annotatedKey,
                ':version': outcome.versionId,
                ':now': now.toISOString(),
                ':k': orderKey,
              },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConflictError) return false;
        throw error;
      }
    },

    /** Marks processing of `orderKey` as failed for good, with a stable code the page can explain. */
    async recordFailure(uploadId: string, orderKey: string, failureCode: string, now: Date): Promise<boolean> {
      try {
        await call('UpdateItem failure', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: key.upload(uploadId),
              UpdateExpression: 'SET #status = :failed, failureCode = :code, updatedAt = :now',
              ConditionExpression: 'objectVersion = :k AND NOT #status IN (:accepted, :rejected)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':failed': 'failed',
                ':code': failureCode,
                ':now': now.toISOString(),
                ':k': orderKey,
                ':accepted': 'accepted',
                ':rejected': 'rejected',
              },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConflictError) return false;
        throw error;
      }
    },

    /**
     * Records that the clerk cancelled an upload whose file was never announced: `failed` with `failureCode`.
     * False (and nothing written) when it is no longer `pending` or its file has already arrived.
     */
    async cancelUpload(uploadId: string, failureCode: string, now: Date): Promise<boolean> {
      try {
        await call('UpdateItem cancel', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: key.upload(uploadId),
              UpdateExpression: 'SET #status = :failed, failureCode = :code, updatedAt = :now',
              ConditionExpression: 'attribute_exists(pk) AND #status = :pending AND attribute_not_exists(objectVersion)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':code': failureCode, ':now': now.toISOString() },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConflictError) return false;
        throw error;
      }
    },

    // ── Roster versions ────────────────────────────────────────────────────────────────────────────────
    /**
     * Writes every official of a version, packed in chunks (`packRosterChunks`); idempotent (same keys, same
     * values), so a retry simply rewrites. The version's marker goes first, on its own, so no chunk can exist
     * without it.
     */
    async writeRosterVersion(
      unit: string,
      versionId: string,
      officials: readonly OfficialInput[],
      origin: VersionOrigin = { uploadId: null, orderKey: null },
    ): Promise<void> {
      await call('PutItem version marker', () =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...key.versionMarker(unit, versionId), type: 'roster-version', unit, versionId, ...origin },
          }),
        ),
      );
      const pk = key.version(unit, versionId);
      const requests: WriteRequest[] = packRosterChunks(officials).map((chunk, index) => ({
        PutRequest: {
          Item: {
            pk,
            sk: key.chunk(index),
            type: 'roster-chunk',
            unit,
            versionId,
            officialCount: chunk.officialCount,
            [CHUNK_ATTRIBUTES.receipt]: chunk.receipt,
            [CHUNK_ATTRIBUTES.idHashes]: chunk.idHashes,
            [CHUNK_ATTRIBUTES.personal]: chunk.personal,
          },
        },
      }));
      await batchWrite(doc, TableName, requests);
    },

    /**
     * Deletes the items of a version nobody points at (a superseded or a losing one), chunks and older
     * one-per-official items alike; returns how many items were deleted.
     */
    async deleteRosterVersion(unit: string, versionId: string): Promise<number> {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.version(unit, versionId) },
        ProjectionExpression: 'pk, sk',
      });
      await batchWrite(
        doc,
        TableName,
        items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
      );
      // Last, once every item is gone: until then the marker keeps the version findable.
      await call('DeleteItem version marker', () => doc.send(new DeleteCommand({ TableName, Key: key.versionMarker(unit, versionId) })));
      return items.length;
    },

    /** The unit's current pointer and every version whose rows may exist (one consistent Query on its partition). */
    async listRosterVersions(unit: string): Promise<{ pointer: RosterPointer | undefined; versions: VersionMarker[] }> {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.unitPartition(unit) },
        ConsistentRead: true,
      });
      const pointerItem = items.find((item) => item.sk === key.rosterPointer(unit).sk);
      const versions = items
        .filter((item) => str(item, 'sk').startsWith(VERSION_MARKER_PREFIX))
        .map((item) => ({ versionId: str(item, 'versionId'), uploadId: optStr(item, 'uploadId'), orderKey: optStr(item, 'orderKey') }));
      return { pointer: pointerItem ? toPointer(pointerItem) : undefined, versions };
    },

    /**
     * Points the unit at `versionId` if it is newer than the current one (shared/store/pointer.ts). Only after
     * every row is written: then no reader ever sees a partial or mixed roster.
     */
    async flipRoster(request: FlipRequest, now: Date): Promise<FlipResult> {
      return flipPointer(
        table,
        {
          what: 'roster',
          key: key.rosterPointer(request.unit),
          versionId: request.versionId,
          uploadId: request.uploadId,
          orderKey: request.orderKey,
          receivedAt: request.receivedAt,
          attributes: {
            type: 'roster-pointer',
            unit: request.unit,
            officialCount: request.officialCount,
            gsi2pk: key.rosterPointers,
            gsi2sk: request.unit,
          },
          changeMark: changeMark(request.unit, now),
          readCurrent: () => getPointer(request.unit),
        },
        now,
      );
    },

    getRosterPointer: getPointer,

    /** Every unit's current roster pointer (one Query on gsi2). */
    listRosterPointers,

    /**
     * The pointers whose latest change (a flip, an earlier first receipt, or a grants file naming one of the
     * unit's officials: `markRostersChanged`) fell in a Vietnam month, at or after `since` (one Query on
     * gsi1). A pointer sits under its latest change only, so the months from `since` on list every unit
     * changed since then.
     */
    async listChangedRosterPointers(month: string, since: Date): Promise<RosterPointer[]> {
      const items = await queryAll({
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': key.rosterChanges(month), ':since': since.toISOString() },
      });
      return items.map(toPointer);
    },

    /**
     * Marks the units' rosters changed at `now` although their pointers did not flip: what a report derived
     * for them (their officials' grants) must be derived again. A unit with no roster has nothing to mark.
     */
    async markRostersChanged(units: readonly string[], now: Date): Promise<void> {
      await mapWithConcurrency([...new Set(units)], LOOKUP_CONCURRENCY, async (unit) => {
        const mark = changeMark(unit, now);
        try {
          await call('UpdateItem roster change mark', () =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: key.rosterPointer(unit),
                UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk, changedAt = :at',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':pk': mark.gsi1pk, ':sk': mark.gsi1sk, ':at': mark.changedAt },
              }),
            ),
          );
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      });
    },

    /** The officials of one version, in row order. */
    listVersionOfficials,

    /**
     * What a clerk's receipt shows of an accepted version: row, name and work unit, in row order. Projected,
     * so the read never carries an ID or phone number, and a 20,000-row receipt reads a third of the bytes
     * (measured ~1.2 s less on the embedded stack: docs/PERFORMANCE.md).
     */
    async listVersionReceipt(unit: string, versionId: string): Promise<ReceiptRow[]> {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.version(unit, versionId) },
        // A chunk's receipt, or an older item's own attributes (`row` and `name` are DynamoDB reserved words).
        ExpressionAttributeNames: { '#row': 'row', '#name': 'name' },
        ProjectionExpression: `sk, #row, #name, workUnitCode, ${CHUNK_ATTRIBUTES.receipt}`,
      });
      return byRow(
        items.flatMap((item) =>
          isChunk(item) ? chunkPart(item, CHUNK_ATTRIBUTES.receipt, receiptEntries) : [parseItem(receiptRowItem, item)],
        ),
      );
    },

    /** The officials on the unit's current roster (none when it has no accepted roster). */
    async listCurrentOfficials(unit: string): Promise<Official[]> {
      const pointer = await getPointer(unit);
      if (!pointer) return [];
      return listVersionOfficials(unit, pointer.versionId);
    },

    /**
     * Who every *other* unit's current roster lists, as matching needs it: the keyed ID hash and the name,
     * never the numbers. The pointers (one Query on gsi2), then each current version's items projected to
     * those (a chunk's receipt and ID hashes; one paged Query per unit, a few at a time): O(units) requests,
     * however long the file being matched. Only pointers lead to rows, so superseded or half-written
     * versions never count.
     */
    listOtherCurrentPersonKeys,

    /** For each ID hash, the *other* units whose current roster lists that person (sorted), in O(units) requests. */
    async findOnOtherCurrentRosters(idHashes: readonly string[], exceptUnit: string): Promise<Map<string, string[]>> {
      const wanted = new Set(idHashes);
      const found = new Map<string, Set<string>>();
      for (const person of await listOtherCurrentPersonKeys(exceptUnit)) {
        if (!wanted.has(person.idHash)) continue;
        const units = found.get(person.idHash) ?? new Set<string>();
        units.add(person.unit);
        found.set(person.idHash, units);
      }
      return new Map([...found].map(([idHash, units]) => [idHash, [...units].sort()]));
    },

    // ── Upload links ───────────────────────────────────────────────────────────────────────────────────
    /**
     * Counts one more link issued to a unit for a form. The latest issue time only moves forward, so two
     * `invite` runs racing each other leave the later link's times.
     */
    async recordLinkIssued(issue: LinkIssue): Promise<void> {
      const linkKey = key.linkRecord(issue.unit, issue.form);
      const names = { '#type': 'type', '#unit': 'unit', '#form': 'form', '#count': 'count' };
      try {
        await call('UpdateItem link record', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: linkKey,
              UpdateExpression:
                'SET #type = :type, #unit = :unit, #form = :form, lastIssuedAt = :issued, lastExpiresAt = :expires, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk ADD #count :one',
              ConditionExpression: 'attribute_not_exists(lastIssuedAt) OR lastIssuedAt <= :issued',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: {
                ':type': 'link-record',
                ':unit': issue.unit,
                ':form': issue.form,
                ':issued': issue.issuedAt.toISOString(),
                ':expires': issue.expiresAt.toISOString(),
                ':gsi2pk': key.linkRecords,
                ':gsi2sk': `${issue.unit}#${issue.form}`,
                ':one': 1,
              },
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // A later link was recorded first: this one still counts.
        await call('UpdateItem link count', () =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: linkKey,
              UpdateExpression: 'ADD #count :one',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':one': 1 },
            }),
          ),
        );
      }
    },

    /** Every unit's link records, by unit then form (one Query on gsi2). */
    async listLinkRecords(): Promise<LinkRecord[]> {
      const items = await queryAll({
        IndexName: GSI2,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': key.linkRecords },
      });
      return items.map((item) => {
        const form = UPLOAD_FORMS.find((f) => f === item.form);
        if (!form) throw new DependencyError('DynamoDB link record without a known form');
        return {
          unit: str(item, 'unit'),
          form,
          count: optNum(item, 'count') ?? 0,
          lastIssuedAt: str(item, 'lastIssuedAt'),
          lastExpiresAt: str(item, 'lastExpiresAt'),
        };
      });
    },
  };
}
