/**
 * The dashboard's Units view: every district and department with its roster state, links, grants and the
 * month's results, plus the province totals. Pure: it combines what the pipeline already computes.
 */
import type { DeadlineStatus, UnitRosterState } from '../pipeline/rosters.js';

export interface UnitRow {
  code: string;
  name: string;
  kind: 'district' | 'department';
  roster: UnitRosterState['roster'];
  officials: number;
  granted: number;
  deadline: DeadlineStatus;
  attempts: number;
  lastAttemptAt: string | null;
  receivedAt: string | null;
  link: { count: number; lastIssuedAt: string; lastExpiresAt: string } | null;
  /** The month's results: received from the unit, covered by the centre's statistics, or missing. */
  results: 'unit' | 'centre' | 'missing';
  resultsReceivedAt: string | null;
  email: string | null;
}

export interface UnitsOverview {
  period: string;
  deadline: string;
  totals: {
    units: number;
    accepted: number;
    rejected: number;
    none: number;
    onTime: number;
    late: number;
    missing: number;
    officials: number;
    granted: number;
    resultsReceived: number;
  };
  units: UnitRow[];
}

export interface UnitsOverviewInput {
  period: string;
  deadline: string;
  states: readonly UnitRosterState[];
  /** Officials granted, per uploader unit (current roster only). */
  grantedByUnit: ReadonlyMap<string, number>;
  /** When each unit's own results file for `period` arrived. */
  resultsReceivedAt: ReadonlyMap<string, string>;
  /** When the centre's statistics for `period` arrived (they cover every unit), or null. */
  centreResultsAt: string | null;
  emails: ReadonlyMap<string, readonly string[]>;
}

export function unitsOverview(input: UnitsOverviewInput): UnitsOverview {
  const units = input.states.map((state): UnitRow => {
    const own = input.resultsReceivedAt.get(state.unit.code) ?? null;
    return {
      code: state.unit.code,
      name: state.unit.name,
      kind: state.unit.kind === 'department' ? 'department' : 'district',
      roster: state.roster,
      officials: state.officials,
      granted: input.grantedByUnit.get(state.unit.code) ?? 0,
      deadline: state.deadline,
      attempts: state.attempts,
      lastAttemptAt: state.lastAttemptAt,
      receivedAt: state.receivedAt,
      link: state.link ? { count: state.link.count, lastIssuedAt: state.link.lastIssuedAt, lastExpiresAt: state.link.lastExpiresAt } : null,
      results: own ? 'unit' : input.centreResultsAt ? 'centre' : 'missing',
      resultsReceivedAt: own ?? input.centreResultsAt,
      email: input.emails.get(state.unit.code)?.[0] ?? null,
    };
  });
  const count = (predicate: (row: UnitRow) => boolean) => units.filter(predicate).length;
  const sum = (field: (row: UnitRow) => number) => units.reduce((total, row) => total + field(row), 0);
  return {
    period: input.period,
    deadline: input.deadline,
    totals: {
      units: units.length,
      accepted: count((u) => u.roster === 'accepted'),
      rejected: count((u) => u.roster === 'rejected'),
      none: count((u) => u.roster === 'none'),
      onTime: count((u) => u.deadline === 'on-time'),
      late: count((u) => u.deadline === 'late'),
      missing: count((u) => u.deadline === 'missing'),
      officials: sum((u) => u.officials),
      granted: sum((u) => u.granted),
      resultsReceived: count((u) => u.results !== 'missing'),
    },
    units,
  };
}
