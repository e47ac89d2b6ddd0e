/**
 * The admin CLI: `npm run cli -- <command> …`. Each command lives in cli/commands/<name>.ts and exports
 * `run(args): Promise<number>` returning the process exit code (see EXIT_CODES), and may export `USAGE`
 * (printed by `<command> --help`). To add a command, add one line to COMMANDS.
 */
import { describeError, InputError } from '../shared/errors.js';
import { EXIT_CODES } from './args.js';

type CommandModule = { run(args: string[]): Promise<number>; USAGE?: string };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  validate: { summary: 'Kiểm tra một tệp danh sách (không tải lên)', load: () => import('./commands/validate.js') },
  invite: { summary: 'Tạo đường dẫn tải lên cho đơn vị (--unit MÃ, --all hoặc --centre)', load: () => import('./commands/invite.js') },
  status: { summary: 'Tình hình nộp danh sách của các đơn vị so với hạn nộp', load: () => import('./commands/status.js') },
  'admin-link': { summary: 'In đường dẫn đăng nhập trang quản trị cho cán bộ Trung tâm', load: () => import('./commands/admin-link.js') },
  'export-roster': { summary: 'Xuất danh sách cán bộ toàn tỉnh ra tệp Excel', load: () => import('./commands/export-roster.js') },
  grants: { summary: 'Ghi nhận ngày phân quyền từ tệp (grants import TỆP)', load: () => import('./commands/grants.js') },
  revoke: { summary: 'Thu hồi các đường dẫn tải lên đã cấp cho một đơn vị (--unit MÃ) hoặc Trung tâm (--centre)', load: () => import('./commands/revoke.js') },
  report: { summary: 'Báo cáo tháng cho lãnh đạo (--period YYYY-MM, --send để gửi thư)', load: () => import('./commands/report.js') },
};

const HELP_FLAGS = ['--help', '-h'];

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return [
    'Cách dùng: npm run cli -- <lệnh> [tùy chọn]      (npm run cli -- <lệnh> --help: cách dùng của lệnh)',
    '',
    'Các lệnh:',
    ...lines,
    '',
    'Mã kết thúc (exit code):',
    `  ${EXIT_CODES.ok}  thành công`,
    `  ${EXIT_CODES.negativeVerdict}  kết quả không đạt (ví dụ: tệp không được chấp nhận)`,
    `  ${EXIT_CODES.misuse}  dùng sai lệnh (tham số sai, mã đơn vị không có, tệp hoặc thư mục không có...)`,
    `  ${EXIT_CODES.unexpected}  lỗi không mong đợi (mất kết nối, lỗi hệ thống): thử lại, nếu còn lỗi thì báo bộ phận kỹ thuật`,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const asked = name === undefined || HELP_FLAGS.includes(name);
    process.stderr.write(asked ? usage() : `Không có lệnh "${name}".\n\n${usage()}`);
    return asked ? EXIT_CODES.ok : EXIT_CODES.misuse;
  }
  try {
    const module = await command.load();
    if (module.USAGE && args.some((arg) => HELP_FLAGS.includes(arg))) {
      process.stdout.write(module.USAGE.endsWith('\n') ? module.USAGE : `${module.USAGE}\n`);
      return EXIT_CODES.ok;
    }
    return await module.run(args);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_CODES.misuse;
    }
    process.stderr.write(`Lỗi không mong đợi (${describeError(error).name}). Vui lòng thử lại hoặc báo cho bộ phận kỹ thuật.\n`);
    return EXIT_CODES.unexpected;
  }
}

process.exitCode = await main(process.argv.slice(2));
