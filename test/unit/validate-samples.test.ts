/** The verdicts samples/README.md states for the province's example rosters. */
import { describe, expect, it } from 'vitest';
import { validate } from '../../shared/validate.js';
import { sampleBytes } from '../support/samples.js';

const NOW = new Date('2021-06-24T03:00:00Z');
const run = (name: 's01' | 's02' | 's03' | 's04', unit: string) =>
  validate(sampleBytes(name), { unit, form: 'roster', fileName: `${name}.xlsx`, now: NOW });

describe('s01 Vĩnh Thạnh, the plain case', () => {
  it('is accepted with three officials of the district and two communes', async () => {
    const verdict = await run('s01', '546');
    expect(verdict.accepted).toBe(true);
    expect(verdict.issues).toEqual([]);
    expect(verdict.rows.map((r) => [r.row, r.unitCode, r.ok])).toEqual([
      [7, '546', true],
      [8, '21799', true],
      [9, '21790', true],
    ]);
    expect(verdict.rows[0]).toMatchObject({ name: 'Đinh Văn Thạnh', idNumber: '052083020001', phone: '0914020001' });
  });
});

describe('s02 Tây Sơn, filled the messy way', () => {
  it('is accepted with rows 9–11, skipping the sample, blank and signature rows', async () => {
    const verdict = await run('s02', '547');
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((r) => r.row)).toEqual([9, 10, 11]);
    expect(verdict.skipped).toEqual([
      { row: 7, reason: 'sample' },
      { row: 8, reason: 'sample' },
      { row: 12, reason: 'blank' },
      { row: 13, reason: 'blank' },
      { row: 14, reason: 'blank' },
      { row: 15, reason: 'footer' },
      { row: 16, reason: 'footer' },
      { row: 17, reason: 'footer' },
      { row: 18, reason: 'footer' },
      { row: 19, reason: 'footer' },
    ]);
  });

  it('restores lost leading zeros, reads +84 and converts the pre-2018 number, with warnings', async () => {
    const verdict = await run('s02', '547');
    const [row9, row10, row11] = verdict.rows;
    expect(row9).toMatchObject({ name: 'Võ Thị Xuân', idNumber: '052189021001', phone: '0978021001', ok: true });
    expect(row10).toMatchObject({ phone: '0978021002', ok: true });
    expect(row11).toMatchObject({ phone: '0378021003', ok: true });
    expect(row9?.name).toBe(row9?.name?.normalize('NFC'));
    const codes = verdict.issues.map((i) => [i.row, i.code]);
    expect(codes).toEqual(
      expect.arrayContaining([
        [7, 'SAMPLE_ROW_SKIPPED'],
        [8, 'SAMPLE_ROW_SKIPPED'],
        [9, 'ID_LEADING_ZERO_RESTORED'],
        [9, 'PHONE_LEADING_ZERO_RESTORED'],
        [11, 'PHONE_CONVERTED_2018'],
      ]),
    );
    expect(verdict.issues.every((i) => i.severity === 'warning')).toBe(true);
  });

  it('resolves "X. Bình Nghi" and "BPMC Xã Tây Vinh" to communes of Tây Sơn', async () => {
    const verdict = await run('s02', '547');
    expect(verdict.rows.map((r) => r.unitCode)).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
  });
});

describe('s03 Hoài Ân, with mistakes', () => {
  it('is rejected with errors on rows 7 to 11 exactly', async () => {
    const verdict = await run('s03', '544');
    expect(verdict.accepted).toBe(false);
    const errors = verdict.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.row, i.column, i.code])).toEqual([
      [7, 'phone', 'PHONE_DUPLICATE'],
      [8, 'idNumber', 'ID_LENGTH'],
      [9, 'phone', 'PHONE_NOT_MOBILE'],
      [10, 'phone', 'PHONE_DUPLICATE'],
      [11, 'unit', 'UNIT_OUT_OF_SCOPE'],
    ]);
    expect(verdict.rows.map((r) => r.ok)).toEqual([false, false, false, false, false]);
  });

  it('explains each error in Vietnamese without repeating the personal numbers', async () => {
    const verdict = await run('s03', '544');
    for (const issue of verdict.issues) {
      expect(issue.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
      expect(issue.message).not.toMatch(/\d{9,}/);
    }
    const outOfScope = verdict.issues.find((i) => i.code === 'UNIT_OUT_OF_SCOPE');
    expect(outOfScope?.message).toContain('Cát Hanh');
  });
});

describe('s04 Vĩnh Thạnh, typed in TCVN3', () => {
  it('is accepted with the names converted to Unicode and a warning', async () => {
    const verdict = await run('s04', '546');
    expect(verdict.accepted).toBe(true);
    expect(verdict.rows.map((r) => r.name)).toEqual(['Nguyễn Thị Thuận', 'Đặng Văn Quang']);
    expect(verdict.issues.some((i) => i.code === 'LEGACY_ENCODING_CONVERTED' && i.severity === 'warning')).toBe(true);
    expect(verdict.issues.some((i) => i.code === 'SENDER_UNKNOWN' || i.code === 'SENDER_OUT_OF_SCOPE')).toBe(false);
  });
});
