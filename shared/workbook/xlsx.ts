/**
 * .xlsx / .xlsm → WorkbookData with exceljs. Only cell values are read: macros, external links and
 * formulas are never run (a formula gives the result Excel cached when the file was saved).
 * Call only on bytes that passed the ZIP guard (`zip-guard.ts`): exceljs inflates everything in memory,
 * and the bounds below keep what it builds from that in proportion to the read limits.
 */
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { Cell, SheetData, SheetRow, WorkbookData } from './types.js';

export interface XlsxReadLimits {
  /** Non-empty rows read per sheet; rows past it are not read. */
  maxRowsRead: number;
  /** Columns read per row: one stray cell in column XFD must not make every row 16,384 cells long. */
  maxColumnsRead: number;
  /** Cells exceljs may build for the whole workbook (see "Bounds" below). */
  maxCellsRead: number;
  /** What the ZIP may inflate to (the guard checked it; it is counted again while inflating). */
  maxUncompressedBytes: number;
}

export function asNodeBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Loads the bytes into an exceljs Workbook (throws on a file exceljs cannot parse). */
export async function loadExcelWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs's own `Buffer` type is a bare ArrayBuffer interface; a Node Buffer is what it really takes.
  await workbook.xlsx.load(asNodeBuffer(bytes) as unknown as ExcelJS.Buffer);
  return workbook;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy, as Vietnamese Excel shows a date. exceljs gives dates as UTC instants of the serial value. */
