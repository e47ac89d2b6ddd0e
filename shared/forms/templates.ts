/**
 * The blank forms an upload link offers, built for the link: the roster (Appendix 2 of the 2021 letter)
 * with the link's unit filled in, a month's results, and the centre's grants. One layout for all three, the
 * letter's (title block, "Đơn vị cung cấp" on row 4, header on row 6, data from row 7), so a filled-in form
 * reads like the rosters units already send. Columns holding ID and phone numbers are Text (`@`): typed as
 * numbers, Excel drops the leading 0 every CCCD and mobile number starts with. No sample rows: the
 * letter's "Nguyễn Văn A…" rows are exactly what clerks forget to delete.
 *
 * `scripts/make-template.ts` writes the roster form with no unit (`web/static/mau-phu-luc-2.xlsx`); the API
 * builds each link's own (`GET /api/template`).
 */
import type ExcelJS from 'exceljs';
import { loadExcelJs } from '../workbook/exceljs.js';
import { CENTRE_UNIT, type UploadForm } from '../tokens.js';
import { formatPeriod } from '../vn/time.js';
import { unitByCode } from '../vn/units.js';

/** How the centre is named where a form or the page names the link's holder (it is not a directory unit). */
export const CENTRE_NAME = 'Trung tâm Phục vụ hành chính công tỉnh';

/** The holder's display name: the directory's ("Huyện Phù Cát", "Sở Nội vụ"), or the centre's. */
export function holderName(unit: string): string {
  if (unit === CENTRE_UNIT) return CENTRE_NAME;
  return unitByCode(unit)?.name ?? unit;
}

/** What a unit writes after "Đơn vị cung cấp:": "UBND huyện Phù Cát" for a district, the department's own name. */
export function senderName(unit: string): string {
  const info = unitByCode(unit);
  if (unit === CENTRE_UNIT || !info) return holderName(unit);
  if (info.kind !== 'district') return info.name;
  return `UBND ${info.name.replace(/^(Huyện|Thị xã|Thành phố) /, (type) => type.toLowerCase())}`;
}

const FONT_NAME = 'Times New Roman';
const TEXT_FORMAT = '@';
const DATE_FORMAT = 'dd/mm/yyyy';
const EMPTY_NUMBERED_ROWS = 10;
/** A fixed date keeps the workbook's metadata stable from one build to the next. */
const FIXED_DATE = new Date('2021-06-15T00:00:00Z');

export const TITLE_ROW = 1;
export const SUBTITLE_ROW = 2;
export const SENDER_ROW = 4;
export const HEADER_ROW = 6;
export const FIRST_DATA_ROW = HEADER_ROW + 1;

interface TemplateColumn {
  header: string;
  width: number;
  /** `text`: digits that must keep their leading 0; `date`: a day; `plain`: anything else. */
  format: 'plain' | 'text' | 'date';
}

const STT: TemplateColumn = { header: 'STT', width: 6, format: 'plain' };
const NAME: TemplateColumn = { header: 'Họ và tên', width: 28, format: 'plain' };
const UNIT: TemplateColumn = { header: 'Đơn vị', width: 32, format: 'plain' };
const ID_NUMBER: TemplateColumn = { header: 'CMND/CCCD', width: 18, format: 'text' };
const PHONE: TemplateColumn = { header: 'Số điện thoại', width: 16, format: 'text' };

/** The header of each form, in order. */
export const TEMPLATE_COLUMNS = {
  roster: [STT, NAME, UNIT, ID_NUMBER, PHONE],
  results: [STT, NAME, ID_NUMBER, PHONE, { header: 'Số tài khoản đã tạo', width: 16, format: 'plain' }],
  grants: [STT, NAME, UNIT, ID_NUMBER, PHONE, { header: 'Ngày phân quyền', width: 16, format: 'date' }],
} as const satisfies Record<UploadForm, readonly TemplateColumn[]>;

export const ROSTER_TITLE = 'Phụ lục 2: Biểu mẫu cung cấp thông tin công chức, viên chức bộ phận một cửa cấp huyện, cấp xã';
const ROSTER_ATTACHED_TO = '(Kèm theo Công văn số …/VPUBND – PVHCC ngày …/6/2021 của Văn phòng UBND tỉnh Bình Định)';
/** The letter's own sender line, for the blank template that names no unit. */
export const BLANK_SENDER = 'UBND huyện ……………………';

/** "Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021". */
export function resultsTitle(period: string): string {
  return `Kết quả hỗ trợ tạo tài khoản công dân tháng ${formatPeriod(period)}`;
}
export const GRANTS_TITLE = 'Danh sách cán bộ đã được phân quyền';

export interface TemplateRequest {
  form: UploadForm;
  /** The link's holder; absent for the blank roster template ("UBND huyện ……"). */
  unit?: string;
  /** `YYYY-MM`: the month of a results form. */
  period?: string;
}

