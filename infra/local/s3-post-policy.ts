/**
 * The local S3's front door: a small HTTP proxy on the S3 port, with s3rver behind it on an internal port.
 * s3rver stores any browser POST (it checks neither the signature nor the policy), so on its own the
 * embedded stack would let a form for one key write another, or a 6 MB file through a 1,000-byte grant.
 * Here every browser-form POST (`POST /<bucket>` as multipart/form-data) is checked as S3 checks it before
 * it reaches s3rver: the SigV4 signature of the policy (with the emulator's credentials), the expiry, the
 * bucket, every condition (exact or prefix match, `content-length-range`), and no form field the policy does
 * not cover. A refusal has S3's status and XML error shape. Every other request passes through untouched
 * (the SDK's own requests, presigned GETs, CORS preflights).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';

export interface PostPolicyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface PostPolicyContext {
  /** The bucket named by the request path. */
  bucket: string;
  region: string;
  credentials: readonly PostPolicyCredentials[];
  now: Date;
}

export interface PostedForm {
  /** Every form field but the file, as sent (names compared case-insensitively, as S3 does). */
  fields: ReadonlyMap<string, string>;
  /** Bytes of the file part; undefined when there is none. */
  fileSize: number | undefined;
}

export type PolicyCheck =
  | { ok: true }
  | { ok: false; status: number; code: string; message: string; extra?: Record<string, string | number> };

const policyDocument = z.object({
  expiration: z.string(),
  conditions: z.array(z.union([z.record(z.string(), z.union([z.string(), z.number()])), z.array(z.union([z.string(), z.number()]))])),
});

/** Fields S3 never asks the policy to cover. */
const UNCOVERED_FIELDS = new Set(['policy', 'x-amz-signature', 'file']);

const denied = (message: string): PolicyCheck => ({ ok: false, status: 403, code: 'AccessDenied', message });
const policyFailed = (detail: string): PolicyCheck => denied(`Invalid according to Policy: ${detail}`);

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The SigV4 signature of a POST policy: HMAC of the base64 policy under the date/region/service key. */
export function postPolicySignature(secretAccessKey: string, scope: { date: string; region: string; service: string }, policyBase64: string): string {
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.date), scope.region), scope.service), 'aws4_request');
  return hmac(signingKey, policyBase64).toString('hex');
}

