/**
 * CSV (already decoded to a string) → one SheetData. Excel writes "," or, in a Vietnamese locale, ";";
 * "Unicode Text" exports use tabs. A quoted field is text; an unquoted all-digit field is a number the
 * way Excel would have read it (so a lost leading zero can be recognized downstream).
 */
import { parse } from 'csv-parse/sync';
import type { Cell, SheetData, SheetRow } from './types.js';

export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Sheet names in .xlsx: at most 31 characters, none of : \ / ? * [ ] (the annotated copy reuses this name). */
const SHEET_NAME_FORBIDDEN = /[:\\/?*[\]]/g;
const SHEET_NAME_MAX = 31;
export const CSV_FALLBACK_SHEET_NAME = 'Danh sách';

/** The sheet name a CSV file gets: its file name without directory and extension, made valid for Excel. */
export function csvSheetName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  const name = stem.replace(SHEET_NAME_FORBIDDEN, ' ').replace(/^'+|'+$/g, '').trim().slice(0, SHEET_NAME_MAX).trim();
  // "Lỗi" is reserved for the error list of the annotated workbook.
  return name === '' || name.normalize('NFC').toLowerCase() === 'lỗi' ? CSV_FALLBACK_SHEET_NAME : name;
}

/** Delimiter occurrences outside double quotes, per line, over the first lines of the text. */
export function detectCsvDelimiter(text: string, sampleLines = 30): CsvDelimiter {
  const lines = text.split(/\r\n|\n|\r/, sampleLines * 2).filter((line) => line.trim() !== '').slice(0, sampleLines);
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const delimiter of CSV_DELIMITERS) {
    let count = 0;
    for (const line of lines) {
      let inQuotes = false;
      for (const char of line) {
        if (char === '"') inQuotes = !inQuotes;
        else if (char === delimiter && !inQuotes) count += 1;
      }
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

const ALL_DIGITS = /^\s*(\d+)\s*$/;

export interface CsvReadLimits {
  /** Records read (a line, or more when a quoted field holds line breaks; blank lines count). */
  maxRowsRead?: number;
  /** Fields kept per record. */
  maxColumnsRead?: number;
  /** Fields parsed in all, empty ones and those past `maxColumnsRead` included: each one costs parsing time. */
  maxCellsRead?: number;
}

export interface CsvReadResult {
  sheet: SheetData;
  /**
   * The bounds the text went past: parsing stopped after `maxRowsRead` records or `maxCellsRead` fields
   * (the sheet holds the rows before it), and non-empty fields past `maxColumnsRead` were left out.
   */
  exceeded: { rows: boolean; columns: boolean; cells: boolean };
}

/** csv-parse cannot be told to stop but by an error from a callback; this one is ours. */
class ParsingBoundReached extends Error {}

const boundOf = (limit: number | undefined) => (limit !== undefined && limit > 0 ? limit : Number.POSITIVE_INFINITY);

/**
 * Parse CSV text within bounds. Rows are numbered by the line where the record starts (1-based), which is
 * the row the clerk sees when opening the file in Excel, and the row the annotated copy puts it on.
 * Throws on malformed CSV (an unclosed quote): the caller maps that to FILE_CORRUPT.
 */
export function readCsvWithin(text: string, fileName: string, limits: CsvReadLimits = {}): CsvReadResult {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const delimiter = detectCsvDelimiter(body);
  const [maxRows, maxColumns, maxFields] = [boundOf(limits.maxRowsRead), boundOf(limits.maxColumnsRead), boundOf(limits.maxCellsRead)];
  const exceeded = { rows: false, columns: false, cells: false };
  const rows: SheetRow[] = [];
  let records = 0;
  let fields = 0;
  let previousEndLine = 0;
  try {
    parse(body, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      // Keep empty lines as records so that each record's start line follows from the previous one's end.
      skip_empty_lines: false,
      // One record past the bound tells that there was more.
      ...(Number.isFinite(maxRows) ? { to: maxRows + 1 } : {}),
      cast: (value, context): Cell | null => {
        fields += 1;
        if (fields > maxFields) {
          exceeded.cells = true;
          throw new ParsingBoundReached();
        }
        if (value.trim() === '') return null;
        if (context.index >= maxColumns) {
          exceeded.columns = true;
          return null;
        }
        const digits = context.quoting ? null : ALL_DIGITS.exec(value);
        return digits?.[1] ? { text: digits[1], numeric: true } : { text: value, numeric: false };
      },
      // Rows are collected here, not by csv-parse: records past a bound are never kept.
      on_record: (record: (Cell | null)[], context) => {
        records += 1;
        const startLine = previousEndLine + 1;
        previousEndLine = context.lines;
        if (records > maxRows) {
          exceeded.rows = true;
          return undefined;
        }
        const cells = record.slice(0, maxColumns);
        while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
        if (cells.length > 0) rows.push({ row: startLine, cells });
        return undefined;
      },
    });
  } catch (error) {
    if (!(error instanceof ParsingBoundReached)) throw error;
  }
  return { sheet: { name: csvSheetName(fileName), rows }, exceeded };
}

/** The sheet of `readCsvWithin`, whatever bounds it reached. */
export function readCsv(text: string, fileName: string, limits: CsvReadLimits = {}): SheetData {
  return readCsvWithin(text, fileName, limits).sheet;
}
