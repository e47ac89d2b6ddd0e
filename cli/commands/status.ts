/**
 * `status [--deadline YYYY-MM-DD] [--json]`: every district and department with its roster (none,
 * rejected, accepted with N officials and when) against the deadline (25/6/2021 unless configured):
 * on time, late, missing; with the roster files it sent (how many, the latest when) and the link it was
 * issued (when).
 */
import { InputError } from '../../shared/errors.js';
import { MESSAGES } from '../../shared/messages.js';
import { parseCommandLine } from '../args.js';
import { type DeadlineStatus, rosterStates, type UnitRosterState } from '../../shared/pipeline/rosters.js';
import { storeTarget } from '../../infra/local/connect.js';
import type { DeadLetter } from '../../infra/local/delivery.js';
import { decodeEventKey, parseIncomingKey } from '../../shared/aws/s3.js';
import { unitByCode } from '../../shared/vn/units.js';
import { grantsByUnit, type UnitGrants } from '../../shared/pipeline/grants-status.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { formatIsoDate, formatVietnamDate, formatVietnamDateTime, isCalendarDate } from '../../shared/vn/time.js';

export const USAGE = [
  'Cách dùng: npm run cli -- status [--deadline YYYY-MM-DD] [--grants-deadline YYYY-MM-DD] [--json]',
  '',
  '  --deadline          hạn nộp danh sách, ví dụ 2021-06-25 (mặc định: ROSTER_DEADLINE, hoặc 25/06/2021)',
  '  --grants-deadline   hạn phân quyền trên Cổng, ví dụ 2021-06-30 (mặc định: GRANTS_DEADLINE, hoặc 30/06/2021)',
  '  --json              in kết quả dạng JSON',
  '',
].join('\n');

/** The catalogue's standings, in lower case: the table and the summary sentence use them mid-sentence. */
const inSentence = (label: string) => label.toLocaleLowerCase('vi');

export const DEADLINE_LABELS = {
  'on-time': inSentence(MESSAGES.DEADLINE_ON_TIME),
  late: inSentence(MESSAGES.DEADLINE_LATE),
  missing: inSentence(MESSAGES.DEADLINE_MISSING),
} as const satisfies Record<DeadlineStatus, string>;

/** The same three standings, said of permissions: "missing" means someone is not granted yet. */
export const GRANTS_LABELS = {
  'on-time': DEADLINE_LABELS['on-time'],
  late: DEADLINE_LABELS.late,
  missing: 'chưa đủ',
} as const satisfies Record<DeadlineStatus, string>;

const NONE = '–';

/** `dd/mm/yyyy HH:MM` in Vietnam: in a table column the date reads first. */
function vietnamTime(iso: string | null): string {
  if (!iso) return NONE;
  const [time, date] = formatVietnamDateTime(new Date(iso)).split(' ');
  return `${date} ${time}`;
}

/** The roster column: short, so that the table fits a terminal; details go to the notes under it. */
export function rosterLabel(state: UnitRosterState): string {
  if (state.roster === 'accepted') return `đã nhận: ${state.officials} cán bộ`;
  if (state.roster === 'rejected') return 'bị từ chối';
  return state.latestUpload?.status === 'processing' ? 'đang xử lý' : 'chưa có';
}

/** What the table has no room for: shared officials, a rejected file after an accepted one, a rejected unit waiting. */
function notes(state: UnitRosterState): string[] {
  const found: string[] = [];
  if (state.sharedOfficials > 0) found.push(`${state.sharedOfficials} người cũng có trong danh sách của đơn vị khác`);
  if (state.roster === 'accepted' && state.latestUpload?.status === 'rejected') found.push('lần tải gần nhất bị từ chối, danh sách đã nhận vẫn giữ');
  if (state.roster === 'rejected') found.push('tệp gần nhất có lỗi, chờ đơn vị tải lại');
  if (state.latestUpload?.status === 'failed') found.push('lần tải gần nhất không xử lý được, đơn vị cần tải lại');
  return found;
}

/**
 * Step 3 of the letter, under the table (which has no room for an eighth column): for each unit with a
 * roster, how many of its current officials were granted the portal permission, and its standing.
 */
function grantsLines(states: readonly UnitRosterState[], grants: ReadonlyMap<string, UnitGrants>, deadline: string): string[] {
  const listed = states.flatMap((s) => {
    const figures = grants.get(s.unit.code);
    return figures ? [{ name: s.unit.name, figures }] : [];
  });
  const officials = listed.reduce((sum, u) => sum + u.figures.officials, 0);
  const granted = listed.reduce((sum, u) => sum + u.figures.granted, 0);
  return [
    `Phân quyền trên Cổng (hạn: hết ngày ${formatIsoDate(deadline)}): ${granted}/${officials} cán bộ đã được phân quyền.`,
    ...listed.map(
      ({ name, figures }) => `- ${name}: ${figures.granted}/${figures.officials} cán bộ, ${GRANTS_LABELS[figures.deadline]}.`,
    ),
    '',
  ];
}

function linkLabel(state: UnitRosterState): string {
  return state.link ? formatVietnamDate(new Date(state.link.lastIssuedAt)) : 'chưa cấp';
}

/** A fixed-width table that lines up in a terminal (Vietnamese letters are one column each once NFC). */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)).join('  ').trimEnd())
    .join('\n');
}

function parse(args: string[]) {
  const options = { deadline: { type: 'string' }, 'grants-deadline': { type: 'string' }, json: { type: 'boolean', default: false } } as const;
  return parseCommandLine({ args, options }, USAGE).values;
}

