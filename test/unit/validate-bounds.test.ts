/**
 * Files within every upload limit (5 MB, 50 MB unzipped) that claim far more than a roster: validating
 * them must cost memory in proportion to the read limits, never to what the file claims, and end in a
 * clear verdict. Each hostile file is validated in a fresh Node process (600 MB heap), which reports how
 * far its peak memory rose during the call: a crash or a rise past MAX_PEAK_GROWTH_MB fails the test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUES } from '../../shared/issues.js';
import { validate } from '../../shared/validate.js';
import { DEFAULT_READ_LIMITS } from '../../shared/workbook/read.js';
import { buildRosterXlsx, buildZip, ROSTER_LAYOUT } from '../support/workbooks.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UPLOAD_LIMIT = DEFAULT_READ_LIMITS.maxFileBytes;
/** The process-upload Lambda has 1536 MB; validating, then annotating, must leave room for the rest. */
const MAX_PEAK_GROWTH_MB = 400;

// ── Hostile files ─────────────────────────────────────────────────────────────────────────────────────

const NAME_FIRST_HEADER = ['Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'];

/** The header, then `rows` lines holding one digit, in the name column: each one a (faulty) data row. */
function oneDigitRowsCsv(rows: number): Uint8Array {
  const lines = Array.from({ length: 10 }, (_, digit) => `${digit}\n`).join('');
  return new Uint8Array(Buffer.from(`${NAME_FIRST_HEADER.join(',')}\n${lines.repeat(rows / 10)}`, 'utf8'));
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const inlineCell = (reference: string, text: string) => `<c r="${reference}" t="inlineStr"><is><t>${xmlText(text)}</t></is></c>`;

/**
 * An .xlsx with one sheet "Danh sách" whose XML is written here, not by exceljs: `rows` are the rows'
 * XML (inside <sheetData>), `after` what follows <sheetData> (merged ranges, validations…), `before` what
 * precedes it (column definitions), `definedNames` the workbook's named ranges.
 */
function xlsxOfSheetXml(parts: { rows: string; before?: string; after?: string; definedNames?: string }): Uint8Array {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const relationships = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: `${declaration}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `${declaration}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `${declaration}<workbook xmlns="${main}" xmlns:r="${relationships}"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets>${parts.definedNames ?? ''}</workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `${declaration}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      data: `${declaration}<worksheet xmlns="${main}" xmlns:r="${relationships}">${parts.before ?? ''}<sheetData>${parts.rows}</sheetData>${parts.after ?? ''}</worksheet>`,
    },
  ]);
}

const headerRowXml = `<row r="1">${NAME_FIRST_HEADER.map((label, index) => inlineCell(`${'ABCD'[index]}1`, label)).join('')}</row>`;

/** The header, then `rows` rows numbered in the name column. */
function numberedRowsXlsx(rows: number): Uint8Array {
  const body: string[] = [headerRowXml];
  for (let row = 2; row <= rows + 1; row++) body.push(`<row r="${row}"><c r="A${row}"><v>${row - 1}</v></c></row>`);
  return xlsxOfSheetXml({ rows: body.join('') });
}

/** Two valid officials of Vĩnh Thạnh under the header, with `extra` added to the sheet or the workbook (`rows` after theirs). */
function rosterWith(extra: { rows?: string; before?: string; after?: string; definedNames?: string }): Uint8Array {
  const officials = [
    ['Đinh Văn An', 'BPMC xã Vĩnh Hảo', '052083020001', '0914020001'],
    ['Trần Thị Bình', 'BPMC huyện Vĩnh Thạnh', '052188020002', '0914020002'],
  ];
  const rows = officials.map((cells, index) => `<row r="${index + 2}">${cells.map((text, column) => inlineCell(`${'ABCD'[column]}${index + 2}`, text)).join('')}</row>`);
  return xlsxOfSheetXml({ ...extra, rows: headerRowXml + rows.join('') + (extra.rows ?? '') });
}

// ── Validating in a fresh process ─────────────────────────────────────────────────────────────────────

interface Measured {
  codes: string[];
  messages: string[];
  accepted: boolean;
  rows: number;
  hasTable: boolean;
  peakGrowthMb: number;
}

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'validate-bounds-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

async function validateInFreshProcess(bytes: Uint8Array, fileName: string): Promise<Measured> {
  expect(bytes.byteLength).toBeLessThanOrEqual(UPLOAD_LIMIT);
  const file = join(workDir, fileName);
  writeFileSync(file, bytes);
  const script = `
    import { readFileSync } from 'node:fs';
    const { validate } = await import(${JSON.stringify(join(ROOT, 'shared/validate.ts'))});
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(file)}));
    const before = process.resourceUsage().maxRSS;
    const verdict = await validate(bytes, { unit: '546', form: 'roster', fileName: ${JSON.stringify(fileName)} });
    const peakGrowthMb = (process.resourceUsage().maxRSS - before) / 1024;
    console.log(JSON.stringify({
      codes: verdict.issues.map((issue) => issue.code),
      messages: verdict.issues.map((issue) => issue.message),
      accepted: verdict.accepted,
      rows: verdict.rows.length,
      hasTable: verdict.table !== undefined,
      peakGrowthMb,
    }));
  `;
  const { stdout } = await exec(process.execPath, ['--max-old-space-size=600', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
  });
  return JSON.parse(stdout) as Measured;
}

// ── Tests ─────────────────────────────────────────────────────────────────────────────────────────────

