/**
 * `revoke --unit CODE` / `revoke --centre`: the centre voids one holder's upload links issued before now,
 * without rotating the secret. The old links are refused from the next request on with a Vietnamese
 * "revoked" message and change nothing; other holders' links, and links issued afterwards, keep working.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as invite } from '../../cli/commands/invite.js';
import { run as revoke } from '../../cli/commands/revoke.js';
import { InputError } from '../../shared/errors.js';
import { createLinkRevocations } from '../../shared/store/link-revocations.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { api, type LocalStack, startTestStack, tokenOf, uploadFile, XLSX_TYPE } from '../support/local-stack.js';
import { runCli } from '../support/cli.js';
import { buildRosterXlsx } from '../support/workbooks.js';

let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'motcua-revoke-'));
  stack = await startTestStack({ dataDir });
  vi.stubEnv('MOTCUA_DATA_DIR', dataDir);
  vi.stubEnv('MOTCUA_TARGET', '');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const cli = runCli;

/** A link as issued before tokens carried their issue time: no `iat` claim, signed with the stack's secret. */
function linkWithoutIssueTime(unit: string): string {
  const payload = Buffer.from(
    JSON.stringify({ unit, form: 'roster', period: '2021-06', exp: Math.floor(Date.now() / 1000) + 3600 }),
  ).toString('base64url');
  const key = Buffer.from(hkdfSync('sha256', stack.tokenSecret, 'motcua-intake', 'upload-token/v1', 32));
  return `v1.${payload}.${createHmac('sha256', key).update(`v1.${payload}`).digest('base64url')}`;
}

type ErrorBody = { error: { code: string; message: string } };
const REVOKED_MESSAGE = 'Đường dẫn này đã bị thu hồi';

/** Every route a link opens, answered for `token`. */
async function everyRoute(token: string, uploadId: string): Promise<Record<string, { status: number; code?: string }>> {
  const answers = {
    list: await api<ErrorBody>(stack, '/api/uploads', { token }),
    create: await api<ErrorBody>(stack, '/api/uploads', { json: { token, fileName: 'danh sach.xlsx', contentType: XLSX_TYPE, size: 1000 } }),
    status: await api<ErrorBody>(stack, `/api/uploads/${uploadId}`, { token }),
    cancel: await api<ErrorBody>(stack, `/api/uploads/${uploadId}/cancel`, { method: 'POST', token }),
    malformedId: await api<ErrorBody>(stack, '/api/uploads/NOT-AN-ID', { token }),
  };
  const template = await fetch(`${stack.baseUrl}/api/template`, { headers: { authorization: `Bearer ${token}` } });
  const templateBody = template.headers.get('content-type')?.includes('json') ? ((await template.json()) as ErrorBody) : undefined;
  return {
    ...Object.fromEntries(Object.entries(answers).map(([route, a]) => [route, { status: a.status, code: a.body.error?.code }])),
    template: { status: template.status, code: templateBody?.error.code },
  };
}

