/**
 * The monthly-report function: run by EventBridge Scheduler at 08:00 Vietnam time on the 1st, it reports on
 * the previous month (in Vietnam time) of the scheduled instant, and sends the e-mail once. A run that finds
 * the month already sent succeeds without sending; a failure is thrown, so Lambda retries and, in the end,
 * the dead-letter queue and its alarm say so.
 */
import * as z from 'zod';
import { type LambdaHandler, safeError, withLambdaContext } from '../../shared/logger.js';
import type { ReportDeps, SendOutcome } from '../../shared/report/run.js';
import { sendReport } from '../../shared/report/run.js';
import { PERIOD_PATTERN, previousVietnamMonth } from '../../shared/vn/time.js';

/**
 * What the schedule sends (`scheduledTime` from the scheduler's context attribute); `period` and `force`
 * let an operator invoke it by hand for one month. Anything else in the event is ignored.
 */
export const monthlyReportEvent = z.object({
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
  period: z.string().regex(PERIOD_PATTERN).optional(),
  force: z.boolean().default(false),
});

export interface MonthlyReportResult {
  period: string;
  outcome: SendOutcome['outcome'];
  messageId: string | null;
}

/** The month a run reports on: the one given, else the month before the scheduled (or current) instant. */
export function reportPeriodOf(event: z.infer<typeof monthlyReportEvent>, now: Date): string {
  return event.period ?? previousVietnamMonth(event.scheduledTime ? new Date(event.scheduledTime) : now);
}

export function createMonthlyReportHandler(deps: ReportDeps): LambdaHandler<unknown, MonthlyReportResult> {
  return withLambdaContext(deps.logger, async (raw) => {
    const parsed = monthlyReportEvent.safeParse(raw ?? {});
    if (!parsed.success) {
      // A malformed event is not retried into success: fail it so it lands in the dead-letter queue.
      deps.logger.error('monthly report: unexpected event shape');
      throw new Error('monthly report: unexpected event shape', { cause: parsed.error });
    }
    const period = reportPeriodOf(parsed.data, deps.now());
    try {
      const outcome = await sendReport(deps, period, { force: parsed.data.force });
      if (outcome.outcome === 'already-sent') deps.logger.info('monthly report already sent', { period, sentAt: outcome.mark.sentAt });
      return { period, outcome: outcome.outcome, messageId: outcome.outcome === 'sent' ? outcome.messageId : outcome.mark.messageId };
    } catch (error) {
      deps.logger.error('monthly report failed', { period, ...safeError(error) });
      throw error;
    }
  });
}
