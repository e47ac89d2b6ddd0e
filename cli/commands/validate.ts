/**
 * `validate FILE --unit CODE [--form roster] [--json] [--out ANNOTATED.xlsx]` — contract 1 of DESIGN.md.
 * Exit 0 accepted, 1 rejected (an unreadable or hostile file is a rejected file), 2 misuse.
 */
import { accessSync, closeSync, constants, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { parseCommandLine } from '../args.js';
import { DEFAULT_LIMITS, validate } from '../../shared/validate.js';
import { FORMS, type FormName, type Issue, type Verdict, verdictJson } from '../../shared/verdict.js';
import { isUploaderUnit, unitByCode } from '../../shared/vn/units.js';
import { annotate } from '../../shared/workbook/annotate.js';
import { validateIntakeForm } from './validate-forms.js';

export const USAGE = [
  'Cách dùng: npm run cli -- validate TỆP --unit MÃ_ĐƠN_VỊ [--form roster] [--json] [--out TỆP_ĐÁNH_DẤU.xlsx]',
  '          npm run cli -- validate TỆP --form results [--unit MÃ_ĐƠN_VỊ|ttpvhcc] --period YYYY-MM [--json] [--out …]',
  '          npm run cli -- validate TỆP --form grants [--json] [--out …]',
  '',
  '  TỆP       tệp .xlsx, .xlsm hoặc .csv cần kiểm tra (không tải lên)',
  '  --unit    mã đơn vị gửi tệp, ví dụ 548 (Huyện Phù Cát) hoặc so-noi-vu (Sở Nội vụ)',
  '  --json    in kết quả dạng JSON',
  '  --out     ghi bản có đánh dấu các ô lỗi ra tệp .xlsx',
  '',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        unit: { type: 'string' },
        form: { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        period: { type: 'string' },
      },
    },
    USAGE,
  );
  const [file, ...extra] = positionals;
  if (!file) throw new InputError(`Thiếu tệp cần kiểm tra.\n${USAGE}`);
  if (extra.length > 0) throw new InputError(`Mỗi lần chỉ kiểm tra một tệp; thừa: ${extra.map((e) => `"${e}"`).join(', ')}.\n${USAGE}`);
  if (values.form === 'results' || values.form === 'grants') {
    return validateIntakeForm(values.form, file, { unit: values.unit, period: values.period, json: values.json, out: values.out, checkWritable });
  }
  const unit = values.unit;
  if (!unit) throw new InputError(`Thiếu --unit.\n${USAGE}`);
  if (!isUploaderUnit(unit)) {
    throw new InputError(`Mã đơn vị "${unit}" không phải là huyện, thị xã, thành phố hoặc sở, ban của tỉnh Bình Định.`);
  }
  const form = values.form ?? 'roster';
  if (!isForm(form)) throw new InputError(`Biểu mẫu "${form}" không được hỗ trợ (chỉ có: ${FORMS.join(', ')}).`);

  // Misuse is found before any work, so that a run either prints its verdict or fails with exit 2.
  if (values.out) checkWritable(values.out);
  const bytes = readAtMost(file, DEFAULT_LIMITS.maxFileBytes + 1);
  const verdict = await validate(bytes, { unit, form, fileName: basename(file) });
  if (values.out) {
    const annotated = await annotate(bytes, verdict, basename(file));
    try {
      writeFileSync(values.out, annotated);
    } catch (error) {
      throw new InputError(`Không ghi được tệp "${values.out}".`, { cause: error });
    }
  }

  process.stdout.write(values.json ? `${JSON.stringify(verdictJson(verdict))}\n` : summarize(verdict, basename(file)));
  return verdict.accepted ? 0 : 1;
}

function checkWritable(out: string): void {
  if (!out.toLowerCase().endsWith('.xlsx')) throw new InputError('Tệp đánh dấu lỗi (--out) phải có đuôi .xlsx, ví dụ --out danh-dau.xlsx.');
  try {
    accessSync(dirname(resolve(out)), constants.W_OK);
  } catch (error) {
    throw new InputError(`Không ghi được tệp "${out}": thư mục không tồn tại hoặc không có quyền ghi.`, { cause: error });
  }
}

function isForm(value: string): value is FormName {
  return (FORMS as readonly string[]).includes(value);
}

/** Reads no more than `limit` bytes: a hostile multi-gigabyte file is rejected by size, not read whole. */
function readAtMost(file: string, limit: number): Uint8Array {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (error) {
    throw new InputError(`Không tìm thấy tệp "${file}".`, { cause: error });
  }
  if (stat.isDirectory()) throw new InputError(`"${file}" là một thư mục, không phải tệp: hãy chỉ ra một tệp .xlsx hoặc .csv trong thư mục đó.`);
  if (!stat.isFile()) throw new InputError(`"${file}" không phải là một tệp thông thường: hãy chỉ ra một tệp .xlsx hoặc .csv.`);
  const size = stat.size;
  const buffer = Buffer.alloc(Math.min(size, limit));
  const fd = openSync(file, 'r');
  try {
    let offset = 0;
    while (offset < buffer.length) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return buffer.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

const COLUMN_LABELS: Record<string, string> = {
  name: 'Họ và tên',
  unit: 'Đơn vị',
  idNumber: 'CMND/CCCD',
  phone: 'Số điện thoại',
};

/** A readable Vietnamese summary for the centre's staff; no ID or phone number is printed. */
function summarize(verdict: Verdict, fileName: string): string {
  const unitName = unitByCode(verdict.unit)?.name ?? verdict.unit;
  const errors = verdict.issues.filter((i) => i.severity === 'error').length;
  const warnings = verdict.issues.length - errors;
  const lines = [
    `Tệp: ${fileName}`,
    `Đơn vị gửi: ${unitName} (${verdict.unit})`,
    `Kết quả: ${verdict.accepted ? 'ĐƯỢC CHẤP NHẬN' : 'KHÔNG ĐƯỢC CHẤP NHẬN'}`,
    `Số cán bộ đọc được: ${verdict.rows.length} (hợp lệ: ${verdict.rows.filter((r) => r.ok).length})`,
    `Dòng bỏ qua: ${verdict.skipped.length} · Lỗi: ${errors} · Cảnh báo: ${warnings}`,
  ];
  if (verdict.issues.length > 0) lines.push('', ...issueTable(verdict.issues));
  return `${lines.join('\n')}\n`;
}

function issueTable(issues: Issue[]): string[] {
  const table: [string, string, string, string][] = [
    ['Dòng', 'Cột', 'Mức độ', 'Nội dung'],
    ...issues.map((i): [string, string, string, string] => [
      i.row === null ? '—' : String(i.row),
      i.column ? (COLUMN_LABELS[i.column] ?? i.column) : '—',
      i.severity === 'error' ? 'Lỗi' : 'Cảnh báo',
      i.message,
    ]),
  ];
  const width = (c: 0 | 1 | 2) => Math.max(...table.map((r) => r[c].length));
  const widths = [width(0), width(1), width(2)] as const;
  return table.map(([row, column, severity, message]) =>
    [row.padEnd(widths[0]), column.padEnd(widths[1]), severity.padEnd(widths[2]), message].join('  '),
  );
}
