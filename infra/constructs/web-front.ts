/**
 * The public face: one CloudFront distribution serves the upload page from a private bucket (origin access
 * control) and forwards `/api/*` to the HTTP API, so the page and its API share one origin (no CORS on the
 * API, no token in a cross-origin request). `/u/<token>` is rewritten to `/index.html` at the edge: the
 * token stays in the address bar for the page's script and never reaches the bucket.
 */
import path from 'node:path';
import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  FRAME_OPTIONS,
  HSTS,
  pageCspDirectives,
  REFERRER_POLICY,
  serializeCsp,
} from '../../shared/web/security-headers.js';
import { REPO_ROOT } from './intake-function.js';

/** The module's header values as CloudFront's enums (a value the module changes must be mapped here). */
const FRAME_OPTION: Record<typeof FRAME_OPTIONS, HeadersFrameOption> = { DENY: HeadersFrameOption.DENY };
const REFERRER: Record<typeof REFERRER_POLICY, HeadersReferrerPolicy> = { 'no-referrer': HeadersReferrerPolicy.NO_REFERRER };

/**
 * Everything under /api goes to the function, where the Hono app routes it exactly as the local server
 * does: an unknown route or method gets the app's JSON error with a Vietnamese message, not API
 * Gateway's English one. Paths outside /api never reach the function.
 */
export const API_ROUTES = [{ method: HttpMethod.ANY, path: '/api/{proxy+}' }] as const;

/**
 * CloudFront Function (viewer request) on the page behaviour. ES5.1 syntax: the cloudfront-js runtimes
 * accept little more. Exported so a test can run it.
 */
export const PAGE_ROUTER_CODE = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('/u/') === 0) {
    request.uri = '/index.html';
  } else if (request.uri === '/admin' || request.uri === '/admin/') {
    request.uri = '/admin/index.html';
  }
  return request;
}`;

/** Static files are re-deployed (and the cache invalidated) with every `cdk deploy`; five minutes is enough. */
const STATIC_MAX_AGE = 'public, max-age=300';

export interface WebFrontProps {
  readonly apiFunction: IFunction;
  /** Host the page POSTs files to and downloads annotated workbooks from (the uploads bucket). */
  readonly uploadsBucketHost: string;
  readonly accessLogsBucket: IBucket;
  readonly logRetention: RetentionDays;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** ISO country codes allowed to reach the distribution; empty means everyone. */
  readonly allowedCountries: readonly string[];
  /** Folder of the static page, relative to the repository root. */
  readonly webRoot?: string;
}

export class WebFront extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly webBucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment;
  /** `https://<distribution domain>`: the page's origin. */
  readonly pageOrigin: string;

  constructor(scope: Construct, id: string, props: WebFrontProps) {
    super(scope, id);

    // ── HTTP API ────────────────────────────────────────────────────────────────────────────────────────
    this.httpApi = new HttpApi(this, 'Api', {
      description: 'motcua-intake upload API',
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', props.apiFunction);
    for (const route of API_ROUTES) {
      this.httpApi.addRoutes({ path: route.path, methods: [route.method], integration });
    }
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every route is authorised by the upload token (an HMAC-signed, expiring token, in the JSON body of POST and the Bearer header of GET), verified by the function before any data is read; an API Gateway authorizer would run a second function per request for the same check.',
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.apiRateLimit, burstLimit: props.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Route, status, timing and the caller's address: no path, no query string, no header, so no token in the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // ── Page bucket ─────────────────────────────────────────────────────────────────────────────────────
    this.webBucket = new Bucket(this, 'Page', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'page/',
      // Only the page's static files live here, redeployed from the repository at will.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // ── Distribution ────────────────────────────────────────────────────────────────────────────────────
    // Built from the one module the local server also sends (shared/web/security-headers.ts).
    const pageHeaders = (overrideCsp: boolean): ResponseSecurityHeadersBehavior => ({
      contentSecurityPolicy: {
        contentSecurityPolicy: serializeCsp(pageCspDirectives(`https://${props.uploadsBucketHost}`)),
        override: overrideCsp,
      },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(HSTS.maxAgeSeconds),
        includeSubdomains: HSTS.includeSubdomains,
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: FRAME_OPTION[FRAME_OPTIONS], override: true },
      referrerPolicy: { referrerPolicy: REFERRER[REFERRER_POLICY], override: true },
    });
    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'motcua-intake: CSP, HSTS, no referrer (the page URL carries the upload token)',
      securityHeadersBehavior: pageHeaders(true),
    });
    // The API's own CSP wins on /api/* (the report preview allows its inline styles and nothing else); the
    // page's is added to every API response without one.
    const apiSecurityHeaders = new ResponseHeadersPolicy(this, 'ApiSecurityHeaders', {
      comment: "motcua-intake API: the page's headers, keeping a CSP the API sets itself",
      securityHeadersBehavior: pageHeaders(false),
    });

    const pageRouter = new EdgeFunction(this, 'PageRouter', {
      code: FunctionCode.fromInline(PAGE_ROUTER_CODE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serves index.html at /u/<token> and admin/index.html at /admin',
    });

    const apiDomain = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'motcua-intake upload page and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Price class 200 includes the edge locations in Vietnam.
      priceClass: PriceClass.PRICE_CLASS_200,
      ...(props.allowedCountries.length > 0 ? { geoRestriction: GeoRestriction.allowlist(...props.allowedCountries) } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.webBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: pageRouter, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Every viewer header but Host (API Gateway routes on its own host name); this forwards Authorization.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiSecurityHeaders,
        },
      },
    });
    this.pageOrigin = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'CloudFront access logs would record every /u/<token> URL, i.e. copy live upload credentials into a log bucket. API requests are logged by the API stage (route and status only) and page-bucket reads by S3 access logs.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF: the API is throttled at the stage, every write needs a signed upload token, and uploads go to S3 under a size-bound POST policy. A web ACL (about USD 6 a month before requests) can be attached later without changing the app.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer security policy; a custom domain with an ACM certificate would allow TLSv1.2_2021 as the minimum.',
    });
    if (props.allowedCountries.length === 0) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR1',
        reason: 'Geo restriction deliberately disabled by the motcua:allowedCountries context value (an empty list).',
      });
    }

    // ── Page deployment ─────────────────────────────────────────────────────────────────────────────────
    this.deployment = new BucketDeployment(this, 'DeployPage', {
      sources: [Source.asset(path.join(REPO_ROOT, props.webRoot ?? 'web'), { exclude: ['**/*.ts', '**/.*'] })],
      destinationBucket: this.webBucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      retainOnDelete: false,
      cacheControl: [CacheControl.fromString(STATIC_MAX_AGE)],
      memoryLimit: 256,
    });
  }
}
