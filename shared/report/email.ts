/**
 * The report e-mail, built as MIME with nodemailer's MailComposer: a Vietnamese HTML part a leader reads in a
 * minute (totals and change, a bar chart of accounts per district drawn with table cells, so every mail
 * client shows it without fetching anything and it prints), the same in plain text, and the workbook
 * attached, or a link to it when the attachment would pass SES's message size limit. No ID or phone number.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { formatIsoDate, formatPeriod } from '../vn/time.js';
import { leadersAndLaggards } from './model.js';
import type { Report, UnitReport } from './types.js';
import { ISSUER } from './workbook.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** SES v1 SendRawEmail takes at most 10 MB, attachments base64-encoded included. */
export const SES_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export function reportSubject(report: Report): string {
  const subject = `Báo cáo kết quả hỗ trợ tạo tài khoản công dân tháng ${formatPeriod(report.period)}`;
  return report.provisional ? `${subject} (${report.provisionalNote})` : subject;
}

export function workbookFileName(period: string): string {
  return `bao-cao-tai-khoan-cong-dan-${period}.xlsx`;
}

export type WorkbookDelivery = { kind: 'attachment'; bytes: Uint8Array } | { kind: 'link'; url: string; expiresAt: Date };

export interface ReportEmailInput {
  report: Report;
  from: string;
  to: readonly string[];
  workbook: WorkbookDelivery;
}

export interface ReportEmail {
  subject: string;
  html: string;
  text: string;
}

const number = new Intl.NumberFormat('vi-VN');
const n = (value: number) => number.format(value);

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

interface Bar {
  label: string;
  value: number;
}

/** Accounts per district, then the departments together and what matched no unit. */
export function districtBars(report: Report): Bar[] {
  // Largest first: the chart is read top-down for who leads.
  const bars: Bar[] = report.units
    .filter((u) => u.kind === 'district')
    .map((u) => ({ label: u.unitName, value: u.accountsCreated }))
    .sort((a, b) => b.value - a.value);
  const departments = report.units.filter((u) => u.kind === 'department').reduce((total, u) => total + u.accountsCreated, 0);
  bars.push({ label: 'Các sở, ban, ngành', value: departments });
  if (report.unattributed.accountsCreated > 0) bars.push({ label: 'Chưa xác định đơn vị', value: report.unattributed.accountsCreated });
  return bars;
}

function changeLine(report: Report): string {
  const { change, previousMonth } = report.totals;
  if (change === null || previousMonth === null) return 'tháng đầu tiên thực hiện';
  const word = change > 0 ? `tăng ${n(change)}` : change < 0 ? `giảm ${n(-change)}` : 'không đổi';
  return `tháng trước: ${n(previousMonth)}, ${word}`;
}

const unitLine = (u: UnitReport) => `${u.unitName}: ${n(u.accountsCreated)} tài khoản`;

function notReported(report: Report): UnitReport[] {
  return report.units.filter((u) => u.resultsStatus === 'missing');
}

