/**
 * `processUpload(deps, object)`: what happens when S3 announces an uploaded file. Every step is idempotent
 * or guarded, so a duplicate delivery, a reordered one, or a retry after a crash leaves the state one
 * in-order delivery leaves (see shared/store/store.ts for the ordering and the version pointer).
 *
 * Errors: a dependency failure (S3, DynamoDB) is thrown so the platform retries the event; a failure that
 * a retry cannot cure (a validator bug) is recorded as `failed` with a stable code and not thrown.
 */
import { annotatedKey, parseIncomingKey, putObject, readObjectBounded } from '../aws/s3.js';
import { InputError } from '../errors.js';
import { type KeyedLog, safeError, withKeys } from '../logger.js';
import { objectOrderKey, type RosterPersonKey } from '../store/store.js';
import type { OfficialInput } from '../store/types.js';
import type { UploadForm } from '../tokens.js';
import { validate } from '../validate.js';
import { type GrantsVerdict, validateGrants } from '../validate-grants.js';
import { type ResultsVerdict, validateResults } from '../validate-results.js';
import { type Issue, makeIssue, type Verdict } from '../verdict.js';
import { toneKey } from '../vn/text.js';
import { annotate } from '../workbook/annotate.js';
import { formatMegabytes } from '../workbook/zip-guard.js';
import type { PipelineDeps } from './deps.js';
import { ingestGrants } from './ingest-grants.js';
import { ingestResults } from './ingest-results.js';
import { deleteObsoleteVersions } from './orphan-versions.js';

/** One S3 object-created notification, with the key already URL-decoded. */
export interface UploadedObject {
  bucket: string;
  key: string;
  size: number;
  eTag?: string;
  sequencer: string;
  eventTime: Date;
}

export type ProcessOutcome =
  | { kind: 'ignored'; reason: 'not-an-upload' | 'other-bucket' | 'unknown-upload' }
  | { kind: 'duplicate' }
  | { kind: 'stale' }
  | { kind: 'rejected'; rows: number }
  | { kind: 'accepted'; rows: number; roster: 'current' | 'superseded' }
  | { kind: 'failed'; failureCode: FailureCode };

/** `PROCESSING_ABANDONED` is never stored: readers answer it for a `processing` upload past its deadline (processing-deadline.ts). */
export const FAILURE_CODES = ['OBJECT_MISSING', 'FORM_NOT_SUPPORTED', 'UNIT_UNKNOWN', 'VALIDATION_FAILED', 'PROCESSING_ABANDONED'] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The verdict of any form: the roster's (contract 1), a month's results, or the centre's grants. */
type FormVerdict = Verdict | ResultsVerdict | GrantsVerdict;

/** A roster or results version id: the upload and the object's sequencer (two objects on one key are two versions). */
export function rosterVersionId(uploadId: string, sequencer: string): string {
  return `${uploadId}-${sequencer.toLowerCase()}`;
}

