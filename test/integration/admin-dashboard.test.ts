/**
 * The dashboard's data routes on the embedded stack, as a signed-in member of staff uses them: the Units
 * view after real uploads, links for one unit or all (working upload links, recorded like `invite`'s), a
 * link mailed to the unit's address, and the audit trail of all of it (who, what, when; never an ID or
 * phone number).
 */
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../functions/api/errors.js';
import type { UnitsOverview } from '../../shared/admin/units.js';
import { uploaderUnits } from '../../shared/vn/units.js';
import { api, districtPeople, rosterWorkbook, senderLine, tokenOf, uploadFile, useLocalStack } from '../support/local-stack.js';
import { adminApi, clearInbox, mailsTo, signIn } from './admin-support.js';

const STAFF = 'ttpvhcc@binhdinh.gov.vn';
const PHU_CAT_MAIL = 'mot-cua@phucat.binhdinh.gov.vn';
const stack = useLocalStack({
  rosterDeadline: '2030-01-31',
  admin: { centreEmails: [STAFF], unitEmails: new Map([['548', [PHU_CAT_MAIL]]]) },
});

interface LinksAnswer {
  links: { code: string; name: string; form: string; period: string; url: string; expiresAt: string }[];
}

describe('the Units view', () => {
  it('lists every district and department with its roster state, and the province totals', async () => {
    const people = districtPeople('548', 4, 41);
    const accepted = await uploadFile(stack.current, tokenOf(stack.current.inviteLink('548')), {
      bytes: await rosterWorkbook(senderLine('548'), people),
      fileName: 'phu-cat.xlsx',
    });
    expect(accepted.status.status).toBe('accepted');
    const client = await signIn(stack.current, STAFF);

    const { status, body } = await adminApi<UnitsOverview>(stack.current, client, '/units');
    expect(status).toBe(200);
    expect(body.units.map((u) => u.code)).toEqual(uploaderUnits().map((u) => u.code));
    const phuCat = body.units.find((u) => u.code === '548');
    expect(phuCat).toMatchObject({
      name: 'Huyện Phù Cát',
      kind: 'district',
      roster: 'accepted',
      officials: 4,
      granted: 0,
      deadline: 'on-time',
      attempts: 1,
      results: 'missing',
      email: PHU_CAT_MAIL,
    });
    expect(body.totals).toMatchObject({ units: uploaderUnits().length, accepted: 1, officials: 4, onTime: 1, missing: uploaderUnits().length - 1 });
    // The view is about units: no ID or phone number of the roster appears in it.
    const text = JSON.stringify(body);
    for (const person of people) {
      expect(text).not.toContain(person.idNumber);
      expect(text).not.toContain(person.phone);
    }
  });
});

describe('a unit\'s uploads', () => {
  it('lists them with their verdicts (counts only) and hands out the annotated workbook of a rejected one', async () => {
    const people = districtPeople('545', 3, 42);
    const wrong = people.map((p, i) => (i === 1 ? { ...p, phone: '0123' } : p));
    const rejected = await uploadFile(stack.current, tokenOf(stack.current.inviteLink('545')), {
      bytes: await rosterWorkbook(senderLine('545'), wrong),
      fileName: 'co-loi.xlsx',
    });
    expect(rejected.status.status).toBe('rejected');
    const client = await signIn(stack.current, STAFF);
    const { status, body } = await adminApi<{ unit: { code: string }; uploads: { uploadId: string; status: string; rows: number; issues: number; annotated: boolean; fileName: string }[] }>(
      stack.current,
      client,
      '/units/545/uploads',
    );
    expect(status).toBe(200);
    expect(body.uploads[0]).toMatchObject({ uploadId: rejected.uploadId, fileName: 'co-loi.xlsx', status: 'rejected', rows: 3, annotated: true });
    expect(body.uploads[0]?.issues).toBeGreaterThan(0);
    const text = JSON.stringify(body);
    for (const person of people) {
      expect(text).not.toContain(person.idNumber);
      expect(text).not.toContain(person.phone);
    }
    const annotated = await fetch(`${stack.current.baseUrl}/api/admin/uploads/${rejected.uploadId}/annotated`, {
      headers: { cookie: client.cookie },
      redirect: 'manual',
    });
    expect(annotated.status).toBe(302);
    const file = await fetch(annotated.headers.get('location') ?? '');
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await adminApi(stack.current, client, '/units/999/uploads')).status).toBe(400);
  });
});

