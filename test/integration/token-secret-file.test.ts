/**
 * The local token secret (`.data/token-secret`), which signs every upload link: made once and kept, so
 * links survive restarts; a damaged file (short, emptied, hand-edited) stops `npm start` and the CLI at
 * once with a Vietnamese message saying which file and what to do, instead of hanging or replacing it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrCreateTokenSecret, TOKEN_SECRET_FILE } from '../../infra/local/data-dir.js';
import { MIN_TOKEN_SECRET_LENGTH } from '../../shared/config.js';
import { InputError } from '../../shared/errors.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url);

let dataDir: string;
let secretFile: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'motcua-secret-'));
  secretFile = join(dataDir, TOKEN_SECRET_FILE);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** One character short of a usable secret, as a careless edit might leave it. */
const truncated = 'k'.repeat(MIN_TOKEN_SECRET_LENGTH - 1);

const DAMAGED = [
  ['emptied', ''],
  ['only whitespace', ' \n\t\n'],
  ['hand-typed', 'matkhau123\n'],
  ['one character short', `${truncated}\n`],
  ['padded with spaces but still short', `   ${truncated}   \n`],
] as const;

/** A command run as `npm start` / `npm run cli` run it (one process, so a hang can be ended). */
async function runScript(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, MOTCUA_TARGET: '', ...env },
      // Only so that a regression (a hang) cannot leave the process behind; a working run ends in seconds.
      timeout: 45_000,
      killSignal: 'SIGKILL',
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number | null; signal: string | null; stdout: string; stderr: string };
    return { code: failed.code, signal: failed.signal, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a damaged token secret file', () => {
  it.each(DAMAGED)('(%s) is refused with what to do, and left as it is', async (_, content) => {
    await writeFile(secretFile, content, { mode: 0o600 });
    const refusal = await readOrCreateTokenSecret(dataDir).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(InputError);
    const message = (refusal as InputError).message;
    expect(message).toContain(secretFile);
    expect(message).toContain(`ít nhất ${MIN_TOKEN_SECRET_LENGTH} ký tự`);
    expect(message).toContain('hãy xóa tệp rồi chạy lại');
    expect(message).toContain('không dùng được nữa');
    // Not a word of what the file holds: it is (part of) a secret.
    if (content.trim()) expect(message).not.toContain(content.trim());
    expect(await readFile(secretFile, 'utf8')).toBe(content);
    expect(await readdir(dataDir)).toEqual([TOKEN_SECRET_FILE]);
  });

  it('stops the CLI with exit code 2 and the message, no stack trace', async () => {
    await writeFile(secretFile, 'matkhau123\n', { mode: 0o600 });
    const result = await runScript('cli/main.ts', ['invite', '--unit', '548'], { MOTCUA_DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Tệp khóa bí mật "${secretFile}" bị hỏng`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('stops npm start before any emulator starts, with the message and no stack trace', async () => {
    await writeFile(secretFile, `${truncated}\n`, { mode: 0o600 });
    const result = await runScript('infra/local/start.ts', [], { MOTCUA_DATA_DIR: dataDir, PORT: '3990' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Không khởi động được hệ thống: Tệp khóa bí mật "${secretFile}" bị hỏng`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // Nothing was started, so nothing was written next to the secret.
    expect(await readdir(dataDir)).toEqual([TOKEN_SECRET_FILE]);
  });
});

describe('the token secret file', () => {
  it('is created on first use, readable by its owner only, and then kept', async () => {
    const secret = await readOrCreateTokenSecret(dataDir);
    expect(secret.length).toBeGreaterThanOrEqual(MIN_TOKEN_SECRET_LENGTH);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    expect(await readOrCreateTokenSecret(dataDir)).toBe(secret);
    expect(await readdir(dataDir)).toEqual([TOKEN_SECRET_FILE]);
  });

  it('is one secret for processes starting at the same time', async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => readOrCreateTokenSecret(dataDir)));
    expect(new Set(secrets).size).toBe(1);
    expect((await readFile(secretFile, 'utf8')).trim()).toBe(secrets[0]);
    expect(await readdir(dataDir)).toEqual([TOKEN_SECRET_FILE]);
  });

  it('keeps a secret written by hand when it is long enough, ignoring the spaces around it', async () => {
    const secret = 'a'.repeat(MIN_TOKEN_SECRET_LENGTH);
    await writeFile(secretFile, `  ${secret}\r\n`, { mode: 0o600 });
    expect(await readOrCreateTokenSecret(dataDir)).toBe(secret);
  });
});
