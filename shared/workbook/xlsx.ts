/**
 * .xlsx / .xlsm → WorkbookData. Only cell values are read: macros, external links and formulas are never
 * run (a formula gives the result Excel cached when the file was saved).
 *
 * Reading is one pass over the XML the ZIP guard already inflated (`readXlsxEntries`): the rows and cells
 * are found by the same scanners that measure a workbook against the bounds, and each cell's value is read
 * as exceljs 4.4 reads it on `load` (same types, same dates, same quirks; test/unit/workbook/stream.test.ts
 * compares the two on generated workbooks). exceljs builds half a kilobyte per cell and inflates the file
 * again; this builds the cells a roster needs and nothing else. exceljs still loads a workbook that must
 * be written back (annotating a rejected file), and only when it is within the bounds (`xlsxWithinBounds`).
 */
import type ExcelJS from 'exceljs';
import { loadExcelJs } from './exceljs.js';
import type { Cell, SheetData, SheetRow, WorkbookData } from './types.js';
import { type InflatedEntry, inflateZipWithin } from './zip-guard.js';

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
  const { Workbook } = await loadExcelJs();
  const workbook = new Workbook();
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
  // A merged cell other than the master (exceljs's ValueType.Merge) has another cell as its master.
  if (cell.master !== cell) return null;
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
 * An exceljs workbook as WorkbookData, as far as the bounds go. The reference `readXlsxEntries` is held
 * to (and what a reader of a loaded workbook, such as a test, uses).
 */
export function workbookDataOf(workbook: ExcelJS.Workbook, limits: XlsxReadLimits): WorkbookData {
  return { format: 'xlsx', sheets: visibleWorksheets(workbook).map((worksheet) => sheetOf(worksheet, limits)) };
}

/** Reads the bytes of an .xlsx/.xlsm that passed the ZIP guard (throws on a file that cannot be read). */
export async function readXlsx(bytes: Uint8Array, limits: XlsxReadLimits): Promise<XlsxReadResult> {
  const reading = readXlsxEntries(await inflatedEntries(bytes, limits.maxUncompressedBytes), limits);
  return reading.ok ? { ok: true, workbook: reading.workbook } : reading;
}

// ── Bounds ────────────────────────────────────────────────────────────────────────────────────────────
//
// exceljs builds every row and cell of every sheet in memory (about half a kilobyte a cell), and expands
// ranges cell by cell: merged ranges, data-validation ranges, defined names. Within the ZIP guard's 50 MB
// that is still gigabytes: 540,000 numbered rows cost it 700 MB, a 1.6 KB file merging A1:Z200000 costs
// it 1.5 GB. So the XML is measured before exceljs sees it: a workbook past the bounds is never loaded by
// exceljs (`xlsxWithinBounds`), and reading one (`readXlsxEntries`) stops at the bounds.

/** exceljs checks each merged range against every other one as it loads them: 10,000 cost it 6 s. */
const MAX_MERGED_RANGES = 5_000;
/** Excel's grid: a `<col max>` past it makes exceljs build that many column objects. */
const EXCEL_COLUMNS = 16_384;

/** The ZIP entries exceljs 4.4 loads as worksheets (its own test, unanchored as it is there). */
const WORKSHEET_ENTRY = /xl\/worksheets\/sheet(\d+)[.]xml/;
const WORKBOOK_ENTRY = 'xl/workbook.xml';

/** exceljs drops a leading "/" from entry names. */
const entryPath = (name: string) => (name.startsWith('/') ? name.slice(1) : name);

