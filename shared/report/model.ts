/**
 * The report model, pure: rosters and grants become per-unit roster snapshots, each month's results files
 * become per-unit figures with the running totals through that month, and those become the report
 * (contract 4). No I/O, no clock: `now` is an input.
 */
import { createHash } from 'node:crypto';
import { deadlineStatus } from '../pipeline/rosters.js';
import { CENTRE_UNIT } from '../tokens.js';
import { addMonths, monthsBetween, vietnamMonth } from '../vn/time.js';
import { unitsInScope, uploaderUnits } from '../vn/units.js';
import {
  type CommuneReport,
  type DeadlineStatus,
  FIRST_REPORT_PERIOD,
  type FrozenRosterSnapshot,
  type Grant,
  type MonthResults,
  type MonthTotals,
  type Report,
  type ReportDeadlines,
  type CountedEntry,
  type ResultsPointer,
  type RosterSnapshot,
  type UnitMonthResults,
  type UnitReport,
  type UnitRunningTotal,
} from './types.js';

export const PROVISIONAL_NOTE = 'số liệu tạm tính';
export const DEFAULT_GRANTS_DEADLINE = '2021-06-30';
export const DEFAULT_RESULTS_DAY = 5;

/** The last calendar day of a month, `YYYY-MM-DD`. */
export function lastDayOf(period: string): string {
  const next = new Date(`${addMonths(period, 1)}-01T00:00:00Z`);
  return new Date(next.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/** The day a month's results are due: the `resultsDay`-th of the following month (clamped to its length). */
export function resultsDeadline(period: string, resultsDay: number): string {
  const following = addMonths(period, 1);
  const day = Math.min(resultsDay, Number(lastDayOf(following).slice(8, 10)));
  return `${following}-${String(day).padStart(2, '0')}`;
}

/** Whether `period` has ended at `now` (Vietnam time): only then may its figures be frozen. */
export function periodHasEnded(period: string, now: Date): boolean {
  return period < vietnamMonth(now);
}

// ── Rosters → snapshots ───────────────────────────────────────────────────────────────────────────────

export interface RosterInput {
  unit: string;
  /** The roster version the officials are from (kept with a frozen snapshot). */
  versionId?: string;
  firstReceivedAt: string | null;
  officials: readonly { idHash: string; workUnitCode: string }[];
}

/**
 * Each unit's officials and permissions as at the end of `period` (grants dated after it do not count yet),
 * with the first of those later dates: the month in which the unit's count moves although nothing changed.
 */
export function snapshotRosters(
  rosters: readonly RosterInput[],
  grants: readonly Grant[],
  period: string,
  grantsDeadline: string,
): FrozenRosterSnapshot[] {
  const grantedOn = new Map(grants.map((grant) => [grant.idHash, grant.grantedAt]));
  const asOf = lastDayOf(period);
  return rosters.map((roster) => {
    const byWorkUnit: RosterSnapshot['byWorkUnit'] = {};
    let granted = 0;
    let grantedOnTime = 0;
    let nextGrantDate: string | null = null;
    for (const official of roster.officials) {
      const figures = byWorkUnit[official.workUnitCode] ?? { officials: 0, granted: 0 };
      byWorkUnit[official.workUnitCode] = figures;
      figures.officials += 1;
      const day = grantedOn.get(official.idHash);
      if (day === undefined) continue;
      if (day <= asOf) {
        figures.granted += 1;
        granted += 1;
        if (day <= grantsDeadline) grantedOnTime += 1;
      } else if (nextGrantDate === null || day < nextGrantDate) {
        nextGrantDate = day;
      }
    }
    return {
      unit: roster.unit,
      officials: roster.officials.length,
      granted,
      grantedOnTime,
      rosterFirstReceivedAt: roster.firstReceivedAt,
      byWorkUnit,
      versionId: roster.versionId,
      nextGrantDate,
    };
  });
}

// ── Results files → a month's figures ─────────────────────────────────────────────────────────────────

/** Names the files a month's figures come from: when a file is replaced, cached figures are recomputed. */
export function resultsFingerprint(pointers: readonly ResultsPointer[]): string {
  const names = pointers.map((p) => `${p.scope}#${p.versionId}`).sort();
  return createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 32);
}

/** Whether counting a month's files needs the people's keyed hashes: the centre's file beside a unit's return. */
export function centreRuleApplies(pointers: readonly ResultsPointer[]): boolean {
  return pointers.some((p) => p.scope === CENTRE_UNIT) && pointers.some((p) => p.scope !== CENTRE_UNIT);
}

/**
 * One month's figures per unit. The centre's file counts for every row it has; a unit's own return counts
 * for that unit, except for an official the centre's file also names (same ID hash, else same phone hash):
 * there the centre's figure counts and the unit's is left out.
 */
export function monthResults(
  period: string,
  pointers: readonly ResultsPointer[],
  entriesByScope: ReadonlyMap<string, readonly CountedEntry[]>,
): MonthResults {
  const units: Record<string, UnitMonthResults> = {};
  const unattributed: MonthResults['unattributed'] = { rows: [], accountsCreated: 0 };
  const figuresOf = (unit: string) => (units[unit] ??= { accountsCreated: 0, byWorkUnit: {}, firstReceivedAt: null });
  const noteReceived = (unit: string, receivedAt: string) => {
    const figures = figuresOf(unit);
    if (figures.firstReceivedAt === null || receivedAt < figures.firstReceivedAt) figures.firstReceivedAt = receivedAt;
  };
  const add = (unit: string, entry: CountedEntry) => {
    const figures = figuresOf(unit);
    figures.accountsCreated += entry.count;
    const workUnit = entry.workUnitCode ?? unit;
    figures.byWorkUnit[workUnit] = (figures.byWorkUnit[workUnit] ?? 0) + entry.count;
  };

  const centre = pointers.find((p) => p.scope === CENTRE_UNIT);
  const centreEntries = centre ? (entriesByScope.get(CENTRE_UNIT) ?? []) : [];
  const centreIds = new Set(centreEntries.flatMap((e) => (e.idHash ? [e.idHash] : [])));
  const centrePhones = new Set(centreEntries.flatMap((e) => (e.phoneHash ? [e.phoneHash] : [])));
  for (const entry of centreEntries) {
    if (entry.unit === null) {
      unattributed.rows.push({ row: entry.row, count: entry.count });
      unattributed.accountsCreated += entry.count;
      continue;
    }
    add(entry.unit, entry);
    if (centre) noteReceived(entry.unit, centre.firstReceivedAt);
  }
  const namedByCentre = (entry: CountedEntry) =>
    (entry.idHash !== null && centreIds.has(entry.idHash)) || (entry.phoneHash !== null && centrePhones.has(entry.phoneHash));

  for (const pointer of pointers) {
    if (pointer.scope === CENTRE_UNIT) continue;
    noteReceived(pointer.scope, pointer.firstReceivedAt);
    for (const entry of entriesByScope.get(pointer.scope) ?? []) {
      if (!namedByCentre(entry)) add(pointer.scope, entry);
    }
  }
  unattributed.rows.sort((a, b) => a.row - b.row);
  return { period, fingerprint: resultsFingerprint(pointers), units, unattributed };
}

// ── Running totals: a month's figures plus every month before it ─────────────────────────────────────

/** Names the files of every month up to one: the previous month's chain followed by this month's fingerprint. */
export function chainFingerprint(previousChain: string | null, fingerprint: string): string {
  return createHash('sha256')
    .update(`${previousChain ?? ''}\n${fingerprint}`)
    .digest('hex')
    .slice(0, 32);
}

/** Each month's chain, July 2021 first: `pointersByMonth[i]` are the current results files of the i-th month. */
export function filesChains(pointersByMonth: readonly (readonly ResultsPointer[])[]): string[] {
  const chains: string[] = [];
  for (const pointers of pointersByMonth) chains.push(chainFingerprint(chains.at(-1) ?? null, resultsFingerprint(pointers)));
  return chains;
}

/** A month in which no results file arrived. */
export function emptyMonth(period: string): MonthResults {
  return monthResults(period, [], new Map());
}

/**
 * `month` with the running totals through it: `previous` (the month before, with its own running totals) plus
 * this month's figures. `previous` is null only for July 2021, where the totals start.
 */
export function addRunningTotals(previous: MonthTotals | null, month: MonthResults): MonthTotals {
  const expectedPrevious = month.period > FIRST_REPORT_PERIOD ? addMonths(month.period, -1) : null;
  // A skipped month would silently drop its accounts from every later total.
  if ((previous?.period ?? null) !== expectedPrevious) {
    throw new RangeError(`running totals of ${month.period} need ${expectedPrevious ?? 'no month'} before it, got ${previous?.period ?? 'none'}`);
  }
  const units: Record<string, UnitRunningTotal> = {};
  for (const [unit, total] of Object.entries(previous?.cumulative.units ?? {})) {
    units[unit] = { accountsCreated: total.accountsCreated, byWorkUnit: { ...total.byWorkUnit } };
  }
  for (const [unit, figures] of Object.entries(month.units)) {
    const total = units[unit] ?? { accountsCreated: 0, byWorkUnit: {} };
    units[unit] = total;
    total.accountsCreated += figures.accountsCreated;
    for (const [workUnit, count] of Object.entries(figures.byWorkUnit)) {
      total.byWorkUnit[workUnit] = (total.byWorkUnit[workUnit] ?? 0) + count;
    }
  }
  return {
    ...month,
    chain: chainFingerprint(previous?.chain ?? null, month.fingerprint),
    cumulative: { units, unattributed: (previous?.cumulative.unattributed ?? 0) + month.unattributed.accountsCreated },
  };
}

/**
 * Running totals of every month from July 2021 to the latest of `months`, from the figures alone (a month not
 * given had no results file). What the loader keeps month by month, computed at once: for tests and baselines.
 */
export function runningTotals(months: readonly MonthResults[]): MonthTotals[] {
  const latest = months.reduce<string | null>((last, month) => (last === null || month.period > last ? month.period : last), null);
  if (latest === null || latest < FIRST_REPORT_PERIOD) return [];
  const byPeriod = new Map(months.map((month) => [month.period, month]));
  const totals: MonthTotals[] = [];
  for (const period of monthsBetween(FIRST_REPORT_PERIOD, latest)) {
    totals.push(addRunningTotals(totals.at(-1) ?? null, byPeriod.get(period) ?? emptyMonth(period)));
  }
  return totals;
}

// ── The report ────────────────────────────────────────────────────────────────────────────────────────

export interface ReportInput {
  period: string;
  now: Date;
  deadlines: ReportDeadlines;
  /** The rosters as they stood for `period`. */
  rosters: readonly RosterSnapshot[];
  /**
   * The reported month and the one before, with their running totals (`runningTotals`, or kept by the
   * loader); other months are not read. A month not given counts as nothing received.
   */
  months: readonly MonthTotals[];
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

function grantsStatus(snapshot: RosterSnapshot | undefined): DeadlineStatus {
  if (!snapshot || snapshot.officials === 0 || snapshot.granted < snapshot.officials) return 'missing';
  return snapshot.grantedOnTime === snapshot.officials ? 'on-time' : 'late';
}

export function buildReport(input: ReportInput): Report {
  const { period, deadlines } = input;
  const byPeriod = new Map(input.months.map((month) => [month.period, month]));
  const previousPeriod = period > FIRST_REPORT_PERIOD ? addMonths(period, -1) : null;
  const current = byPeriod.get(period);
  const previous = previousPeriod ? byPeriod.get(previousPeriod) : undefined;
  const rosters = new Map(input.rosters.map((snapshot) => [snapshot.unit, snapshot]));
  const due = resultsDeadline(period, deadlines.resultsDay);

  const accountsOf = (month: MonthResults | undefined, unit: string) => month?.units[unit]?.accountsCreated ?? 0;
  const workUnitAccountsOf = (month: MonthResults | undefined, unit: string, workUnit: string) =>
    month?.units[unit]?.byWorkUnit[workUnit] ?? 0;
  const runningTotalOf = (unit: string) => current?.cumulative.units[unit];

  const units: UnitReport[] = uploaderUnits().map((unit) => {
    const snapshot = rosters.get(unit.code);
    const accountsCreated = accountsOf(current, unit.code);
    const previousMonth = previousPeriod ? accountsOf(previous, unit.code) : null;
    const receivedAt = current?.units[unit.code]?.firstReceivedAt ?? null;
    const communes: CommuneReport[] =
      unit.kind === 'district'
        ? unitsInScope(unit.code).map((workUnit) => ({
            unitCode: workUnit.code,
            unitName: workUnit.code === unit.code ? `Bộ phận một cửa ${unit.name}` : workUnit.name,
            officials: snapshot?.byWorkUnit[workUnit.code]?.officials ?? 0,
            granted: snapshot?.byWorkUnit[workUnit.code]?.granted ?? 0,
            accountsCreated: workUnitAccountsOf(current, unit.code, workUnit.code),
            cumulative: runningTotalOf(unit.code)?.byWorkUnit[workUnit.code] ?? 0,
          }))
        : [];
    return {
      unitCode: unit.code,
      unitName: unit.name,
      kind: unit.kind === 'district' ? 'district' : 'department',
      officials: snapshot?.officials ?? 0,
      granted: snapshot?.granted ?? 0,
      accountsCreated,
      cumulative: runningTotalOf(unit.code)?.accountsCreated ?? 0,
      previousMonth,
      change: previousMonth === null ? null : accountsCreated - previousMonth,
      rosterStatus: deadlineStatus(snapshot?.rosterFirstReceivedAt ?? null, deadlines.roster),
      resultsStatus: deadlineStatus(receivedAt, due),
      grantsStatus: grantsStatus(snapshot),
      resultsReceivedAt: receivedAt,
      communes,
    };
  });

  const unattributedOf = (month: MonthResults | undefined) => month?.unattributed.accountsCreated ?? 0;
  const unattributed = {
    officials: current?.unattributed.rows.length ?? 0,
    accountsCreated: unattributedOf(current),
    cumulative: current?.cumulative.unattributed ?? 0,
    rows: current?.unattributed.rows ?? [],
  };
  const accountsCreated = sum(units.map((u) => u.accountsCreated)) + unattributed.accountsCreated;
  const previousTotal = previousPeriod
    ? sum(units.map((u) => u.previousMonth ?? 0)) + unattributedOf(previous)
    : null;
  const provisional = !periodHasEnded(period, input.now);
  return {
    period,
    provisional,
    provisionalNote: provisional ? PROVISIONAL_NOTE : null,
    generatedAt: input.now.toISOString(),
    deadlines: { roster: deadlines.roster, grants: deadlines.grants, results: due },
    totals: {
      officials: sum(units.map((u) => u.officials)),
      granted: sum(units.map((u) => u.granted)),
      accountsCreated,
      cumulative: sum(units.map((u) => u.cumulative)) + unattributed.cumulative,
      previousMonth: previousTotal,
      change: previousTotal === null ? null : accountsCreated - previousTotal,
      unitsReported: units.filter((u) => u.resultsStatus !== 'missing').length,
      unitsMissing: units.filter((u) => u.resultsStatus === 'missing').length,
    },
    units,
    unattributed,
  };
}

/** The contract-4 view (every extra field dropped), for consumers that want exactly the contract. */
export function contractView(report: Report) {
  return {
    period: report.period,
    totals: {
      officials: report.totals.officials,
      granted: report.totals.granted,
      accountsCreated: report.totals.accountsCreated,
    },
    units: report.units.map((u) => ({
      unitCode: u.unitCode,
      officials: u.officials,
      granted: u.granted,
      accountsCreated: u.accountsCreated,
      cumulative: u.cumulative,
      rosterStatus: u.rosterStatus,
      resultsStatus: u.resultsStatus,
    })),
  };
}

/**
 * The units that lead and lag by accounts created this month, among units with a roster or figures: at most
 * `count` each, and never the same unit in both (with few such units, the top half leads, the rest lags).
 */
export function leadersAndLaggards(report: Report, count = 3): { leading: UnitReport[]; lagging: UnitReport[] } {
  const active = report.units.filter((u) => u.officials > 0 || u.accountsCreated > 0);
  const ordered = [...active].sort((a, b) => b.accountsCreated - a.accountsCreated || a.unitName.localeCompare(b.unitName, 'vi'));
  const leading = ordered.slice(0, Math.min(count, Math.ceil(ordered.length / 2)));
  const lagging = ordered.slice(leading.length).slice(-count).reverse();
  return { leading, lagging };
}
