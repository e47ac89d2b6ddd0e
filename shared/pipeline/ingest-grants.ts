/**
 * A grants file into the store, by upload link or by `grants import`: the checks that need the rosters,
 * then one grant per person. A grant belongs to the person (keyed ID hash), not to a roster version, so it
 * survives re-uploaded rosters. A person on no current roster is an error (the file is rejected and nothing
 * is written); a name, unit or phone that disagrees with the roster is a warning (the ID decides).
 */
import type { GrantSource } from '../store/grants.js';
import type { GrantsVerdict } from '../validate-grants.js';
import { byPosition } from '../validate-form.js';
import { makeIssue } from '../verdict.js';
import { toneKey } from '../vn/text.js';
import { resolveSender, resolveUnit, unitByCode } from '../vn/units.js';
import { findPerson, loadPersonDirectory, type RosterPerson } from './attribution.js';
import type { PipelineDeps } from './deps.js';

export interface GrantsIngestOutcome {
  accepted: boolean;
  /** Grants written (new, or replacing an older date). */
  recorded: number;
  /** Grants a later file had already recorded, left as they were. */
  superseded: number;
  /** Rows without a date: officials not granted yet. */
  notGranted: number;
}

/** Whether the unit text names the roster's uploader unit or a unit in its scope (its communes, itself). */
function unitAgrees(text: string, person: RosterPerson): boolean {
  if (resolveUnit(text, person.unit).ok) return true;
  return resolveSender(text, person.unit).kind === 'match';
}

/**
 * Checks each dated row against the current rosters (adding issues to the verdict and settling its
 * `accepted`), then, when accepted, records the grants. Idempotent: the same file again rewrites the same
 * values; an older file arriving after a newer one changes nothing (see shared/store/grants.ts).
 */
export async function ingestGrants(
  deps: Pick<PipelineDeps, 'store' | 'grants' | 'hashPersonId' | 'hashPhone' | 'now'>,
  verdict: GrantsVerdict,
  source: GrantSource,
): Promise<GrantsIngestOutcome> {
  const notGranted = verdict.rows.filter((row) => row.grantedAt === null && row.ok).length;
  if (!verdict.accepted) return { accepted: false, recorded: 0, superseded: 0, notGranted };

  const directory = await loadPersonDirectory(deps);
  const grants: { idHash: string; grantedAt: string }[] = [];
  for (const row of verdict.rows) {
    if (row.grantedAt === null || row.idNumber === null) continue;
    const idHash = deps.hashPersonId(row.idNumber);
    const person = findPerson(directory, idHash, null);
    if (!person) {
      verdict.issues.push(makeIssue('GRANT_PERSON_NOT_ON_ROSTER', { row: row.row, column: 'idNumber' }));
      row.ok = false;
      continue;
    }
    if (row.name !== null && toneKey(row.name) !== toneKey(person.name)) {
      verdict.issues.push(makeIssue('GRANT_NAME_MISMATCH', { row: row.row, column: 'name' }, { result: person.name }));
    }
    if (row.unit !== null && !unitAgrees(row.unit, person)) {
      verdict.issues.push(
        makeIssue('GRANT_UNIT_MISMATCH', { row: row.row, column: 'unit' }, { result: unitByCode(person.unit)?.name ?? person.unit }),
      );
    }
    if (row.phone !== null && row.phone !== person.phone) {
      verdict.issues.push(makeIssue('GRANT_PHONE_MISMATCH', { row: row.row, column: 'phone' }));
    }
    grants.push({ idHash, grantedAt: row.grantedAt });
  }
  verdict.issues.sort(byPosition);
  verdict.accepted = !verdict.issues.some((issue) => issue.severity === 'error');
  if (!verdict.accepted) return { accepted: false, recorded: 0, superseded: 0, notGranted };

  // The units listing these people are marked first: the month's first report derives every other unit's
  // figures from the month before, and counts the marked ones again. A freeze between the mark and the
  // writes counts the older dates, and the next month's report (which reads the marks from a day before that
  // freeze) counts them again; marking after the writes could lose the mark to a crash between.
  await deps.store.markRostersChanged(
    grants.flatMap((grant) => directory.unitsByIdHash.get(grant.idHash) ?? []),
    deps.now(),
  );
  const written = await deps.grants.recordGrants(grants, source);
  return { accepted: true, recorded: written.written, superseded: written.superseded, notGranted };
}
