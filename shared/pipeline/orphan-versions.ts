/**
 * Rows of roster versions no pointer leads to (their chunks of officials, or older one-per-official items),
 * found from the unit's version markers (one Query on the unit's partition, never a Scan) and deleted. A
 * crash can leave such rows behind at several points: after some chunks of a version that then lost to a
 * newer one, or when a newer object of the same upload took over before the older one's retry could clean
 * up after itself.
 */
import { safeError, type KeyedLog } from '../logger.js';
import type { RosterPointer, UploadRecord, VersionMarker } from '../store/types.js';
import type { PipelineDeps } from './deps.js';

/**
 * True when no pointer can ever lead to `version` again. A version older than the current pointer cannot
 * (a flip needs a newer order key); a newer one is still in play while its upload is being processed for that
 * very object, and only then: once the upload has a verdict, has failed, or has moved on to a newer object,
 * no delivery of this object will ever flip to it.
 */
export function isObsoleteVersion(
  version: VersionMarker,
  pointer: Pick<RosterPointer, 'versionId' | 'orderKey'> | undefined,
  upload: Pick<UploadRecord, 'status' | 'objectVersion'> | undefined,
): boolean {
  if (pointer?.versionId === version.versionId) return false;
  if (version.orderKey === null || version.uploadId === null) return pointer !== undefined;
  if (pointer && version.orderKey <= pointer.orderKey) return true;
  if (!upload) return true;
  return upload.objectVersion !== version.orderKey || (upload.status !== 'processing' && upload.status !== 'pending');
}

/** Deletes the rows of every obsolete version of `unit` (`listed`: its versions, if just read); returns the ids deleted. */
export async function deleteObsoleteVersions(
  deps: PipelineDeps,
  unit: string,
  log: KeyedLog,
  listed?: { pointer: RosterPointer | undefined; versions: VersionMarker[] },
): Promise<string[]> {
  const { pointer, versions } = listed ?? (await deps.store.listRosterVersions(unit));
  const deleted: string[] = [];
  for (const version of versions) {
    if (pointer?.versionId === version.versionId) continue;
    const newer = !pointer || version.orderKey === null || version.orderKey > pointer.orderKey;
    const upload = newer && version.uploadId ? await deps.store.getUpload(version.uploadId) : undefined;
    if (!isObsoleteVersion(version, pointer, upload)) continue;
    try {
      const items = await deps.store.deleteRosterVersion(unit, version.versionId);
      log.info('obsolete roster version deleted', { versionId: version.versionId, items });
      deleted.push(version.versionId);
    } catch (error) {
      // Housekeeping: the marker stays, so the next flip of this unit or the next start finds it again.
      log.warn('could not delete an obsolete roster version', { versionId: version.versionId, ...safeError(error) });
    }
  }
  return deleted;
}
