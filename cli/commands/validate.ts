/**
 * `validate FILE --unit CODE [--form roster] [--json] [--out ANNOTATED.xlsx]` — contract 1 of DESIGN.md.
 * Exit 0 accepted, 1 rejected (an unreadable or hostile file is a rejected file), 2 misuse.
 */
import { accessSync, constants, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { fillMessage } from '../../shared/messages.js';
import { parseCommandLine } from '../args.js';
import { DEFAULT_LIMITS, validate } from '../../shared/validate.js';
import { FORMS, type FormName, type Verdict, verdictJson } from '../../shared/verdict.js';
import { isUploaderUnit, unitByCode } from '../../shared/vn/units.js';
import { annotate } from '../../shared/workbook/annotate.js';
import { issueCounts, issueTable, readAtMost } from '../verdict-output.js';
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
    throw new InputError(fillMessage('UNKNOWN_UNIT_CODE', { code: unit }));
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

/** A readable Vietnamese summary for the centre's staff; no ID or phone number is printed. */
function summarize(verdict: Verdict, fileName: string): string {
  const unitName = unitByCode(verdict.unit)?.name ?? verdict.unit;
  const { errors, warnings } = issueCounts(verdict.issues);
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
