/**
 * The report as an Excel workbook laid out like a Vietnamese administrative report (Decree 30/2020/NĐ-CP):
 * issuing body on the left, national motto on the right, place and date, the title with the month, then a
 * bordered table in Times New Roman with the province total on top, printed A4 landscape one page wide with
 * the header row repeated. Four sheets: summary by district and department, detail by commune, units that
 * have not reported, and the rows of the centre's file that matched no roster (counts only: no ID or phone
 * number anywhere in the workbook).
 */
import type ExcelJS from 'exceljs';
import { loadExcelJs } from '../workbook/exceljs.js';
import { formatIsoDate, formatPeriod, vietnamIsoDate } from '../vn/time.js';
import type { DeadlineStatus, Report, UnitReport } from './types.js';
import { MESSAGES } from '../messages.js';

export const REPORT_SHEETS = {
  summary: 'Tổng hợp',
  communes: 'Chi tiết theo xã',
  missing: 'Chưa báo cáo',
  unattributed: 'Chưa xác định đơn vị',
} as const;

export const ISSUER = ['UBND TỈNH BÌNH ĐỊNH', 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG'] as const;
export const MOTTO = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'] as const;
export const PLACE = 'Bình Định';
export const REPORT_TITLE = 'BÁO CÁO KẾT QUẢ HỖ TRỢ TẠO TÀI KHOẢN CÔNG DÂN';
export const UNATTRIBUTED_LABEL = 'Chưa xác định đơn vị';
export const PROVINCE_LABEL = 'Toàn tỉnh';

export const STATUS_LABELS = {
  'on-time': MESSAGES.DEADLINE_ON_TIME,
  late: MESSAGES.DEADLINE_LATE,
  missing: MESSAGES.DEADLINE_MISSING,
} as const satisfies Record<DeadlineStatus, string>;

/**
 * Vietnamese writes thousands with a dot (1.234). Excel's `#,##0` uses the reader's regional settings, so it
 * shows "1,234" on the many office PCs set to English; these formats put the dot in literally, whatever the
 * locale (counts are whole and never negative). The change column keeps its sign.
 */
export const COUNT_FORMAT = '[>=1000000]#"."###"."###;[>=1000]#"."###;0';
export const CHANGE_FORMAT = '[>=1000]"+"#"."###;[>0]"+"0;0';

const FONT = 'Times New Roman';
const A4 = 9;
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
/** The title block takes rows 1–6; the table header is on row 8. */
const HEADER_ROW = 8;

type Cell = string | number | null;
interface Column {
  header: string;
  width: number;
  format?: string;
}

/** The place-and-date line: "Bình Định, ngày 01 tháng 08 năm 2021". */
export function placeAndDate(now: Date): string {
  const day = vietnamIsoDate(now);
  return `${PLACE}, ngày ${day.slice(8, 10)} tháng ${day.slice(5, 7)} năm ${day.slice(0, 4)}`;
}

export function monthLine(report: Report): string {
  return `Tháng ${formatPeriod(report.period)}${report.provisional ? ` (${report.provisionalNote})` : ''}`;
}

function addReportSheet(workbook: ExcelJS.Workbook, name: string, report: Report, columns: readonly Column[], subtitle?: string) {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
    pageSetup: {
      paperSize: A4,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
    headerFooter: { oddFooter: '&C&"Times New Roman"Trang &P/&N' },
  });
  sheet.columns = columns.map((column) => ({ width: column.width }));
  const last = columns.length;
  const leftEnd = Math.max(2, Math.floor(last / 2) - 1);
  const rightStart = leftEnd + 1;
  const put = (row: number, from: number, to: number, text: string, font: Partial<ExcelJS.Font>) => {
    if (to > from) sheet.mergeCells(row, from, row, to);
    const cell = sheet.getCell(row, from);
    cell.value = text;
    cell.font = { name: FONT, size: 12, ...font };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  put(1, 1, leftEnd, ISSUER[0], {});
  put(2, 1, leftEnd, ISSUER[1], { bold: true });
  put(1, rightStart, last, MOTTO[0], { bold: true });
  put(2, rightStart, last, MOTTO[1], { bold: true, underline: true });
  put(3, rightStart, last, placeAndDate(new Date(report.generatedAt)), { italic: true });
  put(5, 1, last, REPORT_TITLE, { bold: true, size: 14 });
  put(6, 1, last, subtitle ? `${monthLine(report)} – ${subtitle}` : monthLine(report), { bold: true, size: 13 });

  const header = sheet.getRow(HEADER_ROW);
  columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.font = { name: FONT, size: 12, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = BORDER;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF7' } };
  });
  header.height = 48;

  const addRow = (values: readonly Cell[], style: { bold?: boolean; italic?: boolean } = {}) => {
    const row = sheet.addRow([...values]);
    columns.forEach((column, index) => {
      const cell = row.getCell(index + 1);
      cell.font = { name: FONT, size: 12, ...style };
      cell.border = BORDER;
      const numeric = typeof values[index] === 'number';
      cell.alignment = { vertical: 'middle', horizontal: numeric ? 'right' : index === 0 ? 'center' : 'left', wrapText: !numeric };
      if (numeric && column.format) cell.numFmt = column.format;
    });
    return row;
  };
  return { sheet, addRow };
}

