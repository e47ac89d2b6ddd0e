/**
 * How the embedded stack delivers S3 events to process-upload: like SQS, at least once. The event is on disk
 * before S3 answers the browser, a failure is retried and, after five, dead-lettered where `status` finds it;
 * a few events are processed at a time so the API keeps answering; Ctrl-C leaves nothing behind.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as status } from '../../cli/commands/status.js';
import { createProcessUploadHandler, type ProcessUploadHandler } from '../../functions/process-upload/app.js';
import { DEAD_LETTERS_DIR, EVENTS_DIR } from '../../infra/local/data-dir.js';
import { listDeadLetters, MAX_DELIVERY_ATTEMPTS } from '../../infra/local/delivery.js';
import { UPLOAD_QUEUE_MAX_RECEIVE_COUNT } from '../../shared/pipeline/processing-deadline.js';
import { objectOrderKey } from '../../shared/store/store.js';
import {
  api,
  districtPeople,
  type LocalStack,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  startTestStack,
  tokenOf,
  XLSX_TYPE,
} from '../support/local-stack.js';

/** A gate the test opens: handlers wait at it, so the test sees what is queued and what runs. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** The real handler behind a gate, recording how many run at once and in which order they finish. */
function gatedHandler(real: ProcessUploadHandler, wait: Promise<void>) {
  const record = { running: 0, maxRunning: 0, started: 0, finished: 0 };
  const handler: ProcessUploadHandler = async (event) => {
    record.started++;
    record.running++;
    record.maxRunning = Math.max(record.maxRunning, record.running);
    try {
      await wait;
      return await real(event);
    } finally {
      record.running--;
      record.finished++;
    }
  };
  return { handler, record };
}

async function send(s: LocalStack, unit: string, series: number): Promise<string> {
  const token = tokenOf(s.inviteLink(unit));
  const bytes = await rosterWorkbook(senderLine(unit), districtPeople(unit, 3, series));
  const created = await api<PresignedPost>(s, '/api/uploads', {
    json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: bytes.byteLength },
  });
  expect((await postToS3(created.body, bytes, 'ds.xlsx')).status).toBe(204);
  return created.body.uploadId;
}

interface S3Notification {
  Records: { eventTime: string; s3: { object: { sequencer: string } } }[];
}

const journaled = async (dir: string) => (await readdir(join(dir, EVENTS_DIR))).filter((name) => name.endsWith('.json'));

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});
async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'motcua-delivery-'));
  temps.push(dir);
  return dir;
}

describe('at-least-once delivery', () => {
  it('journals the event before S3 answers, and forgets it once processed', async () => {
    const held = gate();
    let record: ReturnType<typeof gatedHandler>['record'] | undefined;
    const s = await startTestStack({
      handlerFor: (deps) => {
        const gated = gatedHandler(createProcessUploadHandler(deps), held.opened);
        record = gated.record;
        return gated.handler;
      },
    });
    try {
      const uploadId = await send(s, '548', 1);
      // The browser has its 204; the event is on disk, naming the object and nothing personal.
      const files = await journaled(s.journalDir);
      expect(files).toHaveLength(1);
      const text = await readFile(join(s.journalDir, EVENTS_DIR, files[0] ?? ''), 'utf8');
      expect(text).toContain(`incoming/548/${uploadId}.xlsx`);
      expect(record?.finished).toBe(0);

      held.open();
      await s.whenIdle();
      expect(await journaled(s.journalDir)).toEqual([]);
      expect((await s.deps.store.getUpload(uploadId))?.status).toBe('accepted');
    } finally {
      held.open();
      await s.stop();
    }
  });

  it('retries a failing delivery and dead-letters it after five failures, as the AWS queue does; status shows it', async () => {
    let calls = 0;
    const dataDir = await tempDataDir();
    const s = await startTestStack({
      dataDir,
      retryDelaysMs: [5, 10],
      handlerFor: () => async () => {
        calls++;
        throw Object.assign(new Error('DynamoDB is down'), { name: 'DependencyError' });
      },
    });
    try {
      expect(MAX_DELIVERY_ATTEMPTS).toBe(UPLOAD_QUEUE_MAX_RECEIVE_COUNT);
      const uploadId = await send(s, '546', 2);
      await s.whenIdle();
      expect(calls).toBe(5);
      expect(await journaled(s.journalDir)).toEqual([]);
      const dead = await s.deadLetters();
      expect(dead).toEqual([expect.objectContaining({ objectKey: `incoming/546/${uploadId}.xlsx`, attempts: 5, lastError: 'DependencyError' })]);
      expect(await listDeadLetters(s.journalDir)).toEqual(dead);
      expect(await readdir(join(s.journalDir, DEAD_LETTERS_DIR))).toHaveLength(1);

      // The centre's `status` names the unit and the upload, nothing from the file.
      vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
      const printed: string[] = [];
      const capture = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        printed.push(String(chunk));
        return true;
      });
      try {
        expect(await status(['--json'])).toBe(0);
        expect(JSON.parse(printed.join('')).deadLetters).toEqual([
          { unit: { code: '546', name: 'Huyện Vĩnh Thạnh' }, uploadId, attempts: 5, lastFailureAt: expect.any(String) },
        ]);
        printed.length = 0;
        expect(await status([])).toBe(0);
      } finally {
        capture.mockRestore();
        vi.unstubAllEnvs();
      }
      expect(printed.join('')).toMatch(/Có 1 tệp tải lên chưa kiểm tra được sau 5 lần thử[\s\S]*Huyện Vĩnh Thạnh, mã tải lên [a-z0-9]+/);
    } finally {
      await s.stop();
    }
  });

  it('processes two uploads at a time while the API keeps answering', async () => {
    const held = gate();
    let record: ReturnType<typeof gatedHandler>['record'] | undefined;
    const s = await startTestStack({
      processConcurrency: 2,
      handlerFor: (deps) => {
        const gated = gatedHandler(createProcessUploadHandler(deps), held.opened);
        record = gated.record;
        return gated.handler;
      },
    });
    try {
      const units = ['540', '543', '544', '545', '547'];
      const uploads = [];
      for (const [index, unit] of units.entries()) uploads.push({ unit, uploadId: await send(s, unit, 10 + index) });
      // Five files sent, two being processed, three waiting; the API answers all the while.
      expect(record).toMatchObject({ started: 2, running: 2, finished: 0 });
      for (const { unit, uploadId } of uploads) {
        const answer = await api<{ status: string }>(s, `/api/uploads/${uploadId}`, { token: tokenOf(s.inviteLink(unit)) });
        expect(answer.status).toBe(200);
        expect(['pending', 'processing']).toContain(answer.body.status);
      }
      expect(record).toMatchObject({ started: 2, finished: 0 });

      held.open();
      await s.whenIdle();
      expect(record).toMatchObject({ started: 5, finished: 5, maxRunning: 2 });
      for (const { uploadId } of uploads) expect((await s.deps.store.getUpload(uploadId))?.status).toBe('accepted');
    } finally {
      held.open();
      await s.stop();
    }
  });
});

