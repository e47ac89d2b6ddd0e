/**
 * Upload links issued from the dashboard: the same tokens as `invite` (shared/tokens.ts), recorded the same
 * way (`recordLinkIssued`), so the CLI and the page show one history.
 */
import type { Store } from '../store/store.js';
import { isPeriodInBounds, issueToken, type UploadForm } from '../tokens.js';
import { previousVietnamMonth, vietnamMonth } from '../vn/time.js';
import { type UnitInfo, unitByCode, uploaderUnits } from '../vn/units.js';
import { AdminRefusal } from '../errors.js';

export const LINK_FORMS = ['roster', 'results'] as const satisfies readonly UploadForm[];
export type LinkForm = (typeof LINK_FORMS)[number];
export const DEFAULT_LINK_DAYS = 7;
export const MAX_LINK_DAYS = 90;

export interface IssuedLink {
  code: string;
  name: string;
  form: LinkForm;
  period: string;
  url: string;
  expiresAt: string;
}

export interface LinkDeps {
  tokenSecret: string;
  store: Pick<Store, 'recordLinkIssued'>;
  now: () => Date;
}

/** The month a link is about by default: the previous one for results (they report a finished month), else this one. */
export function defaultLinkPeriod(form: LinkForm, now: Date): string {
  return form === 'results' ? previousVietnamMonth(now) : vietnamMonth(now);
}

/** The uploader units named by `units` (`'all'`, or codes); `AdminRefusal('unknown-unit')` for any other code. */
export function linkHolders(units: 'all' | readonly string[]): UnitInfo[] {
  if (units === 'all') return [...uploaderUnits()];
  return units.map((code) => {
    const unit = unitByCode(code);
    if (!unit || (unit.kind !== 'district' && unit.kind !== 'department')) throw new AdminRefusal('unknown-unit');
    return unit;
  });
}

export async function issueLinks(
  deps: LinkDeps,
  request: { units: readonly UnitInfo[]; form: LinkForm; period?: string | undefined; days: number; baseUrl: string },
): Promise<IssuedLink[]> {
  const now = deps.now();
  const period = request.period ?? defaultLinkPeriod(request.form, now);
  // The API would refuse an upload for such a month anyway: say so now rather than hand out a dead link.
  if (!isPeriodInBounds(period, now)) throw new AdminRefusal('bad-period');
  const expiresAt = new Date(now.getTime() + request.days * 86_400_000);
  const links: IssuedLink[] = [];
  for (const unit of request.units) {
    const token = issueToken({ unit: unit.code, form: request.form, period, expiresAt, issuedAt: now }, deps.tokenSecret);
    await deps.store.recordLinkIssued({ unit: unit.code, form: request.form, issuedAt: now, expiresAt });
    links.push({
      code: unit.code,
      name: unit.name,
      form: request.form,
      period,
      url: `${request.baseUrl}/u/${token}`,
      expiresAt: expiresAt.toISOString(),
    });
  }
  return links;
}
