/** findTable: the Appendix 2 table found in workbooks made by hand. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROSTER_HEADER_ALIASES } from '../../../shared/forms/roster.js';
import { findTable, isNumberingRow, type TableMatch } from '../../../shared/workbook/find-table.js';
import { readWorkbook } from '../../../shared/workbook/read.js';
import type { SheetRow, WorkbookData } from '../../../shared/workbook/types.js';
import { buildCsv, buildRosterXlsx, buildWorkbookXlsx, type CellInput, ROSTER_LAYOUT, type RosterSpec, rosterSheet } from '../../support/workbooks.js';

const sample = (file: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../samples/${file}`, import.meta.url))));

async function workbookOf(bytes: Uint8Array, fileName = 'ds.xlsx'): Promise<WorkbookData> {
  const result = await readWorkbook(bytes, fileName);
  if (!result.ok) throw new Error(`unreadable test file: ${result.code}`);
  return result.workbook;
}

async function tableOf(spec: RosterSpec): Promise<ReturnType<typeof findTable>> {
  return findTable(await workbookOf(await buildRosterXlsx(spec)));
}

function matched(result: ReturnType<typeof findTable>): TableMatch {
  if (!result.ok) throw new Error(`no table: ${result.code} ${result.params?.detail ?? ''}`);
  return result;
}

const ROW = [1, 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390'];
const firstNames = (match: TableMatch) => match.dataRows.map((r) => r.row);

describe('the province samples', () => {
  it.each([
    ['s01-vinh-thanh-hop-le.xlsx', 'UBND huyện Vĩnh Thạnh', [7, 8, 9]],
    ['s02-tay-son-lon-xon.xlsx', 'UBND huyện Tây Sơn', [7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19]],
    ['s03-hoai-an-co-loi.xlsx', 'UBND huyện Hoài Ân', [7, 8, 9, 10, 11]],
    ['s04-vinh-thanh-tcvn3.xlsx', 'UBND huyÖn VÜnh Th¹nh', [7, 8]],
  ])('finds the table of %s under its sender line', async (file, sender, dataRows) => {
    const match = matched(findTable(await workbookOf(sample(file))));
    expect(match.sheet.name).toBe('Sheet1');
    expect(match.headerRow).toBe(6);
    expect(match.columns).toEqual({ rowNumber: 1, name: 2, unit: 3, idNumber: 4, phone: 5 });
    expect(match.senderText).toBe(sender);
    expect(firstNames(match)).toEqual(dataRows);
  });
});

describe('header labels', () => {
  // Index in the standard header of each required field (STT is column 0).
  const POSITION = { name: 1, unit: 2, idNumber: 3, phone: 4 } as const;
  const cases = (Object.keys(POSITION) as (keyof typeof POSITION)[]).flatMap((field) =>
    ROSTER_HEADER_ALIASES[field].map((alias) => [field, alias] as const),
  );
  const decorate = {
    'as written': (label: string) => label,
    'upper case': (label: string) => label.toUpperCase(),
    'without diacritics': (label: string) => label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/Đ/g, 'D').replace(/đ/g, 'd'),
    'with a trailing colon': (label: string) => `${label}:`,
    'with a required-field star': (label: string) => `${label} *`,
    'with a note in brackets': (label: string) => `${label} (bắt buộc)`,
    'with doubled and padding spaces': (label: string) => `  ${label.replace(/ /g, '  ')} `,
  } as const;
  const table = cases.flatMap(([field, alias]) => Object.keys(decorate).map((style) => [field, alias, style as keyof typeof decorate] as const));

  it.each(table)('recognizes the %s column labelled "%s" %s', async (field, alias, style) => {
    const header: string[] = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
    const index = POSITION[field];
    header[index] = decorate[style](alias);
    const match = matched(await tableOf({ header, rows: [ROW] }));
    expect(match.columns[field]).toBe(index + 1);
    expect(match.headerRow).toBe(ROSTER_LAYOUT.headerRow);
  });

  it.each(ROSTER_HEADER_ALIASES.rowNumber)('takes "%s" as the row-number column', async (alias) => {
    const match = matched(await tableOf({ header: [alias, 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], rows: [ROW] }));
    expect(match.columns.rowNumber).toBe(1);
  });

  it('does not take a label inside a longer text ("Ghi chú về đơn vị")', async () => {
    const result = await tableOf({ header: ['STT', 'Họ và tên', 'Ghi chú về đơn vị', 'CMND/CCCD', 'Số điện thoại'], rows: [ROW] });
    expect(result).toEqual({ ok: false, code: 'FILE_MISSING_COLUMNS', params: { detail: 'Đơn vị' } });
  });
});

describe('layouts', () => {
  it('finds columns in any order, with extra columns and no STT', async () => {
    const match = matched(
      await tableOf({
        header: ['Số điện thoại', 'Ghi chú', 'Họ tên', 'Chức vụ', 'Số CCCD', 'Nơi công tác'],
        rows: [['0366432390', '', 'Lê Văn An', 'Chuyên viên', '052089001234', 'BPMC xã Cát Hanh']],
      }),
    );
    expect(match.columns).toEqual({ phone: 1, name: 3, idNumber: 5, unit: 6 });
  });

  it('finds a header with no title block, on row 1', async () => {
    const match = matched(await tableOf({ titleRows: false, sender: null, rows: [ROW] }));
    expect(match.headerRow).toBe(1);
    expect(match.senderText).toBeNull();
    expect(firstNames(match)).toEqual([2]);
  });

  it('finds the table on the second sheet, after an instructions sheet', async () => {
    const match = matched(
      await tableOf({ sheetsBefore: [{ name: 'Hướng dẫn', rows: [['Điền danh sách vào trang "Danh sách"'], ['Đơn vị: ghi tên BPMC']] }], rows: [ROW] }),
    );
    expect(match.sheet.name).toBe('Danh sách');
  });

  it('ignores a table on a hidden sheet', async () => {
    const hidden = { ...rosterSheet({ rows: [ROW, ROW] }), name: 'Mẫu cũ', state: 'hidden' as const };
    const bytes = await buildWorkbookXlsx([hidden, { name: 'Trống', rows: [['Không có gì']] }]);
    expect(findTable(await workbookOf(bytes))).toEqual({ ok: false, code: 'FILE_NO_TABLE' });
  });

  it('prefers the filled copy of the table to an empty template sheet', async () => {
    const template = { ...rosterSheet({ rows: [] }), name: 'Mẫu' };
    const match = matched(await tableOf({ sheetsBefore: [template], rows: [ROW, ROW] }));
    expect(match.sheet.name).toBe('Danh sách');
  });

  it('takes a split name, "Họ và tên đệm" + "Tên", as two halves', async () => {
    const match = matched(
      await tableOf({ header: ['STT', 'Họ và tên đệm', 'Tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], rows: [[1, 'Lê Văn', 'An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']] }),
    );
    expect(match.columns).toEqual({ rowNumber: 1, nameFirst: 2, nameLast: 3, unit: 4, idNumber: 5, phone: 6 });
  });

  it.each(ROSTER_HEADER_ALIASES.nameFirst)('takes "%s" + "Tên" as a split name', async (family) => {
    const match = matched(await tableOf({ header: [family, 'Tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], rows: [['Lê Văn', 'An', 'x', '1', '2']] }));
    expect(match.columns).toMatchObject({ nameFirst: 1, nameLast: 2 });
    expect(match.columns.name).toBeUndefined();
  });

  it('takes "Tên" alone as the full name', async () => {
    const match = matched(await tableOf({ header: ['Tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], rows: [['Lê Văn An', 'x', '1', '2']] }));
    expect(match.columns).toEqual({ name: 1, unit: 2, idNumber: 3, phone: 4 });
  });

  it('reads a two-row header under merged cells, with a numbering row, and leaves both out of the data', async () => {
    const header: CellInput[] = ['STT', 'Họ và tên', null, 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
    const subHeader: CellInput[] = [null, 'Họ và đệm', 'Tên'];
    const numbering: CellInput[] = ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)'];
    const match = matched(
      await tableOf({
        header,
        headerRows: [subHeader, numbering],
        headerMerges: ['A6:A7', 'B6:C6', 'D6:D7', 'E6:E7', 'F6:F7'],
        rows: [[1, 'Lê Văn', 'An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']],
      }),
    );
    expect(match.headerRow).toBe(6);
    expect(match.headerEndRow).toBe(8);
    expect(match.numberingRow).toBe(8);
    expect(match.columns).toEqual({ rowNumber: 1, nameFirst: 2, nameLast: 3, unit: 4, idNumber: 5, phone: 6 });
    expect(firstNames(match)).toEqual([9]);
  });

  it('leaves a numbering row of plain numbers out of the data', async () => {
    const match = matched(await tableOf({ headerRows: [[1, 2, 3, 4, 5]], rows: [ROW] }));
    expect(match.numberingRow).toBe(ROSTER_LAYOUT.headerRow + 1);
    expect(firstNames(match)).toEqual([ROSTER_LAYOUT.headerRow + 2]);
  });

  it('keeps a pre-numbered empty row as data (only its STT is filled)', async () => {
    const match = matched(await tableOf({ rows: [[1], [2], ROW] }));
    expect(match.numberingRow).toBeNull();
    expect(firstNames(match)).toEqual([7, 8, 9]);
  });

  it('does not take a data row holding one label-like word for a second header row', async () => {
    const match = matched(await tableOf({ header: ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại', 'Ghi chú'], rows: [[1, 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390', 'Cơ quan']] }));
    expect(firstNames(match)).toEqual([7]);
  });

  it('finds the table of a CSV', async () => {
    const bytes = buildCsv([['Đơn vị cung cấp: UBND huyện Phù Cát'], [], ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], ROW.map(String)]);
    const match = matched(findTable(await workbookOf(bytes, 'ds.csv')));
    expect([match.headerRow, match.senderText, firstNames(match)]).toEqual([3, 'UBND huyện Phù Cát', [4]]);
  });
});

describe('the sender line', () => {
  it.each([
    ['in one cell', [['Đơn vị cung cấp: UBND huyện Phù Cát']], 'UBND huyện Phù Cát'],
    ['without diacritics or colon', [['DON VI CUNG CAP UBND huyen Phu Cat']], 'UBND huyen Phu Cat'],
    ['in decomposed Unicode', [['Đơn vị cung cấp: UBND huyện Phù Cát'.normalize('NFD')]], 'UBND huyện Phù Cát'.normalize('NFD')],
    ['with the unit in the next cell', [[null, 'Đơn vị cung cấp:', null, 'UBND thị xã An Nhơn']], 'UBND thị xã An Nhơn'],
    ['with the label alone', [['Đơn vị cung cấp:']], ''],
    ['absent', [['Danh sách cán bộ']], null],
  ])('is read %s', async (_, above, sender) => {
    const bytes = await buildWorkbookXlsx([{ name: 'S', rows: [...above, [], ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], ROW] }]);
    expect(matched(findTable(await workbookOf(bytes))).senderText).toBe(sender);
  });
});

describe('no table', () => {
  it.each([
    ['no phone column', ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD'], 'Số điện thoại'],
    ['no unit and no phone', ['STT', 'Họ và tên', 'Chức vụ', 'CMND/CCCD'], 'Đơn vị, Số điện thoại'],
    ['no name', ['STT', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], 'Họ và tên'],
    ['a family name with no given name', ['STT', 'Họ', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], 'Họ và tên'],
  ])('reports the missing columns in Vietnamese when there is %s', async (_, header, detail) => {
    expect(await tableOf({ header, rows: [ROW] })).toEqual({ ok: false, code: 'FILE_MISSING_COLUMNS', params: { detail } });
  });

  it('reports no table for a workbook without a header', async () => {
    const bytes = await buildWorkbookXlsx([{ name: 'S', rows: [['Kính gửi: UBND tỉnh'], ['Nguyễn Văn An', 'BPMC xã Cát Hanh', '052089001234']] }]);
    expect(findTable(await workbookOf(bytes))).toEqual({ ok: false, code: 'FILE_NO_TABLE' });
  });

  it('reports no table for a header beyond the first 30 rows', async () => {
    const filler: CellInput[][] = Array.from({ length: 30 }, (_, i) => [`Ghi chú ${i + 1}`]);
    const bytes = await buildWorkbookXlsx([{ name: 'S', rows: [...filler, ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], ROW] }]);
    expect(findTable(await workbookOf(bytes))).toEqual({ ok: false, code: 'FILE_NO_TABLE' });
  });

  it('reports no table for an empty workbook', () => {
    expect(findTable({ format: 'xlsx', sheets: [] })).toEqual({ ok: false, code: 'FILE_NO_TABLE' });
  });
});

describe('isNumberingRow', () => {
  const row = (...texts: (string | null)[]): SheetRow => ({ row: 7, cells: texts.map((text) => (text === null ? null : { text, numeric: false })) });
  it.each([
    [row('(1)', '(2)', '(3)', '(4)', '(5)'), true],
    [row('1', '2', '3', '4', '5'), true],
    [row('A', 'B', 'C', 'D'), true],
    [row('(1)', null, '(3)', '(4)'), true],
    [row('1'), false],
    [row('1', '2'), false],
    [row('3', '2', '1'), false],
    [row('1', 'Lê Văn An', '3'), false],
  ])('%j → %s', (sheetRow, expected) => {
    expect(isNumberingRow(sheetRow)).toBe(expected);
  });
});
