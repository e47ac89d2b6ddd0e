/** Many units to a DynamoDB item: the blocks the report keeps must stay under the item limit and lose nothing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_MAX_BYTES, packJson } from '../../../shared/store/reports.js';

/** DynamoDB's item limit: attribute names and values, keys included. */
const DYNAMODB_ITEM_MAX_BYTES = 400 * 1024;

describe('packing kept figures into blocks', () => {
  it('keeps every item, in order, each block a JSON array within the limit', () => {
    const entry = fc.record({
      unit: fc.string({ maxLength: 12 }),
      name: fc.string({ unit: 'grapheme', maxLength: 30 }),
      count: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 300 }), fc.integer({ min: 64, max: 4_000 }), (items, maxBytes) => {
        const blocks = packJson(items, maxBytes);
        expect(blocks.flatMap((block) => JSON.parse(block) as unknown[])).toEqual(items);
        for (const block of blocks) {
          const parsed = JSON.parse(block) as unknown[];
          // Only an item larger than the limit by itself may get a larger block, alone.
          if (parsed.length > 1) expect(Buffer.byteLength(block)).toBeLessThanOrEqual(maxBytes);
        }
      }),
    );
  });

  it('fits a national month (10,000 units) into a handful of items under the DynamoDB limit', () => {
    const units = Array.from({ length: 10_000 }, (_, index) => ({
      unit: `N${String(index).padStart(5, '0')}`,
      month: { accountsCreated: 123, byWorkUnit: { [`N${index}`]: 123 }, firstReceivedAt: '2023-07-03T03:00:00.000Z' },
      cumulative: { accountsCreated: 4567, byWorkUnit: { [`N${index}`]: 4567 } },
    }));
    const blocks = packJson(units);
    expect(blocks.length).toBeLessThanOrEqual(8);
    for (const block of blocks) expect(Buffer.byteLength(block)).toBeLessThanOrEqual(Math.min(BLOCK_MAX_BYTES, DYNAMODB_ITEM_MAX_BYTES - 1024));
  });
});
