/**
 * The one-pass reader (`readWorkbook` on an .xlsx) reads what exceljs's `load` reads: on any workbook of
 * the kinds clerks send (text with Vietnamese letters and XML's special characters, numbers, dates under
 * any date format, zero-padded numbers, formulas with cached results, rich text, hyperlinks, errors,
 * booleans, merged cells, hidden sheets, gaps), the cells it returns are those of the loaded workbook.
 * And a rejected upload is read once: annotating it reuses validation's reading.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { validate } from '../../../shared/validate.js';
import { annotate } from '../../../shared/workbook/annotate.js';
import { DEFAULT_READ_LIMITS, readWorkbook } from '../../../shared/workbook/read.js';
import { loadExcelWorkbook, workbookDataOf } from '../../../shared/workbook/xlsx.js';
import * as zipGuard from '../../../shared/workbook/zip-guard.js';
import { buildRosterXlsx, buildWorkbookXlsx, type CellInput, type SheetSpec } from '../../support/workbooks.js';

const text = fc.oneof(
  fc.constantFrom('Nguyễn Thị Hoà', 'BPMC xã Cát Hanh', 'a & b < c > "d" \'e\'', '  khoảng trắng  ', 'dòng 1\r\ndòng 2', 'Ðặng', '&amp;', ''),
  fc.string({ maxLength: 12 }),
);
const number = fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), fc.constant(52189021001));
const date = fc.date({ min: new Date(Date.UTC(1950, 0, 1)), max: new Date(Date.UTC(2040, 0, 1)), noInvalidDate: true });

const cell: fc.Arbitrary<CellInput> = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 3, arbitrary: number },
  fc.constant(null),
  fc.boolean(),
  date,
  // exceljs drops a cached result that is falsy (0, FALSE, ""): compared apart, below.
  fc.record({ formula: fc.constant('A1&"x"'), result: fc.oneof(text.filter((t) => t !== ''), number.filter((n) => n !== 0), fc.constant(true)) }),
  fc.constant({ formula: 'B2' }),
  fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }).map((runs) => ({ richText: runs })),
  text.map((linkText) => ({ text: linkText || 'liên kết', hyperlink: 'https://example.vn/a?b=1&c=2' })),
  fc.constantFrom({ error: '#N/A' as const }, { error: '#REF!' as const }),
);

const numFmt = fc.constantFrom('000000000000', '0', 'dd/mm/yyyy', 'mm-dd-yy', 'h:mm', '#,##0', '@', '"ngày" d', '[Red]0.00', 'General');

const sheet: fc.Arbitrary<SheetSpec> = fc.record({
  name: fc.constantFrom('Danh sách', 'Sheet1', 'A&B', 'Trang "2"'),
  rows: fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 12 }),
  startRow: fc.integer({ min: 1, max: 5 }),
  state: fc.constantFrom('visible' as const, 'visible' as const, 'hidden' as const, 'veryHidden' as const),
  merges: fc.constantFrom([], ['A1:C1'], ['B2:B4', 'D1:E2']),
  numFmts: fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D'), numFmt, { maxKeys: 3 }),
});

/** Sheet names are unique in a workbook. */
const workbook = fc.uniqueArray(sheet, { minLength: 1, maxLength: 3, selector: (spec) => spec.name });

describe('the one-pass .xlsx reader reads what exceljs loads', () => {
  it('gives the same sheets, rows and cells on generated workbooks', async () => {
    await fc.assert(
      fc.asyncProperty(workbook, async (sheets) => {
        const bytes = await buildWorkbookXlsx(sheets);
        const read = await readWorkbook(bytes, 'ds.xlsx');
        expect(read.ok).toBe(true);
        const loaded = workbookDataOf(await loadExcelWorkbook(bytes), DEFAULT_READ_LIMITS);
        expect(read.ok && read.workbook).toEqual(loaded);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('gives the same for a roster of 2,000 rows', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => [i + 1, `Nguyễn Văn ${i}`, 'BPMC xã Cát Hanh', 52089000000 + i, `09${String(i).padStart(8, '0')}`]);
    const bytes = await buildRosterXlsx({ rows });
    const read = await readWorkbook(bytes, 'ds.xlsx');
    expect(read.ok && read.workbook).toEqual(workbookDataOf(await loadExcelWorkbook(bytes), DEFAULT_READ_LIMITS));
  }, 60_000);
});

describe('where the reader is right and exceljs is not', () => {
  it.each([
    ['0', { formula: 'B1-B1', result: 0 }, { text: '0', numeric: true, formula: true }],
    ['FALSE', { formula: 'B1>B1', result: false }, { text: 'FALSE', numeric: false, formula: true }],
  ])('reads a formula whose cached result is %s as Excel shows it (exceljs reads it as empty)', async (_, input, expected) => {
    const bytes = await buildWorkbookXlsx([{ name: 'S', rows: [[input as CellInput, 'x']] }]);
    const read = await readWorkbook(bytes, 'ds.xlsx');
    expect(read.ok && read.workbook.sheets[0]?.rows[0]?.cells[0]).toEqual(expected);
    expect(workbookDataOf(await loadExcelWorkbook(bytes), DEFAULT_READ_LIMITS).sheets[0]?.rows[0]?.cells[0]).toBeNull();
  });
});

describe('an upload is read once', () => {
  it('annotating a rejected roster after validating it inflates nothing again until exceljs loads it to write it back', async () => {
    const bytes = await buildRosterXlsx({ rows: [[1, 'Nguyễn Văn An', 'BPMC xã Cát Hanh', '123', '0914020001']] });
    const inflations = vi.spyOn(zipGuard, 'inflateZipWithin');
    try {
      const verdict = await validate(bytes, { unit: '548', form: 'roster', fileName: 'ds.xlsx' });
      expect(verdict.accepted).toBe(false);
      expect(inflations).toHaveBeenCalledTimes(1);
      const annotated = await annotate(bytes, verdict, 'ds.xlsx');
      expect(inflations).toHaveBeenCalledTimes(1);
      const marked = await loadExcelWorkbook(annotated);
      expect(marked.worksheets.map((worksheet) => worksheet.name)).toContain('Lỗi');
    } finally {
      inflations.mockRestore();
    }
  }, 60_000);
});
