/**
 * `validateResults(bytes, context) → ResultsVerdict`: the monthly results form (accounts created per
 * official). Pure, like the roster engine (`validate.ts`), and built from the same parts: the bounded
 * reader, the table search by labels, the Vietnamese ID and phone rules. What needs the store (which unit a
 * person belongs to) happens when the file is processed (`pipeline/results.ts`).
 */
import { MAX_ACCOUNTS_PER_MONTH, RESULTS_TABLE, TITLE_MONTH } from './forms/results.js';
import { FOOTER_TITLES, PLACE_AND_DATE_LINE } from './forms/roster.js';
import type { IssueCode, IssueParams } from './issues.js';
import { type Issue, type IssueColumn, makeIssue, type SkippedRow, type TableLocation } from './verdict.js';
import { normalizeIdNumber } from './vn/id-number.js';
import { decodeLegacyText } from './vn/legacy-encoding.js';
import { normalizePhone } from './vn/phone.js';
import { cleanText, foldText, looksLikeIdOrPhone } from './vn/text.js';
import { formatPeriod, vietnamIsoDate } from './vn/time.js';
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

export interface ResultsContext {
  /** The uploader: a unit code, or the centre (`CENTRE_UNIT`). */
  unit: string;
  /** The month the link is for, `YYYY-MM`. */
  period: string;
  fileName: string;
  /** The moment of upload; fixes the year used for the ID age check. */
  now?: Date;
  limits?: Partial<FormLimits>;
}

export interface ResultsRow {
  row: number;
  name: string | null;
  /** Normalized when valid; else the cleaned text as typed (or null when empty). */
  idNumber: string | null;
  phone: string | null;
  /** The whole number read, or null where the cell is not one. */
  count: number | null;
  ok: boolean;
}

/** The same family as the roster's verdict (contract 1), for the results form. */
export interface ResultsVerdict {
  form: 'results';
  unit: string;
  period: string;
  accepted: boolean;
  rows: ResultsRow[];
  issues: Issue[];
  skipped: SkippedRow[];
  /** The month a title line names (`YYYY-MM`), or null when none does. */
  statedPeriod: string | null;
  table?: TableLocation;
}

// ── Parts shared by the results and grants forms ─────────────────────────────────────────────────────

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

/** At most this many other rows are named in a duplicate message (the rest are counted). */
const DUPLICATE_ROWS_NAMED = 10;

/** Rows sharing a value of `keyOf` (null keys ignored): an error on each, naming the others. */
export function duplicateIssues<T extends { row: number }>(
  rows: readonly T[],
  keysOf: (row: T) => (string | null)[],
  code: IssueCode,
  column: IssueColumn | null,
): Issue[] {
  const byKey = new Map<string, Set<number>>();
  for (const row of rows) {
    for (const key of keysOf(row)) {
      if (key === null) continue;
      const set = byKey.get(key) ?? new Set<number>();
      set.add(row.row);
      byKey.set(key, set);
    }
  }
  const others = new Map<number, Set<number>>();
  for (const set of byKey.values()) {
    if (set.size < 2) continue;
    for (const at of set) {
      const list = others.get(at) ?? new Set<number>();
      for (const other of set) if (other !== at) list.add(other);
      others.set(at, list);
    }
  }
  return [...others.entries()].map(([at, set]) => {
    const sorted = [...set].sort((a, b) => a - b);
    const params: IssueParams = { rows: sorted.slice(0, DUPLICATE_ROWS_NAMED) };
    return makeIssue(code, { row: at, column }, params);
  });
}

const ISSUE_COLUMN_ORDER: readonly (IssueColumn | null)[] = [null, 'name', 'unit', 'idNumber', 'phone', 'count', 'grantedAt'];
export function byPosition(a: Issue, b: Issue): number {
  return (a.row ?? 0) - (b.row ?? 0) || ISSUE_COLUMN_ORDER.indexOf(a.column) - ISSUE_COLUMN_ORDER.indexOf(b.column);
}

export function resolveFormLimits(limits: Partial<FormLimits> | undefined): FormLimits {
  return { ...DEFAULT_FORM_LIMITS, ...limits };
}

// ── Counts ───────────────────────────────────────────────────────────────────────────────────────────

export type CountResult = { ok: true; value: number } | { ok: false; error: IssueCode; params?: IssueParams };

/** Vietnamese thousands separators ("1.250") or English ones ("1,250"): groups of exactly three digits. */
const GROUPED_THOUSANDS = /^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$/;

/**
 * A count of accounts: a whole number 0–10,000. Typed as text it may carry thousands separators; a
 * decimal, a negative number, text or a formula is an error on the cell.
 */
export function parseCount(cell: Cell | null): CountResult {
  const text = cell ? cleanText(cell.text).replace(/\s+/g, '') : '';
  if (!cell || text === '') return { ok: false, error: 'COUNT_REQUIRED' };
  if (cell.formula || text.startsWith('=')) return { ok: false, error: 'COUNT_FORMULA' };
  const negative = /^[-\u2212]/.test(text);
  const unsigned = text.replace(/^[-\u2212+]/, '');
  let digits: string | null = null;
  if (/^\d+$/.test(unsigned)) digits = unsigned;
  else if (!cell.numeric && GROUPED_THOUSANDS.test(unsigned)) digits = unsigned.replace(/[.,]/g, '');
  else if (/^\d*[.,]\d+$/.test(unsigned)) return { ok: false, error: negative ? 'COUNT_NEGATIVE' : 'COUNT_NOT_WHOLE' };
  if (digits === null) return { ok: false, error: 'COUNT_NOT_NUMBER' };
  const value = Number(digits);
  if (negative && value !== 0) return { ok: false, error: 'COUNT_NEGATIVE' };
  if (value > MAX_ACCOUNTS_PER_MONTH) {
    return { ok: false, error: 'COUNT_TOO_LARGE', params: { limit: MAX_ACCOUNTS_PER_MONTH.toLocaleString('vi-VN') } };
  }
  return { ok: true, value };
}

