/**
 * `npm start`: the whole system on this machine (see stack.ts). Data stays in `.data/` across restarts,
 * readable by its owner only; Ctrl-C stops taking uploads, finishes the ones being processed, and leaves the
 * rest in the delivery journal for the next start. `PORT` changes the web port (default 3000; the emulators
 * take the three ports after it); `PROCESS_CONCURRENCY` how many uploads are processed at once (default 2).
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isLogLevelName } from '../../shared/config.js';
import { dataDirOf } from './connect.js';
import { DATA_UMASK, DIR_MODE, readOrCreateTokenSecret } from './data-dir.js';
import { DEFAULT_PROCESS_CONCURRENCY } from './delivery.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { startReportSchedule } from './report-schedule.js';
import { type LocalStack, startLocalStack } from './stack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65_532) {
  process.stderr.write(`PORT không hợp lệ: ${process.env.PORT}. Ví dụ: PORT=3100 npm start\n`);
  process.exit(2);
}
const processConcurrency = Number(process.env.PROCESS_CONCURRENCY ?? DEFAULT_PROCESS_CONCURRENCY);
if (!Number.isInteger(processConcurrency) || processConcurrency < 1 || processConcurrency > 32) {
  process.stderr.write(
    `PROCESS_CONCURRENCY không hợp lệ: ${process.env.PROCESS_CONCURRENCY}. Đây là số tệp được kiểm tra cùng lúc, từ 1 đến 32. Ví dụ: PROCESS_CONCURRENCY=4 npm start\n`,
  );
  process.exit(2);
}
// Before anything is written: every file this process creates under the data directory is owner-only.
process.umask(DATA_UMASK);
const dataDir = dataDirOf(process.env);
const logLevel = process.env.POWERTOOLS_LOG_LEVEL?.toUpperCase();

let stack: LocalStack;
try {
  // The secret first: a damaged secret file stops here, with what to do, before any emulator starts.
  await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
  const tokenSecret = await readOrCreateTokenSecret(dataDir);
  stack = await startLocalStack({
    port,
    dataDir,
    tokenSecret,
    processConcurrency,
    ...(process.env.ROSTER_DEADLINE ? { rosterDeadline: process.env.ROSTER_DEADLINE } : {}),
    ...(logLevel && isLogLevelName(logLevel) ? { logLevel } : {}),
  });
} catch (error) {
  const busy = error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
  process.stderr.write(
    busy
      ? `Cổng ${port}–${port + 3} đang được chương trình khác dùng (có thể "npm start" đang chạy ở cửa sổ khác). Tắt chương trình đó, hoặc chạy với cổng khác: PORT=3100 npm start\n`
      : `Không khởi động được hệ thống: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}

const running = stack;
process.stdout.write(
  [
    '',
    'motcua-intake đang chạy trên máy này.',
    '',
    `  Trang tải lên:        ${running.baseUrl}/   (mở bằng đường dẫn /u/<mã> được cấp)`,
    `  Trang của Trung tâm:  ${running.baseUrl}/admin   (đăng nhập bằng thư điện tử, hoặc: npm run cli -- admin-link <địa chỉ>)`,
    `  Hộp thư thử (SES):    ${running.sesUrl}/   (thư đăng nhập, thư nhắc, báo cáo tháng)`,
    `  S3 (s3rver):          ${running.s3Url}   DynamoDB (dynalite): ${running.dynamodbUrl}`,
    `  Dữ liệu lưu tại:      ${resolve(dataDir)}`,
    '',
    '  Tạo đường dẫn tải lên cho một đơn vị (ví dụ Huyện Phù Cát, mã 548), trong một cửa sổ khác:',
    '    npm run cli -- invite --unit 548',
    '  Cho mọi huyện và sở, ngành:   npm run cli -- invite --all',
    '  Xem tình hình nộp:            npm run cli -- status',
    '',
    'Nhấn Ctrl-C để dừng.',
    '',
  ].join('\n'),
);

// The monthly report's schedule (EventBridge Scheduler on AWS): the due month on start, then each 1st at 08:00.
if (process.env.REPORT_SCHEDULE !== 'off') {
  startReportSchedule(reportDepsFrom(running.deps, loadReportConfig(process.env)), {
    onOutcome: (message) => process.stdout.write(`${message}\n`),
  });
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) {
    // Nothing is lost by leaving now: every upload not yet processed is in the journal.
    process.stderr.write('Thoát ngay. Các tệp chưa kiểm tra xong vẫn được lưu và sẽ được kiểm tra khi chạy lại.\n');
    process.exit(1);
  }
  stopping = true;
  process.stdout.write(
    `\nĐang dừng (${signal}): không nhận tệp mới, chờ kiểm tra xong các tệp đang xử lý… (nhấn Ctrl-C lần nữa để thoát ngay)\n`,
  );
  await running.stop();
  process.stdout.write(`Đã dừng. Dữ liệu vẫn còn trong ${resolve(dataDir)} cho lần chạy sau.\n`);
  process.exit(0);
};
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));
