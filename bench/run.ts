/**
 * `npm run bench`: how validation time and memory grow with the number of rows, measured side by side in
 * one run on this machine. Each case runs in a fresh child process (so peak memory is its own), three
 * times; the median is kept. What matters is the ratio column: proportionate means 10× the rows cost
 * about 10× the time, and memory grows by the data, not by a constant factor of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsv, buildRosterXlsx } from '../test/support/workbooks.js';

const SIZES = [2_000, 10_000, 20_000] as const;
const RUNS = 3;

type Measure = { ms: number; peakRssMb: number; baselineRssMb: number; rows: number; accepted: boolean };

function officials(n: number): (string | number)[][] {
  return Array.from({ length: n }, (_, i) => [
    i + 1,
    'Nguyễn Thị Hoà',
    i % 3 === 0 ? 'BPMC huyện Phù Cát' : i % 3 === 1 ? 'Bộ phận một cửa xã Cát Hanh' : 'X. Cát Tài',
    `05218${i % 10}${String(i).padStart(6, '0')}`,
    `091${String(i).padStart(7, '0')}`,
  ]);
}

function measure(file: string): Measure {
  const runs = Array.from({ length: RUNS }, () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/validate-once.ts', file, '548'], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    return JSON.parse(out) as Measure;
  });
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(RUNS / 2)];
  if (!median?.accepted) throw new Error(`bench file ${file} was not accepted`);
  return median;
}

const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-'));
try {
  const results: { format: string; rows: number; bytes: number; m: Measure }[] = [];
  for (const format of ['xlsx', 'csv'] as const) {
    for (const size of SIZES) {
      const rows = officials(size);
      const header = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
      const bytes = format === 'xlsx' ? await buildRosterXlsx({ sender: 'UBND huyện Phù Cát', rows }) : buildCsv([header, ...rows], { quote: 'text' });
      const file = join(dir, `roster-${size}.${format}`);
      writeFileSync(file, bytes);
      results.push({ format, rows: size, bytes: bytes.length, m: measure(file) });
    }
  }

  const lines = ['format  rows     file KB   time ms   µs/row   time ×   peak MB   above baseline MB   memory ×'];
  for (const r of results) {
    const smallest = results.find((s) => s.format === r.format && s.rows === SIZES[0]);
    if (!smallest) continue;
    const above = r.m.peakRssMb - r.m.baselineRssMb;
    const smallestAbove = smallest.m.peakRssMb - smallest.m.baselineRssMb;
    lines.push(
      [
        r.format.padEnd(6),
        String(r.rows).padStart(6),
        (r.bytes / 1024).toFixed(0).padStart(11),
        r.m.ms.toFixed(0).padStart(9),
        ((r.m.ms * 1000) / r.rows).toFixed(0).padStart(8),
        (r.m.ms / smallest.m.ms).toFixed(1).padStart(8),
        r.m.peakRssMb.toFixed(0).padStart(9),
        above.toFixed(0).padStart(19),
        (above / smallestAbove).toFixed(1).padStart(10),
      ].join(' '),
    );
  }
  process.stdout.write(`validate(): ${RUNS} runs per case, median; × columns are against ${SIZES[0]} rows of the same format\n${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
