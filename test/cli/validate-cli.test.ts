/** Contract 1: `npm run --silent cli -- validate FILE --unit CODE --json`, its JSON and its exit codes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
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

describe('cli validate', () => {
  it('prints one JSON object and exits 0 for an accepted file', async () => {
    const { code, stdout } = await cli('validate', SAMPLES.s01, '--unit', '546', '--json');
    expect(code).toBe(0);
    const verdict = JSON.parse(stdout);
    expect(Object.keys(verdict)).toEqual(['form', 'unit', 'accepted', 'rows', 'issues', 'skipped']);
    expect(verdict).toMatchObject({ form: 'roster', unit: '546', accepted: true });
    expect(verdict.rows[0]).toEqual({
      row: 7,
      name: 'Đinh Văn Thạnh',
      unitCode: '546',
      idNumber: '052083020001',
      phone: '0914020001',
      ok: true,
    });
  });

  it('exits 1 for a rejected file, with every issue in the contract shape', async () => {
    const { code, stdout } = await cli('validate', SAMPLES.s03, '--unit', '544', '--json', '--form', 'roster');
    expect(code).toBe(1);
    const verdict = JSON.parse(stdout);
    expect(verdict.accepted).toBe(false);
    for (const issue of verdict.issues) {
      expect(Object.keys(issue).sort()).toEqual(['code', 'column', 'message', 'row', 'severity']);
      expect(issue.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });

  it('treats a hostile or unreadable file as rejected (exit 1, file-level issue), not as a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'danh-sach.xlsx');
    writeFileSync(file, Buffer.from('PK\u0003\u0004 this is no zip at all'));
    const { code, stdout } = await cli('validate', file, '--unit', '548', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).issues[0]).toMatchObject({ row: null, column: null, severity: 'error' });
  });

  it.each([
    ['no such file', ['validate', '/nonexistent/roster.xlsx', '--unit', '548', '--json']],
    ['unknown unit', ['validate', SAMPLES.s01, '--unit', '999', '--json']],
    ['a commune is not an uploader', ['validate', SAMPLES.s01, '--unit', '21799', '--json']],
    ['no --unit', ['validate', SAMPLES.s01, '--json']],
    ['unknown form', ['validate', SAMPLES.s01, '--unit', '546', '--form', 'payroll']],
    ['--out in a folder that does not exist', ['validate', SAMPLES.s01, '--unit', '546', '--json', '--out', '/nonexistent/danh-dau.xlsx']],
    ['--out that is not .xlsx', ['validate', SAMPLES.s01, '--unit', '546', '--json', '--out', 'danh-dau.txt']],
  ])('exits 2 on misuse: %s, with a Vietnamese message and nothing on stdout', async (_case, args) => {
    const { code, stdout, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.length).toBeGreaterThan(0);
  });

  it('accepts a department code as the uploader', async () => {
    const { code, stdout } = await cli('validate', SAMPLES.s01, '--unit', 'so-noi-vu', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).issues.some((i: { code: string }) => i.code === 'SENDER_OUT_OF_SCOPE')).toBe(true);
  });

  it('writes the annotated workbook with --out and prints a Vietnamese summary without --json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-')), 'danh-dau.xlsx');
    const { code, stdout } = await cli('validate', SAMPLES.s03, '--unit', '544', '--out', out);
    expect(code).toBe(1);
    expect(stdout).toContain('KHÔNG ĐƯỢC CHẤP NHẬN');
    expect(stdout).not.toMatch(/\d{9,}/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.getWorksheet('Lỗi')).toBeDefined();
  });
});
