/**
 * S3 keys and the few S3 operations the pipeline needs. Keys hold unit codes and upload ids only: never a
 * file name typed by a clerk, an ID or a phone number (keys end up in URLs, events and logs).
 */
import { GetObjectCommand, type GetObjectCommandOutput, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DependencyError } from '../errors.js';

export const INCOMING_PREFIX = 'incoming/';
export const ANNOTATED_PREFIX = 'annotated/';

// Unit codes are GSO digits or department slugs; upload ids are lowercase alphanumerics.
const KEY_PART = /^[a-z0-9][a-z0-9-]{0,63}$/;
const INCOMING_KEY = /^incoming\/([a-z0-9][a-z0-9-]{0,63})\/([a-z0-9]{8,40})\.([a-z0-9]{1,8})$/;

export function incomingKey(unit: string, uploadId: string, extension: string): string {
  for (const part of [unit, uploadId, extension]) {
    if (!KEY_PART.test(part)) throw new RangeError('invalid S3 key part');
  }
  return `${INCOMING_PREFIX}${unit}/${uploadId}.${extension}`;
}

export function annotatedKey(unit: string, uploadId: string): string {
  return `${ANNOTATED_PREFIX}${unit}/${uploadId}.xlsx`;
}

/** Where a verdict's issues go when they are too large for the upload's DynamoDB item. */
export function issuesKey(unit: string, uploadId: string): string {
  return `${ANNOTATED_PREFIX}${unit}/${uploadId}.issues.json.gz`;
}

export interface IncomingKeyParts {
  unit: string;
  uploadId: string;
  extension: string;
}

/** The parts of an `incoming/<unit>/<uploadId>.<ext>` key, or undefined for any other key. */
export function parseIncomingKey(key: string): IncomingKeyParts | undefined {
  const match = INCOMING_KEY.exec(key);
  if (!match) return undefined;
  const [, unit, uploadId, extension] = match;
  if (unit === undefined || uploadId === undefined || extension === undefined) return undefined;
  return { unit, uploadId, extension };
}

/**
 * S3 event notifications carry the key URL-encoded the way HTML forms are (`+` for a space, `%2B` for a
 * plus). This is the encoding AWS applies; the local stack applies it too so the handler sees the same.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

/** Inverse of `encodeEventKey`; undefined for a malformed escape (an event we did not make). */
export function decodeEventKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  expiresAt: Date;
}

export interface PresignUploadInput {
  bucket: string;
  key: string;
  contentType: string;
  maxBytes: number;
  expiresInSeconds: number;
  now: Date;
}

/**
 * A presigned POST whose policy binds the exact key, the Content-Type and a size of 1 byte to `maxBytes`.
 * S3 enforces the policy (locally, the proxy in infra/local/s3-post-policy.ts does); the reader checks the
 * size again all the same, should an object get in some other way.
 */
export async function presignUpload(s3: S3Client, input: PresignUploadInput): Promise<PresignedUpload> {
  try {
    // Loaded on first use: of the functions, only the API presigns (tens of ms off every other cold start).
    const { createPresignedPost } = await import('@aws-sdk/s3-presigned-post');
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: input.bucket,
      Key: input.key,
      Conditions: [
        ['content-length-range', 1, input.maxBytes],
        ['eq', '$Content-Type', input.contentType],
      ],
      Fields: { 'Content-Type': input.contentType },
      Expires: input.expiresInSeconds,
    });
    return { url, fields, expiresAt: policyExpiration(fields) ?? new Date(input.now.getTime() + input.expiresInSeconds * 1000) };
  } catch (error) {
    throw new DependencyError('S3 presign POST', { cause: error });
  }
}

/** The expiry S3 will enforce: the one written in the signed policy (whole seconds, by the SDK's clock). */
function policyExpiration(fields: Record<string, string>): Date | undefined {
  try {
    const policy: unknown = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
    const expiration = typeof policy === 'object' && policy !== null && 'expiration' in policy ? policy.expiration : undefined;
    const date = typeof expiration === 'string' ? new Date(expiration) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
  } catch {
    return undefined;
  }
}

/** A short-lived download link, served as an attachment with a neutral file name (the clerk's name may say anything). */
export async function presignDownload(
  s3: S3Client,
  input: { bucket: string; key: string; downloadName: string; expiresInSeconds: number },
): Promise<string> {
  try {
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    return await getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        ResponseContentDisposition: `attachment; filename="${input.downloadName}"`,
      }),
      { expiresIn: input.expiresInSeconds },
    );
  } catch (error) {
    throw new DependencyError('S3 presign GET', { cause: error });
  }
}

export type ReadObjectResult =
  | { kind: 'ok'; bytes: Uint8Array; eTag: string | undefined }
  | { kind: 'too-large'; size: number }
  | { kind: 'missing' };

const stripQuotes = (eTag: string | undefined) => eTag?.replace(/^"|"$/g, '');

/**
 * Reads an object of at most `maxBytes`, whatever the upload policy said: larger objects are refused from
 * their declared length, and a body that turns out longer is cut off and refused too.
 */
export async function readObjectBounded(
  s3: S3Client,
  input: { bucket: string; key: string; maxBytes: number },
): Promise<ReadObjectResult> {
  let response: GetObjectCommandOutput;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: input.key }));
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return { kind: 'missing' };
    throw new DependencyError('S3 GetObject', { cause: error });
  }
  const declared = response.ContentLength ?? 0;
  const body = response.Body;
  if (declared > input.maxBytes || body === undefined) {
    if (body && 'destroy' in body && typeof body.destroy === 'function') body.destroy();
    return declared > input.maxBytes ? { kind: 'too-large', size: declared } : { kind: 'missing' };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > input.maxBytes) {
        if ('destroy' in body && typeof body.destroy === 'function') body.destroy();
        return { kind: 'too-large', size: total };
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw new DependencyError('S3 GetObject body', { cause: error });
  }
  return { kind: 'ok', bytes: Buffer.concat(chunks), eTag: stripQuotes(response.ETag) };
}

export async function putObject(
  s3: S3Client,
  input: { bucket: string; key: string; body: Uint8Array; contentType: string },
): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: input.bucket, Key: input.key, Body: input.body, ContentType: input.contentType }),
    );
  } catch (error) {
    throw new DependencyError('S3 PutObject', { cause: error });
  }
}

export async function getObjectBytes(s3: S3Client, input: { bucket: string; key: string }): Promise<Uint8Array> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: input.key }));
    if (!response.Body) throw new Error('empty body');
    return await response.Body.transformToByteArray();
  } catch (error) {
    throw new DependencyError('S3 GetObject', { cause: error });
  }
}

export interface StoredObject {
  size: number;
  eTag: string | undefined;
  lastModified: Date;
}

/**
 * What S3 holds under `key`, or undefined when nothing does (the local stack's reconciliation asks). Its time
 * is to the second on s3rver (and on S3's HEAD): the caller must not order uploads by it alone.
 */
export async function findObject(s3: S3Client, input: { bucket: string; key: string }): Promise<StoredObject | undefined> {
  try {
    const response = await s3.send(new ListObjectsV2Command({ Bucket: input.bucket, Prefix: input.key, MaxKeys: 1 }));
    const found = response.Contents?.find((object) => object.Key === input.key);
    if (!found) return undefined;
    return { size: found.Size ?? 0, eTag: stripQuotes(found.ETag), lastModified: found.LastModified ?? new Date(0) };
  } catch (error) {
    throw new DependencyError('S3 ListObjectsV2', { cause: error });
  }
}
