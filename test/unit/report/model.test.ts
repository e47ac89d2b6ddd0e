import { describe, expect, it } from 'vitest';
import {
  buildReport,
  contractView,
  monthResults,
  PROVISIONAL_NOTE,
  resultsDeadline,
  runningTotals,
  snapshotRosters,
} from '../../../shared/report/model.js';
import type { ReportDeadlines } from '../../../shared/report/types.js';
import { CENTRE_UNIT } from '../../../shared/tokens.js';
import { previousVietnamMonth } from '../../../shared/vn/time.js';
import {
  AUGUST,
  CAT_SON,
  entry,
  GRANTS,
  JULY,
  NGO_MAY,
  NOI_VU,
  PHU_CAT,
  pointer,
  ROSTERS,
  TT_VINH_THANH,
  VINH_THANH,
} from './fixtures.js';

const DEADLINES: ReportDeadlines = { roster: '2021-06-25', grants: '2021-06-30', resultsDay: 5 };
const AFTER_BOTH = new Date('2021-10-01T01:00:00Z');

function report(period: string, now = AFTER_BOTH) {
  return buildReport({
    period,
    now,
    deadlines: DEADLINES,
    rosters: snapshotRosters(ROSTERS, GRANTS, period, DEADLINES.grants),
    months: runningTotals([monthResults('2021-07', JULY.pointers, JULY.entries), monthResults('2021-08', AUGUST.pointers, AUGUST.entries)]),
  });
}

const unit = (r: ReturnType<typeof report>, code: string) => {
  const found = r.units.find((u) => u.unitCode === code);
  if (!found) throw new Error(`no unit ${code}`);
  return found;
};

