/**
 * The bundled CLI (cli/bundle.mjs, what `npm run cli` runs) against the sources run with tsx: the same
 * JSON verdict and the same exit code for every sample and for misuse, as processes. And a bundle whose
 * sources changed is never run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, isFresh } from '../../cli/bundle-build.mjs';
import { SAMPLES } from '../support/samples.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url);

type Run = { code: number; stdout: string; stderr: string };

async function run(command: string, args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const bundled = (...args: string[]) => run(process.execPath, ['cli/bundle.mjs', ...args]);
const fromSources = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args]);

beforeAll(async () => {
  // Built up front so that the cases compare runs, not a first run's build.
  await buildCli();
}, 120_000);

describe('the bundled CLI answers as the sources do', () => {
  it.each([
    ['s01 (accepted)', [SAMPLES.s01, '--unit', '546', '--json'], 0],
    ['s02 (accepted, messy)', [SAMPLES.s02, '--unit', '547', '--json'], 0],
    ['s03 (rejected)', [SAMPLES.s03, '--unit', '544', '--json'], 1],
    ['s04 (TCVN3)', [SAMPLES.s04, '--unit', '546', '--json'], 0],
    ['s01 for another unit', [SAMPLES.s01, '--unit', '548', '--json'], 1],
    ['an unknown unit (misuse)', [SAMPLES.s01, '--unit', '999999', '--json'], 2],
    ['a missing file (misuse)', ['khong-co-tep.xlsx', '--unit', '546', '--json'], 2],
  ])('validate %s', async (_label, args, expectedCode) => {
    const [fromBundle, fromSource] = await Promise.all([bundled('validate', ...args), fromSources('validate', ...args)]);
    expect(fromBundle.code).toBe(expectedCode);
    expect(fromBundle.code).toBe(fromSource.code);
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    expect(fromBundle.stderr).toBe(fromSource.stderr);
    if (expectedCode < 2) expect(JSON.parse(fromBundle.stdout).unit).toBe(args[2]);
  }, 120_000);

  it('prints the same usage and exits 2 for an unknown command', async () => {
    const [fromBundle, fromSource] = await Promise.all([bundled('khong-co-lenh'), fromSources('khong-co-lenh')]);
    expect(fromBundle).toEqual(fromSource);
    expect(fromBundle.code).toBe(2);
    expect(fromBundle.stderr).toContain('Các lệnh:');
  }, 120_000);
});

describe('a stale bundle is never run', () => {
  let dir: string;
  let source: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
    source = join(dir, 'main.ts');
    writeFileSync(source, '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const record = (builtAt: number, inputs = ['main.ts']) => ({ entry: 'x/main.mjs', builtAt, inputs });
  const setModified = (seconds: number) => utimesSync(source, seconds, seconds);

  it.each([
    ['older than the build', 1_000, 2_000_000, true],
    ['saved after the build started', 3_000, 2_000_000, false],
    ['saved the very millisecond the build started', 2_000, 2_000_000, false],
  ])('a source %s: fresh %s', (_label, modifiedSeconds, builtAt, fresh) => {
    setModified(modifiedSeconds);
    expect(isFresh(record(builtAt), dir)).toBe(fresh);
  });

  it('a source that no longer exists makes the bundle stale', () => {
    setModified(1_000);
    expect(isFresh(record(2_000_000, ['main.ts', 'removed.ts']), dir)).toBe(false);
  });
});
