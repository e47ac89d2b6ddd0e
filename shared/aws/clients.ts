/**
 * The AWS SDK v3 clients, built in one place. On AWS they take region and credentials from the Lambda
 * environment; locally (`npm start`, tests, the CLI) they get endpoint overrides for the in-process
 * emulators: dynalite, s3rver and aws-ses-v2-local.
 *
 * Each client is built the first time it is used, not with the others: a process-upload cold start never
 * sends mail, and the token secret is read at most once per process (never when it is given as a value).
 * The SES and Secrets Manager packages are run then too (sesPackage, secretsManagerPackage): running each
 * costs a cold start tens of milliseconds (docs/PERFORMANCE.md).
 */
import { createRequire } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Plain JavaScript values in and out; `undefined` attributes are dropped rather than rejected. */
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly ses: SESClient;
  readonly secrets: SecretsManagerClient;
}

/**
 * `require` rather than `import()`: a client stays a plain property, built synchronously on first use.
 * A direct `require('…')` naming the package, so that esbuild bundles it with the rest of the locked SDK
 * (FUNCTION_BUNDLING in infra/constructs/intake-function.ts) as a module parsed with the bundle but run
 * only on the first call; a `require` made by `createRequire` would be left to Node at run time, which on
 * Lambda finds the runtime's own, unpinned SDK. In a bundle `require` is esbuild's; run from the sources
 * under tsx, an ES module has none, and Node's is made for it.
 */
const requireFromSources = createRequire(import.meta.url);

/** `@aws-sdk/client-ses`, loaded on first call. */
export function sesPackage(): typeof import('@aws-sdk/client-ses') {
  return typeof require === 'function' ? require('@aws-sdk/client-ses') : requireFromSources('@aws-sdk/client-ses');
}

/** `@aws-sdk/client-secrets-manager`, loaded on first call. */
export function secretsManagerPackage(): typeof import('@aws-sdk/client-secrets-manager') {
  return typeof require === 'function' ? require('@aws-sdk/client-secrets-manager') : requireFromSources('@aws-sdk/client-secrets-manager');
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

/** What createAwsClients built so far, for destroyAwsClients (a client never used is never built). */
const builtClients = new WeakMap<AwsClients, () => { destroy(): void }[]>();

export function createAwsClients(options: ClientOptions = {}): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? 'ap-southeast-1';
  const base = { region, ...(options.credentials ? { credentials: options.credentials } : {}) };
  const s3Credentials = options.s3Credentials ?? options.credentials;
  const dynamodb = builtOnFirstUse(
    () =>
      new DynamoDBClient({
        ...base,
        ...(options.endpoints?.dynamodb ? { endpoint: options.endpoints.dynamodb } : {}),
      }),
  );
  const doc = builtOnFirstUse(() =>
    DynamoDBDocumentClient.from(dynamodb.get(), {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    }),
  );
  const s3 = builtOnFirstUse(
    () =>
      new S3Client({
        region,
        ...(s3Credentials ? { credentials: s3Credentials } : {}),
        ...(options.endpoints?.s3 ? { endpoint: options.endpoints.s3 } : {}),
        forcePathStyle: options.s3ForcePathStyle ?? false,
        // Checksums only where S3 requires them: otherwise streamed bodies reach s3rver with their aws-chunked
        // framing stored in the object. Real S3 is indifferent.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
  );
  const ses = builtOnFirstUse(
    () =>
      new (sesPackage().SESClient)({
        ...base,
        retryMode: 'standard',
        maxAttempts: SES_MAX_ATTEMPTS,
        ...(options.endpoints?.ses ? { endpoint: options.endpoints.ses } : {}),
      }),
  );
  const secrets = builtOnFirstUse(() => new (secretsManagerPackage().SecretsManagerClient)(base));
  // Getters of an object literal, not of a class: own properties, so that `{ ...clients, doc }` (a test
  // swapping one client) copies the others.
  const clients: AwsClients = {
    get dynamodb() {
      return dynamodb.get();
    },
    get doc() {
      return doc.get();
    },
    get s3() {
      return s3.get();
    },
    get ses() {
      return ses.get();
    },
    get secrets() {
      return secrets.get();
    },
  };
  builtClients.set(clients, () => [doc, dynamodb, s3, ses, secrets].flatMap((client) => client.built() ?? []));
  return clients;
}

interface BuiltOnFirstUse<Client> {
  get(): Client;
  /** The client if it was built, without building it. */
  built(): Client | undefined;
}

function builtOnFirstUse<Client>(build: () => Client): BuiltOnFirstUse<Client> {
  let client: Client | undefined;
  return {
    get: () => {
      client ??= build();
      return client;
    },
    built: () => client,
  };
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

/** Closes the clients' connections: those createAwsClients built, or every one of a set made otherwise. */
export function destroyAwsClients(clients: AwsClients): void {
  const built = builtClients.get(clients)?.() ?? [clients.doc, clients.dynamodb, clients.s3, clients.ses, clients.secrets];
  for (const client of built) client.destroy();
}
