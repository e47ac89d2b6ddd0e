/**
 * The AWS shape of motcua-intake: one stack per province.
 *
 *   CloudFront ─┬─ /*      → page bucket (origin access control), /u/<token> → /index.html
 *               └─ /api/*  → HTTP API (throttled, access-logged) → api function
 *   page ─ presigned POST → uploads bucket ─ ObjectCreated(incoming/) → SQS (+ DLQ) → process-upload
 *   functions → one DynamoDB table; token secret in Secrets Manager; alarms → SNS → e-mail
 *
 * Every function is declared the same way, as an entry, a size and a `FunctionAccess`; a scheduled one
 * adds a cron expression and a time zone (`addScheduledFunction`).
 */
import { App, Aws, CfnElement, CfnOutput, Duration, type Environment, RemovalPolicy, Stack, type StackProps, Tags, TimeZone, Validations } from 'aws-cdk-lib';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { type AccessTargets, type FunctionAccess, grantAccess } from './constructs/function-access.js';
import { type IntakeConfig, readIntakeConfig } from './constructs/intake-config.js';
import { FUNCTION_SIZES, IntakeFunction, type PowertoolsLogLevel } from './constructs/intake-function.js';
import { IntakeStorage, OBJECT_PREFIXES } from './constructs/intake-storage.js';
import { OpsAlarms } from './constructs/ops-alarms.js';
import { PROCESS_UPLOAD_SERVICE, uploadMetricsNamespace } from '../functions/process-upload/metrics.js';
import { createDeadLetterQueue, createWorkQueue, type WorkQueue } from './constructs/queues.js';
import { grantDashboard } from './constructs/dashboard-access.js';
import { addMonthlyReport } from './constructs/monthly-report.js';
import { WebFront } from './constructs/web-front.js';
import { QUERIED_INDEXES } from '../shared/store/table.js';

/** Handler entries of the cross-team contract, relative to the repository root. */
export const FUNCTION_ENTRIES = {
  api: 'functions/api/handler.ts',
  processUpload: 'functions/process-upload/handler.ts',
} as const;

export interface IntakeStackProps extends StackProps {
  readonly config: IntakeConfig;
}

export interface IntakeFunctionOptions {
  readonly entry: string;
  readonly description: string;
  readonly size: keyof typeof FUNCTION_SIZES;
  readonly access: FunctionAccess;
  readonly serviceName?: string;
  readonly logLevel?: PowertoolsLogLevel;
  readonly environment?: Readonly<Record<string, string>>;
}

export interface ScheduledFunctionOptions extends Omit<IntakeFunctionOptions, 'size'> {
  /** Construct id, e.g. `MonthlyReport`. */
  readonly id: string;
  /** An EventBridge Scheduler expression, e.g. `cron(0 8 1 * ? *)` (08:00 on the 1st). */
  readonly schedule: string;
  /** IANA time zone the expression is read in, e.g. `Asia/Ho_Chi_Minh`. */
  readonly timeZone: string;
  readonly size?: keyof typeof FUNCTION_SIZES;
}

export interface ScheduledFunction {
  readonly function: IntakeFunction;
  readonly schedule: Schedule;
  /** Receives invocations that failed after their retries, and schedules that could not be delivered. */
  readonly deadLetterQueue: Queue;
}

/** Six times the consumer's timeout, as AWS advises for SQS event sources. */
const UPLOAD_QUEUE_VISIBILITY = Duration.seconds(FUNCTION_SIZES.workbook.timeout.toSeconds() * 6);
/** One workbook per invocation: each gets the whole timeout, and one bad file cannot hold back others. */
const UPLOAD_BATCH_SIZE = 1;

export class IntakeStack extends Stack {
  readonly config: IntakeConfig;
  readonly storage: IntakeStorage;
  readonly tokenSecret: Secret;
  readonly alarms: OpsAlarms;
  readonly uploadQueue: WorkQueue;
  readonly apiFunction: IntakeFunction;
  readonly processUploadFunction: IntakeFunction;
  /** The monthly report to leadership (infra/constructs/monthly-report.ts). */
  readonly monthlyReport: ScheduledFunction;
  readonly web: WebFront;
  private readonly accessTargets: AccessTargets;