describe('revoke --unit', () => {
  it('voids that unit’s earlier links at once, on every route, and nothing changes through them', async () => {
    const old = tokenOf(stack.inviteLink('548'));
    const legacy = linkWithoutIssueTime('548');
    const neighbour = tokenOf(stack.inviteLink('546'));
    const accepted = await uploadFile(stack, old, { bytes: await buildRosterXlsx({ sender: 'UBND huyện Phù Cát', rows: [] }) });
    expect((await api(stack, '/api/uploads', { token: legacy })).status).toBe(200);

    const { code, stdout, stderr } = await cli(revoke, ['--unit', '548']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('Đã thu hồi mọi đường dẫn tải lên cấp cho Huyện Phù Cát trước');
    expect(stderr).toContain('npm run cli -- invite --unit 548');

    for (const token of [old, legacy]) {
      const answers = await everyRoute(token, accepted.uploadId);
      for (const [route, answer] of Object.entries(answers)) {
        expect({ route, ...answer }).toEqual({ route, status: 401, code: 'TOKEN_REVOKED' });
      }
    }
    const refused = await api<ErrorBody>(stack, '/api/uploads', { token: old });
    expect(refused.body.error.message).toContain(REVOKED_MESSAGE);
    expect(refused.body.error.message).toContain('Trung tâm Phục vụ hành chính công tỉnh');

    // The refused create and cancel left no trace: the unit's uploads are the one made before.
    const fresh = tokenOf(stack.inviteLink('548'));
    const list = await api<{ uploads: { uploadId: string; status: string }[] }>(stack, '/api/uploads', { token: fresh });
    expect(list.status).toBe(200);
    expect(list.body.uploads.map((u) => [u.uploadId, u.status])).toEqual([[accepted.uploadId, accepted.status.status]]);

    // Other units are untouched.
    expect((await api(stack, '/api/uploads', { token: neighbour })).status).toBe(200);
  });

  it('leaves links issued afterwards working, by invite as by any issuer', async () => {
    expect((await cli(revoke, ['--unit', '547'])).code).toBe(0);
    const { code, stdout } = await cli(invite, ['--unit', '547']);
    expect(code).toBe(0);
    const token = tokenOf(stdout.trim());
    expect((await api(stack, '/api/uploads', { token })).status).toBe(200);
    const created = await api(stack, '/api/uploads', { json: { token, fileName: 'danh sach.xlsx', contentType: XLSX_TYPE, size: 1000 } });
    expect(created.status).toBe(201);
  });

  it('a second revoke voids the links issued between the two', async () => {
    expect((await cli(revoke, ['--unit', '549'])).code).toBe(0);
    const between = tokenOf(stack.inviteLink('549'));
    expect((await api(stack, '/api/uploads', { token: between })).status).toBe(200);
    // The request above took well over a millisecond: the second revoke's instant is after this link's issue.
    expect((await cli(revoke, ['--unit', '549'])).code).toBe(0);
    expect((await api<ErrorBody>(stack, '/api/uploads', { token: between })).body.error.code).toBe('TOKEN_REVOKED');
    const revocation = await createLinkRevocations({ doc: stack.deps.clients.doc, tableName: stack.deps.config.tableName }).revocationOf('549');
    expect(revocation?.revocations).toBe(2);
  });

  it('a revoke recorded at an earlier instant never undoes a later one', async () => {
    const revocations = createLinkRevocations({ doc: stack.deps.clients.doc, tableName: stack.deps.config.tableName });
    const later = await revocations.revoke('550', new Date('2030-01-01T00:00:00Z'));
    const earlier = await revocations.revoke('550', new Date('2025-01-01T00:00:00Z'));
    expect(earlier.revokedBefore).toEqual(later.revokedBefore);
  });
});

describe('revoke --centre', () => {
  it('voids the centre’s links and no unit’s', async () => {
    const centre = tokenOf(stack.inviteLink(CENTRE_UNIT, { form: 'results', period: '2021-06' }));
    const unit = tokenOf(stack.inviteLink('551'));
    const { code, stderr } = await cli(revoke, ['--centre']);
    expect(code).toBe(0);
    expect(stderr).toContain('Trung tâm Phục vụ hành chính công tỉnh');
    expect((await api<ErrorBody>(stack, '/api/uploads', { token: centre })).body.error.code).toBe('TOKEN_REVOKED');
    expect((await api(stack, '/api/uploads', { token: unit })).status).toBe(200);
  });
});

describe('revoke misuse', () => {
  it.each([
    ['no holder', [], 'Cần đúng một trong --unit MÃ_ĐƠN_VỊ hoặc --centre'],
    ['both holders', ['--unit', '548', '--centre'], 'Cần đúng một trong --unit MÃ_ĐƠN_VỊ hoặc --centre'],
    ['a commune instead of a district', ['--unit', '21871'], 'Mã đơn vị "21871" không phải huyện'],
    ['an unknown option', ['--unit', '548', '--all'], 'Tùy chọn "--all" không có trong lệnh này'],
  ])('%s: refused with the reason, nothing revoked', async (_label, args, message) => {
    await expect(revoke(args)).rejects.toThrow(InputError);
    await expect(revoke(args)).rejects.toThrow(message);
  });
});
