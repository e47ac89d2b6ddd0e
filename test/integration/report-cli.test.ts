/**
 * `npm run cli -- report` as the centre's staff run it: against a running stack (found through its data
 * directory), contract 4 on stdout with --json, the e-mail once with --send, and misuse answered with exit 2.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectOrderKey } from '../../shared/store/store.js';
import { type LocalStack, startTestStack } from '../support/local-stack.js';

const exec = promisify(execFile);
let stack: LocalStack;
let dataDir: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'cli/main.ts', 'report', ...args], {
      env: { ...process.env, MOTCUA_DATA_DIR: dataDir, REPORT_RECIPIENTS: 'lanh-dao@binhdinh.gov.vn' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'motcua-report-cli-'));
  stack = await startTestStack({ dataDir });
  const person = { row: 7, name: 'Cán bộ 1', workUnitCode: '21853', idNumber: '052089001234', phone: '0366432390', idHash: stack.deps.hashPersonId('052089001234'), sharedWith: [] };
  const at = new Date('2021-06-20T00:00:00Z');
  await stack.deps.store.writeRosterVersion('548', 'v1', [person]);
  await stack.deps.store.flipRoster({ unit: '548', versionId: 'v1', uploadId: 'u1', orderKey: objectOrderKey(at, '0A'), officialCount: 1, receivedAt: at }, at);
  const entry = { row: 4, idHash: person.idHash, phoneHash: null, name: null, count: 42, unit: '548', workUnitCode: '21853' };
  await stack.deps.results.writeResultsVersion('2021-07', 'ttpvhcc', 'c1', [entry]);
  const received = new Date('2021-08-02T00:00:00Z');
  await stack.deps.results.flipResults(
    { period: '2021-07', scope: 'ttpvhcc', versionId: 'c1', uploadId: 'u2', orderKey: objectOrderKey(received, '0B'), receivedAt: received, rowCount: 1, total: 42 },
    received,
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('cli report', () => {
  it('prints contract 4 with --json', async () => {
    const { code, stdout } = await cli('--period', '2021-07', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { period: string; totals: Record<string, number>; units: Record<string, unknown>[] };
    expect(report.period).toBe('2021-07');
    expect(report.totals).toMatchObject({ officials: 1, granted: 0, accountsCreated: 42 });
    expect(report.units.find((u) => u.unitCode === '548')).toMatchObject({
      officials: 1,
      granted: 0,
      accountsCreated: 42,
      cumulative: 42,
      rosterStatus: 'on-time',
      resultsStatus: 'on-time',
    });
  }, 60_000);

  it('prints a Vietnamese summary, and sends once with --send', async () => {
    const first = await cli('--period', '2021-07', '--send');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Tài khoản tạo trong tháng: 42');
    expect(first.stderr).toContain('Đã gửi thư báo cáo tháng 07/2021 tới lanh-dao@binhdinh.gov.vn.');
    const second = await cli('--period', '2021-07', '--send');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('đã được gửi');
    const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] };
    expect(store.emails).toHaveLength(1);
  }, 60_000);

  it.each([
    [[], 'Thiếu hoặc sai tháng báo cáo'],
    [['--period', '2021-06'], 'phải từ 07/2021'],
    [['--period', '2021-07', '--force'], '--force chỉ dùng cùng với --send'],
  ])('answers %j with exit 2 and says why', async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  }, 60_000);
});
