/**
 * What the domain steps need from the outside world, built once per process (per Lambda cold start, per
 * local stack, per CLI run) and passed explicitly, so tests can swap any piece (a store that fails after K
 * batches, a fixed clock).
 */
import { randomBytes } from 'node:crypto';
import { type AppConfig, loadConfig } from '../config.js';
import { type AwsClients, awsClientsFromEnv } from '../aws/clients.js';
import { getObjectBytes, issuesKey, putObject } from '../aws/s3.js';
import { resolveTokenSecret } from '../aws/secrets.js';
import { createLogger, type Logger } from '../logger.js';
import { createGrantsStore, type GrantsStore } from '../store/grants.js';
import { createResultsStore, type ResultsStore } from '../store/results.js';
import { createStore, type Store } from '../store/store.js';
import { personIdHasher, personPhoneHasher } from '../tokens.js';

export interface PipelineDeps {
  config: AppConfig;
  clients: AwsClients;
  store: Store;
  /** Monthly results per period and scope (shared/store/results.ts). */
  results: ResultsStore;
  /** Permission grants per person (shared/store/grants.ts). */
  grants: GrantsStore;
  tokenSecret: string;
  /** Keyed hash of an ID number (HMAC under a key derived from the token secret). */
  hashPersonId: (idNumber: string) => string;
  /** Keyed hash of a normalized mobile number (its own derived key). */
  hashPhone: (phone: string) => string;
  logger: Logger;
  now: () => Date;
  newUploadId: () => string;
}

/**
 * A new upload id: 9 base-36 digits of milliseconds (sortable until the year 5188) and 12 random hex
 * digits. Lowercase alphanumerics only, so it is safe in keys and URLs and sorts by creation time.
 */
export function newUploadId(now: Date = new Date()): string {
  return now.getTime().toString(36).padStart(9, '0') + randomBytes(6).toString('hex');
}

export interface CreateDepsInput {
  config: AppConfig;
  clients: AwsClients;
  tokenSecret: string;
  logger?: Logger;
  now?: () => Date;
}

export function createDeps(input: CreateDepsInput): PipelineDeps {
  const { config, clients } = input;
  const now = input.now ?? (() => new Date());
  const store = createStore({
    doc: clients.doc,
    tableName: config.tableName,
    overflow: {
      keyFor: issuesKey,
      put: (key, bytes) =>
        putObject(clients.s3, { bucket: config.bucketName, key, body: bytes, contentType: 'application/gzip' }),
      get: (key) => getObjectBytes(clients.s3, { bucket: config.bucketName, key }),
    },
  });
  return {
    config,
    clients,
    store,
    results: createResultsStore({ doc: clients.doc, tableName: config.tableName }),
    grants: createGrantsStore({ doc: clients.doc, tableName: config.tableName }),
    tokenSecret: input.tokenSecret,
    hashPersonId: personIdHasher(input.tokenSecret),
    hashPhone: personPhoneHasher(input.tokenSecret),
    logger: input.logger ?? createLogger({ serviceName: config.serviceName, logLevel: config.logLevel }),
    now,
    newUploadId: () => newUploadId(now()),
  };
}

/** The functions' dependencies from the environment (Lambda, or a process started with the local env). */
export async function loadDeps(env: NodeJS.ProcessEnv = process.env): Promise<PipelineDeps> {
  const config = loadConfig(env);
  const clients = awsClientsFromEnv(env);
  const tokenSecret = await resolveTokenSecret(config.tokenSecret, () => clients.secrets);
  return createDeps({ config, clients, tokenSecret });
}
