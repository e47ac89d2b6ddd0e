/**
 * The permission-grants form: the centre's record of the day each official got the portal's
 * "create citizen accounts" permission (step 3 of the letter). Usually the roster export handed back with
 * "Ngày phân quyền" filled in, but any list typed by hand with an ID column and that date column works.
 */
import * as z from 'zod';
import type { TableSpec } from '../workbook/find-table.js';

export const GRANT_DATE_LABEL = 'Ngày phân quyền';

export const GRANTS_HEADER_ALIASES = {
  rowNumber: ['STT', 'TT', 'Số TT'],
  name: ['Họ và tên', 'Họ tên', 'Tên'],
  nameFirst: ['Họ và tên đệm', 'Họ và đệm', 'Họ'],
  // The export's first unit column is the uploader; a hand-made list names either, both are accepted.
  unit: ['Đơn vị', 'Đơn vị gửi danh sách', 'Nơi làm việc', 'Nơi công tác', 'Đơn vị công tác', 'Cơ quan'],
  idNumber: ['CMND/CCCD', 'Số CCCD', 'CCCD', 'CMND', 'Số định danh', 'Số CMND/CCCD'],
  phone: ['Số điện thoại', 'SĐT', 'Số ĐT', 'Điện thoại', 'Di động'],
  grantedAt: [GRANT_DATE_LABEL, 'Ngày cấp quyền', 'Ngày được phân quyền', 'Ngày phân quyền tạo tài khoản'],
} as const;

export const GRANTS_TABLE: TableSpec = {
  aliases: GRANTS_HEADER_ALIASES,
  required: [['idNumber'], ['grantedAt']],
  requiredLabels: { idNumber: 'CMND/CCCD', grantedAt: GRANT_DATE_LABEL },
  minGroupsForPartialHeader: 1,
  noTableCode: 'GRANTS_NO_TABLE',
  missingColumnsCode: 'GRANTS_MISSING_COLUMNS',
};

/** The portal permission did not exist before the letter: a grant dated earlier is a typing error. */
export const EARLIEST_GRANT_DATE = '2021-06-01';

/** One accepted grant row, as the processing step takes it. */
export const grantRowSchema = z.object({
  row: z.number().int().positive(),
  idNumber: z.string().regex(/^(\d{9}|\d{12})$/),
  grantedAt: z.iso.date(),
  name: z.string().nullable(),
  unit: z.string().nullable(),
  phone: z.string().nullable(),
});
export type GrantRowValues = z.infer<typeof grantRowSchema>;
