/**
 * The centre's dashboard API, mounted at `/api/admin` in the upload API's Hono app (one router on Lambda
 * and locally). Every route but the two sign-in steps needs the session cookie; every state-changing route
 * also needs the session's CSRF token in `X-CSRF-Token`. An upload token (`Authorization: Bearer`) opens
 * nothing here: only the cookie is read.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod';
import { AUDIT_ACTIONS } from '../../../shared/admin/audit.js';
import {
  CENTRE_UPLOAD_AUDIT,
  centreUploadStatus,
  startCentreUpload,
  unattributedRows,
  withUploadOutcomes,
} from '../../../shared/admin/centre-uploads.js';
import { AdminRefusal } from '../../../shared/errors.js';
import {
  DEFAULT_LINK_DAYS,
  defaultLinkPeriod,
  issueLinks,
  LINK_FORMS,
  linkHolders,
  MAX_LINK_DAYS,
} from '../../../shared/admin/links.js';
import { type SendMail, uploadLinkMail } from '../../../shared/admin/mail.js';
import { reminderTargets, sendReminders } from '../../../shared/admin/reminders.js';
import { sendMail as sendSesMail } from '../../../shared/aws/mailer.js';
import { presignDownload } from '../../../shared/aws/s3.js';
import { buildRosterExport } from '../../../shared/pipeline/export-roster.js';
import { uploadAsSeenAt } from '../../../shared/pipeline/processing-deadline.js';
import {
  annotatedFileName,
  REPORT_URL_TTL_SECONDS,
  UPLOAD_FILE_FIELDS,
  UPLOAD_ID_PATTERN,
} from '../../../shared/pipeline/uploads.js';
import { loadReportConfig } from '../../../shared/report/config.js';
import { reportDepsFrom } from '../../../shared/report/deps.js';
import { reportEmailContent, workbookFileName, XLSX_CONTENT_TYPE } from '../../../shared/report/email.js';
import { produceReport, sendReport } from '../../../shared/report/run.js';
import { createLinkRevocations } from '../../../shared/store/link-revocations.js';
import {
  type AdminSession,
  CSRF_HEADER,
  csrfToken,
  isValidCsrfToken,
  NONCE_PATTERN,
  readSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from '../../../shared/admin/session.js';
import { type AdminSettings, isCentreEmail, parseAdminSettings } from '../../../shared/admin/settings.js';
import { completeSignIn, requestSignIn } from '../../../shared/admin/sign-in.js';
import { unitsOverview } from '../../../shared/admin/units.js';
import { safeError } from '../../../shared/logger.js';
import type { PipelineDeps } from '../../../shared/pipeline/deps.js';
import { currentRosters, provinceOfficials, rosterStates } from '../../../shared/pipeline/rosters.js';
import { createAdminStore } from '../../../shared/store/admin.js';
import { CENTRE_UNIT, isPeriodInBounds } from '../../../shared/tokens.js';
import { PERIOD_PATTERN, previousVietnamMonth, vietnamIsoDate } from '../../../shared/vn/time.js';
import { CSP_HEADER, REPORT_PREVIEW_CSP } from '../../../shared/web/security-headers.js';
import { API_ERRORS, type ApiErrorCode, apiErrorMessage, apiErrorOf } from '../errors.js';

/** Where the session cookie is sent: the admin API only, never the upload page or the clerk's API. */
export const SESSION_COOKIE_PATH = '/api/admin';

const signInBody = z.strictObject({ email: z.string().trim().min(3).max(254) });
const sessionBody = z.strictObject({ nonce: z.string().regex(NONCE_PATTERN) });
const linksBody = z.strictObject({
  units: z.union([z.literal('all'), z.array(z.string().max(64)).min(1).max(100)]),
  form: z.enum(LINK_FORMS),
  period: z.string().regex(PERIOD_PATTERN).optional(),
  days: z.number().int().min(1).max(MAX_LINK_DAYS).default(DEFAULT_LINK_DAYS),
});
const sendLinkBody = linksBody.extend({ units: z.array(z.string().max(64)).length(1) });
const remindersBody = z.strictObject({
  form: z.enum(LINK_FORMS),
  period: z.string().regex(PERIOD_PATTERN).optional(),
  days: z.number().int().min(1).max(MAX_LINK_DAYS).default(DEFAULT_LINK_DAYS),
  /** Only list who would be reminded (the page's confirmation step). */
  preview: z.boolean().default(false),
});
const periodQuery = z.string().regex(PERIOD_PATTERN).optional();
const revokeBody = z.strictObject({ unit: z.string().max(64) });
const uploadIdParam = z.string().regex(UPLOAD_ID_PATTERN);
/** The centre's own file, sent from the dashboard: the grants it recorded, or a month's portal statistics. */
const centreUploadBody = z.discriminatedUnion('form', [
  z.strictObject({ form: z.literal('grants'), ...UPLOAD_FILE_FIELDS }),
  z.strictObject({ form: z.literal('results'), period: z.string().regex(PERIOD_PATTERN), ...UPLOAD_FILE_FIELDS }),
]);
const reportSendBody = z.strictObject({ period: z.string().regex(PERIOD_PATTERN), force: z.boolean().default(false) });

