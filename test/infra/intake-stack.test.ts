/**
 * The AWS stack, property by property: what a security reviewer checks in the template. Each test names
 * one promise of the deployment and fails when a change breaks it.
 */
import { runInNewContext } from 'node:vm';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { IntakeFunction } from '../../infra/constructs/intake-function.js';
import { API_ROUTES } from '../../infra/constructs/web-front.js';
import { FRAME_OPTIONS, HSTS, pageCspDirectives, REFERRER_POLICY, serializeCsp } from '../../shared/web/security-headers.js';
import { FUNCTION_ENTRIES, type IntakeStack } from '../../infra/intake-stack.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

const ALARM_EMAIL = 'van-hanh@binhdinh.gov.vn';

let stack: IntakeStack;
let template: Template;
let ids: { uploads: string; accessLogs: string; page: string; table: string; queue: string; deadLetters: string; distribution: string; secret: string; topic: string };

beforeAll(() => {
  ({ stack, template } = synthIntakeStack({ context: { alarmEmail: ALARM_EMAIL } }));
  ids = {
    uploads: logicalIdOf(stack.storage.uploadsBucket),
    accessLogs: logicalIdOf(stack.storage.accessLogsBucket),
    page: logicalIdOf(stack.web.webBucket),
    table: logicalIdOf(stack.storage.table),
    queue: logicalIdOf(stack.uploadQueue.queue),
    deadLetters: logicalIdOf(stack.uploadQueue.deadLetterQueue),
    distribution: logicalIdOf(stack.web.distribution),
    secret: logicalIdOf(stack.tokenSecret),
    topic: logicalIdOf(stack.alarms.topic),
  };
});

function resource(logicalId: string): Resource {
  const found = template.toJSON().Resources[logicalId] as Resource | undefined;
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
}

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function intakeFunctions(target: IntakeStack = stack): IntakeFunction[] {
  return target.node.findAll().filter((construct): construct is IntakeFunction => construct instanceof IntakeFunction);
}

describe('S3 buckets', () => {
  it('every bucket blocks public access, is encrypted at rest and refuses plain HTTP and TLS below 1.2', () => {
    const buckets = resourcesOfType('AWS::S3::Bucket');
    expect(buckets.map(([id]) => id).sort()).toEqual([ids.uploads, ids.accessLogs, ids.page].sort());
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, id).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }],
            }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('the buckets holding personal data or logs survive a stack deletion', () => {
    expect(resource(ids.uploads).DeletionPolicy).toBe('Retain');
    expect(resource(ids.accessLogs).DeletionPolicy).toBe('Retain');
  });

  it('uploaded files and annotated workbooks expire after the configured retention, and no old version outlives it', () => {
    const uploads = resource(ids.uploads).Properties;
    expect(uploads.LifecycleConfiguration).toEqual({
      Rules: expect.arrayContaining([
        expect.objectContaining({ Prefix: 'incoming/', ExpirationInDays: 90, Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'annotated/', ExpirationInDays: 90, Status: 'Enabled' }),
        // A report's workbook behind a 7-day mail link goes a day after the link.
        expect.objectContaining({ Prefix: 'reports/', ExpirationInDays: 8, Status: 'Enabled' }),
      ]),
    });
    expect(uploads.VersioningConfiguration).toBeUndefined();
  });

  it('takes the retention from context, not from the code', () => {
    const { stack: shortLived, template: shortTemplate } = synthIntakeStack({ context: { retentionDays: 30, logRetentionDays: 14 } });
    const rules = (shortTemplate.toJSON().Resources[logicalIdOf(shortLived.storage.uploadsBucket)] as Resource).Properties
      .LifecycleConfiguration as { Rules: { Prefix?: string; ExpirationInDays?: number }[] };
    expect(rules.Rules.filter((rule) => rule.Prefix).map((rule) => [rule.Prefix, rule.ExpirationInDays])).toEqual([
      ['incoming/', 30],
      ['annotated/', 30],
      // Not personal data, and bound to its link's 7 days rather than to the retention.
      ['reports/', 8],
    ]);
    const logRules = (shortTemplate.toJSON().Resources[logicalIdOf(shortLived.storage.accessLogsBucket)] as Resource).Properties
      .LifecycleConfiguration as { Rules: { ExpirationInDays?: number }[] };
    expect(logRules.Rules.map((rule) => rule.ExpirationInDays)).toEqual([14]);
  });

  it('allows cross-origin POST from the page origin only', () => {
    expect(resource(ids.uploads).Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['POST'],
          AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }]] }],
          MaxAge: 3000,
        },
      ],
    });
  });

  it('adds the origins of a custom domain given in context, still HTTPS only', () => {
    const { stack: custom, template: customTemplate } = synthIntakeStack({ context: { pageOrigins: ['https://motcua.binhdinh.gov.vn'] } });
    const cors = (customTemplate.toJSON().Resources[logicalIdOf(custom.storage.uploadsBucket)] as Resource).Properties.CorsConfiguration as {
      CorsRules: { AllowedOrigins: unknown[] }[];
    };
    expect(cors.CorsRules[0]?.AllowedOrigins).toContain('https://motcua.binhdinh.gov.vn');
  });

  it('logs access to the uploads and page buckets into the access-log bucket', () => {
    for (const [bucket, prefix] of [
      [ids.uploads, 'uploads/'],
      [ids.page, 'page/'],
    ] as const) {
      expect(resource(bucket).Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: prefix });
    }
  });
});

