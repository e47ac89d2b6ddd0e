/**
 * `invite --unit CODE [--form roster|results] [--period YYYY-MM] [--expires 7d]` prints an upload link;
 * `invite --all` prints one per district and department; `invite --centre --form results|grants` prints the
 * centre's own link (contract 5). Only links go to stdout (one per line, so
 * `$(npm run --silent cli -- invite --unit 548)` works); the explanation goes to stderr. Each link issued is
 * recorded in the store (when one is reachable), so that `status` shows who was sent a link and when.
 */
import { InputError } from '../../shared/errors.js';
import { fillMessage } from '../../shared/messages.js';
import { parseCommandLine } from '../args.js';
import {
  CENTRE_UNIT,
  FORMS_BY_HOLDER,
  formAllowedFor,
  issueToken,
  periodOutOfBoundsReason,
  UPLOAD_FORMS,
  type UploadForm,
} from '../../shared/tokens.js';
import { formatPeriod, formatVietnamDateTime, previousVietnamMonth, vietnamMonth } from '../../shared/vn/time.js';
import { isUploaderUnit, unitByCode, uploaderUnits } from '../../shared/vn/units.js';
import { inviteTarget, storeTarget } from '../../infra/local/connect.js';

export const USAGE = [
  'Cách dùng: npm run cli -- invite --unit MÃ_ĐƠN_VỊ [--form roster|results] [--period YYYY-MM] [--expires 7d]',
  '           npm run cli -- invite --all [--form roster|results] [--period YYYY-MM] [--expires 7d]',
  '           npm run cli -- invite --centre --form results|grants [--period YYYY-MM] [--expires 7d]',
  '',
  '  --unit MÃ      một huyện, thị xã, thành phố (ví dụ 548) hoặc sở, ban, ngành (ví dụ so-noi-vu)',
  '  --all          mỗi huyện và mỗi sở, ban, ngành một đường dẫn',
  '  --centre       đường dẫn của Trung tâm Phục vụ hành chính công (chỉ --form results hoặc grants)',
  '  --form         roster: danh sách cán bộ (mặc định); results: kết quả hằng tháng; grants: phân quyền đã cấp',
  '  --period       tháng báo cáo YYYY-MM, từ 2021-01 đến tháng sau (mặc định: tháng này; với results: tháng trước)',
  '  --expires      thời hạn dùng được của đường dẫn (mặc định 7d), tối đa 90 ngày:',
  '                 30p = 30 phút, 2h hoặc 2g = 2 giờ, 14d hoặc 14ng = 14 ngày',
  '',
].join('\n');

/** Units an `--expires` value may be written in; `m` is refused (minute or month?), see parseValidity. */
const DURATION_UNITS = {
  p: 60_000,
  'phút': 60_000,
  h: 3_600_000,
  g: 3_600_000,
  'giờ': 3_600_000,
  d: 86_400_000,
  ng: 86_400_000,
  'ngày': 86_400_000,
} as const satisfies Record<string, number>;
const MAX_VALIDITY_DAYS = 90;
const MAX_VALIDITY_MS = MAX_VALIDITY_DAYS * DURATION_UNITS.d;
const VALIDITY_EXAMPLES = '30p (30 phút), 2h hoặc 2g (2 giờ), 14d hoặc 14ng (14 ngày)';

function isDurationUnit(unit: string): unit is keyof typeof DURATION_UNITS {
  return Object.hasOwn(DURATION_UNITS, unit);
}

/** "30p", "2h", "14d" (also "2g", "14ng", "2 giờ", "14 ngày") → milliseconds; an `InputError` saying why otherwise. */
export function parseValidity(text: string): number {
  const match = /^(\d{1,6})\s*(\p{L}+)$/u.exec(text.normalize('NFC').trim().toLowerCase());
  const unit = match?.[2];
  if (unit === 'm') {
    throw new InputError(
      `Thời hạn --expires "${text}" dễ nhầm: "m" là phút hay tháng? Ghi ${match?.[1]}p nếu là phút; thời hạn tính bằng ngày thì ghi d, ví dụ 30d (tối đa ${MAX_VALIDITY_DAYS} ngày).`,
    );
  }
  if (!match || unit === undefined || !isDurationUnit(unit)) {
    throw new InputError(`Thời hạn --expires "${text}" không đọc được. Ghi số kèm đơn vị, ví dụ ${VALIDITY_EXAMPLES}.`);
  }
  const ms = Number(match[1]) * DURATION_UNITS[unit];
  if (ms <= 0) throw new InputError('Thời hạn --expires phải lớn hơn 0.');
  if (ms > MAX_VALIDITY_MS) throw new InputError(`Thời hạn --expires "${text}" quá dài: tối đa ${MAX_VALIDITY_DAYS} ngày (${MAX_VALIDITY_DAYS}d).`);
  return ms;
}

/** The month a form is about by default: the previous one for results, the current one otherwise (grants: informational). */
export function defaultPeriod(form: UploadForm, now: Date): string {
  return form === 'results' ? previousVietnamMonth(now) : vietnamMonth(now);
}

const FORM_NAMES = {
  roster: 'danh sách cán bộ (Phụ lục 2)',
  results: 'kết quả hằng tháng',
  grants: 'phân quyền đã cấp trên Cổng dịch vụ công',
} as const satisfies Record<UploadForm, string>;

