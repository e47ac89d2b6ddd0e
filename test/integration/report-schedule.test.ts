/**
 * The local stand-in for EventBridge Scheduler: which month is due around the 1st at 08:00 Vietnam time, and
 * a start that sends the due report once, however often the stack is restarted.
 */
import { describe, expect, it } from 'vitest';
import { dueReportPeriod, nextScheduledRun, startReportSchedule } from '../../infra/local/report-schedule.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { objectOrderKey } from '../../shared/store/store.js';
import { useLocalStack } from '../support/local-stack.js';

const stackRef = useLocalStack();

describe('the local report schedule', () => {
  it.each([
    ['2021-08-01T00:59:59Z', '2021-06'], // 07:59:59 on 1 August in Vietnam: July's run has not come yet
    ['2021-08-01T01:00:00Z', '2021-07'], // 08:00 on 1 August: July is due
    ['2021-08-20T05:00:00Z', '2021-07'],
    ['2021-12-31T17:30:00Z', '2021-11'], // 00:30 on 1 January 2022 in Vietnam, before 08:00
    ['2022-01-01T01:00:00Z', '2021-12'],
  ])('at %s the due report is %s', (instant, period) => {
    expect(dueReportPeriod(new Date(instant))).toBe(period);
  });

  it.each([
    ['2021-07-31T17:30:00Z', '2021-08-01T01:00:00.000Z'],
    ['2021-08-01T01:00:00Z', '2021-09-01T01:00:00.000Z'],
    ['2021-12-15T00:00:00Z', '2022-01-01T01:00:00.000Z'],
  ])('after %s the next run is at %s', (instant, next) => {
    expect(nextScheduledRun(new Date(instant)).toISOString()).toBe(next);
  });

  it('sends nothing while there is nothing to report, then the due report on start, once across restarts', async () => {
    const stack = stackRef.current;
    await fetch(`${stack.sesUrl}/clear-store`, { method: 'POST' });
    const deps = { ...reportDepsFrom(stack.deps, loadReportConfig({})), now: () => new Date('2021-08-02T03:00:00Z') };
    const empty = startReportSchedule(deps);
    await expect(empty.initialRun).resolves.toBeUndefined();
    empty.stop();

    const person = { row: 7, name: 'Cán bộ 1', workUnitCode: '546', idNumber: '052089001234', phone: '0366432390', idHash: 'id-1', sharedWith: [] };
    await stack.deps.store.writeRosterVersion('546', 'v1', [person]);
    await stack.deps.store.flipRoster(
      { unit: '546', versionId: 'v1', uploadId: 'u1', orderKey: objectOrderKey(new Date('2021-06-20T00:00:00Z'), '0A'), officialCount: 1, receivedAt: new Date('2021-06-20T00:00:00Z') },
      new Date('2021-06-20T00:00:00Z'),
    );
    const messages: string[] = [];
    const first = startReportSchedule(deps, { onOutcome: (message) => messages.push(message) });
    await expect(first.initialRun).resolves.toMatchObject({ outcome: 'sent', period: '2021-07' });
    first.stop();
    const second = startReportSchedule(deps);
    await expect(second.initialRun).resolves.toMatchObject({ outcome: 'already-sent', period: '2021-07' });
    second.stop();
    const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: { subject: string }[] };
    expect(store.emails.map((email) => email.subject)).toEqual(['Báo cáo kết quả hỗ trợ tạo tài khoản công dân tháng 07/2021']);
    expect(messages).toEqual(['Đã gửi báo cáo tháng 07/2021 theo lịch (thư trong hộp thư thử).']);
  });
});