describe('DynamoDB table', () => {
  it('is on demand, point-in-time recoverable, deletion protected, KMS encrypted and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('has the keys, the two indexes projecting ALL and the TTL attribute of the contract', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });
});

describe('S3 → SQS → process-upload', () => {
  it('sends every object created under incoming/ to the upload queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: ids.uploads },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            QueueArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
          },
        ],
      },
    });
  });

  it('moves a message that failed five times to a dead-letter queue kept for 14 days', () => {
    expect(resource(ids.queue).Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetters, 'Arn'] }, maxReceiveCount: 5 });
    expect(resource(ids.deadLetters).Properties.MessageRetentionPeriod).toBe(Duration.days(14).toSeconds());
  });

  it('hides a message in work for at least six times the function timeout, so it is not processed twice at once', () => {
    const timeout = resource(logicalIdOf(stack.processUploadFunction.function)).Properties.Timeout as number;
    expect(resource(ids.queue).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('encrypts both queues and refuses plain HTTP on them', () => {
    for (const id of [ids.queue, ids.deadLetters]) {
      expect(resource(id).Properties.SqsManagedSseEnabled, id).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('feeds process-upload one message at a time and retries only the failed ones', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionName: { Ref: logicalIdOf(stack.processUploadFunction.function) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('processes at most motcua:processConcurrency workbooks at once (2 by default): a flood of uploads waits in the queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const { template: custom } = synthIntakeStack({ context: { processConcurrency: 7 } });
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 7 } });
    // SQS event sources take 2–1000; anything else is refused at synth, by name.
    expect(() => synthIntakeStack({ context: { processConcurrency: 1 } })).toThrow(/motcua:processConcurrency/);
  });
});

describe('functions', () => {
  it('are the two functions of the contract, at their entries, and the scheduled monthly report', () => {
    expect(intakeFunctions().map((fn) => fn.node.id)).toEqual(['Api', 'ProcessUpload', 'MonthlyReport']);
    expect(FUNCTION_ENTRIES).toEqual({ api: 'functions/api/handler.ts', processUpload: 'functions/process-upload/handler.ts' });
  });

  it.each(['Api', 'ProcessUpload', 'MonthlyReport'])('%s runs Node.js 22 on arm64, logs to its own group with a retention, and reads Powertools settings', (name) => {
    const fn = intakeFunctions().find((candidate) => candidate.node.id === name);
    if (!fn) throw new Error(`no function ${name}`);
    const properties = resource(logicalIdOf(fn.function)).Properties;
    expect(properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn.logGroup) } },
    });
    expect(resource(logicalIdOf(fn.logGroup)).Properties.RetentionInDays).toBe(90);
    expect((properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^motcua-/),
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    // Source maps cost cold-start time; they are on only with -c motcua:sourceMaps=true (test/infra/cold-start.test.ts).
    expect((properties.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('NODE_OPTIONS');
  });

  it.each(['Api', 'ProcessUpload'])('%s gets the environment variables of the contract, the secret by ARN only', (name) => {
    const fn = intakeFunctions().find((candidate) => candidate.node.id === name);
    if (!fn) throw new Error(`no function ${name}`);
    const variables = (resource(logicalIdOf(fn.function)).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      TABLE_NAME: { Ref: ids.table },
      BUCKET_NAME: { Ref: ids.uploads },
      TOKEN_SECRET_ARN: { Ref: ids.secret },
      MAX_UPLOAD_BYTES: '5242880',
      ROSTER_DEADLINE: '2021-06-25',
    });
    expect(variables).not.toHaveProperty('TOKEN_SECRET');
  });

  it('sizes the workbook function larger and longer than the API', () => {
    const api = resource(logicalIdOf(stack.apiFunction.function)).Properties;
    const processUpload = resource(logicalIdOf(stack.processUploadFunction.function)).Properties;
    expect(api).toMatchObject({ MemorySize: 512, Timeout: 10 });
    expect(processUpload.MemorySize as number).toBeGreaterThan(api.MemorySize as number);
    expect(processUpload.Timeout as number).toBeGreaterThan(api.Timeout as number);
  });

  it('keeps the token secret in Secrets Manager, generated there and retained', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
    });
    // No value in the template: the secret is generated inside Secrets Manager.
    expect(resource(ids.secret).Properties).not.toHaveProperty('SecretString');
  });
});

