/**
 * Who may sign in to the centre's dashboard, where sign-in links point and which address sends its mail.
 *
 * | variable          | meaning                                                                         | default (local)             |
 * | ----------------- | ------------------------------------------------------------------------------- | --------------------------- |
 * | `CENTRE_EMAILS`   | the allow-list: the centre staff's addresses, comma-separated                  | `ttpvhcc@binhdinh.gov.vn`   |
 * | `MAIL_SENDER`     | the SES identity the sign-in and reminder mails are sent from                  | `khong-tra-loi@ttpvhcc.binhdinh.gov.vn` |
 * | `PUBLIC_BASE_URL` | the page's public origin, the only host a sign-in link may point to            | none (no mail is sent)      |
 * | `UNIT_EMAILS`     | each unit's address(es) for links and reminders, JSON `{"548":"a@x.vn, b@x.vn"}` | placeholders `<code>@don-vi.example.invalid` |
 *
 * On AWS the CDK app sets them from `motcua:centreEmails`, `motcua:reportSender`, `motcua:publicBaseUrl` and
 * `motcua:unitEmails` (always set there, `{}` when empty, so the local placeholders never reach AWS).
 * The base URL is configuration, never taken from a request: a forged `Origin` or `Host` header would
 * otherwise make the centre's own mail carry a link to another site.
 */
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { isUploaderUnit, uploaderUnits } from '../vn/units.js';

export const DEFAULT_CENTRE_EMAILS: readonly string[] = ['ttpvhcc@binhdinh.gov.vn'];
export const DEFAULT_MAIL_SENDER = 'khong-tra-loi@ttpvhcc.binhdinh.gov.vn';

export interface AdminSettings {
  /** Normalized (trimmed, lower-case) addresses. */
  centreEmails: readonly string[];
  mailSender: string;
  /** Origin of the page, without a trailing slash; null when not configured (sign-in mails are then not sent). */
  publicBaseUrl: string | null;
  /** Each uploader unit's addresses (a unit missing here cannot be mailed). */
  unitEmails: ReadonlyMap<string, readonly string[]>;
}

/** The local default: one placeholder address per unit, delivered only to the local test inbox. */
export const PLACEHOLDER_EMAIL_DOMAIN = 'don-vi.example.invalid';

/** Addresses compare case-insensitively and without surrounding spaces (what people type). */
export function normalizeEmail(text: string): string {
  return text.normalize('NFC').trim().toLowerCase();
}

const emailList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map(normalizeEmail)
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.email()).min(1));

const settingsSchema = z.object({
  CENTRE_EMAILS: emailList.optional(),
  MAIL_SENDER: z.email().optional(),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  UNIT_EMAILS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().refine(isUploaderUnit, 'not a district or department code'), emailList))
    .optional(),
});

const blankToUndefined = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value : undefined);

/** Reads the settings from the environment; a `ConfigError` naming (never quoting) the bad variable. */
export function parseAdminSettings(env: NodeJS.ProcessEnv): AdminSettings {
  const parsed = settingsSchema.safeParse({
    CENTRE_EMAILS: blankToUndefined(env.CENTRE_EMAILS),
    MAIL_SENDER: blankToUndefined(env.MAIL_SENDER),
    PUBLIC_BASE_URL: blankToUndefined(env.PUBLIC_BASE_URL),
    UNIT_EMAILS: blankToUndefined(env.UNIT_EMAILS),
  });
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))].join(', ');
    throw new ConfigError(`invalid environment variables: ${names}`);
  }
  const { CENTRE_EMAILS, MAIL_SENDER, PUBLIC_BASE_URL, UNIT_EMAILS } = parsed.data;
  const unitEmails = UNIT_EMAILS
    ? new Map(Object.entries(UNIT_EMAILS))
    : new Map(uploaderUnits().map((unit) => [unit.code, [`${unit.code}@${PLACEHOLDER_EMAIL_DOMAIN}`]]));
  return {
    centreEmails: [...new Set(CENTRE_EMAILS ?? DEFAULT_CENTRE_EMAILS)],
    mailSender: MAIL_SENDER ?? DEFAULT_MAIL_SENDER,
    publicBaseUrl: PUBLIC_BASE_URL ? PUBLIC_BASE_URL.replace(/\/+$/, '') : null,
    unitEmails,
  };
}

export function isCentreEmail(settings: Pick<AdminSettings, 'centreEmails'>, email: string): boolean {
  return settings.centreEmails.includes(normalizeEmail(email));
}
