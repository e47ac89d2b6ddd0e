/**
 * A workbook reduced to what validation needs: per sheet, the non-empty rows with their cell values.
 * Readers (xlsx, csv) produce this; everything downstream is format-agnostic.
 */

/**
 * One cell's value. `text` is what the cell shows, as a string: formulas give their cached result, rich
 * text its plain text, an integer its full digit string (never exponent notation: 52189021001, not
 * 5.2189e10). `numeric` tells that the value was a number (in CSV: an unquoted all-digit field), which is
 * how a lost leading zero is recognized.
 */
export interface Cell {
  text: string;
  numeric: boolean;
  /** Present (true) when the value is a formula's cached result: a figure that must be typed, not computed, can tell. */
  formula?: true;
}

export interface SheetRow {
  /** 1-based row number as Excel shows it (for CSV, the line number). */
  row: number;
  /** 0-based by column (index 0 is column A); `null` where the cell is empty. */
  cells: (Cell | null)[];
}

export interface SheetData {
  name: string;
  /** Non-empty rows only, in ascending row order. */
  rows: SheetRow[];
}

export type FileFormat = 'xlsx' | 'csv';

export interface WorkbookData {
  format: FileFormat;
  /** Visible sheets only, in workbook order. */
  sheets: SheetData[];
}
