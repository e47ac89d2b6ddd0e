/**
 * The blank Appendix 2 template the upload page offers (web/static/mau-phu-luc-2.xlsx, written by
 * scripts/make-template.ts): the letter's layout, Text-formatted ID and phone columns, no sample rows,
 * and a template a clerk fills in is a roster the validator accepts.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../scripts/make-template.js';
import { buildTemplate as buildFormTemplate } from '../../shared/forms/templates.js';
import { validate } from '../../shared/validate.js';
import { WEB_FILES } from './support/web.js';

const HEADER_ROW = 6;
const FIRST_DATA_ROW = 7;
const HEADERS = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
const ID_COLUMN = 4;
const PHONE_COLUMN = 5;

async function loadTemplate(): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(WEB_FILES.template);
  return workbook;
}

async function committedTemplate(): Promise<ExcelJS.Worksheet> {
  const sheet = (await loadTemplate()).worksheets[0];
  if (!sheet) throw new Error('the template has no worksheet');
  return sheet;
}

function cellText(sheet: ExcelJS.Worksheet, row: number, column: number): string {
  const value = sheet.getCell(row, column).value;
  return value === null || value === undefined ? '' : String(value);
}

/** Every cell's value and number format, row by row: what a clerk sees and types into. */
function contents(sheet: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  for (let row = 1; row <= sheet.rowCount; row += 1) {
    const cells: string[] = [];
    for (let column = 1; column <= HEADERS.length; column += 1) {
      cells.push(`${cellText(sheet, row, column)}|${sheet.getCell(row, column).numFmt ?? ''}`);
    }
    rows.push(cells);
  }
  return rows;
}

describe('the blank Appendix 2 template', () => {
  it('is the one scripts/make-template.ts writes (regenerate it after changing the script)', async () => {
    const built = (await buildTemplate()).worksheets[0];
    if (!built) throw new Error('buildTemplate made no worksheet');
    expect(contents(await committedTemplate())).toEqual(contents(built));
  });

  it("carries the letter's title block and the header row", async () => {
    const sheet = await committedTemplate();
    expect(cellText(sheet, 1, 1)).toBe(
      'Phụ lục 2: Biểu mẫu cung cấp thông tin công chức, viên chức bộ phận một cửa cấp huyện, cấp xã',
    );
    expect(cellText(sheet, 2, 1)).toMatch(/^\(Kèm theo Công văn số …\/VPUBND – PVHCC .*\)$/);
    expect(cellText(sheet, 4, 1)).toMatch(/^Đơn vị cung cấp: UBND huyện …+$/);
    expect(HEADERS.map((_, index) => cellText(sheet, HEADER_ROW, index + 1))).toEqual(HEADERS);
    expect(sheet.getCell(1, 1).font?.name).toBe('Times New Roman');
    expect(sheet.getCell(HEADER_ROW, 2).font?.name).toBe('Times New Roman');
  });

  it('keeps the leading 0 of ID and phone numbers: those columns are formatted as Text', async () => {
    const sheet = await committedTemplate();
    expect(sheet.getColumn(ID_COLUMN).numFmt).toBe('@');
    expect(sheet.getColumn(PHONE_COLUMN).numFmt).toBe('@');
    for (let row = FIRST_DATA_ROW; row <= sheet.rowCount; row += 1) {
      expect(sheet.getCell(row, ID_COLUMN).numFmt, `row ${row}`).toBe('@');
      expect(sheet.getCell(row, PHONE_COLUMN).numFmt, `row ${row}`).toBe('@');
    }
  });

  it('has numbered empty rows and no sample rows to forget', async () => {
    const sheet = await committedTemplate();
    const dataRows = sheet.rowCount - HEADER_ROW;
    expect(dataRows).toBeGreaterThanOrEqual(3);
    for (let row = FIRST_DATA_ROW; row <= sheet.rowCount; row += 1) {
      expect(sheet.getCell(row, 1).value).toBe(row - HEADER_ROW);
      for (let column = 2; column <= HEADERS.length; column += 1) expect(cellText(sheet, row, column)).toBe('');
    }
  });

  it('is read by the validator as an empty roster, not as an unknown file', async () => {
    const verdict = await validate(new Uint8Array(readFileSync(WEB_FILES.template)), {
      unit: '546',
      form: 'roster',
      fileName: 'mau-phu-luc-2.xlsx',
      now: new Date('2021-06-20T03:00:00Z'),
    });
    expect(verdict.accepted).toBe(false);
    expect(verdict.rows).toEqual([]);
    expect(verdict.issues.map((issue) => issue.code)).toContain('FILE_NO_DATA_ROWS');
  });

  it('once filled in, is a roster the validator accepts, ID and phone intact', async () => {
    const workbook = await loadTemplate();
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('the template has no worksheet');
    sheet.getCell(4, 1).value = 'Đơn vị cung cấp: UBND huyện Vĩnh Thạnh';
    const officials = [
      ['Đinh Văn Thạnh', 'BPMC huyện Vĩnh Thạnh', '052083020001', '0914020001'],
      ['Trần Thị Hảo', 'BPMC xã Vĩnh Hảo', '052188020002', '0914020002'],
    ] as const;
    officials.forEach((official, index) => {
      official.forEach((value, offset) => {
        sheet.getCell(FIRST_DATA_ROW + index, offset + 2).value = value;
      });
    });
    const filled = new Uint8Array(await workbook.xlsx.writeBuffer());

    const verdict = await validate(filled, {
      unit: '546',
      form: 'roster',
      fileName: 'danh-sach.xlsx',
      now: new Date('2021-06-20T03:00:00Z'),
    });

    expect(verdict.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((row) => [row.row, row.name, row.idNumber, row.phone])).toEqual(
      officials.map((official, index) => [FIRST_DATA_ROW + index, official[0], official[2], official[3]]),
    );
  });
});

describe("a link's own roster form", () => {
  it.each([
    ['a district', '548', 'Đơn vị cung cấp: UBND huyện Phù Cát', ['Lê Văn Cát', 'BPMC xã Cát Hanh']],
    ['a town', '549', 'Đơn vị cung cấp: UBND thị xã An Nhơn', ['Lê Văn Nhơn', 'BPMC phường Bình Định']],
    ['a department', 'so-noi-vu', 'Đơn vị cung cấp: Sở Nội vụ', ['Lê Văn Vụ', 'Sở Nội vụ']],
  ] as const)('names %s on its sender line, and once filled in is accepted without a sender warning', async (_kind, unit, senderLine, [name, workUnit]) => {
    const workbook = await buildFormTemplate({ form: 'roster', unit });
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no worksheet');
    expect(cellText(sheet, 4, 1)).toBe(senderLine);
    sheet.getCell(FIRST_DATA_ROW, 2).value = name;
    sheet.getCell(FIRST_DATA_ROW, 3).value = workUnit;
    sheet.getCell(FIRST_DATA_ROW, 4).value = '052083020011';
    sheet.getCell(FIRST_DATA_ROW, 5).value = '0914020011';
    const verdict = await validate(new Uint8Array(await workbook.xlsx.writeBuffer()), {
      unit,
      form: 'roster',
      fileName: 'danh-sach.xlsx',
      now: new Date('2021-06-20T03:00:00Z'),
    });
    expect(verdict.issues).toEqual([]);
    expect(verdict.accepted).toBe(true);
  });
});
