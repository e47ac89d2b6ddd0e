/**
 * Every error the API answers: an HTTP status and the Vietnamese message a district clerk reads (from the
 * shared catalogue, shared/messages.ts, where the page, the dashboard or the CLI shows the same words).
 * Unknown errors become `INTERNAL` — a raw message never leaves the function.
 */
import { type AppError, NotFoundError, TokenError, UploadRefusal } from '../../shared/errors.js';
import { fillText, MESSAGES } from '../../shared/messages.js';
import { formatMegabytes } from '../../shared/workbook/zip-guard.js';

export const API_ERRORS = {
  BAD_REQUEST: {
    status: 400,
    message: 'Yêu cầu không hợp lệ. Vui lòng tải lại trang rồi thử lại.',
  },
  FILE_EMPTY: { status: 400, message: MESSAGES.FILE_EMPTY },
  FORM_NOT_SUPPORTED: {
    status: 400,
    message:
      'Đường dẫn này không dùng để gửi loại biểu mẫu ghi trong đường dẫn. Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được cấp đường dẫn đúng.',
  },
  TOKEN_MISSING: {
    status: 401,
    message: 'Thiếu mã tải lên. Vui lòng mở đúng đường dẫn tải lên đã được cấp cho đơn vị.',
  },
  TOKEN_MALFORMED: {
    status: 401,
    message:
      'Đường dẫn tải lên không đúng (có thể bị thiếu ký tự khi sao chép). Vui lòng mở lại đúng đường dẫn đã được cấp cho đơn vị.',
  },
  TOKEN_FORGED: {
    status: 401,
    message: 'Đường dẫn tải lên không hợp lệ. Vui lòng mở lại đúng đường dẫn đã được cấp cho đơn vị.',
  },
  TOKEN_EXPIRED: {
    status: 401,
    message:
      'Đường dẫn tải lên đã hết hạn. Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được cấp đường dẫn mới.',
  },
  TOKEN_BAD_PERIOD: {
    status: 401,
    message:
      'Đường dẫn tải lên này ghi một kỳ báo cáo không hợp lệ (trước tháng 01/2021 hoặc quá xa trong tương lai). Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được cấp đường dẫn đúng.',
  },
  TOKEN_REVOKED: { status: 401, message: MESSAGES.TOKEN_REVOKED },
  TOKEN_WRONG_UNIT: {
    status: 403,
    message: 'Đường dẫn tải lên này không dành cho đơn vị đã gửi tệp, nên không xem được kết quả. Vui lòng dùng đúng đường dẫn của đơn vị mình.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'Không tìm thấy lượt tải lên này. Vui lòng tải tệp lên lại.',
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    message: 'Yêu cầu gửi lên quá lớn. Vui lòng tải lại trang rồi chọn tệp và tải lên lại.',
  },
  // `{limit}`: the configured upload limit, filled by apiErrorMessage, so the page never states a different one.
  FILE_TOO_LARGE: { status: 413, message: MESSAGES.FILE_TOO_LARGE },
  UNSUPPORTED_TYPE: { status: 415, message: MESSAGES.UNSUPPORTED_TYPE },
  ADMIN_SIGN_IN_REQUIRED: {
    status: 401,
    message: 'Phiên đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại bằng địa chỉ thư điện tử của mình.',
  },
  ADMIN_LINK_INVALID: {
    status: 401,
    message:
      'Đường dẫn đăng nhập không dùng được: đã dùng rồi, đã quá 15 phút hoặc bị thiếu ký tự khi sao chép. Vui lòng nhập lại địa chỉ thư để nhận đường dẫn mới.',
  },
  ADMIN_CSRF: {
    status: 403,
    message: 'Yêu cầu không được thực hiện vì không đến từ trang quản trị. Vui lòng tải lại trang rồi thử lại.',
  },
  ADMIN_UNKNOWN_UNIT: {
    status: 400,
    message: 'Không có đơn vị này trong danh mục huyện, thị xã, thành phố và sở, ban, ngành. Vui lòng chọn lại đơn vị.',
  },
  ADMIN_BAD_PERIOD: {
    status: 400,
    message: 'Tháng không hợp lệ: chỉ nhận các tháng từ 01/2021 đến tháng sau. Vui lòng chọn lại tháng.',
  },
  ADMIN_NO_UNIT_EMAIL: {
    status: 400,
    message: 'Đơn vị này chưa có địa chỉ thư điện tử trong danh sách (UNIT_EMAILS). Vui lòng sao chép đường dẫn và gửi bằng cách khác.',
  },
  ADMIN_NO_PUBLIC_URL: {
    status: 400,
    message:
      'Chưa cấu hình địa chỉ công khai của trang (PUBLIC_BASE_URL), nên không gửi thư có đường dẫn được. Vui lòng báo bộ phận kỹ thuật.',
  },
  INTERNAL: { status: 500, message: MESSAGES.INTERNAL },
} as const satisfies Record<string, { status: 400 | 401 | 403 | 404 | 413 | 415 | 500; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** The message of `code` as the clerk reads it, the configured upload limit filled in. */
export function apiErrorMessage(code: ApiErrorCode, limits: { maxUploadBytes: number }): string {
  return fillText(API_ERRORS[code].message, { limit: formatMegabytes(limits.maxUploadBytes) });
}

/** The error body `{ error: { code, message } }` and status for anything thrown by a route. */
export function apiErrorOf(error: unknown): { code: ApiErrorCode; status: (typeof API_ERRORS)[ApiErrorCode]['status'] } {
  const code = codeOf(error);
  return { code, status: API_ERRORS[code].status };
}

function codeOf(error: unknown): ApiErrorCode {
  if (error instanceof TokenError || error instanceof UploadRefusal || error instanceof NotFoundError) {
    const code = (error as AppError).code;
    if (Object.hasOwn(API_ERRORS, code)) return code as ApiErrorCode;
  }
  return 'INTERNAL';
}
