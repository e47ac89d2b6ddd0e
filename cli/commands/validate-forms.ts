/**
 * `validate FILE --form results --unit CODE|ttpvhcc --period YYYY-MM` and `validate FILE --form grants`:
 * the checks an upload link of those forms makes on the file itself, without uploading it and without the
 * store (attribution to units and the roster checks of grants happen only when a file is taken in).
 * Exit 0 accepted, 1 rejected, 2 misuse, as for rosters.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { CENTRE_UNIT, PERIOD_PATTERN } from '../../shared/tokens.js';
import { validateGrants } from '../../shared/validate-grants.js';
import { DEFAULT_FORM_LIMITS } from '../../shared/validate-form.js';
import { validateResults } from '../../shared/validate-results.js';
import { formatPeriod } from '../../shared/vn/time.js';
import { isUploaderUnit, unitByCode } from '../../shared/vn/units.js';
import { annotate } from '../../shared/workbook/annotate.js';
import { EXIT_CODES } from '../args.js';
import { issueCounts, issueTable, readAtMost } from '../verdict-output.js';

export interface IntakeValidateOptions {
  unit?: string | undefined;
  period?: string | undefined;
  json: boolean;
  out?: string | undefined;
  /** Checks `--out` before any work (the caller's own check, shared with rosters). */
  checkWritable: (out: string) => void;
}

export async function validateIntakeForm(form: 'results' | 'grants', file: string, options: IntakeValidateOptions): Promise<number> {
  const fileName = basename(file);
  let verdict: Awaited<ReturnType<typeof validateResults>> | Awaited<ReturnType<typeof validateGrants>>;
  let heading: string;
  if (form === 'results') {
    const unit = options.unit ?? CENTRE_UNIT;
    if (unit !== CENTRE_UNIT && !isUploaderUnit(unit)) {
      throw new InputError(`Mã đơn vị "${unit}" không phải là huyện, thị xã, thành phố, sở, ban của tỉnh hoặc Trung tâm (${CENTRE_UNIT}).`);
    }
    if (!options.period || !PERIOD_PATTERN.test(options.period)) throw new InputError('Biểu mẫu results cần --period THÁNG dạng YYYY-MM, ví dụ --period 2021-07.');
    if (options.out) options.checkWritable(options.out);
    const bytes = readAtMost(file, DEFAULT_FORM_LIMITS.maxFileBytes + 1);
    verdict = await validateResults(bytes, { unit, period: options.period, fileName });
    heading = `Kết quả tháng ${formatPeriod(options.period)} của ${unit === CENTRE_UNIT ? 'Trung tâm' : (unitByCode(unit)?.name ?? unit)}`;
    await writeAnnotated(bytes, verdict, fileName, options.out);
  } else {
    if (options.out) options.checkWritable(options.out);
    const bytes = readAtMost(file, DEFAULT_FORM_LIMITS.maxFileBytes + 1);
    verdict = await validateGrants(bytes, { unit: CENTRE_UNIT, fileName });
    heading = 'Danh sách phân quyền';
    await writeAnnotated(bytes, verdict, fileName, options.out);
  }
  const { table: _table, ...json } = verdict;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    const { errors, warnings } = issueCounts(verdict.issues);
    const lines = [
      `Tệp: ${fileName}`,
      heading,
      `Kết quả: ${verdict.accepted ? 'ĐƯỢC CHẤP NHẬN' : 'KHÔNG ĐƯỢC CHẤP NHẬN'}`,
      `Số dòng đọc được: ${verdict.rows.length} · Dòng bỏ qua: ${verdict.skipped.length} · Lỗi: ${errors} · Cảnh báo: ${warnings}`,
    ];
    if (verdict.issues.length > 0) lines.push('', ...issueTable(verdict.issues));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return verdict.accepted ? EXIT_CODES.ok : EXIT_CODES.negativeVerdict;
}

async function writeAnnotated(bytes: Uint8Array, verdict: Parameters<typeof annotate>[1], fileName: string, out: string | undefined): Promise<void> {
  if (!out) return;
  try {
    writeFileSync(out, await annotate(bytes, verdict, fileName));
  } catch (error) {
    throw new InputError(`Không ghi được tệp "${out}".`, { cause: error });
  }
}
