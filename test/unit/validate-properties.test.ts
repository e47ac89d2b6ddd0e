/** Properties of the whole engine: valid rosters pass however they are laid out; nothing throws. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../../shared/validate.js';
import { unitsInScope } from '../../shared/vn/units.js';
import { buildRosterXlsx, type CellInput } from '../support/workbooks.js';

const NOW = new Date('2021-06-24T03:00:00Z');
const UPLOADER = '548'; // Huyện Phù Cát

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Ngọc', 'Minh', 'Thanh', 'Quốc', 'Thuỳ', 'Đức'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hoà', 'Hạnh', 'Khoa', 'Lộc', 'Nghĩa', 'Phượng', 'Thuỷ', 'Xuân', 'Yến'];
const MOBILE = ['032', '038', '070', '081', '086', '090', '091', '094', '096', '097', '098'];

/** A valid official: name, a unit of Phù Cát written as the catalogue does, a 12-digit CCCD, a mobile number. */
const official = fc.record({
  name: fc.tuple(fc.constantFrom(...FAMILY), fc.constantFrom(...MIDDLE), fc.constantFrom(...GIVEN)).map((p) => p.join(' ')),
  unit: fc.constantFrom(...unitsInScope(UPLOADER).map((u) => u.name)).chain((name) =>
    fc.constantFrom(name, `BPMC ${name}`, `Bộ phận một cửa ${name}`, `UBND ${name}`),
  ),
  // Born 1960–1999: 0/1 for the 1900s, then the year; province 052 (Bình Định) or another real code.
  idHead: fc.tuple(fc.constantFrom('052', '001', '079'), fc.constantFrom('0', '1'), fc.integer({ min: 60, max: 99 })),
  phonePrefix: fc.constantFrom(...MOBILE),
});

const COLUMN_ORDERS = fc.shuffledSubarray(['name', 'unit', 'idNumber', 'phone', 'note'] as const, { minLength: 5, maxLength: 5 });
const HEADER_LABEL = { name: 'Họ và tên', unit: 'Đơn vị', idNumber: 'CMND/CCCD', phone: 'Số điện thoại', note: 'Ghi chú' } as const;

describe('validate, as a property', () => {
  it('accepts any roster of valid, distinct officials, whatever the column order, title block and sheet position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(official, { minLength: 1, maxLength: 12 }),
        COLUMN_ORDERS,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (people, order, titleRows, withRowNumbers, onSecondSheet) => {
          const rows: CellInput[][] = people.map((p, i) => {
            const values = {
              name: p.name,
              unit: p.unit,
              idNumber: `${p.idHead[0]}${p.idHead[1]}${p.idHead[2]}${String(i).padStart(6, '0')}`,
              phone: `${p.phonePrefix}${String(i).padStart(7, '0')}`,
              note: i % 2 ? 'Công chức' : null,
            };
            return [...(withRowNumbers ? [i + 1] : []), ...order.map((column) => values[column])];
          });
          const header = [...(withRowNumbers ? ['STT'] : []), ...order.map((column) => HEADER_LABEL[column])];
          const bytes = await buildRosterXlsx({
            titleRows,
            sender: titleRows ? 'UBND huyện Phù Cát' : null,
            header,
            rows,
            ...(onSecondSheet ? { sheetsBefore: [{ name: 'Hướng dẫn', rows: [['Điền danh sách ở trang sau']] }] } : {}),
          });
          const verdict = await validate(bytes, { unit: UPLOADER, form: 'roster', fileName: 'ds.xlsx', now: NOW });
          expect(verdict.issues.filter((i) => i.severity === 'error')).toEqual([]);
          expect(verdict.accepted).toBe(true);
          expect(verdict.rows).toHaveLength(people.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never throws on random bytes, and rejects them with a file-level issue', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('a.xlsx', 'a.csv', 'a.xls', 'a'), async (bytes, fileName) => {
        const verdict = await validate(bytes, { unit: UPLOADER, form: 'roster', fileName, now: NOW });
        expect(verdict.accepted).toBe(false);
        expect(verdict.issues.some((i) => i.row === null && i.severity === 'error')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on random text typed into every cell of a roster', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.oneof(fc.string(), fc.integer(), fc.double()), { minLength: 5, maxLength: 5 }), { maxLength: 8 }), async (rows) => {
        const bytes = await buildRosterXlsx({ rows });
        const verdict = await validate(bytes, { unit: UPLOADER, form: 'roster', fileName: 'ds.xlsx', now: NOW });
        expect(typeof verdict.accepted).toBe('boolean');
      }),
      { numRuns: 60 },
    );
  });
});
