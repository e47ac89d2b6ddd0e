/**
 * The province-wide view of the rosters, for the centre's staff (CLI `status` and `export-roster`, and
 * the monthly report later): every uploader unit with its current roster, judged against the deadline,
 * and the current officials with the units they are also listed by. Queries only: the pointers of all
 * units (one Query), the rows of each current version, the uploads of each unit, the issued links (one Query).
 */
import { endOfVietnamDay } from '../vn/time.js';
import type { GrantsStore } from '../store/grants.js';
import type { Store } from '../store/store.js';
import type { LinkRecord, Official, RosterPointer, UploadStatus } from '../store/types.js';
import { type UnitInfo, unitByCode, uploaderUnits } from '../vn/units.js';
import { uploadAsSeenAt } from './processing-deadline.js';

export const DEADLINE_STATUSES = ['on-time', 'late', 'missing'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

export interface CurrentOfficial extends Official {
  /** Other units whose current roster lists the same person now (whatever was known at upload time). */
  alsoListedBy: string[];
}

export interface UnitRosterState {
  unit: UnitInfo;
  /** `rejected`: no accepted roster, and the latest file with a verdict was rejected. */
  roster: 'none' | 'rejected' | 'accepted';
  officials: number;
  /** When S3 received the file of the current roster. */
  receivedAt: string | null;
  /** When the unit's first accepted roster arrived: what the deadline is judged on. */
  firstReceivedAt: string | null;
  deadline: DeadlineStatus;
  /** Officials also on another unit's current roster. */
  sharedOfficials: number;
  /** The latest roster upload that was actually sent (pending links left aside). */
  latestUpload: { status: UploadStatus; createdAt: string } | null;
  /** Roster files the unit actually sent (accepted, rejected, failed or still processing). */
  attempts: number;
  /** When S3 received the latest of those files (when it was asked for, if it never got that far). */
  lastAttemptAt: string | null;
  /** The roster links issued to the unit (by `invite`), or null when none was. */
  link: LinkRecord | null;
}

/** Every current roster, with cross-unit listings computed from the current data. */
export async function currentRosters(store: Store): Promise<Map<string, { pointer: RosterPointer; officials: CurrentOfficial[] }>> {
  const pointers = await store.listRosterPointers();
  const rosters = new Map<string, { pointer: RosterPointer; officials: CurrentOfficial[] }>();
  const unitsByPerson = new Map<string, Set<string>>();
  for (const pointer of pointers) {
    const officials = await store.listVersionOfficials(pointer.unit, pointer.versionId);
    rosters.set(pointer.unit, { pointer, officials: officials.map((o) => ({ ...o, alsoListedBy: [] })) });
    for (const official of officials) {
      const units = unitsByPerson.get(official.idHash) ?? new Set<string>();
      units.add(pointer.unit);
      unitsByPerson.set(official.idHash, units);
    }
  }
  for (const { officials } of rosters.values()) {
    for (const official of officials) {
      official.alsoListedBy = [...(unitsByPerson.get(official.idHash) ?? [])].filter((u) => u !== official.unit).sort();
    }
  }
  return rosters;
}

export function deadlineStatus(firstReceivedAt: string | null, deadline: string): DeadlineStatus {
  if (!firstReceivedAt) return 'missing';
  return new Date(firstReceivedAt).getTime() <= endOfVietnamDay(deadline).getTime() ? 'on-time' : 'late';
}

/**
 * Every uploader unit (districts, then departments) with its roster state against `deadline` (ISO date),
 * uploads seen as at `now` (a `processing` one past every delivery reads as `failed`; `pending` ones, sent
 * or never, are left aside).
 */
export async function rosterStates(store: Store, deadline: string, now: Date = new Date()): Promise<UnitRosterState[]> {
  const rosters = await currentRosters(store);
  const links = new Map((await store.listLinkRecords()).filter((l) => l.form === 'roster').map((l) => [l.unit, l]));
  const states: UnitRosterState[] = [];
  for (const unit of uploaderUnits()) {
    const current = rosters.get(unit.code);
    // Links asked for but never used leave `pending` uploads: look past them to the latest real outcome.
    // Left aside even once the clerk's page reads one as failed (its file never arrived): no file reached
    // the system, so for the centre there is no attempt to report, only the clerk has something to redo.
    // Every upload is read, not the latest few, because the attempts are counted.
    const sent = (await store.listUploads(unit.code, Number.POSITIVE_INFINITY))
      .filter((u) => u.form === 'roster' && u.status !== 'pending')
      .map((u) => uploadAsSeenAt(u, now));
    const latest = sent[0];
    const latestVerdict = sent.find((u) => u.status === 'accepted' || u.status === 'rejected');
    const firstReceivedAt = current?.pointer.firstReceivedAt ?? null;
    states.push({
      unit,
      roster: current ? 'accepted' : latestVerdict?.status === 'rejected' ? 'rejected' : 'none',
      officials: current?.officials.length ?? 0,
      receivedAt: current?.pointer.receivedAt ?? null,
      firstReceivedAt,
      deadline: deadlineStatus(firstReceivedAt, deadline),
      sharedOfficials: current?.officials.filter((o) => o.alsoListedBy.length > 0).length ?? 0,
      latestUpload: latest ? { status: latest.status, createdAt: latest.createdAt } : null,
      attempts: sent.length,
      lastAttemptAt: latest ? (latest.receivedAt ?? latest.createdAt) : null,
      link: links.get(unit.code) ?? null,
    });
  }
  return states;
}

export interface ExportedOfficial {
  uploaderCode: string;
  uploaderName: string;
  /** The one-stop shop the official works at (the district's own, a commune's, or the department). */
  workUnitName: string;
  workUnitCode: string;
  name: string;
  idNumber: string;
  phone: string;
  alsoListedBy: string[];
  receivedAt: string;
  /** The day the portal permission was granted (`YYYY-MM-DD`), or null while not granted (or grants not asked for). */
  grantedAt: string | null;
}

/**
 * The current officials of the whole province, uploader by uploader (catalogue order), row by row, with
 * each one's grant date when `grants` is given (one Query on the grants).
 */
export async function provinceOfficials(store: Store, grants?: Pick<GrantsStore, 'listGrants'>): Promise<ExportedOfficial[]> {
  const rosters = await currentRosters(store);
  const grantedAt = new Map((await (grants?.listGrants() ?? Promise.resolve([]))).map((g) => [g.idHash, g.grantedAt] as const));
  const exported: ExportedOfficial[] = [];
  for (const unit of uploaderUnits()) {
    const current = rosters.get(unit.code);
    if (!current) continue;
    for (const official of current.officials) {
      exported.push({
        uploaderCode: unit.code,
        uploaderName: unit.name,
        workUnitCode: official.workUnitCode,
        workUnitName: unitByCode(official.workUnitCode)?.name ?? official.workUnitCode,
        name: official.name,
        idNumber: official.idNumber,
        phone: official.phone,
        alsoListedBy: official.alsoListedBy,
        receivedAt: current.pointer.receivedAt,
        grantedAt: grantedAt.get(official.idHash) ?? null,
      });
    }
  }
  return exported;
}