export async function processUpload(deps: PipelineDeps, object: UploadedObject): Promise<ProcessOutcome> {
  const parts = parseIncomingKey(object.key);
  if (!parts) {
    deps.logger.warn('S3 event for a key that is not an upload; ignored');
    return { kind: 'ignored', reason: 'not-an-upload' };
  }
  const { unit, uploadId } = parts;
  const log = withKeys(deps.logger, { uploadId, unit });
  if (object.bucket !== deps.config.bucketName) {
    log.warn('S3 event from another bucket; ignored');
    return { kind: 'ignored', reason: 'other-bucket' };
  }

  const orderKey = objectOrderKey(object.eventTime, object.sequencer);
  const begin = await deps.store.beginProcessing(uploadId, unit, { orderKey, receivedAt: object.eventTime }, deps.now());
  if (begin.outcome !== 'started') {
    log.info('upload event not processed', { outcome: begin.outcome });
    if (begin.outcome === 'unknown') return { kind: 'ignored', reason: 'unknown-upload' };
    return { kind: begin.outcome };
  }
  const upload = begin.upload;
  log.info('processing upload', { size: object.size, form: upload.form });

  const fail = async (failureCode: FailureCode, error?: unknown): Promise<ProcessOutcome> => {
    log.error('upload failed for good', { failureCode, ...(error ? safeError(error) : {}) });
    await deps.store.recordFailure(uploadId, orderKey, failureCode, deps.now());
    return { kind: 'failed', failureCode };
  };

  // The POST policy bounds the size on AWS; s3rver ignores policies, and a bug in either must not let a
  // huge file through, so the bound is checked again before and while reading.
  const maxBytes = deps.config.maxUploadBytes;
  let verdict: FormVerdict;
  let bytes: Uint8Array | undefined;
  const read =
    object.size > maxBytes
      ? ({ kind: 'too-large', size: object.size } as const)
      : await readObjectBounded(deps.clients.s3, { bucket: object.bucket, key: object.key, maxBytes });
  if (read.kind === 'missing') return fail('OBJECT_MISSING');
  if (read.kind === 'too-large') {
    verdict = refusedFile(upload.form, unit, upload.period, makeIssue('FILE_TOO_LARGE', {}, { limit: formatMegabytes(maxBytes) }));
  } else {
    if (object.eTag && read.eTag && read.eTag !== object.eTag) {
      // The key was overwritten after this event: the newer object's own event will be processed.
      log.info('object changed since the event; leaving it to the newer event');
      return { kind: 'stale' };
    }
    bytes = read.bytes;
    try {
      // The validators' own file bound is the configured upload limit, not their 5 MB default: one limit everywhere.
      const limits = { maxFileBytes: maxBytes };
      verdict = await validateUpload(upload.form, { unit, period: upload.period, fileName: upload.fileName, bytes, now: object.eventTime, limits });
    } catch (error) {
      return fail(error instanceof InputError ? 'UNIT_UNKNOWN' : 'VALIDATION_FAILED', error);
    }
  }

  let versionId: string | null = null;
  let roster: 'current' | 'superseded' = 'superseded';
  if (verdict.accepted && verdict.form === 'roster') {
    versionId = rosterVersionId(uploadId, object.sequencer);
    const officials = await officialsOf(deps, verdict, unit);
    await deps.store.writeRosterVersion(unit, versionId, officials, { uploadId, orderKey });
    roster = await flipRoster(deps, log, { unit, versionId, uploadId, orderKey, officials, receivedAt: object.eventTime });
  } else if (verdict.accepted && verdict.form === 'results') {
    versionId = rosterVersionId(uploadId, object.sequencer);
    const ingested = await ingestResults(deps, log, verdict, {
      scope: unit,
      period: upload.period,
      uploadId,
      versionId,
      orderKey,
      receivedAt: object.eventTime,
    });
    roster = ingested.current ? 'current' : 'superseded';
  } else if (verdict.accepted && verdict.form === 'grants') {
    // May still reject the file: a person on no current roster is an error only the store can find.
    const ingested = await ingestGrants(deps, verdict, { orderKey, receivedAt: object.eventTime, uploadId });
    roster = ingested.accepted ? 'current' : 'superseded';
  }

  // A file refused as a whole has no cell to mark: its verdict says everything, so no workbook is written.
  let annotated: string | null = null;
  if (verdict.issues.some((issue) => issue.row !== null)) annotated = await storeAnnotated(deps, log, { unit, uploadId, bytes, verdict, fileName: upload.fileName });

  const recorded = await deps.store.recordVerdict(
    uploadId,
    orderKey,
    {
      status: verdict.accepted ? 'accepted' : 'rejected',
      accepted: verdict.accepted,
      rowsRead: verdict.rows.length,
      issues: verdict.issues,
      annotatedKey: annotated,
      versionId,
    },
    deps.now(),
  );
  if (!recorded) {
    log.info('a newer object of this upload took over; verdict not recorded');
    return { kind: 'stale' };
  }
  const counts = { rows: verdict.rows.length, errors: verdict.issues.filter((i) => i.severity === 'error').length };
  log.info('verdict recorded', { accepted: verdict.accepted, ...counts, roster: verdict.accepted ? roster : 'unchanged' });
  return verdict.accepted ? { kind: 'accepted', rows: counts.rows, roster } : { kind: 'rejected', rows: counts.rows };
}

/** Validates the bytes as the upload's form says (a results link checks the month it was issued for). */
async function validateUpload(
  form: UploadForm,
  input: { unit: string; period: string; fileName: string; bytes: Uint8Array; now: Date; limits: { maxFileBytes: number } },
): Promise<FormVerdict> {
  const { unit, period, fileName, bytes, now, limits } = input;
  switch (form) {
    case 'roster':
      return validate(bytes, { unit, form: 'roster', fileName, now, limits });
    case 'results':
      return validateResults(bytes, { unit, period, fileName, now, limits });
    case 'grants':
      return validateGrants(bytes, { unit, fileName, now, limits });
  }
}

/** A verdict refusing the whole file with one file-level issue, in the shape of the upload's form. */
function refusedFile(form: UploadForm, unit: string, period: string, issue: Issue): FormVerdict {
  const refused = { unit, accepted: false, rows: [], skipped: [], issues: [issue] };
  switch (form) {
    case 'roster':
      return { ...refused, form };
    case 'results':
      return { ...refused, form, period, statedPeriod: null };
    case 'grants':
      return { ...refused, form };
  }
}

