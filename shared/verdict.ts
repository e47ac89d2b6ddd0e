/**
 * What validating a file concludes: the shape of contract 1 (the team's DESIGN.md, `validate --json`), plus where the
 * table was found (so the annotated workbook can point at the uploader's own cells).
 */
import { ISSUES, type IssueCode, type IssueParams } from './issues.js';

export const FORMS = ['roster'] as const;
export type FormName = (typeof FORMS)[number];

/** The logical columns of a roster; `null` in an issue means the issue is about a row or the file. */
export const ROSTER_COLUMNS = ['name', 'unit', 'idNumber', 'phone'] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** Columns of the results and grants forms (issue 8); an issue of those forms names one of these. */
export const RESULTS_COLUMNS = ['name', 'idNumber', 'phone', 'count'] as const;
export const GRANTS_COLUMNS = ['name', 'unit', 'idNumber', 'phone', 'grantedAt'] as const;
/** Any form's logical column: what an issue's `column` may name. */
export type IssueColumn = RosterColumn | (typeof RESULTS_COLUMNS)[number] | (typeof GRANTS_COLUMNS)[number];

export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SKIP_REASONS = ['blank', 'sample', 'footer'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface Issue {
  /** Row number as Excel shows it (1-based; for CSV, the line); null for a file-level issue. */
  row: number | null;
  column: IssueColumn | null;
  severity: Severity;
  code: IssueCode;
  /** Vietnamese, for the clerk: what is wrong and how to fix it. */
  message: string;
}

export interface RosterRow {
  row: number;
  /** Normalized values; where a value could not be normalized, the cleaned text as typed (or null when empty). */
  name: string | null;
  unitCode: string | null;
  idNumber: string | null;
  phone: string | null;
  ok: boolean;
}

export interface SkippedRow {
  row: number;
  reason: SkipReason;
}

/** Where the table sits in the uploaded workbook: sheet, header row, and the 1-based column of each field. */
export interface TableLocation {
  sheet: string;
  headerRow: number;
  /** For a name split over two columns, `name` is the first and `nameExtra` the second. */
  columns: Partial<Record<IssueColumn | 'nameExtra', number>>;
}

export interface Verdict {
  form: FormName;
  unit: string;
  accepted: boolean;
  rows: RosterRow[];
  issues: Issue[];
  skipped: SkippedRow[];
  /** Absent when no table was found (unreadable file, no header). */
  table?: TableLocation;
}

/** Builds an issue from the catalogue: severity and Vietnamese message come from the code. */
export function makeIssue(
  code: IssueCode,
  where: { row?: number | null; column?: IssueColumn | null } = {},
  params: IssueParams = {},
): Issue {
  const entry = ISSUES[code];
  return {
    row: where.row ?? null,
    column: where.column ?? null,
    severity: entry.severity,
    code,
    message: entry.message(params),
  };
}

/** The contract-1 JSON object (without the internal table location). */
export function verdictJson(verdict: Verdict): Omit<Verdict, 'table'> {
  const { form, unit, accepted, rows, issues, skipped } = verdict;
  return { form, unit, accepted, rows, issues, skipped };
}
