/**
 * At-least-once delivery of S3 events to process-upload on one machine, the way SQS does it on AWS.
 *
 * Each event is journaled as one JSON file under `<data>/events/` *before* S3 acknowledges the upload
 * (written whole to a draft, fsync'd, renamed into place, the folder fsync'd), and deleted only after the
 * handler succeeded. So a crash, a power cut or Ctrl-C at any point leaves every unfinished event on disk,
 * and the next start delivers it again; the handler is idempotent, so a second delivery is harmless.
 * A failed delivery is retried with backoff; after `MAX_DELIVERY_ATTEMPTS` failures (SQS's
 * `maxReceiveCount` on AWS) the file moves to `<data>/dead-letters/`, which `listDeadLetters` reads.
 *
 * At most `concurrency` events are processed at once (the API shares this event loop), and one object's
 * events run one after the other, in the order S3 emitted them.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { type Logger, safeError } from '../../shared/logger.js';
import { UPLOAD_QUEUE_MAX_RECEIVE_COUNT } from '../../shared/pipeline/processing-deadline.js';
import { DEAD_LETTERS_DIR, DIR_MODE, EVENTS_DIR, FILE_MODE } from './data-dir.js';

/** As on AWS: a message received this many times without success goes to the dead-letter queue. */
export const MAX_DELIVERY_ATTEMPTS = UPLOAD_QUEUE_MAX_RECEIVE_COUNT;
/** Events processed at once by default (`PROCESS_CONCURRENCY`). */
export const DEFAULT_PROCESS_CONCURRENCY = 2;
/** Waits before the 2nd, 3rd… attempt; the last one repeats. */
export const DEFAULT_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000] as const;

export type EventHandler = (event: unknown) => Promise<unknown>;

const journalRecord = z.object({
  id: z.string().regex(/^[0-9a-z-]+$/),
  event: z.unknown(),
  attempts: z.number().int().nonnegative(),
  receivedAt: z.iso.datetime(),
  lastFailureAt: z.iso.datetime().optional(),
  /** The error's name and code only: messages can quote data. */
  lastError: z.string().optional(),
});
type JournalRecord = z.infer<typeof journalRecord>;

/** A dead-lettered event, as `status` shows it: unit and upload id from the object key, never its content. */
export interface DeadLetter {
  id: string;
  objectKey: string | undefined;
  attempts: number;
  receivedAt: string;
  lastFailureAt: string | undefined;
  lastError: string | undefined;
}

export interface DeliveryQueueOptions {
  /** The data directory; the journal lives in its `events/` and `dead-letters/` folders. */
  dir: string;
  handler: EventHandler;
  concurrency?: number;
  retryDelaysMs?: readonly number[];
  logger: Logger;
  /** The object key an event is about (one key's events run in order). */
  keyOf: (event: unknown) => string | undefined;
}

export interface DeliveryQueue {
  /**
   * Journals the event durably (synchronously: S3's answer to the upload waits for it), then schedules it.
   * Resolves once it is delivered, dead-lettered, or left in the journal by `drain`/`kill`.
   */
  enqueue(event: unknown, handler?: EventHandler): Promise<void>;
  /** Object keys of the events still journaled or dead-lettered (reconciliation leaves those alone). */
  knownObjectKeys(): Promise<Set<string>>;
  /** Resolves when nothing is queued, waiting for a retry or running. */
  whenIdle(): Promise<void>;
  /** Ctrl-C: starts nothing more, waits for the running deliveries; the rest stays journaled. */
  drain(): Promise<void>;
  /** A crash, for tests: stops at once and forgets running deliveries; the journal keeps everything. */
  kill(): void;
}

interface Entry {
  record: JournalRecord;
  key: string;
  handler: EventHandler;
  notBefore: number;
  settle: () => void;
  settled: Promise<void>;
}

let sequence = 0;
/** Sortable by arrival across restarts: time, then a counter, then a random tail against collisions. */
function newId(): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(Date.now()).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
}

