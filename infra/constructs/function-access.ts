/**
 * What a function may touch, said once as data and turned into IAM statements and environment variables.
 * Every statement names its actions one by one (no `*` in an action) and its resources exactly: the table
 * and its named indexes, one object prefix of the bucket, the one secret, the one sender identity.
 */
import { Arn, ArnFormat, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigError } from '../../shared/errors.js';
import type { IntakeFunction } from './intake-function.js';

/** An object prefix of the uploads bucket, e.g. `incoming/`: lower-case words and a trailing slash. */
export type ObjectPrefix = `${string}/`;

export interface FunctionAccess {
  /** `read`: GetItem, BatchGetItem, Query (table and indexes). `read-write` adds PutItem, UpdateItem, DeleteItem, BatchWriteItem. No Scan: every access pattern is a Query. */
  readonly table?: 'read' | 'read-write';
  /** `dynamodb:Query` on each of these indexes of the table (with `table`): only those the function queries. */
  readonly queryIndexes?: readonly string[];
  /** `s3:GetObject` under each prefix. */
  readonly readObjects?: readonly ObjectPrefix[];
  /** `s3:PutObject` under each prefix (also what a presigned POST signed by this role may create). */
  readonly writeObjects?: readonly ObjectPrefix[];
  /** `secretsmanager:GetSecretValue` on the upload-token secret. */
  readonly tokenSecret?: boolean;
  /** `ses:SendRawEmail` from the configured sender address only (`ses:FromAddress`). */
  readonly sendEmail?: boolean;
}

export interface AccessTargets {
  readonly table: ITable;
  readonly bucket: IBucket;
  readonly tokenSecret: ISecret;
  readonly email: { readonly sender: string; readonly recipients: readonly string[] };
}

const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;
/** Every mail is raw MIME sent by shared/aws/mailer.ts (the report with its workbook), so SendEmail is not granted. */
const SEND_EMAIL_ACTIONS = ['ses:SendRawEmail'] as const;
const PREFIX_PATTERN = /^[a-z0-9][a-z0-9-]*\/$/;

/**
 * Adds the statements `access` calls for. The names of the table, bucket and secret are set on every
 * function by the stack (the shared config wants them all); a name without a grant opens nothing.
 */
export function grantAccess(target: IntakeFunction, access: FunctionAccess, resources: AccessTargets): void {
  const { role, function: fn } = target;

  if (access.table) {
    const actions = access.table === 'read-write' ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : [...TABLE_READ_ACTIONS];
    role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [resources.table.tableArn] }));
    // Indexes can only be queried, so they get Query alone, each by name, and only those this function queries.
    const indexes = access.queryIndexes ?? [];
    if (indexes.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((name) => `${resources.table.tableArn}/index/${name}`),
        }),
      );
    }
  }

  const objectGrants = [
    ...(access.readObjects ?? []).map((prefix) => ({ action: 's3:GetObject', prefix })),
    ...(access.writeObjects ?? []).map((prefix) => ({ action: 's3:PutObject', prefix })),
  ];
  for (const { action, prefix } of objectGrants) {
    if (!PREFIX_PATTERN.test(prefix)) throw new ConfigError(`object prefix "${prefix}" must be lower-case words ending in "/"`);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: [action], resources: [resources.bucket.arnForObjects(`${prefix}*`)] }));
    acknowledgeObjectPrefix(target, resources.bucket, prefix);
  }

  if (access.tokenSecret) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resources.tokenSecret.secretArn] }),
    );
  }

  if (access.sendEmail) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...SEND_EMAIL_ACTIONS],
        resources: sesIdentityArns(Stack.of(target), resources.email),
        // The identities include the sender's whole domain and (for the sandbox) the recipients; the
        // condition keeps the From address to the one configured sender.
        conditions: { StringEquals: { 'ses:FromAddress': resources.email.sender } },
      }),
    );
    fn.addEnvironment('REPORT_SENDER', resources.email.sender);
    fn.addEnvironment('REPORT_RECIPIENTS', resources.email.recipients.join(','));
  }
}

/**
 * SES checks `ses:SendRawEmail` against the identity the message is sent from (the address, or its verified
 * domain) and, while the account is in the SES sandbox, against each verified recipient identity too.
 */
function sesIdentityArns(stack: Stack, email: AccessTargets['email']): string[] {
  const senderDomain = email.sender.split('@')[1] ?? email.sender;
  const identities = [...new Set([email.sender, senderDomain, ...email.recipients])];
  return identities.map((identity) =>
    Arn.format({ service: 'ses', resource: 'identity', resourceName: identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack),
  );
}

/**
 * A grant on `prefix/*` names objects that do not exist yet (each upload is a new key): the wildcard is
 * the object-level scoping S3 offers, not a broadening. Acknowledge exactly that finding and no other.
 */
function acknowledgeObjectPrefix(target: IntakeFunction, bucket: IBucket, prefix: ObjectPrefix): void {
  const stack = Stack.of(target);
  const bucketResource = bucket.node.defaultChild as CfnResource;
  const logicalId: unknown = stack.resolve(bucketResource.logicalId);
  Validations.of(target.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${String(logicalId)}.Arn>/${prefix}*]`,
    reason: `Object-level grant limited to the "${prefix}" prefix of the uploads bucket; object keys are created per upload, so they cannot be listed in advance.`,
  });
}
