/**
 * The running totals kept with each month's figures (the report's "since 7/2021" column): what a late,
 * replaced or missing file does to them, and the chain that tells the loader which kept totals still hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addRunningTotals,
  emptyMonth,
  filesChains,
  monthResults,
  runningTotals,
} from '../../../shared/report/model.js';
import { FIRST_REPORT_PERIOD, type MonthResults, type ResultsEntry, type ResultsPointer } from '../../../shared/report/types.js';
import { CENTRE_UNIT } from '../../../shared/tokens.js';
import { addMonths } from '../../../shared/vn/time.js';
import {
  AUGUST,
  entry,
  type FixtureMonth,
  JULY,
  NGO_MAY,
  NOI_VU,
  PHU_CAT,
  pointer,
  TT_VINH_THANH,
  VINH_THANH,
} from './fixtures.js';

const monthOf = (period: string, month: FixtureMonth) => monthResults(period, month.pointers, month.entries);

/** A fixture month with one more file (or one file replaced: same scope, another version). */
function withFile(period: string, month: FixtureMonth, scope: string, versionId: string, receivedAt: string, rows: ResultsEntry[]): FixtureMonth {
  const pointers: ResultsPointer[] = [...month.pointers.filter((p) => p.scope !== scope), pointer(period, scope, versionId, receivedAt, rows)];
  return { pointers, entries: new Map([...month.entries, [scope, rows]]) };
}

const JULY_RESULTS = monthOf('2021-07', JULY);
const AUGUST_RESULTS = monthOf('2021-08', AUGUST);
const BASELINE = [JULY_RESULTS, AUGUST_RESULTS];
const SEPTEMBER_CENTRE = [entry(7, 'p1', 2, PHU_CAT, NGO_MAY)];
const SEPTEMBER: FixtureMonth = {
  pointers: [pointer('2021-09', CENTRE_UNIT, 'c-sep', '2021-10-02T02:00:00.000Z', SEPTEMBER_CENTRE)],
  entries: new Map([[CENTRE_UNIT, SEPTEMBER_CENTRE]]),
};

describe('running totals through a month', () => {
  it.each([
    {
      what: 'no change: July and August as sent',
      months: BASELINE,
      cumulative: { [PHU_CAT]: 40, [VINH_THANH]: 10 },
      unattributed: 6,
      changedFrom: null,
    },
    {
      what: 'a late file for a past month (Sở Nội vụ’s July return, after August was reported)',
      months: [monthOf('2021-07', withFile('2021-07', JULY, NOI_VU, 'nv-jul', '2021-09-20T02:00:00.000Z', [entry(7, 'n1', 5, NOI_VU, NOI_VU)])), AUGUST_RESULTS],
      cumulative: { [PHU_CAT]: 40, [VINH_THANH]: 10, [NOI_VU]: 5 },
      unattributed: 6,
      changedFrom: '2021-07',
    },
    {
      what: 'a replaced file (Vĩnh Thạnh corrects its July return again: 3 + 3)',
      months: [
        monthOf(
          '2021-07',
          withFile('2021-07', JULY, VINH_THANH, 'vt-jul-3', '2021-09-20T02:00:00.000Z', [
            entry(7, 'v1', 3, VINH_THANH, TT_VINH_THANH),
            entry(8, 'v2', 3, VINH_THANH, TT_VINH_THANH),
          ]),
        ),
        AUGUST_RESULTS,
      ],
      cumulative: { [PHU_CAT]: 40, [VINH_THANH]: 6 },
      unattributed: 6,
      changedFrom: '2021-07',
    },
    {
      what: 'a month with no results (September: nothing arrived)',
      months: [...BASELINE, emptyMonth('2021-09')],
      cumulative: { [PHU_CAT]: 40, [VINH_THANH]: 10 },
      unattributed: 6,
      changedFrom: null,
    },
    {
      what: 'a month left out altogether counts as one with no results',
      months: [JULY_RESULTS, monthOf('2021-09', SEPTEMBER)],
      cumulative: { [PHU_CAT]: 21, [VINH_THANH]: 10 },
      unattributed: 6,
      changedFrom: '2021-08',
    },
    {
      what: 'a unit appearing in a later month (Sở Nội vụ first reports in August)',
      months: [JULY_RESULTS, monthOf('2021-08', withFile('2021-08', AUGUST, NOI_VU, 'nv-aug', '2021-09-03T02:00:00.000Z', [entry(7, 'n1', 4, NOI_VU, NOI_VU)]))],
      cumulative: { [PHU_CAT]: 40, [VINH_THANH]: 10, [NOI_VU]: 4 },
      unattributed: 6,
      changedFrom: '2021-08',
    },
  ])('$what', ({ months, cumulative, unattributed, changedFrom }) => {
    const totals = runningTotals(months);
    const last = totals.at(-1);
    const byUnit = Object.fromEntries(Object.entries(last?.cumulative.units ?? {}).map(([unit, total]) => [unit, total.accountsCreated]));
    expect(byUnit).toEqual(cumulative);
    expect(last?.cumulative.unattributed).toBe(unattributed);
    // Every kept month from the changed one on has another chain, so the loader recomputes exactly those.
    const baseline = runningTotals(BASELINE);
    const changed = baseline.filter((month, index) => totals[index]?.chain !== month.chain).map((month) => month.period);
    expect(changed).toEqual(changedFrom === null ? [] : baseline.map((m) => m.period).filter((period) => period >= changedFrom));
  });

  it('adds each work unit separately, for the communes’ column', () => {
    const [july, august] = runningTotals(BASELINE);
    expect(july?.cumulative.units[PHU_CAT]?.byWorkUnit).toEqual({ [NGO_MAY]: 15, '21856': 4 });
    expect(august?.cumulative.units[PHU_CAT]?.byWorkUnit).toEqual({ [NGO_MAY]: 33, '21856': 7 });
    expect(august?.units[VINH_THANH]).toBeUndefined();
    expect(august?.cumulative.units[VINH_THANH]).toEqual({ accountsCreated: 10, byWorkUnit: { [TT_VINH_THANH]: 10 } });
  });

  it('chains exactly as the loader does from the pointers alone', () => {
    const months = [JULY, AUGUST, SEPTEMBER];
    const periods = ['2021-07', '2021-08', '2021-09'];
    const totals = runningTotals(months.map((month, index) => monthOf(periods[index] ?? '', month)));
    expect(filesChains(months.map((month) => month.pointers))).toEqual(totals.map((month) => month.chain));
  });

  it('refuses to skip a month: its accounts would be missing from every later total', () => {
    const [july] = runningTotals(BASELINE);
    expect(() => addRunningTotals(july ?? null, monthOf('2021-09', SEPTEMBER))).toThrow(RangeError);
    expect(() => addRunningTotals(null, monthOf('2021-08', AUGUST))).toThrow(RangeError);
  });

  it('does not change the month it adds to (a kept month is reused as it was)', () => {
    const [july] = runningTotals(BASELINE);
    const before = JSON.stringify(july);
    addRunningTotals(july ?? null, monthOf('2021-08', AUGUST));
    expect(JSON.stringify(july)).toBe(before);
  });
});

