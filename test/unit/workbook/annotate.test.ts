/** The annotated copy: the clerk's own workbook with faulty cells marked, notes, and a "Lỗi" sheet. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_CODES, type IssueCode } from '../../../shared/issues.js';
import { type Issue, makeIssue, ROSTER_COLUMNS, type RosterColumn, type TableLocation, type Verdict } from '../../../shared/verdict.js';
import { annotate, ISSUES_SHEET_NAME, NOTE_HEADING, SEVERITY_STYLE } from '../../../shared/workbook/annotate.js';
import { DEFAULT_READ_LIMITS, type ReadLimits, readWorkbook } from '../../../shared/workbook/read.js';
import { buildCsv, buildRosterXlsx, buildWorkbookXlsx, buildZip, ROSTER_LAYOUT, unzipEntries } from '../../support/workbooks.js';

const ROWS = [
  [1, 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390'],
  [2, 'Trần Thị Bình', 'BPMC xã Cát Hanh', '05218002200', '0256 3870 123'],
  [3, 'Ngô Văn Cường', 'BPMC xã Ân Đức', '052089001235', '0366432391'],
];
const TABLE: TableLocation = { sheet: 'Danh sách', headerRow: 6, columns: { name: 2, unit: 3, idNumber: 4, phone: 5 } };

const issue = (code: IssueCode, row: number | null, column: RosterColumn | null): Issue => makeIssue(code, { row, column });

/** `table` null: no table was found (the verdict has no location). */
function verdictWith(issues: Issue[], table: TableLocation | null = TABLE): Verdict {
  return { form: 'roster', unit: '544', accepted: !issues.some((i) => i.severity === 'error'), rows: [], issues, skipped: [], ...(table ? { table } : {}) };
}

async function reopen(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return workbook;
}

const fillOf = (cell: ExcelJS.Cell) => (cell.fill?.type === 'pattern' ? cell.fill.fgColor?.argb : undefined);
const noteOf = (cell: ExcelJS.Cell) => {
  const note = cell.note;
  if (!note) return '';
  return typeof note === 'string' ? note : (note.texts ?? []).map((t) => t.text).join('');
};

/** Each row's values as the clerk reads them (a link cell's shown text). */
function sheetRows(sheet: ExcelJS.Worksheet | undefined): unknown[][] {
  const rows: unknown[][] = [];
  sheet?.eachRow((row) => {
    rows.push(
      (row.values as unknown[])
        .slice(1)
        .map((value) => (typeof value === 'object' && value !== null && 'result' in value ? (value as { result: unknown }).result : value)),
    );
  });
  return rows;
}

