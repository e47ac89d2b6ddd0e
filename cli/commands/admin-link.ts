/**
 * `admin-link EMAIL` (contract 6): prints a one-time sign-in link to the centre's dashboard for an address
 * on the allow-list (`CENTRE_EMAILS`), for the first sign-in and for tests; exits 2 for any other address.
 * Only the link goes to stdout, so `$(npm run --silent cli -- admin-link ttpvhcc@binhdinh.gov.vn)` works.
 * The link is stored (hashed) like a mailed one, so it needs the running stack (or AWS).
 */
import { isCentreEmail, parseAdminSettings } from '../../shared/admin/settings.js';
import { createSignInLink } from '../../shared/admin/sign-in.js';
import { createAdminStore } from '../../shared/store/admin.js';
import { formatVietnamDateTime } from '../../shared/vn/time.js';
import { inviteTarget, storeTarget } from '../../infra/local/connect.js';
import { EXIT_CODES, parseCommandLine } from '../args.js';
import { InputError } from '../../shared/errors.js';
import { MESSAGES } from '../../shared/messages.js';

export const USAGE = [
  'Cách dùng: npm run cli -- admin-link ĐỊA_CHỈ_THƯ',
  '',
  '  In đường dẫn đăng nhập trang quản trị (dùng một lần, trong 15 phút) cho một địa chỉ thư có trong',
  '  danh sách cán bộ Trung tâm được phép đăng nhập (CENTRE_EMAILS, cách nhau bằng dấu phẩy).',
  '',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseCommandLine({ args, options: {}, allowPositionals: true }, USAGE);
  const [email, ...extra] = positionals;
  if (email === undefined || extra.length > 0) throw new InputError(`Cần đúng một địa chỉ thư.\n${USAGE}`);
  const settings = parseAdminSettings(process.env);
  if (!isCentreEmail(settings, email)) {
    process.stderr.write(`${MESSAGES.CENTRE_EMAIL_NOT_ALLOWED}\n`);
    return EXIT_CODES.misuse;
  }
  const { baseUrl } = await inviteTarget(process.env);
  const target = await storeTarget(process.env);
  try {
    const store = createAdminStore({ doc: target.deps.clients.doc, tableName: target.deps.config.tableName });
    const link = await createSignInLink({ settings, store, secret: target.deps.tokenSecret, now: () => new Date() }, email, baseUrl);
    process.stdout.write(`${link.url}\n`);
    process.stderr.write(`Đường dẫn đăng nhập dùng được một lần, đến ${formatVietnamDateTime(link.expiresAt)}.\n`);
    return EXIT_CODES.ok;
  } finally {
    target.close();
  }
}
