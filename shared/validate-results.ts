/**
 * `validateResults(bytes, context) → ResultsVerdict`: the monthly results form (accounts created per
 * official). Pure, like the roster engine (`validate.ts`), and built from the same parts: the bounded
 * reader, the table search by labels, the Vietnamese ID and phone rules. What needs the store (which unit a
 * person belongs to) happens when the file is processed (`pipeline/results.ts`).
 */
import { MAX_ACCOUNTS_PER_MONTH, RESULTS_TABLE, TITLE_MONTH } from './forms/results.js';
import { PLACE_AND_DATE_LINE } from './forms/roster.js';
import type { IssueCode, IssueParams } from './issues.js';
import { type Issue, makeIssue, type TableLocation, type SkippedRow } from './verdict.js';
import { normalizeIdNumber } from './vn/id-number.js';
import { decodeLegacyText } from './vn/legacy-encoding.js';
import { normalizePhone } from './vn/phone.js';
import { cleanText, foldText } from './vn/text.js';
import { formatPeriod, vietnamIsoDate } from './vn/time.js';
import {
  byPosition,
  cellAt,
  classifyRows,
  duplicateIssues,
  type FormLimits,
  fieldIssues,
  nameAt,
  readFormTable,
  refusedFile,
  resolveFormLimits,
  settleIssues,
  tooManyRowsIssue,
} from './validate-form.js';
import type { TableMatch } from './workbook/find-table.js';
import type { Cell } from './workbook/types.js';

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
  if (!found.ok) return { ...base, ...refusedFile(found.issue), statedPeriod: null };
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
  if (data.length > limits.maxDataRows) return { ...base, ...refusedFile(tooManyRowsIssue(limits.maxDataRows), table), statedPeriod };

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

  if (rows.length === 0) fileIssues.push(makeIssue('FILE_NO_DATA_ROWS'));
  const issues = settleIssues(rows, fileIssues, rowIssues, byPosition);
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
