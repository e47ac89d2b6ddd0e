/**
 * `GET /api/report-files/<token>`: the link in a monthly report mail whose workbook was too large to attach
 * (shared/report/file-link.ts). Public, like the mail it comes from: the signed token is the authority. A
 * genuine, unexpired link answers 302 to a fresh 5-minute presigned GET of the workbook; anything else gets
 * a Vietnamese page (or JSON, for a client that asks for it) saying what to do.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { presignDownload } from '../../shared/aws/s3.js';
import type { PipelineDeps } from '../../shared/pipeline/deps.js';
import { workbookFileName } from '../../shared/report/email.js';
import { REPORT_DOWNLOAD_TTL_SECONDS, type ReportLinkRefusal, verifyReportFileToken } from '../../shared/report/file-link.js';

/** What a reader of the mail is told, by why the link was refused. */
export const REPORT_LINK_ERRORS = {
  malformed: {
    code: 'REPORT_LINK_MALFORMED',
    status: 404,
    message:
      'Đường dẫn tải báo cáo không đúng (có thể bị thiếu ký tự khi sao chép). Vui lòng mở lại đúng đường dẫn trong thư báo cáo.',
  },
  forged: {
    code: 'REPORT_LINK_INVALID',
    status: 404,
    message: 'Đường dẫn tải báo cáo không hợp lệ. Vui lòng mở lại đúng đường dẫn trong thư báo cáo.',
  },
  expired: {
    code: 'REPORT_LINK_EXPIRED',
    status: 410,
    message:
      'Đường dẫn tải báo cáo đã hết hạn (chỉ dùng được trong 7 ngày). Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được gửi lại báo cáo.',
  },
} as const satisfies Record<ReportLinkRefusal, { code: string; status: 404 | 410; message: string }>;

function refuse(c: Context, reason: ReportLinkRefusal): Response | Promise<Response> {
  const { code, status, message } = REPORT_LINK_ERRORS[reason];
  // The link is opened from a mail, in a browser: a page it can read; API clients asking for JSON get JSON.
  const wantsJson = (c.req.header('accept') ?? '').includes('application/json');
  if (wantsJson) return c.json({ error: { code, message } }, status);
  return c.html(
    html`<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Không tải được báo cáo</title></head>
<body><h1>Không tải được báo cáo</h1><p>${message}</p></body>
</html>`,
    status,
  );
}

export function createReportFilesApp(deps: PipelineDeps): Hono {
  const app = new Hono();
  app.get('/:token', async (c) => {
    const check = verifyReportFileToken(c.req.param('token'), deps.tokenSecret, deps.now());
    if (!check.ok) {
      deps.logger.info('report link refused', { reason: check.reason });
      return refuse(c, check.reason);
    }
    const url = await presignDownload(deps.clients.s3, {
      bucket: deps.config.bucketName,
      key: check.claims.key,
      // Plain ASCII (bao-cao-tai-khoan-cong-dan-YYYY-MM.xlsx): safe in Content-Disposition for every browser.
      downloadName: workbookFileName(check.claims.period),
      expiresInSeconds: REPORT_DOWNLOAD_TTL_SECONDS,
    });
    return c.redirect(url, 302);
  });
  return app;
}
