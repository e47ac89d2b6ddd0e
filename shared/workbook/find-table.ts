/**
 * Finds a form's table in a workbook made by hand: a header row somewhere in the first rows of some
 * visible sheet, columns renamed (every alias of the form's header table: `ROSTER_HEADER_ALIASES` by
 * default), reordered, split ("Họ và tên đệm" + "Tên"), spread over two rows under merged cells, with a
 * "(1) (2) (3)…" numbering row under it, and the sender line "Đơn vị cung cấp: …" somewhere above.
 * The same search serves every form (roster, results, grants); a `TableSpec` says which labels name which
 * field, which fields a table cannot do without, and which issue codes explain a missing table.
 */
import type { IssueCode, IssueParams } from '../issues.js';
import { foldHeader, ROSTER_HEADER_ALIASES, SENDER_LABEL } from '../forms/roster.js';
import { foldText } from '../vn/text.js';
import type { SheetData, SheetRow, WorkbookData } from './types.js';

/** Rows of each sheet searched for the header (non-empty rows: blank lines above a title do not count). */
export const HEADER_SEARCH_ROWS = 30;

export type TableField = 'rowNumber' | 'name' | 'nameFirst' | 'nameLast' | 'unit' | 'idNumber' | 'phone' | 'count' | 'grantedAt';
/** Fields a header label can name (`nameLast` is only ever inferred from "Tên" beside a "Họ…" column). */
export type HeaderField = Exclude<TableField, 'nameLast'>;
/** 1-based column of each field found. A split name has `nameFirst` + `nameLast` and no `name`. */
export type TableColumns = Partial<Record<TableField, number>>;

export interface TableMatch {
  ok: true;
  sheet: SheetData;
  /** The (first) row of the header. */
  headerRow: number;
  /** The last row belonging to the header: the second header row and/or the column-numbering row. */
  headerEndRow: number;
  /** The "(1) (2) (3)…" row under the header, when there is one (not data; not in `dataRows`). */
  numberingRow: number | null;
  columns: TableColumns;
  /** The text after "Đơn vị cung cấp:" above the header, raw; '' when the label has no text; null when absent. */
  senderText: string | null;
  /** Rows below the header block, in order. */
  dataRows: SheetRow[];
}

export type TableNotFound = { ok: false; code: IssueCode; params?: IssueParams };

/** What a form's table looks like, for the search. */
export interface TableSpec {
  /** Header field → the labels people type for it (compared after `foldHeader`). */
  aliases: Readonly<Partial<Record<HeaderField, readonly string[]>>>;
  /** Each entry a group of fields of which the table needs at least one (e.g. the ID *or* the phone). */
  required: readonly (readonly HeaderField[])[];
  /** How the clerk calls each required field, for the "missing columns" message. */
  requiredLabels: Readonly<Partial<Record<HeaderField, string>>>;
  /** A row naming fewer required groups than this is not taken for a (faulty) header. */
  minGroupsForPartialHeader: number;
  /** The issues that explain a missing table, and a table missing columns (`detail`: the missing labels). */
  noTableCode: IssueCode;
  missingColumnsCode: IssueCode;
}

/** The four columns a roster cannot do without, and how the clerk calls them. */
const REQUIRED_FIELDS = ['name', 'unit', 'idNumber', 'phone'] as const;
type RequiredField = (typeof REQUIRED_FIELDS)[number];
export const REQUIRED_COLUMN_LABELS: Readonly<Record<RequiredField, string>> = {
  name: 'Họ và tên',
  unit: 'Đơn vị',
  idNumber: 'CMND/CCCD',
  phone: 'Số điện thoại',
};

/** The Appendix 2 roster: what `findTable` searches for unless told otherwise. */
export const ROSTER_TABLE: TableSpec = {
  aliases: ROSTER_HEADER_ALIASES,
  required: REQUIRED_FIELDS.map((field) => [field]),
  requiredLabels: REQUIRED_COLUMN_LABELS,
  minGroupsForPartialHeader: 2,
  noTableCode: 'FILE_NO_TABLE',
  missingColumnsCode: 'FILE_MISSING_COLUMNS',
};

/** Folded label → field, built once per spec. */
const foldedAliasCache = new WeakMap<TableSpec, ReadonlyMap<string, HeaderField>>();
function foldedAliases(spec: TableSpec): ReadonlyMap<string, HeaderField> {
  let folded = foldedAliasCache.get(spec);
  if (!folded) {
    folded = new Map(
      (Object.entries(spec.aliases) as [HeaderField, readonly string[]][]).flatMap(([field, labels]) =>
        labels.map((label) => [foldHeader(label), field] as const),
      ),
    );
    foldedAliasCache.set(spec, folded);
  }
  return folded;
}