export function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  return `${pad2(date.getUTCDate())}/${pad2(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}

/** A number format made only of zeros ("000000000000") pads an integer to its width, as Excel shows it. */
const ZERO_PAD_FORMAT = /^0+$/;

/**
 * A number as text: integers as their full digit string, never exponent notation (5.2189021001e10 is
 * the ID 52189021001); other numbers to Excel's 15 significant digits (0.1 + 0.2 shows as 0.3).
 */
export function formatNumber(value: number, numFmt?: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) {
    const digits = BigInt(value).toString();
    if (numFmt && ZERO_PAD_FORMAT.test(numFmt) && value >= 0) return digits.padStart(numFmt.length, '0');
    return digits;
  }
  const rounded = Number(value.toPrecision(15));
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  return new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 15 }).format(rounded);
}

type Plain = Cell | null;

function textOfRich(value: { richText: { text: string }[] }): string {
  return value.richText.map((run) => run.text).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A value exceljs produced (or a formula's cached result) as the text Excel shows. */
function plainOf(value: unknown, numFmt: string | undefined): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return { text: value, numeric: false };
  if (typeof value === 'number') return { text: formatNumber(value, numFmt), numeric: true };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: false };
  if (value instanceof Date) return { text: formatDate(value), numeric: false };
  if (!isRecord(value)) return null;
  if (Array.isArray(value.richText)) return { text: textOfRich(value as { richText: { text: string }[] }), numeric: false };
  if (typeof value.error === 'string') return { text: value.error, numeric: false };
  if ('hyperlink' in value && 'text' in value) return plainOf(value.text, numFmt);
  if ('formula' in value || 'sharedFormula' in value) {
    const result = plainOf(value.result, numFmt);
    return result ? { ...result, formula: true } : null;
  }
  return null;
}

/** One exceljs cell → Cell, or null when empty. Merged cells other than the master are empty. */
export function cellOf(cell: ExcelJS.Cell): Cell | null {
  if (cell.type === ExcelJS.ValueType.Merge) return null;
  const plain = plainOf(cell.value, cell.numFmt);
  if (!plain || plain.text.trim() === '') return null;
  return plain;
}

function sheetOf(worksheet: ExcelJS.Worksheet, limits: XlsxReadLimits): SheetData {
  const rows: SheetRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rows.length >= limits.maxRowsRead) return;
    const cells: (Cell | null)[] = [];
    row.eachCell({ includeEmpty: false }, (excelCell, columnNumber) => {
      if (columnNumber > limits.maxColumnsRead) return;
      const cell = cellOf(excelCell);
      if (!cell) return;
      while (cells.length < columnNumber - 1) cells.push(null);
      cells[columnNumber - 1] = cell;
    });
    if (cells.length > 0) rows.push({ row: rowNumber, cells });
  });
  return { name: worksheet.name, rows };
}

/** The visible sheets of an exceljs workbook, in tab order. */
export function visibleWorksheets(workbook: ExcelJS.Workbook): ExcelJS.Worksheet[] {
  return workbook.worksheets.filter((worksheet) => worksheet.state === 'visible' || worksheet.state === undefined);
}

/** A workbook read, or the cell bound it would have gone past (its rows cannot be read whole). */
export type XlsxReadResult = { ok: true; workbook: WorkbookData } | { ok: false; exceeded: 'cells' };

/**
 * Reads the bytes of an .xlsx/.xlsm (throws when exceljs cannot parse them). A workbook past the bounds
 * is read from a copy holding only what reading needs, up to the bounds; rows past `maxRowsRead` are not
 * read (as before), but a workbook whose cells with a value pass `maxCellsRead` is not read at all, so
 * that a roster is never taken for shorter than it is.
 */
export async function readXlsx(bytes: Uint8Array, limits: XlsxReadLimits): Promise<XlsxReadResult> {
  const loadable = await boundedForReading(bytes, limits);
  if (!loadable) return { ok: false, exceeded: 'cells' };
  const workbook = await loadExcelWorkbook(loadable);
  return { ok: true, workbook: { format: 'xlsx', sheets: visibleWorksheets(workbook).map((worksheet) => sheetOf(worksheet, limits)) } };
}

// ── Bounds ────────────────────────────────────────────────────────────────────────────────────────────
//
// exceljs builds every row and cell of every sheet in memory (about half a kilobyte a cell), and expands
// ranges cell by cell: merged ranges, data-validation ranges, defined names. Within the ZIP guard's 50 MB
// that is still gigabytes: 540,000 numbered rows cost it 700 MB, a 1.6 KB file merging A1:Z200000 costs
// it 1.5 GB. So the XML is measured before exceljs sees it. A workbook within the bounds is loaded as it
// is; a larger one is, for reading, loaded from a copy cut down to the bounds, and not re-opened at all
// for annotating (`xlsxWithinBounds`).

/** exceljs checks each merged range against every other one as it loads them: 10,000 cost it 6 s. */
const MAX_MERGED_RANGES = 5_000;
/** Excel's grid: a `<col max>` past it makes exceljs build that many column objects. */
const EXCEL_COLUMNS = 16_384;

/** The ZIP entries exceljs 4.4 loads as worksheets (its own test, unanchored as it is there). */
const WORKSHEET_ENTRY = /xl\/worksheets\/sheet(\d+)[.]xml/;
const WORKBOOK_ENTRY = 'xl/workbook.xml';

interface ZipEntryData {
  name: string;
  data: Buffer;
}

/** exceljs drops a leading "/" from entry names. */
const entryPath = (name: string) => (name.startsWith('/') ? name.slice(1) : name);

/** Every file entry, inflated. The bytes passed the ZIP guard; the total is counted again all the same. */
async function inflateEntries(bytes: Uint8Array, maxUncompressedBytes: number): Promise<ZipEntryData[]> {
  const zip = await yauzl.fromBufferPromise(asNodeBuffer(bytes), { lazyEntries: true, decodeStrings: true, strictFileNames: false });
  try {
    const entries: ZipEntryData[] = [];
    let total = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) {
        total += (chunk as Buffer).length;
        if (total > maxUncompressedBytes) throw new RangeError('ZIP content past the limit');
        chunks.push(chunk as Buffer);
      }
      entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
    }
    return entries;
  } finally {
    zip.close();
  }
}

/** A ZIP of these entries, stored rather than deflated: it only goes from memory to exceljs. */
function storedZip(entries: readonly ZipEntryData[]): Uint8Array {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(fileName.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, fileName, data);
    directory.push(header, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralDirectory = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, centralDirectory, end]));
}

// The scanners read the XML as latin1 text: markup is ASCII, so a latin1 slice turned back into bytes is
// the original UTF-8 untouched. Text and attribute values cannot hold "<", so once comments, CDATA and
// the like are out of the way (`plainMarkup`) a tag is found by its name. What the scanners do not
// understand makes them count more, or throw, never less.

const HIDING_MARKUP = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>|<!\[CDATA\[[\s\S]*?\]\]>/g;

/**
 * The XML without comments, processing instructions, DOCTYPE and CDATA sections (exceljs ignores their
 * text too): nothing left can hide a `</row>` or a `<c>` from the scanners. Excel writes none of them.
 */
function plainMarkup(latin1: string): string {
  return latin1.includes('<!') || latin1.lastIndexOf('<?') > 0 ? latin1.replace(HIDING_MARKUP, '') : latin1;
}

/** An entry's XML, ready for the scanners. */
const markupOf = (data: Buffer) => plainMarkup(data.toString('latin1'));

/** An open tag `<name …>` or `<name …/>`, its attributes in group 1 (values are quoted and may hold ">"). */
function openTag(name: string): RegExp {
  return new RegExp(`<${name}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'g');
}

