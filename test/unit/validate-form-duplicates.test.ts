/**
 * The same person on many lines of a results or grants file: an error on each line that names at most ten
 * of the others and counts the rest, as for rosters, so the verdict grows linearly with the file.
 */
import { describe, expect, it } from 'vitest';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { validateGrants } from '../../shared/validate-grants.js';
import { validateResults } from '../../shared/validate-results.js';
import { buildGrantsXlsx, buildResultsXlsx, type CellInput } from '../support/workbooks.js';

const ROWS = 3_000;
const NOW = new Date('2021-08-03T02:00:00Z');
const FIRST_DATA_ROW = 4;
const id = (i: number) => `05218${i % 10}${String(i).padStart(6, '0')}`;
const phone = (i: number) => `091${String(i).padStart(7, '0')}`;

const results = (row: (i: number) => CellInput[]) =>
  buildResultsXlsx({ rows: Array.from({ length: ROWS }, (_, i) => row(i)) }).then((bytes) =>
    validateResults(bytes, { unit: CENTRE_UNIT, period: '2021-07', fileName: 'ket-qua.xlsx', now: NOW }),
  );

describe('a person repeated on many lines of a results or grants file', () => {
  it.each([
    ['one ID number on every line', (i: number): CellInput[] => [i + 1, null, id(7), phone(i), 1]],
    ['one phone number on every line', (i: number): CellInput[] => [i + 1, null, id(i), phone(7), 1]],
    ['the same ID and phone on every line', (i: number): CellInput[] => [i + 1, null, id(7), phone(7), 1]],
  ])('results, %s: one error per line, ten rows named, the rest counted', async (_label, row) => {
    const verdict = await results(row);
    const duplicates = verdict.issues.filter((issue) => issue.code === 'RESULTS_PERSON_DUPLICATE');
    expect(duplicates).toHaveLength(ROWS);
    const first = duplicates.find((issue) => issue.row === FIRST_DATA_ROW);
    expect(first?.message).toContain(`và ${(ROWS - 11).toLocaleString('vi-VN')} dòng khác`);
    for (const issue of duplicates) expect(issue.message.length).toBeLessThan(400);
  });

  it('results: a line sharing its ID with one group and its phone with another counts the others of both once', async () => {
    // Lines 1–3 share an ID; lines 3–5 share a phone: line 3 is repeated on four other lines.
    const verdict = await validateResults(
      await buildResultsXlsx({
        rows: [
          [1, null, id(1), phone(1), 1],
          [2, null, id(1), phone(2), 1],
          [3, null, id(1), phone(9), 1],
          [4, null, id(4), phone(9), 1],
          [5, null, id(5), phone(9), 1],
        ],
      }),
      { unit: CENTRE_UNIT, period: '2021-07', fileName: 'ket-qua.xlsx', now: NOW },
    );
    const third = verdict.issues.find((issue) => issue.code === 'RESULTS_PERSON_DUPLICATE' && issue.row === FIRST_DATA_ROW + 2);
    expect(third?.message).toContain(`dòng ${[4, 5, 7, 8].join(', ')})`);
  });

  it('grants, one ID number on every line: one error per line, ten rows named, the rest counted', async () => {
    const bytes = await buildGrantsXlsx({
      rows: Array.from({ length: ROWS }, (_, i) => [i + 1, 'Nguyễn Văn An', 'Xã Cát Hanh', id(7), phone(i), '28/06/2021']),
    });
    const verdict = await validateGrants(bytes, { unit: CENTRE_UNIT, fileName: 'phan-quyen.xlsx', now: NOW });
    const duplicates = verdict.issues.filter((issue) => issue.code === 'GRANT_PERSON_DUPLICATE');
    expect(duplicates).toHaveLength(ROWS);
    expect(duplicates[0]?.message).toContain(`và ${(ROWS - 11).toLocaleString('vi-VN')} dòng khác`);
  });
});
