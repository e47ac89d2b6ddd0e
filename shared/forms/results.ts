/**
 * The monthly results form ("Kết quả hỗ trợ tạo tài khoản công dân tháng MM/YYYY"): per official, the
 * citizen accounts created in the month. The centre's portal statistics and a unit's own return use it;
 * the layout of the portal's download is not known, so the table is found by its labels, as a roster is.
 */
import * as z from 'zod';
import type { TableSpec } from '../workbook/find-table.js';

/** Header field → accepted labels (compared folded: case, diacritics, spaces, ":" "*" and "(…)" ignored). */
export const RESULTS_HEADER_ALIASES = {
  rowNumber: ['STT', 'TT', 'Số TT'],
  name: ['Họ và tên', 'Họ tên', 'Tên cán bộ', 'Tên'],
  nameFirst: ['Họ và tên đệm', 'Họ và đệm', 'Họ'],
  idNumber: ['CMND/CCCD', 'Số CCCD', 'CCCD', 'CMND', 'Số định danh', 'Số CMND/CCCD'],
  phone: ['Số điện thoại', 'SĐT', 'Số ĐT', 'Điện thoại', 'Di động'],
  count: ['Số tài khoản đã tạo', 'Số tài khoản công dân đã tạo', 'Số lượng tài khoản', 'Số TK tạo mới', 'Số lượng'],
} as const;

export const RESULTS_TABLE: TableSpec = {
  aliases: RESULTS_HEADER_ALIASES,
  // An official is named by ID number or mobile number or both; the count is the point of the form.
  required: [['idNumber', 'phone'], ['count']],
  requiredLabels: { idNumber: 'CMND/CCCD', phone: 'Số điện thoại', count: 'Số tài khoản đã tạo' },
  minGroupsForPartialHeader: 1,
  noTableCode: 'RESULTS_NO_TABLE',
  missingColumnsCode: 'RESULTS_MISSING_COLUMNS',
};

/** Accounts one official can plausibly create in a month; above it the figure is taken for a typing error. */
export const MAX_ACCOUNTS_PER_MONTH = 10_000;

/** One accepted row, as the processing step takes it. */
export const resultsRowSchema = z
  .object({
    row: z.number().int().positive(),
    name: z.string().nullable(),
    idNumber: z.string().regex(/^(\d{9}|\d{12})$/).nullable(),
    phone: z.string().regex(/^0\d{9}$/).nullable(),
    count: z.number().int().min(0).max(MAX_ACCOUNTS_PER_MONTH),
  })
  .refine((row) => row.idNumber !== null || row.phone !== null, { message: 'an ID number or a phone number' });
export type ResultsRowValues = z.infer<typeof resultsRowSchema>;

/**
 * A month named in a title line: "tháng 07/2021", "tháng 7/2021", "tháng 7 năm 2021", "tháng 07-2021"
 * (text already folded: lower case, no diacritics). Group 1 the month, group 2 the year.
 */
export const TITLE_MONTH = /\bthang\s*(\d{1,2})\s*(?:[/.-]|\s+nam\s+)\s*(\d{4})\b/;