/** Reads one attribute's value out of a tag's attributes. */
function attributeReader(name: string): (attributes: string) => string | undefined {
  const pattern = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
  return (attributes) => {
    const match = pattern.exec(attributes);
    return match ? (match[1] ?? match[2]) : undefined;
  };
}

const referenceAttribute = attributeReader('r');
/** A value, an inline string or a formula: what makes exceljs give a cell a value. */
const CELL_CONTENT = /<(?:v|is|f)(?=[\s/>])/;
const CELL_REFERENCE = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/;

function columnNumber(letters: string): number {
  let column = 0;
  for (const letter of letters.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64);
  return column;
}

interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** "A1:C3", "B2", "$A$1:$B$9" as a range; null when it is not one. */
function rangeOf(reference: string): CellRange | null {
  const [from = '', to = from, ...rest] = reference.split(':');
  if (rest.length > 0) return null;
  const start = CELL_REFERENCE.exec(from);
  const end = CELL_REFERENCE.exec(to);
  if (!start?.[1] || !start[2] || !end?.[1] || !end[2]) return null;
  const [rows, columns] = [
    [Number(start[2]), Number(end[2])],
    [columnNumber(start[1]), columnNumber(end[1])],
  ] as const;
  return { top: Math.min(...rows), bottom: Math.max(...rows), left: Math.min(...columns), right: Math.max(...columns) };
}

const areaOf = (range: CellRange | null) => (range ? (range.bottom - range.top + 1) * (range.right - range.left + 1) : Number.POSITIVE_INFINITY);

interface RowSpan {
  /** The open tag, `<row …>` or `<row …/>`. */
  tag: string;
  number: number;
  /** What lies between `<row …>` and `</row>` ('' for `<row …/>`). */
  content: string;
}

interface CellSpan {
  /** Offsets in the row's content. */
  start: number;
  end: number;
  column: number;
  hasContent: boolean;
}

/** The offsets of `<sheetData>`'s content, or null when the sheet has none. */
function sheetDataOf(xml: string): { start: number; end: number } | null {
  const open = openTag('sheetData').exec(xml);
  if (!open || open[0].endsWith('/>')) return null;
  const start = open.index + open[0].length;
  const end = xml.indexOf('</sheetData>', start);
  if (end < 0) throw new SyntaxError('unclosed sheetData');
  return { start, end };
}

function* rowsOf(xml: string, start: number, end: number): Generator<RowSpan> {
  const pattern = openTag('row');
  pattern.lastIndex = start;
  let previous = 0;
  for (let match = pattern.exec(xml); match && match.index < end; match = pattern.exec(xml)) {
    const tag = match[0];
    const stated = Number(referenceAttribute(match[1] ?? ''));
    const number = Number.isInteger(stated) && stated > 0 ? stated : previous + 1;
    previous = number;
    const contentStart = match.index + tag.length;
    if (tag.endsWith('/>')) {
      yield { tag, number, content: '' };
      continue;
    }
    const close = xml.indexOf('</row>', contentStart);
    if (close < 0 || close > end) throw new SyntaxError('unclosed row');
    // The row's own text (a cheap slice in V8): looking for its cells must not run on into later rows.
    yield { tag, number, content: xml.slice(contentStart, close) };
    pattern.lastIndex = close + '</row>'.length;
  }
}

