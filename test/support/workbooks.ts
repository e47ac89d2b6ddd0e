/**
 * Builds real upload files for tests: .xlsx made with exceljs the way district offices make them (title
 * block, merged cells, several sheets, formulas, numbers typed as numbers, rich text, hidden sheets…),
 * CSV bytes, hand-made ZIPs (xlsm, ods, docx, decompression bombs) and OLE2 headers (.xls, .doc, encrypted).
 *
 *   const bytes = await buildRosterXlsx({ rows: [[1, 'Nguyễn Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']] });
 *   // title block on rows 1–4, header on row 6 (ROSTER_LAYOUT.headerRow), data from row 7.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';

// ── Workbooks ─────────────────────────────────────────────────────────────────────────────────────────

export type ErrorValue = '#N/A' | '#VALUE!' | '#REF!' | '#DIV/0!' | '#NAME?' | '#NULL!' | '#NUM!';

/** What a test can put in a cell. */
export type CellInput =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  /** A formula; without `result`, the file carries no cached value (as when written by a program). */
  | { formula: string; result?: string | number | boolean }
  /** Rich text: each string one run (every other run bold). */
  | { richText: string[] }
  | { text: string; hyperlink: string }
  | { error: ErrorValue };

export interface SheetSpec {
  name: string;
  /** Row by row from `startRow` (default 1); a null/undefined cell stays empty. */
  rows: CellInput[][];
  startRow?: number;
  state?: 'visible' | 'hidden' | 'veryHidden';
  /** Ranges such as "A1:E1". Only the master (top-left) cell should hold a value. */
  merges?: string[];
  /** Number format per column letter, e.g. { D: '000000000000' }. */
  numFmts?: Record<string, string>;
}

export const STANDARD_HEADER = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại'] as const;
export const TITLE_LINE = 'Phụ lục 2: Biểu mẫu cung cấp thông tin công chức, viên chức bộ phận một cửa cấp huyện, cấp xã';
export const SUBTITLE_LINE = '(Kèm theo Công văn số /VPUBND – PVHCC ngày /6/2021 của Văn phòng UBND tỉnh Bình Định)';
export const DEFAULT_SENDER = 'UBND huyện Vĩnh Thạnh';

/** Where buildRosterXlsx puts things with the default title block. */
export const ROSTER_LAYOUT = { titleRow: 1, senderRow: 4, headerRow: 6, firstDataRow: 7 } as const;

export interface RosterSpec {
  /** Default "Danh sách". */
  sheetName?: string;
  /** The Appendix 2 title block on rows 1–4 (title and note merged over the table width). Default true. */
  titleRows?: boolean;
  /** Text after "Đơn vị cung cấp: " on row 4; null leaves the sender line out. Default DEFAULT_SENDER. */
  sender?: string | null;
  /** Header cells. Default STANDARD_HEADER. */
  header?: CellInput[];
  /** Rows right under the header that still belong to it (sub-labels, "(1) (2) (3)…" numbering). */
  headerRows?: CellInput[][];
  /** Merges within the header block, e.g. ["B6:C6", "A6:A7"]. */
  headerMerges?: string[];
  rows?: CellInput[][];
  /** Rows after one blank row under the data (signature block). */
  footer?: CellInput[][];
  numFmts?: Record<string, string>;
  /** Other sheets, before and after the roster sheet. */
  sheetsBefore?: SheetSpec[];
  sheetsAfter?: SheetSpec[];
}

/** Column letter(s) of a 1-based column number. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function toExcelValue(input: CellInput): ExcelJS.CellValue {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || input instanceof Date) return input;
  if ('formula' in input) return input.result === undefined ? { formula: input.formula, date1904: false } as ExcelJS.CellFormulaValue : { formula: input.formula, result: input.result, date1904: false } as ExcelJS.CellFormulaValue;
  if ('richText' in input) return { richText: input.richText.map((text, index) => ({ text, font: { bold: index % 2 === 1 } })) };
  if ('hyperlink' in input) return { text: input.text, hyperlink: input.hyperlink };
  return { error: input.error } as ExcelJS.CellErrorValue;
}

function addSheet(workbook: ExcelJS.Workbook, spec: SheetSpec): void {
  const worksheet = workbook.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
  const startRow = spec.startRow ?? 1;
  spec.rows.forEach((cells, offset) => {
    cells.forEach((input, index) => {
      const value = toExcelValue(input);
      if (value === null) return;
      worksheet.getCell(startRow + offset, index + 1).value = value;
    });
  });
  for (const [letter, numFmt] of Object.entries(spec.numFmts ?? {})) worksheet.getColumn(letter).numFmt = numFmt;
  for (const range of spec.merges ?? []) worksheet.mergeCells(range);
}

async function bytesOf(workbook: ExcelJS.Workbook): Promise<Uint8Array> {
  const written: unknown = await workbook.xlsx.writeBuffer();
  return written instanceof Uint8Array ? new Uint8Array(written) : new Uint8Array(written as ArrayBuffer);
}

/** An .xlsx with these sheets, in this order. */
export async function buildWorkbookXlsx(sheets: SheetSpec[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) addSheet(workbook, sheet);
  return bytesOf(workbook);
}