/** Write whole, fsync, rename into place, fsync the folder: after this returns, the file survives a power cut. */
function writeDurably(file: string, text: string): void {
  const draft = `${file}.tmp`;
  const fd = openSync(draft, 'w', FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(draft, file);
  const folder = openSync(join(file, '..'), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

async function readRecords(folder: string, onUnreadable: (name: string) => void): Promise<JournalRecord[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).sort();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  const records: JournalRecord[] = [];
  for (const name of names) {
    const file = join(folder, name);
    // A draft was never acknowledged: its object, if stored, is found by reconciliation instead.
    if (!name.endsWith('.json')) {
      await rm(file, { force: true });
      continue;
    }
    const parsed = journalRecord.safeParse(JSON.parse(await readFile(file, 'utf8').catch(() => 'null')));
    if (parsed.success) records.push(parsed.data);
    else onUnreadable(name);
  }
  return records;
}

const objectKeyIn = (event: unknown): string | undefined => {
  const records = typeof event === 'object' && event !== null && 'Records' in event ? event.Records : undefined;
  const first: unknown = Array.isArray(records) ? records[0] : undefined;
  const key = z.object({ s3: z.object({ object: z.object({ key: z.string() }) }) }).safeParse(first);
  return key.success ? key.data.s3.object.key : undefined;
};

/** The dead-lettered events of a data directory, oldest first. */
export async function listDeadLetters(dataDir: string): Promise<DeadLetter[]> {
  const records = await readRecords(join(dataDir, DEAD_LETTERS_DIR), () => undefined);
  return records.map((record) => ({
    id: record.id,
    objectKey: objectKeyIn(record.event),
    attempts: record.attempts,
    receivedAt: record.receivedAt,
    lastFailureAt: record.lastFailureAt,
    lastError: record.lastError,
  }));
}

/** Opens the journal in `dir`, schedules what a previous run left in it, and returns the queue. */
export async function openDeliveryQueue(options: DeliveryQueueOptions): Promise<DeliveryQueue> {
  const { logger, keyOf } = options;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_PROCESS_CONCURRENCY);
  const delays = options.retryDelaysMs && options.retryDelaysMs.length > 0 ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
  const eventsDir = join(options.dir, EVENTS_DIR);
  const deadDir = join(options.dir, DEAD_LETTERS_DIR);
  for (const folder of [eventsDir, deadDir]) mkdirSync(folder, { recursive: true, mode: DIR_MODE });

  const queue: Entry[] = [];
  const runningKeys = new Set<string>();
  const running = new Set<Promise<void>>();
  let open = true;
  let alive = true;
  let wakeUp: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const fileOf = (folder: string, id: string) => join(folder, `${id}.json`);
  const unreadable = (file: string) => logger.warn('unreadable delivery journal file left aside', { file });

  const makeEntry = (record: JournalRecord, handler: EventHandler): Entry => {
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    return { record, key: keyOf(record.event) ?? '', handler, notBefore: 0, settle, settled };
  };

  const checkIdle = () => {
    if (queue.length > 0 || running.size > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const finish = (entry: Entry) => {
    const index = queue.indexOf(entry);
    if (index >= 0) queue.splice(index, 1);
    entry.settle();
  };

  const attempt = async (entry: Entry) => {
    let failure: unknown;
    try {
      await entry.handler(entry.record.event);
    } catch (error) {
      failure = error ?? new Error('handler failed');
    }
    if (!alive) return; // a killed loop records nothing: the journal stays as the crash left it
    const file = fileOf(eventsDir, entry.record.id);
    if (failure === undefined) {
      await rm(file, { force: true });
      finish(entry);
      return;
    }
    const error = safeError(failure);
    entry.record = {
      ...entry.record,
      attempts: entry.record.attempts + 1,
      lastFailureAt: new Date().toISOString(),
      lastError: [error.errorName, error.errorCode].filter(Boolean).join(' '),
    };
    if (entry.record.attempts >= MAX_DELIVERY_ATTEMPTS) {
      writeDurably(file, JSON.stringify(entry.record));
      await rename(file, fileOf(deadDir, entry.record.id));
      logger.error('upload event dead-lettered', { attempts: entry.record.attempts, ...error });
      finish(entry);
      return;
    }
    writeDurably(file, JSON.stringify(entry.record));
    const delay = delays[Math.min(entry.record.attempts - 1, delays.length - 1)] ?? 0;
    logger.warn('upload event failed; retrying', { attempt: entry.record.attempts, delayMs: delay, ...error });
    entry.notBefore = Date.now() + delay;
  };

  const pump = () => {
    if (!open || !alive) return;
    const now = Date.now();
    let nextWake = Number.POSITIVE_INFINITY;
    const blockedKeys = new Set(runningKeys);
    for (const entry of queue) {
      if (running.size >= concurrency) break;
      if (blockedKeys.has(entry.key)) continue;
      // The head of a key's events holds back the later ones, even while it waits for its retry.
      blockedKeys.add(entry.key);
      if (entry.notBefore > now) {
        nextWake = Math.min(nextWake, entry.notBefore);
        continue;
      }
      runningKeys.add(entry.key);
      const run = attempt(entry).finally(() => {
        runningKeys.delete(entry.key);
        running.delete(run);
        pump();
        checkIdle();
      });
      running.add(run);
    }
    if (wakeUp) clearTimeout(wakeUp);
    wakeUp = Number.isFinite(nextWake) ? setTimeout(pump, Math.max(0, nextWake - Date.now())) : undefined;
  };

  const schedule = (entry: Entry) => {
    queue.push(entry);
    pump();
    return entry.settled;
  };

  const stopTimers = () => {
    if (wakeUp) clearTimeout(wakeUp);
    wakeUp = undefined;
  };

  // What a previous run left: delivered again, in arrival order, attempts counted on.
  for (const record of await readRecords(eventsDir, unreadable)) {
    logger.info('redelivering a journaled upload event', { attempts: record.attempts });
    void schedule(makeEntry(record, options.handler));
  }

  return {
    enqueue(event, handler = options.handler) {
      const record: JournalRecord = { id: newId(), event, attempts: 0, receivedAt: new Date().toISOString() };
      writeDurably(fileOf(eventsDir, record.id), JSON.stringify(record));
      if (!open || !alive) return Promise.resolve();
      return schedule(makeEntry(record, handler));
    },

    async knownObjectKeys() {
      const records = [...(await readRecords(eventsDir, unreadable)), ...(await readRecords(deadDir, unreadable))];
      return new Set(records.map((record) => objectKeyIn(record.event)).filter((key): key is string => key !== undefined));
    },

    whenIdle() {
      if (queue.length === 0 && running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },

    async drain() {
      open = false;
      stopTimers();
      while (running.size > 0) await Promise.allSettled([...running]);
      for (const entry of queue.splice(0)) entry.settle();
      checkIdle();
    },

    kill() {
      alive = false;
      open = false;
      stopTimers();
      for (const entry of queue.splice(0)) entry.settle();
      running.clear();
      runningKeys.clear();
      for (const resolve of idleWaiters.splice(0)) resolve();
      idleWaiters = [];
    },
  };
}
