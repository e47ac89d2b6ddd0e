/** The report's dependencies: from the pipeline's (CLI, local stack), or from the environment (the function). */
import type { AwsClients } from '../aws/clients.js';
import { awsClientsFromEnv } from '../aws/clients.js';
import { getObjectBytes, issuesKey, putObject } from '../aws/s3.js';
import { type AppConfig, loadConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { createGrantsStore, type GrantsStore } from '../store/grants.js';
import { createReportStore } from '../store/reports.js';
import { createResultsStore, type ResultsStore } from '../store/results.js';
import { createStore, type Store } from '../store/store.js';
import { loadReportConfig, type ReportConfig } from './config.js';
import type { ReportDeps } from './run.js';

interface ReportParts {
  config: AppConfig;
  clients: AwsClients;
  store: Store;
  results: ResultsStore;
  grants: GrantsStore;
  logger: Logger;
  now: () => Date;
}

function assemble(parts: ReportParts, config: ReportConfig): ReportDeps {
  const { store, results, grants, clients } = parts;
  return {
    source: {
      listRosterPointers: () => store.listRosterPointers(),
      listVersionOfficials: (unit, versionId) => store.listVersionOfficials(unit, versionId),
      listGrants: () => grants.listGrants(),
      listResultsPointers: (period) => results.listResultsPointers(period),
      listResultsEntries: (period, scope, versionId) => results.listResultsEntries(period, scope, versionId),
    },
    reports: createReportStore({ doc: clients.doc, tableName: parts.config.tableName }),
    ses: clients.ses,
    s3: clients.s3,
    bucketName: parts.config.bucketName,
    rosterDeadline: parts.config.rosterDeadline,
    config,
    logger: parts.logger,
    now: parts.now,
  };
}

export function reportDepsFrom(deps: PipelineDeps, config: ReportConfig): ReportDeps {
  return assemble(deps, config);
}

/**
 * The function's dependencies, built once per cold start without the token secret: the report reads what
 * the intake keyed, and never hashes a person itself, so its role has no access to the secret.
 */
export function reportDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ReportDeps {
  const config = loadConfig(env);
  const clients = awsClientsFromEnv(env);
  const table = { doc: clients.doc, tableName: config.tableName };
  const store = createStore({
    ...table,
    // Issue overflow belongs to uploads; the report never reads or writes it.
    overflow: {
      keyFor: issuesKey,
      put: (key, bytes) => putObject(clients.s3, { bucket: config.bucketName, key, body: bytes, contentType: 'application/gzip' }),
      get: (key) => getObjectBytes(clients.s3, { bucket: config.bucketName, key }),
    },
  });
  const parts: ReportParts = {
    config,
    clients,
    store,
    results: createResultsStore(table),
    grants: createGrantsStore(table),
    logger: createLogger({ serviceName: config.serviceName, logLevel: config.logLevel }),
    now: () => new Date(),
  };
  return assemble(parts, loadReportConfig(env));
}
