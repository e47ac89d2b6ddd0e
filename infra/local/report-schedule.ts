/**
 * The monthly report's schedule on the embedded stack, standing in for EventBridge Scheduler: on start it
 * sends the report that is due (the month before the latest 08:00-on-the-1st, Vietnam time) unless it was
 * sent already (and unless there is nothing at all to report yet: no roster, no figures), then wakes at each
 * next 1st, 08:00 Vietnam time, while running. It calls the same
 * `sendReport` as the function, so the once-per-month mark holds across restarts and alongside `cli report
 * --send`. Only `npm start` runs it (`REPORT_SCHEDULE=off` turns it off); test stacks never do.
 */
import { safeError } from '../../shared/logger.js';
import { produceReport, type ReportDeps, type SendOutcome, sendReport } from '../../shared/report/run.js';
import { addMonths, formatPeriod, startOfVietnamDay, vietnamMonth } from '../../shared/vn/time.js';

/** The scheduled hour on the 1st (Vietnam time), as `cron(0 8 1 * ? *)` in the AWS app. */
const SCHEDULED_HOUR = 8;
/** Longest wait one timer may be given (Node clamps anything above 2^31 − 1 ms to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The run of `period`'s calendar month: 08:00 on its 1st, Vietnam time. */
function scheduledRunOf(period: string): Date {
  return new Date(startOfVietnamDay(`${period}-01`).getTime() + SCHEDULED_HOUR * 3_600_000);
}

/** The month whose report the latest scheduled run at or before `now` was for. */
export function dueReportPeriod(now: Date): string {
  const month = vietnamMonth(now);
  return now.getTime() >= scheduledRunOf(month).getTime() ? addMonths(month, -1) : addMonths(month, -2);
}

/** The next scheduled run after `now`. */
export function nextScheduledRun(now: Date): Date {
  const month = vietnamMonth(now);
  const thisMonth = scheduledRunOf(month);
  return now.getTime() < thisMonth.getTime() ? thisMonth : scheduledRunOf(addMonths(month, 1));
}

export interface ReportSchedule {
  /** The run made on start (resolves after it, whatever its outcome). */
  readonly initialRun: Promise<SendOutcome | undefined>;
  stop(): void;
}

export interface ReportScheduleOptions {
  /** Told of each outcome, in Vietnamese, for the console of `npm start`. */
  onOutcome?: (message: string) => void;
}

export function startReportSchedule(deps: ReportDeps, options: ReportScheduleOptions = {}): ReportSchedule {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tell = options.onOutcome ?? (() => undefined);

  const report = (outcome: SendOutcome) => {
    if (outcome.outcome === 'sent') tell(`Đã gửi báo cáo tháng ${formatPeriod(outcome.period)} theo lịch (thư trong hộp thư thử).`);
    return outcome;
  };

  const runDue = async (): Promise<SendOutcome | undefined> => {
    const period = dueReportPeriod(deps.now());
    try {
      const mark = await deps.reports.getSendMark(period);
      const produced = mark?.state === 'sent' ? undefined : await produceReport(deps, period);
      // A fresh installation has nothing to say about last month: no empty report to leadership.
      if (produced && produced.report.totals.officials === 0 && produced.report.totals.accountsCreated === 0) return undefined;
      return report(await sendReport(deps, period, { force: false, ...(produced ? { produced } : {}) }));
    } catch (error) {
      // Not silent: said on the console and logged; the next start or the next 1st tries again.
      deps.logger.error('scheduled monthly report failed', { period, ...safeError(error) });
      tell(`Chưa gửi được báo cáo tháng ${formatPeriod(period)} theo lịch; sẽ thử lại khi khởi động lại. Có thể gửi bằng: npm run cli -- report --period ${period} --send`);
      return undefined;
    }
  };

  const arm = () => {
    if (stopped) return;
    const wait = nextScheduledRun(deps.now()).getTime() - deps.now().getTime();
    timer = setTimeout(
      () => {
        // A long wait is cut into timer-sized pieces; only the last one runs the report.
        if (wait > MAX_TIMER_MS) return arm();
        void runDue().finally(arm);
      },
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
    timer.unref();
  };

  const initialRun = runDue().finally(arm);
  return {
    initialRun,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