/** Checks one browser-form POST as S3 would; `ok` means S3 would store the file. */
export function checkPostPolicy(form: PostedForm, context: PostPolicyContext): PolicyCheck {
  const field = (name: string) => form.fields.get(name.toLowerCase());
  const policyBase64 = field('policy');
  const signature = field('x-amz-signature');
  if (!policyBase64 || !signature) return denied('Access Denied');
  if (field('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return { ok: false, status: 400, code: 'InvalidArgument', message: 'Unsupported or missing x-amz-algorithm' };
  }

  // x-amz-credential: <access key>/<yyyymmdd>/<region>/s3/aws4_request
  const [accessKeyId, date, region, service, terminator, ...rest] = (field('x-amz-credential') ?? '').split('/');
  const credentials = context.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credentials) {
    return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  }
  if (!date || !region || service !== 's3' || terminator !== 'aws4_request' || rest.length > 0 || !field('x-amz-date')?.startsWith(date)) {
    return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: 'Error parsing the X-Amz-Credential parameter.' };
  }
  if (region !== context.region) {
    return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${context.region}'` };
  }
  const expected = Buffer.from(postPolicySignature(credentials.secretAccessKey, { date, region, service }, policyBase64));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  }

  let policy: z.infer<typeof policyDocument>;
  try {
    policy = policyDocument.parse(JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8')));
  } catch {
    return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  const expiration = Date.parse(policy.expiration);
  if (!Number.isFinite(expiration)) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid expiration.' };
  if (expiration <= context.now.getTime()) return policyFailed('Policy expired.');

  // The bucket is a form field as far as the policy is concerned, taken from the request path.
  const formValue = (name: string) => (name.toLowerCase() === 'bucket' ? context.bucket : field(name));
  const covered = new Set<string>(['bucket']);
  for (const condition of policy.conditions) {
    if (!Array.isArray(condition)) {
      for (const [name, value] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (formValue(name) !== String(value)) return policyFailed(`Policy Condition failed: ["eq", "$${name}", "${value}"]`);
      }
      continue;
    }
    const [operator, operand, expectedValue] = condition;
    if (operator === 'content-length-range') {
      const min = Number(operand);
      const max = Number(expectedValue);
      const size = form.fileSize ?? 0;
      if (size > max) {
        return { ok: false, status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size', extra: { ProposedSize: size, MaxSizeAllowed: max } };
      }
      if (size < min) {
        return { ok: false, status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size', extra: { ProposedSize: size, MinSizeAllowed: min } };
      }
      continue;
    }
    if ((operator !== 'eq' && operator !== 'starts-with') || typeof operand !== 'string' || !operand.startsWith('$')) {
      return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid Condition.' };
    }
    const name = operand.slice(1);
    covered.add(name.toLowerCase());
    const actual = formValue(name) ?? '';
    const wanted = String(expectedValue ?? '');
    if (operator === 'eq' ? actual !== wanted : !actual.startsWith(wanted)) {
      return policyFailed(`Policy Condition failed: ["${operator}", "${operand}", "${wanted}"]`);
    }
  }
  for (const name of form.fields.keys()) {
    if (!UNCOVERED_FIELDS.has(name) && !name.startsWith('x-ignore-') && !covered.has(name)) return policyFailed(`Extra input fields: ${name}`);
  }
  if (form.fileSize === undefined) {
    return { ok: false, status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' };
  }
  return { ok: true };
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** S3's error document. */
export function s3ErrorXml(code: string, message: string, extra: Record<string, string | number> = {}): string {
  const details = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${details}<RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
}

export interface PolicyProxyOptions {
  host: string;
  port: number;
  /** Where s3rver listens. */
  target: { host: string; port: number };
  region: string;
  credentials: readonly PostPolicyCredentials[];
  /** Origins the bucket's CORS rule allows: refusals carry the header too, so the page can read them. */
  allowedOrigins: readonly string[];
  /** Bodies beyond this are drained, not kept, and refused as too large (no grant of ours comes near it). */
  maxBodyBytes: number;
  now: () => Date;
  /** False while the stack stops: new uploads are refused (503) while the SDK's own requests still pass. */
  isAccepting?: () => boolean;
}

/** A browser-form POST: `POST /<bucket>` (path style, no sub-resource) with a multipart body. */
function formPostBucket(req: IncomingMessage): string | undefined {
  if (req.method !== 'POST' || !(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) return undefined;
  const url = new URL(req.url ?? '/', 'http://s3.local');
  if (url.search !== '') return undefined;
  const match = /^\/([^/]+)\/?$/.exec(url.pathname);
  return match?.[1];
}

async function readBounded(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total <= maxBytes) chunks.push(chunk);
  }
  return total <= maxBytes ? Buffer.concat(chunks) : undefined;
}

async function parseForm(body: Buffer, contentType: string): Promise<PostedForm | undefined> {
  try {
    const formData = await new Request('http://s3.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
    const fields = new Map<string, string>();
    let fileSize: number | undefined;
    formData.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (lower === 'file') {
        if (fileSize === undefined) fileSize = typeof value === 'string' ? Buffer.byteLength(value) : value.size;
        return;
      }
      // S3 ignores whatever follows the first file.
      if (fileSize === undefined && typeof value === 'string' && !fields.has(lower)) fields.set(lower, value);
    });
    return { fields, fileSize };
  } catch {
    return undefined;
  }
}

/** Starts the proxy; resolves with the listening server. */
export async function startPolicyProxy(options: PolicyProxyOptions): Promise<Server> {
  const refuse = (req: IncomingMessage, res: ServerResponse, check: Exclude<PolicyCheck, { ok: true }>) => {
    const origin = req.headers.origin;
    const headers: Record<string, string> = { 'Content-Type': 'application/xml' };
    if (origin && options.allowedOrigins.includes(origin)) Object.assign(headers, { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    res.writeHead(check.status, headers).end(s3ErrorXml(check.code, check.message, check.extra));
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const upstream = request(
      { host: options.target.host, port: options.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(503, { 'Content-Type': 'application/xml' });
      res.end(s3ErrorXml('ServiceUnavailable', 'Please reduce your request rate.'));
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const bucket = formPostBucket(req);
    if (bucket === undefined) {
      forward(req, res);
      return;
    }
    if (options.isAccepting && !options.isAccepting()) {
      req.resume();
      refuse(req, res, { ok: false, status: 503, code: 'ServiceUnavailable', message: 'Please reduce your request rate.' });
      return;
    }
    void (async () => {
      const body = await readBounded(req, options.maxBodyBytes);
      if (!body) {
        refuse(req, res, { ok: false, status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' });
        return;
      }
      const form = await parseForm(body, req.headers['content-type'] ?? '');
      if (!form) {
        refuse(req, res, { ok: false, status: 400, code: 'MalformedPOSTRequest', message: 'The body of your POST request is not well-formed multipart/form-data.' });
        return;
      }
      const check = checkPostPolicy(form, { bucket, region: options.region, credentials: options.credentials, now: options.now() });
      if (!check.ok) refuse(req, res, check);
      else forward(req, res, body);
    })().catch(() => {
      if (!res.headersSent) refuse(req, res, { ok: false, status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