describe('validating a file that claims far more rows than a roster holds', () => {
  it('rejects 2.6 million one-digit rows of CSV (5 MB) as too many rows, keeping the table location', async () => {
    const result = await validateInFreshProcess(oneDigitRowsCsv(2_600_000), 'mot-chu-so.csv');
    expect(result).toMatchObject({ codes: ['FILE_TOO_MANY_ROWS'], accepted: false, rows: 0, hasTable: true });
    expect(result.peakGrowthMb).toBeLessThan(MAX_PEAK_GROWTH_MB);
  });

  it('rejects 540,000 numbered rows of .xlsx (4 MB, 27 MB unzipped) as too many rows, keeping the table location', async () => {
    const result = await validateInFreshProcess(numberedRowsXlsx(540_000), 'danh-so.xlsx');
    expect(result).toMatchObject({ codes: ['FILE_TOO_MANY_ROWS'], accepted: false, rows: 0, hasTable: true });
    expect(result.peakGrowthMb).toBeLessThan(MAX_PEAK_GROWTH_MB);
  });

  it('refuses a 5 MB CSV of 52 columns (2.6 million cells) as too large, saying how many cells are allowed', async () => {
    const line = `${Array.from({ length: 52 }, () => '1').join(',')}\n`;
    const csv = new Uint8Array(Buffer.from(`${NAME_FIRST_HEADER.join(',')}\n${line.repeat(49_000)}`, 'utf8'));
    const result = await validateInFreshProcess(csv, 'rong.csv');
    expect(result).toMatchObject({ codes: ['FILE_TOO_LARGE'], accepted: false, hasTable: false });
    expect(result.messages[0]).toBe(ISSUES.FILE_TOO_LARGE.message({ limit: '500.000 ô dữ liệu' }));
    expect(result.peakGrowthMb).toBeLessThan(MAX_PEAK_GROWTH_MB);
  });
});

describe('validating a roster whose workbook names huge ranges (exceljs builds one object per cell of a range)', () => {
  const wholeColumnDropDowns =
    '<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A2:A1048576 B2:B1048576 C2:D1048576"><formula1>"BPMC xã Vĩnh Hảo,BPMC huyện Vĩnh Thạnh"</formula1></dataValidation></dataValidations>';

  it.each([
    ['a merged range down to the last row of the grid', { after: '<mergeCells count="1"><mergeCell ref="A4:Z1048576"/></mergeCells>' }],
    ['a drop-down list on whole columns', { after: wholeColumnDropDowns }],
    ['a named range over the whole grid', { definedNames: `<definedNames><definedName name="TatCa">'Danh sách'!$A$1:$XFD$1048576</definedName></definedNames>` }],
    ['a column definition a billion columns wide', { before: '<cols><col min="1" max="1000000000" width="12" customWidth="1"/></cols>' }],
  ])('accepts its officials despite %s', async (_, extra) => {
    const result = await validateInFreshProcess(rosterWith(extra), 'danh-sach.xlsx');
    expect(result).toMatchObject({ codes: [], accepted: true, rows: 2, hasTable: true });
    expect(result.peakGrowthMb).toBeLessThan(MAX_PEAK_GROWTH_MB);
  });

  it('reads no more of a sheet it cuts down than exceljs reads of it whole: commented-out and CDATA rows stay out', async () => {
    const hidden = '<!-- <row r="9"><c r="A9" t="inlineStr"><is><t>Ai đó</t></is></c></row> --><?note <row r="10"><c r="A10"><v>1</v></c></row> ?>';
    const cdata = '<row r="11"><c r="A11" t="inlineStr"><is><t><![CDATA[</t></is></c></row><row r="12"><c r="A12"><v>1</v></c></row>]]></t></is></c></row>';
    const check = (bytes: Uint8Array) => validate(bytes, { unit: '546', form: 'roster', fileName: 'danh-sach.xlsx' });
    const whole = await check(rosterWith({ rows: hidden + cdata }));
    const cutDown = await check(rosterWith({ rows: hidden + cdata, after: wholeColumnDropDowns }));
    expect(cutDown.rows).toEqual(whole.rows);
    expect(cutDown.issues).toEqual(whole.issues);
  });
});

describe('the 20,000-row limit on a real .xlsx', () => {
  /** n valid, distinct officials of Vĩnh Thạnh; IDs and phones as text, as clerks type them. */
  const officials = (n: number) =>
    Array.from({ length: n }, (_, i) => [i + 1, 'Đinh Văn An', 'BPMC xã Vĩnh Hảo', `05208${i % 2}${String(i).padStart(6, '0')}`, `091${String(i).padStart(7, '0')}`]);
  const check = (bytes: Uint8Array) => validate(bytes, { unit: '546', form: 'roster', fileName: 'danh-sach.xlsx', now: new Date('2021-06-24T03:00:00Z') });

  it('accepts exactly 20,000 data rows', async () => {
    const verdict = await check(await buildRosterXlsx({ rows: officials(20_000) }));
    expect(verdict.issues).toEqual([]);
    expect(verdict.rows).toHaveLength(20_000);
  });

  it('rejects 20,001 data rows with FILE_TOO_MANY_ROWS alone, keeping where the table is', async () => {
    const verdict = await check(await buildRosterXlsx({ rows: officials(20_001), footer: [['Người lập biểu']] }));
    expect(verdict.accepted).toBe(false);
    expect(verdict.rows).toEqual([]);
    expect(verdict.issues).toEqual([expect.objectContaining({ row: null, column: null, code: 'FILE_TOO_MANY_ROWS', severity: 'error' })]);
    expect(verdict.issues[0]?.message).toContain('tối đa 20.000 dòng dữ liệu');
    expect(verdict.table).toMatchObject({ sheet: 'Danh sách', headerRow: ROSTER_LAYOUT.headerRow });
  });
});

