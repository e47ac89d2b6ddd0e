/**
 * `invite --period`: a link names a month from 2021-01 (the letter's year) to next month in Vietnam time.
 * Anything else is misuse (exit 2), no link is printed, and the staff read which months are allowed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { addMonths, formatPeriod, vietnamMonth } from '../../shared/vn/time.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url);
// Its own data folder (a token secret is created there), never the developer's .data/.
const dataDir = mkdtempSync(join(tmpdir(), 'motcua-invite-period-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // No stack is running for this test: the link is printed without being recorded, which is enough here.
    const { stdout, stderr } = await exec('npm', ['run', '--silent', 'cli', '--', ...args], {
      cwd: root,
      env: { ...process.env, MOTCUA_DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const nextMonth = addMonths(vietnamMonth(new Date()), 1);
const range = `từ 01/2021 đến ${formatPeriod(nextMonth)} (tháng sau)`;

describe('invite --period', () => {
  it.each([
    ['a month before the letter’s year', '2019-01', `Kỳ báo cáo --period 01/2019 quá cũ: hệ thống chỉ nhận kỳ ${range}.`],
    ['December 2020', '2020-12', `Kỳ báo cáo --period 12/2020 quá cũ: hệ thống chỉ nhận kỳ ${range}.`],
    ['two months ahead', addMonths(nextMonth, 1), `quá xa: hệ thống chỉ nhận kỳ ${range}.`],
    ['a month that is no month', '2021-13', `Kỳ báo cáo --period "2021-13" phải có dạng YYYY-MM, ${range}.`],
  ])('refuses %s (%s) with the months allowed, exit 2, no link', async (_label, period, message) => {
    const { code, stdout, stderr } = await cli('invite', '--unit', '548', '--form', 'results', '--period', period);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it.each([['2021-01'], [nextMonth]])('prints a link for %s', async (period) => {
    const { code, stdout } = await cli('invite', '--unit', '548', '--form', 'results', '--period', period);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^http:\/\/localhost:\d+\/u\/v1\.[\w-]+\.[\w-]+\n$/);
  });
});
