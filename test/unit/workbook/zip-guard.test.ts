/** Decompression bombs and broken ZIPs are refused before (and while) anything inflates them. */
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '../../../shared/workbook/read.js';
import { formatMegabytes, readZipDirectory, verifyZipInflation } from '../../../shared/workbook/zip-guard.js';
import { buildRosterXlsx, buildZip, unzipEntries, type ZipEntrySpec } from '../../support/workbooks.js';

const MIB = 1024 * 1024;
const LIMITS = { maxUncompressedBytes: 50 * MIB, maxEntries: 10_000 };

/** The parts that make a ZIP look like an .xlsx, so the guard is what stops it, not format sniffing. */
const XLSX_MARKERS: ZipEntrySpec[] = [
  { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
  { name: 'xl/workbook.xml', data: '<?xml version="1.0"?><workbook/>' },
];

const zeros = (bytes: number) => new Uint8Array(bytes);

describe('decompression bombs', () => {
  it('refuses an entry that declares more than 50 MB, before inflating anything', async () => {
    const bomb = buildZip([...XLSX_MARKERS, { name: 'xl/worksheets/sheet1.xml', data: zeros(60 * MIB) }]);
    expect(bomb.byteLength).toBeLessThan(1 * MIB);
    expect(await readZipDirectory(bomb, LIMITS)).toEqual({ ok: false, code: 'FILE_CONTENT_TOO_LARGE', params: { limit: '50 MB' } });
    expect(await readWorkbook(bomb, 'bom.xlsx')).toEqual({ ok: false, code: 'FILE_CONTENT_TOO_LARGE', params: { limit: '50 MB' } });
  });

  it('refuses many entries whose declared sizes add up to more than 50 MB', async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `xl/media/image${i}.bin`, data: zeros(9 * MIB) }));
    expect(await readWorkbook(buildZip([...XLSX_MARKERS, ...entries]), 'bom.xlsx')).toMatchObject({ code: 'FILE_CONTENT_TOO_LARGE' });
  });

  it('stops an entry that inflates far beyond the small size it declares', async () => {
    const liar = buildZip([...XLSX_MARKERS, { name: 'xl/worksheets/sheet1.xml', data: zeros(60 * MIB), declaredSize: 1000 }]);
    expect(await readZipDirectory(liar, LIMITS)).toMatchObject({ ok: true });
    expect(await verifyZipInflation(liar, LIMITS)).toEqual({ ok: false, code: 'FILE_CONTENT_TOO_LARGE', params: { limit: '50 MB' } });
    expect(await readWorkbook(liar, 'bom.xlsx')).toMatchObject({ ok: false, code: 'FILE_CONTENT_TOO_LARGE' });
  });

  it('stops at the total limit it was given, even when every entry is honest', async () => {
    const zip = buildZip([...XLSX_MARKERS, { name: 'a.bin', data: zeros(3 * MIB) }, { name: 'b.bin', data: zeros(3 * MIB) }]);
    const small = { maxUncompressedBytes: 5 * MIB, maxEntries: 10_000 };
    expect(await verifyZipInflation(zip, small)).toEqual({ ok: false, code: 'FILE_CONTENT_TOO_LARGE', params: { limit: '5 MB' } });
    expect(await readWorkbook(zip, 'x.xlsx', { maxUncompressedBytes: 5 * MIB })).toMatchObject({ code: 'FILE_CONTENT_TOO_LARGE' });
  });

  it('refuses more than 10,000 entries', async () => {
    const entries = Array.from({ length: 10_001 }, (_, i) => ({ name: `x/${i}`, data: '', method: 'store' as const }));
    expect(await readWorkbook(buildZip([...XLSX_MARKERS, ...entries]), 'x.xlsx')).toMatchObject({ code: 'FILE_CONTENT_TOO_LARGE' });
  });
});

describe('broken ZIPs', () => {
  it('calls an entry that inflates to less than it declares corrupt', async () => {
    const zip = buildZip([...XLSX_MARKERS, { name: 'xl/styles.xml', data: 'abc', declaredSize: 500 }]);
    expect(await verifyZipInflation(zip, LIMITS)).toEqual({ ok: false, code: 'FILE_CORRUPT' });
  });

  it('calls a truncated ZIP corrupt', async () => {
    const bytes = await buildRosterXlsx();
    expect(await readWorkbook(bytes.subarray(0, bytes.byteLength - 100), 'x.xlsx')).toEqual({ ok: false, code: 'FILE_CORRUPT' });
  });

  it('calls garbage in a deflated entry corrupt', async () => {
    const zip = buildZip([...XLSX_MARKERS, { name: 'xl/styles.xml', data: 'x'.repeat(2000) }]);
    const entries = await unzipEntries(zip);
    expect(entries.get('xl/styles.xml')?.length).toBe(2000);
    // Overwrite the deflated bytes of the last entry with 0xFF: an invalid deflate block.
    const broken = new Uint8Array(zip);
    const dataStart = Buffer.from(broken).indexOf(Buffer.from('xl/styles.xml')) + 'xl/styles.xml'.length;
    broken.fill(0xff, dataStart, dataStart + 8);
    expect(await verifyZipInflation(broken, LIMITS)).toEqual({ ok: false, code: 'FILE_CORRUPT' });
  });
});

describe('an ordinary workbook', () => {
  it('passes both phases and reports what it inflates to', async () => {
    const bytes = await buildRosterXlsx({ rows: [[1, 'Lê Văn An', 'BPMC xã Cát Hanh', '052089001234', '0366432390']] });
    const directory = await readZipDirectory(bytes, LIMITS);
    expect(directory.ok && directory.entries.map((e) => e.name)).toContain('xl/workbook.xml');
    const verified = await verifyZipInflation(bytes, LIMITS);
    expect(verified.ok && verified.uncompressedBytes).toBeGreaterThan(1000);
  });
});

describe('formatMegabytes', () => {
  it.each([
    [5 * MIB, '5 MB'],
    [50 * MIB, '50 MB'],
    [2.5 * MIB, '2,5 MB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatMegabytes(bytes)).toBe(text);
  });
});