describe('annotating an uploaded workbook', () => {
  const issues = [
    issue('ID_LENGTH', 8, 'idNumber'),
    issue('PHONE_NOT_MOBILE', 8, 'phone'),
    issue('PHONE_LEADING_ZERO_RESTORED', 7, 'phone'),
    issue('UNIT_INEXACT', 9, 'unit'),
    issue('UNIT_OUT_OF_SCOPE', 9, 'unit'),
    issue('SAMPLE_ROW_SKIPPED', 9, null),
    issue('SENDER_UNKNOWN', null, null),
  ];

  it('fills error cells red and warning cells yellow, with the messages as notes', async () => {
    const original = await buildRosterXlsx({ rows: ROWS });
    const workbook = await reopen(await annotate(original, verdictWith(issues), 'ds.xlsx'));
    const sheet = workbook.getWorksheet('Danh sách');
    if (!sheet) throw new Error('table sheet lost');

    expect(fillOf(sheet.getCell('D8'))).toBe(SEVERITY_STYLE.error.fill);
    expect(sheet.getCell('D8').font?.color?.argb).toBe(SEVERITY_STYLE.error.font);
    expect(noteOf(sheet.getCell('D8'))).toBe(`${NOTE_HEADING}\n• Lỗi: ${issues[0]?.message}`);
    expect(fillOf(sheet.getCell('E8'))).toBe(SEVERITY_STYLE.error.fill);

    expect(fillOf(sheet.getCell('E7'))).toBe(SEVERITY_STYLE.warning.fill);
    expect(sheet.getCell('E7').font?.color?.argb).toBe(SEVERITY_STYLE.warning.font);
    expect(noteOf(sheet.getCell('E7'))).toContain('Cảnh báo: Số điện thoại được nhập dạng số');

    // Untouched cells stay as they were, values included.
    expect(fillOf(sheet.getCell('B8'))).toBeUndefined();
    expect(sheet.getCell('B8').note).toBeUndefined();
    expect(sheet.getCell('D8').value).toBe('05218002200');
  });

  it('lists several issues of one cell in one note, red when any is an error', async () => {
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows: ROWS }), verdictWith(issues)));
    const cell = workbook.getWorksheet('Danh sách')?.getCell('C9');
    if (!cell) throw new Error('cell lost');
    expect(fillOf(cell)).toBe(SEVERITY_STYLE.error.fill);
    expect(noteOf(cell).split('\n')).toEqual([NOTE_HEADING, `• Cảnh báo: ${issues[3]?.message}`, `• Lỗi: ${issues[4]?.message}`]);
  });

  it("marks a row-level issue on the row's first used cell", async () => {
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows: ROWS }), verdictWith(issues)));
    const cell = workbook.getWorksheet('Danh sách')?.getCell('A9');
    if (!cell) throw new Error('cell lost');
    expect(fillOf(cell)).toBe(SEVERITY_STYLE.warning.fill);
    expect(noteOf(cell)).toContain('dòng mẫu');
  });

  it('adds a "Lỗi" sheet listing every issue, file-level first, in Times New Roman with a bold header', async () => {
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows: ROWS }), verdictWith(issues)));
    const list = workbook.getWorksheet(ISSUES_SHEET_NAME);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Danh sách', 'Lỗi']);
    expect(sheetRows(list)).toEqual([
      ['Dòng', 'Cột', 'Ô', 'Mức độ', 'Nội dung', 'Mã lỗi'],
      ['—', '—', '—', 'Cảnh báo', issues[6]?.message, 'SENDER_UNKNOWN'],
      [7, 'Số điện thoại (cột E)', 'E7', 'Cảnh báo', issues[2]?.message, 'PHONE_LEADING_ZERO_RESTORED'],
      [8, 'CMND/CCCD (cột D)', 'D8', 'Lỗi', issues[0]?.message, 'ID_LENGTH'],
      [8, 'Số điện thoại (cột E)', 'E8', 'Lỗi', issues[1]?.message, 'PHONE_NOT_MOBILE'],
      [9, 'Cột A', 'A9', 'Cảnh báo', issues[5]?.message, 'SAMPLE_ROW_SKIPPED'],
      [9, 'Đơn vị (cột C)', 'C9', 'Cảnh báo', issues[3]?.message, 'UNIT_INEXACT'],
      [9, 'Đơn vị (cột C)', 'C9', 'Lỗi', issues[4]?.message, 'UNIT_OUT_OF_SCOPE'],
    ]);
    expect(list?.getCell('A1').font?.bold).toBe(true);
    expect(list?.getCell('E4').font?.name).toBe('Times New Roman');
    expect(list?.getColumn(5).width).toBeGreaterThanOrEqual(60);
    expect(fillOf(list?.getCell('D4') as ExcelJS.Cell)).toBe(SEVERITY_STYLE.error.fill);
  });

  it('links each line of the "Lỗi" sheet to the cell it marked, on the roster\'s own sheet', async () => {
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows: ROWS }), verdictWith(issues)));
    const list = workbook.getWorksheet(ISSUES_SHEET_NAME);
    const links = sheetRowsFormulas(list);
    expect(links).toEqual([
      null,
      null,
      `HYPERLINK("#'Danh sách'!E7","E7")`,
      `HYPERLINK("#'Danh sách'!D8","D8")`,
      `HYPERLINK("#'Danh sách'!E8","E8")`,
      `HYPERLINK("#'Danh sách'!A9","A9")`,
      `HYPERLINK("#'Danh sách'!C9","C9")`,
      `HYPERLINK("#'Danh sách'!C9","C9")`,
    ]);
    // Every link leads to a cell that is marked.
    const sheet = workbook.getWorksheet('Danh sách');
    for (const formula of links.filter((link): link is string => link !== null)) {
      const address = /!([A-Z]+\d+)"/.exec(formula)?.[1] ?? '';
      expect(fillOf(sheet?.getCell(address) as ExcelJS.Cell), address).toBeDefined();
    }
  });

  it("escapes quotes of the clerk's sheet name in a link", async () => {
    const bytes = await buildWorkbookXlsx([{ name: `DS "Cát" Hanh's`, rows: [['STT'], [1, 'Lê Văn An']] }]);
    const table: TableLocation = { ...TABLE, sheet: `DS "Cát" Hanh's` };
    const workbook = await reopen(await annotate(bytes, verdictWith([issue('NAME_INVALID', 2, 'name')], table)));
    expect(sheetRowsFormulas(workbook.getWorksheet(ISSUES_SHEET_NAME))[1]).toBe(`HYPERLINK("#'DS ""Cát"" Hanh''s'!B2","B2")`);
  });

  it('says so on the "Lỗi" sheet when there is nothing to report', async () => {
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows: ROWS }), verdictWith([])));
    expect(sheetRows(workbook.getWorksheet(ISSUES_SHEET_NAME))[1]).toContain('Không có lỗi hay cảnh báo nào.');
  });

  it('does not repaint other cells that share the marked cell’s style', async () => {
    const original = await buildRosterXlsx({ rows: ROWS, numFmts: { D: '@' } });
    const workbook = await reopen(await annotate(original, verdictWith([issue('ID_LENGTH', 8, 'idNumber')])));
    const sheet = workbook.getWorksheet('Danh sách');
    expect(fillOf(sheet?.getCell('D8') as ExcelJS.Cell)).toBe(SEVERITY_STYLE.error.fill);
    expect(fillOf(sheet?.getCell('D7') as ExcelJS.Cell)).toBeUndefined();
    expect(fillOf(sheet?.getCell('D9') as ExcelJS.Cell)).toBeUndefined();
  });

  it('marks both halves of a split name', async () => {
    const bytes = await buildRosterXlsx({
      header: ['STT', 'Họ và tên đệm', 'Tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'],
      rows: [[1, 'Lê Văn', 'An 2', 'BPMC xã Cát Hanh', '052089001234', '0366432390']],
    });
    const table: TableLocation = { sheet: 'Danh sách', headerRow: 6, columns: { name: 2, nameExtra: 3, unit: 4, idNumber: 5, phone: 6 } };
    const workbook = await reopen(await annotate(bytes, verdictWith([issue('NAME_INVALID', 7, 'name')], table)));
    const sheet = workbook.getWorksheet('Danh sách');
    expect([fillOf(sheet?.getCell('B7') as ExcelJS.Cell), fillOf(sheet?.getCell('C7') as ExcelJS.Cell)]).toEqual([
      SEVERITY_STYLE.error.fill,
      SEVERITY_STYLE.error.fill,
    ]);
  });

  it('keeps the other sheets, merged title and values of the original', async () => {
    const bytes = await buildRosterXlsx({ rows: ROWS, sheetsBefore: [{ name: 'Hướng dẫn', rows: [['Xem trang sau']] }] });
    const workbook = await reopen(await annotate(bytes, verdictWith(issues)));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Hướng dẫn', 'Danh sách', 'Lỗi']);
    const sheet = workbook.getWorksheet('Danh sách');
    expect(sheet?.getCell('B1').isMerged).toBe(true);
    expect(sheet?.getCell(`B${ROSTER_LAYOUT.firstDataRow}`).value).toBe('Lê Văn An');
  });
});

