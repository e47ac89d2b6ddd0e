/**
 * Everything one report needs, from Queries keyed by period and unit (never a Scan):
 *
 * - the rosters as they stood for the month: for an ended month, its frozen snapshot (one Query) or, the
 *   first time, the current rosters, frozen then; for the month in progress, always the current ones.
 *   Current rosters are derived from the month before's frozen snapshot: each unit's figures carry over
 *   unless its roster changed since that snapshot was frozen (the roster pointers filed on gsi1 under the
 *   time of their latest change, from a day before the freeze: one Query a month; a grants file marks the
 *   units it names), or one of its officials' grant dates falls in the month. Only those units are counted again,
 *   from a consistent read of their pointer, their rows and their officials' grants (BatchGetItem). Without
 *   a snapshot to derive from (the first month, or one frozen before this), every pointer, every unit's
 *   rows and every grant are read;
 * - the reported month and the month before, each with the running totals through it (the "since 7/2021"
 *   column): every month's results pointers since July 2021 (one small Query per month: they name the files,
 *   and their chain says whether kept totals still hold), then the two months' kept totals (one Query each).
 *   Totals not kept, or kept for other files (a late or replaced file in that month or any month before),
 *   are recomputed from the latest month whose kept totals still hold, month by month, and kept once the
 *   month has ended: a month whose own files changed (or that was never kept) from the entries of each
 *   current file (one Query per file); a later month whose own files did not change from its kept figures
 *   (only its running totals move). The month in progress is always computed from its files.
 *
 * So a month's first report reads the month before's kept figures, what changed since, and the month's own
 * results rows; a later one reads two months' figures, whatever the number of months or units.
 */
import { mapWithConcurrency } from '../store/batch.js';
import type { ReportStore } from '../store/reports.js';
import type { Official, RosterPointer } from '../store/types.js';
import { addMonths, monthsBetween, vietnamMonth } from '../vn/time.js';
import { addRunningTotals, centreRuleApplies, filesChains, lastDayOf, monthResults, periodHasEnded, resultsFingerprint, snapshotRosters } from './model.js';
import {
  FIRST_REPORT_PERIOD,
  type FrozenRosters,
  type FrozenRosterSnapshot,
  type Grant,
  type MonthResults,
  type MonthTotals,
  type ReportDeadlines,
  type CountedEntry,
  type ResultsPointer,
  type RosterSnapshot,
} from './types.js';

/** What the report reads of the intake's data (the roster store, and the results and grants modules). */
export interface ReportSource {
  listRosterPointers(): Promise<RosterPointer[]>;
  /** The pointers whose latest change fell in this Vietnam month, at or after `since` (gsi1). */
  listChangedRosterPointers(month: string, since: Date): Promise<RosterPointer[]>;
  /** A unit's pointer, read consistently. */
  getRosterPointer(unit: string): Promise<RosterPointer | undefined>;
  listVersionOfficials(unit: string, versionId: string): Promise<Official[]>;
  listGrants(): Promise<Grant[]>;
  getGrants(idHashes: readonly string[]): Promise<Grant[]>;
  listResultsPointers(period: string): Promise<ResultsPointer[]>;
  listCountedEntries(period: string, scope: string, versionId: string, options: { personKeys: boolean }): Promise<CountedEntry[]>;
}

const QUERY_CONCURRENCY = 8;
const WRITE_CONCURRENCY = 4;
/**
 * Past this many people, the grants of the units counted again are read with one paged Query of every grant
 * rather than a BatchGetItem per hundred people.
 */
const GRANTS_BY_KEY_MAX = 2_000;
/**
 * Changes are read from this long before the month before was frozen: a change a moment before the freeze
 * may not have reached the index yet (it is eventually consistent), and a grants file marks its units before
 * it writes (ingest-grants.ts), so a freeze between the two counted the older dates. Either is seconds to
 * minutes (a failed file is retried within the hour); counting a unit again costs one Query.
 */
const CHANGES_MARGIN_MS = 24 * 3600 * 1000;

export interface LoadedReportData {
  rosters: RosterSnapshot[];
  /** The reported month and the one before (when there is one), with their running totals. */
  months: MonthTotals[];
  /** Whether the rosters came from a frozen snapshot (an ended month reported before). */
  rostersFrozen: boolean;
}

