import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  endOfVietnamDay,
  formatPeriod,
  formatVietnamDateTime,
  isCalendarDate,
  monthsBetween,
  previousVietnamMonth,
  vietnamMonth,
  vietnamMonthRange,
} from '../../../shared/vn/time.js';

describe('Vietnam time (UTC+7, no daylight saving)', () => {
  it.each([
    ['2021-07-31T16:59:59.999Z', '2021-07'],
    ['2021-07-31T17:00:00.000Z', '2021-08'],
    ['2021-07-31T17:30:00.000Z', '2021-08'],
    ['2021-12-31T17:00:00.000Z', '2022-01'],
  ])('the month of %s in Vietnam is %s', (instant, month) => {
    expect(vietnamMonth(new Date(instant))).toBe(month);
  });

  it.each([
    ['2021-07-31T17:30:00.000Z', '2021-07'],
    ['2022-01-01T01:00:00.000Z', '2021-12'],
    ['2021-12-31T17:00:00.000Z', '2021-12'],
  ])('a report run at %s is about %s', (instant, period) => {
    expect(previousVietnamMonth(new Date(instant))).toBe(period);
  });

  it.each([
    ['2021-06-25', true],
    ['2024-02-29', true],
    ['2021-02-29', false],
    ['2021-02-30', false],
    ['2021-04-31', false],
    ['2021-13-01', false],
    ['21-06-25', false],
    ['2021-6-25', false],
  ])('%s is a calendar day: %s', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });

  it('a deadline day ends at 23:59:59.999 in Vietnam', () => {
    expect(endOfVietnamDay('2021-06-25').toISOString()).toBe('2021-06-25T16:59:59.999Z');
  });

  it('formats for Vietnamese readers', () => {
    expect(formatVietnamDateTime(new Date('2021-06-25T02:05:00Z'))).toBe('09:05 25/06/2021');
    expect(formatPeriod('2021-07')).toBe('07/2021');
  });

  it('month arithmetic crosses years both ways', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -40, max: 40 }), (y, m, n) => {
        const period = `${y}-${String(m).padStart(2, '0')}`;
        expect(addMonths(addMonths(period, n), -n)).toBe(period);
        const months = monthsBetween(period, addMonths(period, Math.abs(n)));
        expect(months).toHaveLength(Math.abs(n) + 1);
      }),
    );
  });

  it('a month range starts at local midnight of the 1st and ends where the next begins', () => {
    const { start, end } = vietnamMonthRange('2021-12');
    expect(start.toISOString()).toBe('2021-11-30T17:00:00.000Z');
    expect(end.toISOString()).toBe('2021-12-31T17:00:00.000Z');
  });
});
