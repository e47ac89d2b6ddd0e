/**
 * The one catalogue of what a user reads on more than one surface: the validator's verdict, the API's
 * refusals, the upload page, the centre's dashboard and the admin CLI. A sentence shown in two places lives
 * here once, so that a clerk, a staff member and a log of the CLI read the same words for the same fact.
 *
 * `{name}` marks a value filled in where the message is shown (`fillMessage` here; the browser pages use
 * their own copy, `web/static/messages.js`, generated from this table by `scripts/build-messages.ts` and
 * checked by test/unit/messages.test.ts). Text only a single surface shows (a button label, a progress
 * line) stays with that surface.
 */

export const MESSAGES = {
  // ── A file refused before or instead of being read (validator, API, upload page, dashboard) ───────────
  FILE_EMPTY: 'Tệp rỗng, không có nội dung. Vui lòng chọn đúng tệp danh sách rồi tải lên lại.',
  FILE_TOO_LARGE: 'Tệp quá lớn (tối đa {limit}). Vui lòng xóa các trang tính, hình ảnh không cần thiết rồi tải lên lại.',
  FILE_XLS_FORMAT:
    'Tệp ở định dạng Excel cũ (.xls) nên hệ thống không đọc được. Vui lòng mở tệp bằng Excel, chọn Tệp → Lưu thành (File → Save As), chọn kiểu "Sổ làm việc Excel (*.xlsx)", lưu lại dưới dạng .xlsx rồi tải lên lại.',
  FILE_WORD_DOCUMENT:
    'Đây là tệp Word, không phải bảng tính. Vui lòng chép bảng danh sách sang Excel (mẫu Phụ lục 2), lưu lại dưới dạng .xlsx rồi tải lên lại.',
  FILE_ODS_FORMAT:
    'Tệp ở định dạng OpenDocument (.ods). Vui lòng mở tệp, chọn Lưu thành (Save As), chọn kiểu Excel 2007-365 (.xlsx), lưu lại dưới dạng .xlsx rồi tải lên lại.',
  /** A kind the API will not presign, and the page will not send (by extension or content type). */
  UNSUPPORTED_TYPE:
    'Hệ thống chỉ nhận tệp Excel (.xlsx, .xlsm) hoặc .csv. Vui lòng nhập danh sách vào mẫu Phụ lục 2, lưu lại dưới dạng .xlsx rồi tải lên lại.',
  /** `{action}`: the label of the button that sends the file, on the page that shows the message. */
  NO_FILE: 'Vui lòng chọn tệp trước khi bấm “{action}”.',

  // ── Sending a file (upload page and dashboard: the same presigned POST to S3) ──────────────────────────
  UPLOAD_CANCELLED: 'Việc tải lên tệp này đã bị hủy nên tệp chưa được kiểm tra. Nếu cần, vui lòng chọn tệp và tải lên lại.',
  UPLOAD_NETWORK: 'Mất kết nối mạng trong khi tải lên. Vui lòng kiểm tra mạng rồi tải lên lại.',
  /** The presigned POST expired before the file arrived (a slow link); `{action}` as in NO_FILE. */
  UPLOAD_EXPIRED: 'Phiên tải lên đã hết hạn (mạng chậm). Vui lòng bấm “{action}” để thử lại.',
  // Clerks and the centre's staff both read this one: the centre's technical team is whom either asks.
  STORAGE_REFUSED:
    'Kho lưu trữ không nhận tệp. Vui lòng tải tệp lên lại; nếu vẫn không được, vui lòng báo bộ phận kỹ thuật của Trung tâm Phục vụ hành chính công tỉnh.',

  // ── Reaching the system (API, upload page, dashboard) ──────────────────────────────────────────────────
  OFFLINE: 'Chưa kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng rồi thử lại.',
  INTERNAL: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.',

  // ── Links and units (API, upload page, CLI) ────────────────────────────────────────────────────────────
  TOKEN_REVOKED:
    'Đường dẫn này đã bị thu hồi, không dùng được nữa. Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được cấp đường dẫn mới.',
  /** `{code}`: the unit code as typed (a code, never personal data). */
  UNKNOWN_UNIT_CODE:
    'Mã đơn vị "{code}" không phải huyện, thị xã, thành phố hoặc sở, ban, ngành của tỉnh. Ví dụ: 548 (Huyện Phù Cát), so-noi-vu (Sở Nội vụ).',
  /** `{holder}`: a unit's or the centre's name; `{revokedBefore}`: a date and time, Vietnam time. */
  LINKS_REVOKED: 'Đã thu hồi mọi đường dẫn tải lên cấp cho {holder} trước {revokedBefore} (giờ Việt Nam).',
  CENTRE_EMAIL_NOT_ALLOWED:
    'Địa chỉ thư này không có trong danh sách cán bộ Trung tâm được phép đăng nhập (CENTRE_EMAILS). Không tạo đường dẫn.',

  // ── The monthly report (dashboard, CLI) ────────────────────────────────────────────────────────────────
  /** `{period}`: "07/2021"; `{sentAt}`: a date and time, Vietnam time. */
  REPORT_ALREADY_SENT: 'Báo cáo tháng {period} đã được gửi lúc {sentAt}; không gửi lại.',

  // ── A unit's standing against a deadline (dashboard, report workbook, CLI status) ───────────────────────
  DEADLINE_ON_TIME: 'Đúng hạn',
  DEADLINE_LATE: 'Trễ hạn',
  DEADLINE_MISSING: 'Chưa nộp',

  // ── How an issue is labelled (upload page, dashboard, CLI) ─────────────────────────────────────────────
  SEVERITY_ERROR: 'Lỗi',
  SEVERITY_WARNING: 'Cảnh báo',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof MESSAGES;
export const MESSAGE_KEYS = Object.keys(MESSAGES) as MessageKey[];

/** The names of the `{placeholders}` of a message text, as a union of string literals. */
export type Placeholders<Text extends string> = Text extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

type FillValues<Key extends MessageKey> = Record<Placeholders<(typeof MESSAGES)[Key]>, string | number>;

/** The same rule as the pages' `fill`: `{name}` replaced by its value; an unknown name is left as written. */
export function fillText(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/**
 * The message `key` with its placeholders filled: the compiler asks for exactly the values its text names,
 * so a message is never shown with a `{limit}` left in it.
 */
export function fillMessage<Key extends MessageKey>(
  key: Key,
  ...values: Placeholders<(typeof MESSAGES)[Key]> extends never ? [] : [FillValues<Key>]
): string {
  const [given] = values;
  return given ? fillText(MESSAGES[key], given) : MESSAGES[key];
}