describe('Ctrl-C and the next start', () => {
  it('finishes what runs, keeps what waits, and the next start on the same data delivers it', async () => {
    const dataDir = await tempDataDir();
    const held = gate();
    let record: ReturnType<typeof gatedHandler>['record'] | undefined;
    const first = await startTestStack({
      dataDir,
      processConcurrency: 1,
      handlerFor: (deps) => {
        const gated = gatedHandler(createProcessUploadHandler(deps), held.opened);
        record = gated.record;
        return gated.handler;
      },
    });
    const sent: { unit: string; uploadId: string }[] = [];
    try {
      for (const [index, unit] of ['548', '549', '550'].entries()) sent.push({ unit, uploadId: await send(first, unit, 20 + index) });
      expect(record).toMatchObject({ started: 1, running: 1 });
    } finally {
      // Ctrl-C while one upload is being processed and two wait: the running one is finished.
      const stopping = first.stop();
      held.open();
      await stopping;
    }
    expect(record).toMatchObject({ started: 1, finished: 1 });
    expect(await journaled(dataDir)).toHaveLength(2);

    const second = await startTestStack({ dataDir });
    try {
      await second.whenIdle();
      for (const { uploadId } of sent) expect((await second.deps.store.getUpload(uploadId))?.status).toBe('accepted');
      expect(await journaled(dataDir)).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('delivers at start what a crash left without a journaled event: a stored file still pending, a claim still processing', async () => {
    const dataDir = await tempDataDir();
    // Events recorded, never delivered nor journaled: as if the process died right after S3 stored each file.
    const first = await startTestStack({ dataDir, processEvents: false });
    const pending = await send(first, '546', 30);
    const claimed = await send(first, '544', 31);
    const claimedEvent = first.events.find((e) => JSON.stringify(e).includes(claimed)) as S3Notification;
    const { eventTime, s3 } = claimedEvent.Records[0] ?? { eventTime: '', s3: { object: { sequencer: '' } } };
    const receivedAt = new Date(eventTime);
    await first.deps.store.beginProcessing(claimed, '544', { orderKey: objectOrderKey(receivedAt, s3.object.sequencer), receivedAt }, new Date());
    const never = await (async () => {
      const token = tokenOf(first.inviteLink('545'));
      const created = await api<PresignedPost>(first, '/api/uploads', { json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: 100 } });
      return created.body.uploadId;
    })();
    await first.stop();

    const second = await startTestStack({ dataDir });
    try {
      await second.whenIdle();
      const { store } = second.deps;
      expect((await store.getUpload(pending))?.status).toBe('accepted');
      expect((await store.getUpload(claimed))?.status).toBe('accepted');
      // A form asked for but never used stays pending (readers answer "not received" after its lifetime).
      expect((await store.getUpload(never))?.status).toBe('pending');
    } finally {
      await second.stop();
    }
  });
});
