/**
 * A crash anywhere in the processing path, then a restart: once delivery completes, every upload has its
 * verdict, every unit's pointer is on its newest accepted roster (whose upload reads `accepted`), and no row
 * of any other version is left in the table. The crash is a dead delivery loop in this process: at the
 * chosen write the loop is killed and every later AWS call of the "dead" handlers fails, as nothing runs
 * after a `kill -9`; the restart is a new loop over the same journal, then reconciliation.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createProcessUploadHandler } from '../../functions/process-upload/app.js';
import { EVENTS_DIR } from '../../infra/local/data-dir.js';
import { createDeps } from '../../shared/pipeline/deps.js';
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

const stack = useLocalStack({ processConcurrency: 2 });

const isWrite = (command: unknown) =>
  command instanceof PutCommand ||
  command instanceof UpdateCommand ||
  command instanceof DeleteCommand ||
  command instanceof BatchWriteCommand ||
  command instanceof PutObjectCommand;

interface CrashPlan {
  /** Writes allowed before the crash (the crash hits the write after them); Infinity never crashes. */
  writesBeforeCrash: number;
  writes: number;
  crashed: boolean;
}

/** A client whose `send` dies at the planned write, and stays dead, killing the delivery loop with it. */
function dying<T extends DynamoDBDocumentClient | S3Client>(client: T, plan: CrashPlan, kill: () => void): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        if (!plan.crashed && isWrite(command) && plan.writes++ >= plan.writesBeforeCrash) {
          plan.crashed = true;
          kill();
        }
        if (plan.crashed) throw Object.assign(new Error('injected crash'), { name: 'InjectedCrash' });
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
}

/** process-upload in a process that dies at the planned write; `dies: false` for one that keeps failing instead. */
function handlerDyingAt(s: LocalStack, plan: CrashPlan, dies = true) {
  const { deps, clients } = s;
  const kill = () => (dies ? s.killDelivery() : undefined);
  return createProcessUploadHandler(
    createDeps({
      config: deps.config,
      clients: { ...clients, doc: dying(clients.doc, plan, kill), s3: dying(clients.s3, plan, kill) },
      tokenSecret: deps.tokenSecret,
      logger: deps.logger,
    }),
  );
}

/** Asks for an upload form and sends the file; returns once S3 has answered (the event is journaled). */
async function send(s: LocalStack, unit: string, series: number, valid: boolean, rows: number): Promise<string> {
  const token = tokenOf(s.inviteLink(unit));
  const people = districtPeople(unit, rows, series).map((p, i) => (!valid && i === 1 ? { ...p, phone: '02563822222' } : p));
  const bytes = await rosterWorkbook(senderLine(unit), people);
  const created = await api<PresignedPost>(s, '/api/uploads', {
    json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: bytes.byteLength },
  });
  expect(created.status).toBe(201);
  expect((await postToS3(created.body, bytes, 'ds.xlsx')).status).toBe(204);
  // Distinct event times for one unit's uploads, as a clerk's pace gives them.
  await new Promise((resolve) => setTimeout(resolve, 3));
  return created.body.uploadId;
}

interface Sent {
  unit: string;
  uploadId: string;
  valid: boolean;
}

/** The invariants of a finished delivery, whatever crashed before it. */
async function expectConsistent(s: LocalStack, sent: readonly Sent[]): Promise<void> {
  const { store } = s.deps;
  for (const upload of sent) {
    const stored = await store.getUpload(upload.uploadId);
    expect({ uploadId: upload.uploadId, status: stored?.status }).toEqual({
      uploadId: upload.uploadId,
      status: upload.valid ? 'accepted' : 'rejected',
    });
  }
  const units = [...new Set(sent.map((u) => u.unit))];
  const scanned = (await s.clients.doc.send(new ScanCommand({ TableName: s.tableName }))).Items ?? [];
  for (const unit of units) {
    const newestAccepted = sent.filter((u) => u.unit === unit && u.valid).at(-1);
    const pointer = await store.getRosterPointer(unit);
    expect(pointer?.uploadId).toBe(newestAccepted?.uploadId);
    if (pointer) {
      expect((await store.getUpload(pointer.uploadId))?.versionId).toBe(pointer.versionId);
      expect(await store.listVersionOfficials(unit, pointer.versionId)).toHaveLength(pointer.officialCount);
    }
    // No row and no version marker of any version but the current one.
    const leftovers = scanned
      .filter((item) => String(item.pk).startsWith(`ROSTER#${unit}#`) || (item.pk === `UNIT#${unit}` && String(item.sk).startsWith('VERSION#')))
      .map((item) => String(item.versionId))
      .filter((versionId) => versionId !== pointer?.versionId);
    expect({ unit, leftovers: [...new Set(leftovers)] }).toEqual({ unit, leftovers: [] });
  }
}

/** Restarts delivery with the real handler and waits for everything journaled or reconciled to finish. */
async function restartAndSettle(s: LocalStack): Promise<void> {
  const deadBefore = (await s.deadLetters()).length;
  await s.restartDelivery();
  await s.whenIdle();
  expect(await s.deadLetters()).toHaveLength(deadBefore);
}

