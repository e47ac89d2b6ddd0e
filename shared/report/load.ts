/**
 * Everything one report needs, from Queries keyed by period and unit (never a Scan):
 *
 * - the rosters as they stood for the month: for an ended month, its frozen snapshot (one Query) or, the
 *   first time, the current rosters and the grants (one paged Query), frozen then, with each roster
 *   version's members for the next month's reports (those kept two months before are deleted then); for
 *   the month in progress, always the current ones. Current rosters are the pointers (one Query) and each
 *   unit's officials: the members kept with the previous month's snapshot while the unit's roster is still
 *   that version (one paged Query for all), else its rows (one Query);
 * - the reported month and the month before, each with the running totals through it (the "since 7/2021"
 *   column): every month's results pointers since July 2021 (one small Query per month: they name the files,
 *   and their chain says whether kept totals still hold), then the two months' kept totals (one Query each).
 *   Totals not kept, or kept for other files (a late or replaced file in that month or any month before),
 *   are recomputed from the latest month whose kept totals still hold, month by month, and kept once the
 *   month has ended: a month whose own files changed (or that was never kept) from the entries of each
 *   current file (one Query per file); a later month whose own files did not change from its kept figures
 *   (only its running totals move). The month in progress is always computed from its files.
 *
 * So once past months are kept, a report reads two months' figures whatever the number of months, and a
 * corrected file costs one recomputation of the months from it on.
 */
