/**
 * Uploads that would otherwise hang for ever: one whose processing keeps crashing (on AWS its SQS message
 * ends in the dead-letter queue and nothing marks the upload `failed`), and one whose file never reached S3
 * (the transfer was cancelled or failed after the API recorded the upload `pending`). Once nothing can come
 * any more, the clerk's page must say it failed (with what to do) instead of "processing" or "waiting to be
 * checked" for ever, without a read writing anything, so that a late delivery or a late file still lands.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createProcessUploadHandler } from '../../functions/process-upload/app.js';
import { ISSUES } from '../../shared/issues.js';
import { createDeps } from '../../shared/pipeline/deps.js';
import {
  PENDING_GIVE_UP_MS,
  PROCESSING_GIVE_UP_MS,
  UPLOAD_QUEUE_MAX_RECEIVE_COUNT,
  UPLOAD_QUEUE_VISIBILITY_TIMEOUT_SECONDS,
} from '../../shared/pipeline/processing-deadline.js';
import { rosterStates } from '../../shared/pipeline/rosters.js';
import { UPLOAD_URL_TTL_SECONDS } from '../../shared/pipeline/uploads.js';
import { logicalIdOf, synthIntakeStack } from '../infra/fixtures/synth.js';
import {
  api,
  districtPeople,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  tokenOf,
  useLocalStack,
  XLSX_TYPE,
} from '../support/local-stack.js';

/** The functions' clock: real time unless a test pins it. */
let pinnedNow: number | undefined;
const stack = useLocalStack({ processEvents: false, now: () => new Date(pinnedNow ?? Date.now()) });

async function at<T>(time: number, read: () => Promise<T>): Promise<T> {
  pinnedNow = time;
  try {
    return await read();
  } finally {
    pinnedNow = undefined;
  }
}

interface StatusAnswer {
  status: string;
  issues: { code: string; severity: string; row: number | null; message: string }[];
}
interface ListAnswer {
  uploads: { uploadId: string; status: string }[];
}

/** A roster sent through the API and S3; its event is recorded, not processed. */
async function sendRoster(unit: string, token: string): Promise<{ uploadId: string; event: unknown }> {
  const bytes = await rosterWorkbook(senderLine(unit), districtPeople(unit, 3, 60));
  const created = await api<PresignedPost>(stack.current, '/api/uploads', {
    json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: bytes.byteLength },
  });
  expect((await postToS3(created.body, bytes, 'ds.xlsx')).ok).toBe(true);
  const event = stack.current.events.find((e) => JSON.stringify(e).includes(created.body.uploadId));
  if (!event) throw new Error('s3rver emitted no event');
  return { uploadId: created.body.uploadId, event };
}

/** process-upload whose every roster write fails: each delivery gets as far as `processing`, then throws. */
function alwaysCrashingHandler() {
  const { deps, clients } = stack.current;
  const doc = new Proxy(clients.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof BatchWriteCommand) throw Object.assign(new Error('injected crash'), { name: 'InjectedCrash' });
        return target.send(command);
      };
    },
  });
  return createProcessUploadHandler(
    createDeps({ config: deps.config, clients: { ...clients, doc }, tokenSecret: deps.tokenSecret, logger: deps.logger, now: deps.now }),
  );
}

describe('an upload whose every delivery crashed', () => {
  it('reads as processing while a delivery can still come, then as failed with what to do, writing nothing', async () => {
    const unit = '542';
    const token = tokenOf(stack.current.inviteLink(unit));
    const { store } = stack.current.deps;
    const sent = await sendRoster(unit, token);
    // Every delivery the local stack makes (first try and retries) crashes: the message is dropped, as it
    // would be moved to the dead-letter queue on AWS.
    await stack.current.deliver(sent.event, alwaysCrashingHandler());
    const stored = await store.getUpload(sent.uploadId);
    expect(stored?.status).toBe('processing');
    const lastDelivery = Date.parse(stored?.updatedAt ?? '');

    const status = () => api<StatusAnswer>(stack.current, `/api/uploads/${sent.uploadId}`, { token });
    const listed = async () =>
      (await api<ListAnswer>(stack.current, '/api/uploads', { token })).body.uploads.find((u) => u.uploadId === sent.uploadId)?.status;

    // Up to the bound a retry may still be running or on its way.
    const stillPossible = lastDelivery + PROCESSING_GIVE_UP_MS;
    expect((await at(stillPossible, status)).body).toMatchObject({ status: 'processing', issues: [] });
    expect(await at(stillPossible, listed)).toBe('processing');

    const givenUp = lastDelivery + PROCESSING_GIVE_UP_MS + 1000;
    const answer = await at(givenUp, status);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'failed',
      issues: [{ code: 'PROCESSING_FAILED', severity: 'error', row: null, message: ISSUES.PROCESSING_FAILED.message() }],
    });
    expect(await at(givenUp, listed)).toBe('failed');
    const states = await rosterStates(store, stack.current.deps.config.rosterDeadline, new Date(givenUp));
    expect(states.find((s) => s.unit.code === unit)?.latestUpload?.status).toBe('failed');

    // Reads wrote nothing: the item is exactly as the last delivery left it.
    expect(await store.getUpload(sent.uploadId)).toEqual(stored);
  });

  it('still takes a late delivery (a dead-letter redrive): the verdict wins over the given-up reading', async () => {
    const unit = '547';
    const token = tokenOf(stack.current.inviteLink(unit));
    const sent = await sendRoster(unit, token);
    await stack.current.deliver(sent.event, alwaysCrashingHandler());
    const lastDelivery = Date.parse((await stack.current.deps.store.getUpload(sent.uploadId))?.updatedAt ?? '');
    const givenUp = lastDelivery + PROCESSING_GIVE_UP_MS + 1000;
    expect((await at(givenUp, () => api<StatusAnswer>(stack.current, `/api/uploads/${sent.uploadId}`, { token }))).body.status).toBe('failed');

    await stack.current.deliver(sent.event);
    const answer = await at(givenUp, () => api<StatusAnswer & { rows: number }>(stack.current, `/api/uploads/${sent.uploadId}`, { token }));
    expect(answer.body).toMatchObject({ status: 'accepted', rows: 3 });
  });
});