function formLabel(form: UploadForm, period: string): string {
  return form === 'results' ? `kết quả tháng ${formatPeriod(period)}` : FORM_NAMES[form];
}

function formatVietnamTime(date: Date): string {
  return formatVietnamDateTime(date).replace(' ', ' ngày ');
}

function isUploadForm(value: string): value is UploadForm {
  return (UPLOAD_FORMS as readonly string[]).includes(value);
}

function describeForms(forms: readonly UploadForm[]): string {
  return forms.map((f) => `${f} (${FORM_NAMES[f]})`).join(' hoặc ');
}

function parse(args: string[]) {
  const options = {
    unit: { type: 'string' },
    all: { type: 'boolean', default: false },
    centre: { type: 'boolean', default: false },
    form: { type: 'string' },
    period: { type: 'string' },
    expires: { type: 'string', default: '7d' },
  } as const;
  return parseCommandLine({ args, options }, USAGE).values;
}

/** Who gets a link: one unit, every uploader unit, or the centre; with the form checked against the holder. */
function holdersAndForm(values: ReturnType<typeof parse>): { holders: string[]; form: UploadForm } {
  const chosen = [values.unit !== undefined, values.all, values.centre].filter(Boolean).length;
  if (chosen !== 1) throw new InputError(`Cần đúng một trong --unit MÃ_ĐƠN_VỊ, --all hoặc --centre.\n${USAGE}`);
  if (values.form !== undefined && !isUploadForm(values.form)) {
    throw new InputError(`Biểu mẫu "${values.form}" không có; chọn ${describeForms(UPLOAD_FORMS)}.`);
  }
  if (values.centre) {
    if (values.form === undefined) throw new InputError(`Đường dẫn của Trung tâm cần --form: ${describeForms(FORMS_BY_HOLDER.centre)}.`);
    if (!formAllowedFor(CENTRE_UNIT, values.form)) {
      throw new InputError(
        `Trung tâm không nộp ${values.form} (${FORM_NAMES[values.form]}) qua đường dẫn: chỉ ${describeForms(FORMS_BY_HOLDER.centre)}.`,
      );
    }
    return { holders: [CENTRE_UNIT], form: values.form };
  }
  const form = values.form ?? 'roster';
  if (values.unit !== undefined && !isUploaderUnit(values.unit)) {
    throw new InputError(fillMessage('UNKNOWN_UNIT_CODE', { code: values.unit }));
  }
  const holders = values.unit !== undefined ? [values.unit] : uploaderUnits().map((u) => u.code);
  if (!holders.every((holder) => formAllowedFor(holder, form))) {
    throw new InputError(
      `Đơn vị không nộp ${form} (${FORM_NAMES[form]}): đường dẫn của đơn vị chỉ dành cho ${describeForms(FORMS_BY_HOLDER.unit)}. Phân quyền do Trung tâm nộp: invite --centre --form ${form}.`,
    );
  }
  return { holders, form };
}

/** Records the links in the store, so `status` shows them; locally without a running stack, says it could not. */
async function recordIssued(holders: readonly string[], form: UploadForm, issuedAt: Date, expiresAt: Date): Promise<void> {
  let target: Awaited<ReturnType<typeof storeTarget>>;
  try {
    target = await storeTarget(process.env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(
      'Lưu ý: hệ thống chạy thử chưa bật (npm start) nên việc cấp đường dẫn này không được ghi lại; lệnh status sẽ không thấy. Đường dẫn vẫn dùng được.\n',
    );
    return;
  }
  try {
    for (const unit of holders) await target.deps.store.recordLinkIssued({ unit, form, issuedAt, expiresAt });
  } finally {
    target.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  const { holders, form } = holdersAndForm(values);
  const validity = parseValidity(values.expires);
  const now = new Date();
  const period = values.period ?? defaultPeriod(form, now);
  const outOfBounds = periodOutOfBoundsReason(period, now);
  if (outOfBounds) throw new InputError(`${outOfBounds.replace('Kỳ báo cáo', 'Kỳ báo cáo --period')} Ví dụ: --period 2021-06.`);

  const { secret, baseUrl } = await inviteTarget(process.env);
  // Whole seconds, as the token carries it: the expiry printed and recorded is the link's own.
  const expiresAt = new Date(Math.floor((now.getTime() + validity) / 1000) * 1000);
  const links = holders.map((unit) => ({ unit, link: `${baseUrl}/u/${issueToken({ unit, form, period, expiresAt, issuedAt: now }, secret)}` }));
  // Recorded before anything is printed: a link the centre holds is always one `status` knows about.
  await recordIssued(holders, form, now, expiresAt);

  const forWhom = values.centre ? ' cho Trung tâm Phục vụ hành chính công tỉnh' : '';
  process.stderr.write(`Đường dẫn tải lên ${formLabel(form, period)}${forWhom}, dùng được đến ${formatVietnamTime(expiresAt)} (giờ Việt Nam):\n`);
  for (const { unit, link } of links) {
    if (links.length > 1) process.stderr.write(`${unitByCode(unit)?.name ?? unit}:\n`);
    process.stdout.write(`${link}\n`);
  }
  process.stderr.write(
    values.centre
      ? 'Đường dẫn này chỉ dành cho cán bộ của Trung tâm: ai có đường dẫn đều tải lên được.\n'
      : 'Gửi mỗi đường dẫn cho đúng đơn vị: ai có đường dẫn đều tải lên được cho đơn vị đó.\n',
  );
  return 0;
}
