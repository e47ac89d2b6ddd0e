/**
 * `status [--deadline YYYY-MM-DD] [--json]`: every district and department with its roster (none,
 * rejected, accepted with N officials and when) against the deadline (25/6/2021 unless configured):
 * on time, late, missing.
 */
import { InputError } from '../../shared/errors.js';
import { parseCommandLine } from '../args.js';
import { type DeadlineStatus, rosterStates, type UnitRosterState } from '../../shared/pipeline/rosters.js';
import { storeTarget } from '../../infra/local/connect.js';
import { formatIsoDate, formatVietnamDateTime } from '../../shared/vn/time.js';

const USAGE = 'Cách dùng: npm run cli -- status [--deadline YYYY-MM-DD] [--json]\n';

export const DEADLINE_LABELS = {
  'on-time': 'đúng hạn',
  late: 'trễ hạn',
  missing: 'chưa nộp',
} as const satisfies Record<DeadlineStatus, string>;

function vietnamTime(iso: string | null): string {
  if (!iso) return '–';
  const shown = formatVietnamDateTime(new Date(iso));
  // dd/mm/yyyy HH:MM reads better in a table column than the helper's time-first order.
  return `${shown.slice(6)} ${shown.slice(0, 5)}`;
}

export function rosterLabel(state: UnitRosterState): string {
  if (state.roster === 'accepted') {
    const shared = state.sharedOfficials > 0 ? `, ${state.sharedOfficials} người cũng có ở đơn vị khác` : '';
    const rejectedSince = state.latestUpload?.status === 'rejected' ? '; lần tải gần nhất bị từ chối' : '';
    return `đã nhận: ${state.officials} cán bộ${shared}${rejectedSince}`;
  }
  if (state.roster === 'rejected') return 'bị từ chối (tệp có lỗi, chờ tải lại)';
  return state.latestUpload?.status === 'processing' ? 'đang xử lý' : 'chưa có';
}

/** A fixed-width table that lines up in a terminal (Vietnamese letters are one column each once NFC). */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)).join('  ').trimEnd())
    .join('\n');
}

function parse(args: string[]) {
  return parseCommandLine({ args, options: { deadline: { type: 'string' }, json: { type: 'boolean', default: false } } }, USAGE).values;
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  if (values.deadline !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.deadline)) {
    throw new InputError('Hạn nộp --deadline phải có dạng YYYY-MM-DD, ví dụ 2021-06-25.');
  }
  const target = await storeTarget(process.env);
  try {
    const deadline = values.deadline ?? target.rosterDeadline;
    const states = await rosterStates(target.deps.store, deadline);
    if (values.json) {
      const json = states.map((s) => ({
        unitCode: s.unit.code,
        unitName: s.unit.name,
        roster: s.roster,
        officials: s.officials,
        receivedAt: s.receivedAt,
        firstReceivedAt: s.firstReceivedAt,
        rosterStatus: s.deadline,
        sharedOfficials: s.sharedOfficials,
      }));
      process.stdout.write(`${JSON.stringify({ deadline, units: json }, null, 2)}\n`);
      return 0;
    }
    const header = ['Đơn vị', 'Danh sách', 'Nộp lúc (giờ VN)', 'Hạn nộp', 'Mã'];
    const lines = states.map((s) => [s.unit.name, rosterLabel(s), vietnamTime(s.firstReceivedAt), DEADLINE_LABELS[s.deadline], s.unit.code]);
    const count = (status: DeadlineStatus) => states.filter((s) => s.deadline === status).length;
    process.stdout.write(
      [
        `Tình hình nộp danh sách cán bộ bộ phận một cửa (hạn nộp: hết ngày ${formatIsoDate(deadline)})`,
        '',
        table([header, ...lines]),
        '',
        `Tổng cộng ${states.length} đơn vị: ${count('on-time')} đúng hạn, ${count('late')} trễ hạn, ${count('missing')} chưa nộp.`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    target.close();
  }
}
