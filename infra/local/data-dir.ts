/** The local stack's data directory (`.data/` for `npm start`): what lives there, shared by the stack and the CLI. */
import { randomBytes } from 'node:crypto';
import { chmod, link, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIN_TOKEN_SECRET_LENGTH } from '../../shared/config.js';
import { InputError } from '../../shared/errors.js';

/** Endpoints of the running stack, written at start and removed at a clean stop. */
export const STACK_FILE = 'stack.json';
export const TOKEN_SECRET_FILE = 'token-secret';
export const DYNAMODB_DIR = 'dynamodb';
export const S3_DIR = 's3';
/** Upload events not yet delivered (see delivery.ts), and those given up after every retry. */
export const EVENTS_DIR = 'events';
export const DEAD_LETTERS_DIR = 'dead-letters';

/** Everything under the data directory holds personal data or the key to it: owner only. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
/** The umask that gives new files and folders those modes, whichever library creates them. */
export const DATA_UMASK = 0o077;

/**
 * Brings every file and folder under `dir` (and `dir` itself) to owner-only modes: data written before the
 * umask was set, or by an older version, is tightened at start.
 */
export async function restrictDataModes(dir: string): Promise<void> {
  await chmod(dir, DIR_MODE);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await restrictDataModes(path);
    else if (entry.isFile()) await chmod(path, FILE_MODE);
  }
}

/**
 * Reads the token secret kept in the data directory, creating it on first use (links survive restarts).
 * Throws an `InputError` (Vietnamese, saying what to do) when the file holds no usable secret: it is never
 * replaced here, since a new secret silently voids every link already handed out.
 */
export async function readOrCreateTokenSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, TOKEN_SECRET_FILE);
  const existing = await readTokenSecret(file);
  if (existing !== undefined) return existing;

  const secret = randomBytes(32).toString('base64url');
  // Written whole to a private file, then linked into place: `link` fails when the secret exists, so two
  // processes starting at once keep one secret, and no reader ever sees a half-written secret file (so a
  // short one is always damaged, never one being written).
  const draft = join(dataDir, `${TOKEN_SECRET_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(draft, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
    return secret;
  } catch (error) {
    if (!hasCode(error, 'EEXIST')) throw error;
  } finally {
    await rm(draft, { force: true });
  }
  // Another process created it first: use theirs.
  const theirs = await readTokenSecret(file);
  if (theirs === undefined) {
    throw new InputError(`Tệp khóa bí mật "${file}" vừa bị xóa trong lúc hệ thống đang đọc. Vui lòng chạy lại lệnh.`);
  }
  return theirs;
}

/** The secret in `file`; undefined when there is no file; an `InputError` when the file is damaged. */
async function readTokenSecret(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length >= MIN_TOKEN_SECRET_LENGTH) return secret;
  throw new InputError(
    `Tệp khóa bí mật "${file}" bị hỏng hoặc đã bị sửa tay: khóa phải dài ít nhất ${MIN_TOKEN_SECRET_LENGTH} ký tự. ` +
      'Nếu còn bản sao đúng của tệp này, hãy chép đè lại để giữ các đường dẫn tải lên đã cấp. ' +
      'Nếu không, hãy xóa tệp rồi chạy lại: hệ thống sẽ tạo khóa mới, nhưng mọi đường dẫn tải lên đã cấp trước đây ' +
      'sẽ không dùng được nữa và phải cấp lại (npm run cli -- invite).',
  );
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