export function reportEmailContent(report: Report, workbook: WorkbookDelivery): ReportEmail {
  const month = formatPeriod(report.period);
  const { totals } = report;
  const { leading, lagging } = leadersAndLaggards(report);
  const missing = notReported(report);
  const bars = districtBars(report);
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const grantedShare = totals.officials > 0 ? Math.round((totals.granted / totals.officials) * 100) : 0;
  const provisional = report.provisional
    ? `Số liệu tạm tính: tháng ${month} chưa kết thúc, số liệu còn có thể thay đổi.`
    : null;
  const attachmentLine =
    workbook.kind === 'attachment'
      ? 'Chi tiết theo từng đơn vị và từng xã, phường, thị trấn có trong tệp Excel đính kèm (in vừa khổ A4 ngang).'
      : `Tệp Excel chi tiết quá lớn để đính kèm; tải về tại đường dẫn sau (hiệu lực đến ${formatIsoDate(workbook.expiresAt.toISOString().slice(0, 10))}): ${workbook.url}`;
  const facts: [string, string][] = [
    ['Số tài khoản công dân tạo trong tháng', `${n(totals.accountsCreated)} (${changeLine(report)})`],
    ['Lũy kế từ tháng 7/2021', n(totals.cumulative)],
    ['Cán bộ một cửa trong danh sách', n(totals.officials)],
    ['Cán bộ đã được phân quyền', `${n(totals.granted)} (${grantedShare}%)`],
    ['Đơn vị đã báo cáo số liệu tháng', `${n(totals.unitsReported)}/${n(report.units.length)}`],
  ];
  const subject = reportSubject(report);

  // ── Plain text ─────────────────────────────────────────────────────────────────────────────────────
  const text = [
    `${ISSUER[1]} TỈNH BÌNH ĐỊNH`,
    '',
    `BÁO CÁO KẾT QUẢ HỖ TRỢ TẠO TÀI KHOẢN CÔNG DÂN THÁNG ${month}`,
    ...(provisional ? ['', provisional] : []),
    '',
    ...facts.map(([label, value]) => `- ${label}: ${value}`),
    '',
    'Số tài khoản tạo trong tháng theo địa bàn:',
    ...bars.map((bar) => `- ${bar.label}: ${n(bar.value)}`),
    '',
    'Dẫn đầu:',
    ...leading.map((u) => `- ${unitLine(u)}`),
    '',
    'Thấp nhất:',
    ...lagging.map((u) => `- ${unitLine(u)}`),
    '',
    missing.length > 0
      ? `Chưa báo cáo số liệu tháng (${missing.length} đơn vị): ${missing.map((u) => u.unitName).join(', ')}.`
      : 'Tất cả các đơn vị đã báo cáo số liệu tháng.',
    '',
    attachmentLine,
    '',
    'Thư này được gửi tự động từ hệ thống tổng hợp của Trung tâm Phục vụ hành chính công tỉnh. Số liệu: thống kê của Trung tâm từ Cổng Dịch vụ công quốc gia và báo cáo của các đơn vị.',
    '',
  ].join('\n');

  // ── HTML: tables and inline styles only (mail clients drop <style> blocks and block remote images) ──
  const cell = 'padding:4px 8px;border:1px solid #c9d3df;font-size:14px;';
  const barRows = bars
    .map((bar) => {
      const width = Math.max(bar.value > 0 ? 1 : 0, Math.round((bar.value / max) * 100));
      const fill = width > 0 ? `<td width="${width}%" style="background:#1f5fa8;height:14px;font-size:1px;line-height:1px;">&nbsp;</td>` : '';
      const rest = width < 100 ? `<td width="${100 - width}%" style="font-size:1px;line-height:1px;">&nbsp;</td>` : '';
      return `<tr><td style="padding:3px 8px 3px 0;font-size:13px;white-space:nowrap;">${escapeHtml(bar.label)}</td><td width="60%" style="padding:3px 0;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>${fill}${rest}</tr></table></td><td align="right" style="padding:3px 0 3px 8px;font-size:13px;">${n(bar.value)}</td></tr>`;
    })
    .join('');
  const list = (units: readonly UnitReport[]) =>
    `<ol style="margin:4px 0 12px 20px;padding:0;">${units.map((u) => `<li>${escapeHtml(u.unitName)}: <b>${n(u.accountsCreated)}</b> tài khoản</li>`).join('')}</ol>`;
  const missingDistricts = missing.filter((u) => u.kind === 'district');
  const missingDepartments = missing.filter((u) => u.kind === 'department');
  const names = (units: readonly UnitReport[]) => units.map((u) => escapeHtml(u.unitName)).join(', ');
  const html = `<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;font-family:'Times New Roman',Times,serif;color:#1a1a1a;background:#ffffff;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:720px;">
<tr><td style="font-size:13px;text-transform:uppercase;">${escapeHtml(ISSUER[0])}<br><b>${escapeHtml(ISSUER[1])}</b></td></tr>
<tr><td style="padding-top:16px;"><h1 style="font-size:20px;margin:0;">Báo cáo kết quả hỗ trợ tạo tài khoản công dân tháng ${month}</h1></td></tr>
${provisional ? `<tr><td style="padding-top:8px;"><p style="margin:0;padding:8px;background:#fff4d6;border:1px solid #e0b84c;"><b>${escapeHtml(provisional)}</b></p></td></tr>` : ''}
<tr><td style="padding-top:12px;">
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;">
${facts.map(([label, value]) => `<tr><td style="${cell}">${escapeHtml(label)}</td><td style="${cell}font-weight:bold;">${escapeHtml(value)}</td></tr>`).join('\n')}
</table></td></tr>
<tr><td style="padding-top:16px;"><h2 style="font-size:16px;margin:0 0 6px;">Số tài khoản tạo trong tháng theo địa bàn</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${barRows}</table></td></tr>
<tr><td style="padding-top:16px;"><h2 style="font-size:16px;margin:0;">Dẫn đầu</h2>${list(leading)}
<h2 style="font-size:16px;margin:0;">Thấp nhất</h2>${list(lagging)}</td></tr>
<tr><td><h2 style="font-size:16px;margin:0 0 6px;">Đơn vị chưa báo cáo số liệu tháng${missing.length > 0 ? ` (${missing.length})` : ''}</h2>
${missing.length > 0 ? `${missingDistricts.length > 0 ? `<p style="margin:0 0 6px;"><b>Huyện, thị xã, thành phố (${missingDistricts.length}):</b> ${names(missingDistricts)}.</p>` : ''}${missingDepartments.length > 0 ? `<p style="margin:0;"><b>Sở, ban, ngành (${missingDepartments.length}):</b> ${names(missingDepartments)}.</p>` : ''}` : '<p style="margin:0;">Tất cả các đơn vị đã báo cáo.</p>'}
</td></tr>
<tr><td style="padding-top:16px;font-size:14px;">${workbook.kind === 'attachment' ? escapeHtml(attachmentLine) : `Tệp Excel chi tiết quá lớn để đính kèm: <a href="${escapeHtml(workbook.url)}">tải về tại đây</a> (hiệu lực đến ${formatIsoDate(workbook.expiresAt.toISOString().slice(0, 10))}).`}</td></tr>
<tr><td style="padding-top:16px;font-size:12px;color:#555;">Thư này được gửi tự động từ hệ thống tổng hợp của Trung tâm Phục vụ hành chính công tỉnh. Số liệu: thống kê của Trung tâm từ Cổng Dịch vụ công quốc gia và báo cáo của các đơn vị.</td></tr>
</table></body></html>
`;
  return { subject, html, text };
}

/** The whole message as raw MIME, ready for SES SendRawEmail. */
export async function buildReportEmail(input: ReportEmailInput): Promise<{ raw: Uint8Array; subject: string }> {
  const content = reportEmailContent(input.report, input.workbook);
  const composer = new MailComposer({
    from: input.from,
    to: [...input.to],
    subject: content.subject,
    text: content.text,
    html: content.html,
    // Nothing in a report is fetched from a path or a URL while composing.
    disableFileAccess: true,
    disableUrlAccess: true,
    attachments:
      input.workbook.kind === 'attachment'
        ? [{ filename: workbookFileName(input.report.period), content: Buffer.from(input.workbook.bytes), contentType: XLSX_CONTENT_TYPE }]
        : [],
  });
  const raw = await composer.compile().build();
  return { raw: new Uint8Array(raw), subject: content.subject };
}
