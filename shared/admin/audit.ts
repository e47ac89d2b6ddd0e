/**
 * The audit trail of the dashboard: who did what, when. Entries name units, forms, periods and counts,
 * never an ID or phone number (the detail schema has no field that could hold one).
 */
import * as z from 'zod';
import { UPLOAD_ID_PATTERN } from '../pipeline/uploads.js';
import { UPLOAD_FORMS } from '../tokens.js';

export const AUDIT_ACTIONS = {
  'signed-in': 'Đăng nhập',
  'link-issued': 'Cấp đường dẫn tải lên',
  'link-sent': 'Gửi đường dẫn qua thư điện tử',
  'link-revoked': 'Thu hồi đường dẫn',
  'grants-imported': 'Nhập danh sách đã phân quyền',
  'statistics-uploaded': 'Tải lên số liệu của Trung tâm',
  'export-downloaded': 'Tải danh sách toàn tỉnh',
  'report-sent': 'Gửi báo cáo tháng',
  'reminders-sent': 'Gửi thư nhắc',
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]];

export const auditDetailSchema = z.strictObject({
  /** Unit codes concerned (one, or every unit of an "all" action). */
  units: z.array(z.string().max(64)).max(200).optional(),
  form: z.enum(UPLOAD_FORMS).optional(),
  period: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  count: z.number().int().nonnegative().optional(),
  /** The upload a file-sending action started (grants, statistics): the audit view shows its verdict beside it. */
  uploadId: z.string().regex(UPLOAD_ID_PATTERN).optional(),
});
export type AuditDetail = z.infer<typeof auditDetailSchema>;

export interface AuditEntry {
  at: string;
  actor: string;
  action: AuditAction;
  detail: AuditDetail;
}
