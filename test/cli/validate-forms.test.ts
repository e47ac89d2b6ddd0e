/** `validate --form results|grants`: the file checks of those forms from the command line, without uploading. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as validate } from '../../cli/commands/validate.js';
import { runCli } from '../support/cli.js';
import { buildGrantsXlsx, buildResultsXlsx } from '../support/workbooks.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'motcua-validate-forms-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(validate, args);

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, bytes);
  return path;
}

describe('validate --form results', () => {
  it.each([
    ['a good centre file', [[1, 'An', '052085000001', '0914000001', 12]], 0, 'ĐƯỢC CHẤP NHẬN'],
    ['a negative count', [[1, 'An', '052085000001', '0914000001', -1]], 1, 'không được là số âm'],
  ])('%s: exit %s', async (_, rows, code, text) => {
    const path = await file('kq.xlsx', await buildResultsXlsx({ rows }));
    const result = await cli([path, '--form', 'results', '--period', '2021-07']);
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(text);
    expect(result.stdout).not.toContain('052085000001');
  });

  it('prints the verdict as JSON for a unit', async () => {
    const path = await file('kq-548.xlsx', await buildResultsXlsx({ rows: [[1, 'An', null, '0914000001', '7']] }));
    const { code, stdout } = await cli([path, '--form', 'results', '--unit', '548', '--period', '2021-07', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ form: 'results', unit: '548', period: '2021-07', accepted: true, rows: [{ count: 7, phone: '0914000001', ok: true }] });
  });

  it.each([
    [['--form', 'results'], 'cần --period'],
    [['--form', 'results', '--period', '2021-13'], 'cần --period'],
    [['--form', 'results', '--period', '2021-07', '--unit', '999'], 'Mã đơn vị "999"'],
  ])('refuses %j as misuse', async (args, message) => {
    const path = await file('kq.xlsx', await buildResultsXlsx({ rows: [[1, 'An', '052085000001', null, 1]] }));
    await expect(validate([path, ...args])).rejects.toThrow(message);
  });
});

describe('validate --form grants', () => {
  it('checks the dates', async () => {
    const path = await file('pq.xlsx', await buildGrantsXlsx({ rows: [[1, 'An', null, '052085000001', null, '15/05/2021']] }));
    const { code, stdout } = await cli([path, '--form', 'grants', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ form: 'grants', accepted: false, issues: [{ code: 'GRANT_DATE_TOO_EARLY', column: 'grantedAt' }] });
  });
});
