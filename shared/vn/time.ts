/**
 * Vietnam time, in one place. Vietnam has kept UTC+7 all year since 1975 (no daylight saving), so a fixed
 * offset is exact and needs no time-zone database (the Lambda runtime's ICU is not needed, and tests do not
 * depend on the machine's zone). Everything user-facing (deadlines, reporting months, dates on screen) is
 * in Vietnam time; everything stored is an ISO instant in UTC.
 */

export const VIETNAM_UTC_OFFSET = '+07:00';
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 3_600_000;

/** `YYYY-MM`: a reporting month. */
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
/** `YYYY-MM-DD`: a calendar day (check it with `isCalendarDate`: the pattern admits 2021-02-30). */
export const ISO_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The wall-clock fields of `date` in Vietnam, read from a shifted ISO string. */
function wallClock(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString();
}

/** The month of `date` in Vietnam, `YYYY-MM` (2021-07-31T17:30Z is 1 August there: `2021-08`). */
export function vietnamMonth(date: Date): string {
  return wallClock(date).slice(0, 7);
}

/** The day of `date` in Vietnam, `YYYY-MM-DD`. */
export function vietnamIsoDate(date: Date): string {
  return wallClock(date).slice(0, 10);
}

/** `dd/mm/yyyy`, as Vietnamese documents write a date. */
export function formatVietnamDate(date: Date): string {
  return formatIsoDate(vietnamIsoDate(date));
}

/** `dd/mm/yyyy` of an ISO calendar day (`2021-06-25` → `25/06/2021`). */
export function formatIsoDate(isoDate: string): string {
  return `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
}

/** `HH:MM dd/mm/yyyy` in Vietnam. */
export function formatVietnamDateTime(date: Date): string {
  const iso = wallClock(date);
  return `${iso.slice(11, 16)} ${formatIsoDate(iso.slice(0, 10))}`;
}

/** `MM/YYYY`, as a report title writes a month (`2021-07` → `07/2021`). */
export function formatPeriod(period: string): string {
  return `${period.slice(5, 7)}/${period.slice(0, 4)}`;
}

/** Whether `text` is a real calendar day `YYYY-MM-DD` (2021-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  if (!ISO_DATE_PATTERN.test(text)) return false;
  return new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

/** The first instant of a Vietnam calendar day. */
export function startOfVietnamDay(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00.000${VIETNAM_UTC_OFFSET}`);
}

/** The last instant of a Vietnam calendar day: a file that arrives on 25/6 at 23:59 (UTC+7) is on time for 25/6. */
export function endOfVietnamDay(isoDate: string): Date {
  return new Date(`${isoDate}T23:59:59.999${VIETNAM_UTC_OFFSET}`);
}

/** `period` moved by `months` (negative for earlier): `addMonths('2021-01', -1)` is `2020-12`. */
export function addMonths(period: string, months: number): string {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7)) - 1 + months;
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7);
}

/** Months from `from` to `to` inclusive, in order (empty when `to` is before `from`). */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let period = from; period <= to; period = addMonths(period, 1)) months.push(period);
  return months;
}

/** The instants a Vietnam month spans: [start, end). */
export function vietnamMonthRange(period: string): { start: Date; end: Date } {
  return { start: startOfVietnamDay(`${period}-01`), end: startOfVietnamDay(`${addMonths(period, 1)}-01`) };
}

/** The month before the one `date` falls in, in Vietnam: what a report run on the 1st is about. */
export function previousVietnamMonth(date: Date): string {
  return addMonths(vietnamMonth(date), -1);
}