const GIVEN_NAME_LABEL = foldHeader('Tên');

interface LabelledColumn {
  column: number;
  field: HeaderField;
  /** "Tên" alone: the given name when a "Họ…" column stands beside it, else the full name. */
  givenNameOnly: boolean;
}

function labelsOf(row: SheetRow, spec: TableSpec): Map<number, LabelledColumn> {
  const aliases = foldedAliases(spec);
  const labels = new Map<number, LabelledColumn>();
  row.cells.forEach((cell, index) => {
    if (!cell || cell.numeric) return;
    const field = aliases.get(foldHeader(cell.text));
    if (field) labels.set(index + 1, { column: index + 1, field, givenNameOnly: foldHeader(cell.text) === GIVEN_NAME_LABEL });
  });
  return labels;
}

/** Resolves labelled columns to fields: first column of each field wins; a split name needs both halves. */
function columnsOf(labels: Iterable<LabelledColumn>): TableColumns {
  const sorted = [...labels].sort((a, b) => a.column - b.column);
  const columns: TableColumns = {};
  const first = (field: HeaderField) => sorted.find((label) => label.field === field)?.column;
  for (const field of ['rowNumber', 'unit', 'idNumber', 'phone', 'count', 'grantedAt'] as const) {
    const column = first(field);
    if (column !== undefined) columns[field] = column;
  }
  const fullName = sorted.find((label) => label.field === 'name' && !label.givenNameOnly)?.column;
  const givenName = sorted.find((label) => label.field === 'name' && label.givenNameOnly)?.column;
  const familyName = first('nameFirst');
  if (fullName !== undefined) columns.name = fullName;
  else if (familyName !== undefined && givenName !== undefined) {
    columns.nameFirst = familyName;
    columns.nameLast = givenName;
  } else if (givenName !== undefined) columns.name = givenName;
  return columns;
}

const hasField = (columns: TableColumns, field: HeaderField) =>
  field === 'name' ? columns.name !== undefined || columns.nameFirst !== undefined : columns[field] !== undefined;

/** The required groups none of whose fields the header names. */
function missingGroups(columns: TableColumns, spec: TableSpec): (readonly HeaderField[])[] {
  return spec.required.filter((group) => !group.some((field) => hasField(columns, field)));
}

const fieldCount = (columns: TableColumns) => Object.keys(columns).length;

/** "(1)", "1", "[2]", "A", "(B)": a cell of the row that numbers the columns under a header. */
const COLUMN_NUMBER = /^[([]?\s*(\d{1,2}|[A-Za-z])\s*[)\]]?$/;

/** True for a row like "(1) (2) (3) (4) (5)": at least three cells, all column numbers, ascending. */
export function isNumberingRow(row: SheetRow): boolean {
  const values: number[] = [];
  for (const cell of row.cells) {
    if (!cell) continue;
    const match = COLUMN_NUMBER.exec(cell.text.trim());
    if (!match?.[1]) return false;
    const token = match[1];
    values.push(/\d/.test(token) ? Number(token) : token.toUpperCase().charCodeAt(0) - 64);
  }
  return values.length >= 3 && values.every((value, index) => index === 0 || value > (values[index - 1] ?? 0));
}

interface Candidate {
  sheet: SheetData;
  sheetIndex: number;
  /** Index in sheet.rows of the first header row, and of the last row of the header block. */
  startIndex: number;
  endIndex: number;
  numberingRow: number | null;
  columns: TableColumns;
  missing: (readonly HeaderField[])[];
}

/** The header read from one row, or from it and the row right below (labels under merged header cells). */
function candidatesAt(sheet: SheetData, sheetIndex: number, index: number, spec: TableSpec): Candidate[] {
  const row = sheet.rows[index];
  if (!row) return [];
  const top = labelsOf(row, spec);
  const found: Candidate[] = [];
  const make = (labels: Iterable<LabelledColumn>, endIndex: number): Candidate => {
    const columns = columnsOf(labels);
    return { sheet, sheetIndex, startIndex: index, endIndex, numberingRow: null, columns, missing: missingGroups(columns, spec) };
  };
  if (top.size > 0) found.push(make(top.values(), index));
  const below = sheet.rows[index + 1];
  if (top.size > 0 && below && below.row === row.row + 1) {
    const bottom = labelsOf(below, spec);
    const filled = below.cells.filter((cell) => cell !== null).length;
    // A second header row is mostly labels; a data row that happens to hold one alias ("Cơ quan") is not.
    if (bottom.size > 0 && bottom.size * 2 >= filled) {
      // The lower row names the sub-columns ("Họ và tên đệm" | "Tên" under a merged "Họ và tên") and
      // fills in columns the upper row leaves blank; it does not override other upper labels.
      const merged = new Map(top);
      for (const [column, label] of bottom) {
        const above = merged.get(column);
        if (!above || above.field === 'name' || above.field === 'nameFirst') merged.set(column, label);
      }
      found.push(make(merged.values(), index + 1));
    }
  }
  return found;
}

