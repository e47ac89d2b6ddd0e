/** What the store hands out and takes in: plain records, no DynamoDB key shapes (those stay in store.ts). */
import type { Issue } from '../verdict.js';
import type { UploadForm } from '../tokens.js';

export const UPLOAD_STATUSES = ['pending', 'processing', 'accepted', 'rejected', 'failed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
/** Statuses that end processing of one object: a duplicate event for it changes nothing. */
export const FINAL_STATUSES: readonly UploadStatus[] = ['accepted', 'rejected'];

export interface NewUpload {
  uploadId: string;
  unit: string;
  form: UploadForm;
  period: string;
  objectKey: string;
  /** As the clerk's browser named it; shown back to the clerk only, never logged or put in a key. */
  fileName: string;
  contentType: string;
  declaredSize: number;
  createdAt: Date;
}

/** An upload as stored: what was asked for, then what processing concluded. Times are ISO strings. */
export interface UploadRecord extends Omit<NewUpload, 'createdAt'> {
  status: UploadStatus;
  /** null until a verdict exists. */
  accepted: boolean | null;
  /** Number of data rows read (a count: the rows themselves live only in the roster version). */
  rowsRead: number | null;
  issueCount: number | null;
  annotatedKey: string | null;
  createdAt: string;
  updatedAt: string;
  /** When S3 received the processed object (event time), ISO. */
  receivedAt: string | null;
  /** The processed object's order key (event time + padded sequencer); see store.ts. */
  objectVersion: string | null;
  /** The roster version written for an accepted roster. */
  versionId: string | null;
  /** A stable code when status is `failed` (never a raw error message). */
  failureCode: string | null;
}

export interface UploadDetail extends UploadRecord {
  issues: Issue[];
}

/** The object an S3 event announced, reduced to what orders and identifies it. */
export interface ObjectVersion {
  /** `eventTime` and the right-padded `sequencer`, comparable as strings. */
  orderKey: string;
  receivedAt: Date;
}

export type BeginOutcome =
  /** Go ahead (first delivery, a retry after a crash or failure, or a newer object on the same key). */
  | { outcome: 'started'; upload: UploadRecord }
  /** This object was already processed to a verdict. */
  | { outcome: 'duplicate' }
  /** A newer object on the same key has been or is being processed. */
  | { outcome: 'stale' }
  /** No upload record of that unit: the object was not put through the API. */
  | { outcome: 'unknown' };

export interface VerdictOutcome {
  status: 'accepted' | 'rejected';
  accepted: boolean;
  rowsRead: number;
  issues: Issue[];
  annotatedKey: string | null;
  versionId: string | null;
}

/** One official on one version of a unit's roster. */
export interface OfficialInput {
  /** Excel row number in the uploaded file. */
  row: number;
  name: string;
  /** The commune/district one-stop shop (or department) the official works at. */
  workUnitCode: string;
  idNumber: string;
  phone: string;
  /** Keyed hash of the ID number (the only form in which the ID appears in a key). */
  idHash: string;
  /** Other units whose current roster listed the same person when this version was written. */
  sharedWith: string[];
}

/** Which upload and object a roster version came from (null for versions written without one, in tests). */
export interface VersionOrigin {
  uploadId: string | null;
  orderKey: string | null;
}

/** A version whose rows may still be in the table (its marker is deleted after its last row). */
export interface VersionMarker extends VersionOrigin {
  versionId: string;
}

export interface Official extends OfficialInput {
  /** The uploading unit (district or department). */
  unit: string;
  versionId: string;
}

export interface RosterPointer {
  unit: string;
  versionId: string;
  uploadId: string;
  orderKey: string;
  officialCount: number;
  /** When S3 received the file of the current version. */
  receivedAt: string;
  /** When S3 received the earliest accepted roster of this unit (what the deadline is judged on). */
  firstReceivedAt: string;
  updatedAt: string;
  /** The version this one replaced (null for a unit's first roster): its rows are deleted after the flip. */
  previousVersionId: string | null;
}

export interface FlipRequest {
  unit: string;
  versionId: string;
  uploadId: string;
  orderKey: string;
  officialCount: number;
  receivedAt: Date;
}

/**
 * `obsoleteVersionIds`: versions no pointer leads to any more whose rows may still be in the table, for the
 * caller to delete (idempotently). A flip names the version it replaced and the one *that* one had replaced
 * (whose deletion a crash may have cut short); a retry that finds its version already current names the
 * version it replaced, in case the crash came between the flip and the deletion.
 */
export type FlipResult =
  | { outcome: 'flipped'; previousVersionId: string | null; obsoleteVersionIds: string[] }
  | { outcome: 'already-current'; obsoleteVersionIds: string[] }
  | { outcome: 'stale'; currentVersionId: string };

/** An upload link handed out (by `invite`): recorded so that the centre sees which units were sent one, and when. */
export interface LinkIssue {
  /** A uploader unit code, or the centre (`CENTRE_UNIT`). */
  unit: string;
  form: UploadForm;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * The links issued to one unit for one form: how many, the latest and its expiry. Tokens are not stored
 * (whoever holds one may upload); revoking them is shared/store/link-revocations.ts's.
 */
export interface LinkRecord {
  unit: string;
  form: UploadForm;
  count: number;
  lastIssuedAt: string;
  lastExpiresAt: string;
}