/** The roster sheet of `buildRosterXlsx` as a SheetSpec, with the rows where its parts land. */
export function rosterSheet(spec: RosterSpec = {}): SheetSpec & { headerRow: number; firstDataRow: number } {
  const header = spec.header ?? [...STANDARD_HEADER];
  const width = Math.max(header.length, 1);
  const lastColumn = columnLetter(width);
  const titled = spec.titleRows ?? true;
  const sender = spec.sender === undefined ? DEFAULT_SENDER : spec.sender;
  const rows: CellInput[][] = [];
  const merges: string[] = [];
  if (titled) {
    rows.push([TITLE_LINE], [SUBTITLE_LINE], [], [sender === null ? null : `Đơn vị cung cấp: ${sender}`], []);
    merges.push(`A1:${lastColumn}1`, `A2:${lastColumn}2`);
    if (sender !== null) merges.push(`A4:${lastColumn}4`);
  } else if (sender !== null) {
    rows.push([`Đơn vị cung cấp: ${sender}`], []);
  }
  const headerRow = rows.length + 1;
  rows.push(header, ...(spec.headerRows ?? []));
  const firstDataRow = rows.length + 1;
  rows.push(...(spec.rows ?? []));
  if (spec.footer && spec.footer.length > 0) rows.push([], ...spec.footer);
  return {
    name: spec.sheetName ?? 'Danh sách',
    rows,
    merges: [...merges, ...(spec.headerMerges ?? [])],
    ...(spec.numFmts ? { numFmts: spec.numFmts } : {}),
    headerRow,
    firstDataRow,
  };
}

/** An Appendix 2 roster as a district office makes it (see RosterSpec for the knobs). */
export async function buildRosterXlsx(spec: RosterSpec = {}): Promise<Uint8Array> {
  return buildWorkbookXlsx([...(spec.sheetsBefore ?? []), rosterSheet(spec), ...(spec.sheetsAfter ?? [])]);
}

// ── CSV ───────────────────────────────────────────────────────────────────────────────────────────────

export interface CsvOptions {
  delimiter?: ',' | ';' | '\t';
  /** Start with a UTF-8 byte order mark (Excel's "CSV UTF-8" does). Default false. */
  bom?: boolean;
  /** 'minimal': quote only where needed; 'all': every field; 'text': every field except numbers. Default 'minimal'. */
  quote?: 'minimal' | 'all' | 'text';
  eol?: '\r\n' | '\n';
}

/** CSV bytes (UTF-8) of these rows. A number is written as its digits; null as an empty field. */
export function buildCsv(rows: (string | number | null)[][], options: CsvOptions = {}): Uint8Array {
  const delimiter = options.delimiter ?? ',';
  const quoting = options.quote ?? 'minimal';
  const field = (value: string | number | null): string => {
    if (value === null) return '';
    const text = String(value);
    const needed = text.includes(delimiter) || /["\r\n]/.test(text);
    const quoted = quoting === 'all' || (quoting === 'text' && typeof value !== 'number') || needed;
    return quoted ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const text = rows.map((row) => row.map(field).join(delimiter)).join(options.eol ?? '\r\n') + (options.eol ?? '\r\n');
  const body = Buffer.from(text, 'utf8');
  return new Uint8Array(options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body);
}

// ── ZIP ───────────────────────────────────────────────────────────────────────────────────────────────

export interface ZipEntrySpec {
  name: string;
  data: Uint8Array | string;
  /** Default 'deflate'. */
  method?: 'store' | 'deflate';
  /** Uncompressed size written in the headers, when a test wants it to lie. */
  declaredSize?: number;
}

const ZIP_METHOD = { store: 0, deflate: 8 } as const;

/** A minimal ZIP (no ZIP64): local headers, data, central directory. Names are flagged UTF-8. */
export function buildZip(entries: ZipEntrySpec[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data);
    const method = entry.method ?? 'deflate';
    const body = method === 'deflate' ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name, 'utf8');
    const size = entry.declaredSize ?? data.length;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(ZIP_METHOD[method], 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(ZIP_METHOD[method], 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    parts.push(local, name, body);
    offset += local.length + name.length + body.length;
  }
  const centralDirectory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, centralDirectory, end]));
}

/** Every entry of a ZIP, inflated (for small test files only). */
export async function unzipEntries(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(Buffer.from(bytes), { lazyEntries: true });
  const entries = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.set(entry.fileName, Buffer.concat(chunks));
  }
  return entries;
}

