/** Child process of bench/run.ts: validates one file and prints its own time and peak memory as JSON. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { validate } from '../shared/validate.js';

const [file, unit = '548'] = process.argv.slice(2);
if (!file) throw new Error('usage: validate-once FILE [UNIT]');
const bytes = new Uint8Array(readFileSync(file));
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const started = performance.now();
const verdict = await validate(bytes, { unit, form: 'roster', fileName: basename(file), now: new Date('2021-06-24T03:00:00Z') });
const ms = performance.now() - started;
// maxRSS is in KiB: the peak of the whole process, so the baseline (Node + modules) is reported beside it.
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ ms, peakRssMb, baselineRssMb, rows: verdict.rows.length, accepted: verdict.accepted }));