describe('the monthly report over two months of fixture data', () => {
  it('adds the centre file, the unit returns and the unattributed row into the July totals', () => {
    const july = report('2021-07');
    // Phù Cát 10 + 5 + 4 (its own 7 for p2 gives way to the centre's 5), Vĩnh Thạnh 8 + 2, unattributed 6.
    expect(july.totals).toMatchObject({ officials: 6, granted: 4, accountsCreated: 35, cumulative: 35, previousMonth: null, change: null });
    expect(unit(july, PHU_CAT)).toMatchObject({ accountsCreated: 19, cumulative: 19, officials: 3, granted: 3 });
    expect(unit(july, VINH_THANH)).toMatchObject({ accountsCreated: 10, officials: 2, granted: 1 });
    expect(july.unattributed).toEqual({ officials: 1, accountsCreated: 6, cumulative: 6, rows: [{ row: 9, count: 6 }] });
    expect(july.units.reduce((total, u) => total + u.accountsCreated, 0) + july.unattributed.accountsCreated).toBe(july.totals.accountsCreated);
  });

  it('counts the centre figure, not the unit one, for an official both name (by ID, else by phone)', () => {
    const july = monthResults('2021-07', JULY.pointers, JULY.entries);
    expect(july.units[PHU_CAT]?.byWorkUnit).toEqual({ [NGO_MAY]: 15, [CAT_SON]: 4 });
    const byId = monthResults(
      '2021-07',
      [pointer('2021-07', CENTRE_UNIT, 'c', '2021-08-01T00:00:00Z', []), pointer('2021-07', PHU_CAT, 'u', '2021-08-01T00:00:00Z', [])],
      new Map([
        [CENTRE_UNIT, [entry(7, 'p1', 3, PHU_CAT, NGO_MAY, 'ph-other')]],
        [PHU_CAT, [entry(7, 'p1', 9, PHU_CAT, NGO_MAY)]],
      ]),
    );
    expect(byId.units[PHU_CAT]?.accountsCreated).toBe(3);
  });

  it('shows a corrected unit return, not the one it replaced', () => {
    expect(unit(report('2021-07'), VINH_THANH).communes.find((c) => c.unitCode === TT_VINH_THANH)).toMatchObject({ officials: 2, granted: 1, accountsCreated: 10 });
  });

  it('gives August its own figures, the change against July and the cumulative since 7/2021', () => {
    const august = report('2021-08');
    expect(august.totals).toMatchObject({ accountsCreated: 21, previousMonth: 35, change: -14, cumulative: 56 });
    expect(unit(august, PHU_CAT)).toMatchObject({ accountsCreated: 21, previousMonth: 19, change: 2, cumulative: 40 });
    expect(unit(august, VINH_THANH)).toMatchObject({ accountsCreated: 0, previousMonth: 10, change: -10, cumulative: 10 });
    expect(unit(august, PHU_CAT).communes.find((c) => c.unitCode === NGO_MAY)).toMatchObject({ accountsCreated: 18, cumulative: 33 });
    expect(august.unattributed).toMatchObject({ accountsCreated: 0, cumulative: 6 });
  });

  it.each([
    ['2021-07', PHU_CAT, 'on-time', 'on-time', 'on-time'],
    ['2021-07', VINH_THANH, 'late', 'on-time', 'missing'],
    ['2021-07', NOI_VU, 'on-time', 'missing', 'missing'],
    ['2021-08', PHU_CAT, 'on-time', 'late', 'on-time'],
    ['2021-08', VINH_THANH, 'late', 'missing', 'missing'],
    ['2021-08', '540', 'missing', 'missing', 'missing'],
  ] as const)('%s, unit %s: roster %s, results %s, grants %s', (period, code, roster, results, grants) => {
    expect(unit(report(period), code)).toMatchObject({ rosterStatus: roster, resultsStatus: results, grantsStatus: grants });
  });

  it('lists every district and department, districts with their communes and their own shop', () => {
    const july = report('2021-07');
    expect(july.units.map((u) => u.kind).indexOf('department')).toBe(11);
    expect(july.units).toHaveLength(33);
    const phuCat = unit(july, PHU_CAT);
    expect(phuCat.communes[0]).toMatchObject({ unitCode: PHU_CAT, unitName: 'Bộ phận một cửa Huyện Phù Cát' });
    expect(phuCat.communes).toHaveLength(19);
    expect(unit(july, NOI_VU).communes).toEqual([]);
  });

  it('marks the month in progress "số liệu tạm tính" and an ended one not', () => {
    expect(report('2021-08', new Date('2021-08-20T00:00:00Z'))).toMatchObject({ provisional: true, provisionalNote: PROVISIONAL_NOTE });
    // 31/8 at 17:30 UTC is already 1/9 in Vietnam: August has ended there.
    expect(report('2021-08', new Date('2021-08-31T17:30:00Z'))).toMatchObject({ provisional: false, provisionalNote: null });
  });

  it('does not count a permission granted after the month', () => {
    expect(unit(report('2021-07'), VINH_THANH).granted).toBe(1);
    const june = snapshotRosters(ROSTERS, GRANTS, '2021-06', DEADLINES.grants);
    expect(june.find((s) => s.unit === VINH_THANH)?.granted).toBe(0);
  });

  it('keeps to contract 4 in its contract view', () => {
    const view = contractView(report('2021-07'));
    expect(Object.keys(view)).toEqual(['period', 'totals', 'units']);
    expect(Object.keys(view.units[0] ?? {})).toEqual(['unitCode', 'officials', 'granted', 'accountsCreated', 'cumulative', 'rosterStatus', 'resultsStatus']);
  });
});

describe('the reporting month', () => {
  it.each([
    ['2021-07-31T17:30:00Z', '2021-07'], // 00:30 on 1 August in Vietnam
    ['2021-08-01T01:00:00Z', '2021-07'], // 08:00 on 1 August in Vietnam: the scheduled run
    ['2021-07-31T16:59:59Z', '2021-06'], // 23:59:59 on 31 July in Vietnam
    ['2022-01-01T01:00:00Z', '2021-12'], // across a year
    ['2021-12-31T17:00:00Z', '2021-12'], // 00:00 on 1 January 2022 in Vietnam
    ['2024-03-01T01:00:00Z', '2024-02'], // after a leap February
  ])('a run at %s reports on %s', (instant, period) => {
    expect(previousVietnamMonth(new Date(instant))).toBe(period);
  });

  it.each([
    ['2021-07', 5, '2021-08-05'],
    ['2021-12', 5, '2022-01-05'],
    ['2022-01', 31, '2022-02-28'],
  ])('results of %s are due (day %i) on %s', (period, day, due) => {
    expect(resultsDeadline(period, day)).toBe(due);
  });
});