describe('links', () => {
  it('issues a working upload link for one unit, recorded for the status view', async () => {
    const client = await signIn(stack.current, STAFF);
    const answer = await adminApi<LinksAnswer>(stack.current, client, '/links', {
      json: { units: ['so-tu-phap'], form: 'results', period: '2026-10', days: 3 },
    });
    expect(answer.status).toBe(201);
    const [link] = answer.body.links;
    expect(link).toMatchObject({ code: 'so-tu-phap', name: 'Sở Tư pháp', form: 'results', period: '2026-10' });
    expect(link?.url.startsWith(`${stack.current.baseUrl}/u/`)).toBe(true);
    const list = await api<{ unit: { code: string }; form: string; period: string }>(stack.current, '/api/uploads', {
      token: tokenOf(link?.url ?? ''),
    });
    expect(list.body).toMatchObject({ unit: { code: 'so-tu-phap' }, form: 'results', period: '2026-10' });
    const records = await stack.current.deps.store.listLinkRecords();
    expect(records).toContainEqual(expect.objectContaining({ unit: 'so-tu-phap', form: 'results', count: 1 }));
  });

  it('issues one link per district and department for "all"', async () => {
    const client = await signIn(stack.current, STAFF);
    const answer = await adminApi<LinksAnswer>(stack.current, client, '/links', { json: { units: 'all', form: 'roster' } });
    expect(answer.status).toBe(201);
    expect(answer.body.links.map((l) => l.code)).toEqual(uploaderUnits().map((u) => u.code));
  });

  it.each([
    ['an unknown unit', { units: ['999'], form: 'roster' }, 'ADMIN_UNKNOWN_UNIT'],
    ['a commune (not an uploader)', { units: ['21871'], form: 'roster' }, 'ADMIN_UNKNOWN_UNIT'],
    ['the grants form', { units: ['548'], form: 'grants' }, 'BAD_REQUEST'],
    ['a malformed period', { units: ['548'], form: 'results', period: '2026-13' }, 'BAD_REQUEST'],
    ['a validity over 90 days', { units: ['548'], form: 'roster', days: 91 }, 'BAD_REQUEST'],
  ] as const)('refuses %s with a Vietnamese message, issuing nothing', async (_label, json, code) => {
    const client = await signIn(stack.current, STAFF);
    const before = await stack.current.deps.store.listLinkRecords();
    const answer = await adminApi(stack.current, client, '/links', { json });
    expect(answer).toEqual({ status: API_ERRORS[code].status, body: { error: { code, message: API_ERRORS[code].message } } });
    expect(await stack.current.deps.store.listLinkRecords()).toEqual(before);
  });

  it('mails a link to the unit\'s address, and refuses a unit without one', async () => {
    await clearInbox(stack.current);
    const client = await signIn(stack.current, STAFF);
    const sent = await adminApi<{ sentTo: string[]; link: { url: string } }>(stack.current, client, '/links/send', {
      json: { units: ['548'], form: 'roster' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.sentTo).toEqual([PHU_CAT_MAIL]);
    const [mail] = await mailsTo(stack.current, PHU_CAT_MAIL);
    expect(mail?.subject).toBe('Đề nghị gửi danh sách cán bộ làm việc tại bộ phận một cửa (mẫu Phụ lục 2)');
    expect(mail?.body.text).toContain('Kính gửi Huyện Phù Cát,');
    expect(mail?.body.text).toContain(sent.body.link.url);

    const none = await adminApi(stack.current, client, '/links/send', { json: { units: ['540'], form: 'roster' } });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ error: { code: 'ADMIN_NO_UNIT_EMAIL' } });
  });
});

describe('the audit trail', () => {
  it('records who signed in, issued and sent links, newest first, without ID or phone numbers', async () => {
    const client = await signIn(stack.current, STAFF);
    await adminApi(stack.current, client, '/links', { json: { units: ['549'], form: 'roster', days: 14 } });
    const { status, body } = await adminApi<{ entries: { at: string; actor: string; action: string; label: string; detail: Record<string, unknown> }[] }>(
      stack.current,
      client,
      '/audit',
    );
    expect(status).toBe(200);
    const [latest, beforeIt] = body.entries;
    expect(latest).toMatchObject({ actor: STAFF, action: 'link-issued', label: 'Cấp đường dẫn tải lên', detail: { units: ['549'], form: 'roster', count: 1 } });
    expect(beforeIt).toMatchObject({ actor: STAFF, action: 'signed-in', label: 'Đăng nhập' });
    const times = body.entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['link-sent']));
    // Unit codes and counts only: nothing that could be a 9- or 12-digit ID or a 10-digit phone.
    expect(JSON.stringify(body)).not.toMatch(/\d{9,}/);
  });
});
