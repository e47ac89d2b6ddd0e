/**
 * The monthly report's data: what the store hands the report (results pointers and entries, grants, as agreed
 * with the intake side), the per-period figures the report freezes, and the report itself (contract 4 of
 * DESIGN.md, with extra fields). Plain records only; no DynamoDB shapes.
 */
import type { DeadlineStatus } from '../pipeline/rosters.js';
import type { Grant } from '../store/grants.js';
import type { CountedEntry, ResultsEntry, ResultsPointer } from '../store/results.js';

export type { CountedEntry, DeadlineStatus, Grant, ResultsEntry, ResultsPointer };

/** The first month of step 4 of the letter: accounts are counted from July 2021. */
export const FIRST_REPORT_PERIOD = '2021-07';

/** Officials and permissions of one work unit (a commune, the district's own shop, a department). */
export interface WorkUnitRoster {
  officials: number;
  granted: number;
}

/** One uploader unit's roster as it stood for a month: frozen once the month has ended. */
export interface RosterSnapshot {
  unit: string;
  officials: number;
  /** Officials whose permission was granted by the end of the month. */
  granted: number;
  /** Officials granted by the grants deadline. */
  grantedOnTime: number;
  rosterFirstReceivedAt: string | null;
  byWorkUnit: Record<string, WorkUnitRoster>;
}

/**
 * A unit's snapshot as frozen, with what the next month needs to derive its own without counting the unit
 * again: the roster version it was counted from, and the first grant date of its officials after the month
 * (null: none), when the count would move. Both are absent from snapshots frozen before.
 */
export interface FrozenRosterSnapshot extends RosterSnapshot {
  versionId?: string;
  nextGrantDate?: string | null;
}

/** A month's frozen rosters: when they were frozen and with which grants deadline (absent before). */
export interface FrozenRosters {
  snapshots: FrozenRosterSnapshot[];
  frozenAt: string | null;
  grantsDeadline: string | null;
}

/** One unit's results in one month, after the centre-over-unit rule. */
export interface UnitMonthResults {
  accountsCreated: number;
  byWorkUnit: Record<string, number>;
  /** The earliest file that brought this unit's figures (its own, or the centre's with rows for it). */
  firstReceivedAt: string | null;
}

/** A centre row that matched no roster: kept, counted, shown without the person. */
export interface UnattributedRow {
  row: number;
  count: number;
}

/** A month's results, per unit. `fingerprint` names the files they were computed from. */
export interface MonthResults {
  period: string;
  fingerprint: string;
  units: Record<string, UnitMonthResults>;
  unattributed: { rows: UnattributedRow[]; accountsCreated: number };
}

/** Accounts counted from July 2021 up to and including a month, for one unit: in total and per work unit. */
export interface UnitRunningTotal {
  accountsCreated: number;
  byWorkUnit: Record<string, number>;
}

/**
 * A month's figures with the running totals through it (the report's "since 7/2021" column), so that a
 * report reads its month and the one before, not every month since July 2021. `chain` names every month's
 * files from July 2021 to this one (each month's `fingerprint`, chained): the running totals hold exactly
 * while it does, so a late or replaced file in any earlier month is seen and the totals recomputed.
 */
export interface MonthTotals extends MonthResults {
  chain: string;
  cumulative: { units: Record<string, UnitRunningTotal>; unattributed: number };
}

export interface ReportDeadlines {
  /** ISO date (Vietnam), default 2021-06-25. */
  roster: string;
  /** ISO date (Vietnam), default 2021-06-30. */
  grants: string;
  /** Results of a month are due by this day of the following month (default 5). */
  resultsDay: number;
}

export interface CommuneReport {
  unitCode: string;
  unitName: string;
  officials: number;
  granted: number;
  accountsCreated: number;
  cumulative: number;
}

export interface UnitReport {
  unitCode: string;
  unitName: string;
  kind: 'district' | 'department';
  officials: number;
  granted: number;
  accountsCreated: number;
  cumulative: number;
  /** Accounts created in the previous month (null before July 2021). */
  previousMonth: number | null;
  /** `accountsCreated - previousMonth` (null when there is no previous month). */
  change: number | null;
  rosterStatus: DeadlineStatus;
  resultsStatus: DeadlineStatus;
  grantsStatus: DeadlineStatus;
  resultsReceivedAt: string | null;
  /** A district's communes, wards, townships and its own shop; empty for a department. */
  communes: CommuneReport[];
}

export interface ReportTotals {
  officials: number;
  granted: number;
  /** Every account counted in the month, unattributed rows included. */
  accountsCreated: number;
  cumulative: number;
  previousMonth: number | null;
  change: number | null;
  unitsReported: number;
  unitsMissing: number;
}

/** Contract 4 (period, totals, units with the seven named fields), with extra fields. */
export interface Report {
  period: string;
  /** The month has not ended (Vietnam time): figures may still change. */
  provisional: boolean;
  /** "số liệu tạm tính" when provisional, else null. */
  provisionalNote: string | null;
  generatedAt: string;
  deadlines: { roster: string; grants: string; results: string };
  totals: ReportTotals;
  units: UnitReport[];
  unattributed: { officials: number; accountsCreated: number; cumulative: number; rows: UnattributedRow[] };
}
