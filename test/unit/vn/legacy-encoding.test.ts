import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TCVN3_TO_UNICODE, VNI_TO_UNICODE } from '../../../shared/data/reference.js';
import { decodeLegacyText, isVietnameseSyllable, isWellFormedVietnamese } from '../../../shared/vn/legacy-encoding.js';

// ── Generators of real Vietnamese text ────────────────────────────────────────────────────────────────

const INITIALS = ['', 'b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh', 'p', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x'];
const OPEN_RHYMES = [
  'a', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y', 'ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iu', 'oa', 'oe', 'oi',
  'ôi', 'ơi', 'ua', 'uê', 'ui', 'uy', 'ưa', 'ưi', 'ưu', 'iêu', 'yêu', 'oai', 'oay', 'uôi', 'ươi', 'ươu', 'uya', 'uyu',
];
const CLOSED_NUCLEI = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'oa', 'oă', 'oe', 'uâ', 'uê', 'uy', 'iê', 'yê', 'uô', 'ươ', 'uyê'];
const FINALS = ['c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't'];
const STOPS = new Set(['c', 'ch', 'p', 't']);
const TONES = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];

/** Where the tone mark goes: on ă â ê ô ơ ư; else the last vowel before a final; "oa/oe/uy" either way (both are right). */
function toneIndex(nucleus: string, closed: boolean, newStyle: boolean): number {
  const letters = [...nucleus];
  const modified = letters.findLastIndex((letter) => 'ăâêôơư'.includes(letter));
  if (modified >= 0) return modified;
  if (closed) return letters.length - 1;
  if (['oa', 'oe', 'uy'].includes(nucleus)) return newStyle ? 1 : 0;
  return letters.length === 3 ? 1 : 0;
}

const syllable = fc
  .record({
    initial: fc.constantFrom(...INITIALS),
    closed: fc.boolean(),
    open: fc.constantFrom(...OPEN_RHYMES),
    nucleus: fc.constantFrom(...CLOSED_NUCLEI),
    final: fc.constantFrom(...FINALS),
    tone: fc.constantFrom(...TONES),
    newStyle: fc.boolean(),
    casing: fc.constantFrom('lower', 'capitalized', 'upper'),
  })
  .filter(({ initial, closed, open, nucleus }) => {
    const vowels = closed ? nucleus : open;
    // "qu" + u… and "gi" + i… do not exist, and "g" + "ia" is spelled "gi" + "a".
    const spelledOtherwise =
      (initial === 'qu' && vowels.startsWith('u')) ||
      (initial === 'gi' && vowels.startsWith('i')) ||
      (initial === 'g' && vowels.startsWith('i') && vowels.length > 1);
    return !spelledOtherwise;
  })
  .map(({ initial, closed, open, nucleus, final, tone, newStyle, casing }) => {
    const vowels = closed ? nucleus : open;
    // A stop final (c, ch, p, t) takes only the sắc or nặng tone.
    const toneMark = closed && STOPS.has(final) && !['\u0301', '\u0323'].includes(tone) ? '\u0301' : tone;
    const letters = [...vowels];
    const at = toneIndex(vowels, closed, newStyle);
    letters[at] = `${letters[at]}${toneMark}`;
    const word = `${initial}${letters.join('')}${closed ? final : ''}`.normalize('NFC');
    if (casing === 'upper') return word.toUpperCase();
    return casing === 'capitalized' ? word.charAt(0).toUpperCase() + word.slice(1) : word;
  });

const vietnameseText = fc.array(syllable, { minLength: 1, maxLength: 6 }).map((words) => words.join(' '));

// Encoders for the round trip: Unicode → what a legacy file shows when read as Latin-1.
const TCVN3_FROM_UNICODE = new Map(TCVN3_TO_UNICODE.filter((row) => row.used_in === 'vn3').map((row) => [row.unicode_char, row.seen_as_latin1]));
const VNI_FROM_UNICODE = new Map(VNI_TO_UNICODE.map((row) => [row.unicode_char, row.vni_sequence]));
const encode = (text: string, table: Map<string, string>) => [...text].map((char) => table.get(char) ?? char).join('');
const TCVN3_READING = new Map(TCVN3_TO_UNICODE.map((row) => [row.seen_as_latin1, row.unicode_char]));
const readAsTcvn3 = (text: string) => encode(text, TCVN3_READING).normalize('NFC');

// ── Tests ─────────────────────────────────────────────────────────────────────────────────────────────

