/**
 * Text typed in the pre-Unicode Vietnamese font encodings, TCVN3 (ABC, `.VnTime`) and VNI-Windows
 * (`VNI-Times`), arrives garbled: each byte shows as the Latin-1 character of the same value
 * ("NguyÔn V¨n A", "Nguyeãn Vaên A"). `decodeLegacyText` recognizes such text and converts it to Unicode.
 *
 * Both encodings reuse Latin-1 letters that real Unicode Vietnamese also uses (â, ê, ô, à, á…), so a
 * table applied blindly corrupts correct text ("Tâm" would become "Tõm" in TCVN3). Text is therefore
 * converted only when (1) every character belongs to the encoding, (2) it has at least one non-ASCII
 * legacy character, (3) as it stands it is *not* well-formed Vietnamese, and (4) once converted it is.
 */
import { TCVN3_TO_UNICODE, VNI_TO_UNICODE } from '../data/reference.js';

export type LegacyEncoding = 'TCVN3' | 'VNI';

export interface DecodedText {
  /** The converted text in NFC, or the input unchanged when it was not legacy-encoded. */
  text: string;
  /** The encoding it was converted from, or null when it was left alone. */
  encoding: LegacyEncoding | null;
}

// Punctuation Excel's autocorrect or a copy-paste adds to any text; it says nothing about the encoding.
const NEUTRAL_UNICODE = new Set(['\u00a0', '\u2013', '\u2014', '\u2018', '\u2019', '\u201c', '\u201d', '\u2026']);

const TCVN3_MAP: ReadonlyMap<string, string> = new Map(TCVN3_TO_UNICODE.map((row) => [row.seen_as_latin1, row.unicode_char]));

// VNI spells a letter as a base letter plus modifier bytes; sequences are one or two characters long.
const VNI_PAIRS: ReadonlyMap<string, string> = new Map(
  VNI_TO_UNICODE.filter((row) => row.vni_sequence.length === 2).map((row) => [row.vni_sequence, row.unicode_char]),
);
const VNI_SINGLES: ReadonlyMap<string, string> = new Map(
  VNI_TO_UNICODE.filter((row) => row.vni_sequence.length === 1).map((row) => [row.vni_sequence, row.unicode_char]),
);
const VNI_CHARS: ReadonlySet<string> = new Set(
  VNI_TO_UNICODE.flatMap((row) => [...row.vni_sequence]).filter((char) => !isAscii(char)),
);

/** Converts TCVN3- or VNI-garbled text to Unicode (NFC); any other text comes back unchanged with `encoding: null`. */
export function decodeLegacyText(text: string): DecodedText {
  if (!mayBeLegacy(text)) return { text, encoding: null };
  // A roster repeats the same few unit names thousands of times ("X. Cát Tài" takes the slow path).
  const known = recentDecodings.get(text);
  if (known) return known;
  const decoded = decodeLatin1Text(text);
  if (recentDecodings.size >= RECENT_DECODINGS) recentDecodings.clear();
  recentDecodings.set(text, decoded);
  return decoded;
}

/** How many recent slow-path answers are remembered (a bounded memo: cleared when full). */
const RECENT_DECODINGS = 2_000;
const recentDecodings = new Map<string, DecodedText>();

/** The slow path, for text made of ASCII and Latin-1 characters only: legacy bytes, or Vietnamese that needs no more. */
function decodeLatin1Text(text: string): DecodedText {
  const unchanged: DecodedText = { text, encoding: null };
  const candidates: [LegacyEncoding, (value: string) => string][] = [];
  if (usesOnly(text, (char) => TCVN3_MAP.has(char))) candidates.push(['TCVN3', decodeTcvn3]);
  if (usesOnly(text, (char) => VNI_CHARS.has(char))) candidates.push(['VNI', decodeVni]);
  const original = text.normalize('NFC');
  if (candidates.length === 0 || isWellFormedVietnamese(original)) return unchanged;
  const decodings = candidates.map(([encoding, decode]) => ({ encoding, decoded: decode(text).normalize('NFC') }));
  // Every VNI byte is also a TCVN3 byte, and both tables can read the same bytes as Vietnamese ("UÕM" is
  // VNI "ŨM" or TCVN3 "UếM"). A reading whose letters come out in a natural case wins over one that
  // needs the all-capitals repair; otherwise TCVN3, the standard of the province's offices, wins.
  for (const { encoding, decoded } of decodings) {
    if (decoded !== original && isWellFormedVietnamese(decoded)) return { text: decoded, encoding };
  }
  for (const { encoding, decoded } of decodings) {
    const capitalized = restoreCapitals(text, decoded);
    if (capitalized !== original && isWellFormedVietnamese(capitalized)) return { text: capitalized, encoding };
  }
  return unchanged;
}

