/** The rosters the bench measures: valid officials of Huyện Phù Cát (548), distinct unless asked otherwise. */
import { buildRosterXlsx } from '../test/support/workbooks.js';

export const BENCH_UNIT = '548';
const UNIT_TEXTS = ['BPMC huyện Phù Cát', 'Bộ phận một cửa xã Cát Hanh', 'X. Cát Tài'] as const;

export interface BenchPerson {
  name: string;
  unit: string;
  idNumber: string;
  phone: string;
}

/** `count` people; with `onePhone`, every one of them gives the same mobile number (a duplicate on each row). */
export function benchPeople(count: number, options: { onePhone?: boolean } = {}): BenchPerson[] {
  return Array.from({ length: count }, (_, i) => ({
    name: 'Nguyễn Thị Hoà',
    unit: UNIT_TEXTS[i % UNIT_TEXTS.length] ?? UNIT_TEXTS[0],
    idNumber: `05218${i % 10}${String(i).padStart(6, '0')}`,
    phone: options.onePhone ? '0912345678' : `091${String(i).padStart(7, '0')}`,
  }));
}

/** The Appendix 2 workbook of these people, sent by UBND huyện Phù Cát. */
export function benchRoster(people: readonly BenchPerson[]): Promise<Uint8Array> {
  return buildRosterXlsx({ sender: 'UBND huyện Phù Cát', rows: people.map((p, i) => [i + 1, p.name, p.unit, p.idNumber, p.phone]) });
}
