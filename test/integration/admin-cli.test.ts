/**
 * The centre's admin commands against a running local stack found through its data directory (as `npm
 * start` leaves it in `.data/`): invite links that the API accepts, the roster status of every unit
 * against the deadline, and the province-wide export.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as exportRoster } from '../../cli/commands/export-roster.js';
import { run as invite } from '../../cli/commands/invite.js';
import { run as status } from '../../cli/commands/status.js';
import { InputError } from '../../shared/errors.js';
import { EXPORT_HEADER } from '../../shared/pipeline/export-roster.js';
import { verifyToken } from '../../shared/tokens.js';
import { uploaderUnits } from '../../shared/vn/units.js';
import { SAMPLES } from '../support/samples.js';
import { api, type LocalStack, startTestStack, tokenOf, uploadFile, XLSX_TYPE } from '../support/local-stack.js';

let stack: LocalStack;
let dataDir: string;
let scratch: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'motcua-cli-data-'));
  scratch = await mkdtemp(join(tmpdir(), 'motcua-cli-out-'));
  stack = await startTestStack({ dataDir });
  vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
  vi.stubEnv('MOTCUA_TARGET', '');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** Runs a command in-process and returns its exit code and what it printed. */
async function cli(command: (args: string[]) => Promise<number>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  try {
    const code = await command(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('invite', () => {
  it('prints only the link on stdout: one that the API accepts for that unit, valid for 7 days', async () => {
    const before = Date.now();
    const { code, stdout, stderr } = await cli(invite, ['--unit', '548']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${stack.baseUrl}/u/v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\n$`));
    expect(stderr).toContain('Đường dẫn tải lên danh sách cán bộ');
    const claims = verifyToken(tokenOf(stdout.trim()), stack.tokenSecret, new Date());
    expect(claims).toMatchObject({ unit: '548', form: 'roster' });
    expect(claims.expiresAt.getTime() - before).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(claims.expiresAt.getTime() - before).toBeLessThanOrEqual(7 * 86_400_000 + 1000);
    const list = await api(stack, '/api/uploads', { token: tokenOf(stdout.trim()) });
    expect(list.body).toMatchObject({ unit: { code: '548', name: 'Huyện Phù Cát' } });
  });

  it('prints one link per district and department with --all', async () => {
    const { code, stdout } = await cli(invite, ['--all', '--expires', '48h']);
    expect(code).toBe(0);
    const units = stdout.trim().split('\n').map((line) => verifyToken(tokenOf(line), stack.tokenSecret, new Date()).unit);
    expect(units).toEqual(uploaderUnits().map((u) => u.code));
  });

  it('makes a results link for a period', async () => {
    const { stdout } = await cli(invite, ['--unit', 'so-noi-vu', '--form', 'results', '--period', '2021-07']);
    expect(verifyToken(tokenOf(stdout.trim()), stack.tokenSecret, new Date())).toMatchObject({ unit: 'so-noi-vu', form: 'results', period: '2021-07' });
  });

  it.each([
    ['no unit', []],
    ['both a unit and --all', ['--unit', '548', '--all']],
    ['a commune code', ['--unit', '21871']],
    ['an unknown code', ['--unit', '999']],
    ['an unknown form', ['--unit', '548', '--form', 'budget']],
    ['a malformed period', ['--unit', '548', '--period', '06/2021']],
    ['an unreadable expiry', ['--unit', '548', '--expires', 'soon']],
    ['an expiry beyond 90 days', ['--unit', '548', '--expires', '365d']],
    ['an unknown option', ['--unit', '548', '--colour']],
  ])('refuses %s as misuse, with a Vietnamese explanation', async (_label, args) => {
    const attempt = cli(invite, args);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(/[àáảãạăâđèéêìíòóôơùúưỳý]/);
  });
});

describe('status and export-roster', () => {
  beforeAll(async () => {
    await uploadFile(stack, tokenOf(stack.inviteLink('546')), { path: SAMPLES.s01 });
    await uploadFile(stack, tokenOf(stack.inviteLink('544')), { path: SAMPLES.s03 });
    // Then Hoài Ân's clerk asks for an upload form again but never sends the file.
    const token = tokenOf(stack.inviteLink('544'));
    await api(stack, '/api/uploads', { json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: 100 } });
  });

  it('lists every unit with its roster against the deadline', async () => {
    const { code, stdout } = await cli(status, []);
    expect(code).toBe(0);
    const lineOf = (name: string) => stdout.split('\n').find((line) => line.startsWith(name)) ?? '';
    expect(stdout).toContain('hạn nộp: hết ngày 25/06/2021');
    // Uploaded today, long after 25/6/2021.
    expect(lineOf('Huyện Vĩnh Thạnh')).toMatch(/đã nhận: 3 cán bộ .* trễ hạn/);
    expect(lineOf('Huyện Hoài Ân')).toMatch(/bị từ chối .* chưa nộp/);
    expect(lineOf('Huyện Phù Cát')).toMatch(/chưa có .* chưa nộp/);
    expect(stdout).toContain(`Tổng cộng ${uploaderUnits().length} đơn vị: 0 đúng hạn, 1 trễ hạn, ${uploaderUnits().length - 1} chưa nộp.`);
  });

  it.each([
    ['before the upload', '2021-06-25', 'late'],
    ['after the upload', '2999-12-31', 'on-time'],
  ])('judges a roster against a deadline %s (--deadline %s) as %s', async (_label, deadline, expected) => {
    const { stdout } = await cli(status, ['--deadline', deadline, '--json']);
    const units = (JSON.parse(stdout) as { units: { unitCode: string; rosterStatus: string; officials: number }[] }).units;
    expect(units.find((u) => u.unitCode === '546')).toMatchObject({ rosterStatus: expected, officials: 3 });
    expect(units.find((u) => u.unitCode === '544')).toMatchObject({ rosterStatus: 'missing', officials: 0 });
  });

  it('exports the current officials with their IDs and phones as text', async () => {
    const out = join(scratch, 'danh-sach.xlsx');
    const { code, stdout, stderr } = await cli(exportRoster, ['--out', out]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(out);
    expect(stderr).toContain('Đã xuất 3 cán bộ của 1 đơn vị');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(row(4)).toEqual([...EXPORT_HEADER]);
    expect(row(5)).toEqual([1, 'Huyện Vĩnh Thạnh', 'Huyện Vĩnh Thạnh', 'Đinh Văn Thạnh', '052083020001', '0914020001']);
    expect(row(7).slice(2, 6)).toEqual(['Xã Vĩnh Kim', 'Đinh Thị Kim', '052190020003', '0914020003']);
    expect(sheet.getCell('E5').numFmt).toBe('@');
  });

  it('refuses an output that is not .xlsx', async () => {
    await expect(cli(exportRoster, ['--out', join(scratch, 'ds.csv')])).rejects.toBeInstanceOf(InputError);
  });

  it('explains in Vietnamese that the stack must be running when it is not', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'motcua-cli-empty-'));
    vi.stubEnv('MOTCUA_DATA_DIR', empty);
    try {
      await expect(cli(status, [])).rejects.toThrow('npm start');
      await expect(cli(exportRoster, ['--out', join(scratch, 'x.xlsx')])).rejects.toThrow('npm start');
    } finally {
      vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
      await rm(empty, { recursive: true, force: true });
    }
  });
});