function titlesOf(request: TemplateRequest): { title: string; subtitle: string; sheetName: string } {
  switch (request.form) {
    case 'roster':
      return { title: ROSTER_TITLE, subtitle: ROSTER_ATTACHED_TO, sheetName: 'Phụ lục 2' };
    case 'results':
      return {
        title: resultsTitle(request.period ?? ''),
        subtitle: '(Số tài khoản công dân mỗi cán bộ đã hỗ trợ tạo trên Cổng Dịch vụ công quốc gia trong tháng)',
        sheetName: 'Kết quả',
      };
    case 'grants':
      return {
        title: GRANTS_TITLE,
        subtitle: '(Ghi ngày cán bộ được phân quyền tạo tài khoản trên Cổng Dịch vụ công quốc gia)',
        sheetName: 'Phân quyền',
      };
  }
}

const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

const FORMATS = { plain: undefined, text: TEXT_FORMAT, date: DATE_FORMAT } as const;

/** The blank form for a link (or, without a unit, the letter's own blank roster template). */
export async function buildTemplate(request: TemplateRequest = { form: 'roster' }): Promise<ExcelJS.Workbook> {
  const { Workbook } = await loadExcelJs();
  const workbook = new Workbook();
  workbook.creator = 'Trung tâm Phục vụ hành chính công tỉnh Bình Định';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;

  const columns: readonly TemplateColumn[] = TEMPLATE_COLUMNS[request.form];
  const { title, subtitle, sheetName } = titlesOf(request);
  const sheet = workbook.addWorksheet(sheetName, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
  });
  const lastColumn = columns.length;

  columns.forEach((column, index) => {
    const sheetColumn = sheet.getColumn(index + 1);
    sheetColumn.width = column.width;
    sheetColumn.font = { name: FONT_NAME, size: 13 };
    // The column style also covers rows a clerk inserts below the numbered ones.
    const format = FORMATS[column.format];
    if (format) sheetColumn.numFmt = format;
  });

  const titleLine = (rowNumber: number, text: string, font: Partial<ExcelJS.Font>, height: number): void => {
    sheet.mergeCells(rowNumber, 1, rowNumber, lastColumn);
    const cell = sheet.getCell(rowNumber, 1);
    cell.value = text;
    cell.font = { name: FONT_NAME, size: 13, ...font };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    sheet.getRow(rowNumber).height = height;
  };
  titleLine(TITLE_ROW, title, { bold: true, size: 14 }, 40);
  titleLine(SUBTITLE_ROW, subtitle, { italic: true }, 34);

  sheet.mergeCells(SENDER_ROW, 1, SENDER_ROW, lastColumn);
  const sender = sheet.getCell(SENDER_ROW, 1);
  sender.value = `Đơn vị cung cấp: ${request.unit === undefined ? BLANK_SENDER : senderName(request.unit)}`;
  sender.font = { name: FONT_NAME, size: 13, bold: true };
  sender.alignment = { horizontal: 'left', vertical: 'middle' };

  const header = sheet.getRow(HEADER_ROW);
  header.height = 22;
  columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.font = { name: FONT_NAME, size: 13, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN_BORDER;
  });

  for (let offset = 0; offset < EMPTY_NUMBERED_ROWS; offset += 1) {
    const row = sheet.getRow(FIRST_DATA_ROW + offset);
    columns.forEach((column, index) => {
      const cell = row.getCell(index + 1);
      cell.font = { name: FONT_NAME, size: 13 };
      cell.border = THIN_BORDER;
      // A styled cell does not inherit the column's format, so it is set again here.
      const format = FORMATS[column.format];
      if (format) cell.numFmt = format;
      cell.alignment = { vertical: 'middle', horizontal: index === 0 ? 'center' : 'left' };
    });
    row.getCell(1).value = offset + 1;
  }

  return workbook;
}

/** The file name a link's blank form is saved under (ASCII: it travels in a header). */
export function templateFileName(request: TemplateRequest): string {
  switch (request.form) {
    case 'roster':
      return 'mau-phu-luc-2.xlsx';
    case 'results':
      return `mau-ket-qua-${(request.period ?? '').replace(/[^0-9-]/g, '')}.xlsx`;
    case 'grants':
      return 'mau-phan-quyen.xlsx';
  }
}

/** The form as .xlsx bytes. */
export async function templateBytes(request: TemplateRequest): Promise<Uint8Array> {
  const written: unknown = await (await buildTemplate(request)).xlsx.writeBuffer();
  if (written instanceof Uint8Array) return new Uint8Array(written.buffer, written.byteOffset, written.byteLength);
  return new Uint8Array(written as ArrayBuffer);
}
