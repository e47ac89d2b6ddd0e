/**
 * `revoke --unit CODE` / `revoke --centre`: voids every upload link of that holder issued before now,
 * without rotating the token secret (which would void every unit's links and re-key every official). The
 * holder's revocation instant is recorded in the store (shared/store/link-revocations.ts) and checked by the
 * API on every request, so the old links stop working at once; links issued afterwards (`invite`) work.
 */
import { InputError } from '../../shared/errors.js';
import { fillMessage, MESSAGES } from '../../shared/messages.js';
import { createLinkRevocations } from '../../shared/store/link-revocations.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { formatVietnamDateTime } from '../../shared/vn/time.js';
import { isUploaderUnit, unitByCode } from '../../shared/vn/units.js';
import { storeTarget } from '../../infra/local/connect.js';
import { parseCommandLine } from '../args.js';

export const USAGE = [
  'Cách dùng: npm run cli -- revoke --unit MÃ_ĐƠN_VỊ',
  '           npm run cli -- revoke --centre',
  '',
  'Thu hồi mọi đường dẫn tải lên đã cấp cho đơn vị (hoặc cho Trung tâm) trước thời điểm chạy lệnh: các đường',
  'dẫn đó không dùng được nữa ngay lập tức. Các đơn vị khác không bị ảnh hưởng. Sau đó cấp đường dẫn mới bằng',
  'lệnh invite nếu cần.',
  '',
  '  --unit MÃ      một huyện, thị xã, thành phố (ví dụ 548) hoặc sở, ban, ngành (ví dụ so-noi-vu)',
  '  --centre       các đường dẫn của Trung tâm Phục vụ hành chính công tỉnh',
  '',
].join('\n');

function holderOf(args: string[]): { code: string; name: string; invite: string } {
  const { values } = parseCommandLine(
    { args, options: { unit: { type: 'string' }, centre: { type: 'boolean', default: false } } },
    USAGE,
  );
  if ((values.unit !== undefined) === values.centre) throw new InputError(`Cần đúng một trong --unit MÃ_ĐƠN_VỊ hoặc --centre.\n${USAGE}`);
  if (values.centre) {
    return { code: CENTRE_UNIT, name: 'Trung tâm Phục vụ hành chính công tỉnh', invite: 'invite --centre --form results|grants' };
  }
  const code = values.unit ?? '';
  if (!isUploaderUnit(code)) {
    throw new InputError(fillMessage('UNKNOWN_UNIT_CODE', { code }));
  }
  return { code, name: unitByCode(code)?.name ?? code, invite: `invite --unit ${code}` };
}

export async function run(args: string[]): Promise<number> {
  const holder = holderOf(args);
  const target = await storeTarget(process.env);
  try {
    const { deps } = target;
    const revocations = createLinkRevocations({ doc: deps.clients.doc, tableName: deps.config.tableName });
    const revoked = await revocations.revoke(holder.code, new Date());
    process.stderr.write(
      [
        fillMessage('LINKS_REVOKED', { holder: holder.name, revokedBefore: formatVietnamDateTime(revoked.revokedBefore) }),
        `Ai mở các đường dẫn đó sẽ thấy: "${MESSAGES.TOKEN_REVOKED}" Các đơn vị khác không bị ảnh hưởng.`,
        `Cấp đường dẫn mới: npm run cli -- ${holder.invite}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    target.close();
  }
}
