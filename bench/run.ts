/**
 * `npm run bench [-- --quick]`: is anything slow? Every figure is a ratio to a floor measured in the same run
 * on the same machine (absolute times drift 3–5× here with the load): validate against a bare exceljs
 * `load` and its streaming reader; ingestion against a bare BatchWriteItem loop; upload-to-verdict against
 * validate plus bare writes, and a 20,000-row upload on a real `npm start` against `npm run cli -- validate` of
 * the same file (bench/stack-process.ts); each function bundle's cold import against an empty module; the CLI against
 * `node -e 0`; the monthly report on a national-scale synthetic data set against a Scan of the whole table
 * (bench/report.ts, `--only=report`). Cases and their floors run interleaved (round after round, never all of one then all of the
 * other), each in a fresh process, ≥ 5 rounds (3 with --quick); the table shows the median ratio and the
 * spread (lowest–highest) of the per-round ratios, cold (first call in the process) and warm (second call).
 * The figures also go to bench/results.json for comparison between commits; `--only=validate,cli` measures
 * only the rows whose subject starts so (and their floors), into bench/results.validate-cli.json. docs/PERFORMANCE.md says
 * what each row means.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { FUNCTION_BUNDLING, functionEsbuildOptions } from '../infra/constructs/intake-function.js';
import type { ChildMeasure } from './child.js';
import type { ReportBenchResult } from './report.js';
import { benchPeople, benchRoster } from './rows.js';
import { stackProcessSubjects } from './stack-process.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const QUICK = process.argv.includes('--quick');
/** `--only=validate,import`: the rows whose subject starts with one of these (and their floors), for a quicker look. */
const ONLY = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter(Boolean);
const ROUNDS = QUICK ? 3 : 5;
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_NO_WARNINGS: '1' };

// ── Running things ────────────────────────────────────────────────────────────────────────────────────

/** One measured thing: a child-process measurement, or a whole process timed from outside. */
interface Subject {
  id: string;
  run(): ChildMeasure;
}

function child(id: string, ...args: string[]): Subject {
  return {
    id,
    run: () => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/child.ts', ...args], { cwd: ROOT, env: ENV, encoding: 'utf8', maxBuffer: 1 << 24 });
      if (result.status !== 0) throw new Error(`${id}: ${result.stderr}`);
      return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as ChildMeasure;
    },
  };
}

/** A whole process, timed from spawn to exit: what the centre's staff wait for. */
function wholeProcess(id: string, command: string, args: string[], expectedStatus = 0): Subject {
  return {
    id,
    run: () => {
      const started = performance.now();
      const result = spawnSync(command, args, { cwd: ROOT, env: ENV, encoding: 'utf8', maxBuffer: 1 << 26 });
      const ms = performance.now() - started;
      if (result.status !== expectedStatus) throw new Error(`${id} exited ${result.status}: ${result.stderr}`);
      return { coldMs: ms, warmMs: null, peakAddedMb: 0 };
    },
  };
}

/**
 * A fresh plain-node process that imports one module and exits, timed from outside: what a Lambda cold
 * start adds before the first event (the empty module's process is the floor: Node's own start).
 */
function coldImport(id: string, file: string, env: Record<string, string>): Subject {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)});`;
  return {
    id,
    run: () => {
      const started = performance.now();
      const result = spawnSync(process.execPath, [...(env.NODE_OPTIONS ? [env.NODE_OPTIONS] : []), '--input-type=module', '-e', script], {
        cwd: ROOT,
        env: { ...ENV, ...env, NODE_OPTIONS: '' },
        encoding: 'utf8',
      });
      const ms = performance.now() - started;
      if (result.status !== 0) throw new Error(`${id}: ${result.stderr}`);
      return { coldMs: ms, warmMs: null, peakAddedMb: 0 };
    },
  };
}

/** The national-scale report against its Scan baseline, in one process (bench/report.ts). */
function runReportBench(): ReportBenchResult {
  // Writing the national data set takes 6–9 minutes here (dynalite, ~1,000 items/s under load); --quick
  // writes a fifth of it (the row's label states the scale measured).
  const scaleArgs = QUICK ? ['--units', '2000', '--entries', '2000', '--rounds', '3'] : ['--rounds', String(ROUNDS)];
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/report.ts', ...scaleArgs], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`report bench exited ${result.status}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as ReportBenchResult;
}

/** Issue #10: the report ≥ 10× faster than a Scan, so its time ≤ 0.1 × the Scan's. */
const REPORT_TARGET = 0.1;

// ── What is compared with what ────────────────────────────────────────────────────────────────────────

