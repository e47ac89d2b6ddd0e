/**
 * The consolidated list of current officials as an Excel workbook, for the centre to grant the portal
 * permission from. ID and phone cells are text, so Excel keeps their leading zeros. The file holds personal
 * data: whoever runs the export is responsible for where it goes (the CLI says so).
 *
 * "Ngày phân quyền" is empty until the official is granted, then holds the date: the centre fills it in while
 * granting on the portal and hands the workbook back (upload link `--form grants` or `grants import`), where
 * it is read by its labels like any grants list (shared/forms/grants.ts).
 */
import { GRANT_DATE_LABEL } from '../forms/grants.js';
import { formatVietnamDate } from '../vn/time.js';
import { loadExcelJs } from '../workbook/exceljs.js';
import { unitByCode } from '../vn/units.js';
import type { ExportedOfficial } from './rosters.js';

export const EXPORT_SHEET_NAME = 'Danh sách cán bộ';
export const EXPORT_HEADER = [
  'STT',
  'Đơn vị gửi danh sách',
  'Nơi làm việc',
  'Họ và tên',
  'CMND/CCCD',
  'Số điện thoại',
  GRANT_DATE_LABEL,
  'Ghi chú',
] as const;
const COLUMN_WIDTHS = [6, 30, 32, 28, 16, 14, 16, 44] as const;
/** 1-based columns of the cells that need a format. */
const COLUMN = { idNumber: 5, phone: 6, grantedAt: 7 } as const;
const LAST_COLUMN = 'H';
const FONT = 'Times New Roman';

export function sharedNote(alsoListedBy: readonly string[]): string {
  if (alsoListedBy.length === 0) return '';
  return `Cũng có trong danh sách của: ${alsoListedBy.map((code) => unitByCode(code)?.name ?? code).join(', ')}`;
}

export async function buildRosterExport(officials: readonly ExportedOfficial[], generatedAt: Date): Promise<Uint8Array> {
  const { Workbook } = await loadExcelJs();
  const workbook = new Workbook();
  workbook.creator = 'motcua-intake';
  workbook.created = generatedAt;
  const sheet = workbook.addWorksheet(EXPORT_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: 4 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
  });
  sheet.columns = COLUMN_WIDTHS.map((width) => ({ width }));

  sheet.mergeCells(`A1:${LAST_COLUMN}1`);
  sheet.getCell('A1').value = 'DANH SÁCH CÁN BỘ BỘ PHẬN MỘT CỬA ĐỀ NGHỊ CẤP QUYỀN TẠO TÀI KHOẢN CÔNG DÂN';
  sheet.getCell('A1').font = { name: FONT, size: 14, bold: true };
  sheet.getCell('A1').alignment = { horizontal: 'center' };
  sheet.mergeCells(`A2:${LAST_COLUMN}2`);
  sheet.getCell('A2').value = `(Tổng hợp ngày ${formatVietnamDate(generatedAt)}: ${officials.length} cán bộ)`;
  sheet.getCell('A2').font = { name: FONT, size: 12, italic: true };
  sheet.getCell('A2').alignment = { horizontal: 'center' };

  const header = sheet.getRow(4);
  header.values = [...EXPORT_HEADER];
  header.font = { name: FONT, size: 12, bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };

  officials.forEach((official, index) => {
    const row = sheet.getRow(5 + index);
    row.values = [
      index + 1,
      official.uploaderName,
      official.workUnitName,
      official.name,
      official.idNumber,
      official.phone,
      // A real date (midnight UTC, as exceljs writes dates), so Excel sorts and filters it as one.
      official.grantedAt ? new Date(`${official.grantedAt}T00:00:00Z`) : null,
      sharedNote(official.alsoListedBy) || null,
    ];
    row.font = { name: FONT, size: 12 };
    // Text cells: an ID or phone typed as a number loses its leading 0 (the very problem of the rosters).
    row.getCell(COLUMN.idNumber).numFmt = '@';
    row.getCell(COLUMN.phone).numFmt = '@';
    row.getCell(COLUMN.grantedAt).numFmt = 'dd/mm/yyyy';
  });
  const lastRow = 4 + officials.length;
  for (let r = 4; r <= lastRow; r++) {
    for (let c = 1; c <= EXPORT_HEADER.length; c++) {
      sheet.getCell(r, c).border = {
        top: { style: 'thin' },
        left: { style: 'thin' },
        bottom: { style: 'thin' },
        right: { style: 'thin' },
      };
    }
  }
  const written: unknown = await workbook.xlsx.writeBuffer();
  return written instanceof Uint8Array ? written : new Uint8Array(written as ArrayBuffer);
}
