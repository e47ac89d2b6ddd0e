/**
 * S3 events as the platform really delivers them: twice, out of order, wrapped in SQS messages, or into a
 * function that crashes half-way. Whatever happens, the state must be the one a single in-order delivery
 * leaves: one version current, never two mixed, never an older one back.
 * The stack records s3rver's events without processing them; each test delivers them itself.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProcessUploadHandler } from '../../functions/process-upload/app.js';
import { createDeps } from '../../shared/pipeline/deps.js';
import { rosterVersionId } from '../../shared/pipeline/process-upload.js';
import { BATCH_WRITE_MAX_ITEMS } from '../../shared/store/batch.js';
import { CHUNK_MAX_OFFICIALS } from '../../shared/store/store.js';
import {
  api,
  districtPeople,
  type LocalStack,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  tokenOf,
  useLocalStack,
  XLSX_TYPE,
} from '../support/local-stack.js';

const stack = useLocalStack({ processEvents: false });

interface S3Notification {
  Records: { eventTime: string; s3: { object: { key: string; sequencer: string } } }[];
}

/** Sends a roster through the API and S3; returns its upload id and the event S3 emitted (not yet processed). */
async function sendRoster(unit: string, peopleCount: number, series: number): Promise<{ uploadId: string; event: S3Notification }> {
  const token = tokenOf(stack.current.inviteLink(unit));
  const bytes = await rosterWorkbook(senderLine(unit), districtPeople(unit, peopleCount, series));
  const created = await api<PresignedPost>(stack.current, '/api/uploads', {
    json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: bytes.byteLength },
  });
  expect((await postToS3(created.body, bytes, 'ds.xlsx')).ok).toBe(true);
  const event = stack.current.events.find((e) => JSON.stringify(e).includes(created.body.uploadId)) as S3Notification | undefined;
  if (!event) throw new Error('s3rver emitted no event');
  // Two uploads within one millisecond would share an event time; real clerks are slower than tests.
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { uploadId: created.body.uploadId, event };
}

function versionOf(uploadId: string, event: S3Notification): string {
  return rosterVersionId(uploadId, event.Records[0]?.s3.object.sequencer ?? '');
}

/** What a unit's roster looks like, in terms that do not depend on which unit it is. */
async function rosterState(s: LocalStack, unit: string, uploads: { uploadId: string; event: S3Notification }[]) {
  const pointer = await s.deps.store.getRosterPointer(unit);
  const officials = await s.deps.store.listCurrentOfficials(unit);
  const roles = uploads.map((u) => u.uploadId);
  return {
    current: pointer ? roles.indexOf(pointer.uploadId) : null,
    officialCount: pointer?.officialCount ?? 0,
    officials: officials.map((o) => [o.row, o.name]),
    rowsLeftPerVersion: await Promise.all(uploads.map(async (u) => (await s.deps.store.listVersionOfficials(unit, versionOf(u.uploadId, u.event))).length)),
    statuses: await Promise.all(uploads.map(async (u) => (await s.deps.store.getUpload(u.uploadId))?.status)),
  };
}

describe('duplicate and reordered events', () => {
  let inOrder: Awaited<ReturnType<typeof rosterState>>;

  // The reference: two rosters of one unit, each event delivered once, in order.
  beforeAll(async () => {
    const a = await sendRoster('540', 2, 20);
    const b = await sendRoster('540', 3, 21);
    await stack.current.deliver(a.event);
    await stack.current.deliver(b.event);
    inOrder = await rosterState(stack.current, '540', [a, b]);
  });

  it('in order: the second roster is current, the first one’s rows are gone', () => {
    expect(inOrder).toMatchObject({ current: 1, officialCount: 3, rowsLeftPerVersion: [0, 3], statuses: ['accepted', 'accepted'] });
  });

  it.each([
    ['the newer first', '543', [1, 0]],
    ['every event twice, reordered', '547', [1, 0, 1, 0]],
    ['the older one repeated after the newer', '549', [0, 1, 0, 0]],
    ['each one twice in a row', '550', [0, 0, 1, 1]],
  ])('%s leaves the in-order state', async (_label, unit, order) => {
    const a = await sendRoster(unit, 2, 20);
    const b = await sendRoster(unit, 3, 21);
    const events = [a.event, b.event];
    for (const index of order) await stack.current.deliver(events[index]);
    expect(await rosterState(stack.current, unit, [a, b])).toEqual(inOrder);
  });
});

/**
 * The document client of a process that dies at the first call `shouldCrash` picks: that call fails, and so
 * does every later one (a dead process makes no more calls, whatever its code would catch and go on with).
 */
function crashingAt(doc: DynamoDBDocumentClient, shouldCrash: (command: unknown, calls: { batches: number }) => boolean): DynamoDBDocumentClient {
  const calls = { batches: 0 };
  let crashed = false;
  return new Proxy(doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (crashed || shouldCrash(command, calls)) {
          crashed = true;
          throw Object.assign(new Error('injected crash'), { name: 'InjectedCrash' });
        }
        if (command instanceof BatchWriteCommand) calls.batches++;
        return target.send(command);
      };
    },
  });
}

