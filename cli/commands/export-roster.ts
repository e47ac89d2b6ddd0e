/**
 * `export-roster [--out FILE.xlsx]`: the province-wide list of current officials (sending unit, workplace,
 * name, ID, phone, and the other units listing the same person), for the centre to grant the portal
 * permission from. The file holds personal data; the command says so and writes nothing else anywhere.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { parseCommandLine } from '../args.js';
import { buildRosterExport } from '../../shared/pipeline/export-roster.js';
import { vietnamIsoDate } from '../../shared/vn/time.js';
import { provinceOfficials } from '../../shared/pipeline/rosters.js';
import { storeTarget } from '../../infra/local/connect.js';

const USAGE = 'Cách dùng: npm run cli -- export-roster [--out TỆP.xlsx]\n';

export function defaultExportName(now: Date): string {
  return `danh-sach-can-bo-mot-cua-${vietnamIsoDate(now)}.xlsx`;
}

function parse(args: string[]) {
  return parseCommandLine({ args, options: { out: { type: 'string' } } }, USAGE).values;
}

export async function run(args: string[]): Promise<number> {
  const values = parse(args);
  const now = new Date();
  const out = resolve(values.out ?? defaultExportName(now));
  if (!out.toLowerCase().endsWith('.xlsx')) throw new InputError('Tệp xuất ra phải có đuôi .xlsx, ví dụ --out danh-sach.xlsx.');

  const target = await storeTarget(process.env);
  try {
    const officials = await provinceOfficials(target.deps.store);
    await writeFile(out, await buildRosterExport(officials, now), { mode: 0o600 });
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
