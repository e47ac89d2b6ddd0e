/**
 * Uploaded bytes → WorkbookData, or the file-level issue that explains why not. The format is told from
 * the content (magic bytes, ZIP entry names), never from the file name alone: clerks rename files, and a
 * hostile upload can call itself anything. The name only breaks ties (.csv text, an OLE2 .doc).
 * Never throws: every failure is a ReadResult with a code, and nothing of a raw error is kept.
 */
import type { IssueCode, IssueParams } from '../issues.js';
import { readCsvWithin } from './csv.js';
import type { SheetData, WorkbookData } from './types.js';
import { readXlsxEntries } from './xlsx.js';
import {
  formatMegabytes,
  type InflatedEntry,
  inflateZipWithin,
  MAX_ZIP_ENTRIES,
  readZipDirectory,
  readZipEntry,
  verifyZipInflation,
  type ZipEntrySummary,
} from './zip-guard.js';

export interface ReadLimits {
  /** The upload itself (the presigned POST enforces it too; this guards every other way in). */
  maxFileBytes: number;
  /** Everything a ZIP inflates to, declared and actual. */
  maxUncompressedBytes: number;
  /** Non-empty rows read per sheet. Well above the validator's own 20,000-row limit, so that it still reports an oversized list. */
  maxRowsRead: number;
  /** Columns read per row. */
  maxColumnsRead: number;
  /**
   * Cells read in the whole file: a row bound alone still lets wide rows cost gigabytes. Ten a row at the
   * row bound, far above a roster's five; a file past it is refused (FILE_TOO_LARGE), never cut short.
   * A CSV counts its fields, empty ones too (each costs parsing time); an .xlsx its cells with content,
   * or, to be re-opened whole for annotating, every cell exceljs would build (ranges included).
   */
  maxCellsRead: number;
  /** Entries in a ZIP. */
  maxZipEntries: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxFileBytes: 5 * MIB,
  maxUncompressedBytes: 50 * MIB,
  maxRowsRead: 50_000,
  maxColumnsRead: 256,
  maxCellsRead: 500_000,
  maxZipEntries: MAX_ZIP_ENTRIES,
});

export type ReadFailureCode = Extract<
  IssueCode,
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'FILE_XLS_FORMAT'
  | 'FILE_WORD_DOCUMENT'
  | 'FILE_ODS_FORMAT'
  | 'FILE_UNSUPPORTED'
  | 'FILE_CORRUPT'
  | 'FILE_ENCRYPTED'
  | 'FILE_CONTENT_TOO_LARGE'
  | 'FILE_CSV_ENCODING'
>;

export type ReadFailure = { ok: false; code: ReadFailureCode; params?: IssueParams };
export type ReadResult = { ok: true; workbook: WorkbookData } | ReadFailure;

/** What the bytes are, once checked: an .xlsx whose ZIP passed the guard, CSV text, or a refusal. */
export type SniffResult = { ok: true; format: 'xlsx'; bytes: Uint8Array } | { ok: true; format: 'csv'; text: string } | ReadFailure;

/** Defaults overridden only by the limits actually given (an explicit `undefined` must not lift a limit). */
export function resolveReadLimits(limits: Partial<ReadLimits> = {}): ReadLimits {
  const resolved: ReadLimits = { ...DEFAULT_READ_LIMITS };
  for (const key of Object.keys(resolved) as (keyof ReadLimits)[]) {
    const value = limits[key];
    if (typeof value === 'number' && value > 0) resolved[key] = value;
  }
  return resolved;
}

const fail = (code: ReadFailureCode, params?: IssueParams): ReadFailure => (params ? { ok: false, code, params } : { ok: false, code });

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;
const ZIP_EMPTY_MAGIC = [0x50, 0x4b, 0x05, 0x06] as const;
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

/** Binary formats people upload by mistake; all refused as "not a spreadsheet". */
const OTHER_BINARY_MAGICS = [
  [0x25, 0x50, 0x44, 0x46], // %PDF
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x52, 0x61, 0x72, 0x21], // Rar!
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
  [0x1f, 0x8b], // gzip
  [0x42, 0x4d], // BMP
] as const;

const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);
}

function extensionOf(fileName: string): string {
  const match = /\.([a-z0-9]+)$/i.exec(fileName.trim());
  return match?.[1]?.toLowerCase() ?? '';
}

