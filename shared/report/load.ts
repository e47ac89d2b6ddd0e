/**
 * Everything one report needs, from Queries keyed by period and unit (never a Scan):
 *
 * - the rosters as they stood for the month: for an ended month, its frozen snapshot (one Query) or, the
 *   first time, the current rosters (one Query for the pointers, one per unit with a roster) and the grants
 *   (one paged Query), frozen then; for the month in progress, always the current ones;
 * - each month's figures from July 2021 on: the results pointers (one Query per month) and, unless the
 *   month's figures are already kept for exactly those files (one Query), the entries of each current file
 *   (one Query per file), kept for next time once the month has ended.
 *
 * So a report costs O(months) Queries once past months are kept, and O(units + months) the first time.
 */
import { mapWithConcurrency } from '../store/batch.js';
import type { ReportStore } from '../store/reports.js';
import type { Official, RosterPointer } from '../store/types.js';
import { monthsBetween } from '../vn/time.js';
import { monthResults, periodHasEnded, resultsFingerprint, snapshotRosters } from './model.js';
import {
  FIRST_REPORT_PERIOD,
  type Grant,
  type MonthResults,
  type ReportDeadlines,
  type ResultsEntry,
  type ResultsPointer,
  type RosterSnapshot,
} from './types.js';

/** What the report reads of the intake's data (the roster store, and the results and grants modules). */
export interface ReportSource {
  listRosterPointers(): Promise<RosterPointer[]>;
  listVersionOfficials(unit: string, versionId: string): Promise<Official[]>;
  listGrants(): Promise<Grant[]>;
  listResultsPointers(period: string): Promise<ResultsPointer[]>;
  listResultsEntries(period: string, scope: string, versionId: string): Promise<ResultsEntry[]>;
}

const QUERY_CONCURRENCY = 8;

export interface LoadedReportData {
  rosters: RosterSnapshot[];
  months: MonthResults[];
  /** Whether the rosters came from a frozen snapshot (an ended month reported before). */
  rostersFrozen: boolean;
}

async function currentRosterSnapshots(source: ReportSource, period: string, grantsDeadline: string): Promise<RosterSnapshot[]> {
  const pointers = await source.listRosterPointers();
  const [rosters, grants] = await Promise.all([
    mapWithConcurrency(pointers, QUERY_CONCURRENCY, async (pointer) => ({
      unit: pointer.unit,
      firstReceivedAt: pointer.firstReceivedAt,
      officials: await source.listVersionOfficials(pointer.unit, pointer.versionId),
    })),
    source.listGrants(),
  ]);
  return snapshotRosters(rosters, grants, period, grantsDeadline);
}

async function loadMonth(source: ReportSource, store: ReportStore, period: string, now: Date): Promise<MonthResults> {
  const pointers = await source.listResultsPointers(period);
  const ended = periodHasEnded(period, now);
  if (ended) {
    const kept = await store.getMonthResults(period, resultsFingerprint(pointers));
    if (kept) return kept;
  }
  const entries = await mapWithConcurrency(pointers, QUERY_CONCURRENCY, async (pointer) => {
    return [pointer.scope, await source.listResultsEntries(period, pointer.scope, pointer.versionId)] as const;
  });
  const results = monthResults(period, pointers, new Map(entries));
  if (ended && pointers.length > 0) await store.putMonthResults(results, now);
  return results;
}

export async function loadReportData(
  source: ReportSource,
  store: ReportStore,
  input: { period: string; now: Date; deadlines: ReportDeadlines },
): Promise<LoadedReportData> {
  const { period, now } = input;
  let rosters: RosterSnapshot[] | undefined;
  let rostersFrozen = false;
  if (periodHasEnded(period, now)) {
    rosters = await store.getRosterSnapshots(period);
    rostersFrozen = rosters !== undefined;
    if (!rosters) {
      rosters = await currentRosterSnapshots(source, period, input.deadlines.grants);
      // Nothing to freeze before the first roster arrives: a later report of the month may still find some.
      if (rosters.length > 0) await store.putRosterSnapshots(period, rosters, now);
    }
  } else {
    rosters = await currentRosterSnapshots(source, period, input.deadlines.grants);
  }
  const periods = period < FIRST_REPORT_PERIOD ? [] : monthsBetween(FIRST_REPORT_PERIOD, period);
  const months = await mapWithConcurrency(periods, 4, (month) => loadMonth(source, store, month, now));
  return { rosters, months, rostersFrozen };
}
