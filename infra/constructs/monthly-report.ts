/**
 * The monthly report on AWS: the scheduled function (EventBridge Scheduler, 08:00 Asia/Ho_Chi_Minh on the
 * 1st, for the previous month), with retries, a dead-letter queue and alarms from `addScheduledFunction`, and
 * exactly the grants it needs: the table (Queries, and writes of the report's own items: snapshots, figures,
 * the send mark), the `reports/` prefix of the uploads bucket (a workbook too large to attach, and the
 * presigned link to it), and SES sending from the configured sender only. No token secret: the report
 * never hashes a person.
 */
import type { IntakeStack, ScheduledFunction } from '../intake-stack.js';
import { REPORTS_PREFIX } from '../../shared/report/run.js';
import { VIETNAM_TIME_ZONE } from '../../shared/vn/time.js';

export const MONTHLY_REPORT_ENTRY = 'functions/monthly-report/handler.ts';
/** 08:00 on the 1st of every month, read in `VIETNAM_TIME_ZONE`. */
export const MONTHLY_REPORT_SCHEDULE = 'cron(0 8 1 * ? *)';

export function addMonthlyReport(stack: IntakeStack): ScheduledFunction {
  return stack.addScheduledFunction({
    id: 'MonthlyReport',
    entry: MONTHLY_REPORT_ENTRY,
    description: 'Monthly report to the provincial leadership: workbook and e-mail, once per month',
    schedule: MONTHLY_REPORT_SCHEDULE,
    timeZone: VIETNAM_TIME_ZONE,
    access: { table: 'read-write', readObjects: [REPORTS_PREFIX], writeObjects: [REPORTS_PREFIX], sendEmail: true },
    // The deadlines the report judges against (shared/report/config.ts); the roster's is set on every function.
    environment: { GRANTS_DEADLINE: stack.config.grantsDeadline, RESULTS_DUE_DAY: String(stack.config.resultsDueDay) },
  });
}
