/**
 * `grants import FILE [--json]` — contract 5 of DESIGN.md: records the permission grants of a workbook (the
 * roster export with "Ngày phân quyền" filled in, or any list with an ID column and that date) against the
 * running local stack or AWS, exactly as a centre grants link would. Exit 0 recorded, 1 rejected (nothing is
 * recorded then), 2 misuse. Prints counts and issues only: never an ID or phone number.
 */
import { basename } from 'node:path';
import { storeTarget } from '../../infra/local/connect.js';
import { InputError } from '../../shared/errors.js';
import { ingestGrants } from '../../shared/pipeline/ingest-grants.js';
import { objectOrderKey } from '../../shared/store/store.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { DEFAULT_FORM_LIMITS } from '../../shared/validate-form.js';
import { validateGrants } from '../../shared/validate-grants.js';
import type { Issue } from '../../shared/verdict.js';
import { EXIT_CODES, parseCommandLine } from '../args.js';
import { issueCounts, issueTable, readAtMost } from '../verdict-output.js';

export const USAGE = [
  'Cách dùng: npm run cli -- grants import TỆP [--json]',
  '',
  '  TỆP     tệp .xlsx hoặc .csv có cột "CMND/CCCD" và cột "Ngày phân quyền" (ví dụ tệp export-roster đã điền ngày)',
  '  --json  in kết quả dạng JSON (số lượng và các lỗi, không có số CMND/CCCD hay số điện thoại)',
  '',
].join('\n');

/** The S3 sequencer stand-in for a CLI import: its order key is its time, like an upload's event time. */
const CLI_SEQUENCER = '0';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    { args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } },
    USAGE,
  );
  const [action, file, ...extra] = positionals;
  if (action !== 'import') throw new InputError(`${action ? `Không có lệnh "grants ${action}".` : 'Thiếu lệnh con "import".'}\n${USAGE}`);
  if (!file) throw new InputError(`Thiếu tệp cần ghi nhận.\n${USAGE}`);
  if (extra.length > 0) throw new InputError(`Mỗi lần chỉ ghi nhận một tệp; thừa: ${extra.map((e) => `"${e}"`).join(', ')}.\n${USAGE}`);
  const bytes = readAtMost(file, DEFAULT_FORM_LIMITS.maxFileBytes + 1);

  const target = await storeTarget(process.env);
  try {
    const now = target.deps.now();
    const verdict = await validateGrants(bytes, { unit: CENTRE_UNIT, fileName: basename(file), now });
    const outcome = await ingestGrants(target.deps, verdict, {
      orderKey: objectOrderKey(now, CLI_SEQUENCER),
      receivedAt: now,
      source: 'cli',
    });
    const summary = {
      form: 'grants' as const,
      accepted: outcome.accepted,
      recorded: outcome.recorded,
      superseded: outcome.superseded,
      notGranted: outcome.notGranted,
      rows: verdict.rows.length,
      issues: verdict.issues,
    };
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : summarize(summary, basename(file)));
    return outcome.accepted ? EXIT_CODES.ok : EXIT_CODES.negativeVerdict;
  } finally {
    target.close();
  }
}

function summarize(
  result: { accepted: boolean; recorded: number; superseded: number; notGranted: number; rows: number; issues: Issue[] },
  fileName: string,
): string {
  const { errors, warnings } = issueCounts(result.issues);
  const lines = [
    `Tệp: ${fileName}`,
    result.accepted
      ? `Kết quả: ĐÃ GHI NHẬN ngày phân quyền của ${result.recorded} cán bộ.`
      : 'Kết quả: KHÔNG ĐƯỢC GHI NHẬN (chưa ghi gì). Vui lòng sửa các lỗi dưới đây rồi ghi nhận lại.',
    `Số dòng đọc được: ${result.rows} · chưa có ngày phân quyền: ${result.notGranted} · Lỗi: ${errors} · Cảnh báo: ${warnings}`,
  ];
  if (result.superseded > 0) {
    lines.push(`${result.superseded} cán bộ đã có ngày phân quyền ghi nhận từ một tệp mới hơn nên được giữ nguyên.`);
  }
  if (result.issues.length > 0) lines.push('', ...issueTable(result.issues));
  return `${lines.join('\n')}\n`;
}
