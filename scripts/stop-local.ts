/**
 * `npm run stop`: stops the stack `npm start` runs, from another terminal. npm does not pass a signal it
 * receives on to the script's process (and /bin/sh in between keeps it too), so `kill <npm's pid>` leaves
 * the stack running; this signals the stack's own process, whose id it recorded in `.data/stack.json`, and
 * waits until it has stopped cleanly (it removes that file last).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { dataDirOf, runningStack } from '../infra/local/connect.js';

const WAIT_MS = 60_000;
const dataDir = dataDirOf(process.env);
const stack = await runningStack(dataDir);
if (!stack) {
  process.stdout.write('Hệ thống chạy thử không chạy (không có "npm start" nào đang chạy với thư mục dữ liệu này).\n');
  process.exit(0);
}
process.kill(stack.pid, 'SIGINT');
process.stdout.write(`Đang dừng hệ thống chạy thử (tiến trình ${stack.pid})…\n`);
const deadline = Date.now() + WAIT_MS;
while (Date.now() < deadline) {
  await sleep(200);
  if (!(await runningStack(dataDir))) {
    process.stdout.write(`Đã dừng. Dữ liệu vẫn còn trong ${dataDir} cho lần chạy sau.\n`);
    process.exit(0);
  }
}
process.stderr.write('Hệ thống chưa dừng sau 60 giây. Hãy nhấn Ctrl-C trong cửa sổ đang chạy "npm start".\n');
process.exit(1);
