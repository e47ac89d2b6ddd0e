/**
 * The option parser every command uses: a misuse names the option and says what is wrong, in Vietnamese,
 * followed by the command's usage; a repeated option is refused instead of silently taking the last value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../cli/args.js';
import { parseValidity } from '../../cli/commands/invite.js';
import { InputError } from '../../shared/errors.js';

const USAGE = 'Cách dùng: npm run cli -- thử [--unit MÃ] [--json] [--out TỆP]';
const options = {
  unit: { type: 'string' },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  tag: { type: 'string', multiple: true },
} as const;

function misuse(args: string[], allowPositionals = false): InputError {
  try {
    parseCommandLine({ args, options, allowPositionals }, USAGE);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('returns the values of a correct command line', () => {
    const { values, positionals } = parseCommandLine({ args: ['tệp.xlsx', '--unit', '546', '--json'], options, allowPositionals: true }, USAGE);
    expect(values).toMatchObject({ unit: '546', json: true });
    expect(positionals).toEqual(['tệp.xlsx']);
  });

  it.each([
    ['an unknown option', ['--bogus'], /Tùy chọn "--bogus" không có trong lệnh này\. Các tùy chọn của lệnh này: --unit <giá trị>, --json, --out <giá trị>/],
    ['a misspelt option, with the one meant', ['--unit', '546', '--jsn'], /Tùy chọn "--jsn" không có trong lệnh này\. Có phải ý bạn là --json\?/],
    ['an unknown short option', ['-x'], /Tùy chọn "-x" không có trong lệnh này/],
    ['a value-taking option at the end with no value', ['--unit', '546', '--out'], /Tùy chọn --out cần một giá trị ngay sau nó/],
    ['a value-taking option followed by another option', ['--unit', '--json'], /Tùy chọn --unit cần một giá trị ngay sau nó, nhưng sau nó là "--json"/],
    ['a value given to a switch', ['--json=yes'], /Tùy chọn --json không nhận giá trị/],
    ['an argument the command does not take', ['2021-06-25'], /Lệnh này không nhận tham số "2021-06-25"/],
    ['a repeated option', ['--unit', '548', '--unit', '546'], /Tùy chọn --unit được ghi hai lần \("548" và "546"\)/],
    ['a repeated switch', ['--json', '--json'], /Tùy chọn --json được ghi hai lần/],
  ])('refuses %s, saying which option and why, then the usage', (_label, args, reason) => {
    const error = misuse(args);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('Tham số không hợp lệ');
    expect(error.message.endsWith(USAGE)).toBe(true);
  });

  it('keeps the original parse error as the cause', () => {
    expect(misuse(['--bogus']).cause).toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });

  it('takes a value that starts with a dash when it is written inline', () => {
    expect(parseCommandLine({ args: ['--out=-x.xlsx'], options }, USAGE).values.out).toBe('-x.xlsx');
  });

  it('lets an option declared `multiple` repeat', () => {
    expect(parseCommandLine({ args: ['--tag', 'a', '--tag', 'b'], options }, USAGE).values.tag).toEqual(['a', 'b']);
  });
});

describe('invite --expires', () => {
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;

  it.each([
    ['30p', 30 * MINUTE],
    ['2h', 2 * HOUR],
    ['2g', 2 * HOUR],
    ['14d', 14 * DAY],
    ['14ng', 14 * DAY],
    ['2 giờ', 2 * HOUR],
    ['14 ngày', 14 * DAY],
    ['90d', 90 * DAY],
    ['7D', 7 * DAY],
  ])('reads %s', (text, ms) => {
    expect(parseValidity(text)).toBe(ms);
  });

  it.each([
    ['1m', /"m" là phút hay tháng\? Ghi 1p nếu là phút.*ví dụ 30d/],
    ['30m', /phút hay tháng/],
    ['91d', /quá dài: tối đa 90 ngày/],
    ['2200h', /quá dài/],
    ['0d', /phải lớn hơn 0/],
    ['soon', /không đọc được.*30p \(30 phút\), 2h hoặc 2g \(2 giờ\), 14d hoặc 14ng \(14 ngày\)/],
    ['7', /không đọc được/],
    ['1w', /không đọc được/],
  ])('refuses %s with a Vietnamese reason', (text, reason) => {
    expect(() => parseValidity(text)).toThrow(InputError);
    expect(() => parseValidity(text)).toThrow(reason);
  });

  it('gives the same length in days, hours and minutes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), (days) => {
        expect(parseValidity(`${days}d`)).toBe(parseValidity(`${days * 24}h`));
        expect(parseValidity(`${days}ng`)).toBe(parseValidity(`${days * 24 * 60}p`));
      }),
    );
  });
});
