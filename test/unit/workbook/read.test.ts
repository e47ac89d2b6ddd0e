/** readWorkbook: what a clerk's upload is read as, told by content, and the file-level refusals. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_LIMITS, readWorkbook, type ReadResult } from '../../../shared/workbook/read.js';
import type { Cell, SheetData, WorkbookData } from '../../../shared/workbook/types.js';
import {
  buildCsv,
  buildDocxBytes,
  buildOdsBytes,
  buildOle2Bytes,
  buildRosterXlsx,
  buildWorkbookXlsx,
  buildZip,
  ROSTER_LAYOUT,
  toXlsm,
} from '../../support/workbooks.js';

const sample = (file: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../samples/${file}`, import.meta.url))));

function workbookOf(result: ReadResult): WorkbookData {
  if (!result.ok) throw new Error(`expected a workbook, got ${result.code}`);
  return result.workbook;
}

function cellAt(sheet: SheetData | undefined, row: number, column: number): Cell | null | undefined {
  return sheet?.rows.find((r) => r.row === row)?.cells[column - 1];
}

const texts = (sheet: SheetData | undefined, row: number) => sheet?.rows.find((r) => r.row === row)?.cells.map((c) => c?.text ?? null);

describe('the province samples', () => {
  it('reads s01 with its merged title as one cell and the table from row 6', async () => {
    const sheet = workbookOf(await readWorkbook(sample('s01-vinh-thanh-hop-le.xlsx'), 's01.xlsx')).sheets[0];
    expect(sheet?.name).toBe('Sheet1');
    expect(texts(sheet, 1)).toEqual(['Phụ lục 2: Biểu mẫu cung cấp thông tin công chức, viên chức bộ phận một cửa cấp huyện, cấp xã']);
    expect(texts(sheet, 4)).toEqual(['Đơn vị cung cấp: UBND huyện Vĩnh Thạnh']);
    expect(texts(sheet, 6)).toEqual(['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại']);
    expect(texts(sheet, 7)).toEqual(['1', 'Đinh Văn Thạnh', 'BPMC huyện Vĩnh Thạnh', '052083020001', '0914020001']);
    expect(sheet?.rows.map((r) => r.row)).toEqual([1, 2, 4, 6, 7, 8, 9]);
  });

  it('reads the ID and phone s02 typed as numbers as full digit strings marked numeric', async () => {
    const sheet = workbookOf(await readWorkbook(sample('s02-tay-son-lon-xon.xlsx'), 's02.xlsx')).sheets[0];
    expect(cellAt(sheet, 9, 4)).toEqual({ text: '52189021001', numeric: true });
    expect(cellAt(sheet, 9, 5)).toEqual({ text: '978021001', numeric: true });
    expect(cellAt(sheet, 10, 4)).toEqual({ text: '052084021002', numeric: false });
    // Text is passed through as typed: the validator cleans it.
    expect(cellAt(sheet, 9, 2)?.text).toBe('  Võ   Thị Xuân ');
  });
});

describe('cell values', () => {
  const read = async (cells: Parameters<typeof buildWorkbookXlsx>[0][number]['rows'][number], numFmts?: Record<string, string>) => {
    const bytes = await buildWorkbookXlsx([{ name: 'Trang 1', rows: [cells], ...(numFmts ? { numFmts } : {}) }]);
    return workbookOf(await readWorkbook(bytes, 'x.xlsx')).sheets[0]?.rows[0]?.cells;
  };

  it.each([
    ['a 12-digit ID typed as a number', 52189021001, '52189021001'],
    ['a 12-digit number', 123456789012, '123456789012'],
    ['a 9-digit phone typed as a number', 978021001, '978021001'],
    ['a 9-digit CMND typed as a number', 211234567, '211234567'],
    ['a number past 2^53', 2 ** 64, '18446744073709551616'],
    ['zero', 0, '0'],
    ['a negative integer', -42, '-42'],
  ])('reads %s as its digits, never in exponent notation', async (_, value, text) => {
    expect((await read([value]))?.[0]).toEqual({ text, numeric: true });
  });

  it.each([
    [1.5, '1.5'],
    [0.1 + 0.2, '0.3'],
    [1e-7, '0.0000001'],
  ])('reads the fraction %s as Excel shows it (%s)', async (value, text) => {
    expect((await read([value]))?.[0]).toEqual({ text, numeric: true });
  });

  it('pads a number formatted with zeros ("000000000000") as Excel shows it', async () => {
    expect((await read([52189021001], { A: '000000000000' }))?.[0]).toEqual({ text: '052189021001', numeric: true });
  });

  it.each([
    ['a formula with a cached text result', { formula: 'CONCATENATE("Lê ","Văn")', result: 'Lê Văn' }, { text: 'Lê Văn', numeric: false, formula: true }],
    ['a formula with a cached number result', { formula: '52189021000+1', result: 52189021001 }, { text: '52189021001', numeric: true, formula: true }],
    ['a formula without a cached result', { formula: 'A2' }, null],
    ['rich text', { richText: ['Nguyễn ', 'Văn', ' An'] }, { text: 'Nguyễn Văn An', numeric: false }],
    ['a hyperlink', { text: 'BPMC xã Cát Hanh', hyperlink: 'https://example.vn' }, { text: 'BPMC xã Cát Hanh', numeric: false }],
    ['an error value', { error: '#N/A' as const }, { text: '#N/A', numeric: false }],
    ['a date', new Date(Date.UTC(2021, 5, 25)), { text: '25/06/2021', numeric: false }],
    ['a boolean', true, { text: 'TRUE', numeric: false }],
    ['a blank string', '   ', null],
  ])('reads %s', async (_, input, expected) => {
    const cells = await read([input, 'x']);
    expect(cells?.[0] ?? null).toEqual(expected);
  });

  it('keeps columns in place around empty cells', async () => {
    expect(await read([null, 'B', null, 'D'])).toEqual([null, { text: 'B', numeric: false }, null, { text: 'D', numeric: false }]);
  });
});

describe('sheets', () => {
  it('returns visible sheets only, in tab order, and skips empty rows', async () => {
    const bytes = await buildWorkbookXlsx([
      { name: 'Hướng dẫn', rows: [['Điền danh sách vào trang sau']] },
      { name: 'Ẩn', state: 'hidden', rows: [['bí mật']] },
      { name: 'Rất ẩn', state: 'veryHidden', rows: [['bí mật']] },
      { name: 'Danh sách', rows: [['a'], [], [], ['b']] },
    ]);
    const workbook = workbookOf(await readWorkbook(bytes, 'x.xlsx'));
    expect(workbook.format).toBe('xlsx');
    expect(workbook.sheets.map((s) => s.name)).toEqual(['Hướng dẫn', 'Danh sách']);
    expect(workbook.sheets[1]?.rows.map((r) => r.row)).toEqual([1, 4]);
  });

  it('gives a merged cell its value once, at the master', async () => {
    const bytes = await buildRosterXlsx({ rows: [] });
    const sheet = workbookOf(await readWorkbook(bytes, 'x.xlsx')).sheets[0];
    expect(sheet?.rows.find((r) => r.row === ROSTER_LAYOUT.titleRow)?.cells).toHaveLength(1);
  });

  it('stops at maxRowsRead rows and maxColumnsRead columns', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => [`r${i + 1}`, 'b', 'c']);
    const bytes = await buildWorkbookXlsx([{ name: 'S', rows }]);
    const sheet = workbookOf(await readWorkbook(bytes, 'x.xlsx', { maxRowsRead: 10, maxColumnsRead: 2 })).sheets[0];
    expect(sheet?.rows).toHaveLength(10);
    expect(sheet?.rows.every((r) => r.cells.length === 2)).toBe(true);
  });

  it('reads 20,000 rows × 5 columns', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i + 1, `Nguyễn Văn ${i}`, 'BPMC xã Cát Hanh', 52089000000 + i, 366000000 + i]);
    const bytes = await buildRosterXlsx({ rows });
    const sheet = workbookOf(await readWorkbook(bytes, 'lon.xlsx')).sheets[0];
    expect(sheet?.rows.filter((r) => r.row >= ROSTER_LAYOUT.firstDataRow)).toHaveLength(20_000);
    expect(cellAt(sheet, ROSTER_LAYOUT.firstDataRow + 19_999, 4)).toEqual({ text: '52089019999', numeric: true });
  });
});

describe('format told by content', () => {
  it('reads an .xlsx whatever its name says', async () => {
    const bytes = await buildRosterXlsx({ rows: [[1, 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']] });
    for (const name of ['danh sach.xlsx', 'danh sach.csv', 'danh sach', 'danh sach.pdf']) {
      expect(workbookOf(await readWorkbook(bytes, name)).format).toBe('xlsx');
    }
  });

  it('reads the cells of an .xlsm and nothing else (macros are ignored, never run)', async () => {
    const bytes = await toXlsm(await buildRosterXlsx({ rows: [[1, 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']] }));
    const sheet = workbookOf(await readWorkbook(bytes, 'danh-sach.xlsm')).sheets[0];
    expect(texts(sheet, ROSTER_LAYOUT.firstDataRow)).toEqual(['1', 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']);
  });

  it.each([
    ['an old .xls (OLE2 with a Workbook stream)', buildOle2Bytes(['Workbook']), 'ds.xls', 'FILE_XLS_FORMAT'],
    ['bare OLE2 magic and padding named .xls', buildOle2Bytes(), 'ds.xls', 'FILE_XLS_FORMAT'],
    ['bare OLE2 magic and padding named .xlsx', buildOle2Bytes(), 'ds.xlsx', 'FILE_XLS_FORMAT'],
    ['an old .doc (WordDocument stream)', buildOle2Bytes(['WordDocument']), 'ds.xls', 'FILE_WORD_DOCUMENT'],
    ['bare OLE2 named .doc', buildOle2Bytes(), 'cong-van.doc', 'FILE_WORD_DOCUMENT'],
    ['a password-protected .xlsx', buildOle2Bytes(['EncryptionInfo', 'EncryptedPackage']), 'ds.xlsx', 'FILE_ENCRYPTED'],
    ['a .docx', buildDocxBytes(), 'ds.xlsx', 'FILE_WORD_DOCUMENT'],
    ['an .ods', buildOdsBytes(), 'ds.xlsx', 'FILE_ODS_FORMAT'],
    ['a ZIP of something else', buildZip([{ name: 'anh.txt', data: 'xin chào' }]), 'ds.zip', 'FILE_UNSUPPORTED'],
    ['a ZIP that claims to be xlsx but is cut short', buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'xl/workbook.xml', data: 'x' }]).subarray(0, 60), 'ds.xlsx', 'FILE_CORRUPT'],
    ['an xlsx whose parts are not XML', buildZip([{ name: '[Content_Types].xml', data: 'rác' }, { name: 'xl/workbook.xml', data: 'rác' }]), 'ds.xlsx', 'FILE_CORRUPT'],
    ['a PDF', new Uint8Array(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\n')), 'ds.xlsx', 'FILE_UNSUPPORTED'],
    ['a PNG', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'ds.png', 'FILE_UNSUPPORTED'],
    ['random bytes', new Uint8Array(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256)), 'ds.xlsx', 'FILE_UNSUPPORTED'],
    ['an empty file', new Uint8Array(0), 'ds.xlsx', 'FILE_EMPTY'],
    ['a file of blank lines', new Uint8Array(Buffer.from('\r\n  \r\n')), 'ds.csv', 'FILE_EMPTY'],
    ['an HTML table saved as .xls', new Uint8Array(Buffer.from('<html><body><table><tr><td>STT</td></tr></table></body></html>')), 'ds.xls', 'FILE_XLS_FORMAT'],
    ['an HTML page', new Uint8Array(Buffer.from('<!DOCTYPE html><html></html>')), 'ds.html', 'FILE_UNSUPPORTED'],
    ['an RTF document', new Uint8Array(Buffer.from('{\\rtf1\\ansi Danh sach}')), 'ds.rtf', 'FILE_WORD_DOCUMENT'],
    ['Windows-1258 text named .csv', new Uint8Array(Buffer.from([0x48, 0xe7, 0x20, 0x76, 0xe0, 0x20, 0x74, 0xea, 0x6e, 0x2c, 0x53, 0xd0, 0x54])), 'ds.csv', 'FILE_CSV_ENCODING'],
    ['Windows-1258 text named .txt', new Uint8Array(Buffer.from([0x48, 0xe7, 0x20, 0x76, 0xe0, 0x20, 0x74, 0xea, 0x6e, 0x2c, 0x53, 0xd0, 0x54])), 'ds.txt', 'FILE_UNSUPPORTED'],
    ['plain prose with no delimiter', new Uint8Array(Buffer.from('Kính gửi UBND tỉnh Bình Định')), 'thu.txt', 'FILE_UNSUPPORTED'],
  ])('refuses %s', async (_, bytes, name, code) => {
    const result = await readWorkbook(bytes, name);
    expect(result).toMatchObject({ ok: false, code });
  });

  it('refuses a file over 5 MB, saying the limit', async () => {
    const bytes = new Uint8Array(DEFAULT_READ_LIMITS.maxFileBytes + 1);
    expect(await readWorkbook(bytes, 'lon.xlsx')).toEqual({ ok: false, code: 'FILE_TOO_LARGE', params: { limit: '5 MB' } });
  });

  it('keeps nothing of the parser error in a refusal', async () => {
    const result = await readWorkbook(buildZip([{ name: '[Content_Types].xml', data: 'rác' }, { name: 'xl/workbook.xml', data: 'rác' }]), 'x.xlsx');
    expect(result).toEqual({ ok: false, code: 'FILE_CORRUPT' });
  });
});

describe('CSV', () => {
  const rows = [
    ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'],
    [1, 'Nguyễn Văn An', 'BPMC xã Cát Hanh, huyện Phù Cát', '052089001234', 366432390],
  ];

  it.each([
    ['comma, with BOM', { delimiter: ',' as const, bom: true }],
    ['comma, without BOM', { delimiter: ',' as const }],
    ['semicolon (Vietnamese-locale Excel)', { delimiter: ';' as const, bom: true }],
    ['tab', { delimiter: '\t' as const }],
  ])('reads %s', async (_, options) => {
    const workbook = workbookOf(await readWorkbook(buildCsv(rows, { ...options, quote: 'text' }), 'Danh sách Phù Cát.csv'));
    expect(workbook.format).toBe('csv');
    expect(workbook.sheets.map((s) => s.name)).toEqual(['Danh sách Phù Cát']);
    const sheet = workbook.sheets[0];
    expect(texts(sheet, 1)).toEqual(rows[0]);
    expect(sheet?.rows[1]?.cells).toEqual([
      { text: '1', numeric: true },
      { text: 'Nguyễn Văn An', numeric: false },
      { text: 'BPMC xã Cát Hanh, huyện Phù Cát', numeric: false },
      { text: '052089001234', numeric: false },
      { text: '366432390', numeric: true },
    ]);
  });

  it('counts an unquoted all-digit field as a number and a quoted one as text', async () => {
    const bytes = new Uint8Array(Buffer.from('a,b,c\n0914020001,"0914020001",52189021001\n'));
    const sheet = workbookOf(await readWorkbook(bytes, 'x.csv')).sheets[0];
    expect(sheet?.rows[1]?.cells).toEqual([
      { text: '0914020001', numeric: true },
      { text: '0914020001', numeric: false },
      { text: '52189021001', numeric: true },
    ]);
  });

  it('numbers rows by the line where each record starts, skipping blank lines', async () => {
    const bytes = new Uint8Array(Buffer.from('STT,Ghi chú\n\n1,"dòng một\ndòng hai"\n2,x\n,,\n3,y\n'));
    const sheet = workbookOf(await readWorkbook(bytes, 'x.csv')).sheets[0];
    expect(sheet?.rows.map((r) => [r.row, r.cells[0]?.text])).toEqual([
      [1, 'STT'],
      [3, '1'],
      [5, '2'],
      [7, '3'],
    ]);
    expect(cellAt(sheet, 3, 2)?.text).toBe('dòng một\ndòng hai');
  });

  it('reads UTF-16 "Unicode Text" as Excel saves it', async () => {
    const text = 'Họ và tên\tSố điện thoại\r\nLê Văn An\t0366432390\r\n';
    const bytes = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const sheet = workbookOf(await readWorkbook(bytes, 'ds.txt')).sheets[0];
    expect(texts(sheet, 2)).toEqual(['Lê Văn An', '0366432390']);
  });

  it('makes a valid Excel sheet name from any file name', async () => {
    const bytes = buildCsv([['a', 'b']]);
    const name = async (fileName: string) => workbookOf(await readWorkbook(bytes, fileName)).sheets[0]?.name;
    expect(await name('C:\\Users\\van thu\\ds[1]: huyện?.csv')).toBe('ds 1   huyện');
    expect(await name('Lỗi.csv')).toBe('Danh sách');
    expect(await name('.csv')).toBe('Danh sách');
    expect((await name(`${'x'.repeat(40)}.csv`))?.length).toBe(31);
  });

  it('refuses a CSV with an unclosed quote as corrupt', async () => {
    expect(await readWorkbook(new Uint8Array(Buffer.from('a,b\n"1,2\n')), 'x.csv')).toEqual({ ok: false, code: 'FILE_CORRUPT' });
  });
});
