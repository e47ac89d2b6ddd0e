/**
 * Full names of officials. The portal matches them against the national population database, so only
 * what a name on a CCCD can hold passes: Vietnamese letters, spaces, an apostrophe or hyphen inside a
 * word (names of ethnic minorities: "H'Hen", "Ksor-Nay"), and a period after an initial ("Nguyễn V. An").
 * Legacy-encoded text is decoded by the caller, before this.
 */
import { cleanText } from './text.js';
import type { FieldResult } from './types.js';
import type { Cell } from '../workbook/types.js';

const VOWELS_WITH_MARKS =
  'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ';
// Any case of a-z (minority names use f, j, w, z too), đ, and every Vietnamese vowel with its marks.
const LETTER = `[a-zA-ZđĐ${VOWELS_WITH_MARKS}${VOWELS_WITH_MARKS.toUpperCase()}]`;
const NAME_WORD = new RegExp(`^(?:${LETTER}+(?:['’-]${LETTER}+)*|(?:${LETTER}\\.)+)$`, 'u');

// A spreadsheet runs a cell starting with these as a formula (CSV injection); a name never starts so.
const FORMULA_START = /^[=+\-@]/;
const URL_LIKE = /(?:[a-z][a-z0-9+.-]*:\/\/|\bwww\.|[\w-]{2,}\.(?:com|net|org|info|gov|edu|vn|io|me|xyz|app)\b)/i;
/** Longer than any real full name; keeps a pasted paragraph out of the roster and out of the message. */
export const MAX_NAME_LENGTH = 100;

export function normalizeName(cell: Cell | null): FieldResult {
  const name = cell ? cleanText(cell.text) : '';
  if (name === '') return { ok: false, value: null, error: 'NAME_REQUIRED' };
  if (FORMULA_START.test(name)) return { ok: false, value: name, error: 'NAME_FORMULA' };
  // Checked before the URL pattern, which need not then scan a pasted page; such text is not quoted either.
  if (name.length > MAX_NAME_LENGTH) return { ok: false, value: name, error: 'NAME_INVALID' };
  if (URL_LIKE.test(name)) return { ok: false, value: name, error: 'NAME_FORMULA' };
  if (!name.split(' ').every((word) => NAME_WORD.test(word))) {
    // An ID or phone number pasted into the name column is personal data: never quote a value with digits.
    return { ok: false, value: name, error: 'NAME_INVALID', ...(/\d/.test(name) ? {} : { params: { value: name } }) };
  }
  return { ok: true, value: name, warnings: [] };
}