describe('decodeLegacyText', () => {
  it.each([
    ['NguyÔn ThÞ ThuËn', 'Nguyễn Thị Thuận'],
    ['§Æng V¨n Quang', 'Đặng Văn Quang'],
    ['BPMC x· VÜnh ThuËn', 'BPMC xã Vĩnh Thuận'],
    ['UBND huyÖn VÜnh Th¹nh', 'UBND huyện Vĩnh Thạnh'],
    ['Lª Thanh Tïng', 'Lê Thanh Tùng'],
    ['Bïi ThÞ Xu©n', 'Bùi Thị Xuân'],
    ['Hå ChÝ Minh', 'Hồ Chí Minh'],
    ['Huúnh V¨n Tr\u00adêng', 'Huỳnh Văn Trường'],
    ['§inh ThÞ Kim, x· VÜnh Kim', 'Đinh Thị Kim, xã Vĩnh Kim'],
    ['¢n §øc', 'Ân Đức'],
    ['NGUYÔN V¡N AN', 'NGUYỄN VĂN AN'],
  ])('converts TCVN3 "%s" to "%s"', (garbled, expected) => {
    expect(decodeLegacyText(garbled)).toEqual({ text: expected, encoding: 'TCVN3' });
  });

  it.each([
    ['Nguyeãn Thò Thuaän', 'Nguyễn Thị Thuận'],
    ['Ñaëng Vaên Quang', 'Đặng Văn Quang'],
    ['BPMC xaõ Vónh Thuaän', 'BPMC xã Vĩnh Thuận'],
    ['UBND huyeän Vónh Thaïnh', 'UBND huyện Vĩnh Thạnh'],
    ['Tröôøng', 'Trường'],
    ['Phaïm Thò Hoøa', 'Phạm Thị Hòa'],
    ['NGUYEÃN VAÊN AN', 'NGUYỄN VĂN AN'],
  ])('converts VNI "%s" to "%s"', (garbled, expected) => {
    expect(decodeLegacyText(garbled)).toEqual({ text: expected, encoding: 'VNI' });
  });

  it('returns NFC', () => {
    const { text } = decodeLegacyText('NguyÔn ThÞ ThuËn');
    expect(text).toBe(text.normalize('NFC'));
  });

  it.each([
    ['Unicode with letters outside Latin-1', 'Nguyễn Thị Thuận'],
    ['a tone on oa (old style)', 'Hoà'],
    ['a tone on oa (new style)', 'Hòa'],
    ['Đ and ẵ', 'Đà Nẵng'],
    ['plain ASCII', 'Nguyen Van An'],
    ['Unicode whose letters are all Latin-1 (â)', 'Tâm'],
    ['Unicode Latin-1 letters in a name', 'Lê Tâm'],
    ['capitals in Latin-1', 'THÀNH'],
    ['a French word', 'Café'],
    ['a temperature', '25°C'],
    ['a copyright line', '© 2021 UBND tỉnh'],
    ['digits', '052089001234'],
    ['the empty string', ''],
    ['symbols that decode to nothing Vietnamese', '©©© ¥¥'],
    ['a TCVN3-looking word that is not a syllable once decoded', 'x·x·x·'],
  ])('leaves %s alone: "%s"', (_label, input) => {
    expect(decodeLegacyText(input)).toEqual({ text: input, encoding: null });
  });

  it('never converts real Unicode Vietnamese text', () => {
    fc.assert(
      fc.property(vietnameseText, (text) => {
        expect(decodeLegacyText(text)).toEqual({ text, encoding: null });
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes any lower-case Vietnamese text typed in TCVN3 back to what was typed', () => {
    fc.assert(
      fc.property(vietnameseText.map((text) => text.toLowerCase()), (text) => {
        const garbled = encode(text, TCVN3_FROM_UNICODE);
        fc.pre(garbled !== text && !isWellFormedVietnamese(garbled));
        expect(decodeLegacyText(garbled)).toEqual({ text, encoding: 'TCVN3' });
      }),
      { numRuns: 3000 },
    );
  });

  // Every VNI byte is also a TCVN3 byte. Where both tables read the text as Vietnamese ("öu" is VNI "ưu"
  // and TCVN3 "ửu"), TCVN3 wins: it is the standard of the province's offices. Everywhere else VNI decodes.
  it('decodes any Vietnamese text typed in VNI back to what was typed, unless it also reads as TCVN3', () => {
    fc.assert(
      fc.property(vietnameseText, (text) => {
        const garbled = encode(text, VNI_FROM_UNICODE);
        const tcvn3 = readAsTcvn3(garbled);
        fc.pre(garbled !== text && !isWellFormedVietnamese(garbled));
        fc.pre(!isWellFormedVietnamese(tcvn3) && !isWellFormedVietnamese(tcvn3.toUpperCase()));
        expect(decodeLegacyText(garbled)).toEqual({ text, encoding: 'VNI' });
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws, and converts only to well-formed Vietnamese', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const result = decodeLegacyText(input);
        if (result.encoding === null) expect(result.text).toBe(input);
        else expect(isWellFormedVietnamese(result.text)).toBe(true);
      }),
    );
  });
});

describe('isVietnameseSyllable', () => {
  it.each([
    ['nguyễn'], ['thuận'], ['xã'], ['quý'], ['gì'], ['giá'], ['giếng'], ['giữa'], ['khuỷu'], ['thuở'], ['hoà'], ['hòa'], ['thuỷ'], ['thủy'],
    ['trường'], ['bắc'], ['việt'], ['ân'], ['oanh'],
  ])(
    'accepts "%s"',
    (word) => {
      expect(isVietnameseSyllable(word)).toBe(true);
    },
  );

  it.each([
    ['two tone marks', 'nguyễǹ'],
    ['a stop final with the huyền tone', 'bàc'],
    ['ă without a final', 'tă'],
    ['an unknown vowel group', 'nguyôn'],
    ['a symbol', 'x·'],
    ['a consonant Vietnamese does not use', 'fan'],
    ['the tone on the wrong vowel of "au"', 'aù'],
    ['the tone on the wrong vowel of "iê"', 'tíên'],
  ])('refuses %s', (_label, word) => {
    expect(isVietnameseSyllable(word)).toBe(false);
  });
});
