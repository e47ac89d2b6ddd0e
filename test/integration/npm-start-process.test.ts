/**
 * `npm start` as the process a user runs, with DynamoDB (dynalite) on a thread of its own: it takes a roster
 * through the page's API and S3 and gives the verdict, keeps it across a restart (the thread closes its
 * database cleanly), and a busy DynamoDB port still gets the Vietnamese message that names the ports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STACK_FILE, TOKEN_SECRET_FILE } from '../../infra/local/data-dir.js';
import { issueToken } from '../../shared/tokens.js';
import { vietnamMonth } from '../../shared/vn/time.js';
import { type PresignedPost, postToS3 } from '../support/local-stack.js';
import { sampleBytes } from '../support/samples.js';
import { freeStackPorts } from '../../infra/local/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_BANNER = 'motcua-intake đang chạy trên máy này.';

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { cwd: ROOT, env, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function ready(running: Running): Promise<void> {
  for (let waited = 0; !running.output().includes(READY_BANNER); waited += 100) {
    if (waited > 45_000 || running.child.exitCode !== null) throw new Error(`the stack did not start: ${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** As `npm run stop` does: SIGINT to the pid the stack recorded, then its exit code. */
async function stop(running: Running, dataDir: string): Promise<number | null> {
  const { pid } = JSON.parse(readFileSync(join(dataDir, STACK_FILE), 'utf8')) as { pid: number };
  process.kill(pid, 'SIGINT');
  return running.exited;
}

interface StatusBody {
  status: string;
  accepted: boolean | null;
  rows: number | null;
  officials?: { row: number; name: string }[];
}

async function verdict(baseUrl: string, token: string, uploadId: string): Promise<StatusBody> {
  for (let polls = 0; polls < 600; polls++) {
    const answer = await fetch(`${baseUrl}/api/uploads/${uploadId}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await answer.json()) as StatusBody;
    if (body.status !== 'pending' && body.status !== 'processing') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no verdict');
}

describe('npm start as a process, DynamoDB on its own thread', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('takes a roster through the API and S3, gives its verdict, and still has it after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'motcua-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freeStackPorts();
    const env = { ...process.env, PORT: String(port), MOTCUA_DATA_DIR: dataDir, REPORT_SCHEDULE: 'off', POWERTOOLS_LOG_LEVEL: 'ERROR' };
    const baseUrl = `http://localhost:${port}`;

    const first = startProcess(env);
    cleanups.push(async () => {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    });
    await ready(first);
    const secret = readFileSync(join(dataDir, TOKEN_SECRET_FILE), 'utf8').trim();
    const token = issueToken({ unit: '546', form: 'roster', period: vietnamMonth(new Date()), expiresAt: new Date(Date.now() + 3_600_000) }, secret);
    const bytes = sampleBytes('s01');
    const created = await fetch(`${baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, fileName: 's01.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: bytes.byteLength }),
    });
    expect(created.status).toBe(201);
    const presigned = (await created.json()) as PresignedPost;
    expect((await postToS3(presigned, bytes, 's01.xlsx')).ok).toBe(true);
    const seen = await verdict(baseUrl, token, presigned.uploadId);
    expect(seen).toMatchObject({ status: 'accepted', accepted: true });
    expect(seen.rows).toBeGreaterThan(0);
    expect(seen.officials).toHaveLength(seen.rows ?? -1);
    expect(await stop(first, dataDir)).toBe(0);

    const second = startProcess(env);
    cleanups.push(async () => {
      if (second.child.exitCode === null) second.child.kill('SIGKILL');
    });
    await ready(second);
    expect(await verdict(baseUrl, token, presigned.uploadId)).toEqual(seen);
    expect(await stop(second, dataDir)).toBe(0);
  });

  it('says in Vietnamese which ports to free when the DynamoDB port is taken, and exits 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'motcua-start-busy-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freeStackPorts();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port + 2, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

    const running = startProcess({ ...process.env, PORT: String(port), MOTCUA_DATA_DIR: dataDir, REPORT_SCHEDULE: 'off' });
    cleanups.push(async () => {
      if (running.child.exitCode === null) running.child.kill('SIGKILL');
    });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain(`Cổng ${port}–${port + 3} đang được chương trình khác dùng`);
  });
});
