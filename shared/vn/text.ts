/**
 * Vietnamese text normalization. Three levels:
 * - `cleanText`: what we store and show (NFC, trimmed, inner whitespace collapsed);
 * - `toneKey`: for comparing names where tone-mark placement varies ("Hoà" = "Hòa", "Thuỷ" = "Thủy");
 * - `foldText`: for loose matching (no diacritics, no case: "Cát Hanh" = "cat hanh").
 */

// Tone marks in their combining (NFD) form: grave, acute, hook above, tilde, dot below.
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const ALL_COMBINING = /[\u0300-\u036f]/g;
// Every kind of space, including NBSP and the zero-width ones Excel users paste in.
const SPACES = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;

/** NFC, whitespace of any kind collapsed to one space, trimmed. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(SPACES, ' ').trim();
}

/**
 * Lower case, tone marks moved to the end of each word. Vietnamese allows the tone mark on either vowel
 * of "oa", "oe", "uy" ("hoà"/"hòa"), and GSO's own catalogue mixes both, so comparing NFC strings would
 * call the same commune two names. Keeping the tone (rather than dropping it) still tells "Hòa" from "Hóa".
 */
export function toneKey(value: string): string {
  return cleanText(value)
    .toLowerCase()
    .split(' ')
    .map((word) => {
      const decomposed = word.normalize('NFD');
      const tones = decomposed.match(TONE_MARKS)?.join('') ?? '';
      return decomposed.replace(TONE_MARKS, '').normalize('NFC') + tones;
    })
    .join(' ');
}

/** Lower case, no diacritics at all, đ → d, whitespace collapsed. For matching text typed without accents. */
export function foldText(value: string): string {
  return cleanText(value)
    .toLowerCase()
    .normalize('NFD')
    .replace(ALL_COMBINING, '')
    .replace(/đ/g, 'd')
    .normalize('NFC');
}

/** True when the text carries any Vietnamese diacritic (so folding it loses information). */
export function hasDiacritics(value: string): boolean {
  return foldText(value) !== cleanText(value).toLowerCase();
}

/**
 * Compatibility forms folded to plain ones (NFKC): full-width "０９１４" and the like become ASCII digits, so
 * a number typed in a Chinese or Japanese input mode is still recognized as a number.
 */
function foldCompatibility(text: string): string {
  return text.normalize('NFKC');
}

// Anything that is neither a letter nor a decimal digit: spaces, / _ , . - ( ) and every other separator.
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{Nd}]+/gu;
const SIX_DIGITS = /\p{Nd}{6,}/u;

/**
 * True when the text may hold an ID or phone number: six or more digits (in any script or width) once
 * compatibility forms are folded and every separator between them is dropped ("0914/020/999",
 * "052_083_020_998", "０９１４０２０９９７"). Such text is personal data and is never quoted back in a
 * message. Deliberately broad: a unit or name that merely holds a date then goes unquoted, which costs
 * the clerk a quote, whereas a missed separator would put someone's number into a stored message.
 */
export function holdsPersonalNumber(text: string): boolean {
  return SIX_DIGITS.test(foldCompatibility(text).replace(NOT_LETTER_OR_DIGIT, ''));
}

/**
 * True when the text has the shape of an ID or phone number as typed in its own column: six or more
 * digits with at most a space, dot or dash between them. A row whose ID or phone cell has this shape is
 * an official's row, never part of a signature block. Narrower than `holdsPersonalNumber` on purpose: a
 * signature line "ngày 20/6/2021" that spills into the ID column must still end the table.
 */
export function looksLikeIdOrPhone(text: string): boolean {
  return /\d(?:[\s.-]?\d){5,}/.test(foldCompatibility(text));
}
