import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CCCD_PROVINCES } from '../../../shared/data/reference.js';
import { idBirthYear, normalizeIdNumber } from '../../../shared/vn/id-number.js';

const UPLOAD_YEAR = 2021;
const text = (value: string) => ({ text: value, numeric: false });
const numeric = (value: string) => ({ text: value, numeric: true });

describe('normalizeIdNumber', () => {
  it.each([
    ['a Bình Định CCCD', text('052089001234'), '052089001234'],
    ['a CCCD with spaces', text('052 089 001 234'), '052089001234'],
    ['a CCCD with dots', text('052.089.001.234'), '052089001234'],
    ['a CCCD with stray spaces and NBSP', text('\u00a0052089001234 '), '052089001234'],
    ['a CCCD with Excel’s text apostrophe', text("'052089001234"), '052089001234'],
    ['a Hà Nội CCCD (001)', text('001089001234'), '001089001234'],
    ['a Hồ Chí Minh CCCD (079)', text('079189001234'), '079189001234'],
    ['a woman born in 2000 (digit 4 = 3)', text('052300001234'), '052300001234'],
    ['a 9-digit CMND', text('215123456'), '215123456'],
    ['a 9-digit CMND typed as a number', numeric('215123456'), '215123456'],
    ['a 12-digit number cell that kept all its digits', numeric('052089001234'), '052089001234'],
  ])('accepts %s', (_label, cell, expected) => {
    expect(normalizeIdNumber(cell, UPLOAD_YEAR)).toEqual({ ok: true, value: expected, warnings: [] });
  });

  it.each([
    ['an 11-digit number cell (CCCD lost its 0)', numeric('52189021001'), '052189021001'],
    ['an 8-digit number cell (CMND lost its 0)', numeric('12345678'), '012345678'],
  ])('restores the leading zero of %s, with a warning', (_label, cell, expected) => {
    expect(normalizeIdNumber(cell, UPLOAD_YEAR)).toEqual({ ok: true, value: expected, warnings: ['ID_LEADING_ZERO_RESTORED'] });
  });

  it('reports the padded value’s own error when padding does not make it valid', () => {
    // 999… is no province code even with the zero back.
    expect(normalizeIdNumber(numeric('99089001234'), UPLOAD_YEAR)).toMatchObject({
      ok: false,
      value: '099089001234',
      error: 'ID_PROVINCE_CODE',
    });
    expect(normalizeIdNumber(numeric('52010001234'), UPLOAD_YEAR)).toMatchObject({ ok: false, error: 'ID_BIRTH_YEAR' });
  });

  it.each([
    ['an 11-digit text value (a digit is missing)', text('05218002200'), '11'],
    ['10 digits', text('0520890012'), '10'],
    ['13 digits', text('0520890012345'), '13'],
    ['a 10-digit number cell', numeric('5208900123'), '10'],
    ['an 8-digit text value', text('12345678'), '8'],
    ['one digit', text('5'), '1'],
  ])('refuses %s by its length', (_label, cell, count) => {
    const result = normalizeIdNumber(cell, UPLOAD_YEAR);
    expect(result).toMatchObject({ ok: false, error: 'ID_LENGTH', params: { detail: count } });
  });

  it.each([
    ['letters', text('05208900123A')],
    ['an old CMND with a letter', text('B1234567')],
    ['dashes', text('052-089-001234')],
    ['words', text('chưa có')],
  ])('refuses %s as not digits', (_label, cell) => {
    expect(normalizeIdNumber(cell, UPLOAD_YEAR)).toMatchObject({ ok: false, error: 'ID_NOT_DIGITS' });
  });

  it.each([['000'], ['003'], ['053'], ['099'], ['520'], ['100']])('refuses the province code %s', (code) => {
    expect(normalizeIdNumber(text(`${code}089001234`), UPLOAD_YEAR)).toMatchObject({ ok: false, error: 'ID_PROVINCE_CODE' });
  });

  it.each(CCCD_PROVINCES.map((row) => [row.code, row.province_name]))('accepts the province code %s (%s)', (code) => {
    expect(normalizeIdNumber(text(`${code}089001234`), UPLOAD_YEAR)).toMatchObject({ ok: true });
  });

  it.each([
    // digit 4 / digits 5–6 → birth year; upload year 2021
    ['born 2003, exactly 18', '052203001234', true],
    ['born 2003 (woman), exactly 18', '052303001234', true],
    ['born 2004, 17', '052204001234', false],
    ['born 1921, exactly 100', '052021001234', true],
    ['born 1920, 101', '052020001234', false],
    ['born 1999', '052099001234', true],
    ['born 2099, not yet born', '052299001234', false],
    ['born in the 2100s', '052400001234', false],
    ['born in the 2200s', '052600001234', false],
    ['born 1899 (digit 4 = 8)', '052899001234', false],
    ['born 1899 (digit 4 = 9)', '052999001234', false],
  ])('checks the age from the birth year: %s', (_label, id, valid) => {
    const result = normalizeIdNumber(text(id), UPLOAD_YEAR);
    expect(result).toMatchObject(valid ? { ok: true, value: id } : { ok: false, error: 'ID_BIRTH_YEAR' });
  });

  it('measures the age in the year of upload', () => {
    expect(normalizeIdNumber(text('052204001234'), 2022)).toMatchObject({ ok: true });
    expect(normalizeIdNumber(text('052021001234'), 2022)).toMatchObject({ ok: false, error: 'ID_BIRTH_YEAR' });
  });

  it.each([
    ['an empty cell', null],
    ['an empty string', text('')],
    ['only spaces', text('  ')],
  ])('requires a number: %s', (_label, cell) => {
    expect(normalizeIdNumber(cell, UPLOAD_YEAR)).toEqual({ ok: false, value: null, error: 'ID_REQUIRED' });
  });

  it('never puts the number into the issue params', () => {
    for (const id of ['053089001234', '052010001234', '05208900123A']) {
      const result = normalizeIdNumber(text(id), UPLOAD_YEAR);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(JSON.stringify(result.params ?? {})).not.toContain('0890');
    }
  });

  it('is idempotent: normalizing a normalized number changes nothing', () => {
    const idLike = fc.oneof(
      fc
        .tuple(fc.constantFrom(...CCCD_PROVINCES.map((row) => row.code)), fc.stringMatching(/^[0-3]\d{8}$/), fc.boolean())
        .map(([code, rest, spaced]) => (spaced ? `${code} ${rest.slice(0, 3)} ${rest.slice(3)}` : code + rest)),
      fc.stringMatching(/^\d{8,12}$/),
      fc.string(),
    );
    fc.assert(
      fc.property(idLike, fc.boolean(), (value, isNumeric) => {
        const first = normalizeIdNumber({ text: value, numeric: isNumeric }, UPLOAD_YEAR);
        if (!first.ok) return;
        expect(normalizeIdNumber({ text: first.value, numeric: false }, UPLOAD_YEAR)).toEqual({
          ok: true,
          value: first.value,
          warnings: [],
        });
      }),
    );
  });

  it('never throws, whatever the cell holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), fc.integer(), (value, isNumeric, year) => {
        expect(typeof normalizeIdNumber({ text: value, numeric: isNumeric }, year).ok).toBe('boolean');
      }),
    );
  });
});

describe('idBirthYear', () => {
  it.each([
    ['052089001234', 1989],
    ['052189001234', 1989],
    ['052203001234', 2003],
    ['052399001234', 2099],
    ['052405001234', 2105],
    ['052705001234', 2205],
    ['052899001234', 1899],
    ['215123456', null],
    ['05208900123A', null],
  ])('reads %s as %s', (id, year) => {
    expect(idBirthYear(id)).toBe(year);
  });
});
