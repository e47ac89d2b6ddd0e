/**
 * The dashboard's roster and report routes on the embedded stack: the province export, revoking a unit's
 * links, and the monthly report previewed, downloaded and sent (once, unless sent again on purpose), each
 * action in the audit trail. The centre's own files sent from the dashboard: admin-uploads.test.ts.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { api, districtPeople, rosterWorkbook, senderLine, tokenOf, uploadFile, useLocalStack } from '../support/local-stack.js';
import { type AdminClient, adminApi, clearInbox, inbox, signIn } from './admin-support.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const stack = useLocalStack({ admin: { centreEmails: [STAFF] } });

async function download(client: AdminClient, path: string) {
  const response = await fetch(`${stack.current.baseUrl}/api/admin${path}`, { headers: { cookie: client.cookie } });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function auditActions(client: AdminClient): Promise<string[]> {
  const { body } = await adminApi<{ entries: { action: string }[] }>(stack.current, client, '/audit');
  return body.entries.map((entry) => entry.action);
}

describe('the roster', () => {
  it('downloads the province-wide export, and records who did', async () => {
    const people = districtPeople('548', 2, 71);
    await uploadFile(stack.current, tokenOf(stack.current.inviteLink('548')), { bytes: await rosterWorkbook(senderLine('548'), people), fileName: 'pc.xlsx' });
    const client = await signIn(stack.current, STAFF);
    const { response, bytes } = await download(client, '/export');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="danh-sach-can-bo-mot-cua-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const cells = workbook.worksheets[0]?.getSheetValues().flat().map(String) ?? [];
    expect(cells).toContain(people[0]?.name);
    expect(await auditActions(client)).toContain('export-downloaded');
  });

  it('is not downloaded without a session', async () => {
    const response = await fetch(`${stack.current.baseUrl}/api/admin/export`);
    expect(response.status).toBe(401);
  });
});

describe('revocation', () => {
  it('revokes a unit\'s links: the clerk\'s old link stops working, a new one works', async () => {
    const client = await signIn(stack.current, STAFF);
    const old = tokenOf(stack.current.inviteLink('549'));
    expect((await api(stack.current, '/api/uploads', { token: old })).status).toBe(200);
    const revoked = await adminApi(stack.current, client, '/links/revoke', { json: { unit: '549' } });
    expect(revoked.status).toBe(200);
    const refused = await api<{ error: { code: string } }>(stack.current, '/api/uploads', { token: old });
    expect(refused.body.error.code).toBe('TOKEN_REVOKED');
    const fresh = await adminApi<{ links: { url: string }[] }>(stack.current, client, '/links', { json: { units: ['549'], form: 'roster' } });
    expect((await api(stack.current, '/api/uploads', { token: tokenOf(fresh.body.links[0]?.url ?? '') })).status).toBe(200);
    expect(await auditActions(client)).toContain('link-revoked');
  });
});

describe('the monthly report', () => {
  it('previews the month (figures, the e-mail with its chart, the workbook), sends it once, and again only on purpose', async () => {
    const client = await signIn(stack.current, STAFF);
    const summary = await adminApi<{ period: string; subject: string; recipients: string[]; sentAt: string | null; totals: Record<string, number> }>(
      stack.current,
      client,
      '/report?period=2026-10',
    );
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ period: '2026-10', sentAt: null, unattributed: { rows: 0, accountsCreated: 0 } });
    expect(summary.body.subject).toMatch(/10\/2026/);
    expect(summary.body.recipients.length).toBeGreaterThan(0);

    const preview = await fetch(`${stack.current.baseUrl}/api/admin/report/preview?period=2026-10`, { headers: { cookie: client.cookie } });
    expect(preview.headers.get('content-type')).toMatch(/text\/html/);
    expect(await preview.text()).toMatch(/10\/2026/);
    const workbook = await download(client, '/report/workbook?period=2026-10');
    expect(workbook.response.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(workbook.bytes.byteLength).toBeGreaterThan(1000);

    await clearInbox(stack.current);
    const sent = await adminApi<{ outcome: string; recipients: string[] }>(stack.current, client, '/report/send', { json: { period: '2026-10' } });
    expect(sent.body.outcome).toBe('sent');
    const mails = await inbox(stack.current);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.destination.to).toEqual(summary.body.recipients);

    const again = await adminApi<{ outcome: string; sentAt: string }>(stack.current, client, '/report/send', { json: { period: '2026-10' } });
    expect(again.body.outcome).toBe('already-sent');
    expect(await inbox(stack.current)).toHaveLength(1);
    expect((await adminApi<{ sentAt: string | null }>(stack.current, client, '/report?period=2026-10')).body.sentAt).not.toBeNull();

    const forced = await adminApi<{ outcome: string }>(stack.current, client, '/report/send', { json: { period: '2026-10', force: true } });
    expect(forced.body.outcome).toBe('sent');
    expect(await inbox(stack.current)).toHaveLength(2);
    expect((await auditActions(client)).filter((a) => a === 'report-sent')).toHaveLength(2);
  });

  it('refuses a state change without the CSRF token: no report is sent', async () => {
    const client = await signIn(stack.current, STAFF);
    await clearInbox(stack.current);
    const answer = await adminApi(stack.current, client, '/report/send', { json: { period: '2026-09' }, csrf: false });
    expect(answer.status).toBe(403);
    expect(await inbox(stack.current)).toHaveLength(0);
  });
});
