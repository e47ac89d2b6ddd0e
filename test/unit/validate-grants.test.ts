/** validateGrants: the centre's permission grants, rule by rule (the roster checks are in the integration test). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { type GrantsVerdict, parseGrantDate, validateGrants } from '../../shared/validate-grants.js';
import { buildGrantsXlsx, type CellInput, FORM_LAYOUT, type FormSpec } from '../support/workbooks.js';

const ID = '052085000001';
const ID_2 = '052085000002';
const FIRST = FORM_LAYOUT.firstDataRow;
/** 10:00 on 15/07/2021 in Vietnam. */
const NOW = new Date('2021-07-15T03:00:00Z');

async function check(spec: FormSpec, now = NOW): Promise<GrantsVerdict> {
  return validateGrants(await buildGrantsXlsx(spec), { unit: CENTRE_UNIT, fileName: 'phan-quyen.xlsx', now });
}

describe('dates', () => {
  it.each<[string, CellInput, string | null]>([
    ['an Excel date', new Date(Date.UTC(2021, 5, 28)), '2021-06-28'],
    ['dd/mm/yyyy text', '28/06/2021', '2021-06-28'],
    ['d/m/yyyy text', '8/7/2021', '2021-07-08'],
    ['dd-mm-yyyy text', '28-06-2021', '2021-06-28'],
    ['dd.mm.yyyy text', '28.06.2021', '2021-06-28'],
    ['ISO text', '2021-06-28', '2021-06-28'],
    ['a date cell left as its serial number', 44375, '2021-06-28'],
    ['today, in Vietnam', '15/07/2021', '2021-07-15'],
    ['the first day allowed', '01/06/2021', '2021-06-01'],
  ])('%s is read', async (_, cell, iso) => {
    const verdict = await check({ rows: [[1, 'An', 'Xã Cát Hanh', ID, null, cell]] });
    expect(verdict.issues).toEqual([]);
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows[0]?.grantedAt).toBe(iso);
  });

  it.each<[string, CellInput, string]>([
    ['tomorrow', '16/07/2021', 'GRANT_DATE_IN_FUTURE'],
    ['next year', new Date(Date.UTC(2022, 0, 3)), 'GRANT_DATE_IN_FUTURE'],
    ['before June 2021', '31/05/2021', 'GRANT_DATE_TOO_EARLY'],
    ['a day that does not exist', '31/06/2021', 'GRANT_DATE_INVALID'],
    ['words', 'đã cấp', 'GRANT_DATE_INVALID'],
    ['a month without a day', '06/2021', 'GRANT_DATE_INVALID'],
    ['a small number', 12, 'GRANT_DATE_INVALID'],
  ])('%s is an error on the date cell', async (_, cell, code) => {
    const verdict = await check({ rows: [[1, 'An', null, ID, null, cell]] });
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues).toMatchObject([{ row: FIRST, column: 'grantedAt', severity: 'error', code }]);
  });

  it('reads any day back from every spelling, and nothing that is not a day (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = iso.split('-') as [string, string, string];
        const serial = Math.round((Date.UTC(Number(y), Number(m) - 1, Number(d)) - Date.UTC(1899, 11, 30)) / 86_400_000);
        for (const cell of [
          { text: `${d}/${m}/${y}`, numeric: false },
          { text: `${Number(d)}/${Number(m)}/${y}`, numeric: false },
          { text: `${d}.${m}.${y}`, numeric: false },
          { text: iso, numeric: false },
          { text: String(serial), numeric: true },
        ]) {
          expect(parseGrantDate(cell)).toEqual({ ok: true, value: iso });
        }
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseGrantDate({ text, numeric: false });
        if (result.ok) expect(result.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
    );
  });

  it('parses the same day whatever the spelling', () => {
    const cells = ['05/07/2021', '5/7/2021', '2021-07-05', '05-07-2021'].map((text) => parseGrantDate({ text, numeric: false }));
    expect(cells).toEqual(cells.map(() => ({ ok: true, value: '2021-07-05' })));
  });
});

describe('rows', () => {
  it('reads rows without a date as officials not granted yet, and records only the dated ones', async () => {
    const verdict = await check({ rows: [[1, 'An', null, ID, null, '28/06/2021'], [2, 'Bình', null, ID_2, null, null]] });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((r) => [r.idNumber, r.grantedAt])).toEqual([
      [ID, '2021-06-28'],
      [ID_2, null],
    ]);
  });

  it('rejects a file with no date at all', async () => {
    const verdict = await check({ rows: [[1, 'An', null, ID, null, null]] });
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues.map((i) => i.code)).toEqual(['GRANTS_NO_DATES']);
  });

  it('reads the ID with the roster rules (a lost leading zero comes back, with a warning)', async () => {
    const verdict = await check({ rows: [[1, 'An', null, 52085000001, null, '28/06/2021']] });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows[0]?.idNumber).toBe(ID);
    expect(verdict.issues.map((i) => i.code)).toEqual(['ID_LEADING_ZERO_RESTORED']);
  });

  it.each<[string, CellInput, string]>([
    ['a missing ID', null, 'ID_REQUIRED'],
    ['an ID of the wrong length', '05208500000', 'ID_LENGTH'],
  ])('%s on a dated row is an error', async (_, id, code) => {
    const verdict = await check({ rows: [[1, 'An', null, id, null, '28/06/2021']] });
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues).toMatchObject([{ row: FIRST, column: 'idNumber', code }]);
  });

  it('rejects the same person twice', async () => {
    const verdict = await check({ rows: [[1, 'An', null, ID, null, '28/06/2021'], [2, 'An', null, ID, null, '29/06/2021']] });
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues.map((i) => [i.row, i.code])).toEqual([
      [FIRST, 'GRANT_PERSON_DUPLICATE'],
      [FIRST + 1, 'GRANT_PERSON_DUPLICATE'],
    ]);
  });

  it('reads a list typed by hand with only the ID and the date', async () => {
    const verdict = await check({ title: null, header: ['Số CCCD', 'Ngày cấp quyền'], rows: [[ID, '30/06/2021']] });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows).toEqual([{ row: FIRST, name: null, unit: null, idNumber: ID, phone: null, grantedAt: '2021-06-30', ok: true }]);
  });
});

describe('file-level refusals', () => {
  it.each<[string, FormSpec, string]>([
    ['no table', { header: ['Ghi chú'], rows: [['x']] }, 'GRANTS_NO_TABLE'],
    ['no date column', { header: ['STT', 'Họ và tên', 'CMND/CCCD'], rows: [[1, 'An', ID]] }, 'GRANTS_MISSING_COLUMNS'],
    ['no ID column', { header: ['STT', 'Họ và tên', 'Ngày phân quyền'], rows: [[1, 'An', '28/06/2021']] }, 'GRANTS_MISSING_COLUMNS'],
  ])('%s', async (_, spec, code) => {
    const verdict = await check(spec);
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues.map((i) => i.code)).toEqual([code]);
  });
});
