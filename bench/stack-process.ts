/**
 * One upload through a real `npm start`, for bench/run.ts: `node --import tsx bench/stack-process.ts FILE`
 * (`--start-only` instead of FILE: start-up alone).
 * Starts `npm start` as a fresh process (a temp `MOTCUA_DATA_DIR`, free ports, `REPORT_SCHEDULE=off`), waits
 * for the banner the clerk's IT person waits for, then sends FILE the way the page does: `POST /api/uploads`
 * with a roster link's token, the presigned POST to the S3 port, and `GET /api/uploads/:id` every
 * `POLL_EVERY_MS` until the verdict. Prints one JSON line: `coldMs` is POST → verdict, `startupMs` is spawn →
 * banner (not in `coldMs`), `spans` split `coldMs` by what the stack logged. The stack is stopped with
 * SIGINT, as `npm run stop` does, and its data directory removed.
 *
 * `BENCH_STACK_PROFILE_DIR=DIR`: the same start script run as `node --cpu-prof --import tsx infra/local/start.ts`
 * (Node refuses `--cpu-prof` in NODE_OPTIONS, and npm and tsx would profile themselves too): its CPU profile
 * lands in DIR.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { STACK_FILE, TOKEN_SECRET_FILE } from '../infra/local/data-dir.js';
import { issueToken } from '../shared/tokens.js';
import { vietnamMonth } from '../shared/vn/time.js';
import type { ChildMeasure } from './child.js';
import { BENCH_UNIT } from './rows.js';
import { freeStackPorts } from '../infra/local/ports.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** What start.ts prints once the stack answers: the moment a user starts using it. */
const READY_BANNER = 'motcua-intake đang chạy trên máy này.';
/** Finer than the page's schedule (1 s, ×1.3, at most 5 s), so the figure is the stack's, not the poll's. */
const POLL_EVERY_MS = 200;
const READY_TIMEOUT_MS = 180_000;
const VERDICT_TIMEOUT_MS = 600_000;
const STOP_TIMEOUT_MS = 120_000;

export interface StackProcessMeasure extends ChildMeasure {
  startupMs: number;
  /** POST /api/uploads, the file to S3, S3's answer → the stack's "processing upload" log, → "verdict recorded", → the poll that saw it. */
  spans: { presignMs: number; transferMs: number; queuedMs: number | null; processingMs: number | null; seenMs: number | null };
}

/** Resolves with the ms from spawn to the banner; rejects if the process exits or stays silent too long. */
function waitForBanner(child: ChildProcess, output: string[], startedAt: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready after ${READY_TIMEOUT_MS} ms:\n${output.join('')}`)), READY_TIMEOUT_MS);
    const onData = () => {
      if (!output.join('').includes(READY_BANNER)) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(performance.now() - startedAt);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited ${code} before it was ready:\n${output.join('')}`));
    });
  });
}

/** The epoch ms of the first JSON log line with this message, if the stack logged one. */
function loggedAt(output: string[], message: string): number | null {
  for (const line of output.join('').split('\n')) {
    if (!line.startsWith('{') || !line.includes(message)) continue;
    try {
      const entry = JSON.parse(line) as { message?: unknown; timestamp?: unknown };
      if (entry.message === message && typeof entry.timestamp === 'string') return Date.parse(entry.timestamp);
    } catch {
      // not a log line
    }
  }
  return null;
}

async function uploadOnce(baseUrl: string, token: string, bytes: Uint8Array, fileName: string, output: string[]) {
  const startedAt = performance.now();
  const startedEpoch = Date.now();
  const created = await fetch(`${baseUrl}/api/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, fileName, contentType: XLSX_TYPE, size: bytes.byteLength }),
  });
  if (created.status !== 201) throw new Error(`POST /api/uploads answered ${created.status}: ${await created.text()}`);
  const presigned = (await created.json()) as { uploadId: string; url: string; fields: Record<string, string> };
  const presignedAt = performance.now();
  const form = new FormData();
  for (const [field, value] of Object.entries(presigned.fields)) form.append(field, value);
  form.append('file', new Blob([Buffer.from(bytes)], { type: XLSX_TYPE }), fileName);
  const posted = await fetch(presigned.url, { method: 'POST', body: form });
  if (!posted.ok) throw new Error(`S3 POST answered ${posted.status}`);
  const storedAt = performance.now();
  const storedEpoch = Date.now();
  for (;;) {
    const answer = await fetch(`${baseUrl}/api/uploads/${presigned.uploadId}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await answer.json()) as { status: string; rows: number };
    if (body.status !== 'pending' && body.status !== 'processing') {
      const seenAt = performance.now();
      if (body.status !== 'accepted') throw new Error(`upload ended ${body.status}`);
      const processingStarted = loggedAt(output, 'processing upload');
      const verdictRecorded = loggedAt(output, 'verdict recorded');
      const seenEpoch = startedEpoch + (seenAt - startedAt);
      return {
        ms: seenAt - startedAt,
        rows: body.rows,
        spans: {
          presignMs: presignedAt - startedAt,
          transferMs: storedAt - presignedAt,
          queuedMs: processingStarted === null ? null : processingStarted - storedEpoch,
          processingMs: processingStarted === null || verdictRecorded === null ? null : verdictRecorded - processingStarted,
          seenMs: verdictRecorded === null ? null : seenEpoch - verdictRecorded,
        },
      };
    }
    if (performance.now() - startedAt > VERDICT_TIMEOUT_MS) throw new Error('no verdict in time');
    await sleep(POLL_EVERY_MS);
  }
}