/** The formula of each row's "Ô" cell (null where it holds no link). */
function sheetRowsFormulas(sheet: ExcelJS.Worksheet | undefined): (string | null)[] {
  const formulas: (string | null)[] = [];
  sheet?.eachRow((row) => {
    const value = row.getCell(3).value;
    formulas.push(typeof value === 'object' && value !== null && 'formula' in value ? (value.formula ?? null) : null);
  });
  return formulas;
}

describe('re-uploading an annotated workbook', () => {
  it('replaces the old "Lỗi" sheet and clears the marks of cells now correct', async () => {
    const original = await buildRosterXlsx({ rows: ROWS });
    const first = await annotate(original, verdictWith([issue('ID_LENGTH', 8, 'idNumber'), issue('PHONE_NOT_MOBILE', 8, 'phone')]));
    expect((await readWorkbook(first, 'ds.xlsx')).ok).toBe(true);
    const second = await reopen(await annotate(first, verdictWith([issue('PHONE_NOT_MOBILE', 8, 'phone')])));
    expect(second.worksheets.map((s) => s.name)).toEqual(['Danh sách', 'Lỗi']);
    expect(sheetRows(second.getWorksheet('Lỗi'))).toHaveLength(2);
    const sheet = second.getWorksheet('Danh sách');
    expect(fillOf(sheet?.getCell('D8') as ExcelJS.Cell)).toBeUndefined();
    expect(sheet?.getCell('D8').note).toBeUndefined();
    expect(noteOf(sheet?.getCell('E8') as ExcelJS.Cell).split('\n')).toHaveLength(2);
  });

  it('keeps a note the clerk wrote on a faulty cell, under ours', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.getCell('A6').value = 'STT';
    sheet.getCell('D8').value = '123';
    sheet.getCell('D8').note = 'Chưa có CCCD, đang làm lại';
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const annotated = await reopen(await annotate(bytes, verdictWith([issue('ID_LENGTH', 8, 'idNumber')])));
    const note = noteOf(annotated.getWorksheet('Danh sách')?.getCell('D8') as ExcelJS.Cell);
    expect(note.startsWith(NOTE_HEADING)).toBe(true);
    expect(note.endsWith('Chưa có CCCD, đang làm lại')).toBe(true);
  });
});

