/**
 * Configuration of the functions, read once from the environment and checked with zod.
 *
 * | variable                  | meaning                                                                 | default        |
 * | ------------------------- | ----------------------------------------------------------------------- | -------------- |
 * | `TABLE_NAME`              | the single DynamoDB table                                               | (required)     |
 * | `BUCKET_NAME`             | the bucket of uploads (`incoming/…`) and annotated workbooks            | (required)     |
 * | `TOKEN_SECRET_ARN`        | AWS: Secrets Manager secret whose SecretString is the token secret      | –              |
 * | `TOKEN_SECRET`            | local: the raw token secret (≥ 32 characters); one of the two is needed | –              |
 * | `MAX_UPLOAD_BYTES`        | largest accepted upload, enforced by the POST policy and when reading   | 5242880 (5 MiB)|
 * | `ROSTER_DEADLINE`         | last day (Vietnam time) for the roster, ISO date                        | 2021-06-25     |
 * | `SUPPORT_CONTACT`         | who clerks call for help, JSON `{"name","phone","email"}` (page footer) | the centre     |
 * | `SUPPORT_CONTACT_NAME`, `SUPPORT_CONTACT_PHONE`, `SUPPORT_CONTACT_EMAIL` | the same, one field each (win over the JSON) | – |
 * | `POWERTOOLS_SERVICE_NAME` | `service` key of every log line                                         | motcua-intake  |
 * | `POWERTOOLS_LOG_LEVEL`    | DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT                              | INFO           |
 *
 * Locally the AWS SDK clients also read `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SES` and `S3_FORCE_PATH_STYLE=true` (see `shared/aws/clients.ts`).
 */
import * as z from 'zod';
import { type AdminSettings, parseAdminSettings } from './admin/settings.js';
import { ConfigError } from './errors.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const DEFAULT_ROSTER_DEADLINE = '2021-06-25';
export const MIN_TOKEN_SECRET_LENGTH = 32;
/** Vietnam has no daylight saving time: a fixed offset is exact. */

/** Who a clerk contacts for help: shown in the page footer (`GET /api/settings`). Not personal data: an office's line. */
export interface SupportContact {
  name: string;
  phone: string | null;
  email: string | null;
}

/** The local default (`npm start`, tests): the centre itself, no number or address until one is configured. */
export const DEFAULT_SUPPORT_CONTACT: SupportContact = {
  name: 'Trung tâm Phục vụ hành chính công tỉnh Bình Định',
  phone: null,
  email: null,
};

/** The support contact's shape, also checked at synth time (infra/constructs/intake-config.ts). */
export const supportContactSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+() .-]{3,30}$/)
    .nullable()
    .default(null),
  email: z.email().nullable().default(null),
});

/** Parses the support contact from the JSON form and the per-field variables; the fields win over the JSON. */
export function parseSupportContact(env: NodeJS.ProcessEnv): SupportContact {
  let fromJson: unknown = {};
  if (env.SUPPORT_CONTACT !== undefined && env.SUPPORT_CONTACT.trim() !== '') {
    try {
      fromJson = JSON.parse(env.SUPPORT_CONTACT);
    } catch (error) {
      throw new ConfigError('invalid environment variable: SUPPORT_CONTACT (not JSON)', { cause: error });
    }
  }
  const base = typeof fromJson === 'object' && fromJson !== null ? (fromJson as Record<string, unknown>) : {};
  const field = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value : undefined);
  const merged = {
    name: DEFAULT_SUPPORT_CONTACT.name,
    ...base,
    ...(field(env.SUPPORT_CONTACT_NAME) ? { name: env.SUPPORT_CONTACT_NAME } : {}),
    ...(field(env.SUPPORT_CONTACT_PHONE) ? { phone: env.SUPPORT_CONTACT_PHONE } : {}),
    ...(field(env.SUPPORT_CONTACT_EMAIL) ? { email: env.SUPPORT_CONTACT_EMAIL } : {}),
  };
  const parsed = supportContactSchema.safeParse(merged);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => `SUPPORT_CONTACT.${issue.path.join('.')}`))].join(', ');
    throw new ConfigError(`invalid support contact: ${names}`);
  }
  return parsed.data;
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

const envSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    BUCKET_NAME: z.string().min(1),
    TOKEN_SECRET_ARN: z.string().min(1).optional(),
    TOKEN_SECRET: z.string().min(MIN_TOKEN_SECRET_LENGTH).optional(),
    MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_UPLOAD_BYTES),
    ROSTER_DEADLINE: z.iso.date().default(DEFAULT_ROSTER_DEADLINE),
    POWERTOOLS_SERVICE_NAME: z.string().min(1).default('motcua-intake'),
    POWERTOOLS_LOG_LEVEL: z
      .string()
      .transform((level) => level.toUpperCase())
      .pipe(z.enum(LOG_LEVELS))
      .default('INFO'),
  })
  .refine((env) => env.TOKEN_SECRET_ARN !== undefined || env.TOKEN_SECRET !== undefined, {
    message: 'TOKEN_SECRET_ARN or TOKEN_SECRET is required',
    path: ['TOKEN_SECRET_ARN'],
  });

export type TokenSecretSource = { kind: 'arn'; arn: string } | { kind: 'value'; value: string };
export type LogLevelName = (typeof LOG_LEVELS)[number];

export function isLogLevelName(value: string): value is LogLevelName {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface AppConfig {
  tableName: string;
  bucketName: string;
  tokenSecret: TokenSecretSource;
  maxUploadBytes: number;
  /** ISO date of the roster deadline (a whole day in Vietnam time). */
  rosterDeadline: string;
  serviceName: string;
  logLevel: LogLevelName;
  /** Shown on the upload page; `DEFAULT_SUPPORT_CONTACT` when absent (callers that build a config by hand). */
  supportContact?: SupportContact;
  /** The centre's dashboard (`CENTRE_EMAILS`, `MAIL_SENDER`, `PUBLIC_BASE_URL`, see shared/admin/settings.ts); defaults when absent. */
  admin?: AdminSettings;
}

/** Parses the environment; throws `ConfigError` naming the bad variables (never their values: one is a secret). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new ConfigError(`invalid or missing environment variables: ${names}`);
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    bucketName: e.BUCKET_NAME,
    // An ARN wins: on AWS the raw secret must never sit in the function's environment.
    tokenSecret: e.TOKEN_SECRET_ARN
      ? { kind: 'arn', arn: e.TOKEN_SECRET_ARN }
      : { kind: 'value', value: e.TOKEN_SECRET ?? '' },
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    rosterDeadline: e.ROSTER_DEADLINE,
    serviceName: e.POWERTOOLS_SERVICE_NAME,
    logLevel: e.POWERTOOLS_LOG_LEVEL,
    supportContact: parseSupportContact(env),
    admin: parseAdminSettings(env),
  };
}

