/**
 * At start, before taking new work: what a crash left half-done and the delivery journal does not cover.
 *
 * - An upload `pending` whose object is in S3: the file arrived, but its event was never journaled (the
 *   crash came between s3rver storing it and the journal write, or the data predates the journal).
 * - An upload `processing` with no journaled or dead-lettered event: the delivery that claimed it ran in
 *   the previous process, so its lease ended with that process.
 * Each gets the event S3 would have sent, delivered through the journal like any other. Then each unit's
 * roster versions no pointer can lead to are deleted. Everything is found by Query (a unit's uploads on
 * gsi2, its pointer and version markers on its partition), never by a Scan.
 */
import { decodeEventKey, encodeEventKey, findObject } from '../../shared/aws/s3.js';
import { withKeys } from '../../shared/logger.js';
import type { PipelineDeps } from '../../shared/pipeline/deps.js';
import { deleteObsoleteVersions } from '../../shared/pipeline/orphan-versions.js';
import { mapWithConcurrency } from '../../shared/store/batch.js';
import type { UploadRecord, VersionMarker } from '../../shared/store/types.js';
import { CENTRE_UNIT } from '../../shared/tokens.js';
import { uploaderUnits } from '../../shared/vn/units.js';

export interface ReconcileResult {
  redelivered: number;
  versionsDeleted: number;
}

/** Every unit that can hold an upload link. */
const linkHolders = (): string[] => [...uploaderUnits().map((unit) => unit.code), CENTRE_UNIT];
const UPLOADS_PER_UNIT = 1000;
/** Units looked at concurrently: a start should not wait on 70 Queries one after the other. */
const UNITS_AT_ONCE = 8;

/** The S3 notification AWS would have sent for the object under `objectKey`. */
export function objectCreatedEvent(input: {
  bucket: string;
  objectKey: string;
  size: number;
  eTag: string | undefined;
  eventTime: Date;
  sequencer: string;
}): unknown {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        eventTime: input.eventTime.toISOString(),
        s3: {
          bucket: { name: input.bucket },
          object: {
            key: encodeEventKey(input.objectKey),
            size: input.size,
            sequencer: input.sequencer,
            ...(input.eTag ? { eTag: input.eTag } : {}),
          },
        },
      },
    ],
  };
}

/**
 * The event time and sequencer of the object a `processing` upload claimed, from its order key; the exact
 * sequencer from the version marker when rows were written (so the retry rewrites the same version).
 */
function claimedObject(upload: UploadRecord, markers: readonly VersionMarker[]): { eventTime: Date; sequencer: string } | undefined {
  const [time, padded] = (upload.objectVersion ?? '').split('#');
  const eventTime = new Date(time ?? '');
  if (!padded || Number.isNaN(eventTime.getTime())) return undefined;
  const marker = markers.find((m) => m.uploadId === upload.uploadId && m.orderKey === upload.objectVersion);
  const sequencer = marker ? marker.versionId.slice(upload.uploadId.length + 1).toUpperCase() : padded;
  return { eventTime, sequencer };
}

export async function reconcileUploads(
  deps: PipelineDeps,
  options: { knownObjectKeys: ReadonlySet<string>; deliver: (event: unknown) => unknown; units?: readonly string[] },
): Promise<ReconcileResult> {
  const bucket = deps.config.bucketName;
  const result: ReconcileResult = { redelivered: 0, versionsDeleted: 0 };
  await mapWithConcurrency(options.units ?? linkHolders(), UNITS_AT_ONCE, async (unit) => {
    const log = withKeys(deps.logger, { unit });
    const uploads = (await deps.store.listUploads(unit, UPLOADS_PER_UNIT)).filter(
      (upload) => upload.status === 'pending' || upload.status === 'processing',
    );
    const listed = await deps.store.listRosterVersions(unit);
    const { versions } = listed;
    for (const upload of uploads) {
      const encodedKey = encodeEventKey(upload.objectKey);
      if (options.knownObjectKeys.has(encodedKey) || decodeEventKey(encodedKey) !== upload.objectKey) continue;
      const stored = await findObject(deps.clients.s3, { bucket, key: upload.objectKey });
      let origin: { eventTime: Date; sequencer: string } | undefined;
      if (upload.status === 'pending') {
        // Never sent, or sent and lost: only a stored file is worth an event (the reader explains the rest).
        if (!stored) continue;
        // s3rver gives an object's time to the second only, so two uploads of one second would get one order
        // key and the later could never replace the earlier. The upload's creation time (to the millisecond, and
        // before its file could arrive) keeps them in the order they were made, as tie-breaking sequencer too.
        const created = new Date(upload.createdAt);
        const eventTime = new Date(Math.max(stored.lastModified.getTime(), created.getTime()));
        origin = { eventTime, sequencer: created.getTime().toString(16).toUpperCase() };
      } else {
        origin = claimedObject(upload, versions);
      }
      if (!origin) continue;
      log.info('redelivering an upload left unfinished', { uploadId: upload.uploadId, status: upload.status });
      void options.deliver(
        objectCreatedEvent({ bucket, objectKey: upload.objectKey, size: stored?.size ?? 0, eTag: stored?.eTag, ...origin }),
      );
      result.redelivered++;
    }
    // Listed before any redelivery started, so a version being written now is not in it.
    result.versionsDeleted += (await deleteObsoleteVersions(deps, unit, log, listed)).length;
  });
  return result;
}