/** The figures of these units' current rosters as at the end of `period`: pointer, rows and grants. */
async function countRosters(
  source: ReportSource,
  pointers: readonly RosterPointer[],
  period: string,
  grantsDeadline: string,
): Promise<FrozenRosterSnapshot[]> {
  const rosters = await mapWithConcurrency(pointers, QUERY_CONCURRENCY, async ({ unit, versionId, firstReceivedAt }) => ({
    unit,
    versionId,
    firstReceivedAt,
    officials: (await source.listVersionOfficials(unit, versionId)).map(({ idHash, workUnitCode }) => ({ idHash, workUnitCode })),
  }));
  const people = rosters.flatMap((roster) => roster.officials.map((official) => official.idHash));
  const grants = people.length === 0 ? [] : people.length > GRANTS_BY_KEY_MAX ? await source.listGrants() : await source.getGrants(people);
  return snapshotRosters(rosters, grants, period, grantsDeadline);
}

/** Whether a frozen month can be derived from: it says when it was frozen, with this deadline, from which versions. */
function derivable(frozen: FrozenRosters | undefined, grantsDeadline: string): frozen is FrozenRosters & { frozenAt: string } {
  return (
    frozen !== undefined &&
    frozen.frozenAt !== null &&
    frozen.grantsDeadline === grantsDeadline &&
    frozen.snapshots.every((snapshot) => snapshot.versionId !== undefined && snapshot.nextGrantDate !== undefined)
  );
}

/** The current rosters as at the end of `period`, derived from the month before's frozen ones when it can be. */
async function currentRosters(
  source: ReportSource,
  store: ReportStore,
  input: { period: string; now: Date; grantsDeadline: string },
): Promise<FrozenRosterSnapshot[]> {
  const { period, now, grantsDeadline } = input;
  const base = await store.getFrozenRosters(addMonths(period, -1));
  if (!derivable(base, grantsDeadline)) {
    return countRosters(source, await source.listRosterPointers(), period, grantsDeadline);
  }
  const since = new Date(Date.parse(base.frozenAt) - CHANGES_MARGIN_MS);
  const months = monthsBetween(vietnamMonth(since), vietnamMonth(now));
  const changed = await mapWithConcurrency(months, QUERY_CONCURRENCY, (month) => source.listChangedRosterPointers(month, since));
  const recount = new Set(changed.flat().map((pointer) => pointer.unit));
  const asOf = lastDayOf(period);
  for (const snapshot of base.snapshots) {
    if (snapshot.nextGrantDate != null && snapshot.nextGrantDate <= asOf) recount.add(snapshot.unit);
  }
  // Consistent reads: the index may still show a version whose rows a later flip has deleted.
  const pointers = await mapWithConcurrency([...recount], QUERY_CONCURRENCY, (unit) => source.getRosterPointer(unit));
  const recounted = await countRosters(
    source,
    pointers.filter((pointer) => pointer !== undefined),
    period,
    grantsDeadline,
  );
  const byUnit = new Map(base.snapshots.map((snapshot) => [snapshot.unit, snapshot]));
  for (const snapshot of recounted) byUnit.set(snapshot.unit, snapshot);
  return [...byUnit.values()].sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
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
  const personKeys = new Set(range.filter(({ pointers: monthPointers }) => centreRuleApplies(monthPointers)).map(({ month }) => month));
  const entries = await mapWithConcurrency(files, QUERY_CONCURRENCY, ({ month, pointer }) =>
    source.listCountedEntries(month, pointer.scope, pointer.versionId, { personKeys: personKeys.has(month) }),
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
    loadRosters(source, store, { period, now, grantsDeadline: input.deadlines.grants }),
    loadMonths(source, store, period, now),
  ]);
  if (rosters.status === 'rejected') throw rosters.reason;
  if (months.status === 'rejected') throw months.reason;
  return { ...rosters.value, months: months.value };
}

/** A snapshot without what only the next month's derivation needs. */
function reportedSnapshot({ versionId: _version, nextGrantDate: _next, ...snapshot }: FrozenRosterSnapshot): RosterSnapshot {
  return snapshot;
}

/** The rosters as they stood for `period`: frozen once it has ended, current while it is in progress. */
async function loadRosters(
  source: ReportSource,
  store: ReportStore,
  input: { period: string; now: Date; grantsDeadline: string },
): Promise<{ rosters: RosterSnapshot[]; rostersFrozen: boolean }> {
  const { period, now, grantsDeadline } = input;
  const ended = periodHasEnded(period, now);
  const frozen = ended ? await store.getFrozenRosters(period) : undefined;
  if (frozen) return { rosters: frozen.snapshots.map(reportedSnapshot), rostersFrozen: true };
  const current = await currentRosters(source, store, input);
  // Nothing to freeze before the first roster arrives: a later report of the month may still find some.
  if (ended && current.length > 0) {
    await Promise.all([
      store.putFrozenRosters(period, current, { now, grantsDeadline }),
      // Members an earlier version kept with the month before last (keyed ID hashes): nothing reads them.
      store.deleteRosterMembers(addMonths(period, -2)),
    ]);
  }
  return { rosters: current.map(reportedSnapshot), rostersFrozen: false };
}
