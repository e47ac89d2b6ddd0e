/** How the engine classifies and checks rows: blank, sample, footer, duplicates, bounds and the sender line. */
import { describe, expect, it } from 'vitest';
import { FOOTER_TITLES } from '../../shared/forms/roster.js';
import { validate } from '../../shared/validate.js';
import { buildCsv, buildRosterXlsx, type CellInput } from '../support/workbooks.js';

const NOW = new Date('2021-06-24T03:00:00Z');
const check = (bytes: Uint8Array, unit = '546', fileName = 'danh-sach.xlsx') =>
  validate(bytes, { unit, form: 'roster', fileName, now: NOW });

const AN = [1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020001'];
const BINH = [2, 'Trần Thị Bình', 'BPMC huyện Vĩnh Thạnh', '052188020002', '0914020002'];

describe('row classification', () => {
  it('skips blank rows and rows holding only a row number', async () => {
    const verdict = await check(await buildRosterXlsx({ rows: [AN, [2], [], [3, null, '  ', null, null], BINH] }));
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((r) => r.row)).toEqual([7, 11]);
    expect(verdict.skipped).toEqual([
      { row: 8, reason: 'blank' },
      { row: 9, reason: 'blank' },
      { row: 10, reason: 'blank' },
    ]);
  });

  it.each([
    ['Nguyễn Văn A', 'BPMC huyện A'],
    ['Nguyễn Văn B', 'BPMC xã B'],
    ['Lê Văn C', 'BPMC xã B'],
    ['Lê Văn C', null],
    ['NGUYỄN VĂN A', 'bpmc huyện a'],
  ])('skips the template sample row %s / %s with a warning', async (name, unit) => {
    const verdict = await check(await buildRosterXlsx({ rows: [[1, name, unit], AN] }));
    expect(verdict.skipped).toEqual([{ row: 7, reason: 'sample' }]);
    expect(verdict.issues).toEqual([expect.objectContaining({ row: 7, code: 'SAMPLE_ROW_SKIPPED', severity: 'warning' })]);
    expect(verdict.accepted).toBe(true);
  });

  it('keeps a sample-named row that carries an ID or a phone: it is somebody real, checked as data', async () => {
    const verdict = await check(await buildRosterXlsx({ rows: [[1, 'Nguyễn Văn A', 'BPMC xã Vĩnh Hảo', '052083020009', '0914020009']] }));
    expect(verdict.rows.map((r) => r.row)).toEqual([7]);
    expect(verdict.skipped).toEqual([]);
  });

  it.each([...FOOTER_TITLES, 'Vĩnh Thạnh, ngày 20 tháng 6 năm 2021', 'ngày … tháng … năm …', 'KT. CHỦ TỊCH', 'THỦ TRƯỞNG ĐƠN VỊ'])(
    'ends the table at the signature line "%s", skipping it and everything below as footer',
    async (line) => {
      const verdict = await check(
        await buildRosterXlsx({ rows: [AN, [null, line], [null, 'Nguyễn Văn Ký', 'BPMC xã Vĩnh Hảo']] }),
      );
      expect(verdict.rows.map((r) => r.row)).toEqual([7]);
      expect(verdict.skipped).toEqual([
        { row: 8, reason: 'footer' },
        { row: 9, reason: 'footer' },
      ]);
      expect(verdict.accepted).toBe(true);
    },
  );

  it('does not end the table at a row that holds an ID or phone number, whatever its text', async () => {
    const verdict = await check(await buildRosterXlsx({ rows: [[1, 'Chủ tịch', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020001']] }));
    expect(verdict.skipped).toEqual([]);
    expect(verdict.rows).toHaveLength(1);
  });

  it('rejects a file whose table has no data row, with a file-level error', async () => {
    const verdict = await check(await buildRosterXlsx({ rows: [[1, 'Nguyễn Văn A', 'BPMC huyện A'], [2]] }));
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues).toContainEqual(expect.objectContaining({ row: null, column: null, code: 'FILE_NO_DATA_ROWS' }));
  });
});

describe('duplicates within the file', () => {
  it.each([
    ['ID', [1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020001'], [2, 'Trần Văn Bảo', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020002'], 'idNumber', 'ID_DUPLICATE'],
    ['phone', [1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020001'], [2, 'Trần Văn Bảo', 'BPMC xã Vĩnh Hảo', '052083020002', '0914 020 001'], 'phone', 'PHONE_DUPLICATE'],
  ] as const)('the same %s on two rows is an error on both, naming the other row', async (_what, first, second, column, code) => {
    const verdict = await check(await buildRosterXlsx({ rows: [[...first], [...second]] }));
    expect(verdict.accepted).toBe(false);
    const duplicates = verdict.issues.filter((i) => i.code === code);
    expect(duplicates.map((i) => [i.row, i.column])).toEqual([
      [7, column],
      [8, column],
    ]);
    expect(duplicates[0]?.message).toContain('8');
    expect(duplicates[1]?.message).toContain('7');
  });
});

describe('the sender line "Đơn vị cung cấp"', () => {
  it.each([
    ['UBND huyện Vĩnh Thạnh', []],
    ['Huyện Vĩnh Thạnh', []],
    ['……', ['SENDER_UNKNOWN']],
    ['', ['SENDER_UNKNOWN']],
    ['UBND huyện ……………..', ['SENDER_UNKNOWN']],
  ])('"%s" gives %j', async (sender, codes) => {
    const verdict = await check(await buildRosterXlsx({ sender, rows: [AN] }));
    expect(verdict.issues.map((i) => i.code)).toEqual(codes);
    expect(verdict.accepted).toBe(true);
  });

  it('rejects the file when it names a unit outside the uploader scope', async () => {
    const verdict = await check(await buildRosterXlsx({ sender: 'UBND huyện Phù Cát', rows: [AN] }));
    expect(verdict.accepted).toBe(false);
    // On the line's own row (4 in the letter's layout), so the annotated workbook marks it.
    expect(verdict.issues[0]).toMatchObject({ row: 4, column: null, code: 'SENDER_OUT_OF_SCOPE', severity: 'error' });
  });
});

describe('bounds', () => {
  /** n valid, distinct officials of Vĩnh Thạnh as CSV rows (IDs and phones are quoted strings, so they stay text). */
  function officials(n: number): (string | number | null)[][] {
    return Array.from({ length: n }, (_, i) => [
      i + 1,
      'Đinh Văn An',
      'BPMC xã Vĩnh Hảo',
      `05208${i % 2}${String(i).padStart(6, '0')}`,
      `091${String(i).padStart(7, '0')}`,
    ]);
  }
  const header = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];

  it('accepts a file of exactly 20,000 valid rows', async () => {
    const verdict = await check(buildCsv([header, ...officials(20_000)], { quote: 'text' }), '546', 'danh-sach.csv');
    expect(verdict.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(verdict.rows).toHaveLength(20_000);
    expect(verdict.accepted).toBe(true);
  });

  it('rejects 20,001 data rows with one file-level error, however many blank rows come with them', async () => {
    const rows = officials(20_001);
    const verdict = await check(buildCsv([header, ...rows, ...Array.from({ length: 50 }, () => [null])], { quote: 'text' }), '546', 'danh-sach.csv');
    expect(verdict.accepted).toBe(false);
    expect(verdict.issues).toEqual([expect.objectContaining({ row: null, code: 'FILE_TOO_MANY_ROWS' })]);
  });
});

describe('split name columns', () => {
  it('joins "Họ và tên đệm" and "Tên" into one name', async () => {
    const header: CellInput[] = ['STT', 'Họ và tên đệm', 'Tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
    const verdict = await check(await buildRosterXlsx({ header, rows: [[1, 'Đinh Văn', 'An', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020001']] }));
    expect(verdict.rows[0]).toMatchObject({ name: 'Đinh Văn An', ok: true });
  });
});

describe('rows that only look like a signature block', () => {
  const header: CellInput[] = ['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];

  it('keeps an official whose extra "Chức vụ" column reads like a signing title, and the rows below', async () => {
    const verdict = await check(
      await buildRosterXlsx({
        header,
        rows: [
          [1, 'Đinh Văn An', 'Phó Chủ tịch', 'BPMC xã Vĩnh Hảo', null, null],
          [2, 'Trần Thị Bình', 'Công chức', 'BPMC huyện Vĩnh Thạnh', '052188020002', '0914020002'],
        ],
      }),
    );
    expect(verdict.skipped).toEqual([]);
    expect(verdict.rows.map((r) => r.row)).toEqual([7, 8]);
    expect(verdict.issues.map((i) => [i.row, i.code])).toEqual([
      [7, 'ID_REQUIRED'],
      [7, 'PHONE_REQUIRED'],
    ]);
    expect(verdict.accepted).toBe(false);
  });

  it('reads a row with an ID or phone number below the signature block instead of dropping it', async () => {
    const verdict = await check(
      await buildRosterXlsx({ rows: [AN, [null, 'Người lập biểu'], [3, 'Trần Thị Bình', 'BPMC huyện Vĩnh Thạnh', '052188020002', '0914020002']] }),
    );
    expect(verdict.skipped).toEqual([{ row: 8, reason: 'footer' }]);
    expect(verdict.rows.map((r) => r.row)).toEqual([7, 9]);
    expect(verdict.accepted).toBe(true);
  });
});

describe('messages never quote an ID or phone number', () => {
  it.each([
    ['a phone number', '0366 432 390'],
    ['an ID number', '052089001234'],
  ])('when %s sits in the unit column (columns shifted)', async (_what, unitText) => {
    const verdict = await check(await buildRosterXlsx({ rows: [[1, 'Đinh Văn An', unitText, '052083020001', '0914020001']] }));
    const unitIssue = verdict.issues.find((i) => i.column === 'unit');
    expect(unitIssue?.code).toBe('UNIT_UNKNOWN');
    expect(unitIssue?.message).not.toContain(unitText);
    expect(unitIssue?.message).not.toMatch(/\d{3}/);
  });
});
