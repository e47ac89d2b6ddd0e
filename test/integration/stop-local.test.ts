/**
 * `npm run stop` stops the stack `npm start` runs, from another terminal (npm keeps a signal sent to its
 * own process to itself). The processes are the subject here, so both run as real child processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freeStackPorts } from '../../infra/local/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('npm run stop', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('prints where everything is, stops cleanly from another process, and says so when none runs', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'motcua-stop-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = { ...process.env, PORT: String(await freeStackPorts()), MOTCUA_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' };
    const node = (script: string) => spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: 'pipe' });

    const stack = node('infra/local/start.ts');
    cleanups.push(async () => {
      if (stack.exitCode === null) stack.kill('SIGKILL');
    });
    const stackRun = run(stack);
    const stackFile = join(dataDir, 'stack.json');
    for (let waited = 0; !existsSync(stackFile); waited += 100) {
      if (waited > 45_000 || stack.exitCode !== null) throw new Error(`the stack did not start: ${(await stackRun).output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const stop = await run(node('scripts/stop-local.ts'));
    expect(stop.code).toBe(0);
    expect(stop.output).toContain('Đã dừng.');
    const stopped = await stackRun;
    expect(stopped.code).toBe(0);
    // What it printed on start: the page, the centre's dashboard and the test mailbox.
    expect(stopped.output).toMatch(/Trang tải lên: +http:\/\/localhost:\d+\//);
    expect(stopped.output).toMatch(/Trang của Trung tâm: +http:\/\/localhost:\d+\/admin/);
    expect(stopped.output).toMatch(/Hộp thư thử \(SES\): +http:\/\/127\.0\.0\.1:\d+\//);
    expect(existsSync(stackFile)).toBe(false);

    const again = await run(node('scripts/stop-local.ts'));
    expect(again.code).toBe(0);
    expect(again.output).toContain('không chạy');
  });
});
