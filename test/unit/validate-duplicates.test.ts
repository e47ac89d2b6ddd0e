/**
 * Duplicates in the largest roster the engine accepts (20,000 data rows). A file whose rows all share one
 * phone number, or one ID number, must cost what a clean file of the same size costs, within a constant
 * factor: one issue per row and per duplicated column, each message of bounded length naming at most
 * DUPLICATE_ROWS_NAMED other rows. (Naming every other row made 20,000 such rows run out of memory.)
 * Sizes and counts are asserted, never wall-clock time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DUPLICATE_ROWS_NAMED, DEFAULT_LIMITS, validate } from '../../shared/validate.js';
import { type Verdict, verdictJson } from '../../shared/verdict.js';
import { buildCsv, buildRosterXlsx } from '../support/workbooks.js';

const NOW = new Date('2021-06-24T03:00:00Z');
const ROWS = DEFAULT_LIMITS.maxDataRows;
const HEADER = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
/** The CSV's header is line 1, so data row i (from 0) is line i + 2. */
const FIRST_LINE = 2;
/** Longer than any message of the catalogue with ten row numbers and a count in it. */
const MAX_MESSAGE_LENGTH = 400;
/** A duplicate file's verdict holds the same rows as the clean one plus one short issue per row. */
const MAX_SIZE_RATIO = 5;

// 052 Bình Định, 0 = a man born in the 1900s, 85 = 1985; then a serial. Mobile numbers of Vinaphone.
const idNumber = (i: number) => `052085${String(i).padStart(6, '0')}`;
const phone = (i: number) => `0914${String(i).padStart(6, '0')}`;

function rosterCsv(idOf: (i: number) => string, phoneOf: (i: number) => string): Uint8Array {
  const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', idOf(i), phoneOf(i)]);
  return buildCsv([HEADER, ...rows]);
}

const check = (bytes: Uint8Array, fileName = 'danh-sach.csv') => validate(bytes, { unit: '546', form: 'roster', fileName, now: NOW });
const jsonBytes = (verdict: Verdict) => Buffer.byteLength(JSON.stringify(verdictJson(verdict)), 'utf8');

let clean: Verdict;
beforeAll(async () => {
  clean = await check(rosterCsv(idNumber, phone));
}, 120_000);

describe('a clean 20,000-row roster (the baseline)', () => {
  it('is accepted with no issue', () => {
    expect(clean.rows).toHaveLength(ROWS);
    expect(clean.issues).toEqual([]);
    expect(clean.accepted).toBe(true);
  });
});

describe.each([
  ['phone number', 'phone', 'PHONE_DUPLICATE', () => rosterCsv(idNumber, () => phone(0))],
  ['ID number', 'idNumber', 'ID_DUPLICATE', () => rosterCsv(() => idNumber(0), phone)],
] as const)('20,000 rows with one %s', (_what, column, code, build) => {
  let verdict: Verdict;
  beforeAll(async () => {
    verdict = await check(build());
  }, 120_000);

  it('is rejected with exactly one duplicate error per row, on that column', () => {
    expect(verdict.accepted).toBe(false);
    expect(verdict.rows).toHaveLength(ROWS);
    const duplicates = verdict.issues.filter((i) => i.code === code);
    expect(duplicates).toHaveLength(ROWS);
    expect(new Set(duplicates.map((i) => i.row)).size).toBe(ROWS);
    expect(duplicates.every((i) => i.column === column && i.severity === 'error')).toBe(true);
    expect(verdict.issues).toHaveLength(ROWS);
  });

  it(`names at most ${DUPLICATE_ROWS_NAMED} other rows in each message and counts the rest`, () => {
    const first = verdict.issues[0];
    const last = verdict.issues.at(-1);
    const others = ROWS - 1 - DUPLICATE_ROWS_NAMED;
    // 19.989 in Vietnamese digit grouping.
    const counted = `và ${others.toLocaleString('vi-VN')} dòng khác`;
    expect(first?.row).toBe(FIRST_LINE);
    expect(first?.message).toContain(`(dòng 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 ${counted})`);
    expect(last?.row).toBe(FIRST_LINE + ROWS - 1);
    expect(last?.message).toContain(`(dòng 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ${counted})`);
    expect(Math.max(...verdict.issues.map((i) => i.message.length))).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  it(`keeps the verdict JSON within ${MAX_SIZE_RATIO} times the clean file's`, () => {
    expect(jsonBytes(verdict)).toBeLessThanOrEqual(MAX_SIZE_RATIO * jsonBytes(clean));
  });
});

describe('a small duplicate group', () => {
  it('names every other row, with no count, when there are no more than ten of them', async () => {
    const people = Array.from({ length: DUPLICATE_ROWS_NAMED + 1 }, (_, i) => [i + 1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', idNumber(i), phone(0)]);
    const verdict = await check(await buildRosterXlsx({ rows: people }), 'danh-sach.xlsx');
    const messages = verdict.issues.filter((i) => i.code === 'PHONE_DUPLICATE').map((i) => i.message);
    expect(messages).toHaveLength(DUPLICATE_ROWS_NAMED + 1);
    expect(messages[0]).toContain('(dòng 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)');
    expect(messages[5]).toContain('(dòng 7, 8, 9, 10, 11, 13, 14, 15, 16, 17)');
    expect(messages.some((m) => m.includes('dòng khác)'))).toBe(false);
  });
});
