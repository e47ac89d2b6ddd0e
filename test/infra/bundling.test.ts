/**
 * One real synthesis with bundling: esbuild turns each handler into the ESM file Lambda runs, offline, and
 * that file loads on Node with nothing from outside but Node's builtins and exceljs from the asset's own
 * node_modules, where the construct ships it beside the bundle: the AWS SDK is in the bundle, the version
 * package-lock.json pins. The assets are written outside the repository, so that nothing resolves from its
 * node_modules (on Lambda the runtime's own SDK would stand in for a missing one, silently). Then
 * the bundles run as deployed: each in a child process started the way the Lambda runtime starts it (the
 * template's handler, memory and environment), fed events of the real shapes (API Gateway HTTP API
 * payload 2.0, S3 notifications inside SQS messages) and wired to the embedded emulators.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../functions/api/errors.js';
import { ESM_REQUIRE_BANNER, type IntakeFunction, REPO_ROOT } from '../../infra/constructs/intake-function.js';
import type { IntakeStack } from '../../infra/intake-stack.js';
import { vietnamMonth } from '../../shared/vn/time.js';
import { S3RVER_CREDENTIALS } from '../../shared/aws/clients.js';
import { incomingKey } from '../../shared/aws/s3.js';
import { UPLOAD_URL_TTL_SECONDS } from '../../shared/pipeline/uploads.js';
import { issueToken } from '../../shared/tokens.js';
import { validate } from '../../shared/validate.js';
import type { Verdict } from '../../shared/verdict.js';
import { type LocalStack, type PresignedPost, postToS3, startTestStack, tokenOf, XLSX_TYPE } from '../support/local-stack.js';
import { SAMPLES, sampleBytes } from '../support/samples.js';
import { buildIntakeStack, logicalIdOf } from './fixtures/synth.js';

/** What these tests read of the synthesized template (a JSON document: the shape is ours to state). */
interface TemplateResource {
  Type: string;
  Properties: {
    Code?: { S3Key?: string };
    Handler?: string;
    MemorySize?: number;
    Timeout?: number;
    Environment?: { Variables?: Record<string, unknown> };
    RouteKey?: string;
    StageName?: string;
    PayloadFormatVersion?: string;
  };
}

let stack: IntakeStack;
let assemblyDir: string;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  // Outside the repository: a bundle that still needed a package (an `@aws-sdk/*` one, say) would find it
  // in the repository's node_modules here, and the runtime's copy on Lambda.
  const outdir = mkdtempSync(path.join(tmpdir(), 'motcua-bundling-test-'));
  const built = buildIntakeStack({ bundle: true, outdir });
  stack = built.stack;
  const assembly = built.app.synth();
  assemblyDir = assembly.directory;
  resources = assembly.getStackByName(stack.stackName).template.Resources;
}, 180_000);

afterAll(() => {
  if (assemblyDir) rmSync(assemblyDir, { recursive: true, force: true });
});

type FunctionName = 'apiFunction' | 'processUploadFunction';

function functionResource(name: FunctionName): TemplateResource {
  return resourceOf(stack[name]);
}

function resourceOf(construct: IntakeFunction): TemplateResource {
  const resource = resources[logicalIdOf(construct.function)];
  if (!resource) throw new Error(`${construct.node.path} is not in the template`);
  return resource;
}

function bundleDirOf(name: FunctionName): string {
  return assetDirOf(stack[name]);
}