function* cellsOf(content: string): Generator<CellSpan> {
  const pattern = openTag('c');
  let previous = 0;
  for (let match = pattern.exec(content); match; match = pattern.exec(content)) {
    const letters = CELL_REFERENCE.exec(referenceAttribute(match[1] ?? '') ?? '')?.[1];
    const column = letters ? columnNumber(letters) : previous + 1;
    previous = column;
    const tagEnd = match.index + match[0].length;
    if (match[0].endsWith('/>')) {
      yield { start: match.index, end: tagEnd, column, hasContent: false };
      continue;
    }
    const close = content.indexOf('</c>', tagEnd);
    if (close < 0) throw new SyntaxError('unclosed cell');
    pattern.lastIndex = close + '</c>'.length;
    yield { start: match.index, end: pattern.lastIndex, column, hasContent: CELL_CONTENT.test(content.slice(tagEnd, close)) };
  }
}

/** The value of `attributeName` on each `<name …>` tag of the text. */
function* attributeValues(xml: string, name: string, attributeName: string): Generator<string> {
  const pattern = openTag(name);
  const read = attributeReader(attributeName);
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) yield read(match[1] ?? '') ?? '';
}

/** Cells of the ranges of a `sqref` ("A1:A9 C2"); Infinity when one of them is not a range. */
function referenceListArea(list: string): number {
  return list
    .trim()
    .split(/\s+/)
    .reduce((total, reference) => total + areaOf(rangeOf(reference)), 0);
}