/** SIGINT to the stack's own process (npm passes no signal on), then wait for npm to exit. */
async function stopStack(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const { pid } = JSON.parse(readFileSync(join(dataDir, STACK_FILE), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGINT');
  } catch {
    // Not ready yet (or gone): the whole process group instead.
    if (child.pid) process.kill(-child.pid, 'SIGINT');
  }
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!stopped && child.pid) {
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }
}

/** Start-up alone (spawn → banner), when the upload row was not measured in the round. */
export type StartOnlyMeasure = ChildMeasure & { startupMs: number };

/** With `file`: one upload, POST → verdict. Without: start and stop only. */
export async function measureStackUpload(file: string): Promise<StackProcessMeasure>;
export async function measureStackUpload(file: undefined): Promise<StartOnlyMeasure>;
export async function measureStackUpload(file: string | undefined): Promise<StackProcessMeasure | StartOnlyMeasure> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-bench-stack-'));
  const port = await freeStackPorts();
  const output: string[] = [];
  const startedAt = performance.now();
  const profileDir = process.env.BENCH_STACK_PROFILE_DIR;
  const [command, args] = profileDir
    ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', 'infra/local/start.ts']]
    : ['npm', ['start']];
  const child = spawn(command, args, {
    cwd: ROOT,
    // Its own process group, so a failure can stop npm, tsx and the stack together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      MOTCUA_DATA_DIR: dataDir,
      PORT: String(port),
      REPORT_SCHEDULE: 'off',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  child.stdout?.setEncoding('utf8').on('data', (text: string) => output.push(text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => output.push(text));
  try {
    const startupMs = await waitForBanner(child, output, startedAt);
    if (file === undefined) return { coldMs: startupMs, warmMs: null, peakAddedMb: 0, startupMs };
    const bytes = new Uint8Array(readFileSync(file));
    const secret = readFileSync(join(dataDir, TOKEN_SECRET_FILE), 'utf8').trim();
    const token = issueToken({ unit: BENCH_UNIT, form: 'roster', period: vietnamMonth(new Date()), expiresAt: new Date(Date.now() + 3_600_000) }, secret);
    const upload = await uploadOnce(`http://localhost:${port}`, token, bytes, basename(file), output);
    return { coldMs: upload.ms, warmMs: null, peakAddedMb: 0, startupMs, spans: upload.spans };
  } finally {
    await stopStack(child, dataDir);
    if (process.env.BENCH_STACK_LOG) process.stderr.write(output.join(''));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** bench/run.ts's subject shape: an id and one measurement in fresh processes. */
export interface StackSubject {
  id: string;
  run(): ChildMeasure;
}

function runStackProcess(args: string[], env: NodeJS.ProcessEnv): StackProcessMeasure | StartOnlyMeasure {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/stack-process.ts', ...args], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`stack-process ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as StackProcessMeasure;
}

/**
 * Two subjects from one `npm start` a round: `<id>` the upload of FILE, POST → verdict; `<id>:start-up` the same
 * process's spawn → banner (measured apart, by a start and stop, only when the upload was not run this round).
 * List them in this order: the second reads what the first measured.
 */
export function stackProcessSubjects(id: string, file: string, env: NodeJS.ProcessEnv): [StackSubject, StackSubject] {
  let startupMs: number | undefined;
  return [
    {
      id,
      run: () => {
        const measure = runStackProcess([file], env);
        startupMs = measure.startupMs;
        return measure;
      },
    },
    {
      id: `${id}:start-up`,
      run: () => {
        const measured = startupMs ?? runStackProcess(['--start-only'], env).startupMs;
        startupMs = undefined;
        return { coldMs: measured, warmMs: null, peakAddedMb: 0 };
      },
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = process.argv[2];
  if (!arg) throw new Error('stack-process: FILE or --start-only expected');
  const measured = arg === '--start-only' ? await measureStackUpload(undefined) : await measureStackUpload(arg);
  process.stdout.write(`${JSON.stringify(measured)}\n`);
}
