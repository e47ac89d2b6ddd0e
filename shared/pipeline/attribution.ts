/**
 * Who is who on the current rosters, for matching monthly results and grants to units: every current
 * official keyed by the keyed hash of the ID number and of the phone number. Built with O(units) requests:
 * the current roster pointers (one Query on gsi2), then each current version's rows (one paged Query per
 * unit, a few at a time). Never a Scan, never a request per row. Held in memory for one file only.
 */
import { mapWithConcurrency } from '../store/batch.js';
import type { Official } from '../store/types.js';
import type { PipelineDeps } from './deps.js';

const ROSTER_READ_CONCURRENCY = 4;

/** One official as the current roster of `unit` lists them. */
export interface RosterPerson {
  /** The uploader unit whose roster lists the person. */
  unit: string;
  /** The commune/district one-stop shop or department the person works at. */
  workUnitCode: string;
  name: string;
  phone: string;
}

export interface PersonDirectory {
  byIdHash: ReadonlyMap<string, RosterPerson>;
  byPhoneHash: ReadonlyMap<string, RosterPerson>;
  /** Every unit whose current roster lists the person (a person may be on several). */
  unitsByIdHash: ReadonlyMap<string, readonly string[]>;
}

type Hashers = Pick<PipelineDeps, 'hashPhone'>;

/** A directory of these officials. Someone on two rosters is kept under the first unit in code order, so the choice is stable. */
export function directoryOf(officials: readonly Official[], deps: Hashers): PersonDirectory {
  const byIdHash = new Map<string, RosterPerson>();
  const byPhoneHash = new Map<string, RosterPerson>();
  const unitsByIdHash = new Map<string, string[]>();
  const ordered = [...officials].sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.row - b.row));
  for (const official of ordered) {
    const person: RosterPerson = { unit: official.unit, workUnitCode: official.workUnitCode, name: official.name, phone: official.phone };
    if (!byIdHash.has(official.idHash)) byIdHash.set(official.idHash, person);
    const units = unitsByIdHash.get(official.idHash) ?? [];
    if (!units.includes(official.unit)) units.push(official.unit);
    unitsByIdHash.set(official.idHash, units);
    if (official.phone) {
      const phoneHash = deps.hashPhone(official.phone);
      if (!byPhoneHash.has(phoneHash)) byPhoneHash.set(phoneHash, person);
    }
  }
  return { byIdHash, byPhoneHash, unitsByIdHash };
}

/** Every official on a current roster of the province. */
export async function loadPersonDirectory(deps: Pick<PipelineDeps, 'store' | 'hashPhone'>): Promise<PersonDirectory> {
  const pointers = await deps.store.listRosterPointers();
  const rosters = await mapWithConcurrency(pointers, ROSTER_READ_CONCURRENCY, (pointer) =>
    deps.store.listVersionOfficials(pointer.unit, pointer.versionId),
  );
  return directoryOf(rosters.flat(), deps);
}

/** The officials of one unit's current roster only (a unit's own results return is checked against it). */
export async function loadUnitDirectory(deps: Pick<PipelineDeps, 'store' | 'hashPhone'>, unit: string): Promise<PersonDirectory> {
  return directoryOf(await deps.store.listCurrentOfficials(unit), deps);
}

/** The person a row names: by ID first, then by phone (a keyed hash each, or null when the row gave none). */
export function findPerson(directory: PersonDirectory, idHash: string | null, phoneHash: string | null): RosterPerson | undefined {
  return (idHash ? directory.byIdHash.get(idHash) : undefined) ?? (phoneHash ? directory.byPhoneHash.get(phoneHash) : undefined);
}
