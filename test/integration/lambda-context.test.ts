/**
 * On Lambda, every log line of an invocation names its request id, so an operator can go from an alarm to
 * the one invocation's lines (and to the dead-letter message). The same handlers run locally without a
 * Lambda context and must log just the same, without those keys.
 */
import type { Context } from 'aws-lambda';
import type { LambdaEvent } from 'hono/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../functions/api/app.js';
import { createProcessUploadHandler } from '../../functions/process-upload/app.js';
import { createAwsClients, destroyAwsClients, EMULATOR_CREDENTIALS } from '../../shared/aws/clients.js';
import type { AppConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { createDeps, type PipelineDeps } from '../../shared/pipeline/deps.js';

const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e812345678';

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1536',
    awsRequestId: REQUEST_ID,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2021/06/20/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 90_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const config: AppConfig = {
  tableName: 'motcua-intake',
  bucketName: 'motcua-uploads',
  tokenSecret: { kind: 'value', value: 'x'.repeat(40) },
  maxUploadBytes: 5 * 1024 * 1024,
  rosterDeadline: '2021-06-25',
  serviceName: 'motcua-test',
  logLevel: 'INFO',
};

/**
 * Dependencies whose AWS clients point at a closed port: the paths exercised here log and return before
 * any AWS call, and an unexpected call fails loudly instead of reaching anything.
 */
function testDeps(): PipelineDeps {
  const clients = createAwsClients({
    region: 'ap-southeast-1',
    endpoints: { dynamodb: 'http://127.0.0.1:9', s3: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' },
    s3ForcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
  });
  opened.push(clients);
  return createDeps({ config, clients, tokenSecret: 'x'.repeat(40), logger: createLogger({ serviceName: 'motcua-test', logLevel: 'INFO' }) });
}
const opened: ReturnType<typeof createAwsClients>[] = [];

/** The JSON log lines Powertools writes (to stdout and stderr) while `run` runs. */
async function logLinesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => {
  for (const clients of opened.splice(0)) destroyAwsClients(clients);
});

/** An SQS message carrying an S3 notification for an upload key in a bucket that is not the app's. */
function sqsEventFromOtherBucket() {
  const notification = {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        eventTime: '2021-06-20T03:00:00.000Z',
        s3: { bucket: { name: 'someone-elses-bucket' }, object: { key: 'incoming/548/abcdefghij0123456789a.xlsx', size: 10, sequencer: '0A' } },
      },
    ],
  };
  return { Records: [{ eventSource: 'aws:sqs', messageId: 'm-1', body: JSON.stringify(notification), receiptHandle: 'r', attributes: {}, messageAttributes: {} }] };
}

/** API Gateway (HTTP API, payload 2.0): `GET /api/uploads` without a token. */
function apiGatewayEvent(): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/api/uploads',
    rawQueryString: '',
    headers: { host: 'example.execute-api.ap-southeast-1.amazonaws.com' },
    body: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'example',
      authentication: null,
      authorizer: {},
      domainName: 'example.execute-api.ap-southeast-1.amazonaws.com',
      domainPrefix: 'example',
      http: { method: 'GET', path: '/api/uploads', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'api-gateway-request',
      routeKey: '$default',
      stage: '$default',
      time: '20/Jun/2021:03:00:00 +0000',
      timeEpoch: 1624158000000,
    },
    isBase64Encoded: false,
  };
}

describe('process-upload logs', () => {
  it('carry the Lambda request id and function name, in the per-upload lines too', async () => {
    const handler = createProcessUploadHandler(testDeps());
    let result: unknown;
    const lines = await logLinesOf(async () => {
      result = await handler(sqsEventFromOtherBucket(), lambdaContext('motcua-process-upload'));
    });
    expect(result).toEqual({ batchItemFailures: [] });
    const ignored = lines.find((line) => line.message === 'S3 event from another bucket; ignored');
    expect(ignored).toMatchObject({ function_request_id: REQUEST_ID, function_name: 'motcua-process-upload', uploadId: 'abcdefghij0123456789a' });
  });

  it('still log, without Lambda keys, when there is no Lambda context (local stack)', async () => {
    const handler = createProcessUploadHandler(testDeps());
    const lines = await logLinesOf(() => handler(sqsEventFromOtherBucket()));
    const ignored = lines.find((line) => line.message === 'S3 event from another bucket; ignored');
    expect(ignored).toMatchObject({ uploadId: 'abcdefghij0123456789a' });
    expect(ignored).not.toHaveProperty('function_request_id');
  });
});

describe('api logs', () => {
  it('carry the Lambda request id of the API Gateway request they belong to', async () => {
    const handler = createApiHandler(testDeps());
    let statusCode: number | undefined;
    const lines = await logLinesOf(async () => {
      statusCode = (await handler(apiGatewayEvent(), lambdaContext('motcua-api'))).statusCode;
    });
    expect(statusCode).toBe(401);
    const refused = lines.find((line) => line.message === 'api request refused');
    expect(refused).toMatchObject({ function_request_id: REQUEST_ID, function_name: 'motcua-api', code: 'TOKEN_MISSING' });
  });

  it('still log, without Lambda keys, when there is no Lambda context', async () => {
    const handler = createApiHandler(testDeps());
    const lines = await logLinesOf(() => handler(apiGatewayEvent()));
    const refused = lines.find((line) => line.message === 'api request refused');
    expect(refused).toMatchObject({ code: 'TOKEN_MISSING' });
    expect(refused).not.toHaveProperty('function_request_id');
  });
});
