/**
 * Deploy-time configuration of the AWS app, read from CDK context (`cdk.json` defaults, overridden with
 * `cdk deploy -c motcua:alarmEmail=… -c …`). Nothing here is a secret: the token secret is generated in
 * Secrets Manager, never passed as context.
 *
 * | context key                   | meaning                                                              | default in cdk.json |
 * | ----------------------------- | -------------------------------------------------------------------- | ------------------- |
 * | `motcua:stackName`            | CloudFormation stack name (one per province)                         | MotcuaIntake        |
 * | `motcua:alarmEmail`           | address subscribed to the alarm topic                                | placeholder         |
 * | `motcua:retentionDays`        | days before uploaded files and annotated workbooks are deleted       | 90                  |
 * | `motcua:logRetentionDays`     | days function, API and S3 access logs are kept (a CloudWatch value)  | 90                  |
 * | `motcua:rosterDeadline`       | last day for the roster (ISO date, Vietnam time)                     | 2021-06-25          |
 * | `motcua:grantsDeadline`       | last day for the portal permissions (ISO date, Vietnam time)         | 2021-06-30          |
 * | `motcua:resultsDueDay`        | a month's results are due by this day of the following month         | 5                   |
 * | `motcua:maxUploadBytes`       | largest accepted upload                                              | 5242880             |
 * | `motcua:processConcurrency`   | uploads processed at once (the upload queue's maximum concurrency, 2–1000) | 2             |
 * | `motcua:reportRecipients`     | monthly report recipients (JSON list or comma-separated)             | []                  |
 * | `motcua:reportSender`         | SES identity the monthly report is sent from                        | placeholder         |
 * | `motcua:pageOrigins`          | extra origins allowed by the bucket CORS (a custom domain in front)  | []                  |
 * | `motcua:allowedCountries`     | CloudFront geo allow-list (ISO 3166-1 alpha-2); [] = no restriction  | ["VN"]              |
 * | `motcua:apiRateLimit`         | API Gateway steady-state requests per second                         | 20                  |
 * | `motcua:apiBurstLimit`        | API Gateway burst                                                    | 40                  |
 * | `motcua:centreEmails`         | addresses allowed to sign in to the dashboard (JSON list or comma-separated) | placeholder |
 * | `motcua:publicBaseUrl`        | the page's public origin, for sign-in and link mails (set after the first deploy) | none     |
 * | `motcua:unitEmails`           | each unit's address(es) for links and reminders, `{ "548": "a@x.vn" }` | {}                  |
 * | `motcua:supportContact`       | whom clerks call, shown on the upload page: `{ name, phone, email }` (JSON) | the centre     |
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as z from 'zod';
import { supportContactSchema } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';

export const CONTEXT_PREFIX = 'motcua:';

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_VALUES: ReadonlySet<number> = new Set(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/** Context given on the command line arrives as a string; in cdk.json as JSON. Accept both for lists. */
const stringList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  z.array(z.string()),
);

const emailList = stringList.pipe(z.array(z.email()));

/** A JSON value given on the command line as text; left as is when it is not JSON, for the schema to refuse by name. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const contextSchema = z.object({
  // Short: the lower-cased name starts the uploads bucket name, which S3 caps at 63 characters.
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,29}$/, 'letters, digits and "-", at most 30 characters')
    .default('MotcuaIntake'),
  alarmEmail: z.email(),
  retentionDays: z.coerce.number().int().min(1).max(3650),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => LOG_RETENTION_VALUES.has(days), 'one of the CloudWatch Logs retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, …)'),
  rosterDeadline: z.iso.date(),
  grantsDeadline: z.iso.date().default('2021-06-30'),
  resultsDueDay: z.coerce.number().int().min(1).max(31).default(5),
  maxUploadBytes: z.coerce.number().int().min(1).max(100 * 1024 * 1024),
  // SQS event sources accept 2–1000: the bound on process-upload's concurrency, hence on its bill.
  processConcurrency: z.coerce.number().int().min(2).max(1000).default(2),
  reportRecipients: emailList.default([]),
  reportSender: z.email(),
  pageOrigins: stringList.pipe(z.array(z.url({ protocol: /^https$/ }))).default([]),
  allowedCountries: stringList.pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code'))).default(['VN']),
  apiRateLimit: z.coerce.number().positive().max(10_000),
  apiBurstLimit: z.coerce.number().int().positive().max(5_000),
  centreEmails: emailList.pipe(z.array(z.email()).min(1)),
  publicBaseUrl: z.union([z.literal(''), z.url({ protocol: /^https$/ }).transform((url) => url.replace(/\/+$/, ''))]).default(''),
  // On the command line a JSON string; in cdk.json an object. The function re-checks it (shared/admin/settings.ts).
  unitEmails: z
    .preprocess((value) => (typeof value === 'string' ? parseJsonText(value) : value), z.record(z.string(), emailList))
    .default({}),
  // Given on the command line as a JSON string; in cdk.json as an object. The api function re-checks it (shared/config.ts).
  supportContact: z.preprocess((value) => (typeof value === 'string' ? parseJsonText(value) : value), supportContactSchema),
});

export type IntakeConfig = z.infer<typeof contextSchema>;
export type IntakeContextKey = keyof IntakeConfig;

/** Reads every `motcua:*` context value under `scope` and checks it; throws `ConfigError` naming each bad key. */
export function readIntakeConfig(scope: Construct): IntakeConfig {
  const raw = Object.fromEntries(
    Object.keys(contextSchema.shape).map((key) => [key, scope.node.tryGetContext(`${CONTEXT_PREFIX}${key}`)]),
  );
  return parseIntakeConfig(raw);
}

/** Checks raw context values (keys without the `motcua:` prefix). */
export function parseIntakeConfig(raw: Record<string, unknown>): IntakeConfig {
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${CONTEXT_PREFIX}${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid CDK context (set it in cdk.json or with -c KEY=VALUE):\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
