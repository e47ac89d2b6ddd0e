/**
 * An accepted results file into the store: each row attributed to a unit *now* (so a past month does not
 * move when rosters change later), the version written in full, then the month's pointer for the uploader
 * flipped to it if it is the newest file of that scope and month. The rule the report applies on top:
 * where the centre's file and a unit's own return both count one official for one month, the centre's
 * figure counts (see shared/report/).
 *
 * - The centre's file: a row goes to the unit whose current roster lists the person (ID first, then phone);
 *   a row no roster lists is kept with no unit ("chưa xác định đơn vị") and a warning, never an error.
 * - A unit's own return: every row counts for that unit; a person not on its current roster is a warning.
 */
import type { KeyedLog } from '../logger.js';
import { safeError } from '../logger.js';
import type { ResultsEntry } from '../store/results.js';
import { CENTRE_UNIT } from '../tokens.js';
import type { ResultsVerdict } from '../validate-results.js';
import { makeIssue } from '../verdict.js';
import { unitByCode } from '../vn/units.js';
import { findPerson, loadPersonDirectory, loadUnitDirectory } from './attribution.js';
import type { PipelineDeps } from './deps.js';

export interface ResultsIngestInput {
  /** The uploader: a unit code or `CENTRE_UNIT`. */
  scope: string;
  period: string;
  uploadId: string;
  versionId: string;
  orderKey: string;
  receivedAt: Date;
}

export interface ResultsIngestOutcome {
  /** Whether the month's pointer of this scope now leads to this file (false: a newer file already did). */
  current: boolean;
  entries: number;
  total: number;
  unattributed: number;
}

/**
 * The accepted rows as entries, attributed; adds the attribution warnings to the verdict. Reads the
 * rosters once (the whole province for the centre, the unit's own for a unit).
 */
export async function attributeResults(
  deps: Pick<PipelineDeps, 'store' | 'hashPersonId' | 'hashPhone'>,
  verdict: ResultsVerdict,
  scope: string,
): Promise<ResultsEntry[]> {
  const centre = scope === CENTRE_UNIT;
  const directory = centre ? await loadPersonDirectory(deps) : await loadUnitDirectory(deps, scope);
  const entries: ResultsEntry[] = [];
  for (const row of verdict.rows) {
    // An accepted verdict has only valid rows; the check keeps a partial row out of the store regardless.
    if (!row.ok || row.count === null || (row.idNumber === null && row.phone === null)) continue;
    const idHash = row.idNumber ? deps.hashPersonId(row.idNumber) : null;
    const phoneHash = row.phone ? deps.hashPhone(row.phone) : null;
    const person = findPerson(directory, idHash, phoneHash);
    if (!person) {
      verdict.issues.push(
        centre
          ? makeIssue('RESULTS_UNATTRIBUTED', { row: row.row })
          : makeIssue('RESULTS_NOT_ON_UNIT_ROSTER', { row: row.row }, { detail: unitByCode(scope)?.name ?? scope }),
      );
    }
    entries.push({
      row: row.row,
      idHash,
      phoneHash,
      name: row.name,
      count: row.count,
      unit: centre ? (person?.unit ?? null) : scope,
      workUnitCode: person?.workUnitCode ?? null,
    });
  }
  verdict.issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return entries;
}

/** Writes the version, flips the month's pointer, deletes what no pointer leads to any more. */
export async function ingestResults(
  deps: PipelineDeps,
  log: KeyedLog,
  verdict: ResultsVerdict,
  input: ResultsIngestInput,
): Promise<ResultsIngestOutcome> {
  const entries = await attributeResults(deps, verdict, input.scope);
  const total = entries.reduce((sum, entry) => sum + entry.count, 0);
  await deps.results.writeResultsVersion(input.period, input.scope, input.versionId, entries);
  const result = await deps.results.flipResults(
    {
      period: input.period,
      scope: input.scope,
      versionId: input.versionId,
      uploadId: input.uploadId,
      orderKey: input.orderKey,
      receivedAt: input.receivedAt,
      rowCount: entries.length,
      total,
    },
    deps.now(),
  );
  // Housekeeping, as for rosters: a failure is logged and left to the retry or to the next flip.
  const obsolete = result.outcome === 'stale' ? [input.versionId] : result.obsoleteVersionIds;
  for (const versionId of obsolete) {
    try {
      const deleted = await deps.results.deleteResultsVersion(input.period, input.scope, versionId);
      if (deleted > 0) log.info('obsolete results version deleted', { versionId, rows: deleted });
    } catch (error) {
      log.warn('could not delete an obsolete results version', { versionId, ...safeError(error) });
    }
  }
  log.info('results pointer', { outcome: result.outcome, versionId: input.versionId, period: input.period });
  return {
    current: result.outcome !== 'stale',
    entries: entries.length,
    total,
    unattributed: entries.filter((entry) => entry.unit === null).length,
  };
}
