/**
 * An ID or phone number typed into the name or unit column is never quoted back: not in the verdict's
 * messages (stored in DynamoDB, returned by the API, printed by the CLI) and not in the annotated
 * workbook's notes or its "Lỗi" sheet, however it is typed: with / _ , or any other separator, in
 * full-width or other compatibility digits, alone or inside other text.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../../shared/validate.js';
import type { Verdict } from '../../shared/verdict.js';
import { holdsPersonalNumber } from '../../shared/vn/text.js';
import { annotate, ISSUES_SHEET_NAME } from '../../shared/workbook/annotate.js';
import { buildCsv, buildRosterXlsx } from '../support/workbooks.js';

const NOW = new Date('2021-06-24T03:00:00Z');
const HEADER = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];
/** The row's own ID and phone, in their columns: valid, so that only the typed number is in question. */
const OWN_ID = '052083020001';
const OWN_PHONE = '0914020001';

/** Separators people type inside a number, including full-width forms. */
const NUMBER_SEPARATORS = [
  '', ' ', '  ', '.', '-', '/', '_', ',', ';', ':', '\\', '|', '(', ')', '+', '*', '#', '·', '\u00a0', '\u3000', '\t',
  '／', '＿', '，', '．', '－',
] as const;

/** One digit in the widths and styles that NFKC folds to ASCII. */
const DIGIT_FORMS = [
  (d: number) => String(d),
  (d: number) => String.fromCodePoint(0xff10 + d), // full-width ０–９
  (d: number) => String.fromCodePoint(0x1d7ce + d), // mathematical bold 𝟎–𝟗
  (d: number) => String.fromCodePoint(0x1d7f6 + d), // mathematical monospace 𝟶–𝟿
] as const;

/** A 9–12 digit number (the length of a CMND, a phone number, a CCCD) typed with random separators and widths. */
const disguisedNumber = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 12 })
  .chain((digits) =>
    fc
      .tuple(
        fc.array(fc.constantFrom(...DIGIT_FORMS), { minLength: digits.length, maxLength: digits.length }),
        fc.array(fc.constantFrom(...NUMBER_SEPARATORS), { minLength: digits.length - 1, maxLength: digits.length - 1 }),
      )
      .map(([forms, separators]) => ({
        digits: digits.join(''),
        typed: digits.map((d, i) => (i === 0 ? '' : (separators[i - 1] ?? '')) + (forms[i] ?? DIGIT_FORMS[0])(d)).join(''),
      })),
  );

/** Where the number lands: alone in the cell, or with a name or unit around it (columns shifted, notes typed in). */
const placement = fc.record({
  column: fc.constantFrom('name', 'unit'),
  before: fc.constantFrom('', 'Nguyễn Văn An ', 'BPMC xã Vĩnh Hảo ', 'SĐT: ', 'CCCD '),
  after: fc.constantFrom('', ' (di động)', ' - Vĩnh Hảo'),
});

/**
 * True when the text shows six digits in a row of `digits`, once compatibility forms are folded and
 * separators dropped: a quote of (part of) the number, however it was written.
 */
function quotesPartOf(text: string, digits: string): boolean {
  const folded = text.normalize('NFKC').replace(/[^\p{L}\p{Nd}]+/gu, '');
  for (let start = 0; start + 6 <= digits.length; start++) if (folded.includes(digits.slice(start, start + 6))) return true;
  return false;
}

function rowWith(column: 'name' | 'unit', text: string): (string | number)[] {
  return [1, column === 'name' ? text : 'Đinh Văn An', column === 'unit' ? text : 'BPMC xã Vĩnh Hảo', OWN_ID, OWN_PHONE];
}

const check = (bytes: Uint8Array, fileName: string) => validate(bytes, { unit: '546', form: 'roster', fileName, now: NOW });

/** Every note on every sheet of the annotated copy, and every cell of its "Lỗi" sheet. */
async function annotatedTexts(bytes: Uint8Array, verdict: Verdict, fileName: string): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await annotate(bytes, verdict, fileName)) as unknown as ExcelJS.Buffer);
  const texts: string[] = [];
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        const note = cell.note;
        if (note) texts.push(typeof note === 'string' ? note : (note.texts ?? []).map((t) => t.text).join(''));
        if (sheet.name === ISSUES_SHEET_NAME) texts.push(cell.text);
      });
    });
  }
  return texts;
}

describe('holdsPersonalNumber, as a property', () => {
  it('finds a 9–12 digit number typed with any separators and digit widths, inside any text', () => {
    fc.assert(
      fc.property(disguisedNumber, fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), ({ typed }, before, after) => {
        expect(holdsPersonalNumber(`${before} ${typed} ${after}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the numbers of the report, in the name or the unit column', () => {
  it.each([
    ['0914/020/999', '0914020999'],
    ['052_083_020_998', '052083020998'],
    ['０９１４０２０９９７', '0914020997'],
    ['0914,020,996', '0914020996'],
  ])('%s is quoted in no message and no note, in either column', async (typed, digits) => {
    for (const column of ['name', 'unit'] as const) {
      for (const text of [typed, `${column === 'name' ? 'Nguyễn Văn An' : 'BPMC xã Vĩnh Hảo'} ${typed}`]) {
        const bytes = await buildRosterXlsx({ rows: [rowWith(column, text)] });
        const verdict = await check(bytes, 'danh-sach.xlsx');
        // The cell is wrong and says so, without quoting it.
        expect(verdict.issues.filter((i) => i.column === column && i.severity === 'error')).not.toEqual([]);
        for (const issue of verdict.issues) expect(quotesPartOf(issue.message, digits), issue.message).toBe(false);
        for (const note of await annotatedTexts(bytes, verdict, 'danh-sach.xlsx')) expect(quotesPartOf(note, digits), note).toBe(false);
      }
    }
  });
});

describe('no message quotes a number, as a property', () => {
  it('over CSV rosters: every message of the verdict', async () => {
    await fc.assert(
      fc.asyncProperty(disguisedNumber, placement, async ({ digits, typed }, where) => {
        const bytes = buildCsv([HEADER, rowWith(where.column, `${where.before}${typed}${where.after}`)]);
        const verdict = await check(bytes, 'danh-sach.csv');
        expect(verdict.accepted).toBe(false);
        for (const issue of verdict.issues) expect(quotesPartOf(issue.message, digits), issue.message).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('over .xlsx rosters: every message, and every note and line of the annotated workbook', async () => {
    await fc.assert(
      fc.asyncProperty(disguisedNumber, placement, async ({ digits, typed }, where) => {
        const bytes = await buildRosterXlsx({ rows: [rowWith(where.column, `${where.before}${typed}${where.after}`)] });
        const verdict = await check(bytes, 'danh-sach.xlsx');
        const texts = [...verdict.issues.map((i) => i.message), ...(await annotatedTexts(bytes, verdict, 'danh-sach.xlsx'))];
        expect(texts.length).toBeGreaterThan(0);
        for (const text of texts) expect(quotesPartOf(text, digits), text).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