/** Whether `needle`, as UTF-16LE (how OLE2 directory entries name their streams), appears in the bytes. */
function containsUtf16(bytes: Uint8Array, needle: string): boolean {
  return asBuffer(bytes).includes(Buffer.from(needle, 'utf16le'));
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * OLE2 compound file: an old .xls, an old .doc, or an OOXML file saved with a password (Office wraps the
 * encrypted package in OLE2). The stream names in the directory tell them apart, best effort.
 */
function sniffOle2(bytes: Uint8Array, extension: string): ReadFailure {
  if (containsUtf16(bytes, 'EncryptedPackage')) return fail('FILE_ENCRYPTED');
  if (containsUtf16(bytes, 'WordDocument')) return fail('FILE_WORD_DOCUMENT');
  if (containsUtf16(bytes, 'Workbook') || containsUtf16(bytes, 'Book')) return fail('FILE_XLS_FORMAT');
  if (extension === 'doc' || extension === 'docx' || extension === 'dot') return fail('FILE_WORD_DOCUMENT');
  return fail('FILE_XLS_FORMAT');
}

/** What the sniffing found, with an .xlsx's entries already inflated (within the guard) when asked for. */
type Sniffed = { ok: true; format: 'xlsx'; bytes: Uint8Array; entries?: InflatedEntry[] } | { ok: true; format: 'csv'; text: string } | ReadFailure;

async function sniffZip(bytes: Uint8Array, limits: ReadLimits, keepEntries: boolean): Promise<Sniffed> {
  const zipLimits = { maxUncompressedBytes: limits.maxUncompressedBytes, maxEntries: limits.maxZipEntries };
  const directory = await readZipDirectory(bytes, zipLimits);
  if (!directory.ok) return directory;
  const names = new Set(directory.entries.map((entry: ZipEntrySummary) => entry.name));
  if (names.has('[Content_Types].xml') && names.has('xl/workbook.xml')) {
    if (!keepEntries) {
      const verified = await verifyZipInflation(bytes, zipLimits);
      return verified.ok ? { ok: true, format: 'xlsx', bytes } : verified;
    }
    const inflated = await inflateZipWithin(bytes, zipLimits);
    return inflated.ok ? { ok: true, format: 'xlsx', bytes, entries: inflated.entries } : inflated;
  }
  if (names.has('word/document.xml')) return fail('FILE_WORD_DOCUMENT');
  if (names.has('mimetype')) {
    const mimetype = await readZipEntry(bytes, 'mimetype', 200);
    if (mimetype?.toString('latin1').trim().startsWith(ODS_MIMETYPE)) return fail('FILE_ODS_FORMAT');
  }
  return fail('FILE_UNSUPPORTED');
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const UTF16LE_BOM = [0xff, 0xfe] as const;
const UTF16BE_BOM = [0xfe, 0xff] as const;

/** Control characters no spreadsheet text contains (tab, CR, LF and form feed aside): a binary file. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

function decodeText(bytes: Uint8Array): string | null {
  try {
    if (startsWith(bytes, UTF16LE_BOM)) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    if (startsWith(bytes, UTF16BE_BOM)) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    // TextDecoder drops a UTF-8 BOM itself.
    return new TextDecoder('utf-8', { fatal: true }).decode(startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes);
  } catch {
    return null;
  }
}

function sniffText(bytes: Uint8Array, extension: string): Sniffed {
  const text = decodeText(bytes);
  if (text === null) return fail(extension === 'csv' ? 'FILE_CSV_ENCODING' : 'FILE_UNSUPPORTED');
  if (text.trim() === '') return fail('FILE_EMPTY');
  if (BINARY_CONTROL.test(text)) return fail('FILE_UNSUPPORTED');
  const start = text.trimStart().slice(0, 200).toLowerCase();
  // An HTML table or an XML Spreadsheet 2003 saved as ".xls": Excel opens it, and can save it as .xlsx.
  if (start.startsWith('<')) return fail(extension === 'xls' ? 'FILE_XLS_FORMAT' : 'FILE_UNSUPPORTED');
  if (start.startsWith('{\\rtf')) return fail('FILE_WORD_DOCUMENT');
  const head = text.slice(0, 64 * 1024);
  if (extension !== 'csv' && !/[,;\t]/.test(head)) return fail('FILE_UNSUPPORTED');
  return { ok: true, format: 'csv', text };
}

/** Tells what the bytes are and runs the guards that must pass before parsing (size, ZIP bomb). */
export async function sniffFile(bytes: Uint8Array, fileName: string, limits: Partial<ReadLimits> = {}): Promise<SniffResult> {
  const sniffed = await sniff(bytes, fileName, resolveReadLimits(limits), false);
  return sniffed.ok && sniffed.format === 'xlsx' ? { ok: true, format: 'xlsx', bytes: sniffed.bytes } : sniffed;
}

async function sniff(bytes: Uint8Array, fileName: string, limits: ReadLimits, keepEntries: boolean): Promise<Sniffed> {
  try {
    if (bytes.byteLength === 0) return fail('FILE_EMPTY');
    if (bytes.byteLength > limits.maxFileBytes) return fail('FILE_TOO_LARGE', { limit: formatMegabytes(limits.maxFileBytes) });
    const extension = extensionOf(fileName);
    if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, ZIP_EMPTY_MAGIC)) return await sniffZip(bytes, limits, keepEntries);
    if (startsWith(bytes, OLE2_MAGIC)) return sniffOle2(bytes, extension);
    if (OTHER_BINARY_MAGICS.some((magic) => startsWith(bytes, magic))) return fail('FILE_UNSUPPORTED');
    return sniffText(bytes, extension);
  } catch {
    return fail('FILE_CORRUPT');
  }
}

