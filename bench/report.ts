/**
 * The monthly report at national scale against a Scan of the whole table, for bench/run.ts:
 * `node --import tsx bench/report.ts [--units N] [--per-unit K] [--months M] [--entries E] [--rounds R]`.
 *
 * A synthetic data set is written into the embedded dynalite through the real stores (no measurement):
 * N units (synthetic codes: the loader takes whatever units have a roster pointer), each with a current roster
 * of K officials; a grant for every fifth official; M months of the centre's results files ending with the
 * reported month, E rows each (one row per official who created accounts that month, attributed to its
 * unit). Then, as in production, every earlier month has been reported once (its figures kept, its rosters
 * frozen) before the reported month's first report.
 *
 * Measured, round after round, for the reported month (which has ended): the month's first report (the
 * report's kept items of that month are deleted before it: it derives the rosters from the month before's
 * frozen ones, computes the month from its files, keeps its figures and running totals and freezes the
 * rosters), then the Scan baseline, then the same report again, finding them kept (the
 * report is `loadReportData` + `buildReport`, what `cli report --json` runs before it writes the workbook).
 * Against: a parallel Scan of the whole table (4 segments) whose items are grouped and fed to the same pure
 * model functions: what a report without keyed reads would cost. Then a past month's results file is
 * replaced (a correction, four months after July 2021) and the report made again: the running totals of
 * every month from it on must follow. Every answer is compared with the Scan's, per unit and per month (the
 * same figures, or the run fails). Prints one JSON line: the measures and the request counts.
 */