  constructor(scope: Construct, id: string, props: IntakeStackProps) {
    super(scope, id, props);
    this.config = props.config;
    Tags.of(this).add('project', 'motcua-intake');

    this.storage = new IntakeStorage(this, 'Storage', {
      retentionDays: this.config.retentionDays,
      logRetentionDays: this.config.logRetentionDays,
      namePrefix: this.config.stackName.toLowerCase(),
    });

    this.tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'motcua-intake: key of upload tokens and of person hashes (HMAC)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing it would void every upload link and every stored person hash.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret keys both upload tokens and the person hashes stored as DynamoDB keys; an automatic rotation would void every open upload link and split each official into two identities. Rotation is a planned operation (README, Deploy to AWS, Operating).',
    });

    this.accessTargets = {
      table: this.storage.table,
      bucket: this.storage.uploadsBucket,
      tokenSecret: this.tokenSecret,
      email: { sender: this.config.reportSender, recipients: this.config.reportRecipients },
    };

    this.alarms = new OpsAlarms(this, 'Alarms', { email: this.config.alarmEmail });

    // ── api: presigned POSTs, upload status, the unit's list ──────────────────────────────────────────
    this.apiFunction = this.addFunction('Api', {
      entry: FUNCTION_ENTRIES.api,
      description: 'Upload API: presigned POST, upload status and list',
      size: 'api',
      access: {
        table: 'read-write',
        // Lists, and the report the dashboard previews and sends.
        queryIndexes: QUERIED_INDEXES.report,
        // The presigned POST is signed with this role, so the role must be allowed to create the object.
        writeObjects: [OBJECT_PREFIXES.incoming],
        readObjects: [OBJECT_PREFIXES.annotated],
        tokenSecret: true,
      },
      // The page's footer (GET /api/settings): whom clerks call.
      environment: { SUPPORT_CONTACT: JSON.stringify(this.config.supportContact) },
    });

    // The centre's dashboard (/api/admin/*) runs in the same function: its settings and mail sending.
    grantDashboard(this.apiFunction, this.config);

    // ── process-upload: S3 → SQS (retries, DLQ) → validate, store, annotate ───────────────────────────
    this.uploadQueue = createWorkQueue(this, 'UploadEvents', { visibilityTimeout: UPLOAD_QUEUE_VISIBILITY });
    this.storage.uploadsBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.uploadQueue.queue), {
      prefix: OBJECT_PREFIXES.incoming,
    });
    const uploadMetrics = { namespace: uploadMetricsNamespace(this.stackName), service: PROCESS_UPLOAD_SERVICE };
    this.processUploadFunction = this.addFunction('ProcessUpload', {
      entry: FUNCTION_ENTRIES.processUpload,
      description: 'Validates an uploaded roster, stores the verdict, writes the annotated workbook',
      size: 'workbook',
      serviceName: uploadMetrics.service,
      environment: { POWERTOOLS_METRICS_NAMESPACE: uploadMetrics.namespace },
      access: {
        table: 'read-write',
        queryIndexes: QUERIED_INDEXES.intake,
        readObjects: [OBJECT_PREFIXES.incoming],
        writeObjects: [OBJECT_PREFIXES.annotated],
        // Officials are keyed by an HMAC of their ID number, derived from the same secret.
        tokenSecret: true,
      },
    });
    this.processUploadFunction.function.addEventSource(
      new SqsEventSource(this.uploadQueue.queue, {
        batchSize: UPLOAD_BATCH_SIZE,
        reportBatchItemFailures: true,
        // `motcua:processConcurrency` (default 2) bounds the workbooks processed at once, so a flood of
        // uploads through one token waits in the queue instead of running up the bill. The event source's
        // maximum concurrency rather than reserved concurrency: the poller stops taking messages at the
        // bound, where reserved concurrency would throttle invocations and send throttled messages back
        // towards the dead-letter queue, and would fail to deploy on an account with a low concurrency quota.
        maxConcurrency: this.config.processConcurrency,
      }),
    );
    this.alarms.alarmOnDeadLetters('UploadDeadLetters', this.uploadQueue.deadLetterQueue, 'process-upload');
    this.alarms.alarmOnFailedUploads('UploadsFailed', uploadMetrics);

    // ── monthly-report: EventBridge Scheduler, 08:00 Vietnam time on the 1st → report, workbook, e-mail ──
    this.monthlyReport = addMonthlyReport(this);

    // ── page and API behind one CloudFront origin ─────────────────────────────────────────────────────
    this.web = new WebFront(this, 'Web', {
      apiFunction: this.apiFunction.function,
      uploadsBucketHost: this.storage.uploadsBucketHost,
      accessLogsBucket: this.storage.accessLogsBucket,
      logRetention: this.config.logRetentionDays,
      apiRateLimit: this.config.apiRateLimit,
      apiBurstLimit: this.config.apiBurstLimit,
      allowedCountries: this.config.allowedCountries,
    });
    this.storage.allowPageOrigins([this.web.pageOrigin, ...this.config.pageOrigins]);
    this.alarms.alarmOnMetric('ApiServerErrors', this.web.stage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), 'API: answered 5xx');

    // What the admin CLI needs to work against this stack (MOTCUA_TARGET=aws, see the README, Deploy to AWS). Names only, no secret.
    new CfnOutput(this, 'PublicBaseUrl', { value: this.web.pageOrigin, description: 'PUBLIC_BASE_URL: origin of the upload page' });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName, description: 'TABLE_NAME' });
    new CfnOutput(this, 'BucketName', { value: this.storage.uploadsBucket.bucketName, description: 'BUCKET_NAME' });
    new CfnOutput(this, 'TokenSecretArn', { value: this.tokenSecret.secretArn, description: 'TOKEN_SECRET_ARN' });

    this.acknowledgeCdkProvidedFunctions();
  }

  /** A function with the app's defaults, the grants `access` names, and an alarm on its errors. */
  addFunction(id: string, options: IntakeFunctionOptions): IntakeFunction {
    const fn = new IntakeFunction(this, id, {
      entry: options.entry,
      description: options.description,
      ...FUNCTION_SIZES[options.size],
      serviceName: options.serviceName ?? `motcua-${kebabCase(id)}`,
      logRetention: this.config.logRetentionDays,
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      environment: {
        // Names and settings every function's config reads (shared/config.ts); grants come from `access`.
        TABLE_NAME: this.storage.table.tableName,
        BUCKET_NAME: this.storage.uploadsBucket.bucketName,
        TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
        MAX_UPLOAD_BYTES: String(this.config.maxUploadBytes),
        ROSTER_DEADLINE: this.config.rosterDeadline,
        ...options.environment,
      },
    });
    grantAccess(fn, options.access, this.accessTargets);
    this.alarms.alarmOnFunctionErrors(`${id}Errors`, fn.function, id);
    return fn;
  }

  /**
   * A function run by EventBridge Scheduler, e.g. the monthly report:
   *
   *     stack.addScheduledFunction({
   *       id: 'MonthlyReport', entry: 'functions/monthly-report/handler.ts', description: 'Monthly report',
   *       schedule: 'cron(0 8 1 * ? *)', timeZone: 'Asia/Ho_Chi_Minh',
   *       access: { table: 'read-write', sendEmail: true },
   *     });
   *
   * Failed runs (after Lambda's two retries) and undeliverable schedules land in a dead-letter queue
   * with an alarm; the function must be idempotent (a retry may follow a partial success).
   */
  addScheduledFunction(options: ScheduledFunctionOptions): ScheduledFunction {
    const fn = this.addFunction(options.id, { ...options, size: options.size ?? 'batch' });
    const deadLetterQueue = createDeadLetterQueue(this, `${options.id}DeadLetters`);
    fn.function.configureAsyncInvoke({ onFailure: new LambdaSqsDestination(deadLetterQueue), retryAttempts: 2 });
    // A role per schedule (rather than CDK's shared one) so that its one acknowledgement sits next to it.
    const schedulerRole = new Role(this, `${options.id}SchedulerRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: `Lets EventBridge Scheduler run ${options.id} (motcua-intake)`,
    });
    const schedule = new Schedule(this, `${options.id}Schedule`, {
      description: options.description,
      schedule: ScheduleExpression.expression(options.schedule, TimeZone.of(options.timeZone)),
      target: new LambdaInvoke(fn.function, { role: schedulerRole, deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(6) }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.resolveLogicalId(fn.function.node.defaultChild)}.Arn>:*]`,
      reason: `CDK's LambdaInvoke target grants lambda:InvokeFunction on the versions and aliases of ${options.id} ("<arn>:*"): the same single function, no other.`,
    });
    this.alarms.alarmOnDeadLetters(`${options.id}DeadLettersAlarm`, deadLetterQueue, options.id);
    return { function: fn, schedule, deadLetterQueue };
  }

  /**
   * CDK adds two functions of its own: the handler that writes the uploads bucket's notification
   * configuration and the one that copies the page into its bucket. Their code and policies are CDK's;
   * each finding is acknowledged by its exact id, so a new permission in a CDK upgrade fails the checks.
   */
  private acknowledgeCdkProvidedFunctions(): void {
    const basicExecutionRole = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    for (const child of this.node.children) {
      if (child.node.id.startsWith('BucketNotificationsHandler')) {
        Validations.of(child).acknowledge({
          id: basicExecutionRole,
          reason: 'CDK-provided handler that writes the uploads bucket notification configuration during deployments; the managed policy only lets it write its own logs.',
        });
      }
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        const deployer = 'CDK-provided BucketDeployment handler, run only during deployments to copy the static page';
        const findings: readonly (readonly [string, string])[] = [
          [basicExecutionRole, `${deployer}; the managed policy only lets it write its own logs.`],
          ['AwsSolutions-IAM5[Action::s3:GetBucket*]', `${deployer}; reads the CDK asset bucket and the page bucket only.`],
          ['AwsSolutions-IAM5[Action::s3:GetObject*]', `${deployer}; reads the page asset from the CDK asset bucket.`],
          ['AwsSolutions-IAM5[Action::s3:List*]', `${deployer}; lists the page bucket to prune removed files.`],
          ['AwsSolutions-IAM5[Action::s3:Abort*]', `${deployer}; writes only into the page bucket.`],
          ['AwsSolutions-IAM5[Action::s3:DeleteObject*]', `${deployer}; prunes files removed from web/ in the page bucket only.`],
          [
            'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
            `${deployer}; the asset object key is a content hash known only at synth time, inside the CDK bootstrap bucket.`,
          ],
          [`AwsSolutions-IAM5[Resource::<${this.resolveLogicalId(this.web.webBucket.node.defaultChild)}.Arn>/*]`, `${deployer}; every object of the page bucket (public static files only).`],
          ['AwsSolutions-L1', `${deployer}; its Python runtime is pinned by aws-cdk-lib and moves with CDK upgrades.`],
          ['AwsSolutions-IAM5[Resource::*]', `${deployer}; cloudfront:CreateInvalidation/GetInvalidation of the page after a deploy, as CDK generates it.`],
        ];
        for (const [id, reason] of findings) Validations.of(child).acknowledge({ id, reason });
      }
    }
  }

  private resolveLogicalId(resource: IConstruct | undefined): string {
    if (!(resource instanceof CfnElement)) throw new Error('expected a CloudFormation resource');
    return String(this.resolve(resource.logicalId));
  }
}

function kebabCase(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export interface BuildIntakeAppOptions {
  /** CDK context (the `context` of cdk.json plus overrides); the CLI passes its own through the environment. */
  readonly context?: Record<string, unknown>;
  readonly env?: Environment;
  /** Cloud assembly directory; the CLI sets its own, tests may choose one. */
  readonly outdir?: string;
}

/**
 * The app as `cdk synth` builds it: the configured stack, with the cdk-nag AwsSolutions checks registered
 * as a validation plugin so that every synth fails on an unacknowledged finding.
 */
export function buildIntakeApp(options: BuildIntakeAppOptions = {}): { app: App; stack: IntakeStack } {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const config = readIntakeConfig(app);
  const stack = new IntakeStack(app, config.stackName, {
    config,
    description: 'motcua-intake: one-stop-shop roster intake and monthly report',
    ...(options.env ? { env: options.env } : {}),
  });
  return { app, stack };
}
