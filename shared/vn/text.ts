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
 * True when the text holds a run of six or more digits (spaces, dots or dashes between them allowed): the
 * shape of an ID or phone number. Such text is personal data, never quoted back in a message; and a row
 * whose ID or phone cell holds one is an official's row, never part of a signature block.
 */
export function holdsPersonalNumber(text: string): boolean {
  return /\d(?:[\s.-]?\d){5,}/.test(text);
}
