/**
 * .xlsx / .xlsm → WorkbookData with exceljs. Only cell values are read: macros, external links and
 * formulas are never run (a formula gives the result Excel cached when the file was saved).
 * Call only on bytes that passed the ZIP guard (`zip-guard.ts`): exceljs inflates everything in memory.
 */
import ExcelJS from 'exceljs';
import type { Cell, SheetData, SheetRow, WorkbookData } from './types.js';

export interface XlsxReadLimits {
  /** Non-empty rows read per sheet; rows past it are not read. */
  maxRowsRead: number;
  /** Columns read per row: one stray cell in column XFD must not make every row 16,384 cells long. */
  maxColumnsRead: number;
}

export function asNodeBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Loads the bytes into an exceljs Workbook (throws on a file exceljs cannot parse). */
export async function loadExcelWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs's own `Buffer` type is a bare ArrayBuffer interface; a Node Buffer is what it really takes.
  await workbook.xlsx.load(asNodeBuffer(bytes) as unknown as ExcelJS.Buffer);
  return workbook;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy, as Vietnamese Excel shows a date. exceljs gives dates as UTC instants of the serial value. */
export function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  return `${pad2(date.getUTCDate())}/${pad2(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}

/** A number format made only of zeros ("000000000000") pads an integer to its width, as Excel shows it. */
const ZERO_PAD_FORMAT = /^0+$/;

/**
 * A number as text: integers as their full digit string, never exponent notation (5.2189021001e10 is
 * the ID 52189021001); other numbers to Excel's 15 significant digits (0.1 + 0.2 shows as 0.3).
 */
export function formatNumber(value: number, numFmt?: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) {
    const digits = BigInt(value).toString();
    if (numFmt && ZERO_PAD_FORMAT.test(numFmt) && value >= 0) return digits.padStart(numFmt.length, '0');
    return digits;
  }
  const rounded = Number(value.toPrecision(15));
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  return new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 15 }).format(rounded);
}

type Plain = { text: string; numeric: boolean } | null;

function textOfRich(value: { richText: { text: string }[] }): string {
  return value.richText.map((run) => run.text).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A value exceljs produced (or a formula's cached result) as the text Excel shows. */
function plainOf(value: unknown, numFmt: string | undefined): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return { text: value, numeric: false };
  if (typeof value === 'number') return { text: formatNumber(value, numFmt), numeric: true };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: false };
  if (value instanceof Date) return { text: formatDate(value), numeric: false };
  if (!isRecord(value)) return null;
  if (Array.isArray(value.richText)) return { text: textOfRich(value as { richText: { text: string }[] }), numeric: false };
  if (typeof value.error === 'string') return { text: value.error, numeric: false };
  if ('hyperlink' in value && 'text' in value) return plainOf(value.text, numFmt);
  if ('formula' in value || 'sharedFormula' in value) return plainOf(value.result, numFmt);
  return null;
}

/** One exceljs cell → Cell, or null when empty. Merged cells other than the master are empty. */
export function cellOf(cell: ExcelJS.Cell): Cell | null {
  if (cell.type === ExcelJS.ValueType.Merge) return null;
  const plain = plainOf(cell.value, cell.numFmt);
  if (!plain || plain.text.trim() === '') return null;
  return plain;
}

function sheetOf(worksheet: ExcelJS.Worksheet, limits: XlsxReadLimits): SheetData {
  const rows: SheetRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rows.length >= limits.maxRowsRead) return;
    const cells: (Cell | null)[] = [];
    row.eachCell({ includeEmpty: false }, (excelCell, columnNumber) => {
      if (columnNumber > limits.maxColumnsRead) return;
      const cell = cellOf(excelCell);
      if (!cell) return;
      while (cells.length < columnNumber - 1) cells.push(null);
      cells[columnNumber - 1] = cell;
    });
    if (cells.length > 0) rows.push({ row: rowNumber, cells });
  });
  return { name: worksheet.name, rows };
}

/** The visible sheets of an exceljs workbook, in tab order. */
export function visibleWorksheets(workbook: ExcelJS.Workbook): ExcelJS.Worksheet[] {
  return workbook.worksheets.filter((worksheet) => worksheet.state === 'visible' || worksheet.state === undefined);
}

/** Reads the bytes of an .xlsx/.xlsm (throws when exceljs cannot parse them). */
export async function readXlsx(bytes: Uint8Array, limits: XlsxReadLimits): Promise<WorkbookData> {
  const workbook = await loadExcelWorkbook(bytes);
  return { format: 'xlsx', sheets: visibleWorksheets(workbook).map((worksheet) => sheetOf(worksheet, limits)) };
}
