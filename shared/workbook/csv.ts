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

interface ParsedField {
  cell: Cell | null;
}

/**
 * Parse CSV text. Rows are numbered by the line where the record starts (1-based), which is the row the
 * clerk sees when opening the file in Excel, and the row the annotated copy puts it on.
 * Throws on malformed CSV (an unclosed quote): the caller maps that to FILE_CORRUPT.
 */
export function readCsv(text: string, fileName: string, options: { maxRowsRead?: number; maxColumnsRead?: number } = {}): SheetData {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const delimiter = detectCsvDelimiter(body);
  const records = parse(body, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    // Keep empty lines as records so that each record's start line follows from the previous one's end.
    skip_empty_lines: false,
    info: true,
    ...(options.maxRowsRead ? { to: options.maxRowsRead } : {}),
    cast: (value, context): ParsedField => {
      if (value.trim() === '') return { cell: null };
      const digits = context.quoting ? null : ALL_DIGITS.exec(value);
      return { cell: digits?.[1] ? { text: digits[1], numeric: true } : { text: value, numeric: false } };
    },
  }) as unknown as { record: ParsedField[]; info: { lines: number } }[];

  const maxColumns = options.maxColumnsRead ?? Number.POSITIVE_INFINITY;
  const rows: SheetRow[] = [];
  let previousEndLine = 0;
  for (const { record, info } of records) {
    const startLine = previousEndLine + 1;
    previousEndLine = info.lines;
    const cells = record.slice(0, maxColumns).map((field) => field.cell);
    while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
    if (cells.length > 0) rows.push({ row: startLine, cells });
  }
  return { name: csvSheetName(fileName), rows };
}
