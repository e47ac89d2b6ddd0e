/**
 * The monthly report end to end, the same code for the scheduled function, `cli report` and the local
 * schedule: load (Queries only) → model → workbook → e-mail → SES, at most once per month unless forced.
 *
 * Exactly once: the run builds everything first, then claims the month with a conditional write holding a
 * lease (`SEND_LEASE_MS`, longer than the function's timeout), sends, and marks the month sent. A repeated or
 * retried run finds "sent" and does nothing. A failed send gives the claim back and fails the run (retried,
 * then the dead-letter queue and its alarm). A crash *after* SES took the mail and before the mark leaves a
 * claim whose lease runs out: the next run sends again. That side is chosen on purpose: a duplicate report
 * is a nuisance, a report that silently never arrives is a failure.
 */
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESClient } from '@aws-sdk/client-ses';
import { sendRawEmail } from '../aws/mailer.js';
import { putObject } from '../aws/s3.js';
import { ConfigError, ConflictError } from '../errors.js';
import { type Logger, safeError } from '../logger.js';
import type { ReportStore, SendMark } from '../store/reports.js';
import type { ReportConfig } from './config.js';
import { buildReportEmail, SES_MAX_MESSAGE_BYTES, workbookFileName, XLSX_CONTENT_TYPE } from './email.js';
import { issueReportFileToken, REPORT_LINK_TTL_SECONDS, reportFileUrl, reportObjectKey } from './file-link.js';
import { loadReportData, type ReportSource } from './load.js';
import { buildReport } from './model.js';
import type { Report } from './types.js';
import { buildReportWorkbook } from './workbook.js';

export { REPORT_LINK_TTL_SECONDS, REPORTS_PREFIX } from './file-link.js';
/** A claim outlives the longest run (the function's 5-minute timeout) with a margin. */
export const SEND_LEASE_MS = 10 * 60_000;

export interface ReportDeps {
  source: ReportSource;
  reports: ReportStore;
  ses: SESClient;
  s3: S3Client;
  bucketName: string;
  rosterDeadline: string;
  config: ReportConfig;
  logger: Logger;
  now: () => Date;
  /** Above this raw size the workbook is linked, not attached (default: SES's limit; tests lower it). */
  maxMessageBytes?: number;
  /**
   * What signs the link to a workbook too large to attach (shared/report/file-link.ts): the token secret, and
   * the page's public origin the link points to (null when not configured: such a report then fails).
   */
  fileLink: { secret: string; publicBaseUrl: string | null };
}

export interface ProducedReport {
  report: Report;
  workbook: Uint8Array;
}

export async function produceReport(deps: ReportDeps, period: string): Promise<ProducedReport> {
  const now = deps.now();
  const deadlines = { roster: deps.rosterDeadline, grants: deps.config.grantsDeadline, resultsDay: deps.config.resultsDueDay };
  const data = await loadReportData(deps.source, deps.reports, { period, now, deadlines });
  const report = buildReport({ period, now, deadlines, rosters: data.rosters, months: data.months });
  return { report, workbook: await buildReportWorkbook(report) };
}

export type SendOutcome =
  | { outcome: 'sent'; period: string; messageId: string; forced: boolean; attached: boolean; report: Report }
  | { outcome: 'already-sent'; period: string; mark: SendMark };

/** The message, with the workbook attached, or linked when attaching it would pass SES's limit. */
async function composeMessage(deps: ReportDeps, produced: ProducedReport): Promise<{ raw: Uint8Array; attached: boolean }> {
  const { report, workbook } = produced;
  const base = { report, from: deps.config.sender, to: deps.config.recipients };
  const attached = await buildReportEmail({ ...base, workbook: { kind: 'attachment', bytes: workbook } });
  if (attached.raw.byteLength <= (deps.maxMessageBytes ?? SES_MAX_MESSAGE_BYTES)) return { raw: attached.raw, attached: true };
  // Fail before storing anything: a mail whose link leads nowhere is worse than no mail (the run's error alarms).
  const { publicBaseUrl, secret } = deps.fileLink;
  if (!publicBaseUrl) throw new ConfigError('report workbook too large to attach and no PUBLIC_BASE_URL (motcua:publicBaseUrl) to link it from');
  const key = reportObjectKey(report.period, workbookFileName(report.period), deps.now());
  await putObject(deps.s3, { bucket: deps.bucketName, key, body: workbook, contentType: XLSX_CONTENT_TYPE });
  const expiresAt = new Date(deps.now().getTime() + REPORT_LINK_TTL_SECONDS * 1000);
  const url = reportFileUrl(publicBaseUrl, issueReportFileToken({ key, period: report.period, expiresAt }, secret));
  const linked = await buildReportEmail({ ...base, workbook: { kind: 'link', url, expiresAt } });
  return { raw: linked.raw, attached: false };
}

/**
 * Sends `period`'s report unless it was sent already (`force` sends again, on purpose). Throws
 * `ConflictError` when another run holds the month's claim, `DependencyError` when SES failed after the
 * SDK's retries, `ConfigError` when there is nobody to send to, or when the workbook is too large to attach
 * and there is no public origin to link it from.
 */
export async function sendReport(
  deps: ReportDeps,
  period: string,
  options: { force: boolean; produced?: ProducedReport },
): Promise<SendOutcome> {
  if (deps.config.recipients.length === 0) throw new ConfigError('no report recipients (REPORT_RECIPIENTS)');
  const before = await deps.reports.getSendMark(period);
  if (before?.state === 'sent' && !options.force) return { outcome: 'already-sent', period, mark: before };

  const produced = options.produced ?? (await produceReport(deps, period));
  const message = await composeMessage(deps, produced);
  const now = deps.now();
  const claim = await deps.reports.claimSend(period, {
    claimId: randomUUID(),
    now,
    leaseUntil: new Date(now.getTime() + SEND_LEASE_MS),
    force: options.force,
  });
  if (claim.outcome === 'already-sent') return { outcome: 'already-sent', period, mark: claim.mark };
  if (claim.outcome === 'in-progress') throw new ConflictError(`report ${period} is being sent by another run`);

  let messageId: string;
  try {
    messageId = await sendRawEmail(deps.ses, { from: deps.config.sender, to: deps.config.recipients, raw: message.raw });
  } catch (error) {
    await deps.reports.releaseClaim(period, claim.claimId);
    deps.logger.error('monthly report not sent', { period, ...safeError(error) });
    throw error;
  }
  await deps.reports.markSent(period, { claimId: claim.claimId, messageId, now: deps.now() });
  deps.logger.info('monthly report sent', { period, messageId, forced: options.force, attached: message.attached, recipients: deps.config.recipients.length });
  return { outcome: 'sent', period, messageId, forced: options.force, attached: message.attached, report: produced.report };
}
