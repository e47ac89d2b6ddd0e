/**
 * `invite --unit CODE [--form roster|results] [--period YYYY-MM] [--expires 7d]` prints an upload link;
 * `invite --all` prints one per district and department. Only links go to stdout (one per line, so
 * `$(npm run --silent cli -- invite --unit 548)` works); the explanation goes to stderr.
 */
import { InputError } from '../../shared/errors.js';
import { parseCommandLine } from '../args.js';
import { issueToken, UPLOAD_FORMS, type UploadForm } from '../../shared/tokens.js';
import { formatVietnamDateTime, PERIOD_PATTERN, previousVietnamMonth, vietnamMonth } from '../../shared/vn/time.js';
import { isUploaderUnit, unitByCode, uploaderUnits } from '../../shared/vn/units.js';
import { inviteTarget } from '../../infra/local/connect.js';

const USAGE =
  'Cách dùng: npm run cli -- invite --unit MÃ_ĐƠN_VỊ [--form roster|results] [--period YYYY-MM] [--expires 7d]\n' +
  '           npm run cli -- invite --all [--form …] [--period …] [--expires …]\n';

const DURATION_UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_VALIDITY_MS = 90 * DURATION_UNITS.d;

/** "7d", "48h", "30m" → milliseconds; undefined when unreadable or beyond 90 days. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS[match[2] as keyof typeof DURATION_UNITS];
  return ms > 0 && ms <= MAX_VALIDITY_MS ? ms : undefined;
}

/** The month a form is about by default: the current one for the roster, the previous one for results. */
export function defaultPeriod(form: UploadForm, now: Date): string {
  return form === 'results' ? previousVietnamMonth(now) : vietnamMonth(now);
}

function formatVietnamTime(date: Date): string {
  return formatVietnamDateTime(date).replace(' ', ' ngày ');
}

function parse(args: string[]) {
  const options = {
    unit: { type: 'string' },
    all: { type: 'boolean', default: false },
    form: { type: 'string', default: 'roster' },
    period: { type: 'string' },
    expires: { type: 'string', default: '7d' },
  } as const;
  return parseCommandLine({ args, options }, USAGE).values;
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  if (values.all === (values.unit !== undefined)) throw new InputError(`Cần --unit MÃ_ĐƠN_VỊ hoặc --all (một trong hai).\n${USAGE}`);
  if (!(UPLOAD_FORMS as readonly string[]).includes(values.form)) {
    throw new InputError(`Biểu mẫu "${values.form}" không có; chọn roster (danh sách cán bộ) hoặc results (kết quả hằng tháng).`);
  }
  const form = values.form as UploadForm;
  const validity = parseDuration(values.expires);
  if (validity === undefined) throw new InputError('Thời hạn --expires không hợp lệ: ví dụ 7d (7 ngày), 48h (48 giờ); tối đa 90 ngày.');
  const now = new Date();
  const period = values.period ?? defaultPeriod(form, now);
  if (!PERIOD_PATTERN.test(period)) throw new InputError('Kỳ báo cáo --period phải có dạng YYYY-MM, ví dụ 2021-06.');
  if (values.unit !== undefined && !isUploaderUnit(values.unit)) {
    throw new InputError(
      `Mã đơn vị "${values.unit}" không phải huyện, thị xã, thành phố hoặc sở, ban, ngành của tỉnh. Ví dụ: 548 (Huyện Phù Cát), so-noi-vu (Sở Nội vụ).`,
    );
  }

  const units = values.unit !== undefined ? [values.unit] : uploaderUnits().map((u) => u.code);
  const { secret, baseUrl } = await inviteTarget(process.env);
  const expiresAt = new Date(now.getTime() + validity);
  const formLabel = form === 'roster' ? 'danh sách cán bộ (Phụ lục 2)' : `kết quả tháng ${period}`;
  process.stderr.write(`Đường dẫn tải lên ${formLabel}, dùng được đến ${formatVietnamTime(expiresAt)} (giờ Việt Nam):\n`);
  for (const unit of units) {
    const token = issueToken({ unit, form, period, expiresAt }, secret);
    if (units.length > 1) process.stderr.write(`${unitByCode(unit)?.name ?? unit}:\n`);
    process.stdout.write(`${baseUrl}/u/${token}\n`);
  }
  process.stderr.write('Gửi mỗi đường dẫn cho đúng đơn vị: ai có đường dẫn đều tải lên được cho đơn vị đó.\n');
  return 0;
}
