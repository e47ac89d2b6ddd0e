/**
 * The AWS SDK v3 clients, built in one place. On AWS they take region and credentials from the Lambda
 * environment; locally (`npm start`, tests, the CLI) they get endpoint overrides for the in-process
 * emulators: dynalite, s3rver and aws-ses-v2-local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  dynamodb: DynamoDBClient;
  /** Plain JavaScript values in and out; `undefined` attributes are dropped rather than rejected. */
  doc: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESClient;
  secrets: SecretsManagerClient;
}

export interface ClientOptions {
  region?: string;
  endpoints?: { dynamodb?: string; s3?: string; ses?: string };
  /** Needed for `localhost` endpoints (no virtual-host buckets there). */
  s3ForcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** s3rver accepts only its own key pair; the others accept anything. */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The credentials s3rver expects. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
/**
 * Attempts of an SES call (the first and the retries): the monthly report's one e-mail is worth waiting for
 * through a throttling burst, with the SDK's standard exponential backoff and jitter between attempts.
 */
export const SES_MAX_ATTEMPTS = 6;

/** Any non-empty pair works for dynalite and aws-ses-v2-local. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function createAwsClients(options: ClientOptions = {}): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? 'ap-southeast-1';
  const base = { region, ...(options.credentials ? { credentials: options.credentials } : {}) };
  const dynamodb = new DynamoDBClient({
    ...base,
    ...(options.endpoints?.dynamodb ? { endpoint: options.endpoints.dynamodb } : {}),
  });
  const s3Credentials = options.s3Credentials ?? options.credentials;
  const s3 = new S3Client({
    region,
    ...(s3Credentials ? { credentials: s3Credentials } : {}),
    ...(options.endpoints?.s3 ? { endpoint: options.endpoints.s3 } : {}),
    forcePathStyle: options.s3ForcePathStyle ?? false,
    // Checksums only where S3 requires them: otherwise streamed bodies reach s3rver with their aws-chunked
    // framing stored in the object. Real S3 is indifferent.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const ses = new SESClient({
    ...base,
    retryMode: 'standard',
    maxAttempts: SES_MAX_ATTEMPTS,
    ...(options.endpoints?.ses ? { endpoint: options.endpoints.ses } : {}),
  });
  const secrets = new SecretsManagerClient(base);
  const doc = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return { dynamodb, doc, s3, ses, secrets };
}

/**
 * Clients configured from the environment: `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SES` and `S3_FORCE_PATH_STYLE=true` locally; nothing of that on AWS.
 */
export function awsClientsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsClients {
  const endpoints = {
    ...(env.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB } : {}),
    ...(env.AWS_ENDPOINT_URL_S3 ? { s3: env.AWS_ENDPOINT_URL_S3 } : {}),
    ...(env.AWS_ENDPOINT_URL_SES ? { ses: env.AWS_ENDPOINT_URL_SES } : {}),
  };
  return createAwsClients({ endpoints, s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.doc.destroy();
  clients.dynamodb.destroy();
  clients.s3.destroy();
  clients.ses.destroy();
  clients.secrets.destroy();
}