/** An .xlsm: the workbook of `xlsxBytes` declared macro-enabled, with a (dummy) VBA project inside. */
export async function toXlsm(xlsxBytes: Uint8Array): Promise<Uint8Array> {
  const entries = await unzipEntries(xlsxBytes);
  const contentTypes = (entries.get('[Content_Types].xml') ?? Buffer.alloc(0))
    .toString('utf8')
    .replace('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'application/vnd.ms-excel.sheet.macroEnabled.main+xml')
    .replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>');
  entries.set('[Content_Types].xml', Buffer.from(contentTypes, 'utf8'));
  entries.set('xl/vbaProject.bin', Buffer.concat([Buffer.from(OLE2_MAGIC), Buffer.from('Attribute VB_Name = "Module1"\nSub AutoOpen(): Shell "calc": End Sub')]));
  return buildZip([...entries].map(([name, data]) => ({ name, data })));
}

/** A minimal OpenDocument spreadsheet (.ods): the stored "mimetype" entry first, as the format requires. */
export function buildOdsBytes(): Uint8Array {
  return buildZip([
    { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', method: 'store' },
    { name: 'META-INF/manifest.xml', data: '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>' },
    { name: 'content.xml', data: '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>' },
  ]);
}

/** A minimal Word document (.docx). */
export function buildDocxBytes(): Uint8Array {
  return buildZip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { name: '_rels/.rels', data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>' },
    { name: 'word/document.xml', data: '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>' },
  ]);
}

// ── OLE2 (old .xls / .doc, password-protected OOXML) ─────────────────────────────────────────────────

export const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

/**
 * The start of an OLE2 compound file: the 8 magic bytes, a 512-byte header, and a directory sector naming
 * `streams` (UTF-16LE, as OLE2 stores them). Enough for format sniffing, not for a real reader.
 */
export function buildOle2Bytes(streams: string[] = []): Uint8Array {
  const header = Buffer.alloc(512);
  Buffer.from(OLE2_MAGIC).copy(header, 0);
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3 (512-byte sectors)
  header.writeUInt16LE(0xfffe, 28); // little-endian
  header.writeUInt16LE(9, 30); // sector shift
  const directory = Buffer.alloc(512);
  ['Root Entry', ...streams].slice(0, 4).forEach((name, index) => {
    const encoded = Buffer.from(name, 'utf16le');
    encoded.copy(directory, index * 128);
    directory.writeUInt16LE(encoded.length + 2, index * 128 + 64);
  });
  return new Uint8Array(Buffer.concat([header, directory, Buffer.alloc(1024)]));
}

// ── Monthly results and grants (issue 8) ──────────────────────────────────────────────────────────────

export const RESULTS_HEADER = ['STT', 'Họ và tên', 'CMND/CCCD', 'Số điện thoại', 'Số tài khoản đã tạo'] as const;
export const GRANTS_HEADER = ['STT', 'Họ và tên', 'Đơn vị', 'CMND/CCCD', 'Số điện thoại', 'Ngày phân quyền'] as const;
/** Where buildResultsXlsx and buildGrantsXlsx put things: a title line, a blank line, the header, the data. */
export const FORM_LAYOUT = { titleRow: 1, headerRow: 3, firstDataRow: 4 } as const;

export interface FormSpec {
  /** The title line (row 1); null leaves it out. */
  title?: string | null;
  header?: CellInput[];
  rows?: CellInput[][];
  /** Rows after one blank row under the data (totals line, signature block). */
  footer?: CellInput[][];
  sheetName?: string;
  numFmts?: Record<string, string>;
}

function formSheet(spec: FormSpec, defaultTitle: string, defaultHeader: readonly string[]): SheetSpec {
  const rows: CellInput[][] = [
    [spec.title === undefined ? defaultTitle : spec.title],
    [],
    spec.header ?? [...defaultHeader],
    ...(spec.rows ?? []),
  ];
  if (spec.footer) rows.push([], ...spec.footer);
  return { name: spec.sheetName ?? 'Sheet1', rows, ...(spec.numFmts ? { numFmts: spec.numFmts } : {}) };
}

/** A results form ("Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021" by default), header on row 3. */
export async function buildResultsXlsx(spec: FormSpec = {}): Promise<Uint8Array> {
  return buildWorkbookXlsx([formSheet(spec, 'Kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021', RESULTS_HEADER)]);
}

/** A grants list (STT, Họ và tên, Đơn vị, CMND/CCCD, Số điện thoại, Ngày phân quyền), header on row 3. */
export async function buildGrantsXlsx(spec: FormSpec = {}): Promise<Uint8Array> {
  return buildWorkbookXlsx([formSheet(spec, 'Danh sách cán bộ đã được phân quyền tạo tài khoản công dân', GRANTS_HEADER)]);
}
