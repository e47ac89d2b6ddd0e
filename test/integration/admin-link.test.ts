/**
 * `npm run cli -- admin-link EMAIL` (contract 6) against a running local stack found through its data
 * directory: a one-time sign-in link for an address on the allow-list (`CENTRE_EMAILS`), nothing and a
 * non-zero exit for any other address.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as adminLink } from '../../cli/commands/admin-link.js';
import { InputError } from '../../shared/errors.js';
import { type LocalStack, startTestStack } from '../support/local-stack.js';
import { runCli } from '../support/cli.js';
import { adminApi, exchange } from './admin-support.js';

const STAFF = ['ttpvhcc@binhdinh.gov.vn', 'pho-giam-doc@ttpvhcc.binhdinh.gov.vn'];
const LINK = /^(http:\/\/localhost:\d+\/admin#dang-nhap=([A-Za-z0-9_-]{43}))\n$/;

let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'motcua-admin-link-'));
  vi.stubEnv('CENTRE_EMAILS', STAFF.join(', '));
  vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
  vi.stubEnv('MOTCUA_TARGET', '');
  stack = await startTestStack({ dataDir });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(adminLink, args);

describe('admin-link', () => {
  it.each(STAFF)('prints only a one-time sign-in link for %s, which starts that person\'s session once', async (email) => {
    const { code, stdout, stderr } = await cli([email]);
    expect(code).toBe(0);
    const match = LINK.exec(stdout);
    expect(match?.[1]?.startsWith(`${stack.baseUrl}/admin#`)).toBe(true);
    expect(stderr).toMatch(/dùng được một lần/);

    const first = await exchange(stack, match?.[2] ?? '');
    expect(first.response.status).toBe(200);
    expect((await adminApi(stack, first.client, '/session')).body).toMatchObject({ email });
    expect((await exchange(stack, match?.[2] ?? '')).response.status).toBe(401);
  });

  it('takes the address however it is typed', async () => {
    const { code, stdout } = await cli([`  ${STAFF[0]?.toUpperCase()}`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(LINK);
  });

  it('refuses an address not on the allow-list: exit 2, a Vietnamese message, no link', async () => {
    const { code, stdout, stderr } = await cli(['nguoi-la@example.com']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/không có trong danh sách cán bộ Trung tâm/);
  });

  it.each([
    ['no address', []],
    ['two addresses', STAFF],
  ])('treats %s as misuse (the CLI exits 2 with the usage)', async (_label, args) => {
    await expect(adminLink(args)).rejects.toThrow(InputError);
  });

  it('is a command of the CLI (npm run cli -- admin-link EMAIL)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'cli/main.ts', 'admin-link', STAFF[1] ?? ''], {
      env: { ...process.env, CENTRE_EMAILS: STAFF.join(','), MOTCUA_DATA_DIR: dataDir, MOTCUA_TARGET: '' },
    });
    expect(stdout).toMatch(LINK);
  });
});
