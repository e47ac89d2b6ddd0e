/**
 * The annotated copy a clerk gets back: their own workbook (a CSV becomes an .xlsx holding its cells) with
 * each cell that has an error filled red and each cell with a warning filled yellow, a note on the cell
 * with the Vietnamese message(s), and a sheet "Lỗi" listing every issue. Never throws: when there is no
 * table to mark (a file-level refusal), when the original is larger than the read limits, or when it
 * cannot be reopened, the copy holds the "Lỗi" sheet alone. The original is never read further than
 * `readWorkbook` would read it, so annotating costs what validating did, whatever the file claims.
 */
import type ExcelJS from 'exceljs';
import { MESSAGES } from '../messages.js';
import type { Issue, IssueColumn, Severity, TableLocation, Verdict } from '../verdict.js';
import { parseUpload, type ReadLimits, resolveReadLimits } from './read.js';
import { loadExcelJs } from './exceljs.js';
import type { SheetData } from './types.js';
import { loadExcelWorkbook } from './xlsx.js';

export const ISSUES_SHEET_NAME = 'Lỗi';
/** Used instead when the roster itself sits on a sheet called "Lỗi". */
export const ISSUES_SHEET_FALLBACK_NAME = 'Danh sách lỗi';
/** First line of every note we write; how a re-uploaded annotated file's old marks are recognized. */
export const NOTE_HEADING = 'Kết quả kiểm tra danh sách:';

/** Excel's own "Bad" and "Neutral" cell styles, which clerks already know. */
export const SEVERITY_STYLE = {
  error: { fill: 'FFFFC7CE', font: 'FF9C0006', label: MESSAGES.SEVERITY_ERROR },
  warning: { fill: 'FFFFEB9C', font: 'FF9C5700', label: MESSAGES.SEVERITY_WARNING },
} as const satisfies Record<Severity, { fill: string; font: string; label: string }>;

/** Each form's columns as its header names them: what the "Lỗi" sheet says instead of a code. */
export const COLUMN_LABELS = {
  name: 'Họ và tên',
  unit: 'Đơn vị',
  idNumber: 'CMND/CCCD',
  phone: 'Số điện thoại',
  count: 'Số tài khoản đã tạo',
  grantedAt: 'Ngày phân quyền',
} as const satisfies Record<IssueColumn, string>;
const NO_COLUMN_LABEL = '—';

const FONT_NAME = 'Times New Roman';
/**
 * The "Lỗi" sheet: where (row, the column by its header and letter, the marked cell as a link to it), how
 * serious, what to do; the stable code last, for the centre's staff.
 */
const ISSUES_SHEET_COLUMNS = [
  { header: 'Dòng', width: 8 },
  { header: 'Cột', width: 26 },
  { header: 'Ô', width: 8 },
  { header: 'Mức độ', width: 11 },
  { header: 'Nội dung', width: 100 },
  { header: 'Mã lỗi', width: 30 },
] as const;
const MESSAGE_COLUMN = 5;
const CELL_LINK_COLUMN = 3;
const SEVERITY_COLUMN = 4;
const COLUMN_ORDER: readonly (IssueColumn | null)[] = [null, 'name', 'unit', 'idNumber', 'phone', 'count', 'grantedAt'];

/** Excel's grid: an issue placed outside it (it cannot come from a real sheet) is listed, not marked. */
const MAX_EXCEL_ROW = 1_048_576;
const MAX_EXCEL_COLUMN = 16_384;

const sameSheetName = (a: string, b: string) => a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();

function solidFill(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}

function noteText(note: ExcelJS.Cell['note'] | undefined): string {
  if (!note) return '';
  if (typeof note === 'string') return note;
  return (note.texts ?? []).map((run) => run.text).join('');
}

