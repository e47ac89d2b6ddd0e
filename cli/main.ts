/**
 * The admin CLI: `npm run cli -- <command> …`. Each command lives in cli/commands/<name>.ts and exports
 * `run(args): Promise<number>` returning the process exit code (0 ok, 1 a negative verdict, 2 misuse).
 */
import { describeError, InputError } from '../shared/errors.js';

type CommandModule = { run(args: string[]): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  validate: { summary: 'Kiểm tra một tệp danh sách (không tải lên)', load: () => import('./commands/validate.js') },
  invite: { summary: 'Tạo đường dẫn tải lên cho đơn vị (--unit MÃ hoặc --all)', load: () => import('./commands/invite.js') },
  status: { summary: 'Tình hình nộp danh sách của các đơn vị so với hạn nộp', load: () => import('./commands/status.js') },
  'admin-link': { summary: 'In đường dẫn đăng nhập trang quản trị cho cán bộ Trung tâm', load: () => import('./commands/admin-link.js') },
  'export-roster': { summary: 'Xuất danh sách cán bộ toàn tỉnh ra tệp Excel', load: () => import('./commands/export-roster.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return ['Cách dùng: npm run cli -- <lệnh> [tùy chọn]', '', 'Các lệnh:', ...lines, ''].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== '--help' ? `Không có lệnh "${name}".\n\n${usage()}` : usage());
    return name && name !== '--help' ? 2 : 0;
  }
  try {
    return await (await command.load()).run(args);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`Lỗi không mong đợi (${describeError(error).name}). Vui lòng thử lại hoặc báo cho bộ phận kỹ thuật.\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