interface Row {
  label: string;
  subject: string;
  floor: string;
  /** The issue's target for the cold ratio, if it sets one. */
  target?: number;
  /** Compare peak memory too (added MB of the subject, and its ratio to the floor's). */
  memory?: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-'));
const results: Record<string, ChildMeasure[]> = {};

try {
  process.stderr.write(`bench: preparing files and bundles in ${dir}\n`);
  const files = {
    small: join(dir, 'roster-10.xlsx'),
    r200: join(dir, 'roster-200.xlsx'),
    r1k: join(dir, 'roster-1000.xlsx'),
    r20k: join(dir, 'roster-20000.xlsx'),
    r20kOnePhone: join(dir, 'roster-20000-one-phone.xlsx'),
  };
  writeFileSync(files.small, await benchRoster(benchPeople(10)));
  writeFileSync(files.r200, await benchRoster(benchPeople(200)));
  writeFileSync(files.r1k, await benchRoster(benchPeople(1_000)));
  writeFileSync(files.r20k, await benchRoster(benchPeople(20_000)));
  writeFileSync(files.r20kOnePhone, await benchRoster(benchPeople(20_000, { onePhone: true })));

  // The function bundles as CDK builds them, with the construct's own options (FUNCTION_BUNDLING in
  // infra/constructs/intake-function.ts: the AWS SDK inside), inside the repository so that what they leave
  // out (exceljs) resolves from node_modules as it does on Lambda from the asset's node_modules. Also the
  // process-upload bundle as deployed before the SDK was bundled: the SDK left out, loaded from
  // node_modules (CommonJS, as the runtime's copy is).
  const bundleDir = join(ROOT, 'node_modules', '.cache', 'motcua-bench');
  mkdirSync(bundleDir, { recursive: true });
  const bundles: Record<string, string> = {};
  for (const [name, entry, variants] of [
    ['api', 'functions/api/handler.ts', ['deployed', 'source maps']],
    ['process-upload', 'functions/process-upload/handler.ts', ['deployed', 'source maps', 'runtime SDK']],
  ] as const) {
    for (const variant of variants) {
      const sourceMap = variant === 'source maps';
      const suffix = { deployed: '', 'source maps': '-maps', 'runtime SDK': '-runtime-sdk' }[variant];
      const outfile = join(bundleDir, `${name}${suffix}.mjs`);
      await esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: [entry],
        outfile,
        ...functionEsbuildOptions(variant === 'runtime SDK' ? ['@aws-sdk/*', ...FUNCTION_BUNDLING.externalModules] : undefined),
        sourcemap: sourceMap,
        sourcesContent: false,
        logLevel: 'error',
      });
      bundles[`${name}${suffix}`] = outfile;
    }
  }
  const emptyModule = join(bundleDir, 'empty.mjs');
  writeFileSync(emptyModule, 'export {};\n');
  // What the handlers need at import time (configuration only; nothing is called).
  const functionEnv = { TABLE_NAME: 'bench', BUCKET_NAME: 'bench', TOKEN_SECRET: 'b'.repeat(40), AWS_REGION: 'ap-southeast-1' };
  const exceljsOnly = join(dir, 'exceljs-load.mjs');
  writeFileSync(
    exceljsOnly,
    `import { readFileSync } from 'node:fs'; import { createRequire } from 'node:module';
     const ExcelJS = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('exceljs');
     await new ExcelJS.Workbook().xlsx.load(readFileSync(process.argv[2]));\n`,
  );
  // Built now, so that no round measures a first build.
  const cliBuilt = spawnSync(process.execPath, ['cli/bundle-build.mjs'], { cwd: ROOT, env: ENV });
  if (cliBuilt.status !== 0) throw new Error('cli bundle did not build');

  const subjects: Subject[] = [
    ...(['r1k', 'r20k', 'r20kOnePhone'] as const).flatMap((size) => [
      child(`load:${size}`, 'load', files[size]),
      child(`stream:${size}`, 'stream', files[size]),
      child(`validate:${size}`, 'validate', files[size]),
    ]),
    child('ingest:200', 'ingest', '200'),
    child('bare-writes:200', 'bare-writes', '200'),
    child('ingest:2000', 'ingest', '2000'),
    child('bare-writes:2000', 'bare-writes', '2000'),
    child('ingest:20000', 'ingest', '20000'),
    child('bare-writes:20000', 'bare-writes', '20000'),
    child('verdict:200', 'verdict', files.r200),
    child('validate-and-writes:200', 'validate-and-writes', files.r200),
    child('verdict:20k', 'verdict', files.r20k, 'cold-only'),
    child('validate-and-writes:20k', 'validate-and-writes', files.r20k, 'cold-only'),
    coldImport('import:empty', emptyModule, {}),
    coldImport('import:api', bundles.api ?? '', functionEnv),
    coldImport('import:process-upload', bundles['process-upload'] ?? '', functionEnv),
    coldImport('import:process-upload-maps', bundles['process-upload-maps'] ?? '', { ...functionEnv, NODE_OPTIONS: '--enable-source-maps' }),
    coldImport('import:process-upload-runtime-sdk', bundles['process-upload-runtime-sdk'] ?? '', functionEnv),
    wholeProcess('node-e-0', process.execPath, ['-e', '0']),
    wholeProcess('cli-bundle:small', process.execPath, ['cli/bundle.mjs', 'validate', files.small, '--unit', '548', '--json']),
    wholeProcess('npm-cli:small', 'npm', ['run', '--silent', 'cli', '--', 'validate', files.small, '--unit', '548', '--json']),
    wholeProcess('tsx-cli:small', process.execPath, ['--import', 'tsx', 'cli/main.ts', 'validate', files.small, '--unit', '548', '--json']),
    wholeProcess('node-exceljs-load:20k', process.execPath, [exceljsOnly, files.r20k]),
    wholeProcess('npm-cli:20k', 'npm', ['run', '--silent', 'cli', '--', 'validate', files.r20k, '--unit', '548', '--json']),
    // After the CLI row it is compared with; a fresh `npm start` each round (bench/stack-process.ts).
    ...stackProcessSubjects('npm-start-upload:20k', files.r20k, ENV),
  ];

  const allRows: Row[] = [
    ...(
      [
        ['1,000 rows', 'r1k'],
        ['20,000 rows', 'r20k'],
        ['20,000 rows, one phone', 'r20kOnePhone'],
      ] as const
    ).flatMap(([label, size]) => [
      { label: `validate ${label} / exceljs load`, subject: `validate:${size}`, floor: `load:${size}`, memory: true, ...(size === 'r20k' ? { target: 1.2 } : {}) },
      { label: `validate ${label} / exceljs streaming reader`, subject: `validate:${size}`, floor: `stream:${size}`, memory: true },
    ]),
    { label: 'validate 20,000 rows, one phone / validate 20,000 rows', subject: 'validate:r20kOnePhone', floor: 'validate:r20k', target: 1.5 },
    { label: 'ingest 200 rows with matching / bare BatchWriteItem', subject: 'ingest:200', floor: 'bare-writes:200' },
    { label: 'ingest 2,000 rows with matching / bare BatchWriteItem', subject: 'ingest:2000', floor: 'bare-writes:2000' },
    // The issue's scale (20,000 rows): packed, 2,000 rows are one BatchWriteItem, so the marker and the matching
    // Queries, a fixed few requests, weigh more there than any per-row cost.
    { label: 'ingest 20,000 rows with matching / bare BatchWriteItem', subject: 'ingest:20000', floor: 'bare-writes:20000', target: 1.5 },
    { label: 'upload to verdict, 200 rows / validate + bare writes', subject: 'verdict:200', floor: 'validate-and-writes:200' },
    { label: 'upload to verdict, 20,000 rows / validate + bare writes', subject: 'verdict:20k', floor: 'validate-and-writes:20k', target: 2 },
    { label: 'cold import: api bundle / empty module', subject: 'import:api', floor: 'import:empty' },
    { label: 'cold import: process-upload bundle / empty module', subject: 'import:process-upload', floor: 'import:empty', target: 4 },
    { label: 'cold import: process-upload, --enable-source-maps / empty', subject: 'import:process-upload-maps', floor: 'import:empty' },
    {
      label: 'cold import: process-upload, AWS SDK left out, from node_modules as from the runtime (before) / empty',
      subject: 'import:process-upload-runtime-sdk',
      floor: 'import:empty',
    },
    { label: 'CLI validate 10 rows: node cli/bundle.mjs / node -e 0', subject: 'cli-bundle:small', floor: 'node-e-0' },
    { label: 'CLI validate 10 rows: npm run cli / node -e 0', subject: 'npm-cli:small', floor: 'node-e-0', target: 6 },
    { label: 'CLI validate 10 rows: tsx cli/main.ts (before) / node -e 0', subject: 'tsx-cli:small', floor: 'node-e-0' },
    { label: 'CLI validate 20,000 rows: npm run cli / node loading it with exceljs', subject: 'npm-cli:20k', floor: 'node-exceljs-load:20k', target: 1.6 },
    {
      label: 'upload to verdict on npm start, 20,000 rows: POST → verdict seen (polled every 0.2 s; start-up not included) / npm run cli validate, same file',
      subject: 'npm-start-upload:20k',
      floor: 'npm-cli:20k',
      target: 3,
    },
    { label: 'npm start: spawn → ready banner (same processes) / node -e 0', subject: 'npm-start-upload:20k:start-up', floor: 'node-e-0' },
  ];
  const selected = ONLY
    ? new Set(allRows.filter((row) => ONLY.some((prefix) => row.subject.startsWith(prefix))).flatMap((row) => [row.subject, row.floor]))
    : null;
  const measured = selected ? subjects.filter((subject) => selected.has(subject.id)) : subjects;
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`bench: round ${round}/${ROUNDS}`);
    for (const subject of measured) {
      const runs = results[subject.id] ?? [];
      runs.push(subject.run());
      results[subject.id] = runs;
      process.stderr.write('.');
    }
    process.stderr.write('\n');
  }

  const rows = allRows.filter((row) => results[row.subject] && results[row.floor]);

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  };
  const ratios = (subject: string, floor: string, pick: (m: ChildMeasure) => number | null) => {
    const a = results[subject] ?? [];
    const b = results[floor] ?? [];
    const perRound = a.flatMap((m, i) => {
      const x = pick(m);
      const y = b[i] ? pick(b[i]) : null;
      return x !== null && y !== null && y > 0 ? [x / y] : [];
    });
    return perRound.length > 0 ? { median: median(perRound), low: Math.min(...perRound), high: Math.max(...perRound) } : null;
  };
  const fmt = (r: { median: number; low: number; high: number } | null) => (r ? `${r.median.toFixed(2)} (${r.low.toFixed(2)}–${r.high.toFixed(2)})` : '—');
  const ms = (id: string, pick: (m: ChildMeasure) => number | null) => {
    const values = (results[id] ?? []).map(pick).filter((v): v is number => v !== null);
    return values.length > 0 ? median(values) : null;
  };

  const table = [
    `| what (subject / floor) | cold × floor, median (spread) | warm × floor | subject cold ms | floor cold ms | subject peak +MB | target | met |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const json: Record<string, unknown>[] = [];
  for (const row of rows) {
    const cold = ratios(row.subject, row.floor, (m) => m.coldMs);
    const warm = ratios(row.subject, row.floor, (m) => m.warmMs);
    const peak = row.memory ? ms(row.subject, (m) => m.peakAddedMb) : null;
    const met = row.target === undefined || !cold ? '' : cold.median <= row.target ? 'yes' : 'no';
    table.push(
      `| ${row.label} | ${fmt(cold)} | ${fmt(warm)} | ${ms(row.subject, (m) => m.coldMs)?.toFixed(0) ?? '—'} | ${ms(row.floor, (m) => m.coldMs)?.toFixed(0) ?? '—'} | ${peak === null ? '' : peak.toFixed(0)} | ${row.target === undefined ? '' : `≤ ${row.target}`} | ${met} |`,
    );
    json.push({ ...row, cold, warm, subjectColdMs: ms(row.subject, (m) => m.coldMs), floorColdMs: ms(row.floor, (m) => m.coldMs), peakAddedMb: peak });
  }
  // The national-scale report: one process writes the data set once, then alternates the report and the
  // Scan baseline (bench/report.ts).
  if (!ONLY || ONLY.some((prefix) => 'report'.startsWith(prefix) || prefix.startsWith('report'))) {
    const national = runReportBench();
    // Every round forgets what the month's reports kept, then makes its first report, the Scan, and the report again.
    const ratiosOf = (measures: { ms: number[] }) => {
      const perRound = measures.ms.map((ms, i) => ms / (national.scan.ms[i] ?? Number.NaN));
      return { median: median(perRound), low: Math.min(...perRound), high: Math.max(...perRound) };
    };
    const first = ratiosOf(national.firstReports);
    const kept = ratiosOf(national.keptReports);
    const { scale } = national;
    const label = `monthly report, ${scale.units.toLocaleString('en')} units, ${scale.officials.toLocaleString('en')} officials, ${scale.months} months × ${scale.entriesPerMonth.toLocaleString('en')} results rows / Scan baseline`;
    const met = (ratio: { median: number }) => (ratio.median <= REPORT_TARGET ? 'yes' : 'no');
    table.push(
      `| ${label} | ${fmt(first)} (first report of the month) | ${fmt(kept)} (kept) | ${median(national.firstReports.ms).toFixed(0)} (kept: ${median(national.keptReports.ms).toFixed(0)}) | ${median(national.scan.ms).toFixed(0)} |  | ≤ ${REPORT_TARGET} (10× faster) | ${met(first)} (kept: ${met(kept)}) |`,
    );
    json.push({ label, subject: 'report:national', floor: 'scan:national', target: REPORT_TARGET, first, kept, ...national });
  }

  const header = `npm run bench${QUICK ? ' --quick' : ''}: ${ROUNDS} rounds, interleaved, each case in a fresh process; ${new Date().toISOString()}, Node ${process.version}`;
  process.stdout.write(`${header}\n\n${table.join('\n')}\n`);
  writeFileSync(
    join(ROOT, 'bench', ONLY ? `results.${ONLY.join('-').replace(/[^\w-]/g, '_')}.json` : 'results.json'),
    `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, rounds: ROUNDS, rows: json, raw: results }, null, 2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