/**
 * exceljs (4.4) has no way to delete a note: assigning any value makes a new one. A loaded note lives in
 * two places, the cell's value model (the live object `cell.model` returns) and a private field; both are
 * cleared so that a corrected cell of a re-uploaded annotated file loses its old message.
 */
function removeNote(cell: ExcelJS.Cell): void {
  const model: { comment?: unknown } = cell.model;
  delete model.comment;
  (cell as unknown as { _comment?: unknown })._comment = undefined;
}

/** Clears the marks a previous annotation left (our notes, our fills, our font colours). */
function clearPreviousMarks(worksheet: ExcelJS.Worksheet): void {
  const ourFills = new Set<string>(Object.values(SEVERITY_STYLE).map((style) => style.fill));
  worksheet.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: true }, (cell) => {
      if (!noteText(cell.note).startsWith(NOTE_HEADING)) return;
      removeNote(cell);
      const fill = cell.style.fill;
      const argb = fill?.type === 'pattern' ? fill.fgColor?.argb : undefined;
      if (argb && ourFills.has(argb)) {
        // exceljs shares one style object among cells with the same style: replace it, never mutate it.
        const { fill: _fill, ...rest } = cell.style;
        const font = cell.style.font ? { ...cell.style.font, color: undefined } : undefined;
        cell.style = font ? { ...rest, font } : rest;
      }
    });
  });
}

function columnOf(table: TableLocation, column: IssueColumn): number[] {
  const columns: number[] = [];
  const main = table.columns[column];
  if (main !== undefined) columns.push(main);
  if (column === 'name' && table.columns.nameExtra !== undefined) columns.push(table.columns.nameExtra);
  return columns;
}

/** Row-level issues go on the row's first used cell (or the table's first column when the row is blank). */
function firstUsedColumn(worksheet: ExcelJS.Worksheet, rowNumber: number, table: TableLocation): number {
  let first: number | undefined;
  worksheet.getRow(rowNumber).eachCell({ includeEmpty: false }, (cell, column) => {
    if (first === undefined && cell.master === cell && cell.value !== null && cell.value !== '') first = column;
  });
  const tableColumns = Object.values(table.columns).filter((value): value is number => typeof value === 'number');
  return first ?? (tableColumns.length > 0 ? Math.min(...tableColumns) : 1);
}

/** Marks each issue's cell(s); answers the cell each issue was marked on (its first, for a split name). */
function markCells(worksheet: ExcelJS.Worksheet, table: TableLocation, issues: readonly Issue[]): Map<Issue, string> {
  const byCell = new Map<string, { cell: ExcelJS.Cell; issues: Issue[] }>();
  const markedAt = new Map<Issue, string>();
  for (const issue of issues) {
    if (issue.row === null || !Number.isInteger(issue.row) || issue.row < 1 || issue.row > MAX_EXCEL_ROW) continue;
    const columns = issue.column === null ? [firstUsedColumn(worksheet, issue.row, table)] : columnOf(table, issue.column);
    for (const column of columns) {
      if (!Number.isInteger(column) || column < 1 || column > MAX_EXCEL_COLUMN) continue;
      // A merged cell shows the master's value: mark the master.
      const cell = worksheet.getCell(issue.row, column).master;
      const entry = byCell.get(cell.address) ?? { cell, issues: [] };
      entry.issues.push(issue);
      byCell.set(cell.address, entry);
      if (!markedAt.has(issue)) markedAt.set(issue, cell.address);
    }
  }
  for (const { cell, issues: cellIssues } of byCell.values()) {
    const severity: Severity = cellIssues.some((issue) => issue.severity === 'error') ? 'error' : 'warning';
    const style = SEVERITY_STYLE[severity];
    cell.style = {
      ...cell.style,
      fill: solidFill(style.fill),
      font: { ...(cell.style.font ?? {}), color: { argb: style.font } },
    };
    const lines = cellIssues.map((issue) => `• ${SEVERITY_STYLE[issue.severity].label}: ${issue.message}`);
    const previous = noteText(cell.note);
    const kept = previous.startsWith(NOTE_HEADING) ? '' : previous;
    cell.note = [NOTE_HEADING, ...lines, ...(kept ? ['', kept] : [])].join('\n');
  }
  return markedAt;
}