describe('HTTP API', () => {
  it('hands every /api path (and nothing else) to the api function, which routes it as the local server does', () => {
    const routeKeys = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routeKeys).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`));
    expect(routeKeys).toEqual(['ANY /api/{proxy+}']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(stack.apiFunction.function), 'Arn'] },
    });
  });

  it('throttles with the limits from context', () => {
    const { template: custom } = synthIntakeStack({ context: { apiRateLimit: 7, apiBurstLimit: 11 } });
    custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 11 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('writes access logs with route and status but no path, query string or header (no token)', () => {
    const [[, stage]] = resourcesOfType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    expect(resource(settings.DestinationArn['Fn::GetAtt'][0]).Type).toBe('AWS::Logs::LogGroup');
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(Object.values(format)).toEqual(expect.arrayContaining(['$context.requestId', '$context.routeKey', '$context.status']));
    expect(settings.Format).not.toMatch(/\$context\.path|querystring|header|authorizer/i);
  });
});

describe('CloudFront: the page and the API on one origin', () => {
  it('serves the page bucket through origin access control and /api/* from the API, both over HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'https-only',
            // Managed CachingDisabled and AllViewerExceptHostHeader: nothing from the API is cached, Authorization reaches it.
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
            OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
          }),
        ],
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [logicalIdOf(stack.web.webBucket), 'RegionalDomainName'] },
            OriginAccessControlId: Match.anyValue(),
          }),
          Match.objectLike({ CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } }),
        ]),
        Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['VN'] } },
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
  });

  it('lets only this distribution read the page bucket', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.page },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: ids.distribution }])]) }) } },
          }),
        ]),
      },
    });
  });

  it.each([
    ['/u/v1.eyJ1bml0IjoiNTQ4In0.c2lnbmF0dXJl', '/index.html'],
    ['/u/abc', '/index.html'],
    ['/', '/'],
    ['/index.html', '/index.html'],
    ['/static/app.js', '/static/app.js'],
    ['/static/mau-phu-luc-2.xlsx', '/static/mau-phu-luc-2.xlsx'],
    ['/users', '/users'],
  ])('the edge function serves %s as %s', (uri, served) => {
    const [[, edgeFunction]] = resourcesOfType('AWS::CloudFront::Function') as [[string, Resource]];
    const code = edgeFunction.Properties.FunctionCode as string;
    const request = runInNewContext(`${code}\nhandler(event).uri`, { event: { request: { uri, method: 'GET', headers: {} } } }) as unknown;
    expect(request).toBe(served);
    expect(edgeFunction.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
  });

  /** The security headers policy a behaviour of the distribution uses (`undefined`: the default one). */
  function headersPolicyOf(pathPattern?: string): { Override: boolean; csp: unknown; headers: Record<string, Record<string, unknown>> } {
    const config = resource(ids.distribution).Properties.DistributionConfig as {
      DefaultCacheBehavior: { ResponseHeadersPolicyId: { Ref: string } };
      CacheBehaviors: { PathPattern: string; ResponseHeadersPolicyId: { Ref: string } }[];
    };
    const behaviour = pathPattern ? config.CacheBehaviors.find((b) => b.PathPattern === pathPattern) : config.DefaultCacheBehavior;
    if (!behaviour) throw new Error(`no behaviour ${pathPattern}`);
    const policy = resource(behaviour.ResponseHeadersPolicyId.Ref).Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const headers = policy.SecurityHeadersConfig;
    const csp = headers.ContentSecurityPolicy ?? {};
    return { Override: csp.Override === true, csp: stack.resolve(csp.ContentSecurityPolicy), headers };
  }
  /** The page CSP as the shared module builds it for this stack's uploads bucket. */
  const expectedPageCsp = () => stack.resolve(serializeCsp(pageCspDirectives(`https://${stack.storage.uploadsBucketHost}`)));

  it.each([
    ['the page', undefined],
    ['the API', '/api/*'],
  ])('%s: no Referer (the page URL carries the token), HSTS, no framing, no sniffing, from the shared module', (_what, pathPattern) => {
    const { headers } = headersPolicyOf(pathPattern);
    // The promises themselves, then that they are the shared module's values (what the local server sends).
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect([headers.ReferrerPolicy?.ReferrerPolicy, headers.FrameOptions?.FrameOption]).toEqual([REFERRER_POLICY, FRAME_OPTIONS]);
    expect(headers.StrictTransportSecurity?.AccessControlMaxAgeSec).toBe(HSTS.maxAgeSeconds);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
  });

  it('the page gets the CSP the local server sends (one module), limiting where it may connect', () => {
    const page = headersPolicyOf();
    expect(page.Override).toBe(true);
    expect(page.csp).toEqual(expectedPageCsp());
    const csp = JSON.stringify(page.csp);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // connect-src names the uploads bucket host (built from the bucket name), nothing wider.
    expect(csp).toMatch(/connect-src 'self' https:\/\/motcuaintake-uploads-/);
    expect(csp).not.toMatch(/\*/);
  });

  it("keeps the API's own CSP on /api/* (the report preview's) and adds the page's to every other API answer", () => {
    const api = headersPolicyOf('/api/*');
    expect(api.Override).toBe(false);
    expect(api.csp).toEqual(expectedPageCsp());
  });

  it('deploys web/ into the page bucket, prunes removed files and invalidates the cache', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: ids.page },
      Prune: true,
      DistributionId: { Ref: ids.distribution },
      DistributionPaths: ['/*'],
    });
  });
});

