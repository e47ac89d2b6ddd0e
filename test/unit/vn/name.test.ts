import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeName } from '../../../shared/vn/name.js';

const text = (value: string) => ({ text: value, numeric: false });

describe('normalizeName', () => {
  it.each([
    ['a plain Vietnamese name', 'Nguyễn Văn An', 'Nguyễn Văn An'],
    ['every marked vowel', 'Đặng Thị Ẩn Ửng Ờ Ỹ Ộ', 'Đặng Thị Ẩn Ửng Ờ Ỹ Ộ'],
    ['capitals', 'TRẦN THỊ THUẬN', 'TRẦN THỊ THUẬN'],
    ['lower case', 'lê văn tám', 'lê văn tám'],
    ['stray and repeated spaces', '  Võ   Thị Xuân ', 'Võ Thị Xuân'],
    ['a non-breaking space', 'Võ\u00a0Thị Xuân', 'Võ Thị Xuân'],
    ['decomposed Unicode (NFD) made NFC', 'Nguyễn Văn An'.normalize('NFD'), 'Nguyễn Văn An'],
    ['either tone placement', 'Phạm Thị Hoà', 'Phạm Thị Hoà'],
    ['a minority name with an apostrophe', "Đinh Thị H'Hen", "Đinh Thị H'Hen"],
    ['a typographic apostrophe', 'Ksor H’Wen', 'Ksor H’Wen'],
    ['a hyphenated name', 'Rơ Châm Ly-Na', 'Rơ Châm Ly-Na'],
    ['an initial with a period', 'Nguyễn V. An', 'Nguyễn V. An'],
    ['two initials', 'Lê T.T. Hà', 'Lê T.T. Hà'],
    ['a single letter (the template’s “Nguyễn Văn A”)', 'Nguyễn Văn A', 'Nguyễn Văn A'],
    ['letters Vietnamese does not use but minority names do', 'Y Jút Niê', 'Y Jút Niê'],
  ])('accepts %s', (_label, input, expected) => {
    expect(normalizeName(text(input))).toEqual({ ok: true, value: expected, warnings: [] });
  });

  it.each([
    ['a digit', 'Nguyễn Văn 2'],
    ['a number glued to a name', 'Lê Văn A1'],
    ['a comma', 'Nguyễn, Văn An'],
    ['parentheses', 'Nguyễn Văn An (trưởng bộ phận)'],
    ['a slash', 'Nguyễn Văn An / Lê Thị B'],
    ['a period after a whole word', 'Nguyễn Văn. An'],
    ['a dangling hyphen', 'Nguyễn Văn An -'],
    ['a letter from another alphabet', 'Nguyễn Văn Ан'],
    ['a letter with a non-Vietnamese mark', 'Nguyễn Văn Ñam'],
    ['an emoji', 'Nguyễn Văn An 🙂'],
    ['an asterisk', 'Nguyễn Văn An*'],
  ])('refuses %s', (_label, input) => {
    expect(normalizeName(text(input))).toMatchObject({ ok: false, error: 'NAME_INVALID' });
  });

  it('names the offending text in params when it holds no digits', () => {
    expect(normalizeName(text('Nguyễn, Văn An'))).toEqual({
      ok: false,
      value: 'Nguyễn, Văn An',
      error: 'NAME_INVALID',
      params: { value: 'Nguyễn, Văn An' },
    });
  });

  it('never quotes a value with digits (an ID or phone pasted in the wrong column)', () => {
    const result = normalizeName(text('052089001234'));
    expect(result).toEqual({ ok: false, value: '052089001234', error: 'NAME_INVALID' });
  });

  it('refuses a pasted paragraph as too long', () => {
    const result = normalizeName(text('Nguyễn Văn An '.repeat(10)));
    expect(result).toMatchObject({ ok: false, error: 'NAME_INVALID' });
    expect(result.ok ? undefined : result.params).toBeUndefined();
  });

  it.each([
    ['=', '=HYPERLINK("http://x.example")'],
    ['+', '+Nguyễn Văn An'],
    ['-', '-Nguyễn Văn An'],
    ['@', '@SUM(A1:A2)'],
    ['= after spaces', '   =1+1'],
    ['a URL', 'Nguyễn Văn An https://example.com'],
    ['a www address', 'www.example.vn'],
    ['a bare domain', 'Xem tại dichvucong.gov.vn'],
  ])('refuses formula-looking text or a URL: %s', (_label, input) => {
    expect(normalizeName(text(input))).toMatchObject({ ok: false, error: 'NAME_FORMULA' });
  });

  it.each([
    ['an empty cell', null],
    ['an empty string', text('')],
    ['only spaces', text('   ')],
    ['only zero-width and non-breaking spaces', text('\u200b\u00a0')],
  ])('requires a name: %s', (_label, cell) => {
    expect(normalizeName(cell)).toEqual({ ok: false, value: null, error: 'NAME_REQUIRED' });
  });

  it('does not decode legacy encodings itself (the caller does)', () => {
    expect(normalizeName(text('NguyÔn ThÞ ThuËn'))).toMatchObject({ ok: false, error: 'NAME_INVALID' });
  });

  it('is idempotent and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const first = normalizeName(text(value));
        if (first.ok) expect(normalizeName(text(first.value))).toEqual(first);
      }),
    );
  });
});
