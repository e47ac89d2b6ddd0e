/**
 * The local S3 refuses what real S3 would: a browser POST is checked against the policy the API signed
 * (signature, expiry, bucket, exact key, size range, content type, no uncovered field), with S3's status and
 * XML error, before anything is stored or any event is sent.
 */
import { describe, expect, it } from 'vitest';
import { postPolicySignature } from '../../infra/local/s3-post-policy.js';
import { S3RVER_CREDENTIALS } from '../../shared/aws/clients.js';
import { findObject } from '../../shared/aws/s3.js';
import {
  api,
  districtPeople,
  type LocalStack,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  tokenOf,
  useLocalStack,
  XLSX_TYPE,
} from '../support/local-stack.js';

let clockOffsetMs = 0;
const stack = useLocalStack({ processEvents: false, now: () => new Date(Date.now() + clockOffsetMs) });

async function grant(s: LocalStack, unit: string, size = 1000, contentType = XLSX_TYPE): Promise<PresignedPost> {
  const created = await api<PresignedPost>(s, '/api/uploads', {
    json: { token: tokenOf(s.inviteLink(unit)), fileName: 'ds.xlsx', contentType, size },
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** S3's error document, read as a browser or SDK would. */
async function s3Error(response: Response): Promise<{ status: number; code: string | undefined; message: string | undefined; xml: string }> {
  const xml = await response.text();
  return {
    status: response.status,
    code: /<Error><Code>([^<]+)<\/Code>/.exec(xml)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1],
    xml,
  };
}

const keyOf = (post: PresignedPost) => post.fields.key ?? '';
const stored = (s: LocalStack, key: string) => findObject(s.clients.s3, { bucket: s.bucketName, key });
const eventsFor = (s: LocalStack, key: string) => s.events.filter((e) => JSON.stringify(e).includes(key.split('/').pop() ?? key));

function policyOf(post: PresignedPost): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8'));
}

describe('browser POSTs to the local S3', () => {
  it('stores a file sent as granted', async () => {
    const s = stack.current;
    const post = await grant(s, '548', 1000);
    const response = await postToS3(post, new Uint8Array(1000).fill(65), 'ds.xlsx');
    expect(response.status).toBe(204);
    expect((await stored(s, keyOf(post)))?.size).toBe(1000);
  });

  it('refuses a form for 546 used to write 544’s key', async () => {
    const s = stack.current;
    const mine = await grant(s, '546');
    const theirs = await grant(s, '544');
    const bytes = await rosterWorkbook(senderLine('546'), districtPeople('546', 2, 1));
    const forged = { ...mine, fields: { ...mine.fields, key: keyOf(theirs) } };
    const refusal = await s3Error(await postToS3(forged, bytes.subarray(0, 900), 'ds.xlsx'));
    expect(refusal).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(refusal.message).toContain('Policy Condition failed');
    expect(refusal.xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>.*<\/Message><RequestId>[0-9A-F]+<\/RequestId><HostId>.+<\/HostId><\/Error>$/);
    expect(await stored(s, keyOf(theirs))).toBeUndefined();
    expect(eventsFor(s, keyOf(theirs))).toEqual([]);
  });

  it.each([
    ['a 6.2 MB file through a grant for 1,000 bytes', (_max: number) => 6.2 * 1024 * 1024, 400, 'EntityTooLarge'],
    ['a file one byte over the content-length-range', (max: number) => max + 1, 400, 'EntityTooLarge'],
    ['an empty file', (_max: number) => 0, 400, 'EntityTooSmall'],
  ])('refuses %s', async (_label, sizeFor, status, code) => {
    const s = stack.current;
    const post = await grant(s, '547', 1000);
    const range = policyOf(post).conditions.find((c): c is [string, number, number] => Array.isArray(c) && c[0] === 'content-length-range');
    const refusal = await s3Error(await postToS3(post, new Uint8Array(Math.round(sizeFor(range?.[2] ?? 0))), 'ds.xlsx'));
    expect(refusal).toMatchObject({ status, code });
    expect(await stored(s, keyOf(post))).toBeUndefined();
    expect(eventsFor(s, keyOf(post))).toEqual([]);
  });

  it('refuses a file whose Content-Type is not the one granted', async () => {
    const s = stack.current;
    const post = await grant(s, '549');
    const changed = { ...post, fields: { ...post.fields, 'Content-Type': 'text/html' } };
    const refusal = await s3Error(await postToS3(changed, new Uint8Array(500), 'ds.xlsx', 'text/html'));
    expect(refusal).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(refusal.message).toContain('$Content-Type');
    expect(await stored(s, keyOf(post))).toBeUndefined();
  });

  it('refuses a form field the policy does not cover', async () => {
    const s = stack.current;
    const post = await grant(s, '550');
    const extended = { ...post, fields: { ...post.fields, 'x-amz-meta-owner': 'someone' } };
    const refusal = await s3Error(await postToS3(extended, new Uint8Array(500), 'ds.xlsx'));
    expect(refusal).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: x-amz-meta-owner' });
  });

  it('refuses a policy widened after signing, and one re-signed with another key', async () => {
    const s = stack.current;
    const post = await grant(s, '551', 1000);
    const policy = policyOf(post);
    const widened = {
      ...policy,
      conditions: policy.conditions.map((c) => (Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 10 * 1024 * 1024] : c)),
    };
    const widenedPolicy = Buffer.from(JSON.stringify(widened)).toString('base64');
    const tampered = { ...post, fields: { ...post.fields, Policy: widenedPolicy } };
    // Over the signed 5 MB range, within what the widened one would allow.
    const big = new Uint8Array(5.5 * 1024 * 1024);
    expect(await s3Error(await postToS3(tampered, big, 'ds.xlsx'))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });

    const [, date, region] = (post.fields['X-Amz-Credential'] ?? '').split('/');
    const otherKey = postPolicySignature('not-the-secret', { date: date ?? '', region: region ?? '', service: 's3' }, widenedPolicy);
    const resigned = { ...tampered, fields: { ...tampered.fields, 'X-Amz-Signature': otherKey } };
    expect(await s3Error(await postToS3(resigned, big, 'ds.xlsx'))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });

    // Signed with the emulator's own secret, the widened policy would pass: the check is the signature.
    const genuine = postPolicySignature(S3RVER_CREDENTIALS.secretAccessKey, { date: date ?? '', region: region ?? '', service: 's3' }, widenedPolicy);
    const signed = { ...tampered, fields: { ...tampered.fields, 'X-Amz-Signature': genuine } };
    expect((await postToS3(signed, new Uint8Array(2000), 'ds.xlsx')).status).toBe(204);
    expect(await stored(s, keyOf(post))).toBeDefined();
  });

  it('refuses a form used after it expired', async () => {
    const s = stack.current;
    const post = await grant(s, 'so-noi-vu');
    clockOffsetMs = 15 * 60 * 1000 + 1000;
    try {
      const refusal = await s3Error(await postToS3(post, new Uint8Array(500), 'ds.xlsx'));
      expect(refusal).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    } finally {
      clockOffsetMs = 0;
    }
    expect(await stored(s, keyOf(post))).toBeUndefined();
  });

  it('refuses a POST with no policy or signature at all', async () => {
    const s = stack.current;
    const post = await grant(s, 'so-tu-phap');
    const { Policy: _policy, 'X-Amz-Signature': _signature, ...bare } = post.fields;
    const refusal = await s3Error(await postToS3({ ...post, fields: bare }, new Uint8Array(500), 'ds.xlsx'));
    expect(refusal).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(await stored(s, keyOf(post))).toBeUndefined();
  });
});