describe('alarms', () => {
  it('mail the alarm topic, whose subscriber comes from context', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: ALARM_EMAIL, TopicArn: { Ref: ids.topic } });
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: ids.topic }]);
    }
  });

  it('warn at synth when they would go to the placeholder address of cdk.json, and not otherwise', () => {
    const placeholder = synthIntakeStack();
    Annotations.fromStack(placeholder.stack).hasWarning('*', Match.stringLikeRegexp('motcua:alarmEmail'));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('motcua:alarmEmail'));
  });

  it('fire on the first message in the upload dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.deadLetters, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(['Api', 'ProcessUpload'])('fire on the first error of %s', (name) => {
    const fn = intakeFunctions().find((candidate) => candidate.node.id === name);
    if (!fn) throw new Error(`no function ${name}`);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(fn.function) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('fire on API 5xx answers', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 1 });
  });
});

describe('synthesis', () => {
  it('outputs what the admin CLI needs against AWS, names only', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(['BucketName', 'PublicBaseUrl', 'TableName', 'TokenSecretArn']);
    expect(outputs.TokenSecretArn?.Value).toEqual({ Ref: ids.secret });
    expect(outputs.PublicBaseUrl?.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }]] });
  });

  it('needs no AWS account: the stack is environment-agnostic unless the CLI supplies one', () => {
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
  });
});
