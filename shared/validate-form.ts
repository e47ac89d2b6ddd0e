/**
 * What the form engines share (the roster's `validate.ts`, `validate-results.ts`, `validate-grants.ts`):
 * reading a workbook within the limits and finding the form's table (or the file-level issue that refuses
 * the file), the verdict of a refused file, and, for results and grants, the cell readers, the row
 * classification, duplicates and issue order.
 */
import { FOOTER_TITLES, PLACE_AND_DATE_LINE } from './forms/roster.js';
import type { IssueCode } from './issues.js';
import { type Issue, type IssueColumn, makeIssue, type SkippedRow, type TableLocation } from './verdict.js';
import { decodeLegacyText } from './vn/legacy-encoding.js';
import { cleanText, foldText, looksLikeIdOrPhone } from './vn/text.js';
import type { FieldResult } from './vn/types.js';
import { findTable, type TableMatch, type TableSpec } from './workbook/find-table.js';
import { DEFAULT_READ_LIMITS, type ReadLimits, readWorkbook } from './workbook/read.js';
import type { Cell, SheetRow, WorkbookData } from './workbook/types.js';

export interface FormLimits {
  maxFileBytes: number;
  maxUncompressedBytes: number;
  /** Data rows (blank and footer rows not counted). */
  maxDataRows: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = {
  maxFileBytes: DEFAULT_READ_LIMITS.maxFileBytes,
  maxUncompressedBytes: DEFAULT_READ_LIMITS.maxUncompressedBytes,
  maxDataRows: 20_000,
};

export type FileRefusal = { ok: false; issue: Issue; table?: TableLocation };
export type FoundTable = { ok: true; workbook: WorkbookData; match: TableMatch; table: TableLocation };

/** Reads the file and finds the form's table, or the file-level issue that says why not. */
export async function readFormTable(bytes: Uint8Array, fileName: string, spec: TableSpec, limits: Partial<ReadLimits>): Promise<FoundTable | FileRefusal> {
  const read = await readWorkbook(bytes, fileName, limits);
  if (!read.ok) return { ok: false, issue: makeIssue(read.code, {}, read.params) };
  const match = findTable(read.workbook, spec);
  if (!match.ok) return { ok: false, issue: makeIssue(match.code, {}, match.params) };
  const { columns } = match;
  const located: TableLocation['columns'] = {};
  const put = (column: IssueColumn | 'nameExtra', index: number | undefined) => {
    if (index !== undefined) located[column] = index;
  };
  put('name', columns.nameFirst ?? columns.name);
  if (columns.nameFirst !== undefined) put('nameExtra', columns.nameLast);
  put('unit', columns.unit);
  put('idNumber', columns.idNumber);
  put('phone', columns.phone);
  put('count', columns.count);
  put('grantedAt', columns.grantedAt);
  return { ok: true, workbook: read.workbook, match, table: { sheet: match.sheet.name, headerRow: match.headerRow, columns: located } };
}

export function cellAt(sheetRow: SheetRow, column: number | undefined): Cell | null {
  if (column === undefined) return null;
  const cell = sheetRow.cells[column - 1] ?? null;
  return cell && cleanText(cell.text) !== '' ? cell : null;
}

/** A text cell with legacy (TCVN3/VNI) encodings decoded, cleaned; '' when empty. */
export function textAt(sheetRow: SheetRow, column: number | undefined): string {
  const cell = cellAt(sheetRow, column);
  if (!cell) return '';
  return cleanText(cell.numeric ? cell.text : decodeLegacyText(cell.text).text);
}

/** The full name of a row, from one column or from a split "Họ và tên đệm" + "Tên". */
export function nameAt(sheetRow: SheetRow, table: TableLocation): string {
  return cleanText([textAt(sheetRow, table.columns.name), textAt(sheetRow, table.columns.nameExtra)].join(' '));
}

const fold = (text: string) => foldText(text).replace(/[.:]/g, '').replace(/\s+/g, ' ').trim();
const FOOTER_TITLE_KEYS = new Set(FOOTER_TITLES.map(fold));
/** The totals line of a statistics table ("Tổng cộng", "Cộng"): not an official. */
const TOTAL_LABELS = new Set(['tong', 'tong cong', 'cong', 'tong so', 'tong so tai khoan', 'tong so tai khoan da tao'].map(fold));

/**
 * A row that ends the table: the signature block ("Người lập biểu", a place-and-date line) or a totals line,
 * provided neither its ID nor its phone cell holds what looks like a number (then it is an official's row).
 */
export function isFooterRow(sheetRow: SheetRow, personalCells: readonly (number | undefined)[]): boolean {
  if (personalCells.some((column) => looksLikeIdOrPhone(textAt(sheetRow, column)))) return false;
  return sheetRow.cells.some((cell) => {
    if (!cell || cell.numeric) return false;
    const folded = fold(decodeLegacyText(cell.text).text);
    return PLACE_AND_DATE_LINE.test(folded) || FOOTER_TITLE_KEYS.has(folded) || TOTAL_LABELS.has(folded);
  });
}

/**
 * The rows below the header, classified: data rows (in order), and skipped ones (blank rows between them,
 * the signature block and totals line). `isBlank` says when a row's cells of the form are all empty.
 */
export function classifyRows(
  match: TableMatch,
  personalCells: readonly (number | undefined)[],
  isBlank: (row: SheetRow) => boolean,
): { data: SheetRow[]; skipped: SkippedRow[] } {
  const data: SheetRow[] = [];
  const skipped: SkippedRow[] = [];
  let inFooter = false;
  let previousRow = match.headerEndRow;
  for (const sheetRow of match.dataRows) {
    for (let gap = previousRow + 1; gap < sheetRow.row; gap++) skipped.push({ row: gap, reason: inFooter ? 'footer' : 'blank' });
    previousRow = sheetRow.row;
    const personal = personalCells.some((column) => looksLikeIdOrPhone(textAt(sheetRow, column)));
    if (inFooter && personal) inFooter = false;
    if (inFooter || isFooterRow(sheetRow, personalCells)) {
      inFooter = true;
      skipped.push({ row: sheetRow.row, reason: 'footer' });
    } else if (isBlank(sheetRow)) {
      skipped.push({ row: sheetRow.row, reason: 'blank' });
    } else {
      data.push(sheetRow);
    }
  }
  return { data, skipped };
}

/** Issues of one normalized field (its warnings, or its error), placed on `column` of `row`. */
export function fieldIssues(result: FieldResult, row: number, column: IssueColumn): Issue[] {
  if (result.ok) return result.warnings.map((warning) => makeIssue(warning, { row, column }));
  return [makeIssue(result.error, { row, column }, result.params)];
}

/** At most this many other rows are named in a duplicate message (the rest are counted): output stays linear. */
export const DUPLICATE_ROWS_NAMED = 10;

/** Rows sharing a value of `keyOf` (null keys ignored): an error on each, naming the others. */
export function duplicateIssues<T extends { row: number }>(
  rows: readonly T[],
  keysOf: (row: T) => [string | null] | [string | null, string | null],
  code: IssueCode,
  column: IssueColumn | null,
): Issue[] {
  // Linear, whatever the file repeats: each row names at most DUPLICATE_ROWS_NAMED others from the heads of
  // its groups and counts the rest. A row is in at most two groups (ID and phone), so the distinct others it
  // shares a key with number |A| + |B| − |A ∩ B| − 1, and A ∩ B is exactly the rows whose two groups are A
  // and B: counting rows per pair of groups gives every union without comparing rows.
  const groups = new Map<string, number[]>();
  const rowGroups = rows.map((row) => {
    const keys = keysOf(row).map((key, position) => (key === null ? null : `${position}:${key}`));
    for (const key of keys) {
      if (key === null) continue;
      const members = groups.get(key) ?? [];
      members.push(row.row);
      groups.set(key, members);
    }
    return keys;
  });
  const pairKey = (keys: (string | null)[]) => keys.map((key) => key ?? '').join('\u0000');
  const rowsPerPair = new Map<string, number>();
  for (const keys of rowGroups) rowsPerPair.set(pairKey(keys), (rowsPerPair.get(pairKey(keys)) ?? 0) + 1);

  const issues: Issue[] = [];
  rows.forEach((row, index) => {
    const keys = rowGroups[index] ?? [];
    const shared = keys.map((key) => (key === null ? [] : (groups.get(key) ?? [])));
    const sizes = shared.map((members) => members.length);
    const both = keys.length === 2 && keys[0] !== null && keys[1] !== null ? (rowsPerPair.get(pairKey(keys)) ?? 0) : 0;
    const others = sizes.reduce((sum, size) => sum + size, 0) - both - 1;
    if (others < 1 || sizes.every((size) => size < 2)) return;
    const named = new Set<number>();
    for (const members of shared) {
      for (const other of members.slice(0, DUPLICATE_ROWS_NAMED + 1)) {
        if (other !== row.row && named.size < DUPLICATE_ROWS_NAMED) named.add(other);
      }
    }
    const sorted = [...named].sort((a, b) => a - b);
    const moreRows = others - sorted.length;
    issues.push(makeIssue(code, { row: row.row, column }, { rows: sorted, ...(moreRows > 0 ? { moreRows } : {}) }));
  });
  return issues;
}

const ISSUE_COLUMN_ORDER: readonly (IssueColumn | null)[] = [null, 'name', 'unit', 'idNumber', 'phone', 'count', 'grantedAt'];
export function byPosition(a: Issue, b: Issue): number {
  return (a.row ?? 0) - (b.row ?? 0) || ISSUE_COLUMN_ORDER.indexOf(a.column) - ISSUE_COLUMN_ORDER.indexOf(b.column);
}

export function resolveFormLimits(limits: Partial<FormLimits> | undefined): FormLimits {
  return { ...DEFAULT_FORM_LIMITS, ...limits };
}

/** The verdict fields of a file refused as a whole: one file-level issue, no rows. */
export function refusedFile(
  issue: Issue,
  table?: TableLocation,
): { accepted: false; rows: never[]; issues: Issue[]; skipped: SkippedRow[]; table?: TableLocation } {
  return { accepted: false, rows: [], issues: [issue], skipped: [], ...(table ? { table } : {}) };
}

/** Stops a file that holds more data rows than the limit (a hostile file must not cost time beyond it). */
export function tooManyRowsIssue(maxDataRows: number): Issue {
  return makeIssue('FILE_TOO_MANY_ROWS', {}, { limit: maxDataRows.toLocaleString('vi-VN') });
}

/**
 * Marks each row ok unless an error points at it, and orders the verdict's issues: the file's first, then the
 * rows' by position (`order`).
 */
export function settleIssues(
  rows: readonly { row: number; ok: boolean }[],
  fileIssues: readonly Issue[],
  rowIssues: Issue[],
  order: (a: Issue, b: Issue) => number,
): Issue[] {
  const erroneous = new Set(rowIssues.filter((i) => i.severity === 'error').map((i) => i.row));
  for (const row of rows) row.ok = !erroneous.has(row.row);
  return [...fileIssues, ...rowIssues.sort(order)];
}
