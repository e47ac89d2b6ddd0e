/**
 * The dashboard's mails, in Vietnamese: the sign-in link, and an upload link sent to a unit. Pure: they
 * are handed to a `SendMail` port (SES on AWS, aws-ses-v2-local locally). No ID or phone number ever goes in.
 */
import { formatPeriod, formatVietnamDateTime } from '../vn/time.js';
import type { UploadForm } from '../tokens.js';

export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends one message from the configured sender; rejects with a `DependencyError` when the service fails. */
export type SendMail = (message: MailMessage) => Promise<void>;

const CENTRE = 'Trung tâm Phục vụ hành chính công tỉnh Bình Định';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

function html(paragraphs: readonly string[], link: { url: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><body style="font-family:Arial,sans-serif;font-size:15px">${body}<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p><p style="color:#555">${escapeHtml(CENTRE)}</p></body></html>`;
}

export function signInMail(to: string, url: string, expiresAt: Date): MailMessage {
  const paragraphs = [
    'Kính gửi anh/chị,',
    `Có yêu cầu đăng nhập trang quản trị của ${CENTRE} bằng địa chỉ thư này. Mở đường dẫn dưới đây để đăng nhập (dùng được một lần, đến ${formatVietnamDateTime(expiresAt)}).`,
    'Nếu anh/chị không yêu cầu, vui lòng bỏ qua thư này: không ai đăng nhập được nếu không có đường dẫn.',
  ];
  return {
    to: [to],
    subject: 'Đường dẫn đăng nhập trang quản trị',
    text: [...paragraphs.slice(0, 2), '', url, '', paragraphs[2], '', CENTRE].join('\n'),
    html: html(paragraphs, { url, label: 'Đăng nhập trang quản trị' }),
  };
}

const FORM_PHRASES = {
  roster: () => 'danh sách cán bộ làm việc tại bộ phận một cửa (mẫu Phụ lục 2)',
  results: (period: string) => `kết quả tạo tài khoản tháng ${formatPeriod(period)}`,
  grants: () => 'danh sách cán bộ đã được phân quyền',
} as const satisfies Record<UploadForm, (period: string) => string>;

export function uploadLinkMail(input: {
  to: readonly string[];
  unitName: string;
  form: UploadForm;
  period: string;
  url: string;
  expiresAt: Date;
  reminder?: boolean;
}): MailMessage {
  const what = FORM_PHRASES[input.form](input.period);
  const paragraphs = [
    `Kính gửi ${input.unitName},`,
    input.reminder
      ? `${CENTRE} chưa nhận được ${what} của đơn vị. Đề nghị đơn vị gửi sớm qua đường dẫn dưới đây.`
      : `${CENTRE} đề nghị đơn vị gửi ${what} qua đường dẫn dưới đây.`,
    `Đường dẫn dùng được đến ${formatVietnamDateTime(input.expiresAt)}; chỉ dùng cho đơn vị, vui lòng không chuyển cho đơn vị khác.`,
  ];
  return {
    to: input.to,
    subject: input.reminder ? `Nhắc gửi ${what}` : `Đề nghị gửi ${what}`,
    text: [...paragraphs, '', input.url, '', CENTRE].join('\n'),
    html: html(paragraphs, { url: input.url, label: 'Mở trang tải lên' }),
  };
}
