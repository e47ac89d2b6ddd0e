/**
 * `validate(bytes, context) → Verdict`: the roster engine. Pure (no AWS): read the workbook, find the
 * Appendix 2 table, classify every row below the header (data, blank, sample, footer), normalize each
 * field with the Vietnamese rules, and find duplicates within the file.
 */
import { InputError } from './errors.js';
import { FOOTER_TITLES, PLACE_AND_DATE_LINE, SAMPLE_NAMES, SAMPLE_UNITS, SENDER_LABEL } from './forms/roster.js';
import type { IssueCode, IssueParams } from './issues.js';
import {
  type FormName,
  type Issue,
  makeIssue,
  ROSTER_COLUMNS,
  type RosterColumn,
  type RosterRow,
  type SkippedRow,
  type TableLocation,
  type Verdict,
} from './verdict.js';
import { normalizeIdNumber } from './vn/id-number.js';
import { decodeLegacyText } from './vn/legacy-encoding.js';
import { normalizeName } from './vn/name.js';
import { normalizePhone } from './vn/phone.js';
import { cleanText, foldText, holdsPersonalNumber, looksLikeIdOrPhone, toneKey } from './vn/text.js';
import { vietnamIsoDate } from './vn/time.js';
import type { FieldResult } from './vn/types.js';
import { isUploaderUnit, resolveSender, resolveUnit, unitByCode } from './vn/units.js';
import { DUPLICATE_ROWS_NAMED, refusedFile, readFormTable, settleIssues, tooManyRowsIssue } from './validate-form.js';
import { ROSTER_TABLE } from './workbook/find-table.js';
import { DEFAULT_READ_LIMITS } from './workbook/read.js';
import type { Cell, SheetRow } from './workbook/types.js';

export interface ValidateContext {
  /** The uploader: a district-level unit code or a department code. */
  unit: string;
  form: FormName;
  fileName: string;
  /** The moment of upload; fixes the year used for the age check. */
  now?: Date;
  limits?: Partial<ValidateLimits>;
}

export interface ValidateLimits {
  maxFileBytes: number;
  maxUncompressedBytes: number;
  /** Data rows (blank, sample and footer rows not counted). */
  maxDataRows: number;
}

export const DEFAULT_LIMITS: ValidateLimits = {
  maxFileBytes: DEFAULT_READ_LIMITS.maxFileBytes,
  maxUncompressedBytes: DEFAULT_READ_LIMITS.maxUncompressedBytes,
  maxDataRows: 20_000,
};

// How many other rows a duplicate's message names (one rule for every form). Naming every one made the
// verdict quadratic: 20,000 rows with one phone number meant 20,000 messages of 20,000 row numbers each.
export { DUPLICATE_ROWS_NAMED };

const SAMPLE_NAME_KEYS = new Set(SAMPLE_NAMES.map(toneKey));
const SAMPLE_UNIT_KEYS = new Set(SAMPLE_UNITS.map(toneKey));
const FOOTER_TITLE_KEYS = new Set(FOOTER_TITLES.map(foldSignature));