describe('annotating other inputs', () => {
  it('turns a CSV into an .xlsx holding its cells, each record on the row of its line', async () => {
    const csv = buildCsv([['Đơn vị cung cấp: UBND huyện Hoài Ân'], [], ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], ...ROWS.map((r) => r.map(String))], { bom: true });
    const table: TableLocation = { ...TABLE, sheet: 'danh-sach', headerRow: 3 };
    const workbook = await reopen(await annotate(csv, verdictWith([issue('ID_LENGTH', 5, 'idNumber')], table), 'danh-sach.csv'));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['danh-sach', 'Lỗi']);
    const sheet = workbook.getWorksheet('danh-sach');
    expect(sheet?.getCell('A1').value).toBe('Đơn vị cung cấp: UBND huyện Hoài Ân');
    expect(sheet?.getCell('D4').value).toBe('052089001234');
    expect(fillOf(sheet?.getCell('D5') as ExcelJS.Cell)).toBe(SEVERITY_STYLE.error.fill);
  });

  it('names its list "Danh sách lỗi" when the roster itself is on a sheet called "Lỗi"', async () => {
    const bytes = await buildWorkbookXlsx([{ name: 'Lỗi', rows: [['STT'], [1, 'Lê Văn An']] }]);
    const workbook = await reopen(await annotate(bytes, verdictWith([issue('NAME_INVALID', 2, 'name')], { ...TABLE, sheet: 'Lỗi' })));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Lỗi', 'Danh sách lỗi']);
    expect(fillOf(workbook.getWorksheet('Lỗi')?.getCell('B2') as ExcelJS.Cell)).toBe(SEVERITY_STYLE.error.fill);
  });

  it.each([
    ['an unreadable file', new Uint8Array([1, 2, 3]), 'ds.xlsx'],
    ['an empty file', new Uint8Array(0), 'ds.xlsx'],
    ['an old .xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'ds.xls'],
  ])('gives the list of issues alone for %s, without throwing', async (_, bytes, name) => {
    const verdict = verdictWith([makeIssue('FILE_CORRUPT')], null);
    const workbook = await reopen(await annotate(bytes, verdict, name));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Lỗi']);
    expect(sheetRows(workbook.getWorksheet('Lỗi'))[1]).toEqual(['—', '—', '—', 'Lỗi', verdict.issues[0]?.message, 'FILE_CORRUPT']);
  });

  it('ignores issue rows it cannot place (a table sheet that is not there)', async () => {
    const bytes = await buildRosterXlsx({ rows: ROWS });
    const workbook = await reopen(await annotate(bytes, verdictWith([issue('ID_LENGTH', 8, 'idNumber')], { ...TABLE, sheet: 'Không có' })));
    expect(fillOf(workbook.getWorksheet('Danh sách')?.getCell('D8') as ExcelJS.Cell)).toBeUndefined();
    expect(sheetRows(workbook.getWorksheet('Lỗi'))).toHaveLength(2);
  });
});

