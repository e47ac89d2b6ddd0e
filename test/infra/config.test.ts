import { describe, expect, it } from 'vitest';
import { parseIntakeConfig } from '../../infra/constructs/intake-config.js';
import { ConfigError } from '../../shared/errors.js';
import { CDK_JSON } from './fixtures/synth.js';

/** cdk.json's `motcua:*` values, without the prefix: what `cdk synth` reads when nothing is overridden. */
const defaults = Object.fromEntries(
  Object.entries(CDK_JSON.context)
    .filter(([key]) => key.startsWith('motcua:'))
    .map(([key, value]) => [key.slice('motcua:'.length), value]),
);

describe('deploy-time configuration (CDK context)', () => {
  it('accepts the defaults committed in cdk.json', () => {
    const config = parseIntakeConfig(defaults);
    expect(config).toMatchObject({ retentionDays: 90, rosterDeadline: '2021-06-25', maxUploadBytes: 5_242_880, allowedCountries: ['VN'] });
  });

  it('reads lists given on the command line as comma-separated strings, and numbers given as strings', () => {
    const config = parseIntakeConfig({
      ...defaults,
      reportRecipients: 'chanh-van-phong@binhdinh.gov.vn, pho-chu-tich@binhdinh.gov.vn',
      retentionDays: '30',
      allowedCountries: 'VN,SG',
    });
    expect(config.reportRecipients).toEqual(['chanh-van-phong@binhdinh.gov.vn', 'pho-chu-tich@binhdinh.gov.vn']);
    expect(config.retentionDays).toBe(30);
    expect(config.allowedCountries).toEqual(['VN', 'SG']);
  });

  it.each([
    ['alarmEmail', 'not-an-address'],
    ['alarmEmail', undefined],
    ['retentionDays', 0],
    ['retentionDays', 'ninety'],
    ['logRetentionDays', 45],
    ['rosterDeadline', '25/06/2021'],
    ['reportRecipients', 'a@b.vn, nobody'],
    ['reportSender', ''],
    ['pageOrigins', ['http://insecure.example.org']],
    ['allowedCountries', ['Vietnam']],
    ['apiRateLimit', -1],
    ['stackName', 'has spaces'],
    ['stackName', 'MotcuaIntake-a-name-far-too-long-for-a-bucket'],
  ])('refuses %s = %j and names the key', (key, value) => {
    const attempt = () => parseIntakeConfig({ ...defaults, [key]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`motcua:${key}`);
  });
});