export async function validate(bytes: Uint8Array, context: ValidateContext): Promise<Verdict> {
  if (!isUploaderUnit(context.unit)) throw new InputError(`Mã đơn vị không hợp lệ: ${context.unit}`);
  const limits = { ...DEFAULT_LIMITS, ...context.limits };
  const base = { form: context.form, unit: context.unit };
  const found = await readFormTable(bytes, context.fileName, ROSTER_TABLE, limits);
  if (!found.ok) return { ...base, ...refusedFile(found.issue) };
  const { match, table } = found;

  const fileIssues: Issue[] = [];
  const senderIssue = checkSender(match.senderText, context.unit, senderRowOf(match.sheet.rows, match.headerRow));
  if (senderIssue) fileIssues.push(senderIssue);

  const dataRows: RowFields[] = [];
  const skipped: SkippedRow[] = [];
  const rowIssues: Issue[] = [];
  let inFooter = false;
  let previousRow = match.headerEndRow;
  for (const sheetRow of match.dataRows) {
    // Readers keep only non-empty rows; the empty ones in between are blank rows of the table (or of the footer).
    for (let gap = previousRow + 1; gap < sheetRow.row; gap++) skipped.push({ row: gap, reason: inFooter ? 'footer' : 'blank' });
    previousRow = sheetRow.row;
    const fields = extractFields(sheetRow, table);
    // A row with an ID or phone number is an official's, even below what looked like the signature block:
    // better a row checked (and its errors shown) than an official silently left off an accepted roster.
    if (inFooter && holdsPersonalNumberIn(fields)) inFooter = false;
    if (inFooter || isFooterRow(fields)) {
      inFooter = true;
      skipped.push({ row: sheetRow.row, reason: 'footer' });
    } else if (!fields.name && !fields.unit && !fields.idNumber && !fields.phone) {
      skipped.push({ row: sheetRow.row, reason: 'blank' });
    } else if (isSampleRow(fields)) {
      skipped.push({ row: sheetRow.row, reason: 'sample' });
      rowIssues.push(makeIssue('SAMPLE_ROW_SKIPPED', { row: sheetRow.row }));
    } else {
      dataRows.push(fields);
      // Stop early: a hostile file must not cost time in proportion to what it claims beyond the bound.
      if (dataRows.length > limits.maxDataRows) {
        return { ...base, ...refusedFile(tooManyRowsIssue(limits.maxDataRows), table) };
      }
    }
  }

  const uploadYear = Number(vietnamIsoDate(context.now ?? new Date()).slice(0, 4));
  const resolve = cachedUnitResolver(context.unit);
  const rows: RosterRow[] = dataRows.map((fields) => {
    const { row, issues } = validateRow(fields, context.unit, resolve, uploadYear);
    rowIssues.push(...issues);
    return row;
  });
  rowIssues.push(...duplicateIssues(rows, 'idNumber', 'ID_DUPLICATE'), ...duplicateIssues(rows, 'phone', 'PHONE_DUPLICATE'));

  if (rows.length === 0) fileIssues.push(makeIssue('FILE_NO_DATA_ROWS'));
  const issues = settleIssues(rows, fileIssues, rowIssues, byPosition);
  return {
    ...base,
    accepted: rows.length > 0 && !issues.some((i) => i.severity === 'error'),
    rows,
    issues,
    skipped,
    table,
  };
}

/** One row's cells by logical column, legacy encodings decoded once, and their cleaned texts. */
interface RowFields {
  row: number;
  sheetRow: SheetRow;
  nameCells: Cell[];
  unitCell: Cell | null;
  idCell: Cell | null;
  phoneCell: Cell | null;
  name: string;
  unit: string;
  idNumber: string;
  phone: string;
  legacy: { column: RosterColumn; encoding: string; text: string }[];
}

function extractFields(sheetRow: SheetRow, table: TableLocation): RowFields {
  const { columns } = table;
  const legacy: RowFields['legacy'] = [];
  const decoded = (column: RosterColumn, index: number | undefined): Cell | null => {
    const cell = index === undefined ? null : (sheetRow.cells[index - 1] ?? null);
    if (!cell || cell.numeric) return cell;
    const result = decodeLegacyText(cell.text);
    if (!result.encoding) return cell;
    legacy.push({ column, encoding: result.encoding, text: cleanText(result.text) });
    return { text: result.text, numeric: false };
  };
  const nameCells = [decoded('name', columns.name), decoded('name', columns.nameExtra)].filter(
    (cell): cell is Cell => cell !== null && cleanText(cell.text) !== '',
  );
  const unitCell = decoded('unit', columns.unit);
  const idCell = cellAt(sheetRow, columns.idNumber);
  const phoneCell = cellAt(sheetRow, columns.phone);
  return {
    row: sheetRow.row,
    sheetRow,
    nameCells,
    unitCell,
    idCell,
    phoneCell,
    name: cleanText(nameCells.map((c) => c.text).join(' ')),
    unit: unitCell ? cleanText(unitCell.text) : '',
    idNumber: idCell ? cleanText(idCell.text) : '',
    phone: phoneCell ? cleanText(phoneCell.text) : '',
    legacy,
  };
}

