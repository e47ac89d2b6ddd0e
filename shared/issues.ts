/**
 * Every issue the validator can report: a stable UPPER_SNAKE code (APIs, tests and the annotated workbook
 * rely on it), a severity, and the Vietnamese message a district clerk reads. Messages say what is wrong
 * and how to fix it; they never repeat an ID or phone number in full (the annotated cell already shows it).
 */
import { fillMessage, MESSAGES } from './messages.js';

export interface IssueParams {
  /** The offending text, when it is safe to show (never an ID or phone number). */
  value?: string;
  /** Closest known units, shown as suggestions. */
  candidates?: readonly string[];
  /** Rows that share a duplicate value (a bounded few of them). */
  rows?: readonly number[];
  /** How many more rows share it beyond those listed in `rows`. */
  moreRows?: number;
  /** A limit or an expected form ("5 MB", "12 chữ số"). */
  limit?: string;
  /** What a value was read as, or converted to, where it is not personal data (a name, a unit). */
  result?: string;
  /** Free detail, such as a unit name, for messages that need one. */
  detail?: string;
}

type Entry = { readonly severity: 'error' | 'warning'; readonly message: (p: IssueParams) => string };

const suggest = (p: IssueParams) =>
  p.candidates && p.candidates.length > 0 ? ` Có phải ý bạn là: ${p.candidates.join('; ')}?` : '';
const quoted = (p: IssueParams) => (p.value ? ` "${p.value}"` : '');
const moreRows = (p: IssueParams) => (p.moreRows && p.moreRows > 0 ? ` và ${p.moreRows.toLocaleString('vi-VN')} dòng khác` : '');
const otherRows = (p: IssueParams) => (p.rows && p.rows.length > 0 ? ` (dòng ${p.rows.join(', ')}${moreRows(p)})` : '');

