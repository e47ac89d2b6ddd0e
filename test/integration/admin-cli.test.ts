/**
 * The centre's admin commands against a running local stack found through its data directory (as `npm
 * start` leaves it in `.data/`): invite links that the API accepts, the roster status of every unit
 * against the deadline, and the province-wide export.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultExportName, run as exportRoster } from '../../cli/commands/export-roster.js';
import { run as invite } from '../../cli/commands/invite.js';
import { run as status } from '../../cli/commands/status.js';
import { InputError } from '../../shared/errors.js';
import { EXPORT_HEADER } from '../../shared/pipeline/export-roster.js';
import { CENTRE_UNIT, verifyToken } from '../../shared/tokens.js';
import { formatVietnamDate, vietnamMonth } from '../../shared/vn/time.js';
import { uploaderUnits } from '../../shared/vn/units.js';
import { SAMPLES } from '../support/samples.js';
import { runCli } from '../support/cli.js';
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

const cli = runCli;

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

  it.each([
    ['a unit given twice', ['--unit', '548', '--unit', '546'], /--unit được ghi hai lần/],
    ['"1m" (a minute or a month?)', ['--unit', '548', '--expires', '1m'], /phút hay tháng/],
    ['a grants link for a unit', ['--unit', '548', '--form', 'grants'], /Đơn vị không nộp grants.*invite --centre --form grants/],
    ['a centre link with no form', ['--centre'], /Trung tâm cần --form: results .* hoặc grants/],
    ['a roster link for the centre', ['--centre', '--form', 'roster'], /Trung tâm không nộp roster/],
    ['the centre and a unit at once', ['--centre', '--unit', '548', '--form', 'results'], /Cần đúng một trong --unit MÃ_ĐƠN_VỊ, --all hoặc --centre/],
  ])('refuses %s, saying why', async (_label, args, reason) => {
    await expect(cli(invite, args)).rejects.toThrow(reason);
  });

  it('reads --expires in Vietnamese units: 30p is thirty minutes', async () => {
    const before = Date.now();
    const { stdout } = await cli(invite, ['--unit', '548', '--expires', '30p']);
    const { expiresAt } = verifyToken(tokenOf(stdout.trim()), stack.tokenSecret, new Date());
    expect(expiresAt.getTime() - before).toBeGreaterThan(29 * 60_000);
    expect(expiresAt.getTime() - before).toBeLessThanOrEqual(30 * 60_000 + 1000);
  });

  it.each([
    ['results', '2021-07', '2021-07'],
    ['grants', undefined, vietnamMonth(new Date())],
  ])('prints a centre link for %s (period %s), which the token names as the centre', async (form, period, expected) => {
    const { code, stdout, stderr } = await cli(invite, ['--centre', '--form', form, ...(period ? ['--period', period] : [])]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${stack.baseUrl}/u/v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\n$`));
    expect(stderr).toContain('cho Trung tâm Phục vụ hành chính công tỉnh');
    expect(verifyToken(tokenOf(stdout.trim()), stack.tokenSecret, new Date())).toMatchObject({ unit: CENTRE_UNIT, form, period: expected });
  });

  it('records each link it issues, for status to show', async () => {
    const countOf = async (unit: string) => (await stack.deps.store.listLinkRecords()).find((r) => r.unit === unit && r.form === 'roster')?.count ?? 0;
    const before = await countOf('so-tu-phap');
    const { stdout } = await cli(invite, ['--unit', 'so-tu-phap', '--expires', '14d']);
    const { expiresAt } = verifyToken(tokenOf(stdout.trim()), stack.tokenSecret, new Date());
    const records = await stack.deps.store.listLinkRecords();
    const record = records.find((r) => r.unit === 'so-tu-phap' && r.form === 'roster');
    expect(record).toMatchObject({ count: before + 1, lastExpiresAt: expiresAt.toISOString() });
    expect(Date.now() - Date.parse(record?.lastIssuedAt ?? '')).toBeLessThan(60_000);
    expect(records.find((r) => r.unit === CENTRE_UNIT && r.form === 'grants')).toMatchObject({ count: 1 });
  });

  it('still prints a link when the local stack is not running, and says it was not recorded', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'motcua-cli-nostack-'));
    vi.stubEnv('MOTCUA_DATA_DIR', empty);
    try {
      const { code, stdout, stderr } = await cli(invite, ['--unit', '548']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/\/u\/v1\./);
      expect(stderr).toContain('không được ghi lại');
    } finally {
      vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('status and export-roster', () => {
  beforeAll(async () => {
    await uploadFile(stack, tokenOf(stack.inviteLink('546')), { path: SAMPLES.s01 });
    await uploadFile(stack, tokenOf(stack.inviteLink('544')), { path: SAMPLES.s03 });
    // Then Hoài Ân's clerk asks for an upload form again but never sends the file.
    const token = tokenOf(stack.inviteLink('544'));
    await api(stack, '/api/uploads', { json: { token, fileName: 'ds.xlsx', contentType: XLSX_TYPE, size: 100 } });
    // The centre sent Hoài Ân its link with the CLI.
    await cli(invite, ['--unit', '544']);
  });

  type UnitJson = {
    unitCode: string;
    rosterStatus: string;
    officials: number;
    attempts: number;
    lastAttemptAt: string | null;
    lastAttemptStatus: string | null;
    link: { issued: boolean; count: number; lastIssuedAt: string | null; lastExpiresAt: string | null };
  };
  const jsonUnits = async (args: string[] = []) => (JSON.parse((await cli(status, ['--json', ...args])).stdout) as { units: UnitJson[] }).units;

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

  it('shows a rejected unit when it last tried, how many files it sent, and when it was sent a link', async () => {
    const { stdout } = await cli(status, []);
    const today = formatVietnamDate(new Date());
    const hoaiAn = stdout.split('\n').find((line) => line.startsWith('Huyện Hoài Ân')) ?? '';
    // Roster, deadline, accepted on (none), files sent, the last one at, link issued on.
    expect(hoaiAn).toMatch(new RegExp(`bị từ chối\\s+chưa nộp\\s+–\\s+1\\s+${today} \\d\\d:\\d\\d\\s+${today}$`));
    expect(stdout).toContain('- Huyện Hoài Ân: tệp gần nhất có lỗi, chờ đơn vị tải lại.');
    const phuCat = stdout.split('\n').find((line) => line.startsWith('Huyện Phù Cát')) ?? '';
    expect(phuCat).toMatch(/chưa có\s+chưa nộp\s+–\s+0\s+–\s+\d\d\/\d\d\/\d{4}$/);
  });

  it('keeps the table within 120 columns', async () => {
    const { stdout } = await cli(status, []);
    const lines = stdout.split('\n');
    const table = lines.slice(lines.findIndex((line) => line.startsWith('Đơn vị')), lines.findIndex((line) => line.startsWith('Tổng cộng')));
    expect(table.length).toBeGreaterThan(uploaderUnits().length);
    for (const line of table) expect([...line].length).toBeLessThanOrEqual(120);
  });

  it('gives the attempts and the link in --json too', async () => {
    const units = await jsonUnits();
    const hoaiAn = units.find((u) => u.unitCode === '544');
    // Two links: one from `invite --all` above, then its own.
    expect(hoaiAn).toMatchObject({ attempts: 1, lastAttemptStatus: 'rejected', link: { issued: true, count: 2 } });
    expect(Date.now() - Date.parse(hoaiAn?.lastAttemptAt ?? '')).toBeLessThan(10 * 60_000);
    expect(units.find((u) => u.unitCode === '546')).toMatchObject({ attempts: 1, lastAttemptStatus: 'accepted' });
    expect(units.find((u) => u.unitCode === '549')).toMatchObject({ attempts: 0, lastAttemptAt: null, lastAttemptStatus: null });
    expect(units.every((u) => u.link.issued === (u.link.lastIssuedAt !== null) && u.link.issued === u.link.count > 0)).toBe(true);
  });

  it.each([['2021-02-30'], ['2021-13-01'], ['25/06/2021']])('refuses the impossible or malformed deadline %s', async (deadline) => {
    await expect(cli(status, ['--deadline', deadline])).rejects.toThrow(`Hạn nộp --deadline "${deadline}" không phải một ngày có thật`);
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

  it('writes to a private file under the data directory by default, never into the working directory', async () => {
    const { code, stdout, stderr } = await cli(exportRoster, []);
    expect(code).toBe(0);
    const written = join(dataDir, 'exports', defaultExportName(new Date()));
    expect(stdout.trim()).toBe(written);
    expect(stderr).toContain('Đã xuất 3 cán bộ');
    expect((await stat(written)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'exports'))).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['a folder that does not exist', () => '/no/such/dir/x.xlsx', 'Thư mục "/no/such/dir" không tồn tại'],
    ['an existing folder instead of a file', () => join(scratch, 'la-thu-muc.xlsx'), 'là một thư mục'],
  ])('refuses as misuse an --out in %s, naming it', async (_label, out, reason) => {
    await mkdir(join(scratch, 'la-thu-muc.xlsx'), { recursive: true });
    const attempt = cli(exportRoster, ['--out', out()]);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(reason);
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

  // Last in this block: the grants it records would show in the export above.
  it('shows officials granted per unit against the grants deadline (on time, late, not all granted yet)', async () => {
    const officials = await stack.deps.store.listCurrentOfficials('546');
    expect(officials).toHaveLength(3);
    const [first, second, third] = officials;
    if (!first || !second || !third) throw new Error('three officials expected');
    const source = { orderKey: new Date().toISOString(), receivedAt: new Date(), source: 'test' };
    await stack.deps.grants.recordGrants([{ idHash: first.idHash, grantedAt: '2021-06-28' }, { idHash: second.idHash, grantedAt: '2021-06-29' }], source);

    let { stdout } = await cli(status, []);
    expect(stdout).toContain('Phân quyền trên Cổng (hạn: hết ngày 30/06/2021): 2/3 cán bộ đã được phân quyền.\n- Huyện Vĩnh Thạnh: 2/3 cán bộ, chưa đủ.');

    await stack.deps.grants.recordGrants([{ idHash: third.idHash, grantedAt: '2021-07-02' }], source);
    ({ stdout } = await cli(status, []));
    expect(stdout).toContain('- Huyện Vĩnh Thạnh: 3/3 cán bộ, trễ hạn.');
    ({ stdout } = await cli(status, ['--grants-deadline', '2021-07-31']));
    expect(stdout).toContain('Phân quyền trên Cổng (hạn: hết ngày 31/07/2021): 3/3 cán bộ đã được phân quyền.\n- Huyện Vĩnh Thạnh: 3/3 cán bộ, đúng hạn.');
    const units = (JSON.parse((await cli(status, ['--json'])).stdout) as { units: { unitCode: string; granted: number; grantsStatus: string }[] }).units;
    expect(units.find((u) => u.unitCode === '546')).toMatchObject({ granted: 3, grantsStatus: 'late' });
    expect(units.find((u) => u.unitCode === '548')).toMatchObject({ granted: 0, grantsStatus: 'missing' });
    await expect(cli(status, ['--grants-deadline', '2021-06-31'])).rejects.toThrow('Hạn phân quyền --grants-deadline "2021-06-31" không phải một ngày có thật');
  });

});