function assetDirOf(construct: IntakeFunction): string {
  const key = resourceOf(construct).Properties.Code?.S3Key;
  if (!key) throw new Error(`${construct.node.path} has no code asset`);
  return path.join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`);
}

/** The version package-lock.json pins for a package of the repository. */
function lockedVersion(name: string): string | undefined {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return lock.packages[`node_modules/${name}`]?.version;
}

/** A class of exceljs's that esbuild's `keepNames` leaves readable wherever exceljs's code is. */
const EXCELJS_CODE_MARKER = 'SharedStringsXform';

function resourcesOfType(type: string): TemplateResource[] {
  return Object.values(resources).filter((resource) => resource.Type === type);
}

describe.each(['apiFunction', 'processUploadFunction'] as const)('the %s bundle', (name) => {
  it('is one minified ESM file, without a source map unless asked for, with exceljs beside it', () => {
    const dir = bundleDirOf(name);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'node_modules']);
    expect(readdirSync(path.join(dir, 'node_modules'))).toEqual(['exceljs']);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).not.toMatch(/sourceMappingURL/);
    // Minified: thousands of characters per line where readable code has tens.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('bundles the AWS SDK and everything else: only Node builtins, `module` and a dynamic exceljs are left to load', () => {
    const code = readFileSync(path.join(bundleDirOf(name), 'index.mjs'), 'utf8');
    const importStatement = /\bimport\s*(?:[\w$]+|\*\s*as\s*[\w$]+|\{[^}]*\})\s*from\s*"([\w@/.:-]+)"/g;
    const imports = [...code.matchAll(importStatement)].map((match) => match[1] ?? '');
    expect(imports.length).toBeGreaterThan(0);
    // `module` is the banner's (createRequire); exceljs at import time would be parsed and run at every cold start.
    for (const specifier of imports) expect(specifier, specifier).toMatch(/^(node:[\w/]+|module)$/);
    const dynamicImports = [...code.matchAll(/\bimport\("([\w@/.:-]+)"\)/g)].map((match) => match[1] ?? '');
    expect(dynamicImports).toContain('exceljs');
    for (const specifier of dynamicImports) expect(specifier, specifier).toMatch(/^(node:[\w/]+|exceljs)$/);
    // In the bundle, at the versions package-lock.json pins (each client's package.json is bundled for its user agent).
    for (const client of ['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']) {
      // `includes`, not `toContain`: a failure would print the whole bundle.
      expect(code.includes(`name:"${client}",version:"${lockedVersion(client)}"`), client).toBe(true);
    }
    expect(code).not.toContain(EXCELJS_CODE_MARKER);
  });

  it('carries the SES and Secrets Manager clients, which it loads on first use, at the locked versions', () => {
    const code = readFileSync(path.join(bundleDirOf(name), 'index.mjs'), 'utf8');
    for (const client of ['@aws-sdk/client-ses', '@aws-sdk/client-secrets-manager']) {
      // `includes`, not `toContain`: a failure would print the whole bundle.
      expect(code.includes(`name:"${client}",version:"${lockedVersion(client)}"`), client).toBe(true);
    }
  });

  it('loads on Node and exports the Lambda handler', () => {
    const url = pathToFileURL(path.join(bundleDirOf(name), 'index.mjs')).href;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`], {
      cwd: bundleDirOf(name),
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: 'bundling-test',
        AWS_SECRET_ACCESS_KEY: 'bundling-test',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        TABLE_NAME: 'bundling-test',
        BUCKET_NAME: 'bundling-test',
        // A raw secret, so loading makes no network call; on AWS the function reads TOKEN_SECRET_ARN.
        TOKEN_SECRET: 'bundling-test-secret-of-at-least-32-characters',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(output.trim()).toBe('function');
  });
});

