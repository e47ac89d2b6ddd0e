/**
 * Mobile phone numbers. The national portal sends an OTP to the number, so only a 10-digit Vietnamese
 * mobile number with a prefix in use is accepted. The number itself never goes into `params`: messages
 * and logs must not carry personal data.
 */
import type { IssueCode } from '../issues.js';
import { MOBILE_PREFIX_CONVERSION_2018, MOBILE_PREFIXES } from '../data/reference.js';
import { cleanText } from './text.js';
import type { FieldResult } from './types.js';
import type { Cell } from '../workbook/types.js';

const MOBILE_PREFIX_SET: ReadonlySet<string> = new Set(MOBILE_PREFIXES.map((row) => row.prefix));
const NEW_PREFIX_BY_OLD: ReadonlyMap<string, string> = new Map(
  MOBILE_PREFIX_CONVERSION_2018.map((row) => [row.old_prefix, row.new_prefix]),
);
// What people put between digits: spaces, dots, dashes of every kind, parentheses; Excel's leading apostrophe.
const SEPARATORS = /[\s.\-\u2010-\u2015()']/g;

/**
 * Normalizes a phone cell to a 10-digit mobile number ("0912345678").
 * - `+84`, `0084` or `84` followed by 9 digits (10 for a pre-2018 number, or a 0 and 9) becomes `0…`;
 * - a numeric cell of 9 digits, or 10 starting with 1, gets its leading 0 back (PHONE_LEADING_ZERO_RESTORED);
 * - an 11-digit pre-2018 number (01xx…) gets its 2018 prefix (PHONE_CONVERTED_2018);
 * - a landline (02…) is PHONE_NOT_MOBILE. A 10-digit number whose 0xx prefix no carrier uses is
 *   PHONE_INVALID rather than PHONE_NOT_MOBILE: it is far more likely mistyped than a landline.
 */
export function normalizePhone(cell: Cell | null): FieldResult {
  const cleaned = cell ? cleanText(cell.text) : '';
  if (!cell || cleaned === '') return { ok: false, value: null, error: 'PHONE_REQUIRED' };
  const fail = (error: IssueCode): FieldResult => ({ ok: false, value: cleaned, error });

  const compact = cleaned.replace(SEPARATORS, '');
  if (!/^\+?\d+$/.test(compact)) return fail('PHONE_INVALID');

  const warnings: IssueCode[] = [];
  let digits = fromInternational(compact);
  if (digits === null) {
    if (compact.startsWith('+')) return fail('PHONE_INVALID');
    digits = compact;
    if (cell.numeric && lostLeadingZero(digits)) {
      digits = `0${digits}`;
      warnings.push('PHONE_LEADING_ZERO_RESTORED');
    } else if (cell.numeric && /^2\d{9}$/.test(digits)) {
      // A landline typed as a number: restore the 0 only to name the problem precisely.
      digits = `0${digits}`;
    }
  }

  if (/^01\d{9}$/.test(digits)) {
    const newPrefix = NEW_PREFIX_BY_OLD.get(digits.slice(0, 4));
    if (newPrefix === undefined) return fail('PHONE_INVALID');
    digits = newPrefix + digits.slice(4);
    warnings.push('PHONE_CONVERTED_2018');
  }

  if (/^02\d{8,9}$/.test(digits)) return fail('PHONE_NOT_MOBILE');
  if (!/^0\d{9}$/.test(digits) || !MOBILE_PREFIX_SET.has(digits.slice(0, 3))) return fail('PHONE_INVALID');
  return { ok: true, value: digits, warnings };
}

/** `+84…`, `0084…` or `84…` with a national number after it, as `0…`; null when it is not written that way. */
function fromInternational(compact: string): string | null {
  const explicit = /^(?:\+|00)84(\d+)$/.exec(compact);
  const national = explicit?.[1] ?? /^84(\d{9,10})$/.exec(compact)?.[1];
  if (national === undefined) return null;
  if (/^0\d{9}$/.test(national)) return national; // "+84 (0) 912 345 678"
  if (/^[1-9]\d{8}$/.test(national) || /^1\d{9}$/.test(national)) return `0${national}`;
  return explicit ? `0${national}` : null;
}

/** A number stored as a number in Excel: 9 digits (912345678), or 10 starting with 1 for a pre-2018 number. */
function lostLeadingZero(digits: string): boolean {
  return /^[1-9]\d{8}$/.test(digits) || /^1\d{9}$/.test(digits);
}
