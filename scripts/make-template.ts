/**
 * Writes the blank Appendix 2 template (Phụ lục 2 of the 2021 letter) that the upload page offers:
 * `npx tsx scripts/make-template.ts [OUT.xlsx]` (default `web/static/mau-phu-luc-2.xlsx`).
 *
 * The layout is the letter's (title block, "Đơn vị cung cấp", header on row 6, data from row 7), so a
 * filled-in template reads like the rosters districts already send. The ID and phone columns are Text
 * (`@`): typed as numbers, Excel drops the leading 0 every CCCD and mobile number starts with.
 * No sample rows: the letter's "Nguyễn Văn A…" rows are exactly what clerks forget to delete.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../web/static/mau-phu-luc-2.xlsx');

const FONT_NAME = 'Times New Roman';
const TEXT_FORMAT = '@';
const EMPTY_NUMBERED_ROWS = 10;
/** A fixed date keeps the workbook's metadata stable from one run to the next. */
const FIXED_DATE = new Date('2021-06-15T00:00:00Z');

const TITLE = 'Phụ lục 2: Biểu mẫu cung cấp thông tin công chức, viên chức bộ phận một cửa cấp huyện, cấp xã';
const ATTACHED_TO = '(Kèm theo Công văn số …/VPUBND – PVHCC ngày …/6/2021 của Văn phòng UBND tỉnh Bình Định)';
const SENDER_LINE = 'Đơn vị cung cấp: UBND huyện ……………………';

/** The table's columns, in the letter's order; `text` columns hold digits that must keep their leading 0. */
const COLUMNS = [
  { header: 'STT', width: 6, text: false },
  { header: 'Họ và tên', width: 28, text: false },
  { header: 'Đơn vị', width: 32, text: false },
  { header: 'CMND/CCCD', width: 18, text: true },
  { header: 'Số điện thoại', width: 16, text: true },
] as const;

const TITLE_ROW = 1;
const ATTACHED_ROW = 2;
const SENDER_ROW = 4;
const HEADER_ROW = 6;
const FIRST_DATA_ROW = HEADER_ROW + 1;

const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

export async function buildTemplate(): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Trung tâm Phục vụ hành chính công tỉnh Bình Định';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;

  const sheet = workbook.addWorksheet('Phụ lục 2', {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
  });
  const lastColumn = COLUMNS.length;

  COLUMNS.forEach((column, index) => {
    const sheetColumn = sheet.getColumn(index + 1);
    sheetColumn.width = column.width;
    sheetColumn.font = { name: FONT_NAME, size: 13 };
    // The column style also covers rows a clerk inserts below the numbered ones.
    if (column.text) sheetColumn.numFmt = TEXT_FORMAT;
  });

  const titleLine = (rowNumber: number, text: string, font: Partial<ExcelJS.Font>, height: number): void => {
    sheet.mergeCells(rowNumber, 1, rowNumber, lastColumn);
    const cell = sheet.getCell(rowNumber, 1);
    cell.value = text;
    cell.font = { name: FONT_NAME, size: 13, ...font };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    sheet.getRow(rowNumber).height = height;
  };
  titleLine(TITLE_ROW, TITLE, { bold: true, size: 14 }, 40);
  titleLine(ATTACHED_ROW, ATTACHED_TO, { italic: true }, 34);

  sheet.mergeCells(SENDER_ROW, 1, SENDER_ROW, lastColumn);
  const sender = sheet.getCell(SENDER_ROW, 1);
  sender.value = SENDER_LINE;
  sender.font = { name: FONT_NAME, size: 13, bold: true };
  sender.alignment = { horizontal: 'left', vertical: 'middle' };

  const header = sheet.getRow(HEADER_ROW);
  header.height = 22;
  COLUMNS.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.font = { name: FONT_NAME, size: 13, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN_BORDER;
  });

  for (let offset = 0; offset < EMPTY_NUMBERED_ROWS; offset += 1) {
    const row = sheet.getRow(FIRST_DATA_ROW + offset);
    COLUMNS.forEach((column, index) => {
      const cell = row.getCell(index + 1);
      cell.font = { name: FONT_NAME, size: 13 };
      cell.border = THIN_BORDER;
      // A styled cell does not inherit the column's format, so the Text format is set again here.
      if (column.text) cell.numFmt = TEXT_FORMAT;
      cell.alignment = { vertical: 'middle', horizontal: index === 0 ? 'center' : 'left' };
    });
    row.getCell(1).value = offset + 1;
  }

  return workbook;
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? DEFAULT_OUT);
  const workbook = await buildTemplate();
  await mkdir(dirname(out), { recursive: true });
  await workbook.xlsx.writeFile(out);
  process.stdout.write(`Đã tạo mẫu Phụ lục 2: ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