function cellAt(sheetRow: SheetRow, column: number | undefined): Cell | null {
  return column === undefined ? null : (sheetRow.cells[column - 1] ?? null);
}

function foldSignature(text: string): string {
  return foldText(text).replace(/[.:]/g, '').replace(/\s+/g, ' ').trim();
}

function holdsPersonalNumberIn(fields: RowFields): boolean {
  return looksLikeIdOrPhone(fields.idNumber) || looksLikeIdOrPhone(fields.phone);
}

/**
 * The signature block under the table: its ID and phone cells hold no number, its unit cell names no unit,
 * and one of its texts (in any column) is a place-and-date line or a signing title. The unit test keeps an
 * official whose extra "Chức vụ" column reads "Phó Chủ tịch" from ending the table.
 */
function isFooterRow(fields: RowFields): boolean {
  if (holdsPersonalNumberIn(fields)) return false;
  const isSignature = (text: string) => {
    const folded = foldSignature(decodeLegacyText(text).text);
    return PLACE_AND_DATE_LINE.test(folded) || FOOTER_TITLE_KEYS.has(folded);
  };
  if (fields.unit !== '' && !isSignature(fields.unit)) return false;
  return fields.sheetRow.cells.some((cell) => cell !== null && !cell.numeric && isSignature(cell.text));
}

function isSampleRow(fields: RowFields): boolean {
  return (
    !fields.idNumber &&
    !fields.phone &&
    SAMPLE_NAME_KEYS.has(toneKey(fields.name)) &&
    (fields.unit === '' || SAMPLE_UNIT_KEYS.has(toneKey(fields.unit)))
  );
}

type UnitResolver = (text: string) => ReturnType<typeof resolveUnit>;

/** A roster names the same few units thousands of times: resolve each distinct text once per file. */
function cachedUnitResolver(uploaderUnit: string): UnitResolver {
  const cache = new Map<string, ReturnType<typeof resolveUnit>>();
  return (text) => {
    let resolution = cache.get(text);
    if (!resolution) {
      resolution = resolveUnit(text, uploaderUnit);
      cache.set(text, resolution);
    }
    return resolution;
  };
}

function validateRow(fields: RowFields, uploaderUnit: string, resolve: UnitResolver, uploadYear: number): { row: RosterRow; issues: Issue[] } {
  const at = fields.row;
  const issues: Issue[] = fields.legacy.map((l) =>
    makeIssue('LEGACY_ENCODING_CONVERTED', { row: at, column: l.column }, withoutPersonalNumbers({ detail: l.encoding, result: l.text })),
  );
  const name = normalizeName(fields.nameCells.length > 0 ? { text: fields.name, numeric: false } : null);
  const idNumber = normalizeIdNumber(fields.idCell, uploadYear);
  const phone = normalizePhone(fields.phoneCell);

  const record = (column: RosterColumn, result: FieldResult) => {
    if (result.ok) for (const warning of result.warnings) issues.push(makeIssue(warning, { row: at, column }));
    else issues.push(makeIssue(result.error, { row: at, column }, withoutPersonalNumbers(result.params ?? {})));
  };
  record('name', name);
  record('idNumber', idNumber);
  record('phone', phone);

  let unitCode: string | null = null;
  if (!fields.unit) {
    issues.push(makeIssue('UNIT_REQUIRED', { row: at, column: 'unit' }));
  } else {
    const resolved = resolve(fields.unit);
    if (resolved.ok) {
      unitCode = resolved.code;
      if (resolved.inexact) {
        const result = unitByCode(resolved.code)?.name ?? resolved.code;
        issues.push(makeIssue('UNIT_INEXACT', { row: at, column: 'unit' }, { ...quotable(fields.unit), result }));
      }
    } else {
      const uploader = unitByCode(uploaderUnit)?.name;
      issues.push(
        makeIssue(resolved.error, { row: at, column: 'unit' }, {
          ...quotable(fields.unit),
          candidates: resolved.candidates,
          ...(uploader ? { detail: uploader } : {}),
        }),
      );
    }
  }

  return {
    row: { row: at, name: name.value, unitCode, idNumber: idNumber.value, phone: phone.value, ok: true },
    issues,
  };
}