/**
 * The fast path, one pass over the text: legacy-garbled text shows only as ASCII and Latin-1 characters
 * (every byte of both encodings reads as one), so text that is plain ASCII, or holds any character above
 * U+00FF other than neutral punctuation (as Unicode Vietnamese does: ễ, ư, ơ, đ, ạ, a combining mark),
 * is not legacy-encoded. Nearly every cell of a roster leaves here.
 */
function mayBeLegacy(text: string): boolean {
  let latin1 = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x7f) continue;
    if (code <= 0xff) latin1 = true;
    else if (!NEUTRAL_UNICODE.has(text.charAt(i))) return false;
  }
  return latin1;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** True when every character is ASCII, neutral punctuation or one of the encoding's characters, and at least one is the latter. */
function usesOnly(text: string, isLegacyChar: (char: string) => boolean): boolean {
  let legacyChars = 0;
  for (const char of text) {
    if (isLegacyChar(char)) legacyChars++;
    else if (!isAscii(char) && !NEUTRAL_UNICODE.has(char)) return false;
  }
  return legacyChars > 0;
}

function decodeTcvn3(text: string): string {
  let out = '';
  for (const char of text) out += TCVN3_MAP.get(char) ?? char;
  return out;
}

function decodeVni(text: string): string {
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    const pair = VNI_PAIRS.get(char + (chars[i + 1] ?? ''));
    if (pair !== undefined) {
      out += pair;
      i++;
    } else out += VNI_SINGLES.get(char) ?? char;
  }
  return out;
}

/**
 * The capital `.VnTimeH` fonts use the lowercase bytes, so "NGUYÔN" decodes to "NGUYễN". When every
 * ASCII letter typed is a capital (and there are at least two, so a lone "X·" = "Xã" is not taken for
 * all-caps), the whole text was typed in capitals and is upper-cased.
 */
function restoreCapitals(original: string, decoded: string): string {
  const asciiLetters = original.match(/[A-Za-z]/g) ?? [];
  const allCapitals = asciiLetters.length >= 2 && asciiLetters.every((letter) => letter === letter.toUpperCase());
  return allCapitals ? decoded.toUpperCase() : decoded;
}

// ── Well-formed Vietnamese ────────────────────────────────────────────────────────────────────────────

