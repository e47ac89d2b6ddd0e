/**
 * `validateGrants(bytes, context) → GrantsVerdict`: the centre's record of portal permissions, usually the
 * roster export handed back with "Ngày phân quyền" filled in. Pure: the checks that need the store (the
 * person is on a current roster; name, unit and phone agree with it) happen when the file is processed
 * (`pipeline/grants.ts`). A row without a date is an official not granted yet: read, not recorded.
 */
import { EARLIEST_GRANT_DATE, GRANTS_TABLE } from './forms/grants.js';
import { makeIssue, type Issue, type SkippedRow, type TableLocation } from './verdict.js';
import { normalizeIdNumber } from './vn/id-number.js';
import { normalizePhone } from './vn/phone.js';
import { cleanText } from './vn/text.js';
import { formatIsoDate, isCalendarDate, vietnamIsoDate } from './vn/time.js';
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
  textAt,
  tooManyRowsIssue,
} from './validate-form.js';
import type { Cell } from './workbook/types.js';

export interface GrantsContext {
  /** The uploader (the centre, for a link; `CENTRE_UNIT` for the CLI too). */
  unit: string;
  fileName: string;
  /** Today, in Vietnam, bounds the dates (a grant cannot be dated in the future). */
  now?: Date;
  limits?: Partial<FormLimits>;
}

export interface GrantRow {
  row: number;
  name: string | null;
  /** The unit as written (checked against the roster when processed), or null. */
  unit: string | null;
  /** Normalized when valid; else the cleaned text as typed (or null when empty). */
  idNumber: string | null;
  /** Normalized when it reads as a mobile number, else the cleaned text (or null when empty). */
  phone: string | null;
  /** `YYYY-MM-DD`, or null when the row has no date (not granted yet) or a wrong one. */
  grantedAt: string | null;
  ok: boolean;
}

export interface GrantsVerdict {
  form: 'grants';
  unit: string;
  accepted: boolean;
  rows: GrantRow[];
  issues: Issue[];
  skipped: SkippedRow[];
  table?: TableLocation;
}

export type DateResult = { ok: true; value: string } | { ok: false; error: 'GRANT_DATE_INVALID' };

/** Excel's day 0 (serial numbers count days from 30/12/1899, its 1900 leap-year bug included). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** Serial numbers of plausible grant days (2000–2099); anything else in a number cell is not a date. */
const SERIAL_RANGE = { min: 36_526, max: 73_050 } as const;

/**
 * A date as Excel shows it (`dd/mm/yyyy`, the reader's text for a date cell), as typed (`d/m/yyyy`,
 * `dd-mm-yyyy`, `dd.mm.yyyy`), in ISO (`yyyy-mm-dd`), or a date cell left as its serial number.
 */
export function parseGrantDate(cell: Cell): DateResult {
  const text = cleanText(cell.text).replace(/\s+/g, '');
  const invalid = { ok: false, error: 'GRANT_DATE_INVALID' } as const;
  let iso: string | null = null;
  if (cell.numeric && /^\d+$/.test(text)) {
    const serial = Number(text);
    if (serial < SERIAL_RANGE.min || serial > SERIAL_RANGE.max) return invalid;
    iso = new Date(EXCEL_EPOCH_MS + serial * DAY_MS).toISOString().slice(0, 10);
  } else {
    const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
    const yearFirst = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    const pad = (part: string | undefined) => (part ?? '').padStart(2, '0');
    if (dayFirst) iso = `${dayFirst[3]}-${pad(dayFirst[2])}-${pad(dayFirst[1])}`;
    else if (yearFirst) iso = `${yearFirst[1]}-${pad(yearFirst[2])}-${pad(yearFirst[3])}`;
  }
  return iso !== null && isCalendarDate(iso) ? { ok: true, value: iso } : invalid;
}

export async function validateGrants(bytes: Uint8Array, context: GrantsContext): Promise<GrantsVerdict> {
  const limits = resolveFormLimits(context.limits);
  const base = { form: 'grants' as const, unit: context.unit };
  const found = await readFormTable(bytes, context.fileName, GRANTS_TABLE, limits);
  if (!found.ok) return { ...base, ...refusedFile(found.issue) };
  const { match, table } = found;
  const { columns } = table;

  const { data, skipped } = classifyRows(match, [columns.idNumber, columns.phone], (row) =>
    [columns.name, columns.nameExtra, columns.unit, columns.idNumber, columns.phone, columns.grantedAt].every(
      (column) => cellAt(row, column) === null,
    ),
  );
  if (data.length > limits.maxDataRows) return { ...base, ...refusedFile(tooManyRowsIssue(limits.maxDataRows), table) };

  const now = context.now ?? new Date();
  const today = vietnamIsoDate(now);
  const uploadYear = Number(today.slice(0, 4));
  const rowIssues: Issue[] = [];
  const datedRows = new Set<number>();
  const rows: GrantRow[] = data.map((sheetRow) => {
    const at = sheetRow.row;
    const idCell = cellAt(sheetRow, columns.idNumber);
    const dateCell = cellAt(sheetRow, columns.grantedAt);
    const phoneText = textAt(sheetRow, columns.phone);
    const phoneCell = cellAt(sheetRow, columns.phone);
    const phone = phoneCell ? normalizePhone(phoneCell) : null;
    const name = nameAt(sheetRow, table);
    const unit = textAt(sheetRow, columns.unit);
    const row: GrantRow = {
      row: at,
      name: name === '' ? null : name,
      unit: unit === '' ? null : unit,
      idNumber: idCell ? cleanText(idCell.text) : null,
      phone: phone?.ok ? phone.value : phoneText === '' ? null : phoneText,
      grantedAt: null,
      ok: true,
    };
    // No date: an official the centre has not granted yet (the export lists everyone). Nothing to check.
    if (!dateCell) return row;
    datedRows.add(at);
    const id = normalizeIdNumber(idCell, uploadYear);
    row.idNumber = id.value;
    rowIssues.push(...fieldIssues(id, at, 'idNumber'));
    const date = parseGrantDate(dateCell);
    if (!date.ok) {
      rowIssues.push(makeIssue(date.error, { row: at, column: 'grantedAt' }));
    } else if (date.value > today) {
      rowIssues.push(makeIssue('GRANT_DATE_IN_FUTURE', { row: at, column: 'grantedAt' }, { value: formatIsoDate(date.value) }));
    } else if (date.value < EARLIEST_GRANT_DATE) {
      rowIssues.push(
        makeIssue('GRANT_DATE_TOO_EARLY', { row: at, column: 'grantedAt' }, { value: formatIsoDate(date.value), limit: formatIsoDate(EARLIEST_GRANT_DATE) }),
      );
    } else {
      row.grantedAt = date.value;
    }
    return row;
  });
  const dated = rows.filter((row) => datedRows.has(row.row));
  rowIssues.push(...duplicateIssues(dated, (row) => [row.idNumber], 'GRANT_PERSON_DUPLICATE', 'idNumber'));

  const fileIssues: Issue[] = [];
  if (rows.length === 0) fileIssues.push(makeIssue('FILE_NO_DATA_ROWS'));
  else if (dated.length === 0) fileIssues.push(makeIssue('GRANTS_NO_DATES'));
  const issues = settleIssues(rows, fileIssues, rowIssues, byPosition);
  return { ...base, accepted: dated.length > 0 && !issues.some((i) => i.severity === 'error'), rows, issues, skipped, table };
}