function asJson(state: UnitRosterState, grants: UnitGrants | undefined) {
  return {
    unitCode: state.unit.code,
    unitName: state.unit.name,
    roster: state.roster,
    officials: state.officials,
    receivedAt: state.receivedAt,
    firstReceivedAt: state.firstReceivedAt,
    rosterStatus: state.deadline,
    sharedOfficials: state.sharedOfficials,
    granted: grants?.granted ?? 0,
    grantsStatus: grants?.deadline ?? 'missing',
    attempts: state.attempts,
    lastAttemptAt: state.lastAttemptAt,
    lastAttemptStatus: state.latestUpload?.status ?? null,
    link: state.link
      ? { issued: true, count: state.link.count, lastIssuedAt: state.link.lastIssuedAt, lastExpiresAt: state.link.lastExpiresAt }
      : { issued: false, count: 0, lastIssuedAt: null, lastExpiresAt: null },
  };
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  if (values.deadline !== undefined && !isCalendarDate(values.deadline)) {
    throw new InputError(`Hạn nộp --deadline "${values.deadline}" không phải một ngày có thật; ghi dạng YYYY-MM-DD, ví dụ 2021-06-25.`);
  }
  const grantsDeadlineOption = values['grants-deadline'];
  if (grantsDeadlineOption !== undefined && !isCalendarDate(grantsDeadlineOption)) {
    throw new InputError(`Hạn phân quyền --grants-deadline "${grantsDeadlineOption}" không phải một ngày có thật; ghi dạng YYYY-MM-DD, ví dụ 2021-06-30.`);
  }
  const grantsDeadline = grantsDeadlineOption ?? loadReportConfig(process.env).grantsDeadline;
  const target = await storeTarget(process.env);
  try {
    const deadline = values.deadline ?? target.rosterDeadline;
    const [states, grants] = await Promise.all([
      rosterStates(target.deps.store, deadline),
      grantsByUnit(target.deps.store, target.deps.grants, grantsDeadline),
    ]);
    const deadLetters = (await target.deadLetters()).map(deadLetterOf);
    if (values.json) {
      const units = states.map((s) => asJson(s, grants.get(s.unit.code)));
      process.stdout.write(`${JSON.stringify({ deadline, grantsDeadline, units, deadLetters }, null, 2)}\n`);
      return 0;
    }
    // Seven columns in under 120: the deadline is a day, so the first accepted file's date is enough.
    const header = ['Đơn vị', 'Danh sách', 'Hạn nộp', 'Nộp ngày', 'Lần tải', 'Tải gần nhất', 'Đường dẫn'];
    const rows = states.map((s) => [
      s.unit.name,
      rosterLabel(s),
      DEADLINE_LABELS[s.deadline],
      s.firstReceivedAt ? formatVietnamDate(new Date(s.firstReceivedAt)) : NONE,
      String(s.attempts),
      vietnamTime(s.lastAttemptAt),
      linkLabel(s),
    ]);
    const noted = states.flatMap((s) => {
      const found = notes(s);
      return found.length > 0 ? [`- ${s.unit.name}: ${found.join('; ')}.`] : [];
    });
    const count = (status: DeadlineStatus) => states.filter((s) => s.deadline === status).length;
    process.stdout.write(
      [
        `Tình hình nộp danh sách cán bộ bộ phận một cửa (hạn nộp: hết ngày ${formatIsoDate(deadline)}; giờ Việt Nam)`,
        '',
        table([header, ...rows]),
        '',
        ...(noted.length > 0 ? ['Ghi chú:', ...noted, ''] : []),
        `Tổng cộng ${states.length} đơn vị: ${count('on-time')} đúng hạn, ${count('late')} trễ hạn, ${count('missing')} chưa nộp.`,
        '"Lần tải": số tệp đơn vị đã gửi; "Đường dẫn": ngày cấp đường dẫn tải lên gần nhất (lệnh invite).',
        '',
        ...grantsLines(states, grants, grantsDeadline),
        '',
        ...deadLetterLines(deadLetters),
      ].join('\n'),
    );
    return 0;
  } finally {
    target.close();
  }
}

/** A dead-lettered upload event as staff see it: unit and upload id only (keys never hold personal data). */
function deadLetterOf(letter: DeadLetter) {
  const key = letter.objectKey === undefined ? undefined : decodeEventKey(letter.objectKey);
  const parts = key === undefined ? undefined : parseIncomingKey(key);
  return {
    unit: parts ? { code: parts.unit, name: unitByCode(parts.unit)?.name ?? parts.unit } : null,
    uploadId: parts?.uploadId ?? null,
    attempts: letter.attempts,
    lastFailureAt: letter.lastFailureAt ?? null,
  };
}

/** What to do about uploads nobody could process (the local stack's dead letters). */
function deadLetterLines(letters: ReturnType<typeof deadLetterOf>[]): string[] {
  if (letters.length === 0) return [];
  return [
    `Có ${letters.length} tệp tải lên chưa kiểm tra được sau ${letters[0]?.attempts ?? ''} lần thử (hệ thống đã ngừng thử):`,
    ...letters.map(
      (l) => `- ${l.unit?.name ?? 'không rõ đơn vị'}, mã tải lên ${l.uploadId ?? 'không rõ'}, lần thử cuối ${vietnamTime(l.lastFailureAt)}.`,
    ),
    'Xem nhật ký của cửa sổ "npm start" để biết nguyên nhân. Sau khi khắc phục, chuyển các tệp trong thư mục .data/dead-letters/ về .data/events/ rồi khởi động lại "npm start" để kiểm tra lại.',
    '',
  ];
}
