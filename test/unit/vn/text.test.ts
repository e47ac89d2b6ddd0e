/**
 * What counts as a personal number in free text (never quoted) and in an ID or phone cell (an official's row).
 * The property over numbers typed with any separators and widths is in test/unit/personal-numbers.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdsPersonalNumber, looksLikeIdOrPhone } from '../../../shared/vn/text.js';

describe('holdsPersonalNumber (the guard on every quoted text)', () => {
  it.each([
    ['0914020999', true],
    ['0914 020 999', true],
    ['0914.020.999', true],
    ['0914/020/999', true],
    ['052_083_020_998', true],
    ['0914,020,999', true],
    ['０９１４０２０９９７', true],
    ['Nguyễn Văn An ０９１４０２０９９７', true],
    ['BPMC xã Vĩnh Hảo (0914/020/999)', true],
    ['SĐT: 0914 - 020 - 999', true],
    ['BPMC xã Vĩnh Hảo', false],
    ['Tổ 12, khu phố 3', false],
    ['Khu vực 1', false],
    ['12345', false],
    ['12 3a45 6', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(holdsPersonalNumber(text)).toBe(expected);
  });

  it('never flags text with fewer than six digits, whatever surrounds them', () => {
    const noDigits = fc.string({ maxLength: 20 }).map((s) => s.normalize('NFKC').replace(/\p{Nd}/gu, ''));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 5 }), noDigits, noDigits, (digits, before, after) => {
        // NFKC can turn a symbol into a digit (①); only digits placed on purpose should count.
        fc.pre(!/\p{Nd}/u.test(`${before}${after}`.normalize('NFKC')));
        expect(holdsPersonalNumber(`${before}${digits.join(' / ')}${after}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('looksLikeIdOrPhone (an ID or phone cell that makes its row an official’s)', () => {
  it.each([
    ['052083020001', true],
    ['0914 020 001', true],
    ['0914.020.001', true],
    ['０９１４０２０００１', true],
    // A signature line spilling into the ID column still ends the table.
    ['Vĩnh Thạnh, ngày 20/6/2021', false],
    ['ngày … tháng … năm 2021', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeIdOrPhone(text)).toBe(expected);
  });
});
