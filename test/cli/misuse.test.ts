/**
 * What the centre's staff see when they mistype a command, run as they run it (`npm run --silent cli`):
 * exit 2, nothing on stdout, and a Vietnamese message on stderr that names what is wrong.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../support/samples.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cli misuse', () => {
  it.each([
    ['an unknown option', ['status', '--bogus'], 'Tùy chọn "--bogus" không có trong lệnh này'],
    ['a misspelt option', ['validate', SAMPLES.s01, '--unit', '546', '--jsn'], 'Có phải ý bạn là --json?'],
    ['an option missing its value', ['validate', SAMPLES.s01, '--unit', '546', '--out'], 'Tùy chọn --out cần một giá trị'],
    ['a repeated option', ['invite', '--unit', '548', '--unit', '546'], 'Tùy chọn --unit được ghi hai lần ("548" và "546")'],
    ['an impossible deadline', ['status', '--deadline', '2021-02-30'], 'Hạn nộp --deadline "2021-02-30" không phải một ngày có thật'],
    ['an export into a missing folder', ['export-roster', '--out', '/no/such/dir/x.xlsx'], 'Thư mục "/no/such/dir" không tồn tại'],
    ['a folder to validate', ['validate', 'samples', '--unit', '546'], '"samples" là một thư mục, không phải tệp'],
    ['an expiry in "m"', ['invite', '--unit', '548', '--expires', '1m'], 'phút hay tháng'],
  ])('%s: exit 2 and says what is wrong', async (_label, args, message) => {
    const { code, stdout, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('Tham số không hợp lệ');
    expect(stderr).not.toContain('Lỗi không mong đợi');
  });

  it('lists every exit code, 3 included, in the usage', async () => {
    const { code, stderr } = await cli('--help');
    expect(code).toBe(0);
    for (const line of ['0  thành công', '1  kết quả không đạt', '2  dùng sai lệnh', '3  lỗi không mong đợi']) expect(stderr).toContain(line);
  });

  it("prints a command's own help, with the --expires units, on stdout", async () => {
    const { code, stdout } = await cli('invite', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('30p = 30 phút, 2h hoặc 2g = 2 giờ, 14d hoặc 14ng = 14 ngày');
  });
});

describe('roster exports and git', () => {
  it.each([['danh-sach-can-bo-mot-cua-2026-11-29.xlsx'], ['bao-cao/danh-sach-can-bo-mot-cua-2021-06-25.xlsx']])(
    'keeps an export written into the repository (%s) out of commits',
    async (path) => {
      // Exit 0: ignored. Personal data must never be offered to `git add`.
      await expect(exec('git', ['check-ignore', '--no-index', '--quiet', path], { cwd: root })).resolves.toBeDefined();
    },
  );
});