/**
 * The rows of an accepted verdict as officials, each with its keyed ID hash. A person on the current roster
 * of another unit is flagged for the centre (`sharedWith`: which units; `status` and `export-roster` show
 * them). The clerk gets an `ID_ON_OTHER_ROSTER` warning only when the name matches too, and never learns
 * which unit: otherwise any upload link would tell which unit lists an ID number of the holder's choosing.
 * Matched in memory against the other units' current rosters (O(units) requests, never one per row).
 */
async function officialsOf(deps: PipelineDeps, verdict: Verdict, unit: string): Promise<OfficialInput[]> {
  const officials: OfficialInput[] = [];
  for (const row of verdict.rows) {
    // An accepted verdict has only valid rows; the check keeps a partial row out of the store regardless.
    if (!row.ok || !row.name || !row.unitCode || !row.idNumber || !row.phone) continue;
    officials.push({
      row: row.row,
      name: row.name,
      workUnitCode: row.unitCode,
      idNumber: row.idNumber,
      phone: row.phone,
      idHash: deps.hashPersonId(row.idNumber),
      sharedWith: [],
    });
  }
  const elsewhere = listingsElsewhere(await deps.store.listOtherCurrentPersonKeys(unit), officials);
  for (const official of officials) {
    const listing = elsewhere.get(official.idHash);
    if (!listing) continue;
    official.sharedWith = [...listing.units].sort();
    if (listing.names.has(toneKey(official.name))) {
      verdict.issues.push(makeIssue('ID_ON_OTHER_ROSTER', { row: official.row, column: 'idNumber' }));
    }
  }
  verdict.issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return officials;
}

/** For each of these officials' ID hashes listed elsewhere: the units listing it and the names (tone-insensitive) they use. */
function listingsElsewhere(
  listed: readonly RosterPersonKey[],
  officials: readonly OfficialInput[],
): Map<string, { units: Set<string>; names: Set<string> }> {
  const wanted = new Set(officials.map((official) => official.idHash));
  const listings = new Map<string, { units: Set<string>; names: Set<string> }>();
  for (const person of listed) {
    if (!wanted.has(person.idHash)) continue;
    const listing = listings.get(person.idHash) ?? { units: new Set<string>(), names: new Set<string>() };
    listing.units.add(person.unit);
    listing.names.add(toneKey(person.name));
    listings.set(person.idHash, listing);
  }
  return listings;
}

async function flipRoster(
  deps: PipelineDeps,
  log: KeyedLog,
  input: { unit: string; versionId: string; uploadId: string; orderKey: string; officials: OfficialInput[]; receivedAt: Date },
): Promise<'current' | 'superseded'> {
  const result = await deps.store.flipRoster(
    {
      unit: input.unit,
      versionId: input.versionId,
      uploadId: input.uploadId,
      orderKey: input.orderKey,
      officialCount: input.officials.length,
      receivedAt: input.receivedAt,
    },
    deps.now(),
  );
  // Rows no pointer leads to are invisible; deleting them is housekeeping (and data minimization), so a
  // failure here is logged and left for a later run rather than failing the upload: the retry after a crash
  // (the flip finds its version already current) and the unit's next flip both name them again.
  const obsolete = result.outcome === 'stale' ? [input.versionId] : result.obsoleteVersionIds;
  for (const versionId of obsolete) {
    try {
      const deleted = await deps.store.deleteRosterVersion(input.unit, versionId);
      if (deleted > 0) log.info('obsolete roster version deleted', { versionId, items: deleted });
    } catch (error) {
      log.warn('could not delete an obsolete roster version', { versionId, ...safeError(error) });
    }
  }
  // Versions the pointer never named (a crash left their rows, then a newer version won): found by marker.
  try {
    await deleteObsoleteVersions(deps, input.unit, log);
  } catch (error) {
    log.warn('could not list the roster versions to clean up', safeError(error));
  }
  log.info('roster pointer', { outcome: result.outcome, versionId: input.versionId });
  return result.outcome === 'stale' ? 'superseded' : 'current';
}

async function storeAnnotated(
  deps: PipelineDeps,
  log: KeyedLog,
  input: { unit: string; uploadId: string; bytes: Uint8Array | undefined; verdict: FormVerdict; fileName: string },
): Promise<string | null> {
  let annotatedBytes: Uint8Array;
  try {
    annotatedBytes = await annotate(input.bytes ?? new Uint8Array(), input.verdict, input.fileName);
  } catch (error) {
    // The verdict matters more than its annotated copy: record it without one.
    log.warn('annotation failed', safeError(error));
    return null;
  }
  const key = annotatedKey(input.unit, input.uploadId);
  await putObject(deps.clients.s3, { bucket: deps.config.bucketName, key, body: annotatedBytes, contentType: XLSX_TYPE });
  return key;
}