export const ISSUES = {
  // ── The file as a whole ──────────────────────────────────────────────────────────────────────────────
  // The page and the API refuse these too, before any upload: the words come from the shared catalogue.
  FILE_EMPTY: { severity: 'error', message: () => MESSAGES.FILE_EMPTY },
  FILE_TOO_LARGE: { severity: 'error', message: (p) => fillMessage('FILE_TOO_LARGE', { limit: p.limit ?? '5 MB' }) },
  FILE_XLS_FORMAT: { severity: 'error', message: () => MESSAGES.FILE_XLS_FORMAT },
  FILE_WORD_DOCUMENT: { severity: 'error', message: () => MESSAGES.FILE_WORD_DOCUMENT },
  FILE_ODS_FORMAT: { severity: 'error', message: () => MESSAGES.FILE_ODS_FORMAT },
  FILE_UNSUPPORTED: {
    severity: 'error',
    message: () =>
      'Không nhận dạng được tệp: đây không phải là bảng tính Excel (.xlsx) hoặc tệp .csv. Vui lòng nhập danh sách vào mẫu Phụ lục 2, lưu lại dưới dạng .xlsx rồi tải lên lại.',
  },
  FILE_CORRUPT: {
    severity: 'error',
    message: () =>
      'Tệp bị hỏng hoặc không mở được. Vui lòng mở lại tệp bằng Excel để kiểm tra, lưu lại dưới dạng .xlsx rồi tải lên lại.',
  },
  FILE_ENCRYPTED: {
    severity: 'error',
    message: () => 'Tệp đang được đặt mật khẩu nên hệ thống không đọc được. Vui lòng gỡ mật khẩu, lưu lại dưới dạng .xlsx rồi tải lên lại.',
  },
  FILE_CONTENT_TOO_LARGE: {
    severity: 'error',
    message: (p) =>
      `Nội dung tệp sau khi giải nén vượt quá giới hạn cho phép (${p.limit ?? '50 MB'}). Tệp có thể bị lỗi hoặc không phải danh sách cán bộ. Vui lòng chỉ giữ lại bảng danh sách rồi tải lên lại.`,
  },
  FILE_CSV_ENCODING: {
    severity: 'error',
    message: () =>
      'Tệp .csv không ở bảng mã UTF-8 nên chữ tiếng Việt bị lỗi. Vui lòng lưu lại bằng Excel với kiểu "CSV UTF-8 (Comma delimited)" hoặc dưới dạng .xlsx rồi tải lên lại.',
  },
  FILE_TOO_MANY_ROWS: {
    severity: 'error',
    message: (p) => `Danh sách có quá nhiều dòng (tối đa ${p.limit ?? '20.000'} dòng dữ liệu). Vui lòng kiểm tra lại tệp hoặc chia thành nhiều tệp.`,
  },
  FILE_NO_TABLE: {
    severity: 'error',
    message: () =>
      'Không tìm thấy bảng danh sách theo mẫu Phụ lục 2. Bảng cần có dòng tiêu đề với các cột "Họ và tên", "Đơn vị", "CMND/CCCD" và "Số điện thoại".',
  },
  FILE_MISSING_COLUMNS: {
    severity: 'error',
    message: (p) =>
      `Bảng danh sách thiếu cột: ${p.detail ?? ''}. Vui lòng dùng đúng mẫu Phụ lục 2 (Họ và tên, Đơn vị, CMND/CCCD, Số điện thoại).`,
  },
  FILE_NO_DATA_ROWS: {
    severity: 'error',
    message: () =>
      'Danh sách không có dòng dữ liệu nào (chỉ có tiêu đề, dòng mẫu hoặc dòng trống). Vui lòng điền thông tin cán bộ rồi tải lên lại.',
  },
  SENDER_OUT_OF_SCOPE: {
    severity: 'error',
    message: (p) =>
      `Dòng "Đơn vị cung cấp" ghi${quoted(p)}, không phải đơn vị được cấp đường dẫn tải lên này${p.detail ? ` (${p.detail})` : ''}. Vui lòng tải lên đúng danh sách của đơn vị mình.`,
  },
  SENDER_UNKNOWN: {
    severity: 'warning',
    message: () =>
      'Dòng "Đơn vị cung cấp" chưa ghi tên đơn vị (hoặc ghi không rõ). Nên ghi rõ, ví dụ "Đơn vị cung cấp: UBND huyện Phù Cát".',
  },
  LEGACY_ENCODING_CONVERTED: {
    severity: 'warning',
    message: (p) =>
      `Chữ được gõ bằng bảng mã cũ (${p.detail ?? 'TCVN3'}) và đã được chuyển sang Unicode thành${p.result ? ` "${p.result}"` : ''}. Vui lòng kiểm tra lại; lần sau nên gõ bằng bảng mã Unicode (phông Times New Roman).`,
  },

  // ── Rows ─────────────────────────────────────────────────────────────────────────────────────────────
  SAMPLE_ROW_SKIPPED: {
    severity: 'warning',
    message: () => 'Đây là dòng mẫu của biểu mẫu (Nguyễn Văn A, Nguyễn Văn B, Lê Văn C) nên đã được bỏ qua. Nên xóa các dòng mẫu khỏi danh sách.',
  },

  NAME_REQUIRED: { severity: 'error', message: () => 'Chưa ghi họ và tên. Vui lòng ghi đầy đủ họ và tên cán bộ.' },
  NAME_INVALID: {
    severity: 'error',
    message: (p) =>
      `Họ và tên${quoted(p)} không hợp lệ: chỉ được có chữ cái và khoảng trắng, không có chữ số hay ký hiệu. Vui lòng ghi lại họ và tên đúng như trên CCCD.`,
  },
  NAME_FORMULA: {
    severity: 'error',
    message: () =>
      'Ô họ và tên bắt đầu bằng ký tự =, +, - hoặc @ hoặc chứa đường dẫn web. Vui lòng chỉ ghi họ và tên cán bộ.',
  },

  UNIT_REQUIRED: {
    severity: 'error',
    message: () => 'Chưa ghi đơn vị công tác. Vui lòng ghi bộ phận một cửa nơi cán bộ làm việc, ví dụ "BPMC xã Cát Hanh".',
  },
  UNIT_UNKNOWN: {
    severity: 'error',
    message: (p) => `Không nhận ra đơn vị${quoted(p)}.${suggest(p)} Vui lòng ghi đúng tên xã, phường, thị trấn hoặc huyện.`,
  },
  UNIT_OUT_OF_SCOPE: {
    severity: 'error',
    message: (p) =>
      `Đơn vị${quoted(p)}${p.candidates && p.candidates.length > 0 ? ` là ${p.candidates.join(' hoặc ')},` : ''} không thuộc phạm vi của đơn vị gửi danh sách${p.detail ? ` (${p.detail})` : ''}. Mỗi đơn vị chỉ gửi danh sách cán bộ của mình (huyện, thị xã, thành phố gửi cả các xã, phường, thị trấn trực thuộc); cán bộ của đơn vị khác do đơn vị đó gửi. Nếu ghi nhầm tên, vui lòng sửa lại.`,
  },
  UNIT_AMBIGUOUS: {
    severity: 'error',
    message: (p) => `Tên đơn vị${quoted(p)} chưa rõ là đơn vị nào.${suggest(p)} Vui lòng ghi rõ "huyện", "xã", "phường" hoặc "thị trấn".`,
  },
  UNIT_INEXACT: {
    severity: 'warning',
    message: (p) =>
      `Đơn vị${quoted(p)} được hiểu là "${p.result ?? ''}". Vui lòng kiểm tra lại và ghi đúng tên có dấu, đúng loại đơn vị.`,
  },

  ID_REQUIRED: { severity: 'error', message: () => 'Chưa ghi số CMND/CCCD. Vui lòng ghi số CCCD (12 chữ số) hoặc CMND (9 chữ số).' },
  ID_NOT_DIGITS: {
    severity: 'error',
    message: () => 'Số CMND/CCCD chỉ được có chữ số. Vui lòng ghi lại số CCCD (12 chữ số) hoặc CMND (9 chữ số).',
  },
  ID_LENGTH: {
    severity: 'error',
    message: (p) =>
      `Số CMND/CCCD có ${p.detail ?? 'số'} chữ số, không đúng: CCCD có 12 chữ số, CMND có 9 chữ số. Vui lòng kiểm tra lại (có thể thiếu hoặc thừa một chữ số).`,
  },
  ID_PROVINCE_CODE: {
    severity: 'error',
    message: () =>
      'Số CCCD không đúng: 3 chữ số đầu phải là mã tỉnh nơi đăng ký khai sinh (ví dụ 052 là Bình Định). Vui lòng kiểm tra lại.',
  },
  ID_BIRTH_YEAR: {
    severity: 'error',
    message: () =>
      'Số CCCD không đúng: chữ số thứ 4 đến 6 (giới tính và năm sinh) cho thấy người này chưa đủ 18 tuổi hoặc quá 100 tuổi. Vui lòng kiểm tra lại.',
  },
  ID_LEADING_ZERO_RESTORED: {
    severity: 'warning',
    message: () =>
      'Số CMND/CCCD được nhập dạng số nên mất chữ số 0 ở đầu; hệ thống đã tự thêm lại. Lần sau nên định dạng cột này là Văn bản (Text).',
  },
  ID_DUPLICATE: {
    severity: 'error',
    message: (p) => `Số CMND/CCCD này bị trùng với dòng khác${otherRows(p)}. Mỗi người chỉ ghi một lần; vui lòng kiểm tra lại.`,
  },
  // Never names the other unit: the clerk may learn only that this same person is listed elsewhere.
  ID_ON_OTHER_ROSTER: {
    severity: 'warning',
    message: () =>
      'Người có cùng họ tên và số CMND/CCCD này cũng có trong danh sách hiện hành của một đơn vị khác. Nếu cán bộ đã chuyển công tác, vui lòng báo Trung tâm Phục vụ hành chính công tỉnh để cập nhật.',
  },

  PHONE_REQUIRED: {
    severity: 'error',
    message: () => 'Chưa ghi số điện thoại di động. Cổng Dịch vụ công quốc gia gửi mã OTP đến số này nên bắt buộc phải có.',
  },
  PHONE_INVALID: {
    severity: 'error',
    message: () =>
      'Số điện thoại không đúng: số di động có 10 chữ số, bắt đầu bằng 0 (ví dụ 0912 345 678). Vui lòng kiểm tra lại.',
  },
  PHONE_NOT_MOBILE: {
    severity: 'error',
    message: () =>
      'Đây không phải số điện thoại di động (có thể là số máy bàn) nên không nhận được mã OTP. Vui lòng ghi số di động chính chủ của cán bộ.',
  },
  PHONE_LEADING_ZERO_RESTORED: {
    severity: 'warning',
    message: () =>
      'Số điện thoại được nhập dạng số nên mất chữ số 0 ở đầu; hệ thống đã tự thêm lại. Lần sau nên định dạng cột này là Văn bản (Text).',
  },
  PHONE_CONVERTED_2018: {
    severity: 'warning',
    message: () =>
      'Số điện thoại 11 số (đầu số cũ) đã được chuyển sang 10 số theo quy định chuyển đổi năm 2018. Vui lòng kiểm tra lại với cán bộ.',
  },
  PHONE_DUPLICATE: {
    severity: 'error',
    message: (p) =>
      `Số điện thoại này bị trùng với dòng khác${otherRows(p)}. Mỗi cán bộ phải dùng số di động chính chủ của mình; vui lòng kiểm tra lại.`,
  },

  // ── Monthly results (issue 8): the centre's portal statistics and a unit's own return ────────────────
  RESULTS_NO_TABLE: {
    severity: 'error',
    message: () =>
      'Không tìm thấy bảng kết quả. Bảng cần có dòng tiêu đề với cột "CMND/CCCD" hoặc "Số điện thoại" và cột "Số tài khoản đã tạo". Vui lòng dùng mẫu tải về từ trang tải lên.',
  },
  RESULTS_MISSING_COLUMNS: {
    severity: 'error',
    message: (p) =>
      `Bảng kết quả thiếu cột: ${p.detail ?? ''}. Vui lòng dùng mẫu tải về từ trang tải lên (STT, Họ và tên, CMND/CCCD, Số điện thoại, Số tài khoản đã tạo).`,
  },
  RESULTS_PERIOD_MISMATCH: {
    severity: 'error',
    message: (p) =>
      `Tiêu đề của tệp ghi tháng ${p.value ?? ''}, nhưng đường dẫn tải lên này dành cho kết quả tháng ${p.detail ?? ''}. Vui lòng tải lên đúng tệp của tháng ${p.detail ?? ''}, hoặc xin đường dẫn của tháng ${p.value ?? ''}.`,
  },
  RESULTS_PERSON_REQUIRED: {
    severity: 'error',
    message: () =>
      'Chưa ghi số CMND/CCCD hoặc số điện thoại của cán bộ, nên không biết số liệu này của ai. Vui lòng ghi ít nhất một trong hai.',
  },
  RESULTS_PERSON_DUPLICATE: {
    severity: 'error',
    message: (p) =>
      `Cán bộ này (cùng số CMND/CCCD hoặc số điện thoại) có ở nhiều dòng${otherRows(p)}. Mỗi cán bộ chỉ ghi một dòng với tổng số tài khoản đã tạo trong tháng; vui lòng gộp lại.`,
  },
  COUNT_REQUIRED: {
    severity: 'error',
    message: () => 'Chưa ghi số tài khoản đã tạo. Nếu trong tháng cán bộ không tạo được tài khoản nào, vui lòng ghi 0.',
  },
  COUNT_NOT_NUMBER: {
    severity: 'error',
    message: () => 'Số tài khoản đã tạo phải là một con số (ví dụ 25), không ghi chữ hay ký hiệu. Vui lòng sửa lại.',
  },
  COUNT_NOT_WHOLE: {
    severity: 'error',
    message: () => 'Số tài khoản đã tạo phải là số nguyên (không có phần thập phân). Vui lòng sửa lại.',
  },
  COUNT_NEGATIVE: {
    severity: 'error',
    message: () => 'Số tài khoản đã tạo không được là số âm. Vui lòng sửa lại.',
  },
  COUNT_TOO_LARGE: {
    severity: 'error',
    message: (p) => `Số tài khoản đã tạo quá lớn (tối đa ${p.limit ?? '10.000'} trong một tháng cho một cán bộ). Vui lòng kiểm tra lại.`,
  },
  COUNT_FORMULA: {
    severity: 'error',
    message: () =>
      'Ô số tài khoản đã tạo là một công thức. Vui lòng ghi trực tiếp con số (chọn ô, sao chép rồi dán dạng giá trị - Paste Values).',
  },
  RESULTS_UNATTRIBUTED: {
    severity: 'warning',
    message: () =>
      'Không tìm thấy cán bộ này (theo số CMND/CCCD hoặc số điện thoại) trong danh sách hiện hành của đơn vị nào. Số liệu vẫn được ghi nhận, ở mục "chưa xác định đơn vị"; nếu cán bộ thuộc một đơn vị, vui lòng đề nghị đơn vị đó bổ sung vào danh sách.',
  },
  RESULTS_NOT_ON_UNIT_ROSTER: {
    severity: 'warning',
    message: (p) =>
      `Cán bộ này không có trong danh sách hiện hành của đơn vị${p.detail ? ` (${p.detail})` : ''}. Số liệu vẫn được tính cho đơn vị; vui lòng bổ sung cán bộ vào danh sách gửi Trung tâm Phục vụ hành chính công tỉnh.`,
  },

  // ── Permission grants (issue 8): "Ngày phân quyền" recorded by the centre ───────────────────────────
  GRANTS_NO_TABLE: {
    severity: 'error',
    message: () =>
      'Không tìm thấy bảng phân quyền. Bảng cần có dòng tiêu đề với cột "CMND/CCCD" và cột "Ngày phân quyền" (ví dụ tệp xuất danh sách cán bộ, đã điền ngày phân quyền).',
  },
  GRANTS_MISSING_COLUMNS: {
    severity: 'error',
    message: (p) => `Bảng phân quyền thiếu cột: ${p.detail ?? ''}. Cần có cột "CMND/CCCD" và cột "Ngày phân quyền".`,
  },
  GRANTS_NO_DATES: {
    severity: 'error',
    message: () =>
      'Chưa có dòng nào ghi "Ngày phân quyền", nên không có gì để ghi nhận. Vui lòng điền ngày phân quyền cho các cán bộ đã được cấp quyền rồi tải lên lại.',
  },
  GRANT_DATE_INVALID: {
    severity: 'error',
    message: () => 'Ngày phân quyền không đúng. Vui lòng ghi ngày theo dạng ngày/tháng/năm, ví dụ 28/06/2021.',
  },
  GRANT_DATE_IN_FUTURE: {
    severity: 'error',
    message: (p) => `Ngày phân quyền${quoted(p)} là một ngày trong tương lai. Vui lòng ghi ngày đã cấp quyền trên Cổng Dịch vụ công quốc gia.`,
  },
  GRANT_DATE_TOO_EARLY: {
    severity: 'error',
    message: (p) =>
      `Ngày phân quyền${quoted(p)} sớm hơn ${p.limit ?? '01/06/2021'}, trước khi việc cấp quyền tạo tài khoản công dân bắt đầu. Vui lòng kiểm tra lại.`,
  },
  GRANT_PERSON_DUPLICATE: {
    severity: 'error',
    message: (p) => `Số CMND/CCCD này có ở nhiều dòng${otherRows(p)}. Mỗi cán bộ chỉ ghi một dòng; vui lòng kiểm tra lại.`,
  },
  GRANT_PERSON_NOT_ON_ROSTER: {
    severity: 'error',
    message: () =>
      'Người có số CMND/CCCD này không có trong danh sách hiện hành của đơn vị nào, nên chưa ghi nhận được việc phân quyền. Vui lòng kiểm tra lại số CMND/CCCD, hoặc đề nghị đơn vị bổ sung cán bộ vào danh sách trước.',
  },
  GRANT_NAME_MISMATCH: {
    severity: 'warning',
    message: (p) => `Họ và tên khác với danh sách của đơn vị${p.result ? ` (danh sách ghi "${p.result}")` : ''}. Việc phân quyền vẫn được ghi nhận theo số CMND/CCCD; vui lòng kiểm tra lại.`,
  },
  GRANT_UNIT_MISMATCH: {
    severity: 'warning',
    message: (p) => `Đơn vị${quoted(p)} khác với danh sách${p.result ? ` (cán bộ thuộc ${p.result})` : ''}. Việc phân quyền vẫn được ghi nhận theo số CMND/CCCD; vui lòng kiểm tra lại.`,
  },
  GRANT_PHONE_MISMATCH: {
    severity: 'warning',
    message: () =>
      'Số điện thoại khác với số trong danh sách của đơn vị. Việc phân quyền vẫn được ghi nhận theo số CMND/CCCD; vui lòng kiểm tra lại số điện thoại đã đăng ký trên Cổng.',
  },

  // ── Processing of an upload (not about its content) ──────────────────────────────────────────────────
  PROCESSING_FAILED: {
    severity: 'error',
    message: () =>
      'Hệ thống chưa kiểm tra được tệp này do một sự cố kỹ thuật. Vui lòng tải tệp lên lại; nếu vẫn không được, vui lòng báo Trung tâm Phục vụ hành chính công tỉnh.',
  },
  UPLOAD_CANCELLED: { severity: 'error', message: () => MESSAGES.UPLOAD_CANCELLED },
  UPLOAD_NOT_RECEIVED: {
    severity: 'error',
    message: () => 'Hệ thống không nhận được nội dung tệp (tệp có thể chưa tải lên xong). Vui lòng tải tệp lên lại.',
  },
} as const satisfies Record<string, Entry>;

export type IssueCode = keyof typeof ISSUES;
export const ISSUE_CODES = Object.keys(ISSUES) as IssueCode[];