const TONE_MARK = /[\u0300\u0301\u0303\u0309\u0323]/;
const TONE_MARKS = new RegExp(TONE_MARK.source, 'g');
const SHARP_OR_HEAVY = /^[\u0301\u0323]$/;
const INITIALS = 'ngh|ng|gh|gi|ch|kh|nh|ph|th|tr|qu|[bcdđghklmnprstvx]';
// Vowel groups that can end a syllable, and those that take a final consonant (ă, â, iê, uô, ươ… always do).
const OPEN_VOWELS = [
  'a', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y',
  'ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iu', 'oa', 'oe', 'oi', 'ôi', 'ơi', 'ua', 'uê', 'ui', 'uơ', 'uy',
  'ưa', 'ưi', 'ưu', 'iêu', 'yêu', 'oai', 'oay', 'oao', 'oeo', 'uây', 'uôi', 'uya', 'uyu', 'ươi', 'ươu',
] as const;
const CLOSED_VOWELS = [
  'a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'oa', 'oă', 'oe', 'uâ', 'uê', 'uy', 'iê', 'yê', 'uô', 'ươ', 'uyê',
] as const;
const byLengthDesc = (groups: readonly string[]) => [...groups].sort((a, b) => b.length - a.length).join('|');
const SYLLABLE = new RegExp(
  `^(?<initial>${INITIALS})?(?:(?<open>${byLengthDesc(OPEN_VOWELS)})|(?<closed>${byLengthDesc(CLOSED_VOWELS)})(?<final>ch|nh|ng|[cmnpt]))$`,
  'u',
);
const MODIFIED_VOWELS = 'ăâêôơư';
// Where either placement is taught and used ("hoà"/"hòa", "thuỷ"/"thủy").
const EITHER_PLACEMENT = new Set(['oa', 'oe', 'uy']);
// Words split on white space and ASCII punctuation; legacy bytes are all above 0xA0, so they stay inside words.
const WORD_SEPARATORS = /[\s\u00a0!-/:-@[-`{-~\u2013\u2014\u2018\u2019\u201c\u201d\u2026]+/u;

/**
 * True when every word of the text is ASCII (an abbreviation such as "UBND", a number) or a plausible
 * Vietnamese syllable (see `isVietnameseSyllable`) in the case of a word written by hand (lower,
 * Capitalized or UPPER).
 */
export function isWellFormedVietnamese(text: string): boolean {
  return text.split(WORD_SEPARATORS).every((word) => word === '' || isAscii(word) || isPlausibleWord(word));
}

function isPlausibleWord(word: string): boolean {
  const lower = word.toLowerCase();
  const rest = [...word].slice(1).join('');
  const caseIsNatural = word === lower || word === word.toUpperCase() || rest === rest.toLowerCase();
  return caseIsNatural && isVietnameseSyllable(lower);
}

/**
 * True for one lower-case word that Vietnamese phonotactics allow ("nguyễn", "thuận", "xã", "hoà"):
 * Vietnamese letters only, an initial consonant, a known vowel group and final, at most one tone mark,
 * on the vowel that carries it, and a stop final (c, ch, p, t) only with the sắc or nặng tone.
 * False for "nguyôn", "x·", "aù" (tone on the wrong vowel), "bàc".
 */
export function isVietnameseSyllable(lowerWord: string): boolean {
  const letters = [...lowerWord.normalize('NFC')];
  const toned = letters.flatMap((letter, index) => (TONE_MARK.test(letter.normalize('NFD')) ? [index] : []));
  const tones = lowerWord.normalize('NFD').match(TONE_MARKS) ?? [];
  if (tones.length > 1 || toned.length > 1) return false;
  const match = SYLLABLE.exec(lowerWord.normalize('NFD').replace(TONE_MARKS, '').normalize('NFC'));
  const groups = match?.groups;
  if (!groups) return false;
  const { initial = '', open, closed, final } = groups;
  const isStop = final === 'c' || final === 'ch' || final === 'p' || final === 't';
  if (isStop && !SHARP_OR_HEAVY.test(tones[0] ?? '')) return false;
  const toneAt = toned[0];
  if (toneAt === undefined) return true;
  const vowels = open ?? closed ?? '';
  const position = toneAt - [...initial].length;
  // "gìa" for "già": the i of "gi" read as a vowel, a common misspelling of real text.
  return tonePositions(vowels, final !== undefined).includes(position) || (initial === 'gi' && position === -1);
}

/** Index (within the vowel group) of the vowel that carries the tone mark; two for "oa", "oe", "uy" at the end. */
function tonePositions(vowels: string, hasFinal: boolean): number[] {
  const letters = [...vowels];
  const modified = letters.findLastIndex((letter) => MODIFIED_VOWELS.includes(letter));
  if (modified >= 0) return [modified];
  if (hasFinal) return [letters.length - 1];
  if (EITHER_PLACEMENT.has(vowels)) return [0, 1];
  return [letters.length === 3 ? 1 : 0];
}
