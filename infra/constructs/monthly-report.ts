/**
 * The monthly report on AWS: the scheduled function (EventBridge Scheduler, 08:00 Asia/Ho_Chi_Minh on the
 * 1st, for the previous month), with retries, a dead-letter queue and alarms from `addScheduledFunction`, and
 * exactly the grants it needs: the table (Queries, and writes of the report's own items: snapshots, figures,
 * the send mark), writes under the `reports/` prefix of the uploads bucket (a workbook too large to attach),
 * the token secret (to sign the 7-day link to that workbook, which the api function serves: it alone reads
 * `reports/`), and SES sending from the configured sender only.
 */
import { Annotations } from 'aws-cdk-lib';
import { REPORTS_PREFIX } from '../../shared/report/file-link.js';
import { QUERIED_INDEXES } from '../../shared/store/table.js';
import { VIETNAM_TIME_ZONE } from '../../shared/vn/time.js';
import type { IntakeStack, ScheduledFunction } from '../intake-stack.js';
import { grantReportFileReads } from './dashboard-access.js';

export const MONTHLY_REPORT_ENTRY = 'functions/monthly-report/handler.ts';
/** 08:00 on the 1st of every month, read in `VIETNAM_TIME_ZONE`. */
export const MONTHLY_REPORT_SCHEDULE = 'cron(0 8 1 * ? *)';

export function addMonthlyReport(stack: IntakeStack): ScheduledFunction {
  const report = stack.addScheduledFunction({
    id: 'MonthlyReport',
    entry: MONTHLY_REPORT_ENTRY,
    description: 'Monthly report to the provincial leadership: workbook and e-mail, once per month',
    schedule: MONTHLY_REPORT_SCHEDULE,
    timeZone: VIETNAM_TIME_ZONE,
    access: { table: 'read-write', queryIndexes: QUERIED_INDEXES.report, writeObjects: [REPORTS_PREFIX], tokenSecret: true, sendEmail: true },
    environment: {
      // The deadlines the report judges against (shared/report/config.ts); the roster's is set on every function.
      GRANTS_DEADLINE: stack.config.grantsDeadline,
      RESULTS_DUE_DAY: String(stack.config.resultsDueDay),
      // The origin the link to a workbook too large to attach points at; unset, such a report fails loudly.
      ...(stack.config.publicBaseUrl ? { PUBLIC_BASE_URL: stack.config.publicBaseUrl } : {}),
    },
  });
  if (!stack.config.publicBaseUrl) {
    Annotations.of(report.function).addWarningV2(
      'motcua:report-without-public-base-url',
      'A monthly report whose workbook is too large to attach (over 10 MB) fails, with an alarm, until motcua:publicBaseUrl is set: deploy once, then redeploy with -c motcua:publicBaseUrl=<PublicBaseUrl output>.',
    );
  }
  grantReportFileReads(stack);
  return report;
}
