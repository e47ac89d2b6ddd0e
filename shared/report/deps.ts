/** The report's dependencies: from the pipeline's (CLI, local stack, dashboard), or from the environment (the function). */
import { loadDeps, type PipelineDeps } from '../pipeline/deps.js';
import { createReportStore } from '../store/reports.js';
import { loadReportConfig, type ReportConfig } from './config.js';
import type { ReportSource } from './load.js';
import type { ReportDeps } from './run.js';

/** What the report reads of the intake's stores. */
export function reportSourceFrom({ store, results, grants }: Pick<PipelineDeps, 'store' | 'results' | 'grants'>): ReportSource {
  return {
    listRosterPointers: () => store.listRosterPointers(),
    listChangedRosterPointers: (month, since) => store.listChangedRosterPointers(month, since),
    getRosterPointer: (unit) => store.getRosterPointer(unit),
    listVersionOfficials: (unit, versionId) => store.listVersionOfficials(unit, versionId),
    listGrants: () => grants.listGrants(),
    getGrants: (idHashes) => grants.getGrants(idHashes),
    listResultsPointers: (period) => results.listResultsPointers(period),
    listCountedEntries: (period, scope, versionId, options) => results.listCountedEntries(period, scope, versionId, options),
  };
}

export function reportDepsFrom(deps: PipelineDeps, config: ReportConfig): ReportDeps {
  const { clients } = deps;
  return {
    source: reportSourceFrom(deps),
    reports: createReportStore({ doc: clients.doc, tableName: deps.config.tableName }),
    ses: clients.ses,
    s3: clients.s3,
    bucketName: deps.config.bucketName,
    rosterDeadline: deps.config.rosterDeadline,
    config,
    logger: deps.logger,
    now: deps.now,
    // The link to a workbook too large to attach points at the page's own origin (on AWS motcua:publicBaseUrl,
    // locally the stack's page) and is signed with a key derived from the token secret.
    fileLink: { secret: deps.tokenSecret, publicBaseUrl: deps.config.admin?.publicBaseUrl ?? null },
  };
}

/**
 * The function's dependencies, built once per cold start. They include the token secret (one
 * GetSecretValue per cold start): the report never hashes a person, but it signs the 7-day link to a
 * workbook too large to attach.
 */
export async function reportDepsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ReportDeps> {
  return reportDepsFrom(await loadDeps(env), loadReportConfig(env));
}