/** Every file entry, inflated, for bytes that passed the ZIP guard (which counts again while inflating). */
async function inflatedEntries(bytes: Uint8Array, maxUncompressedBytes: number): Promise<InflatedEntry[]> {
  const inflated = await inflateZipWithin(bytes, { maxUncompressedBytes, maxEntries: Number.POSITIVE_INFINITY });
  if (!inflated.ok) throw new RangeError(`ZIP refused: ${inflated.code}`);
  return inflated.entries;
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
  /** Offsets in the row's content: the whole `<c …>…</c>`, and what lies between its tags. */
  start: number;
  end: number;
  innerStart: number;
  innerEnd: number;
  /** The open tag's attributes. */
  attributes: string;
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
    const attributes = match[1] ?? '';
    const letters = CELL_REFERENCE.exec(referenceAttribute(attributes) ?? '')?.[1];
    const column = letters ? columnNumber(letters) : previous + 1;
    previous = column;
    const tagEnd = match.index + match[0].length;
    if (match[0].endsWith('/>')) {
      yield { start: match.index, end: tagEnd, innerStart: tagEnd, innerEnd: tagEnd, attributes, column, hasContent: false };
      continue;
    }
    const close = content.indexOf('</c>', tagEnd);
    if (close < 0) throw new SyntaxError('unclosed cell');
    pattern.lastIndex = close + '</c>'.length;
    const hasContent = CELL_CONTENT.test(content.slice(tagEnd, close));
    yield { start: match.index, end: pattern.lastIndex, innerStart: tagEnd, innerEnd: close, attributes, column, hasContent };
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

/** An entry's path (as exceljs names it) and, for the XML the scanners read, its markup. */
interface ScannedEntry {
  path: string;
  markup: () => string;
}

/** The entries, each one's markup computed once, when first asked for. */
function scannedEntries(entries: readonly InflatedEntry[]): ScannedEntry[] {
  return entries.map(({ name, data }) => {
    let markup: string | undefined;
    return {
      path: entryPath(name),
      markup: () => {
        markup ??= markupOf(data);
        return markup;
      },
    };
  });
}

/**
 * Whether exceljs can load the workbook as it is within the bounds: per sheet at most `maxRowsRead` rows,
 * no cell past `maxColumnsRead`, at most MAX_MERGED_RANGES merged ranges and no column definition past
 * Excel's grid; in all at most `maxCellsRead` cells, counting those exceljs builds for ranges. Counting
 * stops at the first excess, so a hostile file costs no more than the bound to measure.
 */
function entriesWithinBounds(entries: readonly ScannedEntry[], limits: XlsxReadLimits, grids?: ReadonlyMap<string, SheetGrid>): boolean {
  let cells = 0;
  const spend = (count: number) => {
    cells += count;
    return cells <= limits.maxCellsRead;
  };
  for (const entry of entries) {
    if (entry.path === WORKBOOK_ENTRY && !spend(definedNamesArea(entry.markup()))) return false;
    if (!WORKSHEET_ENTRY.test(entry.path)) continue;
    const xml = entry.markup();
    const grid = grids?.get(entry.path) ?? gridOf(xml, limits);
    if (grid.rows > limits.maxRowsRead || grid.tooWide || !spend(grid.cells)) return false;
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

/** What exceljs would build of a sheet's grid: its rows and cells (empty ones too), and whether one is past `maxColumnsRead`. */
interface SheetGrid {
  rows: number;
  cells: number;
  tooWide: boolean;
}

/** A sheet's grid, counted until it passes a bound (the counts past it do not matter). */
function gridOf(xml: string, limits: XlsxReadLimits): SheetGrid {
  const grid: SheetGrid = { rows: 0, cells: 0, tooWide: false };
  const sheetData = sheetDataOf(xml);
  for (const row of sheetData ? rowsOf(xml, sheetData.start, sheetData.end) : []) {
    grid.rows += 1;
    if (grid.rows > limits.maxRowsRead) return grid;
    for (const cell of cellsOf(row.content)) {
      grid.cells += 1;
      if (cell.column > limits.maxColumnsRead) grid.tooWide = true;
      if (grid.tooWide || grid.cells > limits.maxCellsRead) return grid;
    }
  }
  return grid;
}

/** Whether exceljs can re-open these bytes (which passed the ZIP guard) as they are within the bounds. */
export async function xlsxWithinBounds(bytes: Uint8Array, limits: XlsxReadLimits): Promise<boolean> {
  return entriesWithinBounds(scannedEntries(await inflatedEntries(bytes, limits.maxUncompressedBytes)), limits);
}

// ── Reading ───────────────────────────────────────────────────────────────────────────────────────────

/** A workbook read, with whether exceljs may load it whole (for annotating); or the cell bound it passed. */
export type XlsxReading = { ok: true; workbook: WorkbookData; withinBounds: boolean } | { ok: false; exceeded: 'cells' };

/**
 * Reads the inflated entries of an .xlsx/.xlsm (throws on XML it cannot make sense of). Per sheet, the
 * first `maxRowsRead` rows that have a value, up to `maxColumnsRead` columns; a workbook whose cells with
 * a value (in those rows and columns, on every sheet) pass `maxCellsRead` is not read at all, so that a
 * roster is never taken for shorter than it is. Hidden sheets count, and are not returned.
 */
export function readXlsxEntries(entries: readonly InflatedEntry[], limits: XlsxReadLimits): XlsxReading {
  const scanned = scannedEntries(entries);
  const byPath = new Map(scanned.map((entry) => [entry.path, entry]));
  const markupAt = (path: string) => {
    const entry = byPath.get(path);
    if (!entry) return '';
    const markup = entry.markup();
    // exceljs refuses a part that is not XML at all; so does reading (FILE_CORRUPT), whatever else it finds.
    if (!LOOKS_LIKE_XML.test(markup)) throw new SyntaxError('not XML');
    return markup;
  };
  const workbookXml = markupAt(WORKBOOK_ENTRY);
  const context: ReadingContext = {
    sharedStrings: sharedStringsOf(entries.find((entry) => entryPath(entry.name) === SHARED_STRINGS_ENTRY)?.data),
    numberFormats: numberFormatsOf(markupAt(STYLES_ENTRY)),
    date1904: DATE_1904.test(workbookXml),
    limits,
  };
  const visible = visibleSheetPaths(workbookXml, markupAt(WORKBOOK_RELS_ENTRY));
  const spent = { cells: 0 };
  const sheetsByPath = new Map<string, SheetRow[]>();
  // Counted while reading, so that telling whether exceljs may load the workbook costs no second pass.
  const grids = new Map<string, SheetGrid>();
  for (const entry of scanned) {
    if (!WORKSHEET_ENTRY.test(entry.path)) continue;
    const grid: SheetGrid = { rows: 0, cells: 0, tooWide: false };
    const rows = readWorksheet(markupAt(entry.path), context, spent, visible.has(entry.path), grid);
    if (rows === null) return { ok: false, exceeded: 'cells' };
    sheetsByPath.set(entry.path, rows);
    grids.set(entry.path, grid);
  }
  const sheets: SheetData[] = [];
  for (const [path, name] of visible) {
    const rows = sheetsByPath.get(path);
    if (rows) sheets.push({ name, rows });
  }
  return { ok: true, workbook: { format: 'xlsx', sheets }, withinBounds: entriesWithinBounds(scanned, limits, grids) };
}

const SHARED_STRINGS_ENTRY = 'xl/sharedStrings.xml';
/** Markup from its first character to its last (a byte-order mark and white space aside). */
const LOOKS_LIKE_XML = /^(?:\u00ef\u00bb\u00bf|\ufeff)?\s*<[\s\S]*>\s*$/;
const STYLES_ENTRY = 'xl/styles.xml';
const WORKBOOK_RELS_ENTRY = 'xl/_rels/workbook.xml.rels';
/** exceljs reads `date1904="1"` and nothing else as the 1904 date system. */
const DATE_1904 = /<workbookPr(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*\sdate1904\s*=\s*["']1["']/;

interface ReadingContext {
  sharedStrings: string[];
  /** Number format per cell style index (`s`), where the style has one. */
  numberFormats: (string | undefined)[];
  date1904: boolean;
  limits: XlsxReadLimits;
}

/** XML text as JavaScript text: UTF-8 bytes (held as latin1), line ends as an XML parser gives them, entities. */
function xmlText(latin1: string): string {
  // Any byte past ASCII means UTF-8 to decode.
  return unicodeXmlText(/[\u0080-\u00ff]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1);
}

/** XML text already decoded from UTF-8: line ends as an XML parser gives them, entities. */
function unicodeXmlText(text: string): string {
  return decodeEntities(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED_ENTITIES[name] ?? whole;
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** exceljs decodes the five named entities once more in a `t="str"` value (`utils.xmlDecode`). */
const NAMED_ENTITY = /&(lt|gt|amp|quot|apos);/g;
const decodeNamedEntities = (text: string) => (text.includes('&') ? text.replace(NAMED_ENTITY, (_, name: string) => NAMED_ENTITIES[name] ?? '') : text);

const TEXT_ELEMENT = /<t(?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?(?:\/>|>([\s\S]*?)<\/t>)/g;
const PHONETIC_RUN = /<rPh(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*(?:\/>|>[\s\S]*?<\/rPh>)/g;

/**
 * The text of a string item (`<si>` or `<is>`): its `<t>` runs, without phonetic guides, as exceljs joins
 * them. `decode` turns the raw text into JavaScript text (from latin1-held UTF-8, or from Unicode).
 */
function runsText(xml: string, decode: (raw: string) => string = xmlText): string {
  const withoutPhonetics = xml.includes('<rPh') ? xml.replace(PHONETIC_RUN, '') : xml;
  let text = '';
  for (const match of withoutPhonetics.matchAll(TEXT_ELEMENT)) text += match[1] ?? '';
  return decode(text);
}

const STRING_ITEM = /<si(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*(?:\/>|>([\s\S]*?)<\/si>)/g;

/** The shared strings, their XML decoded from UTF-8 once (thousands of names, nearly all non-ASCII). */
function sharedStringsOf(data: Buffer | undefined): string[] {
  if (!data) return [];
  const xml = plainMarkup(data.toString('utf8'));
  if (!LOOKS_LIKE_XML.test(xml)) throw new SyntaxError('not XML');
  const strings: string[] = [];
  for (const match of xml.matchAll(STRING_ITEM)) strings.push(runsText(match[1] ?? '', unicodeXmlText));
  return strings;
}

/** Excel's built-in number formats that exceljs (4.4) takes for dates (the others never make a date). */
const BUILT_IN_DATE_FORMATS: Readonly<Record<number, string>> = {
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
};
/** Built-in formats that matter besides dates: "0" (a zero-pad format of width one). */
const BUILT_IN_FORMATS: Readonly<Record<number, string>> = { 1: '0', ...BUILT_IN_DATE_FORMATS };

const CELL_FORMATS = /<cellXfs(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*(?:\/>|>([\s\S]*?)<\/cellXfs>)/;
const numberFormatIdAttribute = attributeReader('numFmtId');
const formatCodeAttribute = attributeReader('formatCode');

/** Each cell style's number format, as exceljs resolves it: the file's own formats, then the built-in ones. */
function numberFormatsOf(xml: string): (string | undefined)[] {
  const custom = new Map<number, string>();
  for (const match of xml.matchAll(openTag('numFmt'))) {
    const id = Number.parseInt(numberFormatIdAttribute(match[1] ?? '') ?? '', 10);
    const code = formatCodeAttribute(match[1] ?? '');
    if (Number.isInteger(id) && code !== undefined) custom.set(id, xmlText(code));
  }
  const formats: (string | undefined)[] = [];
  for (const match of (CELL_FORMATS.exec(xml)?.[1] ?? '').matchAll(openTag('xf'))) {
    const id = Number.parseInt(numberFormatIdAttribute(match[1] ?? '') ?? '', 10);
    formats.push(id ? (custom.get(id) ?? BUILT_IN_FORMATS[id]) : undefined);
  }
  return formats;
}

/** exceljs's test for a date format: a date or time letter outside quotes and brackets. */
function isDateFormat(format: string | undefined): boolean {
  return format !== undefined && /[ymdhMsb]+/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** exceljs's conversion of a date serial (it coerces whatever the cell held). */
function excelDate(value: number | string | boolean, date1904: boolean): Date {
  return new Date(Math.round((Number(value) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

const nameAttribute = attributeReader('name');
const stateAttribute = attributeReader('state');
const relationshipIdAttribute = attributeReader('r:id');
const idAttribute = attributeReader('Id');
const targetAttribute = attributeReader('Target');

/** The visible sheets' entry paths and names, in tab order (how exceljs ties workbook.xml to the entries). */
function visibleSheetPaths(workbookXml: string, relsXml: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const match of relsXml.matchAll(openTag('Relationship'))) {
    const id = idAttribute(match[1] ?? '');
    const target = targetAttribute(match[1] ?? '');
    if (id !== undefined && target !== undefined && !targets.has(id)) targets.set(id, xmlText(target));
  }
  const sheets = new Map<string, string>();
  for (const match of workbookXml.matchAll(openTag('sheet'))) {
    const attributes = match[1] ?? '';
    const target = targets.get(xmlText(relationshipIdAttribute(attributes) ?? ''));
    if (target === undefined) continue;
    const state = stateAttribute(attributes);
    if (state !== undefined && state !== 'visible') continue;
    const path = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    if (!sheets.has(path)) sheets.set(path, xmlText(nameAttribute(attributes) ?? ''));
  }
  return sheets;
}

/** The cells a merged range hides (all but its top-left one), by row, within the bounds. */
type HiddenByMerge = Map<number, { left: number; right: number; masterColumn: number }[]>;

function mergedRangesOf(xml: string, limits: XlsxReadLimits): HiddenByMerge {
  const hidden: HiddenByMerge = new Map();
  let ranges = 0;
  let cells = 0;
  for (const reference of attributeValues(xml, 'mergeCell', 'ref')) {
    const range = rangeOf(reference);
    if (!range || ranges >= MAX_MERGED_RANGES) continue;
    // Only rows and columns that can be read matter; a range past the cell bound is left out, not expanded.
    const bottom = Math.min(range.bottom, range.top + limits.maxRowsRead * 2);
    const right = Math.min(range.right, limits.maxColumnsRead);
    if (right < range.left) continue;
    const area = (bottom - range.top + 1) * (right - range.left + 1);
    if (cells + area > limits.maxCellsRead) continue;
    ranges += 1;
    cells += area;
    for (let row = range.top; row <= bottom; row++) {
      const list = hidden.get(row) ?? [];
      list.push({ left: range.left, right, masterColumn: row === range.top ? range.left : 0 });
      hidden.set(row, list);
    }
  }
  return hidden;
}

const typeAttribute = attributeReader('t');
const styleAttribute = attributeReader('s');
const FORMULA = /<f(?=[\s/>])/;
const VALUE = /<v(?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?>([\s\S]*?)<\/v>/;
const INLINE_STRING = /<is(?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?>([\s\S]*?)<\/is>/;

/**
 * One cell's value as exceljs 4.4 `load` gives it (cell-xform.js), then as `cellOf` shows it: the type
 * attribute decides, a number in a date format is a date, a formula gives its cached result.
 */
function cellValueOf(inner: string, attributes: string, context: ReadingContext): Cell | null {
  const type = typeAttribute(attributes);
  const styleIndex = Number.parseInt(styleAttribute(attributes) ?? '', 10);
  const numFmt = styleIndex ? context.numberFormats[styleIndex] : undefined;
  const rawValue = VALUE.exec(inner)?.[1];
  // exceljs ignores an empty <v></v> (no text event).
  const value = rawValue ? xmlText(rawValue) : undefined;
  if (FORMULA.test(inner)) {
    if (value === undefined) return null;
    const result: number | string | boolean | { error: string } =
      type === 'str' ? decodeNamedEntities(value) : type === 'b' ? Number.parseInt(value, 10) !== 0 : type === 'e' ? { error: value } : Number.parseFloat(value);
    const plain = isDateFormat(numFmt) ? dateCell(excelDate(typeof result === 'object' ? Number.NaN : result, context.date1904)) : plainResult(result, numFmt);
    return plain && plain.text.trim() !== '' ? { ...plain, formula: true } : null;
  }
  let cell: Cell | null;
  switch (type) {
    case 's': {
      if (value === undefined) return null;
      const text = context.sharedStrings[Number.parseInt(value, 10)];
      // exceljs fails on a shared string that does not exist: so does reading (FILE_CORRUPT).
      if (text === undefined) throw new RangeError('shared string out of range');
      cell = { text, numeric: false };
      break;
    }
    case 'str':
      cell = value === undefined ? null : { text: decodeNamedEntities(value), numeric: false };
      break;
    case 'inlineStr': {
      const inline = INLINE_STRING.exec(inner)?.[1];
      cell = inline === undefined ? (value === undefined ? null : { text: value, numeric: false }) : { text: runsText(inline), numeric: false };
      break;
    }
    case 'b':
      cell = value === undefined ? null : { text: Number.parseInt(value, 10) !== 0 ? 'TRUE' : 'FALSE', numeric: false };
      break;
    case 'e':
      cell = value === undefined ? null : { text: value, numeric: false };
      break;
    default: {
      if (value === undefined) return null;
      const number = Number.parseFloat(value);
      cell = isDateFormat(numFmt) ? dateCell(excelDate(number, context.date1904)) : { text: formatNumber(number, numFmt), numeric: true };
    }
  }
  return cell && cell.text.trim() !== '' ? cell : null;
}

function dateCell(date: Date): Cell | null {
  const text = formatDate(date);
  return text ? { text, numeric: false } : null;
}

function plainResult(result: number | string | boolean | { error: string }, numFmt: string | undefined): Cell {
  if (typeof result === 'number') return { text: formatNumber(result, numFmt), numeric: true };
  if (typeof result === 'string') return { text: result, numeric: false };
  if (typeof result === 'boolean') return { text: result ? 'TRUE' : 'FALSE', numeric: false };
  return { text: result.error, numeric: false };
}

/**
 * One worksheet's rows within the bounds; null when its cells with a value take the workbook's count
 * (`spent`) past `maxCellsRead`. `read` false: counted only (a hidden sheet). `grid` gets the sheet's
 * grid as `gridOf` counts it (as far as reading went: past `maxRowsRead` rows it stops, out of bounds).
 */
function readWorksheet(xml: string, context: ReadingContext, spent: { cells: number }, read: boolean, grid: SheetGrid): SheetRow[] | null {
  const { limits } = context;
  const sheetData = sheetDataOf(xml);
  if (!sheetData) return [];
  const hidden: HiddenByMerge = read ? mergedRangesOf(xml, limits) : new Map();
  const rows: SheetRow[] = [];
  let rowsWithContent = 0;
  for (const row of rowsOf(xml, sheetData.start, sheetData.end)) {
    grid.rows += 1;
    const spans: CellSpan[] = [];
    for (const cell of cellsOf(row.content)) {
      grid.cells += 1;
      if (cell.column > limits.maxColumnsRead) grid.tooWide = true;
      else if (cell.hasContent) spans.push(cell);
    }
    if (spans.length === 0) continue;
    rowsWithContent += 1;
    if (rowsWithContent > limits.maxRowsRead) break;
    spent.cells += spans.length;
    if (spent.cells > limits.maxCellsRead) return null;
    if (!read || rows.length >= limits.maxRowsRead) continue;
    const merges = hidden.get(row.number);
    const cells: (Cell | null)[] = [];
    for (const span of spans) {
      if (merges?.some((merge) => span.column >= merge.left && span.column <= merge.right && span.column !== merge.masterColumn)) continue;
      const cell = cellValueOf(row.content.slice(span.innerStart, span.innerEnd), span.attributes, context);
      if (!cell) continue;
      while (cells.length < span.column - 1) cells.push(null);
      cells[span.column - 1] = cell;
    }
    if (cells.length > 0) rows.push({ row: row.number, cells });
  }
  return rows;
}