/** The text as `value` for a message, unless it holds what looks like an ID or phone number (columns shifted). */
function quotable(text: string): { value?: string } {
  return holdsPersonalNumber(text) ? {} : { value: text };
}

/**
 * The parameters of a message with every quoted text that may hold an ID or phone number left out. Each
 * normalizer decides what it quotes; this is the one place that makes sure none of it is a number typed
 * with separators or full-width digits, whatever the normalizer checked.
 */
function withoutPersonalNumbers(params: IssueParams): IssueParams {
  const safe: IssueParams = { ...params };
  for (const field of ['value', 'result', 'detail'] as const) {
    const text = safe[field];
    if (text !== undefined && holdsPersonalNumber(text)) delete safe[field];
  }
  if (safe.candidates) safe.candidates = safe.candidates.filter((text) => !holdsPersonalNumber(text));
  return safe;
}

/**
 * The same ID (or phone) on two rows: an error on every one of them, naming at most DUPLICATE_ROWS_NAMED of
 * the others and counting the rest, so that messages and the time to build them grow with the rows, not
 * with their square.
 */
function duplicateIssues(rows: RosterRow[], column: 'idNumber' | 'phone', code: IssueCode): Issue[] {
  const byValue = new Map<string, number[]>();
  for (const row of rows) {
    const value = row[column];
    if (!value) continue;
    const list = byValue.get(value);
    if (list) list.push(row.row);
    else byValue.set(value, [row.row]);
  }
  const issues: Issue[] = [];
  for (const rowNumbers of byValue.values()) {
    if (rowNumbers.length < 2) continue;
    // The first DUPLICATE_ROWS_NAMED + 1 rows always hold DUPLICATE_ROWS_NAMED others than the row itself.
    const head = rowNumbers.slice(0, DUPLICATE_ROWS_NAMED + 1);
    for (const at of rowNumbers) {
      const named = head.filter((r) => r !== at).slice(0, DUPLICATE_ROWS_NAMED);
      const moreRows = rowNumbers.length - 1 - named.length;
      issues.push(makeIssue(code, { row: at, column }, { rows: named, ...(moreRows > 0 ? { moreRows } : {}) }));
    }
  }
  return issues;
}

/** The row of the "Đơn vị cung cấp" line above the header, so its issue points at (and marks) that line. */
function senderRowOf(rows: readonly SheetRow[], headerRow: number): number | null {
  const line = rows.find((row) => row.row < headerRow && row.cells.some((cell) => cell !== null && SENDER_LABEL.test(foldText(cell.text))));
  return line?.row ?? null;
}

function checkSender(senderText: string | null, uploaderUnit: string, row: number | null): Issue | null {
  if (senderText === null) return null;
  const text = cleanText(decodeLegacyText(senderText).text);
  const sender = resolveSender(text, uploaderUnit);
  if (sender.kind === 'match') return null;
  if (sender.kind === 'unknown') return makeIssue('SENDER_UNKNOWN', { row });
  return makeIssue('SENDER_OUT_OF_SCOPE', { row }, { value: sender.name, detail: unitByCode(uploaderUnit)?.name ?? uploaderUnit });
}

const COLUMN_ORDER = new Map<string | null, number>([[null, -1], ...ROSTER_COLUMNS.map((c, i) => [c, i] as const)]);

function byPosition(a: Issue, b: Issue): number {
  return (a.row ?? 0) - (b.row ?? 0) || (COLUMN_ORDER.get(a.column) ?? 0) - (COLUMN_ORDER.get(b.column) ?? 0);
}