describe('whatever the verdict says', () => {
  it('returns a workbook that opens, with one line per issue on the "Lỗi" sheet', async () => {
    const original = await buildRosterXlsx({ rows: ROWS });
    const issueArb = fc.record({
      code: fc.constantFrom(...ISSUE_CODES),
      row: fc.option(fc.integer({ min: -5, max: 2_000_000 }), { nil: null }),
      column: fc.option(fc.constantFrom(...ROSTER_COLUMNS), { nil: null }),
    });
    const columnArb = fc.option(fc.integer({ min: -3, max: 20_000 }), { nil: undefined });
    const tableArb = fc.record({
      sheet: fc.constantFrom('Danh sách', 'Lỗi', 'Khác'),
      headerRow: fc.nat({ max: 10 }),
      columns: fc.record({ name: columnArb, nameExtra: columnArb, unit: columnArb, idNumber: columnArb, phone: columnArb }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(issueArb, { maxLength: 12 }), fc.option(tableArb, { nil: null }), async (specs, table) => {
        const issues = specs.map((spec) => issue(spec.code, spec.row, spec.column));
        const workbook = await reopen(await annotate(original, verdictWith(issues, table)));
        expect(sheetRows(workbook.getWorksheet(ISSUES_SHEET_NAME))).toHaveLength(1 + Math.max(issues.length, 1));
      }),
      { numRuns: 40 },
    );
  });
});

// ── Bounds: the original is never read further than validating it did ────────────────────────────────

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The process-upload Lambda has 1536 MB, and validating the same file came first. */
const MAX_PEAK_GROWTH_MB = 400;

/** The verdict `validate` gives a file with more than 20,000 data rows: one file-level error, and where the table is. */
const tooManyRows = (table: TableLocation): Verdict => ({
  ...verdictWith([makeIssue('FILE_TOO_MANY_ROWS', {}, { limit: '20.000' })], table),
  accepted: false,
});

/** The roster of ROWS as exceljs writes it, its sheet XML changed by `edit` (rows added, ranges merged…). */
async function rosterWithSheetXml(edit: (sheetXml: string) => string): Promise<Uint8Array> {
  const entries = await unzipEntries(await buildRosterXlsx({ rows: ROWS }));
  const sheet = entries.get('xl/worksheets/sheet1.xml')?.toString('utf8') ?? '';
  entries.set('xl/worksheets/sheet1.xml', Buffer.from(edit(sheet), 'utf8'));
  return buildZip([...entries].map(([name, data]) => ({ name, data })));
}

/** `count` more rows under ROWS, each holding its number in the name column (the XML written here: exceljs would take minutes). */
function numberedRowsXml(count: number): string {
  const first = ROSTER_LAYOUT.firstDataRow + ROWS.length;
  const rows: string[] = [];
  for (let row = first; row < first + count; row++) rows.push(`<row r="${row}"><c r="B${row}"><v>${row}</v></c></row>`);
  return rows.join('');
}

/** The header, then `count` lines holding one digit in the name column: each one a (faulty) data row. */
function oneDigitRowsCsv(count: number): Uint8Array {
  const digits = Array.from({ length: 10 }, (_, digit) => `${digit}\n`).join('');
  return new Uint8Array(Buffer.from(`Họ và tên,Đơn vị,CMND/CCCD,Số điện thoại\n${digits.repeat(count / 10)}`, 'utf8'));
}

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'annotate-bounds-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/**
 * Annotates in a fresh Node process (600 MB heap, so that an unbounded read fails fast): the workbook it
 * returns, and how far the process's peak memory rose during the call.
 */
async function annotateInFreshProcess(bytes: Uint8Array, verdict: Verdict, fileName: string): Promise<{ workbook: ExcelJS.Workbook; peakGrowthMb: number }> {
  expect(bytes.byteLength).toBeLessThanOrEqual(DEFAULT_READ_LIMITS.maxFileBytes);
  const [input, output, verdictFile] = [join(workDir, fileName), join(workDir, `${fileName}.annotated.xlsx`), join(workDir, `${fileName}.verdict.json`)];
  writeFileSync(input, bytes);
  writeFileSync(verdictFile, JSON.stringify(verdict));
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const { annotate } = await import(${JSON.stringify(join(ROOT, 'shared/workbook/annotate.ts'))});
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(input)}));
    const verdict = JSON.parse(readFileSync(${JSON.stringify(verdictFile)}, 'utf8'));
    const before = process.resourceUsage().maxRSS;
    const annotated = await annotate(bytes, verdict, ${JSON.stringify(fileName)});
    const peakGrowthMb = (process.resourceUsage().maxRSS - before) / 1024;
    writeFileSync(${JSON.stringify(output)}, annotated);
    console.log(JSON.stringify({ peakGrowthMb }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=600', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
  const { peakGrowthMb } = JSON.parse(stdout) as { peakGrowthMb: number };
  return { workbook: await reopen(readFileSync(output)), peakGrowthMb };
}

describe('annotating a file within every upload limit that claims far more than a roster', () => {
  const csvTable: TableLocation = { sheet: 'mot-chu-so', headerRow: 1, columns: { name: 1, unit: 2, idNumber: 3, phone: 4 } };

  it.each([
    ['2.6 million one-digit CSV rows (5 MB)', () => oneDigitRowsCsv(2_600_000), 'mot-chu-so.csv', csvTable],
    ['540,000 numbered .xlsx rows (4 MB, 27 MB unzipped)', () => rosterWithSheetXml((xml) => xml.replace('</sheetData>', `${numberedRowsXml(540_000)}</sheetData>`)), 'danh-so.xlsx', TABLE],
  ] as const)('gives the list of issues alone for %s rejected as too many rows, in bounded memory', async (_, build, fileName, table) => {
    const verdict = tooManyRows(table);
    const { workbook, peakGrowthMb } = await annotateInFreshProcess(await build(), verdict, fileName);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([ISSUES_SHEET_NAME]);
    expect(sheetRows(workbook.getWorksheet(ISSUES_SHEET_NAME))[1]).toEqual(['—', '—', '—', 'Lỗi', verdict.issues[0]?.message, 'FILE_TOO_MANY_ROWS']);
    expect(peakGrowthMb).toBeLessThan(MAX_PEAK_GROWTH_MB);
  });

  it('gives the list alone for a workbook with a range merged down to the last row of the grid, in bounded memory', async () => {
    const bytes = await rosterWithSheetXml((xml) => xml.replace('</mergeCells>', '<mergeCell ref="A10:Z1048576"/></mergeCells>'));
    const { workbook, peakGrowthMb } = await annotateInFreshProcess(bytes, verdictWith([issue('ID_LENGTH', 8, 'idNumber')]), 'gop-o.xlsx');
    expect(workbook.worksheets.map((s) => s.name)).toEqual([ISSUES_SHEET_NAME]);
    expect(peakGrowthMb).toBeLessThan(MAX_PEAK_GROWTH_MB);
  });

  it('still returns the workbook of a real .xlsx of 20,001 rows, with its "Lỗi" sheet', async () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => [i + 1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', `0520830${String(i).padStart(5, '0')}`, `091${String(i).padStart(7, '0')}`]);
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows }), tooManyRows(TABLE)));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Danh sách', ISSUES_SHEET_NAME]);
    expect(workbook.getWorksheet('Danh sách')?.getCell(`B${ROSTER_LAYOUT.firstDataRow + 20_000}`).value).toBe('Đinh Văn An');
  });
});

