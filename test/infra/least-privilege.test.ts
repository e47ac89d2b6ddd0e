/**
 * Least privilege, read from the synthesized template: each function's role holds exactly the permissions
 * its job needs (the full list, so a new grant fails a test until someone writes down why), no action is
 * a wildcard, and a `*` appears in a resource only as the object-prefix scoping S3 offers.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { IntakeFunction } from '../../infra/constructs/intake-function.js';
import type { IntakeStack } from '../../infra/intake-stack.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type PolicyResource = { Type: string; Properties: { PolicyDocument: { Statement: Statement[] }; Roles?: { Ref: string }[] } };

let stack: IntakeStack;
let template: Template;
/** Logical id → a readable name used in the expected permission lists. */
let names: Map<string, string>;

beforeAll(() => {
  ({ stack, template } = synthIntakeStack());
  names = new Map([
    [logicalIdOf(stack.storage.table), 'Table'],
    [logicalIdOf(stack.storage.uploadsBucket), 'UploadsBucket'],
    [logicalIdOf(stack.tokenSecret), 'TokenSecret'],
    [logicalIdOf(stack.uploadQueue.queue), 'UploadQueue'],
    [logicalIdOf(stack.web.webBucket), 'PageBucket'],
    [logicalIdOf(stack.apiFunction.logGroup), 'ApiLogs'],
    [logicalIdOf(stack.processUploadFunction.logGroup), 'ProcessUploadLogs'],
    [logicalIdOf(stack.monthlyReport.function.logGroup), 'MonthlyReportLogs'],
    [logicalIdOf(stack.monthlyReport.function.function), 'MonthlyReportFunction'],
    [logicalIdOf(stack.monthlyReport.deadLetterQueue), 'MonthlyReportDeadLetters'],
  ]);
});

/** Renders a CloudFormation reference as text, `<Name.Attr>` for a GetAtt and `<Name>` for a Ref. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(delimiter);
    }
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [id, attribute] = node['Fn::GetAtt'] as [string, string];
      return `<${names.get(id) ?? id}.${attribute}>`;
    }
    if (typeof node.Ref === 'string') return `<${names.get(node.Ref) ?? node.Ref}>`;
    // Fn::Sub placeholders rendered like references: `<AWS::Region>`.
    if (typeof node['Fn::Sub'] === 'string') return node['Fn::Sub'].replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  return JSON.stringify(value);
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every allowed (action, resource) pair of the policies attached to `roleLogicalId`. */
function permissionsOf(roleLogicalId: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[];
  return policies
    .filter((policy) => policy.Properties.Roles?.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => asList(statement.Action).flatMap((action) => asList(statement.Resource).map((resource) => `${action} ${flatten(resource)}`)))
    .sort();
}

const TABLE_READ_WRITE = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
].map((action) => `${action} <Table.Arn>`);
// gsi2 for lists; gsi1 (roster pointers changed in a month) only where the report runs: the report function
// and the dashboard's api. Process-upload never reads it.
const LIST_QUERIES = ['dynamodb:Query <Table.Arn>/index/gsi2'];
const REPORT_QUERIES = ['dynamodb:Query <Table.Arn>/index/gsi1', 'dynamodb:Query <Table.Arn>/index/gsi2'];