/** Where the issues were marked: the sheet and each issue's cell address. */
interface Marks {
  sheetName: string;
  cells: ReadonlyMap<Issue, string>;
}

/** "CMND/CCCD (cột D)": the header the clerk sees, and where to find it. */
function columnText(issue: Issue, address: string | undefined): string {
  const label = issue.column ? COLUMN_LABELS[issue.column] : NO_COLUMN_LABEL;
  const letter = address ? /^[A-Z]+/.exec(address)?.[0] : undefined;
  if (!letter) return label;
  return issue.column ? `${label} (cột ${letter})` : `Cột ${letter}`;
}

/**
 * A link to the marked cell: Excel's HYPERLINK with an in-workbook target ("#'Sheet'!D8"), which Excel and
 * LibreOffice both follow. The sheet name comes from the clerk's file, so its quotes are escaped for the
 * reference and for the formula's string.
 */
function cellLink(sheetName: string, address: string): ExcelJS.CellFormulaValue {
  const reference = `#'${sheetName.replace(/'/g, "''")}'!${address}`;
  return { formula: `HYPERLINK("${reference.replace(/"/g, '""')}","${address}")`, result: address, date1904: false };
}

function sortedIssues(issues: readonly Issue[]): Issue[] {
  const rowKey = (issue: Issue) => issue.row ?? 0;
  return [...issues].sort((a, b) => rowKey(a) - rowKey(b) || COLUMN_ORDER.indexOf(a.column) - COLUMN_ORDER.indexOf(b.column));
}

function addIssuesSheet(
  workbook: ExcelJS.Workbook,
  issues: readonly Issue[],
  reservedName: string | undefined,
  marks?: Marks,
): void {
  const name = reservedName && sameSheetName(reservedName, ISSUES_SHEET_NAME) ? ISSUES_SHEET_FALLBACK_NAME : ISSUES_SHEET_NAME;
  for (const existing of workbook.worksheets) {
    if (sameSheetName(existing.name, name)) workbook.removeWorksheet(existing.id);
  }
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = ISSUES_SHEET_COLUMNS.map(({ header, width }) => ({ header, width }));
  const font: Partial<ExcelJS.Font> = { name: FONT_NAME, size: 12 };
  const header = sheet.getRow(1);
  header.eachCell((cell) => {
    cell.font = { ...font, bold: true };
    cell.fill = solidFill('FFD9D9D9');
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
  });
  const rows = sortedIssues(issues);
  for (const issue of rows) {
    const address = marks?.cells.get(issue);
    const row = sheet.addRow([
      issue.row ?? NO_COLUMN_LABEL,
      columnText(issue, address),
      address && marks ? cellLink(marks.sheetName, address) : NO_COLUMN_LABEL,
      SEVERITY_STYLE[issue.severity].label,
      issue.message,
      issue.code,
    ]);
    row.eachCell((cell, column) => {
      cell.font = { ...font };
      cell.alignment = {
        vertical: 'top',
        wrapText: column === MESSAGE_COLUMN || column === 2,
        horizontal: column === 1 || column === CELL_LINK_COLUMN || column === SEVERITY_COLUMN ? 'center' : 'left',
      };
    });
    if (address) row.getCell(CELL_LINK_COLUMN).font = { ...font, color: { argb: 'FF0563C1' }, underline: true };
    const severityCell = row.getCell(SEVERITY_COLUMN);
    severityCell.fill = solidFill(SEVERITY_STYLE[issue.severity].fill);
    severityCell.font = { ...font, color: { argb: SEVERITY_STYLE[issue.severity].font } };
  }
  if (rows.length === 0) {
    const cell = sheet.addRow(['', '', '', '', 'Không có lỗi hay cảnh báo nào.']).getCell(MESSAGE_COLUMN);
    cell.font = { ...font };
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ISSUES_SHEET_COLUMNS.length } };
}