import { mapWithConcurrency } from '../store/batch.js';
import type { ReportStore } from '../store/reports.js';
import type { Official, RosterPointer } from '../store/types.js';
import { addMonths, monthsBetween } from '../vn/time.js';
import { addRunningTotals, filesChains, monthResults, periodHasEnded, resultsFingerprint, snapshotRosters } from './model.js';
import {
  FIRST_REPORT_PERIOD,
  type Grant,
  type MonthResults,
  type MonthTotals,
  type ReportDeadlines,
  type ResultsEntry,
  type ResultsPointer,
  type RosterMembers,
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
const WRITE_CONCURRENCY = 4;

export interface LoadedReportData {
  rosters: RosterSnapshot[];
  /** The reported month and the one before (when there is one), with their running totals. */
  months: MonthTotals[];
  /** Whether the rosters came from a frozen snapshot (an ended month reported before). */
  rostersFrozen: boolean;
}

/**
 * The current rosters as at the end of `period`. Each unit's officials come from the members kept with the
 * previous month's snapshot when its roster is still the same version, else from its rows (one Query).
 */
async function currentRosters(
  source: ReportSource,
  store: ReportStore,
  period: string,
  grantsDeadline: string,
): Promise<{ snapshots: RosterSnapshot[]; members: RosterMembers[] }> {
  const [pointers, kept, grants] = await Promise.all([
    source.listRosterPointers(),
    store.getRosterMembers(addMonths(period, -1)),
    source.listGrants(),
  ]);
  const versionKey = (unit: string, versionId: string) => `${unit}#${versionId}`;
  const keptByVersion = new Map(kept.map((entry) => [versionKey(entry.unit, entry.versionId), entry]));
  const members = await mapWithConcurrency(pointers, QUERY_CONCURRENCY, async ({ unit, versionId }): Promise<RosterMembers> => {
    const known = keptByVersion.get(versionKey(unit, versionId));
    if (known) return known;
    const officials = await source.listVersionOfficials(unit, versionId);
    return { unit, versionId, officials: officials.map(({ idHash, workUnitCode }) => ({ idHash, workUnitCode })) };
  });
  const rosters = pointers.map((pointer, index) => ({
    unit: pointer.unit,
    firstReceivedAt: pointer.firstReceivedAt,
    officials: members[index]?.officials ?? [],
  }));
  return { snapshots: snapshotRosters(rosters, grants, period, grantsDeadline), members };
}

/** A month's own figures, without the running totals kept with them. */
function ownFigures(totals: MonthTotals): MonthResults {
  return { period: totals.period, fingerprint: totals.fingerprint, units: totals.units, unattributed: totals.unattributed };
}

/** The reported month and the one before, with running totals: kept where they still hold, else recomputed. */
async function loadMonths(source: ReportSource, store: ReportStore, period: string, now: Date): Promise<MonthTotals[]> {
  if (period < FIRST_REPORT_PERIOD) return [];
  const periods = monthsBetween(FIRST_REPORT_PERIOD, period);
  const pointers = await mapWithConcurrency(periods, QUERY_CONCURRENCY, (month) => source.listResultsPointers(month));
  const chains = filesChains(pointers);
  const periodAt = (index: number) => periods[index] ?? FIRST_REPORT_PERIOD;

  // Each month's kept totals are read at most once (one Query), and only for a month that has ended.
  const keptReads = new Map<number, Promise<MonthTotals | undefined>>();
  const keptAt = (index: number): Promise<MonthTotals | undefined> => {
    if (!periodHasEnded(periodAt(index), now)) return Promise.resolve(undefined);
    let read = keptReads.get(index);
    if (!read) {
      read = store.getMonthTotals(periodAt(index));
      keptReads.set(index, read);
    }
    return read;
  };
  /** The kept totals of a month if they were computed from today's files of that month and every month before. */
  const holdingAt = async (index: number) => {
    const kept = await keptAt(index);
    return kept?.chain === chains[index] ? kept : undefined;
  };

  const last = periods.length - 1;
  const wanted = last > 0 ? [last - 1, last] : [last];
  const holding = await Promise.all(wanted.map(holdingAt));
  const found = holding.filter((kept) => kept !== undefined);
  if (found.length === wanted.length) return found;

  // Recompute from the latest month whose kept totals still hold (none: from July 2021).
  let base: MonthTotals | null = null;
  const staleFrom = wanted[holding.indexOf(undefined)] ?? 0;
  if (staleFrom === last && last > 0) {
    base = holding[0] ?? null;
  } else {
    // Each earlier month's chain is one small item; only the month found is read whole.
    const earlier = Array.from({ length: staleFrom }, (_, index) => index).filter((index) => periodHasEnded(periodAt(index), now));
    const keptChains = await mapWithConcurrency(earlier, QUERY_CONCURRENCY, (index) => store.getMonthTotalsChain(periodAt(index)));
    for (let candidate = earlier.length - 1; candidate >= 0 && base === null; candidate--) {
      const index = earlier[candidate] ?? 0;
      if (keptChains[candidate] === chains[index]) base = (await holdingAt(index)) ?? null;
    }
  }

  // A month after the base whose own files did not change (only an earlier month's did) keeps its own
  // figures: only its running totals move, so its files are not read again.
  const from = base === null ? 0 : periods.indexOf(base.period) + 1;
  const range = periods.slice(from).map((month, offset) => ({ month, pointers: pointers[from + offset] ?? [], index: from + offset }));
  const kept = await mapWithConcurrency(range, QUERY_CONCURRENCY, ({ index }) => keptAt(index));
  const ownKept = range.map(({ pointers: files }, offset) => {
    const totals = kept[offset];
    return totals && totals.fingerprint === resultsFingerprint(files) ? ownFigures(totals) : undefined;
  });
  const files = range.flatMap(({ month, pointers: monthPointers }, offset) =>
    ownKept[offset] ? [] : monthPointers.map((pointer) => ({ month, pointer })),
  );
  const entries = await mapWithConcurrency(files, QUERY_CONCURRENCY, ({ month, pointer }) =>
    source.listResultsEntries(month, pointer.scope, pointer.versionId),
  );
  const computed: MonthTotals[] = [];
  for (const [offset, { month, pointers: monthPointers }] of range.entries()) {
    const figures =
      ownKept[offset] ??
      monthResults(
        month,
        monthPointers,
        new Map(files.flatMap((file, index) => (file.month === month ? [[file.pointer.scope, entries[index] ?? []] as const] : []))),
      );
    computed.push(addRunningTotals(computed.at(-1) ?? base, figures));
  }
  await mapWithConcurrency(
    computed.filter((totals) => periodHasEnded(totals.period, now)),
    WRITE_CONCURRENCY,
    (totals) => store.putMonthTotals(totals, now),
  );
  return [...(base ? [base] : []), ...computed].slice(-wanted.length);
}

export async function loadReportData(
  source: ReportSource,
  store: ReportStore,
  input: { period: string; now: Date; deadlines: ReportDeadlines },
): Promise<LoadedReportData> {
  const { period, now } = input;
  // Rosters and figures do not depend on each other: both are loaded at once. Both are awaited even when one
  // fails, so that no write goes on after this returns (on Lambda it would resume in the next invocation).
  const [rosters, months] = await Promise.allSettled([
    loadRosters(source, store, period, now, input.deadlines.grants),
    loadMonths(source, store, period, now),
  ]);
  if (rosters.status === 'rejected') throw rosters.reason;
  if (months.status === 'rejected') throw months.reason;
  return { ...rosters.value, months: months.value };
}

/** The rosters as they stood for `period`: frozen once it has ended, current while it is in progress. */
async function loadRosters(
  source: ReportSource,
  store: ReportStore,
  period: string,
  now: Date,
  grantsDeadline: string,
): Promise<{ rosters: RosterSnapshot[]; rostersFrozen: boolean }> {
  if (!periodHasEnded(period, now)) {
    return { rosters: (await currentRosters(source, store, period, grantsDeadline)).snapshots, rostersFrozen: false };
  }
  const frozen = await store.getRosterSnapshots(period);
  if (frozen) return { rosters: frozen, rostersFrozen: true };
  const current = await currentRosters(source, store, period, grantsDeadline);
  // Nothing to freeze before the first roster arrives: a later report of the month may still find some.
  if (current.snapshots.length > 0) {
    await store.putRosterMembers(period, current.members);
    await store.putRosterSnapshots(period, current.snapshots, now);
    // Read by the next month's reports only: the month before this one's are not needed any more.
    await store.deleteRosterMembers(addMonths(period, -2));
  }
  return { rosters: current.snapshots, rostersFrozen: false };
}
