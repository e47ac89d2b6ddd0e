/**
 * The embedded stack for the browser test: free ports, a temp data directory removed on stop, quiet logs,
 * and invite links whose token and expiry the test knows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InviteOptions, startLocalStack } from '../../../infra/local/stack.js';

const INVITE_VALIDITY_MS = 7 * 24 * 3600_000;

export interface Invite {
  url: string;
  token: string;
  expiresAt: Date;
}

/** `GET /api/uploads` as the page reads it. */
export interface UploadList {
  unit: { code: string; name: string };
  uploads: { uploadId: string; fileName: string; status: string; createdAt: string; failureCode: string | null; replaced: boolean }[];
}

export interface E2eStack {
  baseUrl: string;
  inviteLink(unit: string, options?: Pick<InviteOptions, 'expiresAt' | 'form' | 'period'>): Invite;
  listUploads(token: string): Promise<UploadList>;
  stop(): Promise<void>;
}

/** `now`: the server's clock, for tests of what the page shows after time has passed. */
export async function startE2eStack(options: { now?: () => Date } = {}): Promise<E2eStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'motcua-e2e-stack-'));
  const stack = await startLocalStack({ port: 0, dataDir, quiet: true, logLevel: 'SILENT', ...(options.now ? { now: options.now } : {}) });
  return {
    baseUrl: stack.baseUrl,
    inviteLink(unit, options = {}) {
      const expiresAt = options.expiresAt ?? new Date(Date.now() + INVITE_VALIDITY_MS);
      const url = stack.inviteLink(unit, { ...options, expiresAt });
      const token = url.slice(`${stack.baseUrl}/u/`.length);
      return { url, token, expiresAt };
    },
    async listUploads(token) {
      const response = await fetch(`${stack.baseUrl}/api/uploads`, { headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET /api/uploads answered ${response.status}`);
      return (await response.json()) as UploadList;
    },
    async stop() {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