const DEFINED_NAMES = /<definedNames(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*(?:\/>|>[\s\S]*?<\/definedNames>)/;
const ABSOLUTE_RANGE = /\$[A-Za-z]{1,3}\$\d{1,7}(?::\$[A-Za-z]{1,3}\$\d{1,7})?/g;

/** Cells exceljs builds for the defined names (print areas, named ranges) of workbook.xml. */
function definedNamesArea(xml: string): number {
  let total = 0;
  for (const [reference] of (DEFINED_NAMES.exec(xml)?.[0] ?? '').matchAll(ABSOLUTE_RANGE)) total += areaOf(rangeOf(reference));
  return total;
}

/**
 * Whether exceljs can load the workbook as it is within the bounds: per sheet at most `maxRowsRead` rows,
 * no cell past `maxColumnsRead`, at most MAX_MERGED_RANGES merged ranges and no column definition past
 * Excel's grid; in all at most `maxCellsRead` cells, counting those exceljs builds for ranges. Counting
 * stops at the first excess, so a hostile file costs no more than the bound to measure.
 */
function entriesWithinBounds(entries: readonly ZipEntryData[], limits: XlsxReadLimits): boolean {
  let cells = 0;
  const spend = (count: number) => {
    cells += count;
    return cells <= limits.maxCellsRead;
  };
  for (const { name, data } of entries) {
    const path = entryPath(name);
    if (path === WORKBOOK_ENTRY && !spend(definedNamesArea(markupOf(data)))) return false;
    if (!WORKSHEET_ENTRY.test(path)) continue;
    const xml = markupOf(data);
    const sheetData = sheetDataOf(xml);
    let rows = 0;
    for (const row of sheetData ? rowsOf(xml, sheetData.start, sheetData.end) : []) {
      rows += 1;
      if (rows > limits.maxRowsRead) return false;
      for (const cell of cellsOf(row.content)) {
        if (cell.column > limits.maxColumnsRead || !spend(1)) return false;
      }
    }
    let mergedRanges = 0;
    for (const reference of attributeValues(xml, 'mergeCell', 'ref')) {
      mergedRanges += 1;
      if (mergedRanges > MAX_MERGED_RANGES || !spend(areaOf(rangeOf(reference)))) return false;
    }
    for (const list of attributeValues(xml, 'dataValidation', 'sqref')) {
      if (!spend(referenceListArea(list))) return false;
    }
    for (const max of attributeValues(xml, 'col', 'max')) {
      if (!(Number(max) <= EXCEL_COLUMNS)) return false;
    }
  }
  return true;
}

/** Whether exceljs can re-open these bytes (which passed the ZIP guard) as they are within the bounds. */
export async function xlsxWithinBounds(bytes: Uint8Array, limits: XlsxReadLimits): Promise<boolean> {
  return entriesWithinBounds(await inflateEntries(bytes, limits.maxUncompressedBytes), limits);
}

const EMPTY_WORKSHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

/**
 * A worksheet holding only what reading needs, up to the bounds: the cells with content (value, inline
 * string, formula) of the first `maxRowsRead` rows that have some, no cell past `maxColumnsRead`, and the
 * merged ranges within them; no column definitions, validations or anything else. Null when its cells
 * would take the workbook past `maxCellsRead`.
 */
function worksheetForReading(xml: string, limits: XlsxReadLimits, spent: { cells: number; mergedCells: number }): string | null {
  const root = openTag('worksheet').exec(xml)?.[0];
  if (root?.endsWith('/>')) return root;
  const parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', root ?? EMPTY_WORKSHEET, '<sheetData>'];
  const sheetData = sheetDataOf(xml);
  let rows = 0;
  let lastRow = 0;
  for (const row of sheetData ? rowsOf(xml, sheetData.start, sheetData.end) : []) {
    if (rows >= limits.maxRowsRead) break;
    const cells: string[] = [];
    for (const cell of cellsOf(row.content)) {
      if (!cell.hasContent || cell.column > limits.maxColumnsRead) continue;
      spent.cells += 1;
      if (spent.cells > limits.maxCellsRead) return null;
      cells.push(row.content.slice(cell.start, cell.end));
    }
    if (cells.length === 0) continue;
    rows += 1;
    lastRow = row.number;
    parts.push(row.tag, ...cells, '</row>');
  }
  parts.push('</sheetData>');
  const merges: string[] = [];
  for (const reference of attributeValues(xml, 'mergeCell', 'ref')) {
    const range = rangeOf(reference);
    if (!range || range.bottom > lastRow || range.right > limits.maxColumnsRead || merges.length >= MAX_MERGED_RANGES) continue;
    if (spent.mergedCells + areaOf(range) > limits.maxCellsRead) continue;
    spent.mergedCells += areaOf(range);
    merges.push(`<mergeCell ref="${reference}"/>`);
  }
  if (merges.length > 0) parts.push(`<mergeCells count="${merges.length}">`, ...merges, '</mergeCells>');
  parts.push('</worksheet>');
  return parts.join('');
}

/** The bytes exceljs may load for reading: these, or a copy cut down to the bounds; null past `maxCellsRead`. */
async function boundedForReading(bytes: Uint8Array, limits: XlsxReadLimits): Promise<Uint8Array | null> {
  const entries = await inflateEntries(bytes, limits.maxUncompressedBytes);
  if (entriesWithinBounds(entries, limits)) return bytes;
  const spent = { cells: 0, mergedCells: 0 };
  const bounded: ZipEntryData[] = [];
  for (const { name, data } of entries) {
    const path = entryPath(name);
    if (WORKSHEET_ENTRY.test(path)) {
      const worksheet = worksheetForReading(markupOf(data), limits, spent);
      if (worksheet === null) return null;
      bounded.push({ name, data: Buffer.from(worksheet, 'latin1') });
    } else if (path === WORKBOOK_ENTRY) {
      bounded.push({ name, data: Buffer.from(markupOf(data).replace(DEFINED_NAMES, ''), 'latin1') });
    } else {
      bounded.push({ name, data });
    }
  }
  return storedZip(bounded);
}