export interface AdminAppOptions {
  settings?: AdminSettings;
  sendMail?: SendMail;
}

type AdminEnv = { Variables: { session: AdminSession } };

export function createAdminApp(deps: PipelineDeps, options: AdminAppOptions = {}): Hono<AdminEnv> {
  const settings = options.settings ?? deps.config.admin ?? parseAdminSettings({});
  const sendMail: SendMail =
    options.sendMail ??
    (async (message) => {
      await sendSesMail(deps.clients.ses, { from: settings.mailSender, ...message });
    });
  const store = createAdminStore({ doc: deps.clients.doc, tableName: deps.config.tableName });
  const signInDeps = { settings, store, secret: deps.tokenSecret, now: deps.now };
  const app = new Hono<AdminEnv>();

  // The configured upload limit filled into the message that states it, as on the upload page.
  const errorResponse = (c: Context, code: ApiErrorCode) =>
    c.json({ error: { code, message: apiErrorMessage(code, deps.config) } }, API_ERRORS[code].status);
  const readJson = async <T>(c: Context, schema: z.ZodType<T>): Promise<T | undefined> => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    return parsed.success ? parsed.data : undefined;
  };
  const secureCookies = (c: Context) =>
    settings.publicBaseUrl?.startsWith('https:') === true ||
    new URL(c.req.url).protocol === 'https:' ||
    c.req.header('x-forwarded-proto') === 'https';
  /** The page's origin for links shown to the signed-in staff member: configured, else the browser's own. */
  const linkBaseUrl = (c: Context) => {
    if (settings.publicBaseUrl) return settings.publicBaseUrl;
    const origin = c.req.header('origin');
    return origin && /^https?:\/\/[^/]+$/.test(origin) ? origin : new URL(c.req.url).origin;
  };
  const audit = (session: AdminSession, action: keyof typeof AUDIT_ACTIONS, detail: Parameters<typeof store.appendAudit>[0]['detail']) =>
    store.appendAudit({ at: deps.now(), actor: session.email, action, detail });

  const sessionView = (session: AdminSession) => ({
    email: session.email,
    expiresAt: session.expiresAt.toISOString(),
    csrfToken: csrfToken(deps.tokenSecret, session),
  });

  const download = (c: Context, bytes: Uint8Array, fileName: string) =>
    c.body(Buffer.from(bytes), 200, {
      'Content-Type': XLSX_CONTENT_TYPE,
      'Content-Disposition': `attachment; filename="${fileName}"`,
    });

  app.use('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => errorResponse(c, 'BAD_REQUEST') }));

  // ── Sign-in (no session yet) ─────────────────────────────────────────────────────────────────────────
  app.post('/sign-in', async (c) => {
    const body = await readJson(c, signInBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    await requestSignIn({ ...signInDeps, sendMail, logger: deps.logger }, body.email);
    // The same answer for every address: the page must not tell who is on the allow-list.
    return c.json({ sent: true }, 202);
  });

  app.post('/session', async (c) => {
    const body = await readJson(c, sessionBody);
    if (!body) throw new AdminRefusal('link-invalid');
    const { cookie, session } = await completeSignIn(signInDeps, body.nonce);
    setCookie(c, SESSION_COOKIE, cookie, {
      path: SESSION_COOKIE_PATH,
      httpOnly: true,
      secure: secureCookies(c),
      sameSite: 'Strict',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.json(sessionView(session));
  });

  // ── Everything else: a session, and the CSRF token on state changes ──────────────────────────────────
  const requireSession = createMiddleware<AdminEnv>(async (c, next) => {
    const session = readSession(deps.tokenSecret, getCookie(c, SESSION_COOKIE), deps.now());
    // An address taken off the allow-list loses its open sessions at once, not after 8 hours.
    if (!session || !isCentreEmail(settings, session.email)) throw new AdminRefusal('sign-in-required');
    // A signed-out session stays refused even if its cookie was copied (one consistent GetItem a request).
    if (await store.isSessionEnded(session.sessionId)) throw new AdminRefusal('sign-in-required');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !isValidCsrfToken(deps.tokenSecret, session, c.req.header(CSRF_HEADER))) {
      throw new AdminRefusal('csrf');
    }
    c.set('session', session);
    await next();
  });
  app.use('*', requireSession);

  app.get('/session', (c) => c.json(sessionView(c.var.session)));

  app.delete('/session', async (c) => {
    await store.endSession(c.var.session);
    deleteCookie(c, SESSION_COOKIE, { path: SESSION_COOKIE_PATH, secure: secureCookies(c), httpOnly: true, sameSite: 'Strict' });
    return c.body(null, 204);
  });

  /** The Units view for a results month (default: the month just ended, the one units report on now). */
  const overview = async (period: string) => {
    const now = deps.now();
    const [states, rosters, grants, pointers] = await Promise.all([
      rosterStates(deps.store, deps.config.rosterDeadline, now),
      currentRosters(deps.store),
      deps.grants.listGrants(),
      deps.results.listResultsPointers(period),
    ]);
    const grantedPeople = new Set(grants.map((grant) => grant.idHash));
    const grantedByUnit = new Map(
      [...rosters].map(([unit, roster]) => [unit, roster.officials.filter((o) => grantedPeople.has(o.idHash)).length]),
    );
    const resultsReceivedAt = new Map(pointers.filter((p) => p.scope !== CENTRE_UNIT).map((p) => [p.scope, p.receivedAt]));
    const centreResultsAt = pointers.find((p) => p.scope === CENTRE_UNIT)?.receivedAt ?? null;
    return unitsOverview({
      period,
      deadline: deps.config.rosterDeadline,
      states,
      grantedByUnit,
      resultsReceivedAt,
      centreResultsAt,
      emails: settings.unitEmails,
    });
  };

  app.get('/units', async (c) => {
    const period = periodQuery.safeParse(c.req.query('period'));
    if (!period.success) return errorResponse(c, 'BAD_REQUEST');
    return c.json(await overview(period.data ?? previousVietnamMonth(deps.now())));
  });

  app.post('/links', async (c) => {
    const body = await readJson(c, linksBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    const units = linkHolders(body.units);
    const links = await issueLinks(
      { tokenSecret: deps.tokenSecret, store: deps.store, now: deps.now },
      { units, form: body.form, period: body.period, days: body.days, baseUrl: linkBaseUrl(c) },
    );
    await audit(c.var.session, 'link-issued', {
      units: units.map((u) => u.code),
      form: body.form,
      period: links[0]?.period ?? defaultLinkPeriod(body.form, deps.now()),
      count: links.length,
    });
    return c.json({ links }, 201);
  });

  app.post('/links/send', async (c) => {
    const body = await readJson(c, sendLinkBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    const units = linkHolders(body.units);
    const unit = units[0];
    const to = unit ? settings.unitEmails.get(unit.code) : undefined;
    if (!unit || !to || to.length === 0) throw new AdminRefusal('no-unit-email');
    if (!settings.publicBaseUrl) throw new AdminRefusal('no-public-url');
    const [link] = await issueLinks(
      { tokenSecret: deps.tokenSecret, store: deps.store, now: deps.now },
      { units, form: body.form, period: body.period, days: body.days, baseUrl: settings.publicBaseUrl },
    );
    if (!link) throw new AdminRefusal('unknown-unit');
    await sendMail(uploadLinkMail({ to, unitName: unit.name, form: body.form, period: link.period, url: link.url, expiresAt: new Date(link.expiresAt) }));
    await audit(c.var.session, 'link-sent', { units: [unit.code], form: body.form, period: link.period, count: 1 });
    return c.json({ link, sentTo: to }, 201);
  });

  app.post('/reminders', async (c) => {
    const body = await readJson(c, remindersBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    const period = body.period ?? defaultLinkPeriod(body.form, deps.now());
    // Roster reminders look at rosters only; results reminders at the month asked about.
    const targets = reminderTargets((await overview(body.form === 'results' ? period : previousVietnamMonth(deps.now()))).units, body.form);
    if (body.preview) {
      return c.json({ form: body.form, period, targets: targets.map((t) => ({ code: t.code, name: t.name, email: t.email })) });
    }
    if (!settings.publicBaseUrl) throw new AdminRefusal('no-public-url');
    const outcome = await sendReminders(
      { tokenSecret: deps.tokenSecret, store: deps.store, now: deps.now, adminStore: store, sendMail, unitEmails: settings.unitEmails },
      { targets, form: body.form, period, days: body.days, baseUrl: settings.publicBaseUrl, actor: c.var.session.email },
    );
    if (outcome.sent.length > 0) {
      await audit(c.var.session, 'reminders-sent', { units: outcome.sent.map((s) => s.code), form: body.form, period, count: outcome.sent.length });
    }
    return c.json({ form: body.form, period, ...outcome });
  });

  /** Voids every upload link the unit (or the centre) was given before now; later links keep working. */
  app.post('/links/revoke', async (c) => {
    const body = await readJson(c, revokeBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    const holder = body.unit === CENTRE_UNIT ? CENTRE_UNIT : linkHolders([body.unit])[0]?.code;
    if (!holder) throw new AdminRefusal('unknown-unit');
    const revoked = await createLinkRevocations({ doc: deps.clients.doc, tableName: deps.config.tableName }).revoke(holder, deps.now());
    await audit(c.var.session, 'link-revoked', { units: [holder] });
    return c.json({ unit: holder, revokedBefore: revoked.revokedBefore.toISOString() });
  });

  /** The province-wide roster export (personal data: the centre needs it to grant permissions). */
  app.get('/export', async (c) => {
    const now = deps.now();
    const workbook = await buildRosterExport(await provinceOfficials(deps.store, deps.grants), now);
    await audit(c.var.session, 'export-downloaded', {});
    return download(c, workbook, `danh-sach-can-bo-mot-cua-${vietnamIsoDate(now)}.xlsx`);
  });

  // ── The monthly report: the same figures, chart and workbook as the e-mail ─────────────────────────
  const reportDeps = () => reportDepsFrom(deps, loadReportConfig(process.env));

  app.get('/report', async (c) => {
    const period = periodQuery.safeParse(c.req.query('period'));
    if (!period.success) return errorResponse(c, 'BAD_REQUEST');
    const month = period.data ?? previousVietnamMonth(deps.now());
    const rd = reportDeps();
    const [{ report, workbook }, mark] = await Promise.all([produceReport(rd, month), rd.reports.getSendMark(month)]);
    const content = reportEmailContent(report, { kind: 'attachment', bytes: workbook });
    return c.json({
      period: month,
      subject: content.subject,
      totals: report.totals,
      // The centre's statistics rows that matched no roster: counted in the province total, shown without the person.
      unattributed: { rows: report.unattributed.rows.length, accountsCreated: report.unattributed.accountsCreated },
      recipients: rd.config.recipients,
      sentAt: mark?.state === 'sent' ? mark.sentAt : null,
    });
  });

  /** The report as its e-mail reads (HTML with the chart), for the page's preview frame. */
  app.get('/report/preview', async (c) => {
    const period = periodQuery.safeParse(c.req.query('period'));
    if (!period.success) return errorResponse(c, 'BAD_REQUEST');
    const { report, workbook } = await produceReport(reportDeps(), period.data ?? previousVietnamMonth(deps.now()));
    // Its own CSP: the mail's inline styles and nothing else (the page's `style-src 'self'` would strip them).
    return c.html(reportEmailContent(report, { kind: 'attachment', bytes: workbook }).html, 200, {
      [CSP_HEADER]: REPORT_PREVIEW_CSP,
    });
  });

  app.get('/report/workbook', async (c) => {
    const period = periodQuery.safeParse(c.req.query('period'));
    if (!period.success) return errorResponse(c, 'BAD_REQUEST');
    const month = period.data ?? previousVietnamMonth(deps.now());
    const { workbook } = await produceReport(reportDeps(), month);
    return download(c, workbook, workbookFileName(month));
  });

  /** Sends the month's report; a month already sent answers `already-sent` unless `force` (the page asks first). */
  app.post('/report/send', async (c) => {
    const body = await readJson(c, reportSendBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    const rd = reportDeps();
    const outcome = await sendReport(rd, body.period, { force: body.force });
    if (outcome.outcome === 'already-sent') {
      return c.json({ outcome: 'already-sent', period: body.period, sentAt: outcome.mark.sentAt, recipients: rd.config.recipients });
    }
    await audit(c.var.session, 'report-sent', { period: body.period, count: rd.config.recipients.length });
    return c.json({ outcome: 'sent', period: body.period, recipients: rd.config.recipients, forced: outcome.forced });
  });

  /** A unit's uploads, newest first, with their verdicts (counts only: never a row's content). */
  app.get('/units/:code/uploads', async (c) => {
    const [unit] = linkHolders([c.req.param('code')]);
    if (!unit) throw new AdminRefusal('unknown-unit');
    const now = deps.now();
    const uploads = (await deps.store.listUploads(unit.code, 50)).map((stored) => uploadAsSeenAt(stored, now));
    return c.json({
      unit: { code: unit.code, name: unit.name },
      uploads: uploads.map((u) => ({
        uploadId: u.uploadId,
        fileName: u.fileName,
        form: u.form,
        period: u.period,
        status: u.status,
        accepted: u.accepted,
        rows: u.rowsRead,
        issues: u.issueCount,
        createdAt: u.createdAt,
        annotated: u.annotatedKey !== null,
      })),
    });
  });

  /** The annotated workbook of an upload: a redirect to a 5-minute download link. */
  app.get('/uploads/:uploadId/annotated', async (c) => {
    const uploadId = uploadIdParam.safeParse(c.req.param('uploadId'));
    const upload = uploadId.success ? await deps.store.getUpload(uploadId.data) : undefined;
    if (!upload?.annotatedKey) return errorResponse(c, 'NOT_FOUND');
    const url = await presignDownload(deps.clients.s3, {
      bucket: deps.config.bucketName,
      key: upload.annotatedKey,
      downloadName: annotatedFileName(upload.fileName),
      expiresInSeconds: REPORT_URL_TTL_SECONDS,
    });
    return c.redirect(url, 302);
  });

  // ── The centre's own files, sent from the page: grants and the month's portal statistics ──────────────
  /** A presigned POST for the centre's file; the page sends the file to S3 itself, then polls the verdict. */
  app.post('/uploads', async (c) => {
    const body = await readJson(c, centreUploadBody);
    if (!body) return errorResponse(c, 'BAD_REQUEST');
    const started = await startCentreUpload(deps, body, c.var.session.expiresAt);
    // Recorded when the file is sent, whatever its verdict: the audit view shows that verdict beside it.
    await audit(c.var.session, CENTRE_UPLOAD_AUDIT[started.form], {
      form: started.form,
      // Grants are not about a month; statistics are.
      ...(started.form === 'results' ? { period: started.period } : {}),
      uploadId: started.uploadId,
    });
    return c.json(started, 201);
  });

  /** The verdict of one of the centre's uploads, as the upload page reads it (issues, rows, annotated workbook). */
  app.get('/uploads/:uploadId', async (c) => {
    const uploadId = uploadIdParam.safeParse(c.req.param('uploadId'));
    if (!uploadId.success) return errorResponse(c, 'NOT_FOUND');
    return c.json(await centreUploadStatus(deps, uploadId.data));
  });

  /** The rows of the centre's statistics for a month that no roster lists: row, name, accounts; never an ID or phone. */
  app.get('/results/unattributed', async (c) => {
    const period = z.string().regex(PERIOD_PATTERN).safeParse(c.req.query('period'));
    if (!period.success) return errorResponse(c, 'BAD_REQUEST');
    if (!isPeriodInBounds(period.data, deps.now())) throw new AdminRefusal('bad-period');
    return c.json(await unattributedRows(deps, period.data));
  });

  app.get('/audit', async (c) => {
    const entries = await withUploadOutcomes(deps, await store.listAudit());
    return c.json({ entries: entries.map((entry) => ({ ...entry, label: AUDIT_ACTIONS[entry.action] })) });
  });

  app.all('*', (c) => errorResponse(c, 'NOT_FOUND'));

  app.onError((error, c) => {
    const code: ApiErrorCode = error instanceof AdminRefusal ? error.code : apiErrorOf(error).code;
    const { status } = API_ERRORS[code];
    const log = status >= 500 ? deps.logger.error.bind(deps.logger) : deps.logger.info.bind(deps.logger);
    log('admin request refused', { code, status, method: c.req.method, route: c.req.routePath, ...safeError(error) });
    return errorResponse(c, code);
  });

  return app;
}
