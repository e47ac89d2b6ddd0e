/**
 * `report --period YYYY-MM [--json] [--send] [--force] [--out FILE.xlsx]`: the monthly report to leadership,
 * the same code the scheduled function runs. Without `--json`, a short Vietnamese summary; `--json` prints
 * contract 4 (with extra fields); `--out` writes the workbook; `--send` e-mails it once per month (`--force`
 * sends again, on purpose).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { dataDirOf, runningStack, storeTarget } from '../../infra/local/connect.js';
import { ConflictError, DependencyError, InputError } from '../../shared/errors.js';
import { fillMessage } from '../../shared/messages.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { leadersAndLaggards } from '../../shared/report/model.js';
import { produceReport, sendReport } from '../../shared/report/run.js';
import { FIRST_REPORT_PERIOD, type Report } from '../../shared/report/types.js';
import { STATUS_LABELS } from '../../shared/report/workbook.js';
import { formatPeriod, formatVietnamDateTime, PERIOD_PATTERN, vietnamMonth } from '../../shared/vn/time.js';
import { parseCommandLine } from '../args.js';

export const USAGE =
  'Cách dùng: npm run cli -- report --period YYYY-MM [--json] [--send] [--force] [--out TỆP.xlsx]\n' +
  '  --period  tháng báo cáo, ví dụ 2021-07 (từ 2021-07 đến tháng hiện tại)\n' +
  '  --json    in báo cáo dạng JSON\n' +
  '  --send    gửi thư báo cáo cho lãnh đạo (mỗi tháng chỉ gửi một lần)\n' +
  '  --force   cùng với --send: gửi lại dù tháng đó đã gửi\n' +
  '  --out     ghi tệp Excel của báo cáo\n';

function parse(args: string[]) {
  return parseCommandLine(
    {
      args,
      options: {
        period: { type: 'string' },
        json: { type: 'boolean', default: false },
        send: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        out: { type: 'string' },
      },
    },
    USAGE,
  ).values;
}

const n = (value: number) => new Intl.NumberFormat('vi-VN').format(value);

export function summaryText(report: Report): string {
  const { totals } = report;
  const change =
    totals.change === null ? '' : totals.change === 0 ? ' (không đổi so với tháng trước)' : ` (${totals.change > 0 ? 'tăng' : 'giảm'} ${n(Math.abs(totals.change))} so với tháng trước)`;
  const { leading, lagging } = leadersAndLaggards(report);
  const missing = report.units.filter((u) => u.resultsStatus === 'missing');
  return [
    `Báo cáo kết quả hỗ trợ tạo tài khoản công dân tháng ${formatPeriod(report.period)}${report.provisional ? ` (${report.provisionalNote})` : ''}`,
    '',
    `  Tài khoản tạo trong tháng: ${n(totals.accountsCreated)}${change}`,
    `  Lũy kế từ tháng 7/2021:    ${n(totals.cumulative)}`,
    `  Cán bộ trong danh sách:    ${n(totals.officials)}, đã phân quyền: ${n(totals.granted)}`,
    `  Đơn vị đã báo cáo:         ${totals.unitsReported}/${report.units.length}`,
    ...(report.unattributed.accountsCreated > 0
      ? [`  Chưa xác định đơn vị:      ${n(report.unattributed.accountsCreated)} tài khoản của ${report.unattributed.officials} cán bộ`]
      : []),
    '',
    `Dẫn đầu: ${leading.map((u) => `${u.unitName} (${n(u.accountsCreated)})`).join(', ') || '–'}`,
    `Thấp nhất: ${lagging.map((u) => `${u.unitName} (${n(u.accountsCreated)})`).join(', ') || '–'}`,
    missing.length > 0
      ? `Chưa báo cáo số liệu tháng (${missing.length}): ${missing.map((u) => `${u.unitName} (danh sách: ${STATUS_LABELS[u.rosterStatus].toLowerCase()})`).join(', ')}`
      : 'Tất cả các đơn vị đã báo cáo số liệu tháng.',
    '',
  ].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  const period = values.period;
  if (period === undefined || !PERIOD_PATTERN.test(period)) {
    throw new InputError(`Thiếu hoặc sai tháng báo cáo --period (dạng YYYY-MM, ví dụ 2021-07).\n${USAGE}`);
  }
  const now = new Date();
  if (period < FIRST_REPORT_PERIOD || period > vietnamMonth(now)) {
    throw new InputError(`Tháng báo cáo phải từ 07/2021 đến tháng hiện tại (${formatPeriod(vietnamMonth(now))}).`);
  }
  if (values.force && !values.send) throw new InputError('--force chỉ dùng cùng với --send (gửi lại thư báo cáo).');
  const out = values.out === undefined ? undefined : resolve(values.out);
  if (out !== undefined && !out.toLowerCase().endsWith('.xlsx')) throw new InputError('Tệp --out phải có đuôi .xlsx, ví dụ --out bao-cao.xlsx.');
  const config = loadReportConfig(process.env);

  const target = await storeTarget(process.env);
  try {
    const deps = reportDepsFrom(target.deps, config);
    const produced = await produceReport(deps, period);
    if (out !== undefined) {
      await writeFile(out, produced.workbook);
      process.stderr.write(`Đã ghi báo cáo vào tệp: ${out}\n`);
    }
    process.stdout.write(values.json ? `${JSON.stringify(produced.report, null, 2)}\n` : summaryText(produced.report));
    if (!values.send) return 0;

    let outcome: Awaited<ReturnType<typeof sendReport>>;
    try {
      outcome = await sendReport(deps, period, { force: values.force, produced });
    } catch (error) {
      if (error instanceof ConflictError) {
        process.stderr.write(`Báo cáo tháng ${formatPeriod(period)} đang được gửi bởi một lần chạy khác. Vui lòng thử lại sau ít phút.\n`);
        return 1;
      }
      if (error instanceof DependencyError) {
        process.stderr.write(`Không gửi được thư báo cáo tháng ${formatPeriod(period)} (dịch vụ gửi thư không trả lời sau nhiều lần thử). Vui lòng thử lại sau.\n`);
        return 1;
      }
      throw error;
    }
    if (outcome.outcome === 'already-sent') {
      const sentAt = outcome.mark.sentAt ? formatVietnamDateTime(new Date(outcome.mark.sentAt)) : '–';
      process.stderr.write(`${fillMessage('REPORT_ALREADY_SENT', { period: formatPeriod(period), sentAt })} Dùng thêm --force nếu cần gửi lại.\n`);
      return 0;
    }
    process.stderr.write(
      `${outcome.forced ? 'Đã gửi lại (theo yêu cầu --force)' : 'Đã gửi'} thư báo cáo tháng ${formatPeriod(period)} tới ${config.recipients.join(', ')}.\n`,
    );
    const stack = process.env.MOTCUA_TARGET === 'aws' ? undefined : await runningStack(dataDirOf(process.env));
    if (stack) process.stderr.write(`Xem thư trong hộp thư thử: ${stack.sesUrl}/\n`);
    return 0;
  } finally {
    target.close();
  }
}