describe('an upload whose file never arrived', () => {
  const notReceived = { code: 'UPLOAD_NOT_RECEIVED', severity: 'error', row: null, message: ISSUES.UPLOAD_NOT_RECEIVED.message() };

  it('reads as pending while its form and the grace may still bring the file, then as failed with what to do, writing nothing', async () => {
    const unit = '549';
    const token = tokenOf(stack.current.inviteLink(unit));
    const { store } = stack.current.deps;
    // The page asked for the presigned POST; the browser's transfer to S3 then never happened.
    const created = await api<PresignedPost>(stack.current, '/api/uploads', {
      json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: 20_000 },
    });
    const stored = await store.getUpload(created.body.uploadId);
    expect(stored?.status).toBe('pending');
    const createdAt = Date.parse(stored?.createdAt ?? '');
    // The bound starts after the form the browser was given has expired.
    expect(Date.parse(created.body.expiresAt)).toBeLessThanOrEqual(createdAt + UPLOAD_URL_TTL_SECONDS * 1000);

    const status = () => api<StatusAnswer>(stack.current, `/api/uploads/${created.body.uploadId}`, { token });
    const listed = async () =>
      (await api<ListAnswer>(stack.current, '/api/uploads', { token })).body.uploads.find((u) => u.uploadId === created.body.uploadId)?.status;

    // Up to the bound a slow transfer begun just before the form expired may still arrive and be announced.
    const stillPossible = createdAt + PENDING_GIVE_UP_MS;
    expect((await at(stillPossible, status)).body).toMatchObject({ status: 'pending', issues: [] });
    expect(await at(stillPossible, listed)).toBe('pending');

    const givenUp = createdAt + PENDING_GIVE_UP_MS + 1000;
    const answer = await at(givenUp, status);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'failed', issues: [notReceived] });
    expect(await at(givenUp, listed)).toBe('failed');
    // The centre's status leaves a file that never arrived aside, as it does a link never used.
    const states = await rosterStates(store, stack.current.deps.config.rosterDeadline, new Date(givenUp));
    expect(states.find((s) => s.unit.code === unit)?.latestUpload).toBeNull();

    // Reads wrote nothing: the item is exactly as the API recorded it.
    expect(await store.getUpload(created.body.uploadId)).toEqual(stored);
  });

  it('still takes a file whose event comes late: its verdict wins over the given-up reading', async () => {
    const unit = '550';
    const token = tokenOf(stack.current.inviteLink(unit));
    const sent = await sendRoster(unit, token);
    const createdAt = Date.parse((await stack.current.deps.store.getUpload(sent.uploadId))?.createdAt ?? '');
    const givenUp = createdAt + PENDING_GIVE_UP_MS + 1000;
    const status = () => api<StatusAnswer & { rows: number | null }>(stack.current, `/api/uploads/${sent.uploadId}`, { token });
    expect((await at(givenUp, status)).body).toMatchObject({ status: 'failed', issues: [notReceived] });

    await stack.current.deliver(sent.event);
    const answer = (await at(givenUp, status)).body;
    expect(answer).toMatchObject({ status: 'accepted', rows: 3 });
    expect(answer.issues.map((issue) => issue.code)).not.toContain('UPLOAD_NOT_RECEIVED');
  });
});

describe('the bound', () => {
  it('is the deployed upload queue’s visibility timeout times its deliveries before the dead-letter queue', () => {
    const { stack: intake, template } = synthIntakeStack();
    const queue = template.toJSON().Resources[logicalIdOf(intake.uploadQueue.queue)] as {
      Properties: { VisibilityTimeout: number; RedrivePolicy: { maxReceiveCount: number } };
    };
    expect(queue.Properties.VisibilityTimeout).toBe(UPLOAD_QUEUE_VISIBILITY_TIMEOUT_SECONDS);
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(UPLOAD_QUEUE_MAX_RECEIVE_COUNT);
    expect(PROCESSING_GIVE_UP_MS).toBe(45 * 60_000);
  });

  it('gives a file an hour from its form being issued to arrive: the form’s 15 minutes, then the same 45', () => {
    expect(UPLOAD_URL_TTL_SECONDS).toBe(15 * 60);
    expect(PENDING_GIVE_UP_MS).toBe(60 * 60_000);
  });
});
