/** The local stack's data directory (`.data/` for `npm start`): what lives there, shared by the stack and the CLI. */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIN_TOKEN_SECRET_LENGTH } from '../../shared/config.js';

/** Endpoints of the running stack, written at start and removed at a clean stop. */
export const STACK_FILE = 'stack.json';
export const TOKEN_SECRET_FILE = 'token-secret';
export const DYNAMODB_DIR = 'dynamodb';
export const S3_DIR = 's3';

/** Reads the token secret kept in the data directory, creating it on first use (links survive restarts). */
export async function readOrCreateTokenSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, TOKEN_SECRET_FILE);
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length >= MIN_TOKEN_SECRET_LENGTH) return secret;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  // Exclusive create: two processes starting at once must not end up with two different secrets.
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return readOrCreateTokenSecret(dataDir);
    throw error;
  }
}