describe('annotating a file past the read limits it was validated with', () => {
  const csvRoster = () => buildCsv([['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'], ...ROWS]);
  const csvTable: TableLocation = { ...TABLE, sheet: 'danh-sach', headerRow: 1 };
  // The .xlsx roster has 7 rows (title, subtitle, sender, header, 3 officials) of 5 columns; the CSV 4 lines of 5 fields.
  it.each([
    ['an .xlsx with more rows than maxRowsRead', () => buildRosterXlsx({ rows: ROWS }), 'ds.xlsx', TABLE, { maxRowsRead: 6 }, { maxRowsRead: 7 }],
    ['an .xlsx with a cell past maxColumnsRead', () => buildRosterXlsx({ rows: ROWS }), 'ds.xlsx', TABLE, { maxColumnsRead: 4 }, { maxColumnsRead: 5 }],
    ['an .xlsx with more cells than maxCellsRead', () => buildRosterXlsx({ rows: ROWS }), 'ds.xlsx', TABLE, { maxCellsRead: 10 }, {}],
    ['a CSV with more lines than maxRowsRead', csvRoster, 'danh-sach.csv', csvTable, { maxRowsRead: 3 }, { maxRowsRead: 4 }],
    ['a CSV with a field past maxColumnsRead', csvRoster, 'danh-sach.csv', csvTable, { maxColumnsRead: 4 }, { maxColumnsRead: 5 }],
    ['a CSV with more fields than maxCellsRead', csvRoster, 'danh-sach.csv', csvTable, { maxCellsRead: 19 }, { maxCellsRead: 20 }],
  ] satisfies [string, () => Uint8Array | Promise<Uint8Array>, string, TableLocation, Partial<ReadLimits>, Partial<ReadLimits>][])(
    'gives the list alone for %s, and marks it when within them',
    async (_, build, fileName, table, past, within) => {
      const bytes = await build();
      const verdict = verdictWith([issue('ID_LENGTH', table.headerRow + 2, 'idNumber')], table);
      const listOnly = await reopen(await annotate(bytes, verdict, fileName, past));
      expect(listOnly.worksheets.map((s) => s.name)).toEqual([ISSUES_SHEET_NAME]);
      expect(sheetRows(listOnly.getWorksheet(ISSUES_SHEET_NAME))).toHaveLength(2);

      const marked = await reopen(await annotate(bytes, verdict, fileName, within));
      expect(marked.worksheets.map((s) => s.name)).toEqual([table.sheet, ISSUES_SHEET_NAME]);
      expect(fillOf(marked.getWorksheet(table.sheet)?.getCell(table.headerRow + 2, 4) as ExcelJS.Cell)).toBe(SEVERITY_STYLE.error.fill);
    },
  );

  it('gives a file-level refusal (no table found) the list alone, without opening the file again', async () => {
    const verdict = verdictWith([makeIssue('FILE_MISSING_COLUMNS', {}, { detail: 'Số điện thoại' })], null);
    const workbook = await reopen(await annotate(await buildRosterXlsx({ rows: ROWS }), verdict));
    expect(workbook.worksheets.map((s) => s.name)).toEqual([ISSUES_SHEET_NAME]);
    expect(sheetRows(workbook.getWorksheet(ISSUES_SHEET_NAME))[1]).toEqual(['—', '—', '—', 'Lỗi', verdict.issues[0]?.message, 'FILE_MISSING_COLUMNS']);
  });
});
