/** validateResults: the monthly results form, rule by rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { parseCount, type ResultsVerdict, validateResults } from '../../shared/validate-results.js';
import { buildCsv, buildResultsXlsx, type CellInput, FORM_LAYOUT, type FormSpec } from '../support/workbooks.js';

const ID = '052085000001';
const ID_2 = '052085000002';
const PHONE = '0914000001';
const PHONE_2 = '0914000002';
const FIRST = FORM_LAYOUT.firstDataRow;

async function check(spec: FormSpec, period = '2021-07', unit = CENTRE_UNIT): Promise<ResultsVerdict> {
  return validateResults(await buildResultsXlsx(spec), { unit, period, fileName: 'ket-qua.xlsx', now: new Date('2021-08-03T02:00:00Z') });
}
const codesAt = (verdict: ResultsVerdict, row: number | null) => verdict.issues.filter((i) => i.row === row).map((i) => i.code);

describe('a valid centre file', () => {
  it('reads every row with its normalized ID, phone and count', async () => {
    const verdict = await check({
      rows: [
        [1, 'Nguyễn Văn An', ID, PHONE, 25],
        [2, 'Trần Thị Bình', ID_2, null, '0'],
        [3, null, null, PHONE_2, '1.250'],
      ],
    });
    expect(verdict.accepted).toBe(true);
    expect(verdict.issues).toEqual([]);
    expect(verdict.statedPeriod).toBe('2021-07');
    expect(verdict.rows).toEqual([
      { row: FIRST, name: 'Nguyễn Văn An', idNumber: ID, phone: PHONE, count: 25, ok: true },
      { row: FIRST + 1, name: 'Trần Thị Bình', idNumber: ID_2, phone: null, count: 0, ok: true },
      { row: FIRST + 2, name: null, idNumber: null, phone: PHONE_2, count: 1250, ok: true },
    ]);
  });

  it.each([
    ['Số tài khoản công dân đã tạo'],
    ['Số lượng tài khoản'],
    ['Số TK tạo mới'],
    ['Số lượng'],
    ['SỐ TÀI KHOẢN ĐÃ TẠO (tài khoản)'],
  ])('finds the count column labelled "%s"', async (label) => {
    const verdict = await check({ header: ['STT', 'Họ và tên', 'CMND/CCCD', 'Số điện thoại', label], rows: [[1, 'An', ID, PHONE, 3]] });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows[0]?.count).toBe(3);
  });

  it('reads a table whose columns are reordered and that has no phone column', async () => {
    const verdict = await check({ header: ['Số lượng', 'Số CCCD', 'Tên cán bộ'], rows: [[7, ID, 'Lê Văn Cường']] });
    expect(verdict.rows).toEqual([{ row: FIRST, name: 'Lê Văn Cường', idNumber: ID, phone: null, count: 7, ok: true }]);
  });

  it('forgives lost leading zeros, +84 and 11-digit numbers, with a warning', async () => {
    const verdict = await check({ rows: [[1, 'An', 52085000001, '+84 914 000 001', 1], [2, 'Bình', ID_2, '01234000002', 2]] });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((r) => [r.idNumber, r.phone])).toEqual([
      [ID, PHONE],
      [ID_2, '0834000002'],
    ]);
    expect(verdict.issues.map((i) => i.code)).toEqual(['ID_LEADING_ZERO_RESTORED', 'PHONE_CONVERTED_2018']);
  });

  it('skips blank rows, the totals line and the signature block', async () => {
    const verdict = await check({
      rows: [[1, 'An', ID, PHONE, 4], [], [2, 'Bình', ID_2, PHONE_2, 6]],
      footer: [[null, 'Tổng cộng', null, null, 10], ['Người lập biểu']],
    });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((r) => r.count)).toEqual([4, 6]);
    expect(verdict.skipped.map((s) => s.reason)).toEqual(['blank', 'blank', 'footer', 'footer']);
  });

  it('reads a CSV export', async () => {
    const bytes = buildCsv([['Kết quả tháng 7/2021'], ['STT', 'CMND/CCCD', 'Số lượng'], [1, ID, 12]]);
    const verdict = await validateResults(bytes, { unit: CENTRE_UNIT, period: '2021-07', fileName: 'tk.csv' });
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows[0]?.count).toBe(12);
  });
});

describe('counts', () => {
  it.each<[string, CellInput, string | number]>([
    ['a whole number', 25, 25],
    ['zero', 0, 0],
    ['the maximum', 10_000, 10_000],
    ['text digits', '42', 42],
    ['Vietnamese thousands', '1.234', 1234],
    ['a formula with its result', { formula: 'B2+B3', result: 12 }, 'COUNT_FORMULA'],
    ['a decimal number', 2.5, 'COUNT_NOT_WHOLE'],
    ['a decimal typed with a comma', '2,5', 'COUNT_NOT_WHOLE'],
    ['a negative number', -3, 'COUNT_NEGATIVE'],
    ['a negative decimal', '-1,5', 'COUNT_NEGATIVE'],
    ['text', 'mười', 'COUNT_NOT_NUMBER'],
    ['a number with a unit', '25 TK', 'COUNT_NOT_NUMBER'],
    ['more than 10,000', 10_001, 'COUNT_TOO_LARGE'],
    ['an empty cell', null, 'COUNT_REQUIRED'],
  ])('%s', async (_, cell, expected) => {
    const verdict = await check({ rows: [[1, 'An', ID, PHONE, cell]] });
    if (typeof expected === 'number') {
      expect(verdict.accepted).toBe(true);
      expect(verdict.rows[0]?.count).toBe(expected);
    } else {
      expect(verdict.accepted).toBe(false);
      expect(verdict.issues).toMatchObject([{ row: FIRST, column: 'count', severity: 'error', code: expected }]);
      expect(verdict.rows[0]?.ok).toBe(false);
    }
  });

  it('never accepts anything but a whole number from 0 to 10,000 (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -20_000, max: 20_000 }), fc.double({ noNaN: true }), fc.string()), (value) => {
        const cell = typeof value === 'number' ? { text: String(value), numeric: true } : { text: value, numeric: false };
        const result = parseCount(cell);
        if (result.ok) expect(Number.isInteger(result.value) && result.value >= 0 && result.value <= 10_000).toBe(true);
      }),
    );
  });
});

describe('the title month', () => {
  it.each([
    ['Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021', '2021-07', true],
    ['KẾT QUẢ THÁNG 7 NĂM 2021', '2021-07', true],
    ['Kết quả tháng 7-2021', '2021-07', true],
    ['Kết quả hỗ trợ tạo tài khoản công dân tháng 06/2021', '2021-06', false],
    ['Kết quả tháng 8 năm 2021', '2021-08', false],
    [null, null, true],
    ['Kết quả hỗ trợ tạo tài khoản công dân', null, true],
    ['Phù Cát, ngày 5 tháng 8 năm 2021', null, true],
  ])('"%s" states %s (accepted for 07/2021: %s)', async (title, stated, accepted) => {
    const verdict = await check({ title, rows: [[1, 'An', ID, PHONE, 1]] });
    expect(verdict.statedPeriod).toBe(stated);
    expect(verdict.accepted).toBe(accepted);
    if (!accepted) {
      expect(verdict.issues).toMatchObject([{ row: null, code: 'RESULTS_PERIOD_MISMATCH' }]);
      expect(verdict.issues[0]?.message).toContain('07/2021');
    }
  });
});

describe('people', () => {
  it.each<[string, CellInput[][], number[]]>([
    ['the same ID twice', [[1, 'An', ID, PHONE, 1], [2, 'An', ID, PHONE_2, 2]], [FIRST, FIRST + 1]],
    ['the same phone twice', [[1, 'An', ID, PHONE, 1], [2, 'Bình', null, PHONE, 2]], [FIRST, FIRST + 1]],
    ['an ID typed with and without its zero', [[1, 'An', ID, null, 1], [2, 'An', 52085000001, null, 2]], [FIRST, FIRST + 1]],
  ])('%s is an error on every such row', async (_, rows, erroneous) => {
    const verdict = await check({ rows });
    expect(verdict.accepted).toBe(false);
    for (const row of erroneous) expect(codesAt(verdict, row)).toContain('RESULTS_PERSON_DUPLICATE');
  });

  it('needs an ID or a phone on each row', async () => {
    const verdict = await check({ rows: [[1, 'Nguyễn Văn An', null, null, 5]] });
    expect(verdict.issues).toMatchObject([{ row: FIRST, code: 'RESULTS_PERSON_REQUIRED', severity: 'error' }]);
  });

  it.each([
    ['an ID of 10 digits', '0520850000', PHONE, 'ID_LENGTH'],
    ['a landline', ID, '0256 3822 999', 'PHONE_NOT_MOBILE'],
  ])('%s is an error on its cell', async (_, id, phone, code) => {
    const verdict = await check({ rows: [[1, 'An', id, phone, 5]] });
    expect(verdict.accepted).toBe(false);
    expect(codesAt(verdict, FIRST)).toEqual([code]);
  });

  it('never quotes an ID or phone number in a message', async () => {
    const verdict = await check({ rows: [[1, 'An', '0520850000', '0256 3822 999', 5], [2, 'An', ID, PHONE, 1], [3, 'An', ID, PHONE, 1]] });
    for (const issue of verdict.issues) expect(issue.message).not.toMatch(/\d{6,}/);
  });
});

describe('file-level refusals', () => {
  it.each<[string, FormSpec, string]>([
    ['no table at all', { header: ['Ghi chú'], rows: [['x']] }, 'RESULTS_NO_TABLE'],
    ['no count column', { header: ['STT', 'Họ và tên', 'CMND/CCCD'], rows: [[1, 'An', ID]] }, 'RESULTS_MISSING_COLUMNS'],
    ['no ID and no phone column', { header: ['STT', 'Họ và tên', 'Số lượng'], rows: [[1, 'An', 5]] }, 'RESULTS_MISSING_COLUMNS'],
    ['a header with no rows', { rows: [] }, 'FILE_NO_DATA_ROWS'],
  ])('%s', async (_, spec, code) => {
    const verdict = await check(spec);
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues.map((i) => i.code)).toEqual([code]);
  });

  it('names the missing columns in Vietnamese', async () => {
    const verdict = await check({ header: ['STT', 'Họ và tên', 'Số lượng'], rows: [[1, 'An', 5]] });
    expect(verdict.issues[0]?.message).toContain('CMND/CCCD hoặc Số điện thoại');
  });
});