describe('a crash half-way, then the retry', () => {
  const isFlip = (command: unknown) => command instanceof UpdateCommand && command.input.Key?.sk === 'ROSTER';
  const isVerdict = (command: unknown) =>
    command instanceof UpdateCommand && command.input.Key?.sk === 'UPLOAD' && String(command.input.UpdateExpression).includes('accepted =');
  /** The first step of deleting a version's rows: listing their keys. */
  const isRowDeletion = (command: unknown) => command instanceof QueryCommand && command.input.ProjectionExpression === 'pk, sk';
  /** process-upload in a process that dies where `shouldCrash` says. */
  const crashingHandler = (shouldCrash: (command: unknown, calls: { batches: number }) => boolean) => {
    const { deps, clients } = stack.current;
    return createProcessUploadHandler(
      createDeps({ config: deps.config, clients: { ...clients, doc: crashingAt(clients.doc, shouldCrash) }, tokenSecret: deps.tokenSecret, logger: deps.logger }),
    );
  };

  // Officials are written packed, many to an item, 25 items to a batch: only a roster longer than this takes
  // more than one batch, and so has a point between its first rows and its last.
  const beyondOneBatch = CHUNK_MAX_OFFICIALS * BATCH_WRITE_MAX_ITEMS + 1;

  it.each([
    ['after the first batch of rows', '551', 'some', beyondOneBatch, (command: unknown, calls: { batches: number }) => command instanceof BatchWriteCommand && calls.batches >= 1],
    ['between the last row and the pointer flip', '544', 'all', 60, (command: unknown) => isFlip(command)],
    ['after the flip, before the verdict is recorded', '548', 'flipped', 60, (command: unknown) => isVerdict(command)],
    ['after the flip, before the replaced version’s rows are deleted', 'so-tu-phap', 'flipped', 60, (command: unknown) => isRowDeletion(command)],
  ] as const)('%s: readers see one whole roster, and the retry completes the new one', async (_label, unit, progress, rows, shouldCrash) => {
    const flippedBeforeCrash = progress === 'flipped';
    const old = await sendRoster(unit, 3, 30);
    await stack.current.deliver(old.event);
    const renewed = await sendRoster(unit, rows, 31);
    const token = tokenOf(stack.current.inviteLink(unit));

    const { deps } = stack.current;
    await expect(crashingHandler(shouldCrash)(renewed.event)).rejects.toThrow();
    const written = (await deps.store.listVersionOfficials(unit, versionOf(renewed.uploadId, renewed.event))).length;
    if (progress === 'some') expect(written).toBeGreaterThan(0);
    expect(written === rows).toBe(progress !== 'some');

    // Readers see one whole roster, never a mix; the clerk sees the upload still in progress.
    expect((await deps.store.getRosterPointer(unit))?.uploadId).toBe(flippedBeforeCrash ? renewed.uploadId : old.uploadId);
    expect(await deps.store.listCurrentOfficials(unit)).toHaveLength(flippedBeforeCrash ? rows : 3);
    const midway = await api<{ status: string }>(stack.current, `/api/uploads/${renewed.uploadId}`, { token });
    expect(midway.body.status).toBe('processing');

    // Redelivery (SQS or Lambda's retry) through the ordinary function repairs everything.
    await stack.current.deliver(renewed.event);
    expect(await deps.store.getRosterPointer(unit)).toMatchObject({ uploadId: renewed.uploadId, officialCount: rows });
    expect(await deps.store.listCurrentOfficials(unit)).toHaveLength(rows);
    // No row of the replaced roster is kept, whichever step the crash cut short (personal data, no longer needed).
    expect(await deps.store.listVersionOfficials(unit, versionOf(old.uploadId, old.event))).toEqual([]);
    const done = await api<{ status: string; rows: number }>(stack.current, `/api/uploads/${renewed.uploadId}`, { token });
    expect(done.body).toMatchObject({ status: 'accepted', rows });
  });

  it('a crash after the flip, then a newer roster before the retry: no row of the replaced rosters remains', async () => {
    const unit = 'so-tai-chinh';
    const { store } = stack.current.deps;
    const first = await sendRoster(unit, 3, 50);
    await stack.current.deliver(first.event);
    const second = await sendRoster(unit, 4, 51);
    await expect(crashingHandler(isRowDeletion)(second.event)).rejects.toThrow();
    // The clerk, tired of waiting, sends a third file; it is processed before the second one's retry.
    const third = await sendRoster(unit, 5, 52);
    await stack.current.deliver(third.event);
    await stack.current.deliver(second.event);

    expect(await rosterState(stack.current, unit, [first, second, third])).toMatchObject({
      current: 2,
      officialCount: 5,
      rowsLeftPerVersion: [0, 0, 5],
      statuses: ['accepted', 'accepted', 'accepted'],
    });
    expect(await store.listCurrentOfficials(unit)).toHaveLength(5);
  });
});

describe('SQS delivery', () => {
  it('processes S3 notifications inside messages, ignores the S3 test event, and reports only the failed message', async () => {
    const sent = await sendRoster('542', 2, 40);
    const handler = createProcessUploadHandler(stack.current.deps);
    const message = (messageId: string, body: string) => ({ messageId, body, eventSource: 'aws:sqs', receiptHandle: 'r', attributes: {}, messageAttributes: {} });
    const result = await handler({
      Records: [
        message('test', JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: stack.current.bucketName })),
        message('good', JSON.stringify(sent.event)),
        message('poison', 'this is not an S3 notification'),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect((await stack.current.deps.store.getUpload(sent.uploadId))?.status).toBe('accepted');
  });

  it('ignores objects outside the upload keys and objects no upload was issued for', async () => {
    const handler = createProcessUploadHandler(stack.current.deps);
    const record = (key: string) => ({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: new Date().toISOString(),
      s3: { bucket: { name: stack.current.bucketName }, object: { key, size: 10, sequencer: '0A' } },
    });
    await expect(
      handler({ Records: [record('annotated/548/abc.xlsx'), record('incoming/548/zzzzzzzzzzzzzzzzzzzzz.xlsx'), record('incoming/548/a+b.xlsx')] }),
    ).resolves.toBeUndefined();
    expect(await stack.current.deps.store.getUpload('zzzzzzzzzzzzzzzzzzzzz')).toBeUndefined();
  });
});