/** A CSV's cells in a new workbook, each record on the row of its line, as text (exactly as typed). */
async function workbookFromCsv(sheetData: SheetData): Promise<ExcelJS.Workbook> {
  const { Workbook } = await loadExcelJs();
  const workbook = new Workbook();
  const worksheet = workbook.addWorksheet(sheetData.name);
  const widths: number[] = [];
  for (const { row, cells } of sheetData.rows) {
    cells.forEach((cell, index) => {
      if (!cell) return;
      const target = worksheet.getCell(row, index + 1);
      target.value = cell.text;
      target.font = { name: FONT_NAME, size: 12 };
      widths[index] = Math.max(widths[index] ?? 8, Math.min(cell.text.length + 2, 50));
    });
  }
  widths.forEach((width, index) => {
    worksheet.getColumn(index + 1).width = width;
  });
  return workbook;
}

/**
 * The original as an exceljs workbook, or null when it cannot be reopened within the read limits: a CSV
 * is parsed no further than they allow, an .xlsx is measured before exceljs loads it. A copy cut short
 * would show the clerk a list missing rows, so a file past a limit gets the list of issues alone.
 */
async function reopen(bytes: Uint8Array, fileName: string, limits: ReadLimits): Promise<ExcelJS.Workbook | null> {
  try {
    // The reading `validate` made of these bytes (parsed again only when annotating comes first).
    const { reopening } = await parseUpload(bytes, fileName, limits);
    if (reopening.format === 'xlsx') return reopening.withinBounds ? await loadExcelWorkbook(bytes) : null;
    if (reopening.format === 'csv') return reopening.complete ? await workbookFromCsv(reopening.sheet) : null;
    return null;
  } catch {
    // The clerk still gets the list of issues.
    return null;
  }
}

/** exceljs types its output as an ArrayBuffer; at run time it is a Node Buffer (a Uint8Array). */
function toBytes(written: ExcelJS.Buffer): Uint8Array {
  const value: unknown = written;
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value as ArrayBuffer);
}

async function issuesOnly(issues: readonly Issue[]): Promise<Uint8Array> {
  const { Workbook } = await loadExcelJs();
  const workbook = new Workbook();
  addIssuesSheet(workbook, issues, undefined);
  return toBytes(await workbook.xlsx.writeBuffer());
}

/**
 * The uploader's workbook with its faulty cells marked and a "Lỗi" sheet; an .xlsx in every case.
 * `limits` are those the file was validated with (the defaults unless the caller changed them).
 */
export async function annotate(
  bytes: Uint8Array,
  verdict: Pick<Verdict, 'issues' | 'table'>,
  fileName = 'danh-sach.xlsx',
  limits: Partial<ReadLimits> = {},
): Promise<Uint8Array> {
  try {
    const table = verdict.table;
    // No table: nothing in the file to mark (a file-level refusal), so it is not read again.
    const workbook = table ? await reopen(bytes, fileName, resolveReadLimits(limits)) : null;
    if (!table || !workbook) return await issuesOnly(verdict.issues);
    const worksheet = workbook.worksheets.find((sheet) => sheet.name === table.sheet);
    let marks: Marks | undefined;
    if (worksheet) {
      clearPreviousMarks(worksheet);
      marks = { sheetName: worksheet.name, cells: markCells(worksheet, table, verdict.issues) };
    }
    addIssuesSheet(workbook, verdict.issues, worksheet?.name, marks);
    return toBytes(await workbook.xlsx.writeBuffer());
  } catch {
    // A workbook exceljs can read but not write back (it happens with exotic content): the list alone.
    return issuesOnly(verdict.issues);
  }
}
