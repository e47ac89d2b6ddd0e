import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MOBILE_PREFIX_CONVERSION_2018, MOBILE_PREFIXES } from '../../../shared/data/reference.js';
import { normalizePhone } from '../../../shared/vn/phone.js';

const text = (value: string) => ({ text: value, numeric: false });
const numeric = (value: string) => ({ text: value, numeric: true });

describe('normalizePhone', () => {
  it.each([
    ['plain 10 digits', text('0912345678'), '0912345678'],
    ['spaces', text('0912 345 678'), '0912345678'],
    ['dots', text('0912.345.678'), '0912345678'],
    ['dashes', text('0912-345-678'), '0912345678'],
    ['an en dash', text('0912–345–678'), '0912345678'],
    ['parentheses', text('(091) 234 5678'), '0912345678'],
    ['stray spaces around it', text('  0366 432 390 '), '0366432390'],
    ['+84 and 9 digits', text('+84 978 021 002'), '0978021002'],
    ['+84 without spaces', text('+84978021002'), '0978021002'],
    ['+84 (0) and 9 digits', text('+84 (0) 978 021 002'), '0978021002'],
    ['0084 and 9 digits', text('0084 978 021 002'), '0978021002'],
    ['84 and 9 digits', text('84978021002'), '0978021002'],
    ['84 and 9 digits, as a number', numeric('84978021002'), '0978021002'],
    ['Excel text apostrophe', text("'0912345678"), '0912345678'],
    ['a Vietnamobile 052 number', text('0522345678'), '0522345678'],
    ['an Itel 087 number', text('0871234567'), '0871234567'],
  ])('accepts %s without a warning', (_label, cell, expected) => {
    expect(normalizePhone(cell)).toEqual({ ok: true, value: expected, warnings: [] });
  });

  it.each([
    ['a numeric cell of 9 digits gets its 0 back', numeric('978021001'), '0978021001', ['PHONE_LEADING_ZERO_RESTORED']],
    ['a pre-2018 11-digit number is converted', text('01678 021 003'), '0378021003', ['PHONE_CONVERTED_2018']],
    ['a pre-2018 number after +84 is converted', text('+84 1678 021 003'), '0378021003', ['PHONE_CONVERTED_2018']],
    ['a pre-2018 number after 84 is converted', text('841678021003'), '0378021003', ['PHONE_CONVERTED_2018']],
    [
      'a numeric pre-2018 number of 10 digits gets both',
      numeric('1678021003'),
      '0378021003',
      ['PHONE_LEADING_ZERO_RESTORED', 'PHONE_CONVERTED_2018'],
    ],
    ['a MobiFone 0120 number becomes 070', text('01201234567'), '0701234567', ['PHONE_CONVERTED_2018']],
    ['a Gmobile 0199 number becomes 059', text('01991234567'), '0591234567', ['PHONE_CONVERTED_2018']],
  ])('%s', (_label, cell, expected, warnings) => {
    expect(normalizePhone(cell)).toEqual({ ok: true, value: expected, warnings });
  });

  it.each(MOBILE_PREFIX_CONVERSION_2018.map((row) => [row.old_prefix, row.new_prefix]))(
    'converts the old prefix %s to %s',
    (oldPrefix, newPrefix) => {
      expect(normalizePhone(text(`${oldPrefix}9876543`))).toMatchObject({ ok: true, value: `${newPrefix}9876543` });
    },
  );

  it.each(MOBILE_PREFIXES.map((row) => [row.prefix]))('accepts the mobile prefix %s', (prefix) => {
    expect(normalizePhone(text(`${prefix}1234567`))).toMatchObject({ ok: true, value: `${prefix}1234567` });
  });

  it.each([
    ['a Bình Định landline', text('0256 3870 123')],
    ['a Hà Nội landline', text('024 3825 1234')],
    ['a landline typed as a number (lost 0)', numeric('2563870123')],
    ['a landline written with +84', text('+84 256 3870 123')],
  ])('refuses %s as not a mobile number', (_label, cell) => {
    expect(normalizePhone(cell)).toMatchObject({ ok: false, error: 'PHONE_NOT_MOBILE' });
  });

  it.each([
    ['letters', text('09123abc78')],
    ['words', text('không có')],
    ['too short', text('091234567')],
    ['too long', text('09123456789')],
    ['a 9-digit text value (only a number cell lost its 0)', text('978021001')],
    ['an unknown prefix 031', text('0311234567')],
    ['an unknown prefix 095 (the closed S-Fone)', text('0951234567')],
    ['an unknown old prefix 0130', text('01301234567')],
    ['a service number', text('19001234')],
    ['two numbers in one cell', text('0912345678 / 0987654321')],
    ['a plus sign in the middle', text('0912+345678')],
    ['+84 followed by too few digits', text('+84 912 345')],
  ])('refuses %s as invalid', (_label, cell) => {
    expect(normalizePhone(cell)).toMatchObject({ ok: false, error: 'PHONE_INVALID' });
  });

  it.each([
    ['an empty cell', null],
    ['an empty string', text('')],
    ['only spaces', text('   ')],
  ])('requires a number: %s', (_label, cell) => {
    expect(normalizePhone(cell)).toEqual({ ok: false, value: null, error: 'PHONE_REQUIRED' });
  });

  it('never puts the number into the issue params, and keeps the typed text as the value', () => {
    const result = normalizePhone(text('0256 3870 123'));
    expect(result).toEqual({ ok: false, value: '0256 3870 123', error: 'PHONE_NOT_MOBILE' });
  });

  it('is idempotent: normalizing a normalized number changes nothing', () => {
    const mobile = fc
      .tuple(fc.constantFrom(...MOBILE_PREFIXES.map((row) => row.prefix)), fc.stringMatching(/^\d{7}$/))
      .map(([prefix, rest]) => prefix + rest);
    const written = fc.tuple(mobile, fc.constantFrom('plain', 'dotted', '+84', '84')).map(([number, form]) => {
      if (form === 'dotted') return `${number.slice(0, 4)}.${number.slice(4, 7)}.${number.slice(7)}`;
      if (form === '+84') return `+84 ${number.slice(1)}`;
      return form === '84' ? `84${number.slice(1)}` : number;
    });
    const phoneLike = fc.oneof(
      written,
      fc.stringMatching(/^(\+84|84|0084|0)?[ .()-]?\d{2,4}[ .-]?\d{3}[ .-]?\d{3,4}$/),
      fc.string(),
    );
    fc.assert(
      fc.property(phoneLike, fc.boolean(), (value, isNumeric) => {
        const first = normalizePhone({ text: value, numeric: isNumeric });
        if (!first.ok) return;
        const second = normalizePhone({ text: first.value, numeric: false });
        expect(second).toEqual({ ok: true, value: first.value, warnings: [] });
      }),
    );
  });

  it('never throws, whatever the cell holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (value, isNumeric) => {
        const result = normalizePhone({ text: value, numeric: isNumeric });
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