describe('a crash at every write of the processing path', () => {
  it('replacing a roster: after the restart, verdict, pointer and rows agree at each crash point', async () => {
    const s = stack.current;
    const unit = '548';
    const sent: Sent[] = [{ unit, uploadId: await send(s, unit, 50, true, 4), valid: true }];
    await s.whenIdle();

    // How many writes a clean replacement makes (26 rows: two batches written, the old rows deleted).
    const clean: CrashPlan = { writesBeforeCrash: Number.POSITIVE_INFINITY, writes: 0, crashed: false };
    await s.restartDelivery(handlerDyingAt(s, clean), { reconcile: false });
    sent.push({ unit, uploadId: await send(s, unit, 51, true, 30), valid: true });
    await s.whenIdle();
    expect(clean.writes).toBeGreaterThanOrEqual(7);

    for (let crashAt = 0; crashAt < clean.writes; crashAt++) {
      const plan: CrashPlan = { writesBeforeCrash: crashAt, writes: 0, crashed: false };
      await s.restartDelivery(handlerDyingAt(s, plan), { reconcile: false });
      sent.push({ unit, uploadId: await send(s, unit, 52 + crashAt, true, 26), valid: true });
      await s.whenIdle();
      expect({ crashAt, crashed: plan.crashed }).toEqual({ crashAt, crashed: true });
      await restartAndSettle(s);
      await expectConsistent(s, sent);
    }
  });

  it('a rejected roster: the crash leaves it processing, the restart gives it its verdict and annotated workbook', async () => {
    const s = stack.current;
    const unit = '549';
    const sent: Sent[] = [];
    for (let crashAt = 0; crashAt < 3; crashAt++) {
      const plan: CrashPlan = { writesBeforeCrash: crashAt, writes: 0, crashed: false };
      await s.restartDelivery(handlerDyingAt(s, plan), { reconcile: false });
      sent.push({ unit, uploadId: await send(s, unit, 70 + crashAt, false, 3), valid: false });
      await s.whenIdle();
      expect(plan.crashed).toBe(true);
      await restartAndSettle(s);
      const last = sent.at(-1);
      const status = await api<{ status: string; reportUrl: string | null }>(s, `/api/uploads/${last?.uploadId}`, {
        token: tokenOf(s.inviteLink(unit)),
      });
      expect(status.body.status).toBe('rejected');
      expect(status.body.reportUrl).not.toBeNull();
    }
    await expectConsistent(s, sent);
  });
});

describe('rows no pointer leads to', () => {
  it('are deleted when a dead-lettered delivery left part of a roster and the clerk then sent the same form again', async () => {
    const s = stack.current;
    const unit = '550';
    const token = tokenOf(s.inviteLink(unit));
    const bytes = await rosterWorkbook(senderLine(unit), districtPeople(unit, 26, 90));
    const created = await api<PresignedPost>(s, '/api/uploads', {
      json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: bytes.byteLength },
    });
    // Every delivery fails at the second batch of rows: the first 25 rows stay behind, then the event is
    // dead-lettered, and nothing will ever flip to that version or delete it on its own.
    const plan: CrashPlan = { writesBeforeCrash: 3, writes: 0, crashed: false };
    await s.restartDelivery(handlerDyingAt(s, plan, false), { reconcile: false });
    expect((await postToS3(created.body, bytes, 'ds.xlsx')).status).toBe(204);
    await s.whenIdle();
    expect(await s.deadLetters()).toHaveLength(1);

    // The clerk, told nothing yet, sends the same file again with the same form: a newer object, same key.
    await s.restartDelivery(undefined, { reconcile: false });
    expect((await postToS3(created.body, bytes, 'ds.xlsx')).status).toBe(204);
    await s.whenIdle();
    await expectConsistent(s, [{ unit, uploadId: created.body.uploadId, valid: true }]);
  });
});

describe('a crash at a random point of a multi-upload run', () => {
  const units = ['540', '543', '545'] as const;
  let series = 0;
  /** Every upload of every run: a later run's check covers the earlier ones too. */
  const allSent: Sent[] = [];

  it('every upload final, every pointer on the newest accepted roster, no orphan rows', async () => {
    const s = stack.current;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ unit: fc.constantFrom(...units), valid: fc.boolean(), rows: fc.integer({ min: 2, max: 27 }) }), {
          minLength: 2,
          maxLength: 4,
        }),
        fc.nat({ max: 40 }),
        fc.nat({ max: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        async (uploads, writesBeforeCrash, sentBeforeCrash, dropJournal) => {
          const plan: CrashPlan = { writesBeforeCrash, writes: 0, crashed: false };
          await s.restartDelivery(handlerDyingAt(s, plan), { reconcile: false });
          const sent = allSent;
          for (const [index, upload] of uploads.entries()) {
            // Uploads keep arriving after the crash: S3 stores them and the journal keeps their events.
            if (index === sentBeforeCrash) await s.whenIdle();
            sent.push({ unit: upload.unit, uploadId: await send(s, upload.unit, series++ % 100, upload.valid, upload.rows), valid: upload.valid });
          }
          await s.whenIdle();
          if (!plan.crashed) s.killDelivery();
          // A crash just before the journal write (S3 stored the file, the browser heard nothing): only
          // reconciliation, from the upload records and the bucket, can find those.
          const journal = join(s.journalDir, EVENTS_DIR);
          const files = (await readdir(journal)).sort();
          for (const [index, file] of files.entries()) if (dropJournal[index % dropJournal.length]) await rm(join(journal, file));

          await restartAndSettle(s);
          await expectConsistent(s, sent);
        },
      ),
      {
        numRuns: 6,
        // The counterexample this property found (seed 474075833): the later of two rosters of one unit sent in
        // the same second, its event lost before the journal. s3rver times objects to the second, so
        // reconciliation gave both one order key and the pointer stayed on the earlier roster. Every run tries
        // this shape first (the same-second timing itself cannot be forced from here).
        examples: [
          [
            [
              { unit: '545', valid: false, rows: 2 },
              { unit: '543', valid: false, rows: 2 },
              { unit: '540', valid: false, rows: 4 },
              { unit: '545', valid: true, rows: 2 },
            ],
            1,
            1,
            [false, false, false, true],
          ],
        ],
      },
    );
  });
});