/**
 * What annotating needs to know of an upload that was read: whether exceljs may re-open it within the
 * bounds (an .xlsx) or the cells to rebuild it from (a CSV), or that it cannot be re-opened.
 */
export type Reopening = { format: 'xlsx'; withinBounds: boolean } | { format: 'csv'; sheet: SheetData; complete: boolean } | { format: null };

/** One upload, read once: what validating reads of it and what annotating needs of it. */
export interface ParsedUpload {
  read: ReadResult;
  reopening: Reopening;
}

/**
 * The last reading of each byte array (the upload's identity while it is being processed), so that
 * `annotate` after `validate` neither sniffs, inflates nor parses the file again. Kept only as long as
 * the bytes are, and used only for the same file name and limits.
 */
const parsedUploads = new WeakMap<Uint8Array, { fileName: string; limits: ReadLimits; parsed: ParsedUpload }>();

const sameLimits = (a: ReadLimits, b: ReadLimits) => (Object.keys(a) as (keyof ReadLimits)[]).every((key) => a[key] === b[key]);

/**
 * Reads an upload once, within the limits: sniffed, inflated (for an .xlsx, once, within the ZIP guard)
 * and parsed. Never throws. A second call for the same bytes, name and limits answers the same reading.
 */
export async function parseUpload(bytes: Uint8Array, fileName: string, limits: Partial<ReadLimits> = {}): Promise<ParsedUpload> {
  const effective = resolveReadLimits(limits);
  const known = parsedUploads.get(bytes);
  if (known && known.fileName === fileName && sameLimits(known.limits, effective)) return known.parsed;
  const parsed = await parseOnce(bytes, fileName, effective);
  parsedUploads.set(bytes, { fileName, limits: effective, parsed });
  return parsed;
}

async function parseOnce(bytes: Uint8Array, fileName: string, limits: ReadLimits): Promise<ParsedUpload> {
  const sniffed = await sniff(bytes, fileName, limits, true);
  if (!sniffed.ok) return { read: sniffed, reopening: { format: null } };
  const tooManyCells = () => fail('FILE_TOO_LARGE', { limit: `${limits.maxCellsRead.toLocaleString('vi-VN')} ô dữ liệu` });
  try {
    if (sniffed.format === 'csv') {
      const csv = readCsvWithin(sniffed.text, fileName, limits);
      const complete = !(csv.exceeded.rows || csv.exceeded.columns || csv.exceeded.cells);
      const reopening: Reopening = { format: 'csv', sheet: csv.sheet, complete };
      return csv.exceeded.cells ? { read: tooManyCells(), reopening } : { read: { ok: true, workbook: { format: 'csv', sheets: [csv.sheet] } }, reopening };
    }
    const xlsx = readXlsxEntries(sniffed.entries ?? [], limits);
    if (!xlsx.ok) return { read: tooManyCells(), reopening: { format: 'xlsx', withinBounds: false } };
    return { read: { ok: true, workbook: xlsx.workbook }, reopening: { format: 'xlsx', withinBounds: xlsx.withinBounds } };
  } catch {
    // A parser refused the content: nothing of its message reaches the clerk.
    return { read: fail('FILE_CORRUPT'), reopening: { format: null } };
  }
}

/** Reads an uploaded roster file into WorkbookData (visible sheets, non-empty rows), or says why it cannot. */
export async function readWorkbook(bytes: Uint8Array, fileName: string, limits: Partial<ReadLimits> = {}): Promise<ReadResult> {
  return (await parseUpload(bytes, fileName, limits)).read;
}