import { performance } from 'node:perf_hooks';
import { QueryCommand, type QueryCommandOutput, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../infra/local/stack.js';
import { batchWrite, mapWithConcurrency } from '../shared/store/batch.js';
import { reportSourceFrom } from '../shared/report/deps.js';
import { loadReportData } from '../shared/report/load.js';
import { buildReport, DEFAULT_GRANTS_DEADLINE, DEFAULT_RESULTS_DAY, monthResults, runningTotals, snapshotRosters } from '../shared/report/model.js';
import type { RosterInput } from '../shared/report/model.js';
import { FIRST_REPORT_PERIOD, type Grant, type MonthTotals, type Report, type ReportDeadlines, type ResultsEntry, type ResultsPointer, type RosterSnapshot } from '../shared/report/types.js';
import { createReportStore } from '../shared/store/reports.js';
import { CENTRE_UNIT } from '../shared/tokens.js';
import { addMonths, monthsBetween } from '../shared/vn/time.js';

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name}: a positive whole number expected`);
  return value;
};

const UNITS = option('units', 10_000);
const PER_UNIT = option('per-unit', 10);
const MONTHS = option('months', 24);
const ENTRIES = option('entries', 10_000);
const ROUNDS = option('rounds', 3);
const PERIOD = addMonths(FIRST_REPORT_PERIOD, MONTHS - 1);
/** Ten days into the month after the reported one: the reported month has ended. */
const NOW = new Date(`${addMonths(PERIOD, 1)}-10T03:00:00Z`);
const DEADLINES: ReportDeadlines = { roster: '2021-06-25', grants: DEFAULT_GRANTS_DEADLINE, resultsDay: DEFAULT_RESULTS_DAY };
const WRITE_CONCURRENCY = 8;
const SCAN_SEGMENTS = 4;

const unitCode = (index: number) => `N${String(index).padStart(5, '0')}`;
const log = (text: string) => process.stderr.write(`bench report: ${text}\n`);

export interface ReportBenchResult {
  scale: { units: number; officials: number; grants: number; months: number; entriesPerMonth: number; tableItems: number; period: string };
  setupSeconds: number;
  /** The Scan baseline, per round: time, DynamoDB requests and items read. */
  scan: Measures;
  /** Per round, after the reported month's kept items were forgotten: the month's first report. */
  firstReports: Measures;
  /** Per round, right after the Scan: the same report again, finding the month kept. */
  keptReports: Measures;
  /** After a past month's file was replaced: the report that recomputes from it, then kept again. */
  afterCorrection: { period: string; recomputed: Measures; keptAgain: Measures; scanMs: number[] };
}

/** One kind of report, per round: time, DynamoDB requests and items read. */
export interface Measures {
  ms: number[];
  requests: Record<string, number>[];
  itemsRead: number[];
}

const stack = await startLocalStack({ port: 0, quiet: true, logLevel: 'ERROR', now: () => NOW });
try {
  const { store, results, grants, hashPersonId } = stack.deps;
  const { doc } = stack.clients;
  const tableName = stack.tableName;
  const reports = createReportStore({ doc, tableName });
  const source = reportSourceFrom(stack.deps);

  // ── Counting what each side sends (the document client shares this client's middleware stack) ──────
  let requests: Record<string, number> = {};
  let itemsRead = 0;
  stack.clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const command = context.commandName ?? 'unknown';
      requests[command] = (requests[command] ?? 0) + 1;
      const output = result.output as { Count?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
      itemsRead += output.Count ?? (output.Item ? 1 : 0);
      return result;
    },
    { step: 'initialize', name: 'benchReportCounter' },
  );
  const counted = async <T>(run: () => Promise<T>) => {
    requests = {};
    itemsRead = 0;
    const started = performance.now();
    const value = await run();
    // A copy: the counters go on counting whatever runs next.
    return { value, ms: performance.now() - started, requests: { ...requests }, itemsRead };
  };

  // ── The synthetic data set, through the real stores ─────────────────────────────────────────────────
  const setupStarted = performance.now();
  const idOf = (unit: number, row: number) => `0${String(unit).padStart(6, '0')}${String(row).padStart(5, '0')}`;
  const officialHash = new Map<number, string>();
  const hashOf = (unit: number, row: number) => {
    const index = unit * PER_UNIT + row;
    let hash = officialHash.get(index);
    if (hash === undefined) {
      hash = hashPersonId(idOf(unit, row));
      officialHash.set(index, hash);
    }
    return hash;
  };
  const receivedAt = new Date('2021-06-20T03:00:00Z');
  await mapWithConcurrency(
    Array.from({ length: UNITS }, (_, unit) => unit),
    WRITE_CONCURRENCY,
    async (unit) => {
      const code = unitCode(unit);
      const versionId = `v-${code}`;
      const officials = Array.from({ length: PER_UNIT }, (_, row) => ({
        row: row + 7,
        name: 'Nguyễn Thị Hoà',
        workUnitCode: code,
        idNumber: idOf(unit, row),
        phone: `09${String(unit * PER_UNIT + row).padStart(8, '0')}`,
        idHash: hashOf(unit, row),
        sharedWith: [],
      }));
      await store.writeRosterVersion(code, versionId, officials);
      await store.flipRoster(
        { unit: code, versionId, uploadId: `u-${code}`, orderKey: `k-${code}`, officialCount: PER_UNIT, receivedAt },
        receivedAt,
      );
    },
  );
  log(`rosters written: ${UNITS} units, ${UNITS * PER_UNIT} officials (${((performance.now() - setupStarted) / 1000).toFixed(0)} s)`);

  const granted = Array.from({ length: Math.floor((UNITS * PER_UNIT) / 5) }, (_, i) => {
    const index = i * 5;
    return { idHash: hashOf(Math.floor(index / PER_UNIT), index % PER_UNIT), grantedAt: i % 2 ? '2021-06-28' : '2021-08-15' };
  });
  await grants.recordGrants(granted, { orderKey: 'grants-1', receivedAt: new Date('2021-09-01T03:00:00Z'), source: 'bench' });
  log(`grants recorded: ${granted.length} (${((performance.now() - setupStarted) / 1000).toFixed(0)} s)`);

  const periods = monthsBetween(FIRST_REPORT_PERIOD, PERIOD);
  const officialsInAll = UNITS * PER_UNIT;
  /** The centre's file of a month (`version` 0: the original; later ones replace it with other counts). */
  const writeCentreFile = async (period: string, monthIndex: number, version: number) => {
    // A different sample of officials each month, spread over every unit.
    const stride = Math.max(1, Math.floor(officialsInAll / ENTRIES));
    const entries: ResultsEntry[] = Array.from({ length: Math.min(ENTRIES, officialsInAll) }, (_, i) => {
      const index = (i * stride + monthIndex) % officialsInAll;
      const unit = Math.floor(index / PER_UNIT);
      return {
        row: i + 7,
        idHash: hashOf(unit, index % PER_UNIT),
        phoneHash: null,
        name: 'Nguyễn Thị Hoà',
        count: 1 + ((i + monthIndex + version * 3) % 9),
        unit: unitCode(unit),
        workUnitCode: unitCode(unit),
      };
    });
    const versionId = `r-${period}-${version}`;
    await results.writeResultsVersion(period, CENTRE_UNIT, versionId, entries);
    const received = new Date(`${addMonths(period, 1)}-03T03:00:00Z`);
    const flipped = new Date(received.getTime() + version * 86_400_000);
    await results.flipResults(
      {
        period,
        scope: CENTRE_UNIT,
        versionId,
        uploadId: `u-${period}-${version}`,
        orderKey: `k-${period}-${String(version).padStart(3, '0')}`,
        receivedAt: flipped,
        rowCount: entries.length,
        total: entries.reduce((total, entry) => total + entry.count, 0),
      },
      flipped,
    );
    // As the intake does: the replaced version's rows go (the Scan would otherwise read them too).
    if (version > 0) await results.deleteResultsVersion(period, CENTRE_UNIT, `r-${period}-${version - 1}`);
  };
  for (const [monthIndex, period] of periods.entries()) await writeCentreFile(period, monthIndex, 0);
  log(`results written: ${periods.length} months × ${ENTRIES} rows (${((performance.now() - setupStarted) / 1000).toFixed(0)} s)`);

  // Each earlier month was reported once when it ended: its figures are kept and its rosters frozen.
  if (periods.length > 1) {
    await loadReportData(source, reports, { period: addMonths(PERIOD, -1), now: NOW, deadlines: DEADLINES });
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  log(`earlier months reported (${setupSeconds.toFixed(0)} s)`);

  /**
   * What both sides must agree on: every unit's roster figures and every month's per-unit accounts (the
   * report's own table lists the province's directory, which synthetic units are not in), and the report.
   */
  interface Answer {
    rosters: readonly RosterSnapshot[];
    /** The months the report read (the reported one and the one before); the Scan computes every month. */
    months: readonly MonthTotals[];
    report: Report;
  }
  const sortedEntries = <T>(record: Record<string, T>) => Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  /** Both sides' figures for the months the report read: per unit, the month's and the running totals. */
  const figuresOf = (answer: Answer, periods: readonly string[]): string =>
    JSON.stringify({
      rosters: [...answer.rosters]
        .sort((a, b) => a.unit.localeCompare(b.unit))
        .map((r) => [r.unit, r.officials, r.granted, r.grantedOnTime, r.rosterFirstReceivedAt, sortedEntries(r.byWorkUnit)]),
      months: periods.map((period) => {
        const m = answer.months.find((month) => month.period === period);
        if (!m) return [period, 'missing'];
        return [
          m.period,
          m.chain,
          sortedEntries(m.units).map(([unit, f]) => [unit, f.accountsCreated, sortedEntries(f.byWorkUnit), f.firstReceivedAt]),
          sortedEntries(m.cumulative.units).map(([unit, t]) => [unit, t.accountsCreated, sortedEntries(t.byWorkUnit)]),
          m.unattributed,
          m.cumulative.unattributed,
        ];
      }),
      totals: answer.report.totals,
      units: answer.report.units,
    });
  /** The baseline must answer what the report answers, or the comparison means nothing. */
  const checkSame = (report: Answer, scan: Answer, when: string) => {
    const periods = report.months.map((month) => month.period);
    if (periods.length !== Math.min(2, MONTHS) || figuresOf(report, periods) !== figuresOf(scan, periods)) {
      throw new Error(`the Scan baseline and the report disagree (${when})`);
    }
  };

  // ── The two sides ───────────────────────────────────────────────────────────────────────────────────
  const report = async (): Promise<Answer> => {
    const data = await loadReportData(source, reports, { period: PERIOD, now: NOW, deadlines: DEADLINES });
    const built = buildReport({ period: PERIOD, now: NOW, deadlines: DEADLINES, rosters: data.rosters, months: data.months });
    return { rosters: data.rosters, months: data.months, report: built };
  };

  const scanWholeTable = async (): Promise<Record<string, unknown>[]> => {
    const segments = await Promise.all(
      Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
        const items: Record<string, unknown>[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page: ScanCommandOutput = await doc.send(
            new ScanCommand({ TableName: tableName, Segment: segment, TotalSegments: SCAN_SEGMENTS, ExclusiveStartKey: startKey }),
          );
          items.push(...(page.Items ?? []));
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return items;
      }),
    );
    return segments.flat();
  };

  /** The same report from a Scan: every item read, grouped by type, then the same pure model. */
  const scanReport = async (): Promise<Answer> => {
    const items = await scanWholeTable();
    const str = (item: Record<string, unknown>, name: string) => String(item[name] ?? '');
    const rosterPointers = items.filter((item) => item.type === 'roster-pointer');
    const officialsByVersion = new Map<string, { idHash: string; workUnitCode: string }[]>();
    const grantList: Grant[] = [];
    const resultsPointers = new Map<string, ResultsPointer[]>();
    const entriesByVersion = new Map<string, ResultsEntry[]>();
    for (const item of items) {
      if (item.type === 'official') {
        const list = officialsByVersion.get(str(item, 'pk')) ?? [];
        list.push({ idHash: str(item, 'idHash'), workUnitCode: str(item, 'workUnitCode') });
        officialsByVersion.set(str(item, 'pk'), list);
      } else if (item.type === 'roster-chunk') {
        // Many officials to an item (shared/store/store.ts): the receipt and the ID hashes, in the same order.
        const list = officialsByVersion.get(str(item, 'pk')) ?? [];
        const receipt = JSON.parse(str(item, 'receipt')) as { workUnitCode: string }[];
        const idHashes = JSON.parse(str(item, 'idHashes')) as string[];
        for (const [index, entry] of receipt.entries()) list.push({ idHash: idHashes[index] ?? '', workUnitCode: entry.workUnitCode });
        officialsByVersion.set(str(item, 'pk'), list);
      } else if (item.type === 'grant') {
        grantList.push({ idHash: str(item, 'idHash'), grantedAt: str(item, 'grantedAt'), recordedAt: str(item, 'recordedAt') });
      } else if (item.type === 'results-pointer') {
        const list = resultsPointers.get(str(item, 'period')) ?? [];
        list.push(item as unknown as ResultsPointer);
        resultsPointers.set(str(item, 'period'), list);
      } else if (item.type === 'results-row') {
        const versionKey = `${str(item, 'period')}#${str(item, 'scope')}#${str(item, 'versionId')}`;
        const list = entriesByVersion.get(versionKey) ?? [];
        list.push(item as unknown as ResultsEntry);
        entriesByVersion.set(versionKey, list);
      }
    }
    const rosters: RosterInput[] = rosterPointers.map((pointer) => ({
      unit: str(pointer, 'unit'),
      versionId: str(pointer, 'versionId'),
      firstReceivedAt: str(pointer, 'firstReceivedAt'),
      officials: officialsByVersion.get(`ROSTER#${str(pointer, 'unit')}#${str(pointer, 'versionId')}`) ?? [],
    }));
    const months = runningTotals(
      periods.map((period) => {
        const pointers = resultsPointers.get(period) ?? [];
        const entries = new Map(pointers.map((p) => [p.scope, entriesByVersion.get(`${period}#${p.scope}#${p.versionId}`) ?? []] as const));
        return monthResults(period, pointers, entries);
      }),
    );
    const snapshots = snapshotRosters(rosters, grantList, PERIOD, DEADLINES.grants);
    return { rosters: snapshots, months, report: buildReport({ period: PERIOD, now: NOW, deadlines: DEADLINES, rosters: snapshots, months }) };
  };

  /** Forgets what the reported month's reports kept (snapshot, totals), so the next report is its first. */
  const forgetReportedMonth = async () => {
    const keys: { pk: string; sk: string }[] = [];
    for (const prefix of ['SNAPSHOT', 'TOTALS']) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `PERIOD#${PERIOD}`, ':prefix': prefix },
            ProjectionExpression: 'pk, sk',
            ExclusiveStartKey: startKey,
          }),
        );
        keys.push(...((page.Items ?? []) as { pk: string; sk: string }[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    await batchWrite(doc, tableName, keys.map((key) => ({ DeleteRequest: { Key: key } })));
  };

  const emptyMeasures = (): Measures => ({ ms: [], requests: [], itemsRead: [] });
  const record = (measures: Measures, run: { ms: number; requests: Record<string, number>; itemsRead: number }) => {
    measures.ms.push(run.ms);
    measures.requests.push(run.requests);
    measures.itemsRead.push(run.itemsRead);
  };
  const measured: ReportBenchResult = {
    scale: { units: UNITS, officials: UNITS * PER_UNIT, grants: granted.length, months: MONTHS, entriesPerMonth: ENTRIES, tableItems: 0, period: PERIOD },
    setupSeconds,
    scan: emptyMeasures(),
    firstReports: emptyMeasures(),
    keptReports: emptyMeasures(),
    afterCorrection: { period: '', recomputed: emptyMeasures(), keptAgain: emptyMeasures(), scanMs: [] },
  };
  for (let round = 1; round <= ROUNDS; round++) {
    await forgetReportedMonth();
    const first = await counted(report);
    const byScan = await counted(scanReport);
    const kept = await counted(report);
    checkSame(first.value, byScan.value, `round ${round}, first report`);
    checkSame(kept.value, byScan.value, `round ${round}, kept`);
    record(measured.firstReports, first);
    record(measured.keptReports, kept);
    record(measured.scan, byScan);
    log(`round ${round}: first report ${first.ms.toFixed(0)} ms, kept ${kept.ms.toFixed(0)} ms, Scan ${byScan.ms.toFixed(0)} ms`);
  }

  // A correction: a past month's centre file replaced by one with other counts, between two reports.
  const corrected = periods[Math.min(4, periods.length - 1)] ?? PERIOD;
  measured.afterCorrection.period = corrected;
  for (let round = 1; round <= ROUNDS; round++) {
    await writeCentreFile(corrected, periods.indexOf(corrected), round);
    const recomputed = await counted(report);
    const byScan = await counted(scanReport);
    const keptAgain = await counted(report);
    checkSame(recomputed.value, byScan.value, `correction ${round}, recomputed`);
    checkSame(keptAgain.value, byScan.value, `correction ${round}, kept again`);
    record(measured.afterCorrection.recomputed, recomputed);
    record(measured.afterCorrection.keptAgain, keptAgain);
    measured.afterCorrection.scanMs.push(byScan.ms);
    log(`correction ${round} (${corrected}): report ${recomputed.ms.toFixed(0)} ms, kept again ${keptAgain.ms.toFixed(0)} ms, Scan ${byScan.ms.toFixed(0)} ms`);
  }
  measured.scale.tableItems = measured.scan.itemsRead.at(-1) ?? 0;
  process.stdout.write(`${JSON.stringify(measured)}\n`);
} finally {
  await stack.stop();
}
