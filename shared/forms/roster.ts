/**
 * The Appendix 2 roster form (Phụ lục 2 of the 2021 letter): the header labels people actually type for
 * each column, the template's sample rows, and the lines that start the signature block under the table.
 * All labels are compared after `foldHeader`, so case, diacritics, spaces, ":" "*" and a "(…)" note do not matter.
 */
import { foldText } from '../vn/text.js';

/** Header field → accepted labels. `nameFirst`/`nameLast` are the two halves of a split name column. */
export const ROSTER_HEADER_ALIASES = {
  rowNumber: ['STT', 'TT', 'Số TT'],
  name: ['Họ và tên', 'Họ tên', 'Tên'],
  nameFirst: ['Họ và tên đệm', 'Họ và đệm', 'Họ'],
  unit: ['Đơn vị', 'Nơi công tác', 'Đơn vị công tác', 'Cơ quan'],
  idNumber: ['CMND/CCCD', 'Số CCCD', 'CCCD', 'CMND', 'Số định danh'],
  phone: ['Số điện thoại', 'SĐT', 'Số ĐT', 'Điện thoại', 'Di động'],
} as const;

export type RosterHeaderField = keyof typeof ROSTER_HEADER_ALIASES;

/** Fold a header label: no case, no diacritics, no spaces, ":" or "*", and no parenthetical note. */
export function foldHeader(label: string): string {
  return foldText(label.replace(/\([^)]*\)/g, ''))
    .replace(/[\s:*]/g, '');
}

const FOLDED_ALIASES: ReadonlyMap<string, RosterHeaderField> = new Map(
  (Object.entries(ROSTER_HEADER_ALIASES) as [RosterHeaderField, readonly string[]][]).flatMap(([field, labels]) =>
    labels.map((label) => [foldHeader(label), field] as const),
  ),
);

/** The header field a cell's text names, or undefined. "Tên" alone is `name`; beside a `nameFirst` column it is the given name. */
export function headerFieldOf(label: string): RosterHeaderField | undefined {
  return FOLDED_ALIASES.get(foldHeader(label));
}

/** The template's own sample rows (rows 1–3 of Appendix 2): skipped when they carry no ID and no phone. */
export const SAMPLE_NAMES = ['Nguyễn Văn A', 'Nguyễn Văn B', 'Lê Văn C'] as const;
export const SAMPLE_UNITS = ['BPMC huyện A', 'BPMC xã B'] as const;

/** Signing titles that open the signature block under the table (compared folded, whole cell). */
export const FOOTER_TITLES = [
  'Người lập biểu',
  'Người lập',
  'Người lập bảng',
  'Chủ tịch',
  'KT. Chủ tịch',
  'TM. Ủy ban nhân dân',
  'TM. UBND',
  'Phó Chủ tịch',
  'Thủ trưởng đơn vị',
  'Thủ trưởng cơ quan',
  'Nơi nhận',
  'Nơi nhận:',
  'Giám đốc',
  'KT. Giám đốc',
  'Phó Giám đốc',
  'Chánh Văn phòng',
] as const;

/** "Phù Cát, ngày 20 tháng 6 năm 2021", "ngày … tháng … năm …" — a place-and-date line. */
export const PLACE_AND_DATE_LINE = /(^|[\s,])ngay\b.*\bthang\b.*\bnam\b/;

/** The line above the table that names the sender: "Đơn vị cung cấp: UBND huyện …". */
export const SENDER_LABEL = /^\s*don vi cung cap\s*:?\s*/;
