/** The dashboard's settings from the environment, and how typed addresses are compared. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CENTRE_EMAILS,
  DEFAULT_MAIL_SENDER,
  isCentreEmail,
  normalizeEmail,
  PLACEHOLDER_EMAIL_DOMAIN,
  parseAdminSettings,
} from '../../../shared/admin/settings.js';
import { ConfigError } from '../../../shared/errors.js';
import { uploaderUnits } from '../../../shared/vn/units.js';

describe('parseAdminSettings', () => {
  it('works with nothing set: the centre\'s address may sign in, placeholder unit addresses, no public URL', () => {
    const settings = parseAdminSettings({});
    expect(settings.centreEmails).toEqual(DEFAULT_CENTRE_EMAILS);
    expect(settings.mailSender).toBe(DEFAULT_MAIL_SENDER);
    expect(settings.publicBaseUrl).toBeNull();
    expect(settings.unitEmails.size).toBe(uploaderUnits().length);
    expect(settings.unitEmails.get('548')).toEqual([`548@${PLACEHOLDER_EMAIL_DOMAIN}`]);
  });

  it('reads the allow-list comma-separated, normalized and without repeats, and the other values', () => {
    const settings = parseAdminSettings({
      CENTRE_EMAILS: ' A@X.vn, b@x.vn ,a@x.vn,',
      MAIL_SENDER: 'gui@x.vn',
      PUBLIC_BASE_URL: 'https://d1.cloudfront.net/',
      UNIT_EMAILS: '{"548":"mc@phucat.vn, vp@phucat.vn","so-noi-vu":"snv@x.vn"}',
    });
    expect(settings.centreEmails).toEqual(['a@x.vn', 'b@x.vn']);
    expect(settings.mailSender).toBe('gui@x.vn');
    expect(settings.publicBaseUrl).toBe('https://d1.cloudfront.net');
    expect([...settings.unitEmails]).toEqual([
      ['548', ['mc@phucat.vn', 'vp@phucat.vn']],
      ['so-noi-vu', ['snv@x.vn']],
    ]);
  });

  it.each([
    ['CENTRE_EMAILS', { CENTRE_EMAILS: 'not-an-address' }],
    ['MAIL_SENDER', { MAIL_SENDER: 'x' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ftp://x' }],
    ['UNIT_EMAILS', { UNIT_EMAILS: '{"999":"a@x.vn"}' }],
    ['UNIT_EMAILS', { UNIT_EMAILS: 'not json' }],
  ])('refuses a bad %s, naming it and not quoting it', (name, env) => {
    expect(() => parseAdminSettings(env)).toThrow(ConfigError);
    expect(() => parseAdminSettings(env)).toThrow(name);
  });
});

describe('normalizeEmail', () => {
  it('is idempotent, lower-case and trimmed for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const once = normalizeEmail(text);
        expect(normalizeEmail(once)).toBe(once);
        expect(once).toBe(once.trim());
        expect(once).toBe(once.toLowerCase());
      }),
    );
  });

  it('lets an allowed address in however it is cased or padded', () => {
    fc.assert(
      fc.property(fc.constantFrom('ttpvhcc@binhdinh.gov.vn'), fc.array(fc.boolean(), { minLength: 23, maxLength: 23 }), fc.nat(3), (address, upper, pad) => {
        const typed = ' '.repeat(pad) + [...address].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('') + ' '.repeat(pad);
        expect(isCentreEmail({ centreEmails: [address] }, typed)).toBe(true);
      }),
    );
  });
});
