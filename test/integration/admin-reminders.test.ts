/**
 * Reminders from the dashboard on the embedded stack: every unit without an accepted roster (or without the
 * month's results) gets one Vietnamese mail with a working link, never twice in a Vietnam day.
 */
import { describe, expect, it } from 'vitest';
import { api, districtPeople, rosterWorkbook, senderLine, tokenOf, uploadFile, useLocalStack } from '../support/local-stack.js';
import { adminApi, clearInbox, inbox, mailsTo, signIn } from './admin-support.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const ADDRESSES = { '548': 'mc@phucat.example.vn', '549': 'mc@annhon.example.vn', 'so-tu-phap': 'vp@stp.example.vn' } as const;
let clock = new Date('2026-11-10T02:00:00Z');
const stack = useLocalStack({
  now: () => clock,
  rosterDeadline: '2026-11-30',
  admin: {
    centreEmails: [STAFF],
    unitEmails: new Map(Object.entries(ADDRESSES).map(([unit, address]) => [unit, [address]])),
  },
});

interface RemindersAnswer {
  form: string;
  period: string;
  sent: { code: string; to: string[] }[];
  alreadyToday: string[];
  noAddress: string[];
  targets?: { code: string }[];
}

describe('reminders', () => {
  it('mails each unit without an accepted roster once a day, with a link that works', async () => {
    const accepted = await uploadFile(stack.current, tokenOf(stack.current.inviteLink('548')), {
      bytes: await rosterWorkbook(senderLine('548'), districtPeople('548', 3, 61)),
      fileName: 'phu-cat.xlsx',
    });
    expect(accepted.status.status).toBe('accepted');
    const client = await signIn(stack.current, STAFF);
    await clearInbox(stack.current);

    const preview = await adminApi<RemindersAnswer>(stack.current, client, '/reminders', { json: { form: 'roster', preview: true } });
    expect(preview.status).toBe(200);
    const previewed = preview.body.targets?.map((t) => t.code) ?? [];
    expect(previewed).toContain('549');
    expect(previewed).not.toContain('548');
    expect(await inbox(stack.current)).toHaveLength(0);

    const first = await adminApi<RemindersAnswer>(stack.current, client, '/reminders', { json: { form: 'roster' } });
    expect(first.status).toBe(200);
    expect(first.body.sent.map((s) => s.code).sort()).toEqual(['549', 'so-tu-phap']);
    expect(first.body.noAddress).toHaveLength(previewed.length - 2);
    const [mail] = await mailsTo(stack.current, ADDRESSES['549']);
    expect(mail?.subject).toBe('Nhắc gửi danh sách cán bộ làm việc tại bộ phận một cửa (mẫu Phụ lục 2)');
    expect(mail?.body.text).toContain('Kính gửi Thị xã An Nhơn,');
    expect(mail?.body.text).toContain('chưa nhận được');
    const url = /(http\S+\/u\/\S+)/.exec(mail?.body.text ?? '')?.[1] ?? '';
    const list = await api(stack.current, '/api/uploads', { token: tokenOf(url) });
    expect(list.body).toMatchObject({ unit: { code: '549' }, form: 'roster' });
    expect(await mailsTo(stack.current, ADDRESSES['548'])).toHaveLength(0);

    const again = await adminApi<RemindersAnswer>(stack.current, client, '/reminders', { json: { form: 'roster' } });
    expect(again.body.sent).toEqual([]);
    expect(again.body.alreadyToday.sort()).toEqual(['549', 'so-tu-phap']);
    expect(await mailsTo(stack.current, ADDRESSES['549'])).toHaveLength(1);

    const today = clock;
    clock = new Date(today.getTime() + 24 * 3600_000);
    try {
      const nextDay = await adminApi<RemindersAnswer>(stack.current, await signIn(stack.current, STAFF), '/reminders', { json: { form: 'roster' } });
      expect(nextDay.body.sent.map((s) => s.code).sort()).toEqual(['549', 'so-tu-phap']);
    } finally {
      clock = today;
    }

    const audit = await adminApi<{ entries: { action: string; actor: string; detail: { units?: string[] } }[] }>(stack.current, client, '/audit');
    expect(audit.body.entries.filter((e) => e.action === 'reminders-sent')).toHaveLength(2);
  });

  it('reminds about the month\'s results every unit that has not sent them, 548 included', async () => {
    const client = await signIn(stack.current, STAFF);
    const answer = await adminApi<RemindersAnswer>(stack.current, client, '/reminders', {
      json: { form: 'results', period: '2026-10', preview: true },
    });
    expect(answer.body.period).toBe('2026-10');
    expect(answer.body.targets?.map((t) => t.code)).toEqual(expect.arrayContaining(['548', '549', 'so-tu-phap']));
  });

  it('refuses a malformed request with a Vietnamese message and sends nothing', async () => {
    const client = await signIn(stack.current, STAFF);
    await clearInbox(stack.current);
    const answer = await adminApi(stack.current, client, '/reminders', { json: { form: 'grants' } });
    expect(answer.status).toBe(400);
    expect(await inbox(stack.current)).toHaveLength(0);
  });
});
