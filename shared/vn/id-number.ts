/**
 * Identity card numbers: the 12-digit CCCD (citizen identity card; also some late CMND) and the 9-digit
 * CMND. A 12-digit number encodes where the birth was registered and the birth year, which is checked.
 * The number never goes into `params`: messages and logs must not carry personal data.
 */
import type { IssueCode } from '../issues.js';
import { CCCD_PROVINCES } from '../data/reference.js';
import { cleanText } from './text.js';
import type { FieldResult } from './types.js';
import type { Cell } from '../workbook/types.js';

const PROVINCE_CODES: ReadonlySet<string> = new Set(CCCD_PROVINCES.map((row) => row.code));

/** Digit 4 of a 12-digit number: gender (even male, odd female) and the century of birth. */
const CENTURY_BY_DIGIT: Readonly<Record<string, number | undefined>> = {
  '0': 1900, '1': 1900,
  '2': 2000, '3': 2000,
  '4': 2100, '5': 2100,
  '6': 2200, '7': 2200,
  '8': 1800, '9': 1800,
};

/** An official is an adult, and nobody on a working roster is older than this. */
export const MIN_AGE = 18;
export const MAX_AGE = 100;

/**
 * Normalizes an ID cell: digits after removing spaces and dots (and Excel's leading apostrophe).
 * 12 digits: a CCCD, checked for its province code and birth year (age 18–100 in `uploadYear`).
 * 9 digits: an old CMND, accepted. A numeric cell of 11 or 8 digits lost its leading zero and is
 * padded (ID_LEADING_ZERO_RESTORED) when the padded number is valid. Any other length, including an
 * 11-digit text value (a digit is missing), is ID_LENGTH with the digit count in `params.detail`.
 */
export function normalizeIdNumber(cell: Cell | null, uploadYear: number): FieldResult {
  const cleaned = cell ? cleanText(cell.text) : '';
  if (!cell || cleaned === '') return { ok: false, value: null, error: 'ID_REQUIRED' };

  const digits = cleaned.replace(/^'/, '').replace(/[\s.]/g, '');
  if (!/^\d+$/.test(digits)) return { ok: false, value: cleaned, error: 'ID_NOT_DIGITS' };

  if (cell.numeric && (digits.length === 11 || digits.length === 8)) {
    const padded = checkDigits(`0${digits}`, uploadYear);
    return padded.ok ? { ...padded, warnings: [...padded.warnings, 'ID_LEADING_ZERO_RESTORED'] } : padded;
  }
  return checkDigits(digits, uploadYear);
}

function checkDigits(digits: string, uploadYear: number): FieldResult {
  const fail = (error: IssueCode): FieldResult => ({ ok: false, value: digits, error });
  if (digits.length === 9) return { ok: true, value: digits, warnings: [] };
  if (digits.length !== 12) return { ok: false, value: digits, error: 'ID_LENGTH', params: { detail: String(digits.length) } };
  if (!PROVINCE_CODES.has(digits.slice(0, 3))) return fail('ID_PROVINCE_CODE');
  const birthYear = idBirthYear(digits);
  const age = birthYear === null ? Number.NaN : uploadYear - birthYear;
  if (!(age >= MIN_AGE && age <= MAX_AGE)) return fail('ID_BIRTH_YEAR');
  return { ok: true, value: digits, warnings: [] };
}

/** Birth year encoded in a 12-digit number (digit 4 the century, digits 5–6 the year); null for anything else. */
export function idBirthYear(id: string): number | null {
  if (!/^\d{12}$/.test(id)) return null;
  const century = CENTURY_BY_DIGIT[id.charAt(3)];
  return century === undefined ? null : century + Number(id.slice(4, 6));
}