describe.each([
  ['api', () => stack.apiFunction],
  ['process-upload', () => stack.processUploadFunction],
  ['monthly report', () => stack.monthlyReport.function],
] as const)('the %s function, which writes workbooks', (_name, construct) => {
  it('ships the locked exceljs beside its bundle, one minified ES module that the bundle resolves and writes a workbook with', () => {
    const dir = assetDirOf(construct());
    const shipped = path.join(dir, 'node_modules', 'exceljs');
    // An ES module: Node imports CommonJS into the bundle only by parsing it twice more.
    expect(readdirSync(shipped).sort()).toEqual(['LICENSE', 'index.mjs', 'package.json']);
    const manifest = JSON.parse(readFileSync(path.join(shipped, 'package.json'), 'utf8')) as { version: string; main: string };
    expect(manifest.version).toBe(lockedVersion('exceljs'));
    expect(readFileSync(path.join(shipped, manifest.main), 'utf8')).toContain(EXCELJS_CODE_MARKER);
    // From the bundle, `exceljs` is the shipped copy.
    expect(createRequire(path.join(dir, 'index.mjs')).resolve('exceljs')).toBe(path.join(shipped, manifest.main));
    // The bundle's own `import('exceljs')` from an ESM module in the asset directory, as on Lambda.
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { default: ExcelJS } = await import('exceljs');
         const workbook = new ExcelJS.Workbook();
         workbook.addWorksheet('Danh sách').getCell('A1').value = 'Họ và tên';
         const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
         const back = new ExcelJS.Workbook();
         await back.xlsx.load(bytes);
         console.log(JSON.stringify({ resolved: import.meta.resolve('exceljs'), cell: back.getWorksheet('Danh sách').getCell('A1').value }));`,
      ],
      { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(JSON.parse(output)).toEqual({ resolved: pathToFileURL(path.join(shipped, manifest.main)).href, cell: 'Họ và tên' });
  });
});

// ── The bundles at work ───────────────────────────────────────────────────────────────────────────────

const REGION = 'ap-southeast-1';
const RUNTIME_SCRIPT = fileURLToPath(new URL('./fixtures/lambda-runtime.mjs', import.meta.url));
/** Deployed variables whose values reference the stack's resources: the emulators stand in for those. */
const RESOURCE_VARIABLES: readonly string[] = ['TABLE_NAME', 'BUCKET_NAME', 'TOKEN_SECRET_ARN'];
const API_ID = 'a1b2c3d4e5';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:motcua-token-secret-AbCdEf`;
const API_DOMAIN = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
/** Vĩnh Thạnh, the district of the accepted sample. */
const SAMPLE_UNIT = '546';
/** Letters only Vietnamese writes: a message without any is not the Vietnamese one. */
const VIETNAMESE_LETTER = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/iu;

interface InvokeError {
  errorType: string;
  errorMessage: string;
}

/** What lambda-runtime.mjs sends back over its IPC channel. */
type RuntimeMessage = { ready: true } | { initError: InvokeError } | { id: number; error: InvokeError } | { id: number; result?: unknown };

/** The handler threw (the Invoke API's `FunctionError: Unhandled`), or the cold start failed. */
class FunctionError extends Error {
  constructor(
    readonly detail: InvokeError,
    output: string,
  ) {
    super(`${detail.errorType}: ${detail.errorMessage}\n--- function output ---\n${output}`);
    this.name = 'FunctionError';
  }
}

/** One warm execution environment of a deployed function. */
interface ExecutionEnvironment {
  invoke(event: unknown): Promise<unknown>;
  /** Everything the function wrote on stdout and stderr: its log lines. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The environment Lambda gives the function: the template's own variables (log level, limits, Node
 * options), the runtime's reserved ones, and the emulators in place of the stack's resources. Built
 * from nothing, so no AWS profile, key or region of the developer's shell reaches the child.
 */
function lambdaEnvironment(name: FunctionName, emulators: LocalStack, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const { Handler, MemorySize, Environment } = functionResource(name).Properties;
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(Environment?.Variables ?? {})) {
    if (typeof value === 'string') settings[key] = value;
    else if (!RESOURCE_VARIABLES.includes(key)) throw new Error(`${name}: no local stand-in for ${key}`);
  }
  const functionName = `${stack.stackName}-${name}`;
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LAMBDA_TASK_ROOT: bundleDirOf(name),
    _HANDLER: Handler ?? '',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MemorySize ?? 128),
    // Powertools logs `cold_start` only for on-demand environments, which it learns from this variable.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    // Stand-ins for the role's credentials: s3rver knows no other access key id (it does not check V4 signatures).
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    ...settings,
    TABLE_NAME: emulators.tableName,
    BUCKET_NAME: emulators.bucketName,
    // The raw secret, as locally: TOKEN_SECRET_ARN would send the function to Secrets Manager.
    TOKEN_SECRET: emulators.tokenSecret,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbUrl,
    AWS_ENDPOINT_URL_S3: emulators.s3Url,
    S3_FORCE_PATH_STYLE: 'true',
    // Node 20 here, 22 on Lambda: the SDK's end-of-support notice would only be noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // An override of `undefined` removes the variable (TOKEN_SECRET, so that the function reads TOKEN_SECRET_ARN).
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete environment[key];
    else environment[key] = value;
  }
  return environment;
}

/** Starts the function's bundle in a child process and waits for its cold start (top-level await included). */
async function startExecutionEnvironment(
  name: FunctionName,
  emulators: LocalStack,
  overrides: Record<string, string | undefined> = {},
): Promise<ExecutionEnvironment> {
  const timeoutMs = (functionResource(name).Properties.Timeout ?? 3) * 1000;
  const child: ChildProcess = spawn(process.execPath, [RUNTIME_SCRIPT], {
    cwd: bundleDirOf(name),
    env: lambdaEnvironment(name, emulators, overrides),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (raw) => {
      const message = raw as RuntimeMessage;
      if ('ready' in message) resolve();
      else if ('initError' in message) reject(new FunctionError(message.initError, output));
      else {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if ('error' in message) waiter?.reject(new FunctionError(message.error, output));
        else waiter?.resolve(message.result);
      }
    });
    child.on('exit', (code, signal) => {
      const error = new Error(`${name}: runtime exited (${signal ?? code})\n--- function output ---\n${output}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  let nextId = 0;
  return {
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, event, requestId: randomUUID(), timeoutMs }, (error) => {
          if (error) reject(error);
        });
      }),
    output: () => output,
    stop,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `requestContext.time` as API Gateway writes it: `12/Mar/2020:19:03:58 +0000`. */
function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(pad).join(':');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${clock} +0000`;
}

/** The deployed route API Gateway matches for the request, and its path parameters; none: no invocation. */
function deployedRoute(method: string, pathname: string): { routeKey: string; pathParameters: Record<string, string> } {
  for (const route of resourcesOfType('AWS::ApiGatewayV2::Route')) {
    const routeKey = route.Properties.RouteKey ?? '';
    const [routeMethod, template = ''] = routeKey.split(' ');
    if (routeMethod !== 'ANY' && routeMethod !== method) continue;
    const names: string[] = [];
    const pattern = template.replace(/\{(\w+)(\+?)\}/g, (_whole, name: string, greedy: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(pathname);
    if (match) return { routeKey, pathParameters: Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ''])) };
  }
  throw new Error(`no deployed route takes ${method} ${pathname}`);
}

/**
 * The event the HTTP API sends the function (payload format 2.0) for a browser request that came through
 * CloudFront, which forwards every viewer header but Host. The stage's name prefixes the path unless it
 * is `$default`, as API Gateway does.
 */
function httpApiEvent(
  method: 'GET' | 'POST',
  pathname: string,
  init: { headers?: Record<string, string>; body?: string; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const { routeKey, pathParameters } = deployedRoute(method, pathname);
  const stage = resourcesOfType('AWS::ApiGatewayV2::Stage')[0]?.Properties.StageName ?? '$default';
  const rawPath = stage === '$default' ? pathname : `/${stage}${pathname}`;
  const now = new Date();
  const userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
  const body = init.body === undefined ? undefined : init.base64 ? Buffer.from(init.body).toString('base64') : init.body;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: {
      accept: '*/*',
      'accept-encoding': 'gzip, deflate, br',
      'accept-language': 'vi-VN,vi;q=0.9',
      host: API_DOMAIN,
      origin: 'https://d1234abcd.cloudfront.net',
      'user-agent': userAgent,
      via: '2.0 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)',
      'x-amz-cf-id': randomBytes(42).toString('base64url'),
      'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
      'x-forwarded-for': '113.161.0.10, 130.176.0.1',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(init.body)) }),
      ...init.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: API_ID,
      domainName: API_DOMAIN,
      domainPrefix: API_ID,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '130.176.0.1', userAgent },
      requestId: randomBytes(10).toString('base64'),
      routeKey,
      stage,
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    pathParameters,
    isBase64Encoded: init.base64 ?? false,
    ...(body === undefined ? {} : { body }),
  };
}

/** One S3 notification as S3 → SQS → Lambda delivers it: the notification JSON is the message body. */
function sqsMessage(body: string): SQSRecord {
  const now = Date.now();
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomBytes(96).toString('base64')}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(now - 40),
      SenderId: 'AIDAJHIPRHEMV73VRJEBU',
      ApproximateFirstReceiveTimestamp: String(now),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:${stack.stackName}-UploadEventsQueue`,
    awsRegion: REGION,
  };
}

interface ApiAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

describe('the bundles at work: Lambda events against the emulators', () => {
  let emulators: LocalStack;
  let apiFunction: ExecutionEnvironment | undefined;
  let processUploadFunction: ExecutionEnvironment | undefined;

  beforeAll(async () => {
    // Only the bundled process-upload handles S3's events: the stack just records them.
    emulators = await startTestStack({ processEvents: false });
    apiFunction = await startExecutionEnvironment('apiFunction', emulators);
    processUploadFunction = await startExecutionEnvironment('processUploadFunction', emulators);
  }, 60_000);

  afterAll(async () => {
    await apiFunction?.stop();
    await processUploadFunction?.stop();
    await emulators?.stop();
  });

  function started(environment: ExecutionEnvironment | undefined): ExecutionEnvironment {
    if (!environment) throw new Error('function not started');
    return environment;
  }

  async function callApi(
    method: 'GET' | 'POST',
    pathname: string,
    init: { token?: string; json?: unknown; base64?: boolean; environment?: ExecutionEnvironment } = {},
  ): Promise<ApiAnswer> {
    const event = httpApiEvent(method, pathname, {
      ...(init.token === undefined ? {} : { headers: { authorization: `Bearer ${init.token}` } }),
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      ...(init.base64 === undefined ? {} : { base64: init.base64 }),
    });
    const result = (await started(init.environment ?? apiFunction).invoke(event)) as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
    const text = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
    return { statusCode: result.statusCode, headers: result.headers ?? {}, body: text ? JSON.parse(text) : undefined };
  }

  async function createUpload(token: string, fileName: string, size: number): Promise<PresignedPost> {
    const answer = await callApi('POST', '/api/uploads', { json: { token, fileName, contentType: XLSX_TYPE, size } });
    if (answer.statusCode !== 201) throw new Error(`POST /api/uploads answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
    return answer.body as PresignedPost;
  }

  it('api: reads the token secret from Secrets Manager, as on AWS, with the client its bundle carries', async () => {
    // A stand-in for Secrets Manager (JSON over HTTP): the bundle's own client must find nothing else to load.
    const targets: string[] = [];
    const secretsManager = createServer((request, response) => {
      targets.push(String(request.headers['x-amz-target']));
      request.resume().on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'motcua-token-secret', SecretString: emulators.tokenSecret }));
      });
    });
    secretsManager.listen(0, '127.0.0.1');
    await once(secretsManager, 'listening');
    const address = secretsManager.address() as AddressInfo;
    const withSecretsManager = await startExecutionEnvironment('apiFunction', emulators, {
      TOKEN_SECRET: undefined,
      TOKEN_SECRET_ARN: SECRET_ARN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${address.port}`,
    });
    try {
      const token = tokenOf(emulators.inviteLink(SAMPLE_UNIT));
      const answer = await callApi('GET', '/api/uploads', { token, environment: withSecretsManager });
      expect(answer.statusCode, withSecretsManager.output()).toBe(200);
      expect(answer.body).toMatchObject({ unit: { code: SAMPLE_UNIT } });
      expect(targets).toEqual(['secretsmanager.GetSecretValue']);
    } finally {
      await withSecretsManager.stop();
      secretsManager.close();
    }
  });

  it('the HTTP API integration sends payload format 2.0, the shape of the events below', () => {
    expect(resourcesOfType('AWS::ApiGatewayV2::Integration').map((integration) => integration.Properties.PayloadFormatVersion)).toEqual(['2.0']);
  });

  it.each([
    ['as text', false],
    ['base64-encoded', true],
  ])('api: POST /api/uploads with the JSON body %s answers 201 with a presigned POST for the unit', async (_encoding, base64) => {
    const token = tokenOf(emulators.inviteLink(SAMPLE_UNIT));
    const before = Date.now();
    const answer = await callApi('POST', '/api/uploads', {
      json: { token, fileName: 'danh-sach.xlsx', contentType: XLSX_TYPE, size: 12_345 },
      base64,
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/), 'cache-control': 'no-store' });
    const body = answer.body as PresignedPost;
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'fields', 'uploadId', 'url']);
    expect(body.uploadId).toMatch(/^[a-z0-9]{8,40}$/);
    expect(body.url).toBe(`${emulators.s3Url}/${emulators.bucketName}`);
    expect(body.fields).toMatchObject({ key: incomingKey(SAMPLE_UNIT, body.uploadId, 'xlsx'), 'Content-Type': XLSX_TYPE });
    expect(Object.keys(body.fields)).toEqual(expect.arrayContaining(['Policy', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature']));
    // The policy's expiry is in whole seconds.
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + (UPLOAD_URL_TTL_SECONDS - 1) * 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000);
  });

  it('api: GET /api/uploads/<id> with the Bearer token answers pending before the file arrives', async () => {
    const token = tokenOf(emulators.inviteLink(SAMPLE_UNIT));
    const { uploadId } = await createUpload(token, 'danh-sach.xlsx', 12_345);
    const answer = await callApi('GET', `/api/uploads/${uploadId}`, { token });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({ uploadId, status: 'pending', accepted: null, rows: null, reportUrl: null });
  });

  it.each([
    { kind: 'forged (signed with another key)', code: 'TOKEN_FORGED' },
    { kind: 'expired', code: 'TOKEN_EXPIRED' },
    { kind: 'missing', code: 'TOKEN_MISSING' },
  ] as const)('api: GET /api/uploads/<id>, the token $kind: 401 $code with its Vietnamese message, not the upload', async ({ kind, code }) => {
    const genuine = tokenOf(emulators.inviteLink(SAMPLE_UNIT));
    const { uploadId } = await createUpload(genuine, 'danh-sach.xlsx', 12_345);
    const now = Date.now();
    const tokens = {
      'forged (signed with another key)': issueToken(
        { unit: SAMPLE_UNIT, form: 'roster', period: vietnamMonth(new Date(now)), expiresAt: new Date(now + 3_600_000) },
        randomBytes(32).toString('base64url'),
      ),
      expired: tokenOf(emulators.inviteLink(SAMPLE_UNIT, { expiresAt: new Date(now - 60_000) })),
      missing: undefined,
    };
    const token = tokens[kind];
    const answer = await callApi('GET', `/api/uploads/${uploadId}`, token === undefined ? {} : { token });
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toEqual({ error: { code, message: API_ERRORS[code].message } });
    expect(API_ERRORS[code].message).toMatch(VIETNAMESE_LETTER);
  });

  describe.each([
    { sample: 's01', unit: SAMPLE_UNIT, verdict: 'accepted' },
    { sample: 's03', unit: '544', verdict: 'rejected' },
  ] as const)('an $verdict sample ($sample): presigned POST to S3, then its notification in an SQS message', ({ sample, unit, verdict }) => {
    const fileName = path.basename(SAMPLES[sample]);
    const bytes = sampleBytes(sample);
    let token: string;
    let created: PresignedPost;
    let batchResponse: unknown;
    let expected: Verdict;

    beforeAll(async () => {
      // The oracle: what the roster engine itself concludes from the file.
      expected = await validate(bytes, { unit, form: 'roster', fileName });
      token = tokenOf(emulators.inviteLink(unit));
      created = await createUpload(token, fileName, bytes.byteLength);
      const posted = await postToS3(created, bytes, fileName);
      if (!posted.ok) throw new Error(`S3 refused the presigned POST: ${posted.status} ${await posted.text()}`);
      const notification = emulators.events.find((event) => JSON.stringify(event).includes(`/${created.uploadId}.`));
      if (!notification) throw new Error('s3rver emitted no notification for the upload');
      const event: SQSEvent = { Records: [sqsMessage(JSON.stringify(notification))] };
      batchResponse = await started(processUploadFunction).invoke(event);
    });

    it('process-upload reports no failed message', () => {
      expect(batchResponse).toEqual({ batchItemFailures: [] } satisfies SQSBatchResponse);
    });

    it('api: GET /api/uploads/<id> answers the verdict the roster engine reaches, with its row count and issues', async () => {
      // The samples' README gives the verdict; the engine gives the details.
      expect(expected.accepted).toBe(verdict === 'accepted');
      expect(expected.rows.length).toBeGreaterThan(0);
      const answer = await callApi('GET', `/api/uploads/${created.uploadId}`, { token });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toMatchObject({
        uploadId: created.uploadId,
        status: verdict,
        accepted: expected.accepted,
        rows: expected.rows.length,
        issues: expected.issues.map(({ code, row, severity }) => ({ code, row, severity })),
      });
    });

    it('api: the report link (only when there are issues) downloads the annotated workbook', async () => {
      const answer = await callApi('GET', `/api/uploads/${created.uploadId}`, { token });
      const { reportUrl } = answer.body as { reportUrl: string | null };
      if (expected.issues.length === 0) {
        expect(reportUrl).toBeNull();
        return;
      }
      const download = await fetch(reportUrl ?? '');
      expect(download.status).toBe(200);
      // An .xlsx is a zip archive: local file header "PK\x03\x04".
      expect(Buffer.from(await download.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    });

    it('no log line of either function carries an ID number, a phone number or the upload token', () => {
      const secrets = [token, ...expected.rows.flatMap((row) => [row.idNumber, row.phone])].filter((value): value is string => Boolean(value));
      expect(secrets.length).toBeGreaterThan(1);
      const logs = started(apiFunction).output() + started(processUploadFunction).output();
      expect(logs).toContain(created.uploadId);
      for (const secret of secrets) expect(logs).not.toContain(secret);
    });
  });

  it.each([
    { kind: 'a body that is not JSON', body: 'Records=[not json', failed: true },
    { kind: 'an S3 record without its object', body: JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Post' }] }), failed: true },
    {
      kind: 'the s3:TestEvent S3 sends when the notification is set up',
      body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2021-06-01T01:00:00.000Z', Bucket: 'motcua-uploads', RequestId: 'R1', HostId: 'H1' }),
      failed: false,
    },
  ])('process-upload: an SQS message with $kind is handed back for redelivery (and logged by its id): $failed', async ({ body, failed }) => {
    const message = sqsMessage(body);
    const response = await started(processUploadFunction).invoke({ Records: [message] } satisfies SQSEvent);
    expect(response).toEqual({ batchItemFailures: failed ? [{ itemIdentifier: message.messageId }] : [] } satisfies SQSBatchResponse);
    // What an operator searches the logs for when the message reaches the dead-letter queue.
    expect(started(processUploadFunction).output().includes(message.messageId)).toBe(failed);
  });

  it('names errors by their class and marks only the first invocation of each function as a cold start', () => {
    const lines = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    // esbuild's minifier renames classes unless told to keep names: an operator must read "TokenError", not "ae".
    expect(lines(started(apiFunction).output()).some((line) => line.errorName === 'TokenError')).toBe(true);
    const processLines = lines(started(processUploadFunction).output()).filter((line) => 'cold_start' in line);
    expect(processLines.length).toBeGreaterThan(2);
    expect(processLines.at(0)?.cold_start).toBe(true);
    expect(processLines.at(-1)?.cold_start).toBe(false);
  });
});