// ── Title ────────────────────────────────────────────────────────────────────────────────────────────

/** The month a title line above the table names ("tháng 07/2021", "tháng 7 năm 2021"), as `YYYY-MM`. */
export function statedPeriodOf(match: TableMatch): string | null {
  for (const sheetRow of match.sheet.rows) {
    if (sheetRow.row >= match.headerRow) break;
    for (const cell of sheetRow.cells) {
      if (!cell || cell.numeric) continue;
      const folded = foldText(decodeLegacyText(cell.text).text);
      // "Phù Cát, ngày 5 tháng 8 năm 2021" dates the document; it does not name the month reported.
      if (PLACE_AND_DATE_LINE.test(folded)) continue;
      const found = TITLE_MONTH.exec(folded);
      const month = Number(found?.[1]);
      if (found?.[2] && month >= 1 && month <= 12) return `${found[2]}-${String(month).padStart(2, '0')}`;
    }
  }
  return null;
}

// ── The results engine ───────────────────────────────────────────────────────────────────────────────

export async function validateResults(bytes: Uint8Array, context: ResultsContext): Promise<ResultsVerdict> {
  const limits = resolveFormLimits(context.limits);
  const base = { form: 'results' as const, unit: context.unit, period: context.period };
  const found = await readFormTable(bytes, context.fileName, RESULTS_TABLE, limits);
  if (!found.ok) return { ...base, accepted: false, rows: [], issues: [found.issue], skipped: [], statedPeriod: null };
  const { match, table } = found;

  const fileIssues: Issue[] = [];
  const statedPeriod = statedPeriodOf(match);
  if (statedPeriod !== null && statedPeriod !== context.period) {
    fileIssues.push(makeIssue('RESULTS_PERIOD_MISMATCH', {}, { value: formatPeriod(statedPeriod), detail: formatPeriod(context.period) }));
  }

  const { columns } = table;
  const personalCells = [columns.idNumber, columns.phone];
  const { data, skipped } = classifyRows(match, personalCells, (row) =>
    [columns.name, columns.nameExtra, columns.idNumber, columns.phone, columns.count].every((column) => cellAt(row, column) === null),
  );
  if (data.length > limits.maxDataRows) {
    return {
      ...base,
      accepted: false,
      rows: [],
      issues: [makeIssue('FILE_TOO_MANY_ROWS', {}, { limit: limits.maxDataRows.toLocaleString('vi-VN') })],
      skipped: [],
      statedPeriod,
      table,
    };
  }

  const uploadYear = Number(vietnamIsoDate(context.now ?? new Date()).slice(0, 4));
  const rowIssues: Issue[] = [];
  const rows: ResultsRow[] = data.map((sheetRow) => {
    const at = sheetRow.row;
    const idCell = cellAt(sheetRow, columns.idNumber);
    const phoneCell = cellAt(sheetRow, columns.phone);
    let idNumber: string | null = null;
    let phone: string | null = null;
    if (idCell) {
      const result = normalizeIdNumber(idCell, uploadYear);
      idNumber = result.value;
      rowIssues.push(...fieldIssues(result, at, 'idNumber'));
    }
    if (phoneCell) {
      const result = normalizePhone(phoneCell);
      phone = result.value;
      rowIssues.push(...fieldIssues(result, at, 'phone'));
    }
    if (!idCell && !phoneCell) rowIssues.push(makeIssue('RESULTS_PERSON_REQUIRED', { row: at, column: 'idNumber' }));
    const count = parseCount(cellAt(sheetRow, columns.count));
    if (!count.ok) rowIssues.push(makeIssue(count.error, { row: at, column: 'count' }, count.params));
    const name = nameAt(sheetRow, table);
    return { row: at, name: name === '' ? null : name, idNumber, phone, count: count.ok ? count.value : null, ok: true };
  });
  // One person, one line: by the same ID, or by the same phone.
  rowIssues.push(
    ...duplicateIssues(rows, (row) => [row.idNumber ? `id:${row.idNumber}` : null, row.phone ? `phone:${row.phone}` : null], 'RESULTS_PERSON_DUPLICATE', null),
  );

  const erroneous = new Set(rowIssues.filter((i) => i.severity === 'error').map((i) => i.row));
  for (const row of rows) row.ok = !erroneous.has(row.row);
  if (rows.length === 0) fileIssues.push(makeIssue('FILE_NO_DATA_ROWS'));
  const issues = [...fileIssues, ...rowIssues.sort(byPosition)];
  return {
    ...base,
    accepted: rows.length > 0 && !issues.some((i) => i.severity === 'error'),
    rows,
    issues,
    skipped,
    statedPeriod,
    table,
  };
}