describe('running totals, for any figures', () => {
  const UNITS = [PHU_CAT, VINH_THANH, NOI_VU, '540'];
  const monthFigures = fc.dictionary(fc.constantFrom(...UNITS), fc.nat(40), { maxKeys: UNITS.length });
  const months = fc.array(fc.record({ figures: monthFigures, unattributed: fc.nat(9), version: fc.nat(3) }), { minLength: 1, maxLength: 14 });
  const toMonths = (generated: { figures: Record<string, number>; unattributed: number; version: number }[]): MonthResults[] =>
    generated.map(({ figures, unattributed, version }, index) => {
      return {
        period: addMonths(FIRST_REPORT_PERIOD, index),
        fingerprint: `files-${index}-${version}`,
        units: Object.fromEntries(
          Object.entries(figures).map(([unit, count]) => [unit, { accountsCreated: count, byWorkUnit: { [unit]: count }, firstReceivedAt: null }]),
        ),
        unattributed: { rows: [], accountsCreated: unattributed },
      };
    });

  it('gives each unit the sum of its accounts over every month so far, month by month', () => {
    fc.assert(
      fc.property(months, (generated) => {
        const given = toMonths(generated);
        const totals = runningTotals(given);
        totals.forEach((month, index) => {
          for (const unit of UNITS) {
            const expected = given.slice(0, index + 1).reduce((sum, m) => sum + (m.units[unit]?.accountsCreated ?? 0), 0);
            expect(month.cumulative.units[unit]?.accountsCreated ?? 0).toBe(expected);
            expect(month.cumulative.units[unit]?.byWorkUnit[unit] ?? 0).toBe(expected);
          }
          expect(month.cumulative.unattributed).toBe(given.slice(0, index + 1).reduce((sum, m) => sum + m.unattributed.accountsCreated, 0));
        });
      }),
    );
  });

  it('changes the chain of the month whose files changed and of every later one, never an earlier one', () => {
    fc.assert(
      fc.property(months, fc.nat(), (generated, pick) => {
        const given = toMonths(generated);
        const changedAt = pick % given.length;
        const altered = given.map((month, index) => (index === changedAt ? { ...month, fingerprint: `${month.fingerprint}-replaced` } : month));
        const before = runningTotals(given).map((month) => month.chain);
        const after = runningTotals(altered).map((month) => month.chain);
        before.forEach((chain, index) => {
          if (index < changedAt) expect(after[index]).toBe(chain);
          else expect(after[index]).not.toBe(chain);
        });
      }),
    );
  });
});
