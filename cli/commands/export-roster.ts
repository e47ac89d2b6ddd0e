/**
 * `export-roster [--out FILE.xlsx]`: the province-wide list of current officials (sending unit, workplace,
 * name, ID, phone, and the other units listing the same person), for the centre to grant the portal
 * permission from. The file holds personal data; the command says so and writes nothing else anywhere.
 * Without `--out` it goes under the data directory (`.data/exports/`, ignored by git, readable by the user
 * only), never into the working directory, where it could be committed by mistake.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { parseCommandLine } from '../args.js';
import { buildRosterExport } from '../../shared/pipeline/export-roster.js';
import { vietnamIsoDate } from '../../shared/vn/time.js';
import { provinceOfficials } from '../../shared/pipeline/rosters.js';
import { dataDirOf, storeTarget } from '../../infra/local/connect.js';

/** Under the data directory, which `.gitignore` already keeps out of the repository. */
export const EXPORTS_DIR = 'exports';

export const USAGE = [
  'Cách dùng: npm run cli -- export-roster [--out TỆP.xlsx]',
  '',
  '  --out    nơi ghi tệp .xlsx (thư mục chứa phải có sẵn);',
  `           mặc định: thư mục ${EXPORTS_DIR}/ trong thư mục dữ liệu (.data/${EXPORTS_DIR}/, hoặc MOTCUA_DATA_DIR)`,
  '',
].join('\n');

export function defaultExportName(now: Date): string {
  return `danh-sach-can-bo-mot-cua-${vietnamIsoDate(now)}.xlsx`;
}

function parse(args: string[]) {
  return parseCommandLine({ args, options: { out: { type: 'string' } } }, USAGE).values;
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** Where to write, checked before any work: a missing or wrong folder is misuse (exit 2), named. */
async function outputPath(out: string | undefined, now: Date): Promise<string> {
  if (out === undefined) {
    const folder = join(dataDirOf(process.env), EXPORTS_DIR);
    // Private: the file holds ID and phone numbers.
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return join(folder, defaultExportName(now));
  }
  const file = resolve(out);
  if (!file.toLowerCase().endsWith('.xlsx')) throw new InputError('Tệp xuất ra phải có đuôi .xlsx, ví dụ --out danh-sach.xlsx.');
  const folder = dirname(file);
  let isFolder: boolean;
  try {
    isFolder = (await stat(folder)).isDirectory();
  } catch (error) {
    if (!hasCode(error, 'ENOENT') && !hasCode(error, 'ENOTDIR')) throw error;
    throw new InputError(`Thư mục "${folder}" không tồn tại: tạo thư mục đó trước, hoặc chọn nơi khác với --out.`, { cause: error });
  }
  if (!isFolder) throw new InputError(`"${folder}" không phải là thư mục: chọn nơi khác với --out.`);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new InputError(`Không có quyền ghi vào thư mục "${folder}": chọn nơi khác với --out.`, { cause: error });
  }
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new InputError(`"${file}" là một thư mục: --out cần tên tệp, ví dụ --out ${join(file, 'danh-sach.xlsx')}.`);
  return file;
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  const now = new Date();
  const out = await outputPath(values.out, now);

  const target = await storeTarget(process.env);
  try {
    const officials = await provinceOfficials(target.deps.store, target.deps.grants);
    const workbook = await buildRosterExport(officials, now);
    try {
      await writeFile(out, workbook, { mode: 0o600 });
    } catch (error) {
      throw new InputError(`Không ghi được tệp "${out}": không có quyền ghi vào thư mục "${dirname(out)}" hoặc tệp đang mở.`, { cause: error });
    }
    const units = new Set(officials.map((o) => o.uploaderCode)).size;
    const shared = officials.filter((o) => o.alsoListedBy.length > 0).length;
    process.stderr.write(`Đã xuất ${officials.length} cán bộ của ${units} đơn vị vào tệp:\n`);
    process.stdout.write(`${out}\n`);
    process.stderr.write(
      (shared > 0 ? `(${shared} cán bộ có tên trong danh sách của hơn một đơn vị: xem cột "Ghi chú")\n` : '') +
        'Tệp có số CMND/CCCD và số điện thoại (dữ liệu cá nhân): chỉ dùng để cấp quyền, không gửi qua thư điện tử hay mạng xã hội.\n',
    );
    return 0;
  } finally {
    target.close();
  }
}
