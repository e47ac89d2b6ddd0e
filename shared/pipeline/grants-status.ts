/**
 * Permission grants per uploader unit, for `status` (and anything else showing the step-3 deadline):
 * current officials, how many have a grant, and the unit's standing against the grants deadline. Two
 * Queries' worth of data (the current rosters, the grants), never a Scan. The rule is the report's
 * (shared/report/model.ts): every official granted by the deadline is on time, all granted but some later
 * is late, anyone not granted yet is missing.
 */
import { DEFAULT_GRANTS_DEADLINE } from '../report/model.js';
import type { GrantsStore } from '../store/grants.js';
import type { Store } from '../store/store.js';
import { currentRosters, type DeadlineStatus } from './rosters.js';

export interface UnitGrants {
  officials: number;
  granted: number;
  /** Granted on or before the deadline (a Vietnam calendar day). */
  grantedOnTime: number;
  deadline: DeadlineStatus;
}

export function grantsDeadlineStatus(figures: Pick<UnitGrants, 'officials' | 'granted' | 'grantedOnTime'>): DeadlineStatus {
  if (figures.officials === 0 || figures.granted < figures.officials) return 'missing';
  return figures.grantedOnTime === figures.officials ? 'on-time' : 'late';
}

/** Each uploader unit with a current roster → its grant figures (units without a roster are absent). */
export async function grantsByUnit(
  store: Store,
  grants: Pick<GrantsStore, 'listGrants'>,
  deadline: string = DEFAULT_GRANTS_DEADLINE,
): Promise<Map<string, UnitGrants>> {
  const [rosters, recorded] = await Promise.all([currentRosters(store), grants.listGrants()]);
  const grantedOn = new Map(recorded.map((grant) => [grant.idHash, grant.grantedAt] as const));
  const byUnit = new Map<string, UnitGrants>();
  for (const [unit, { officials }] of rosters) {
    const days = officials.map((official) => grantedOn.get(official.idHash)).filter((day): day is string => day !== undefined);
    const figures = { officials: officials.length, granted: days.length, grantedOnTime: days.filter((day) => day <= deadline).length };
    byUnit.set(unit, { ...figures, deadline: grantsDeadlineStatus(figures) });
  }
  return byUnit;
}