const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'STT', width: 6 },
  { header: 'Đơn vị', width: 34 },
  { header: 'Số cán bộ trong danh sách', width: 12, format: COUNT_FORMAT },
  { header: 'Số cán bộ đã được phân quyền', width: 13, format: COUNT_FORMAT },
  { header: 'Số tài khoản tạo trong tháng', width: 13, format: COUNT_FORMAT },
  { header: 'Tháng trước', width: 11, format: COUNT_FORMAT },
  { header: 'Tăng (+) / giảm (-)', width: 11, format: CHANGE_FORMAT },
  { header: 'Lũy kế từ tháng 7/2021', width: 13, format: COUNT_FORMAT },
  { header: 'Danh sách cán bộ', width: 11 },
  { header: 'Số liệu tháng', width: 11 },
];

const summaryCells = (unit: Pick<UnitReport, 'officials' | 'granted' | 'accountsCreated' | 'previousMonth' | 'change' | 'cumulative'>): Cell[] => [
  unit.officials,
  unit.granted,
  unit.accountsCreated,
  unit.previousMonth,
  unit.change,
  unit.cumulative,
];

const ROMAN = ['I', 'II', 'III'] as const;

export async function buildReportWorkbook(report: Report): Promise<Uint8Array> {
  const { Workbook } = await loadExcelJs();
  const workbook = new Workbook();
  workbook.creator = 'motcua-intake';
  workbook.created = new Date(report.generatedAt);
  workbook.title = `${REPORT_TITLE} ${monthLine(report)}`;

  // ── Summary by district and department ───────────────────────────────────────────────────────────
  const summary = addReportSheet(workbook, REPORT_SHEETS.summary, report, SUMMARY_COLUMNS);
  summary.addRow(['', PROVINCE_LABEL, ...summaryCells(report.totals), '', ''], { bold: true });
  const sections = [
    ['Các huyện, thị xã, thành phố', report.units.filter((u) => u.kind === 'district')],
    ['Các sở, ban, ngành', report.units.filter((u) => u.kind === 'department')],
  ] as const;
  sections.forEach(([title, units], sectionIndex) => {
    summary.addRow([ROMAN[sectionIndex] ?? '', title, null, null, null, null, null, null, '', ''], { bold: true });
    units.forEach((unit, index) => {
      summary.addRow([
        index + 1,
        unit.unitName,
        ...summaryCells(unit),
        STATUS_LABELS[unit.rosterStatus],
        STATUS_LABELS[unit.resultsStatus],
      ]);
    });
  });
  summary.addRow(
    [ROMAN[2], UNATTRIBUTED_LABEL, null, null, report.unattributed.accountsCreated, null, null, report.unattributed.cumulative, '', ''],
    { italic: true },
  );
  const notes = [
    `Hạn nộp danh sách: ${formatIsoDate(report.deadlines.roster)}; hạn phân quyền: ${formatIsoDate(report.deadlines.grants)}; hạn nộp số liệu tháng: ${formatIsoDate(report.deadlines.results)}.`,
    'Số liệu của Trung tâm (thống kê từ Cổng Dịch vụ công quốc gia) được dùng khi Trung tâm và đơn vị cùng báo cáo cho một cán bộ.',
  ];
  summary.sheet.addRow([]);
  for (const note of notes) {
    const row = summary.sheet.addRow(['', note]);
    summary.sheet.mergeCells(row.number, 2, row.number, SUMMARY_COLUMNS.length);
    row.getCell(2).font = { name: FONT, size: 11, italic: true };
  }

  // ── Detail by commune ──────────────────────────────────────────────────────────────────────────────
  const communes = addReportSheet(
    workbook,
    REPORT_SHEETS.communes,
    report,
    [
      { header: 'STT', width: 7 },
      { header: 'Đơn vị', width: 40 },
      { header: 'Số cán bộ trong danh sách', width: 13, format: COUNT_FORMAT },
      { header: 'Số cán bộ đã được phân quyền', width: 14, format: COUNT_FORMAT },
      { header: 'Số tài khoản tạo trong tháng', width: 14, format: COUNT_FORMAT },
      { header: 'Lũy kế từ tháng 7/2021', width: 14, format: COUNT_FORMAT },
    ],
    'chi tiết theo xã, phường, thị trấn',
  );
  communes.addRow(['', PROVINCE_LABEL, report.totals.officials, report.totals.granted, report.totals.accountsCreated, report.totals.cumulative], { bold: true });
  report.units
    .filter((u) => u.kind === 'district')
    .forEach((district, districtIndex) => {
      communes.addRow([districtIndex + 1, district.unitName, district.officials, district.granted, district.accountsCreated, district.cumulative], { bold: true });
      district.communes.forEach((commune, index) => {
        communes.addRow([`${districtIndex + 1}.${index + 1}`, commune.unitName, commune.officials, commune.granted, commune.accountsCreated, commune.cumulative]);
      });
    });

  // ── Units that have not reported ───────────────────────────────────────────────────────────────────
  const missing = addReportSheet(
    workbook,
    REPORT_SHEETS.missing,
    report,
    [
      { header: 'STT', width: 6 },
      { header: 'Đơn vị', width: 40 },
      { header: 'Danh sách cán bộ', width: 16 },
      { header: 'Số liệu tháng', width: 16 },
      { header: 'Phân quyền', width: 16 },
    ],
    'các đơn vị chưa báo cáo',
  );
  const notReported = report.units.filter((u) => u.resultsStatus === 'missing' || u.rosterStatus === 'missing');
  notReported.forEach((unit, index) => {
    missing.addRow([index + 1, unit.unitName, STATUS_LABELS[unit.rosterStatus], STATUS_LABELS[unit.resultsStatus], unit.officials > 0 ? `${unit.granted}/${unit.officials}` : '–']);
  });
  if (notReported.length === 0) missing.addRow(['', 'Tất cả các đơn vị đã báo cáo.', '', '', '']);

  // ── Rows that matched no roster ────────────────────────────────────────────────────────────────────
  const unattributed = addReportSheet(
    workbook,
    REPORT_SHEETS.unattributed,
    report,
    [
      { header: 'STT', width: 6 },
      { header: 'Dòng trong tệp thống kê của Trung tâm', width: 30, format: '0' },
      { header: 'Số tài khoản tạo trong tháng', width: 16, format: COUNT_FORMAT },
    ],
    'cán bộ chưa xác định đơn vị',
  );
  unattributed.addRow(['', 'Tổng cộng', report.unattributed.accountsCreated], { bold: true });
  report.unattributed.rows.forEach((row, index) => {
    unattributed.addRow([index + 1, row.row, row.count]);
  });

  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
