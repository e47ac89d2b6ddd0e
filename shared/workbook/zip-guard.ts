/**
 * Defence against hostile ZIP containers (.xlsx is a ZIP) before anything inflates them in memory.
 *
 * Two phases, both with yauzl:
 * 1. `readZipDirectory` reads only the central directory: it refuses an absurd entry count or a declared
 *    uncompressed total over the limit, and returns the entry names (used to tell xlsx from docx or ods).
 * 2. `verifyZipInflation` inflates every entry in streaming, discarding the output, with a running counter:
 *    it stops as soon as one entry inflates beyond the size it declared or the total passes the limit.
 *    Only then may exceljs (which inflates everything into memory) load the file. `inflateZipWithin` runs
 *    the same checks and keeps what it inflated, for the reader: a file is inflated once to be read.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { IssueParams } from '../issues.js';

export interface ZipLimits {
  /** Sum of the uncompressed sizes of all entries, declared and actual. */
  maxUncompressedBytes: number;
  /** More entries than this is not a spreadsheet (a real .xlsx has a few dozen). */
  maxEntries: number;
}

export const MAX_ZIP_ENTRIES = 10_000;

export interface ZipEntrySummary {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export type ZipRefusalCode = 'FILE_CONTENT_TOO_LARGE' | 'FILE_CORRUPT' | 'FILE_ENCRYPTED';

export type ZipRefusal = { ok: false; code: ZipRefusalCode; params?: IssueParams };
export type ZipDirectory = { ok: true; entries: ZipEntrySummary[] } | ZipRefusal;
export type ZipVerification = { ok: true; uncompressedBytes: number } | ZipRefusal;

const MIB = 1024 * 1024;

/** "50 MB", "2,5 MB": the limit as a clerk reads it (Vietnamese decimal comma). */
export function formatMegabytes(bytes: number): string {
  const megabytes = Math.round((bytes / MIB) * 10) / 10;
  return `${String(megabytes).replace('.', ',')} MB`;
}

function tooLarge(limits: ZipLimits): ZipRefusal {
  return { ok: false, code: 'FILE_CONTENT_TOO_LARGE', params: { limit: formatMegabytes(limits.maxUncompressedBytes) } };
}

const CORRUPT: ZipRefusal = { ok: false, code: 'FILE_CORRUPT' };

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile | null> {
  try {
    return await yauzl.fromBufferPromise(asBuffer(bytes), {
      lazyEntries: true,
      decodeStrings: true,
      // We count bytes ourselves so that an oversized entry is told apart from a truncated one.
      validateEntrySizes: false,
      strictFileNames: false,
    });
  } catch {
    return null;
  }
}

/** Phase 1: the central directory only; nothing is inflated. */
export async function readZipDirectory(bytes: Uint8Array, limits: ZipLimits): Promise<ZipDirectory> {
  const zip = await openZip(bytes);
  if (!zip) return CORRUPT;
  try {
    if (zip.entryCount > limits.maxEntries) return tooLarge(limits);
    const entries: ZipEntrySummary[] = [];
    let declaredTotal = 0;
    for await (const entry of zip.eachEntry()) {
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > limits.maxUncompressedBytes) return tooLarge(limits);
      entries.push({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
    }
    return { ok: true, entries };
  } catch {
    return CORRUPT;
  } finally {
    zip.close();
  }
}

/** One ZIP entry's name and inflated content. */
export interface InflatedEntry {
  name: string;
  data: Buffer;
}

export type ZipInflation = { ok: true; uncompressedBytes: number; entries: InflatedEntry[] } | ZipRefusal;

/**
 * Inflates every file entry with a running count, and stops at the first sign of a bomb: an entry that
 * inflates past the size it declared, or a total past the limit. `keep` keeps the inflated entries (never
 * more than the limit in all), so that the reader parses them without inflating the file again.
 */
async function inflateWithin(bytes: Uint8Array, limits: ZipLimits, keep: boolean): Promise<ZipInflation> {
  const zip = await openZip(bytes);
  if (!zip) return CORRUPT;
  let total = 0;
  const entries: InflatedEntry[] = [];
  try {
    if (zip.entryCount > limits.maxEntries) return tooLarge(limits);
    for await (const entry of zip.eachEntry()) {
      if (entry.isEncrypted()) return { ok: false, code: 'FILE_ENCRYPTED' };
      if (!entry.canDecodeFileData()) return CORRUPT;
      if (total + entry.uncompressedSize > limits.maxUncompressedBytes) return tooLarge(limits);
      const stream: Readable = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      let entryBytes = 0;
      try {
        for await (const chunk of stream) {
          const length = (chunk as Buffer).length;
          entryBytes += length;
          total += length;
          // An entry that inflates past its declared size is lying about itself: a bomb, not a spreadsheet.
          if (entryBytes > entry.uncompressedSize || total > limits.maxUncompressedBytes) return tooLarge(limits);
          if (keep) chunks.push(chunk as Buffer);
        }
      } finally {
        stream.destroy();
      }
      if (entryBytes !== entry.uncompressedSize) return CORRUPT;
      if (keep && !entry.fileName.endsWith('/')) entries.push({ name: entry.fileName, data: Buffer.concat(chunks, entryBytes) });
    }
    return { ok: true, uncompressedBytes: total, entries };
  } catch {
    return CORRUPT;
  } finally {
    zip.close();
  }
}

/** Phase 2: inflate every entry, keeping only a byte count, and stop at the first sign of a bomb. */
export async function verifyZipInflation(bytes: Uint8Array, limits: ZipLimits): Promise<ZipVerification> {
  const inflated = await inflateWithin(bytes, limits, false);
  return inflated.ok ? { ok: true, uncompressedBytes: inflated.uncompressedBytes } : inflated;
}

/** Phase 2 for a file that will be read: the same checks, and the inflated entries kept for the reader. */
export function inflateZipWithin(bytes: Uint8Array, limits: ZipLimits): Promise<ZipInflation> {
  return inflateWithin(bytes, limits, true);
}

/** The content of one (small) entry, or null when it is absent, larger than `maxBytes` or unreadable. */
export async function readZipEntry(bytes: Uint8Array, name: string, maxBytes: number): Promise<Buffer | null> {
  const zip = await openZip(bytes);
  if (!zip) return null;
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== name) continue;
      if (entry.uncompressedSize > maxBytes || entry.isEncrypted() || !entry.canDecodeFileData()) return null;
      const stream: Readable = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      let length = 0;
      try {
        for await (const chunk of stream) {
          chunks.push(chunk as Buffer);
          length += (chunk as Buffer).length;
          if (length > maxBytes) return null;
        }
      } finally {
        stream.destroy();
      }
      return Buffer.concat(chunks);
    }
    return null;
  } catch {
    return null;
  } finally {
    zip.close();
  }
}
