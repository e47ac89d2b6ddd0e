/** Properties: readWorkbook never throws, whatever it is given; CSV text round-trips cell for cell. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ISSUES } from '../../../shared/issues.js';
import { readWorkbook } from '../../../shared/workbook/read.js';
import { buildCsv, buildRosterXlsx, OLE2_MAGIC } from '../../support/workbooks.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const fileNames = fc.constantFrom('ds.xlsx', 'ds.csv', 'ds.xls', 'ds.doc', 'ds', 'ds.xlsm');

async function neverThrows(bytes: Uint8Array, name: string): Promise<void> {
  const result = await readWorkbook(bytes, name);
  if (!result.ok) expect(Object.keys(ISSUES)).toContain(result.code);
}

describe('readWorkbook on hostile bytes', () => {
  it.each([
    ['random bytes', []],
    ['random bytes after the ZIP magic', ZIP_MAGIC],
    ['random bytes after the OLE2 magic', [...OLE2_MAGIC]],
  ])('answers a result, never an exception, for %s', async (_, prefix) => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fileNames, async (tail, name) => {
        await neverThrows(new Uint8Array([...prefix, ...tail]), name);
      }),
    );
  });

  it('answers a result for a real .xlsx with bytes overwritten or cut off', async () => {
    const original = await buildRosterXlsx({ rows: [[1, 'Lê Văn An', 'BPMC xã Cát Hanh', 52089001234, 366432390]] });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.integer({ min: 1, max: original.length }),
        async (patches, length) => {
          const damaged = new Uint8Array(original.subarray(0, length));
          for (const [offset, byte] of patches) if (offset < damaged.length) damaged[offset] = byte;
          await neverThrows(damaged, 'ds.xlsx');
        },
      ),
    );
  });

  it('answers a result for random text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 2000 }), fileNames, async (text, name) => {
        await neverThrows(new Uint8Array(Buffer.from(text, 'utf8')), name);
      }),
    );
  });
});

describe('CSV round trip', () => {
  // Any text a clerk could type in a cell, passed through as typed (not even NFC: the validator cleans it).
  // An all-blank cell reads as empty, so cells here are not blank.
  const cellText = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
    .map((text) => text.trim())
    .filter((text) => text !== '');

  it('reads back every quoted cell as the same text, on the line it starts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellText, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(',' as const, ';' as const, '\t' as const),
        async (rows, delimiter) => {
          const result = await readWorkbook(buildCsv(rows, { delimiter, quote: 'all', bom: true }), 'ds.csv');
          if (!result.ok) throw new Error(result.code);
          const sheet = result.workbook.sheets[0];
          expect(sheet?.rows.map((r) => r.cells.map((c) => c?.text))).toEqual(rows);
          expect(sheet?.rows.every((r) => r.cells.every((c) => c?.numeric === false))).toBe(true);
        },
      ),
    );
  });
});
