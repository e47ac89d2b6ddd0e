/**
 * The local data directory holds rosters with ID and phone numbers, annotated workbooks, the delivery
 * journal and the token secret: only its owner may read it, whichever library wrote what.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { run as exportRoster } from '../../cli/commands/export-roster.js';
import { DIR_MODE, FILE_MODE } from '../../infra/local/data-dir.js';
import { districtPeople, rosterWorkbook, senderLine, startTestStack, tokenOf, uploadFile } from '../support/local-stack.js';

const root = await mkdtemp(join(tmpdir(), 'motcua-modes-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every path under `dir` whose mode is not owner-only, with its mode. */
async function looserThanOwner(dir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string) => {
    const info = await stat(path);
    const mode = info.mode & 0o777;
    if (info.isDirectory()) {
      if (mode !== DIR_MODE) found.push(`${path} ${mode.toString(8)}`);
      for (const name of await readdir(path)) await visit(join(path, name));
    } else if (mode !== FILE_MODE) {
      found.push(`${path} ${mode.toString(8)}`);
    }
  };
  await visit(dir);
  return found;
}

it('keeps every file 0600 and every folder 0700: tables, objects, journal, secret, and what an older run left', async () => {
  const dataDir = join(root, 'data');
  // What a version without these modes left behind.
  await mkdir(join(dataDir, 'old'), { recursive: true, mode: 0o755 });
  await writeFile(join(dataDir, 'old', 'export.xlsx'), 'x', { mode: 0o644 });
  await chmod(dataDir, 0o755);

  const stack = await startTestStack({ dataDir });
  try {
    const accepted = await uploadFile(stack, tokenOf(stack.inviteLink('548')), {
      bytes: await rosterWorkbook(senderLine('548'), districtPeople('548', 3, 60)),
    });
    expect(accepted.status.status).toBe('accepted');
    const broken = districtPeople('544', 3, 61).map((p, i) => (i === 0 ? { ...p, phone: '02563822222' } : p));
    const rejected = await uploadFile(stack, tokenOf(stack.inviteLink('544')), { bytes: await rosterWorkbook(senderLine('544'), broken) });
    expect(rejected.status.reportUrl).not.toBeNull();

    // The centre's export, written by the CLI under the same directory.
    vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await exportRoster([])).toBe(0);
    } finally {
      quiet.mockRestore();
      vi.unstubAllEnvs();
    }

    const names = await readdir(dataDir);
    expect(names).toEqual(expect.arrayContaining(['dynamodb', 's3', 'events', 'dead-letters', 'token-secret', 'stack.json', 'exports']));
    expect(await looserThanOwner(dataDir)).toEqual([]);
  } finally {
    await stack.stop();
  }
  expect(await looserThanOwner(dataDir)).toEqual([]);
});