describe('function roles', () => {
  it.each([
    [
      'Api',
      [
        'logs:CreateLogStream <ApiLogs.Arn>',
        'logs:PutLogEvents <ApiLogs.Arn>',
        ...TABLE_READ_WRITE,
        ...REPORT_QUERIES,
        // Signs the presigned POST: the browser can only create objects under incoming/.
        's3:PutObject <UploadsBucket.Arn>/incoming/*',
        // Presigned GET of the annotated workbook.
        's3:GetObject <UploadsBucket.Arn>/annotated/*',
        // The 5-minute GET behind a report mail's 7-day link (/api/report-files/<token>) to a workbook too
        // large to attach: read only, the report function writes it.
        's3:GetObject <UploadsBucket.Arn>/reports/*',
        'secretsmanager:GetSecretValue <TokenSecret>',
        // The dashboard's sign-in, link and reminder mails and the report sent from it, all raw MIME
        // (SendRawEmail only), on the sender's identities (and, for the SES sandbox, the allow-listed staff),
        // under an ses:FromAddress condition (see below).
        ...['bao-cao@example.invalid', 'example.invalid', 'ttpvhcc@example.invalid'].map(
          (identity) => `ses:SendRawEmail arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/${identity}`,
        ),
      ],
    ],
    [
      'ProcessUpload',
      [
        'logs:CreateLogStream <ProcessUploadLogs.Arn>',
        'logs:PutLogEvents <ProcessUploadLogs.Arn>',
        ...TABLE_READ_WRITE,
        ...LIST_QUERIES,
        's3:GetObject <UploadsBucket.Arn>/incoming/*',
        's3:PutObject <UploadsBucket.Arn>/annotated/*',
        // HMAC of ID numbers in keys, derived from the token secret.
        'secretsmanager:GetSecretValue <TokenSecret>',
        ...['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].map(
          (action) => `${action} <UploadQueue.Arn>`,
        ),
      ],
    ],
    [
      'MonthlyReport',
      [
        'logs:CreateLogStream <MonthlyReportLogs.Arn>',
        'logs:PutLogEvents <MonthlyReportLogs.Arn>',
        // Queries, and the report's own items (per-month snapshots and figures, the "sent" mark).
        ...TABLE_READ_WRITE,
        ...REPORT_QUERIES,
        // A workbook too large to attach goes to reports/ (the api function serves it; this role cannot read it).
        's3:PutObject <UploadsBucket.Arn>/reports/*',
        // Signs the 7-day link to that workbook with a key derived from the token secret.
        'secretsmanager:GetSecretValue <TokenSecret>',
        // From the configured sender only (an ses:FromAddress condition): its address and domain identities.
        // Raw MIME only (SendRawEmail): the mailer sends nothing else.
        ...['bao-cao@example.invalid', 'example.invalid'].map(
          (identity) => `ses:SendRawEmail arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/${identity}`,
        ),
        // Lambda's on-failure destination: a run that failed after its retries goes to the dead-letter queue.
        ...['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map((action) => `${action} <MonthlyReportDeadLetters.Arn>`),
      ],
    ],
  ])('%s holds exactly the permissions of its job', (name, expected) => {
    const fn = stack.node.findAll().find((construct): construct is IntakeFunction => construct instanceof IntakeFunction && construct.node.id === name);
    if (!fn) throw new Error(`no function ${name}`);
    expect(permissionsOf(logicalIdOf(fn.role))).toEqual([...expected].sort());
  });

  it('lets the api function send mail only from the configured sender', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[];
    const sends = policies
      .filter((policy) => policy.Properties.Roles?.some((role) => role.Ref === logicalIdOf(stack.apiFunction.role)))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => asList(statement.Action).some((action) => action.startsWith('ses:')));
    expect(sends.length).toBeGreaterThan(0);
    for (const statement of sends) {
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'bao-cao@example.invalid' } });
    }
  });

  it('never allows a table Scan: every access pattern is a Query', () => {
    for (const fn of [stack.apiFunction, stack.processUploadFunction, stack.monthlyReport.function]) {
      expect(permissionsOf(logicalIdOf(fn.role)).some((permission) => permission.startsWith('dynamodb:Scan'))).toBe(false);
    }
  });

  it('attach no managed policy and no inline policy besides their own', () => {
    for (const fn of [stack.apiFunction, stack.processUploadFunction, stack.monthlyReport.function]) {
      const role = template.toJSON().Resources[logicalIdOf(fn.role)] as { Properties: Record<string, unknown> };
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        Version: '2012-10-17',
      });
    }
  });
});

describe('every IAM policy of the stack', () => {
  it('names its actions: no "*" and no service-wide "service:*" in any allowed action of our roles', () => {
    const ours = new Set([stack.apiFunction, stack.processUploadFunction, stack.monthlyReport.function].map((fn) => logicalIdOf(fn.role)));
    for (const role of ours) {
      for (const permission of permissionsOf(role)) {
        expect(permission.split(' ')[0], permission).not.toContain('*');
      }
    }
  });

  it('allows "*" in a resource only where AWS or CDK leaves no narrower choice', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[];
    const wildcards = new Set<string>();
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow')) {
        for (const resource of asList(statement.Resource).map(flatten).filter((r) => r.includes('*'))) {
          wildcards.add(`${asList(statement.Action).join(',')} ${resource}`);
        }
      }
    }
    const deployerWrites = 's3:Abort*,s3:DeleteObject*,s3:GetBucket*,s3:GetObject*,s3:List*,s3:PutObject,s3:PutObjectLegalHold,s3:PutObjectRetention,s3:PutObjectTagging,s3:PutObjectVersionTagging';
    expect([...wildcards].sort()).toEqual(
      [
        // Object prefixes: keys are created per upload, so the prefix is the narrowest scope there is.
        's3:PutObject <UploadsBucket.Arn>/incoming/*',
        's3:GetObject <UploadsBucket.Arn>/annotated/*',
        's3:GetObject <UploadsBucket.Arn>/incoming/*',
        's3:PutObject <UploadsBucket.Arn>/annotated/*',
        // The reports/ prefix (a workbook too large to attach): the report writes it, the api function reads
        // it behind the mail's link. And EventBridge Scheduler's right to invoke that one function (CDK's
        // LambdaInvoke target names its versions and aliases, "<arn>:*").
        's3:PutObject <UploadsBucket.Arn>/reports/*',
        's3:GetObject <UploadsBucket.Arn>/reports/*',
        'lambda:InvokeFunction <MonthlyReportFunction.Arn>:*',
        // CDK's BucketDeployment, run at deploy time only: the page bucket's objects (public static files),
        // the asset object in the CDK bootstrap bucket (its key is a hash), and CloudFront invalidations,
        // which CDK grants on "*".
        `${deployerWrites} <PageBucket.Arn>/*`,
        's3:GetBucket*,s3:GetObject*,s3:List* arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        'cloudfront:CreateInvalidation,cloudfront:GetInvalidation *',
      ].sort(),
    );
  });

  it('gives the S3 notification handler only PutBucketNotification on the uploads bucket', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[];
    const notificationStatements = policies
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => asList(statement.Action).includes('s3:PutBucketNotification'));
    expect(notificationStatements.map((statement) => flatten(statement.Resource))).toEqual(['<UploadsBucket.Arn>']);
  });
});
