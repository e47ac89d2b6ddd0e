/**
 * Reminders: one mail to every unit that has not sent what is due (no accepted roster; no results for the
 * month), each with a fresh upload link, from the Vietnamese template of `uploadLinkMail`. A unit is reminded
 * about a form at most once a Vietnam day, whoever presses the button: a conditional mark in the store is
 * taken before the mail goes, and given back if the mail fails.
 */
import type { AdminStore } from '../store/admin.js';
import { vietnamIsoDate } from '../vn/time.js';
import { unitByCode } from '../vn/units.js';
import { issueLinks, type LinkDeps, type LinkForm } from './links.js';
import { type SendMail, uploadLinkMail } from './mail.js';
import type { UnitRow } from './units.js';

export interface ReminderOutcome {
  sent: { code: string; name: string; to: readonly string[] }[];
  /** Already reminded today about this form. */
  alreadyToday: string[];
  /** No address in the unit address list. */
  noAddress: string[];
}

/** Who is due a reminder: no accepted roster (missing, or only rejected files); no results for the month. */
export function reminderTargets(units: readonly UnitRow[], form: LinkForm): UnitRow[] {
  return units.filter((unit) => (form === 'roster' ? unit.roster !== 'accepted' : unit.results === 'missing'));
}

export interface ReminderDeps extends LinkDeps {
  adminStore: Pick<AdminStore, 'markReminded' | 'clearReminded'>;
  sendMail: SendMail;
  unitEmails: ReadonlyMap<string, readonly string[]>;
}

export async function sendReminders(
  deps: ReminderDeps,
  request: { targets: readonly UnitRow[]; form: LinkForm; period: string; days: number; baseUrl: string; actor: string },
): Promise<ReminderOutcome> {
  const outcome: ReminderOutcome = { sent: [], alreadyToday: [], noAddress: [] };
  const now = deps.now();
  const day = vietnamIsoDate(now);
  for (const target of request.targets) {
    const to = deps.unitEmails.get(target.code);
    const unit = unitByCode(target.code);
    if (!to || to.length === 0 || !unit) {
      outcome.noAddress.push(target.code);
      continue;
    }
    const mark = { unit: target.code, form: request.form, day, at: now, actor: request.actor };
    if (!(await deps.adminStore.markReminded(mark))) {
      outcome.alreadyToday.push(target.code);
      continue;
    }
    try {
      const [link] = await issueLinks(deps, { units: [unit], form: request.form, period: request.period, days: request.days, baseUrl: request.baseUrl });
      if (!link) continue;
      await deps.sendMail(
        uploadLinkMail({ to, unitName: unit.name, form: request.form, period: link.period, url: link.url, expiresAt: new Date(link.expiresAt), reminder: true }),
      );
      outcome.sent.push({ code: target.code, name: unit.name, to });
    } catch (error) {
      // Not reminded after all: let the next press (today) try again.
      await deps.adminStore.clearReminded(mark);
      throw error;
    }
  }
  return outcome;
}