/** Better header: fewer missing required fields, then more fields, then more rows under it, then earlier. */
function isBetter(a: Candidate, b: Candidate | undefined): boolean {
  if (!b) return true;
  if (a.missing.length !== b.missing.length) return a.missing.length < b.missing.length;
  if (fieldCount(a.columns) !== fieldCount(b.columns)) return fieldCount(a.columns) > fieldCount(b.columns);
  const rowsBelow = (c: Candidate) => c.sheet.rows.length - c.endIndex;
  if (a.sheet !== b.sheet && rowsBelow(a) !== rowsBelow(b)) return rowsBelow(a) > rowsBelow(b);
  return false;
}

/** Length of the shortest prefix of `raw` that folds to the sender label, or -1. */
function senderLabelEnd(raw: string): number {
  const folded = foldText(raw);
  if (!SENDER_LABEL.test(folded)) return -1;
  // Folding may change lengths (decomposed accents, spaces), so find the raw prefix that folds to the label.
  const labelOnly = /^\s*don vi cung cap$/;
  for (let end = 1; end <= Math.min(raw.length, 80); end += 1) {
    if (labelOnly.test(foldText(raw.slice(0, end)))) return end;
  }
  return -1;
}

/** The sender line above the header: "Đơn vị cung cấp: X" in one cell, or the label and X in two. */
function senderTextAbove(sheet: SheetData, headerIndex: number): string | null {
  for (const row of sheet.rows.slice(0, headerIndex)) {
    for (let index = 0; index < row.cells.length; index += 1) {
      const cell = row.cells[index];
      if (!cell) continue;
      const end = senderLabelEnd(cell.text);
      if (end < 0) continue;
      const rest = cell.text.slice(end).replace(/^(?:\s|\p{M})*:?\s*/u, '');
      if (rest.trim() !== '') return rest;
      const next = row.cells.slice(index + 1).find((other) => other !== null && other.text.trim() !== '');
      return next ? next.text : '';
    }
  }
  return null;
}

/** The table of the form `spec` (the Appendix 2 roster by default), or the issue that explains why none was found. */
export function findTable(workbook: WorkbookData, spec: TableSpec = ROSTER_TABLE): TableMatch | TableNotFound {
  let best: Candidate | undefined;
  workbook.sheets.forEach((sheet, sheetIndex) => {
    const searched = Math.min(sheet.rows.length, HEADER_SEARCH_ROWS);
    for (let index = 0; index < searched; index += 1) {
      for (const candidate of candidatesAt(sheet, sheetIndex, index, spec)) {
        if (isBetter(candidate, best)) best = candidate;
      }
    }
  });

  if (!best) return { ok: false, code: spec.noTableCode };
  if (best.missing.length > 0) {
    const named = spec.required.length - best.missing.length;
    if (named < spec.minGroupsForPartialHeader) return { ok: false, code: spec.noTableCode };
    const labelOf = (field: HeaderField) => spec.requiredLabels[field] ?? field;
    return {
      ok: false,
      code: spec.missingColumnsCode,
      params: { detail: best.missing.map((group) => group.map(labelOf).join(' hoặc ')).join(', ') },
    };
  }

  const { sheet } = best;
  let endIndex = best.endIndex;
  let numberingRow: number | null = null;
  const afterHeader = sheet.rows[endIndex + 1];
  if (afterHeader && isNumberingRow(afterHeader)) {
    endIndex += 1;
    numberingRow = afterHeader.row;
  }
  const headerRow = sheet.rows[best.startIndex]?.row ?? 0;
  return {
    ok: true,
    sheet,
    headerRow,
    headerEndRow: sheet.rows[endIndex]?.row ?? headerRow,
    numberingRow,
    columns: best.columns,
    senderText: senderTextAbove(sheet, best.startIndex),
    dataRows: sheet.rows.slice(endIndex + 1),
  };
}
